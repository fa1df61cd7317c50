use hwnas_macros::searchable;

#[searchable(input = [16])]
struct Net {
    #[layer(units = "16", strategy = fast)]
    fc1: Dense,
}

fn main() {}
