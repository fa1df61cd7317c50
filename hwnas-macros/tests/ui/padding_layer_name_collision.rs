use hwnas_macros::searchable;

#[searchable(input = [8, 8, 1])]
struct Net {
    #[layer(filters = 8, kernel = 3, padding = 1)]
    conv1: Conv2D,
    conv1_pad: ReLU,
}

fn main() {}
