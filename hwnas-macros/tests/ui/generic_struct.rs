use hwnas_macros::searchable;

#[searchable(input = [16])]
struct Net<T: Copy> {
    #[layer(units = 8)]
    fc1: Dense,
}

fn main() {}
