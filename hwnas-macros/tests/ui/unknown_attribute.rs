use hwnas_macros::searchable;

#[searchable(input = [8, 8, 1])]
struct Net {
    #[conv2d(filters = 8, kernel = 3)]
    conv1: Conv2D,
}

fn main() {}
