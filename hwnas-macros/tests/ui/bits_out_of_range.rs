use hwnas_macros::searchable;

#[searchable(input = [16])]
struct Net {
    #[layer(units = 8, weight_bits = [4, 33], result_bits = 0)]
    fc1: Dense,
}

fn main() {}
