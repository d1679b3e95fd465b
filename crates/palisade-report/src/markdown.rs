//! Markdown for pull-request comments: headline, category table, findings
//! table, one collapsible section per finding, scan health.

use crate::text::{coverage_rows, html_escape, human_duration, mappings, one_line, severity_counts_line, sorted_findings, spec_summary};
use crate::{ReportError, ReportWriter, WriteOptions};
use palisade_core::{Finding, Report, RuleMeta, Severity};
use std::fmt::Write as _;

/// GitHub rejects comments over 65,536 characters: stop adding table rows and
/// details sections past these sizes so the whole comment stays postable.
const TABLE_BUDGET: usize = 30_000;
const DETAILS_BUDGET: usize = 55_000;

pub(crate) struct MarkdownWriter;

impl ReportWriter for MarkdownWriter {
    fn write(&self, report: &Report, _rules: &[RuleMeta], _opts: &WriteOptions, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        let text = render(report).map_err(|e| ReportError::Encode(e.to_string()))?;
        out.write_all(text.as_bytes())?;
        Ok(())
    }
}

pub(crate) fn severity_emoji(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🟣",
        Severity::High => "🔴",
        Severity::Medium => "🟠",
        Severity::Low => "🔵",
        Severity::Info => "⚪",
    }
}

