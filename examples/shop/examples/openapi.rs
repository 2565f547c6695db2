//! Prints the shop's OpenAPI document (`cargo run -p shop --example openapi`).
fn main() {
    let doc = shop::app(shop::Config::new("sqlite::memory:")).openapi();
    println!("{}", fastrs::serde_json::to_string_pretty(&doc).unwrap());
}
