use hwnas_macros::searchable;

#[searchable(input = [16])]
struct Net {
    #[layer(units = [8, 16, 8])]
    fc1: Dense,
}

fn main() {}
