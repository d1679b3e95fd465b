//! The JSON report validates against docs/report-schema.json, and the schema
//! is strict enough to reject a broken report.

mod common;

use common::{render, sample_report};
use palisade_report::Format;
use serde_json::Value;

fn schema() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/report-schema.json");
    let text = std::fs::read_to_string(path).expect("docs/report-schema.json exists");
    serde_json::from_str(&text).expect("schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::options().should_validate_formats(true).build(&schema()).expect("schema compiles")
}

fn errors(v: &Value) -> Vec<String> {
    validator().iter_errors(v).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

fn rendered_sample() -> Value {
    serde_json::from_str(&render(Format::Json, &sample_report())).expect("json writer emits JSON")
}

#[test]
fn sample_report_validates_against_schema() {
    let errs = errors(&rendered_sample());
    assert!(errs.is_empty(), "schema errors: {errs:#?}");
}

#[test]
fn report_without_findings_or_spec_validates() {
    let mut report = sample_report();
    report.findings.clear();
    report.exchanges.clear();
    report.inventory.spec_source = None;
    report.inventory.spec_version = None;
    report.inventory.title = None;
    report.health.aborted = Some("max scan time reached".into());
    let v: Value = serde_json::from_str(&render(Format::Json, &report)).unwrap();
    let errs = errors(&v);
    assert!(errs.is_empty(), "schema errors: {errs:#?}");
}

#[test]
fn unknown_severity_fails_validation() {
    let mut v = rendered_sample();
    v["findings"][0]["severity"] = Value::from("urgent");
    let errs = errors(&v);
    assert!(!errs.is_empty(), "severity 'urgent' must be rejected");
    assert!(errs.iter().any(|e| e.contains("/findings/0/severity")), "{errs:#?}");
}

#[test]
fn missing_field_and_unknown_field_fail_validation() {
    let mut missing = rendered_sample();
    missing["health"].as_object_mut().unwrap().remove("timeouts");
    assert!(!validator().is_valid(&missing), "missing health.timeouts must be rejected");

    let mut extra = rendered_sample();
    extra["findings"][0].as_object_mut().unwrap().insert("raw_secret".into(), Value::from("x"));
    assert!(!validator().is_valid(&extra), "unknown finding field must be rejected");

    let mut bad_score = rendered_sample();
    bad_score["score"] = Value::from(101);
    assert!(!validator().is_valid(&bad_score), "score above 100 must be rejected");
}

#[test]
fn schema_version_matches_core_constant() {
    assert_eq!(schema()["properties"]["schema_version"]["const"], palisade_core::report::REPORT_SCHEMA_VERSION);
    assert_eq!(rendered_sample()["schema_version"], palisade_core::report::REPORT_SCHEMA_VERSION);
}

#[test]
fn json_round_trips_to_the_same_report() {
    let report = sample_report();
    let back: palisade_core::Report = serde_json::from_str(&render(Format::Json, &report)).unwrap();
    assert_eq!(back, report);
}
