use hwnas_macros::searchable;

#[searchable(input = [16])]
struct Net {
    #[layer(units = 8, activation = relu)]
    fc1: Dense,
}

fn main() {}
