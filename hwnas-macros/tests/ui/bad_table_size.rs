use hwnas_macros::searchable;

#[searchable(input = [4])]
struct Net {
    #[layer(units = 4)]
    fc: Dense,
    #[layer(table_size = 1000)]
    sig: Sigmoid,
}

fn main() {}
