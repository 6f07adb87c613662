//! Print the diff a recipe would make: `cargo run -p calm-refactor --example plan -- FILE RECIPE [ARGS…]`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: plan FILE RECIPE [ARGS…]");
        std::process::exit(2);
    }
    let text = std::fs::read_to_string(&args[0]).expect("readable file");
    let recipe = calm_refactor::Recipe::parse_args(&args[1], &args[2..]).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    match calm_refactor::plan(&args[0], &text, &recipe) {
        Ok(p) => {
            for c in &p.changes {
                eprintln!("+ {c}");
            }
            print!("{}", p.unified_diff());
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
