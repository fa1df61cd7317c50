use hwnas_macros::searchable;

#[searchable(input = [16], input_type = "fixed16")]
struct Net {
    #[layer(units = 8)]
    fc1: Dense,
}

fn main() {}
