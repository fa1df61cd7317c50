use hwnas_macros::searchable;

#[searchable(input = [16])]
struct Net {
    #[layer(units = [8, -16])]
    fc1: Dense,
}

fn main() {}
