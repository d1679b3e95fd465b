//! Throughput of the built-in rule set on an 8 MiB mixed corpus (JSON, HTML,
//! access and application logs), overall and per rule.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use palisade_detect::{synthetic_corpus, Detector};
use std::hint::black_box;

fn overall(c: &mut Criterion) {
    let detector = Detector::builtin();
    let corpus = synthetic_corpus(8 << 20, 1);
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Bytes(corpus.len() as u64));
    group.sample_size(10);
    group.bench_function("scan_8mib_all_rules", |b| b.iter(|| black_box(detector.scan(black_box(&corpus)))));
    group.finish();
}

fn per_rule(c: &mut Criterion) {
    let detector = Detector::builtin();
    // 1 MiB per rule keeps the whole run short; the overall bench uses 8 MiB.
    let corpus = synthetic_corpus(1 << 20, 2);
    let mut group = c.benchmark_group("rule");
    group.throughput(Throughput::Bytes(corpus.len() as u64));
    group.sample_size(10);
    for info in detector.rules() {
        let single = detector.single_rule(&info.id).expect("rule recompiles alone");
        group.bench_function(info.id.as_str(), |b| b.iter(|| black_box(single.scan(black_box(&corpus)))));
    }
    group.finish();
}

criterion_group!(benches, overall, per_rule);
criterion_main!(benches);
