//! Shared by the scan tests: every scan goes through the builder the CLI uses
//! (`palisade_checks::scanner`), on loopback only. Each test adds its own
//! specifics (checks, rules, engine bounds, identities, settings) as builder
//! calls on top of [`scanner`].

// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use palisade_checks::Rule;
use palisade_core::{Finding, Report};
use palisade_engine::{DiscoveryProfile, ScanSettings, Scanner, SpecInput};
use palisade_http::Url;
use std::collections::BTreeSet;

/// A scan of `base` (must be on 127.0.0.1): every active and passive check,
/// the detector's redaction, the engine scoped to the target, discovery off
/// and tool version `"test"`.
pub fn scanner(base: &str) -> Scanner {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let target = Url::parse(base).unwrap();
    assert_eq!(target.host_str(), Some("127.0.0.1"), "tests only talk to loopback");
    palisade_checks::scanner(target).settings(settings())
}

/// The settings every test scan starts from: discovery off, tool version `"test"`.
pub fn settings() -> ScanSettings {
    ScanSettings { discovery: DiscoveryProfile::Off, tool_version: "test".into(), ..ScanSettings::default() }
}

/// A spec document given as text, reported as coming from `"fixture"`.
pub fn spec(text: &str) -> SpecInput {
    SpecInput::Bytes { bytes: text.as_bytes().to_vec(), source: "fixture".into() }
}

/// Run a scan to its report; a scan error fails the test.
pub async fn run(scanner: Scanner) -> Report {
    scanner.run().await.unwrap()
}

/// The most common shape: every check against `base`, with an optional spec
/// (text) and an optional rule selection.
pub async fn scan(base: &str, spec_text: Option<&str>, rules: Option<&[&str]>) -> Report {
    let mut s = scanner(base);
    if let Some(text) = spec_text {
        s = s.spec(spec(text));
    }
    if let Some(rules) = rules {
        s = s.select_rules(rules.iter().copied());
    }
    run(s).await
}

/// The positive-fixture assertion: `report` has at least one finding of
/// `rule`; returns them (in report order) for the test's stronger checks.
/// Fails, listing the rules the report does have, when there is none.
///
/// Write the rule at the call (`support::assert_fires(&report, Rule::EN004)`):
/// `rules.rs` reads these calls from the test sources to know which rules
/// have their own positive fixture.
#[track_caller]
pub fn assert_fires(report: &Report, rule: Rule) -> Vec<&Finding> {
    let code = rule.code();
    let found: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == code).collect();
    if found.is_empty() {
        let fired: BTreeSet<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
        panic!("{code} ({}) did not fire; the report has {fired:?}", rule.meta().name);
    }
    found
}

/// The negative-fixture assertion: `report` has no finding of `rule`. Fails,
/// printing each offending finding. Like [`assert_fires`], write the rule at
/// the call (`support::assert_quiet(&report, Rule::EN004)`).
#[track_caller]
pub fn assert_quiet(report: &Report, rule: Rule) {
    let code = rule.code();
    let found: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == code)
        .map(|f| format!("{} {} on {}: {} [{}]", f.rule, f.severity, f.endpoint, f.message, f.detail.as_deref().unwrap_or("-")))
        .collect();
    assert!(found.is_empty(), "{code} ({}) fired {} time(s), expected none: {found:#?}", rule.meta().name, found.len());
}
