use hwnas_macros::searchable;

#[searchable(input = [16], output_type = "ap_fixed<8,3>")]
struct Net {
    #[layer(units = 8)]
    fc1: Dense,
}

fn main() {}
