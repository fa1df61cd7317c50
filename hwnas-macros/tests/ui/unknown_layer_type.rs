use hwnas_macros::searchable;

#[searchable(input = [8, 8, 1])]
struct Net {
    #[layer(filters = 8, kernel = 3)]
    conv1: Conv2d,
    pool1: MaxPool3D,
}

fn main() {}
