//! Serve the coverage tests' generated API of N operations on 127.0.0.1,
//! for `scripts/bench-coverage.sh`: the same server the tests scan
//! (`tests/coverage_api`), so the benchmark measures what the tests assert.
//!
//! Usage: `cargo run --release -p palisade-checks --example generated_api -- <N>`
//! Prints `BASE http://127.0.0.1:<port>` once listening, then
//! `RECEIVED <requests> <writes>` when stdin closes, and exits.

#[path = "../tests/coverage_api/mod.rs"]
mod coverage_api;

use std::io::Read;

#[tokio::main]
async fn main() {
    let n = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        Some(Ok(n)) if n > 0 => n,
        _ => {
            eprintln!("usage: generated_api <operations>");
            std::process::exit(2);
        }
    };
    let api = coverage_api::GeneratedApi::start(n).await;
    println!("BASE {}", api.base);
    // The benchmark holds stdin open for as long as the server should run.
    let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await;
    let log = api.log();
    let writes = log.iter().filter(|l| !matches!(l.method.as_str(), "GET" | "HEAD" | "OPTIONS")).count();
    println!("RECEIVED {} {writes}", log.len());
}
