use hwnas_macros::searchable;

#[searchable(input = [16])]
struct Net {}

fn main() {}
