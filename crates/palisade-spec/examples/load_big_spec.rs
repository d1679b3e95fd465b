//! Load time of generated specs of 1,000 / 5,000 / 10,000 operations (or the
//! counts given as arguments), the best of five loads each:
//!
//! ```sh
//! cargo run --release -p palisade-spec --example load_big_spec [OPERATIONS...]
//! ```
//!
//! The generator is the tests' (`tests/support/big_spec.rs`).

#[path = "../tests/support/big_spec.rs"]
mod big_spec;

use palisade_spec::{load, LoadOptions};
use std::time::{Duration, Instant};

fn main() {
    let counts: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let counts = if counts.is_empty() { vec![1_000, 5_000, 10_000] } else { counts };
    println!("{:>10} {:>10} {:>10} {:>10} {:>10} {:>9}", "operations", "spec MB", "best ms", "median ms", "endpoints", "warnings");
    for n in counts {
        let doc = big_spec::openapi_spec(n);
        let mut times: Vec<Duration> = Vec::new();
        let mut endpoints = 0;
        let mut warnings = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let inv = load(doc.as_bytes(), &LoadOptions::default()).expect("the generated spec loads");
            times.push(started.elapsed());
            endpoints = inv.endpoints.len();
            // Budget warnings (max_nodes, max_output_bytes) say schemas were cut.
            warnings = inv.warnings;
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!("{n:>10} {:>10.2} {:>10.1} {:>10.1} {endpoints:>10} {:>9}", doc.len() as f64 / 1e6, ms(times[0]), ms(times[2]), warnings.len());
        for w in warnings {
            println!("    warning: {w}");
        }
    }
}
