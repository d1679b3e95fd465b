//! The proptest configuration every fuzz target shares.
//!
//! Fuzz targets run as ordinary tests, so their size is a case count rather
//! than a clock: each target picks a default that takes seconds on a 2-core CI
//! machine, and `PALISADE_FUZZ_SCALE=N` runs N times as many cases for a
//! longer local session. Failures print the minimal input instead of writing
//! regression files into the source tree.

use proptest::test_runner::Config;

/// `default` cases times `PALISADE_FUZZ_SCALE` (an integer, default 1).
pub fn cases(default: u32) -> u32 {
    let scale = std::env::var("PALISADE_FUZZ_SCALE").ok().and_then(|v| v.parse::<u32>().ok()).unwrap_or(1).max(1);
    default.saturating_mul(scale)
}

/// A proptest configuration of [`cases`]`(default_cases)` cases that shrinks
/// at most `max_shrink_iters` times and persists nothing.
pub fn config(default_cases: u32, max_shrink_iters: u32) -> Config {
    Config { cases: cases(default_cases), max_shrink_iters, failure_persistence: None, ..Config::default() }
}
