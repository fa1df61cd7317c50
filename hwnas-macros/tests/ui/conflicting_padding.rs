use hwnas_macros::searchable;

#[searchable(input = [8, 8, 1])]
struct Net {
    #[layer(filters = 8, kernel = 3, padding = same, padding = valid)]
    conv1: Conv2D,
}

fn main() {}
