use hwnas_macros::searchable;

#[searchable(input = [16])]
enum Net {
    A,
}

fn main() {}
