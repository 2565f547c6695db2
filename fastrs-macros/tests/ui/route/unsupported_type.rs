use fastrs::prelude::*;

/// Neither a model nor a parameter type.
struct Filter {
    q: String,
}

#[get("/items")]
async fn list(filter: Filter, #[header] when: std::time::Instant) -> String {
    let _ = when;
    filter.q
}

fn main() {}