/// Escape text for inline Markdown (and the HTML GitHub allows in it): no
/// raw tags, no table breaks, no emphasis or links out of finding text.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s, usize::MAX).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '*' | '_' | '`' | '[' | ']' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Inline code that survives backticks and pipes in the content.
fn code(s: &str) -> String {
    let s = one_line(s, usize::MAX).replace('|', "\\|");
    let ticks = "`".repeat(longest_backtick_run(&s) + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

/// A fenced block whose fence is longer than any backtick run inside.
fn fenced(s: &str) -> String {
    let fence = "`".repeat((longest_backtick_run(s) + 1).max(3));
    format!("{fence}text\n{}\n{fence}", s.trim_end())
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

fn render(report: &Report) -> Result<String, std::fmt::Error> {
    let mut s = String::new();
    writeln!(s, "## Palisade API security scan: grade **{}** ({}/100)", report.grade, report.score)?;
    writeln!(s)?;
    writeln!(
        s,
        "Target {} · {} endpoints · spec {} · {} · started {}",
        code(&report.target),
        report.inventory.endpoints,
        inline(&spec_summary(&report.inventory)),
        human_duration(report.duration_ms),
        report.started_at
    )?;
    writeln!(s)?;
    writeln!(s, "**{} findings:** {}", report.findings.len(), severity_counts_line(report))?;
    writeln!(s)?;
    writeln!(s, "**Coverage:** {}", inline(&report.coverage.summary()))?;
    if report.health.is_degraded() {
        writeln!(s)?;
        writeln!(s, "> [!WARNING]\n> The scan was degraded (see *Scan health*): results may be incomplete.")?;
    }
    writeln!(s)?;

    writeln!(s, "### Categories")?;
    writeln!(s)?;
    writeln!(s, "| Category | Score | Grade | Findings |")?;
    writeln!(s, "| --- | ---: | :---: | ---: |")?;
    for c in &report.categories {
        if c.assessed {
            writeln!(s, "| {} | {} | {} | {} |", c.category.title(), c.score, c.grade, c.findings)?;
        } else {
            writeln!(s, "| {} | – | not assessed | – |", c.category.title())?;
        }
    }
    writeln!(s)?;

    let findings = sorted_findings(report);
    writeln!(s, "### Findings")?;
    writeln!(s)?;
    if findings.is_empty() {
        writeln!(s, "No findings. 🎉")?;
    } else {
        writeln!(s, "| Severity | Rule | Title | Endpoint |")?;
        writeln!(s, "| --- | --- | --- | --- |")?;
        let mut listed = 0;
        for f in &findings {
            if s.len() > TABLE_BUDGET {
                break;
            }
            listed += 1;
            writeln!(s, "| {} {} | {} | {} | {} |", severity_emoji(f.severity), f.severity, inline(&f.rule), inline(&f.title), code(&f.endpoint))?;
        }
        if listed < findings.len() {
            writeln!(s, "\n… and {} more findings: see the full (JSON, SARIF or HTML) report.", findings.len() - listed)?;
        }
        writeln!(s)?;
        let mut detailed = 0;
        for f in &findings[..listed] {
            if s.len() > DETAILS_BUDGET {
                break;
            }
            finding_details(&mut s, report, f)?;
            detailed += 1;
        }
        if detailed < listed {
            writeln!(s, "Details of {} more findings are left out to fit a comment.\n", listed - detailed)?;
        }
    }
    writeln!(s)?;

    writeln!(s, "### Coverage")?;
    writeln!(s)?;
    writeln!(s, "| Measure | Value |")?;
    writeln!(s, "| --- | ---: |")?;
    for (label, value) in coverage_rows(&report.coverage) {
        writeln!(s, "| {} | {} |", inline(&label), inline(&value))?;
    }
    writeln!(s)?;

    if !report.skipped.is_empty() {
        writeln!(s, "### Skipped operations")?;
        writeln!(s)?;
        for op in &report.skipped {
            writeln!(s, "- {} — {}", code(&format!("{} {}", op.method, op.path)), inline(&op.reason))?;
        }
        writeln!(s)?;
    }

    let h = &report.health;
    writeln!(s, "### Scan health")?;
    writeln!(s)?;
    writeln!(s, "| Requests | Cache hits | Timeouts | Connection errors | Rate limited | Server errors | Dropped | Refused |")?;
    writeln!(s, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")?;
    writeln!(
        s,
        "| {} | {} | {} | {} | {} | {} | {} | {} |",
        h.requests_sent, h.cache_hits, h.timeouts, h.connection_errors, h.rate_limited, h.server_errors, h.dropped, h.refused
    )?;
    if !h.check_errors.is_empty() {
        writeln!(s)?;
        writeln!(s, "Check errors:")?;
        writeln!(s)?;
        for e in &h.check_errors {
            writeln!(s, "- {}: {}", code(&e.check), inline(&e.message))?;
        }
    }
    if let Some(reason) = &h.aborted {
        writeln!(s)?;
        writeln!(s, "**Aborted:** {}", inline(reason))?;
    }
    for note in &h.notes {
        writeln!(s)?;
        writeln!(s, "**Note:** {}", inline(note))?;
    }
    writeln!(s)?;
    writeln!(s, "<sub>{} {} · report schema {}</sub>", inline(&report.tool.name), inline(&report.tool.version), inline(&report.schema_version))?;
    Ok(s)
}

fn finding_details(s: &mut String, report: &Report, f: &Finding) -> std::fmt::Result {
    writeln!(
        s,
        "<details>\n<summary>{} <b>{}</b> {} — <code>{}</code></summary>\n",
        severity_emoji(f.severity),
        html_escape(&f.rule),
        html_escape(&one_line(&f.title, 200)),
        html_escape(&one_line(&f.endpoint, 200))
    )?;
    writeln!(s, "{}", inline(&f.message))?;
    writeln!(s)?;
    writeln!(s, "- Severity: **{}** · confidence: {}", f.severity, f.confidence)?;
    if let Some(detail) = &f.detail {
        writeln!(s, "- Detail: {}", code(detail))?;
    }
    let map = mappings(f);
    if !map.is_empty() {
        writeln!(s, "- Mappings: {}", inline(&map))?;
    }
    writeln!(s, "- Fingerprint: {}", code(&f.fingerprint))?;
    writeln!(s)?;
    let mut cited = Vec::new();
    if let Some(ex) = f.evidence.exchange.and_then(|id| report.exchange(id)) {
        cited.push(ex);
    }
    cited.extend(f.evidence.related.iter().filter_map(|id| report.exchange(*id)));
    if !f.evidence.location.is_empty() || !f.evidence.excerpt.is_empty() || !cited.is_empty() {
        writeln!(s, "**Evidence** at {}:", code(&f.evidence.location))?;
        writeln!(s)?;
        for ex in cited {
            let status = ex.status.map(|c| c.to_string()).unwrap_or_else(|| "no response".to_string());
            writeln!(s, "- exchange #{}: {} → {status}", ex.id, code(&format!("{} {}", ex.method, ex.url)))?;
        }
        if !f.evidence.excerpt.is_empty() {
            writeln!(s)?;
            writeln!(s, "{}", fenced(&f.evidence.excerpt))?;
        }
        writeln!(s)?;
    }
    writeln!(s, "**Remediation:** {}", inline(&f.remediation))?;
    writeln!(s)?;
    writeln!(s, "</details>")?;
    writeln!(s)?;
    Ok(())
}
