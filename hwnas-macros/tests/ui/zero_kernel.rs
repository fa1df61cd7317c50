use hwnas_macros::searchable;

#[searchable(input = [32, 2])]
struct Net {
    #[layer(filters = 8, kernel = 0)]
    conv1: Conv1D,
}

fn main() {}
