use hwnas_macros::searchable;

#[searchable(input = [8, 8, 1])]
struct Net {
    #[layer(filters = [], kernel = 3)]
    conv1: Conv2D,
}

fn main() {}
