use hwnas_macros::searchable;

#[searchable(input = [8, 8, 1])]
struct Net {
    #[layer(filters = 4, kernel = 3)]
    conv1: Conv2D,
    relu1: ReLU,
    #[layer(units = 1)]
    out: Dense,
}

fn main() {}
