//! SARIF output validates against the official SARIF 2.1.0 schema and carries
//! what GitHub code scanning needs.
//!
//! tests/fixtures/sarif-schema-2.1.0.json is the OASIS schema (draft-07 form
//! from oasis-tcs/sarif-spec `Schemata/`, as shipped in the serde-sarif crate)
//! with one edit: the stray `]` in the two `language` patterns is escaped
//! (regex `\]`), because the meta-schema's `regex` format check rejects the
//! original and the schema would not compile. Nothing else differs.

mod common;

use common::{render, rules, sample_report};
use palisade_core::Severity;
use palisade_report::Format;
use serde_json::Value;

fn sarif() -> Value {
    serde_json::from_str(&render(Format::Sarif, &sample_report())).expect("sarif writer emits JSON")
}

fn official_validator() -> jsonschema::Validator {
    let text = include_str!("fixtures/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(text).unwrap();
    // Formats on, so `uri`/`uri-reference` values are checked too.
    jsonschema::options().should_validate_formats(true).build(&schema).expect("official schema compiles")
}

#[test]
fn validates_against_official_sarif_schema() {
    let doc = sarif();
    let validator = official_validator();
    let errs: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errs.is_empty(), "SARIF schema errors: {errs:#?}");
}

#[test]
fn official_schema_rejects_a_broken_log() {
    let mut doc = sarif();
    doc["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!official_validator().is_valid(&doc), "the fixture schema must be strict enough to catch a bad level");
}

#[test]
fn has_one_run_with_palisade_driver_and_all_rules() {
    let doc = sarif();
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "Palisade");
    assert_eq!(driver["semanticVersion"], "0.1.0");
    assert!(driver["informationUri"].as_str().unwrap().starts_with("https://"));
    let ids: Vec<&str> = driver["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut expected: Vec<&str> = rules().iter().map(|r| r.code).collect();
    expected.sort_unstable();
    assert_eq!(ids, expected);
}

#[test]
fn rules_carry_help_tags_and_security_severity() {
    let doc = sarif();
    let catalogue = rules();
    for rule in doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap() {
        let meta = catalogue.iter().find(|r| r.code == rule["id"]).unwrap();
        assert_eq!(rule["name"], meta.name);
        assert_eq!(rule["shortDescription"]["text"], meta.title);
        assert_eq!(rule["fullDescription"]["text"], meta.what);
        assert!(rule["help"]["text"].as_str().unwrap().contains(meta.remediation));
        assert!(rule["help"]["markdown"].as_str().unwrap().contains(meta.why));
        assert_eq!(rule["helpUri"], meta.references[0]);
        let tags: Vec<&str> = rule["properties"]["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        assert!(tags.contains(&meta.category.id()), "{tags:?}");
        assert!(tags.iter().any(|t| t.contains(meta.owasp)), "{tags:?}");
        for cwe in meta.cwe {
            assert!(tags.contains(&format!("CWE-{cwe}").as_str()), "{tags:?}");
        }
        let expected = match meta.default_severity {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.0",
        };
        assert_eq!(rule["properties"]["security-severity"], expected, "{}", meta.code);
        assert!(rule["properties"]["precision"].is_string());
    }
}

#[test]
fn results_point_at_their_rule_with_level_location_and_fingerprint() {
    let doc = sarif();
    let report = sample_report();
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"], "ruleIndex must point at the rule");
        let finding = report.findings.iter().find(|f| f.fingerprint == r["partialFingerprints"]["palisade/v1"]).unwrap();
        let level = match finding.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        };
        assert_eq!(r["level"], level, "{}", finding.rule);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.is_empty());
        assert!(r["message"]["text"].as_str().unwrap().contains(&finding.message));
        assert_eq!(r["properties"]["severity"], finding.severity.as_str());
        assert_eq!(r["properties"]["confidence"], finding.confidence.as_str());
        assert_eq!(r["properties"]["category"], finding.category.id());
        assert_eq!(r["properties"]["endpoint"], finding.endpoint);
    }
}

#[test]
fn locations_are_endpoint_urls_or_the_spec() {
    let doc = sarif();
    let uri_of = |rule: &str| -> String {
        let r = doc["runs"][0]["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == rule).unwrap();
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_string()
    };
    assert_eq!(uri_of("DE001"), "http://127.0.0.1:8080/api/v1/config");
    // Path templates are percent-encoded so the URI stays valid.
    assert_eq!(uri_of("AU001"), "http://127.0.0.1:8080/api/v1/users/%7Bid%7D");
    assert_eq!(uri_of("EN001"), "http://127.0.0.1:8080");
    assert_eq!(uri_of("IN001"), "openapi.yaml");
}

#[test]
fn finding_of_unknown_rule_gets_a_descriptor() {
    let mut report = sample_report();
    report.findings[0].rule = "ZZ999".into();
    let doc: Value =
        serde_json::from_str(&palisade_report::render_to_string(Format::Sarif, &report, &rules(), &Default::default()).unwrap()).unwrap();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let result = doc["runs"][0]["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "ZZ999").unwrap();
    assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"], "ZZ999");
    assert!(official_validator().is_valid(&doc));
}

/// What the schema's `uri-reference` format asks, checked by hand: no spaces,
/// braces or other characters that must be percent-encoded.
#[test]
fn location_uris_are_uri_references() {
    let doc = sarif();
    for r in doc["runs"][0]["results"].as_array().unwrap() {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
        let legal = |c: char| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c);
        assert!(uri.chars().all(legal), "not a URI reference: {uri}");
    }
}
