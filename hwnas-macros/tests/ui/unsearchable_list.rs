use hwnas_macros::searchable;

#[searchable(input = [8, 8, 1])]
struct Net {
    #[layer(filters = 8, kernel = 3, stride = [1, 2])]
    conv1: Conv2D,
    #[layer(alpha = [0.1, 0.3])]
    act1: LeakyReLU,
}

fn main() {}
