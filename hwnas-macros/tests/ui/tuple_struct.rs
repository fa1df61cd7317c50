use hwnas_macros::searchable;

#[searchable(input = [16])]
struct Net(Dense, Dense);

fn main() {}
