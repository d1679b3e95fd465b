//! SARIF 2.1.0, shaped for GitHub code scanning (rules with help and
//! `security-severity`, one location and a partial fingerprint per result).

use crate::text::{endpoint_url, rule_for, sorted_findings};
use crate::{ReportError, ReportWriter, WriteOptions};
use palisade_core::{Finding, Report, RuleMeta, Severity};
use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag, ReportingDescriptor, Result as SarifResult,
    ResultLevel, Run, Sarif, Tool, ToolComponent,
};
use std::collections::BTreeMap;

/// The schema URI GitHub and the SARIF validators recognise.
pub(crate) const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where users learn about the tool (the `repository` of the workspace).
pub(crate) const INFORMATION_URI: &str = "https://github.com/palisade-sec/palisade";
/// Key of the partial fingerprint; bump the version if the fingerprint recipe changes.
const FINGERPRINT_KEY: &str = "palisade/v1";

pub(crate) struct SarifWriter;

impl ReportWriter for SarifWriter {
    fn write(&self, report: &Report, rules: &[RuleMeta], _opts: &WriteOptions, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        let sarif = build(report, rules);
        serde_json::to_writer_pretty(&mut *out, &sarif).map_err(|e| {
            if e.is_io() {
                ReportError::Io(e.into())
            } else {
                ReportError::Encode(e.to_string())
            }
        })?;
        out.write_all(b"\n")?;
        Ok(())
    }
}

/// GitHub's `security-severity` score for a default severity.
pub(crate) fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// SARIF level: critical/high → error, medium → warning, low/info → note.
fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn build(report: &Report, rules: &[RuleMeta]) -> Sarif {
    // The catalogue in code order, plus a minimal descriptor for any finding
    // whose rule is missing from it, so every ruleIndex points somewhere.
    let mut catalogue: Vec<&RuleMeta> = rules.iter().collect();
    catalogue.sort_by_key(|r| r.code);
    let mut descriptors: Vec<ReportingDescriptor> = catalogue.iter().map(|r| descriptor(r)).collect();
    let mut ids: Vec<String> = catalogue.iter().map(|r| r.code.to_string()).collect();
    for f in &report.findings {
        if rule_for(rules, &f.rule).is_none() && !ids.contains(&f.rule) {
            ids.push(f.rule.clone());
            descriptors.push(orphan_descriptor(f));
        }
    }

    let results: Vec<SarifResult> = sorted_findings(report)
        .into_iter()
        .map(|f| {
            let index = ids.iter().position(|id| *id == f.rule).unwrap_or(0) as i64;
            result(report, f, index)
        })
        .collect();

    let driver = ToolComponent::builder()
        .name("Palisade")
        .information_uri(INFORMATION_URI)
        .semantic_version(report.tool.version.clone())
        .rules(descriptors)
        .build();
    let run = Run::builder().tool(Tool::builder().driver(driver).build()).results(results).build();
    Sarif::builder().schema(SARIF_SCHEMA_URI).version(json!("2.1.0")).runs(vec![run]).build()
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

fn descriptor(rule: &RuleMeta) -> ReportingDescriptor {
    let mut tags = vec![rule.category.id().to_string()];
    if !rule.owasp.is_empty() {
        tags.push(format!("OWASP-{}", rule.owasp));
    }
    tags.extend(rule.cwe.iter().map(|c| format!("CWE-{c}")));
    tags.push("security".to_string());
    let mut extra = BTreeMap::new();
    extra.insert("security-severity".to_string(), json!(security_severity(rule.default_severity)));
    // Rules carry no confidence of their own; checks only report what they prove.
    extra.insert("precision".to_string(), json!("high"));
    let help_text = format!("{}\n\nRemediation: {}\n\nExample: {}", rule.why, rule.remediation, rule.example);
    let help_markdown =
        format!("**Why it matters.** {}\n\n**Remediation.** {}\n\n**Example.**\n\n```text\n{}\n```", rule.why, rule.remediation, rule.example);
    let builder = ReportingDescriptor::builder()
        .id(rule.code)
        .name(rule.name)
        .short_description(text(rule.title))
        .full_description(text(rule.what))
        .help(MultiformatMessageString::builder().text(help_text).markdown(help_markdown).build())
        .properties(PropertyBag::builder().tags(tags).additional_properties(extra).build());
    match rule.references.first() {
        Some(uri) => builder.help_uri(*uri).build(),
        None => builder.build(),
    }
}

fn orphan_descriptor(f: &Finding) -> ReportingDescriptor {
    let mut extra = BTreeMap::new();
    extra.insert("security-severity".to_string(), json!(security_severity(f.severity)));
    ReportingDescriptor::builder()
        .id(f.rule.clone())
        .short_description(text(f.title.clone()))
        .properties(PropertyBag::builder().tags(vec![f.category.id().to_string()]).additional_properties(extra).build())
        .build()
}

fn result(report: &Report, f: &Finding, rule_index: i64) -> SarifResult {
    let spec_finding = f.evidence.location.starts_with("spec");
    let uri = match (&report.inventory.spec_source, spec_finding) {
        (Some(spec), true) => spec.clone(),
        _ => endpoint_url(&report.target, &f.endpoint),
    };
    let location = Location::builder()
        .physical_location(PhysicalLocation::builder().artifact_location(ArtifactLocation::builder().uri(uri_reference(&uri)).build()).build())
        .message(Message::builder().text(f.endpoint.clone()).build())
        .build();
    let mut props: BTreeMap<String, Value> = BTreeMap::new();
    props.insert("severity".into(), json!(f.severity.as_str()));
    props.insert("confidence".into(), json!(f.confidence.as_str()));
    props.insert("category".into(), json!(f.category.id()));
    props.insert("endpoint".into(), json!(f.endpoint));
    if !f.evidence.location.is_empty() {
        props.insert("evidenceLocation".into(), json!(f.evidence.location));
    }
    if !f.evidence.excerpt.is_empty() {
        props.insert("evidence".into(), json!(f.evidence.excerpt));
    }
    if let Some(detail) = &f.detail {
        props.insert("detail".into(), json!(detail));
    }
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());
    SarifResult::builder()
        .rule_id(f.rule.clone())
        .rule_index(rule_index)
        .level(level(f.severity))
        .message(Message::builder().text(format!("{} ({})", f.message, f.endpoint)).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build()
}

/// Percent-encode what may not appear in a URI reference (spaces, braces of
/// path templates, non-ASCII), keeping everything already legal as is.
pub(crate) fn uri_reference(s: &str) -> String {
    const LEGAL: &str = "-._~:/?#[]@!$&'()*+,;=%";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || LEGAL.as_bytes().contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_reference_encodes_only_what_it_must() {
        assert_eq!(uri_reference("http://127.0.0.1:1/users/{id}?q=a b"), "http://127.0.0.1:1/users/%7Bid%7D?q=a%20b");
        assert_eq!(uri_reference("openapi.yaml"), "openapi.yaml");
        assert_eq!(uri_reference("/é"), "/%C3%A9");
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), ResultLevel::Error);
        assert_eq!(level(Severity::High), ResultLevel::Error);
        assert_eq!(level(Severity::Medium), ResultLevel::Warning);
        assert_eq!(level(Severity::Low), ResultLevel::Note);
        assert_eq!(level(Severity::Info), ResultLevel::Note);
    }
}
