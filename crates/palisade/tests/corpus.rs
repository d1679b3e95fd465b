//! Accuracy gate for the Data Exposure detector: run the real binary
//! (`palisade detect tests/corpus/data -f json`) on the labelled corpus and
//! require precision and recall of at least 0.95 for every kind.
//!
//! The corpus is produced by `tests/corpus/generate.py` (seeded, every value
//! fake); scoring matches `scripts/eval-corpus.py`: a prediction is a distinct
//! (file, line, kind); it is correct inside a positive region of that kind.
//! Output lists only file:line and rule ids, never matched values.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const MIN_PRECISION: f64 = 0.95;
const MIN_RECALL: f64 = 0.95;
const KINDS: [&str; 4] = ["secret", "pii", "debug", "internal"];

struct Label {
    file: String,
    line: u64,
    end_line: u64,
    kind: String,
    positive: bool,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus")
}

fn labels() -> Vec<Label> {
    let text = std::fs::read_to_string(corpus_dir().join("labels.jsonl")).expect("labels.jsonl");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("label line is JSON");
            Label {
                file: v["file"].as_str().unwrap().to_string(),
                line: v["line"].as_u64().unwrap(),
                end_line: v["end_line"].as_u64().unwrap(),
                kind: v["kind"].as_str().unwrap().to_string(),
                positive: v["label"].as_str() == Some("positive"),
            }
        })
        .collect()
}

/// (file relative to tests/corpus/data, line, kind) -> rule ids.
fn predictions() -> BTreeMap<(String, u64, String), BTreeSet<String>> {
    let data = corpus_dir().join("data").canonicalize().expect("corpus data dir");
    let out =
        Command::new(env!("CARGO_BIN_EXE_palisade")).args(["detect", data.to_str().unwrap(), "-f", "json"]).output().expect("run palisade detect");
    // Exit code 1 means "findings at or above --fail-on": expected here.
    assert!(matches!(out.status.code(), Some(0 | 1)), "palisade detect failed: {}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let mut preds: BTreeMap<(String, u64, String), BTreeSet<String>> = BTreeMap::new();
    for f in report["findings"].as_array().expect("findings") {
        let path = Path::new(f["path"].as_str().unwrap());
        let rel = path.strip_prefix(&data).unwrap_or(path).to_string_lossy().replace('\\', "/");
        preds
            .entry((rel, f["line"].as_u64().unwrap(), f["kind"].as_str().unwrap().to_string()))
            .or_default()
            .insert(f["rule_id"].as_str().unwrap().to_string());
    }
    preds
}

#[test]
fn corpus_is_large_and_covers_every_kind() {
    let labels = labels();
    let pos = labels.iter().filter(|l| l.positive).count();
    let neg = labels.len() - pos;
    assert!(pos >= 300, "only {pos} positives");
    assert!(neg >= 200, "only {neg} hard negatives");
    for kind in KINDS {
        assert!(labels.iter().filter(|l| l.positive && l.kind == kind).count() >= 50, "too few {kind} positives");
    }
    let data = corpus_dir().join("data");
    for l in &labels {
        assert!(data.join(&l.file).is_file(), "label points at missing file {}", l.file);
        assert!(l.line >= 1 && l.end_line >= l.line, "bad region in {}", l.file);
    }
}

#[test]
fn precision_and_recall_per_kind_are_at_least_95_percent() {
    let labels = labels();
    let preds = predictions();
    let mut report = String::new();
    let mut failures = Vec::new();
    for kind in KINDS {
        let positives: Vec<&Label> = labels.iter().filter(|l| l.positive && l.kind == kind).collect();
        let mut hit = vec![false; positives.len()];
        let (mut correct, mut wrong) = (0usize, 0usize);
        let mut false_positives = Vec::new();
        for ((file, line, k), rules) in &preds {
            if k != kind {
                continue;
            }
            let mut inside = false;
            for (i, l) in positives.iter().enumerate() {
                if &l.file == file && l.line <= *line && *line <= l.end_line {
                    hit[i] = true;
                    inside = true;
                }
            }
            if inside {
                correct += 1;
            } else {
                wrong += 1;
                false_positives.push(format!("{file}:{line} {rules:?}"));
            }
        }
        let found = hit.iter().filter(|h| **h).count();
        let precision = if correct + wrong == 0 { 1.0 } else { correct as f64 / (correct + wrong) as f64 };
        let recall = found as f64 / positives.len().max(1) as f64;
        report.push_str(&format!(
            "{kind:9} positives {:4} found {found:4} predictions {:4} false positives {wrong:3}  precision {precision:.3}  recall {recall:.3}\n",
            positives.len(),
            correct + wrong
        ));
        let missed: Vec<String> = positives.iter().zip(&hit).filter(|(_, h)| !**h).map(|(l, _)| format!("{}:{}", l.file, l.line)).collect();
        if precision < MIN_PRECISION || recall < MIN_RECALL {
            failures
                .push(format!("{kind}: precision {precision:.3}, recall {recall:.3}\n  false positives: {false_positives:?}\n  missed: {missed:?}"));
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "{report}\n{}", failures.join("\n"));
}
