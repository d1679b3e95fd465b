//! Small text helpers shared by the writers.

use palisade_core::report::InventorySummary;
use palisade_core::{Finding, Report, RuleMeta, Severity};

/// Findings in the one report order (severity, confidence, rule, endpoint).
pub(crate) fn sorted_findings(report: &Report) -> Vec<&Finding> {
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    findings.sort_by(|a, b| Finding::report_order(a, b));
    findings
}

/// The catalogue entry of a rule code.
pub(crate) fn rule_for<'a>(rules: &'a [RuleMeta], code: &str) -> Option<&'a RuleMeta> {
    rules.iter().find(|r| r.code == code)
}

/// Count of findings per severity, most severe first.
pub(crate) fn severity_counts(report: &Report) -> Vec<(Severity, usize)> {
    Severity::ALL.iter().map(|&s| (s, report.count(s))).collect()
}

/// `1 critical, 2 high, 0 medium, ...`
pub(crate) fn severity_counts_line(report: &Report) -> String {
    severity_counts(report).iter().map(|(s, n)| format!("{n} {s}")).collect::<Vec<_>>().join(", ")
}

/// Collapse whitespace (including newlines) and cut to `max` characters with an ellipsis.
pub(crate) fn one_line(s: &str, max: usize) -> String {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// `850 ms`, `12.3 s`, `2 min 05 s`.
pub(crate) fn human_duration(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} min {:02} s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

/// `openapi.yaml (OpenAPI 3.1.0, "Shop API")`, or `none (discovery)` without a spec.
pub(crate) fn spec_summary(inv: &InventorySummary) -> String {
    let Some(source) = &inv.spec_source else {
        return "none (discovery)".to_string();
    };
    let details: Vec<String> = [inv.spec_version.clone(), inv.title.as_ref().map(|t| format!("\"{t}\""))].into_iter().flatten().collect();
    if details.is_empty() {
        source.clone()
    } else {
        format!("{source} ({})", details.join(", "))
    }
}

/// `OWASP API3:2023 · CWE-200 · PCI-DSS 3.5.1 · SOC 2 CC6.1`, leaving out empty mappings.
pub(crate) fn mappings(finding: &Finding) -> String {
    let mut parts = Vec::new();
    if !finding.owasp.is_empty() {
        parts.push(format!("OWASP {}", finding.owasp));
    }
    parts.extend(finding.cwe.iter().map(|c| format!("CWE-{c}")));
    if !finding.pci_dss.is_empty() {
        parts.push(format!("PCI-DSS {}", finding.pci_dss));
    }
    if !finding.soc2.is_empty() {
        parts.push(format!("SOC 2 {}", finding.soc2));
    }
    parts.join(" · ")
}

/// A ten-cell bar: `█████░░░░░` for 52.
pub(crate) fn score_bar(score: u8) -> String {
    let filled = ((score.min(100) as usize) + 5) / 10;
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}

/// The URL a finding is about: `GET /api/keys` on target `http://h:1/` → `http://h:1/api/keys`.
/// An endpoint that is already a URL, or has no path, is returned as is (or as the target).
pub(crate) fn endpoint_url(target: &str, endpoint: &str) -> String {
    let path = endpoint.split_once(' ').map(|(_, p)| p.trim()).unwrap_or(endpoint.trim());
    if path.starts_with("http://") || path.starts_with("https://") {
        return path.to_string();
    }
    if let Some(path) = path.strip_prefix('/') {
        return format!("{}/{path}", target.trim_end_matches('/'));
    }
    target.to_string()
}

/// Escape text for an HTML element or attribute.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The coverage section's detail, one (label, value) row each: what the
/// summary line ([`palisade_core::Coverage::summary`]) adds up.
pub(crate) fn coverage_rows(c: &palisade_core::Coverage) -> Vec<(String, String)> {
    use palisade_core::coverage::thousands;
    let mut rows = vec![
        ("Operations in the spec".to_string(), thousands(c.operations)),
        ("Undocumented operations found".to_string(), thousands(c.undocumented)),
        ("Crawled (received a request)".to_string(), thousands(c.crawled)),
        ("Tested (any request)".to_string(), format!("{} ({:.1}%)", thousands(c.tested), c.percent())),
    ];
    rows.extend(c.probed.iter().map(|p| (format!("Probed by {} checks", p.category.title()), thousands(p.operations))));
    rows.extend(c.skipped.iter().map(|s| (format!("Skipped: {}", s.reason), thousands(s.operations))));
    let identities = if c.identities.is_empty() { "–".to_string() } else { c.identities.join(", ") };
    rows.push(("Identities".to_string(), identities));
    rows.push(("Crawl requests".to_string(), thousands(c.crawl_requests as usize)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_collapses_and_cuts() {
        assert_eq!(one_line("a\n  b\tc", 80), "a b c");
        assert_eq!(one_line("abcdefghij", 5), "abcd…");
        assert_eq!(one_line("", 5), "");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(850), "850 ms");
        assert_eq!(human_duration(12_345), "12.3 s");
        assert_eq!(human_duration(125_000), "2 min 05 s");
    }

    #[test]
    fn score_bar_has_ten_cells() {
        assert_eq!(score_bar(0), "░░░░░░░░░░");
        assert_eq!(score_bar(52), "█████░░░░░");
        assert_eq!(score_bar(100), "██████████");
        assert_eq!(score_bar(255).chars().count(), 10);
    }

    #[test]
    fn endpoint_url_joins_target_and_path() {
        assert_eq!(endpoint_url("http://127.0.0.1:1/", "GET /a/b"), "http://127.0.0.1:1/a/b");
        assert_eq!(endpoint_url("http://127.0.0.1:1", "GET /a"), "http://127.0.0.1:1/a");
        assert_eq!(endpoint_url("http://127.0.0.1:1", "http://127.0.0.1:1/x"), "http://127.0.0.1:1/x");
        assert_eq!(endpoint_url("http://127.0.0.1:1", "target-wide"), "http://127.0.0.1:1");
    }

    #[test]
    fn html_escape_covers_attribute_quotes() {
        assert_eq!(html_escape(r#"<a href="x" title='y'>&"#), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;");
    }
}
