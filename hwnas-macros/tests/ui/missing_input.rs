use hwnas_macros::searchable;

#[searchable]
struct Net {
    #[layer(units = 8)]
    fc1: Dense,
}

fn main() {}
