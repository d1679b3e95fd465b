//! The HTML report is self-contained and escapes finding text.

mod common;

use common::{render, rules, sample_report, TARGET};
use palisade_report::Format;

/// Every `http://` or `https://` in the page must be the target (or an
/// exchange/endpoint URL under it) or a rule reference link.
#[test]
fn references_no_external_resources() {
    // Decode entities so an escaped URL cannot slip past the check.
    let html = decode_entities(&render(Format::Html, &sample_report()));
    let references: Vec<&str> = rules().iter().flat_map(|r| r.references.iter().copied()).collect();
    let mut rest = html.as_str();
    let mut seen = 0;
    while let Some(pos) = rest.find("http") {
        let tail = &rest[pos..];
        if tail.starts_with("http://") || tail.starts_with("https://") {
            seen += 1;
            let allowed = tail.starts_with(TARGET) || references.iter().any(|r| tail.starts_with(r));
            assert!(allowed, "unexpected URL at: {}", &tail[..tail.len().min(80)]);
        }
        rest = &tail[4..];
    }
    assert!(seen > 0, "the target URL should appear in the page");
    for forbidden in ["<script", "<link", "@import", "url(", "<iframe", "<img", "src=", "<object", "<embed"] {
        assert!(!html.to_ascii_lowercase().contains(forbidden), "found {forbidden}");
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn is_a_complete_document_with_inline_style_and_chart() {
    let html = render(Format::Html, &sample_report());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(html.contains("<style>"));
    assert_eq!(html.matches("<svg").count(), 1);
    // One label per category in the chart, unassessed ones marked as such.
    assert_eq!(html.matches("not assessed").count(), 8);
    assert!(html.contains("OWASP") && html.contains("CWE-200, CWE-312") && html.contains("PCI-DSS") && html.contains("SOC 2"));
    assert!(html.contains("Timeouts"));
}

#[test]
fn escapes_finding_text() {
    let mut report = sample_report();
    report.findings[0].message = "<script>alert(1)</script>".into();
    report.findings[0].evidence.excerpt = "<img src=x onerror=alert(2)>".into();
    report.findings[1].endpoint = "GET /a\"><svg onload=alert(3)>".into();
    let html = render(Format::Html, &report);
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"), "escaped message present");
    assert!(html.contains("GET /a&quot;&gt;&lt;svg onload=alert(3)&gt;"));
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<svg onload"));
}

#[test]
fn non_http_references_are_not_links() {
    let html = render(Format::Html, &sample_report());
    assert!(html.contains("OWASP ASVS V8.3"));
    assert!(!html.contains("href=\"OWASP"));
}
