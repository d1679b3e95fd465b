//! Guesses per second for AU003's secret search: one thread per alg (the
//! per-core figure, target ≥ 2 million for HS256), then all cores over the
//! whole built-in list (how long a token with a strong secret takes).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use palisade_jwt_crack::{crack, Alg, Budget, Candidates, Outcome, Token, COMMON_SECRETS};
use std::hint::black_box;
use std::time::Duration;

/// A realistic signing input: 210 bytes of `header.payload` (HS256 header,
/// sub/name/role/iss/aud/iat/exp claims).
const INPUT: &[u8] = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4ZjNkMmExYyIsIm5hbWUiOiJKYW5lIERvZSIsInJvbGUiOiJ1c2VyIiwiaXNzIjoiaHR0cHM6Ly9pZC5hY21lLmV4YW1wbGUiLCJhdWQiOiJhY21lLWFwaSIsImlhdCI6MTc2NDY0MDAwMCwiZXhwIjoxNzY0NjQzNjAwfQ";
/// Not in any list: every search runs to the end.
const STRONG: &[u8] = b"c0a1e77f5b2d49e8a3f6d0b9c4e2a71f";
/// Guesses per single-thread measurement.
const SAMPLE: usize = 20_000;

fn token(alg: Alg) -> Token {
    Token::new(alg.name(), INPUT.to_vec(), alg.sign(STRONG, INPUT)).unwrap()
}

fn single_thread(c: &mut Criterion) {
    let words: Vec<&str> = COMMON_SECRETS.lines().filter(|l| !l.starts_with('#')).take(SAMPLE).collect();
    let candidates = Candidates::only(&words);
    let mut group = c.benchmark_group("guesses_1_thread");
    group.throughput(Throughput::Elements(candidates.len() as u64));
    group.sample_size(20);
    for alg in [Alg::Hs256, Alg::Hs384, Alg::Hs512] {
        let t = token(alg);
        group.bench_function(alg.name(), |b| {
            b.iter(|| {
                let out = crack(black_box(&t), &candidates, Budget::time(Duration::from_secs(60)).threads(1));
                assert!(matches!(out, Outcome::Exhausted { .. }));
                out
            })
        });
    }
    group.finish();
}

fn all_cores(c: &mut Criterion) {
    let candidates = Candidates::builtin().with_target_words(["Acme", "api", "example"]);
    let mut group = c.benchmark_group("full_list_all_cores");
    group.throughput(Throughput::Elements(candidates.len() as u64));
    group.sample_size(10);
    for alg in [Alg::Hs256, Alg::Hs384, Alg::Hs512] {
        let t = token(alg);
        group.bench_function(alg.name(), |b| b.iter(|| crack(black_box(&t), &candidates, Budget::time(Duration::from_secs(60)))));
    }
    group.finish();
}

criterion_group!(benches, single_thread, all_cores);
criterion_main!(benches);
