//! HTML: one self-contained, offline-readable file (inline CSS and SVG, no
//! scripts, no external resources), rendered by minijinja with HTML
//! autoescaping so finding text can never inject markup.

use crate::text::{coverage_rows, html_escape, human_duration, rule_for, sorted_findings, spec_summary};
use crate::{ReportError, ReportWriter, WriteOptions};
use minijinja::{AutoEscape, Environment, ErrorKind, Output, State, Value};
use palisade_core::{Finding, Grade, Report, RuleMeta, Severity};
use serde::Serialize;

const TEMPLATE_NAME: &str = "report.html";
const TEMPLATE: &str = include_str!("templates/report.html");

/// Chart geometry (SVG user units).
const BAR_MAX: u32 = 300;
const ROW_HEIGHT: u32 = 24;

pub(crate) struct HtmlWriter;

impl ReportWriter for HtmlWriter {
    fn write(&self, report: &Report, rules: &[RuleMeta], _opts: &WriteOptions, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        let mut env = Environment::new();
        // The `.html` name turns on HTML autoescaping for every `{{ }}`.
        env.set_formatter(escape_keeping_slashes);
        env.add_template(TEMPLATE_NAME, TEMPLATE).map_err(encode)?;
        let html = env.get_template(TEMPLATE_NAME).map_err(encode)?.render(view(report, rules)).map_err(encode)?;
        out.write_all(html.as_bytes())?;
        Ok(())
    }
}

/// minijinja's HTML escaping plus `/` → `&#x2f;` makes every URL unreadable
/// in the source; `/` is harmless in element text and quoted attributes, so
/// strings get our escaping of `& < > " '` and everything else the default.
fn escape_keeping_slashes(out: &mut Output, state: &State, value: &Value) -> Result<(), minijinja::Error> {
    if state.auto_escape() == AutoEscape::Html && !value.is_safe() {
        if let Some(s) = value.as_str() {
            return out.write_str(&html_escape(s)).map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "formatting failed"));
        }
    }
    minijinja::escape_formatter(out, state, value)
}

fn encode(e: minijinja::Error) -> ReportError {
    ReportError::Encode(format!("HTML template: {e}"))
}

#[derive(Serialize)]
struct View<'a> {
    tool: &'a str,
    version: &'a str,
    schema_version: &'a str,
    target: &'a str,
    started_at: &'a str,
    duration: String,
    spec: String,
    endpoints: usize,
    coverage: String,
    coverage_rows: Vec<(String, String)>,
    score: u8,
    grade: &'static str,
    grade_class: &'static str,
    chart_height: u32,
    categories: Vec<CategoryView>,
    severities: Vec<SeverityView>,
    findings: Vec<FindingView<'a>>,
    skipped: Vec<String>,
    health: HealthView<'a>,
}

#[derive(Serialize)]
struct CategoryView {
    title: &'static str,
    assessed: bool,
    score: u8,
    grade: &'static str,
    grade_class: &'static str,
    findings: usize,
    y: u32,
    text_y: u32,
    bar_width: u32,
}

#[derive(Serialize)]
struct SeverityView {
    name: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct ExchangeView<'a> {
    id: u64,
    method: &'a str,
    url: &'a str,
    status: String,
}

#[derive(Serialize)]
struct FindingView<'a> {
    rule: &'a str,
    rule_name: &'a str,
    title: &'a str,
    severity: &'static str,
    confidence: &'static str,
    category: &'static str,
    endpoint: &'a str,
    message: &'a str,
    detail: Option<&'a str>,
    location: &'a str,
    excerpt: &'a str,
    exchanges: Vec<ExchangeView<'a>>,
    remediation: &'a str,
    why: &'a str,
    owasp: &'a str,
    cwe: String,
    pci_dss: &'a str,
    soc2: &'a str,
    fingerprint: &'a str,
    /// Only http(s) references become links; anything else is shown as text.
    links: Vec<&'a str>,
    other_references: Vec<&'a str>,
}

#[derive(Serialize)]
struct HealthView<'a> {
    degraded: bool,
    rows: Vec<(&'static str, u64)>,
    check_errors: Vec<(&'a str, &'a str)>,
    aborted: Option<&'a str>,
    notes: &'a [String],
}

fn grade_class(g: Grade) -> &'static str {
    match g {
        Grade::A => "grade-a",
        Grade::B => "grade-b",
        Grade::C => "grade-c",
        Grade::D => "grade-d",
        Grade::F => "grade-f",
    }
}

fn view<'a>(report: &'a Report, rules: &'a [RuleMeta]) -> View<'a> {
    let categories: Vec<CategoryView> = report
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let y = i as u32 * ROW_HEIGHT;
            CategoryView {
                title: c.category.title(),
                assessed: c.assessed,
                score: c.score,
                grade: c.grade.as_str(),
                grade_class: grade_class(c.grade),
                findings: c.findings,
                y: y + 4,
                text_y: y + 17,
                bar_width: u32::from(c.score.min(100)) * BAR_MAX / 100,
            }
        })
        .collect();
    let h = &report.health;
    View {
        tool: &report.tool.name,
        version: &report.tool.version,
        schema_version: &report.schema_version,
        target: &report.target,
        started_at: &report.started_at,
        duration: human_duration(report.duration_ms),
        spec: spec_summary(&report.inventory),
        endpoints: report.inventory.endpoints,
        coverage: report.coverage.summary(),
        coverage_rows: coverage_rows(&report.coverage),
        score: report.score,
        grade: report.grade.as_str(),
        grade_class: grade_class(report.grade),
        chart_height: categories.len() as u32 * ROW_HEIGHT + 8,
        categories,
        severities: Severity::ALL.iter().map(|&s| SeverityView { name: s.as_str(), count: report.count(s) }).collect(),
        findings: sorted_findings(report).into_iter().map(|f| finding_view(report, rules, f)).collect(),
        skipped: report.skipped.iter().map(|op| format!("{} {} — {}", op.method, op.path, op.reason)).collect(),
        health: HealthView {
            degraded: h.is_degraded(),
            rows: vec![
                ("Requests sent", h.requests_sent),
                ("Cache hits", h.cache_hits),
                ("Timeouts", h.timeouts),
                ("Connection errors", h.connection_errors),
                ("Rate limited", h.rate_limited),
                ("Server errors", h.server_errors),
                ("Dropped (bounds reached)", h.dropped),
                ("Refused (policy or scope)", h.refused),
            ],
            check_errors: h.check_errors.iter().map(|e| (e.check.as_str(), e.message.as_str())).collect(),
            aborted: h.aborted.as_deref(),
            notes: &h.notes,
        },
    }
}

fn finding_view<'a>(report: &'a Report, rules: &'a [RuleMeta], f: &'a Finding) -> FindingView<'a> {
    let rule = rule_for(rules, &f.rule);
    let references: &[&str] = rule.map(|r| r.references).unwrap_or(&[]);
    let is_link = |r: &&str| r.starts_with("https://") || r.starts_with("http://");
    let ids = f.evidence.exchange.into_iter().chain(f.evidence.related.iter().copied());
    FindingView {
        rule: &f.rule,
        rule_name: rule.map(|r| r.name).unwrap_or(""),
        title: &f.title,
        severity: f.severity.as_str(),
        confidence: f.confidence.as_str(),
        category: f.category.title(),
        endpoint: &f.endpoint,
        message: &f.message,
        detail: f.detail.as_deref(),
        location: &f.evidence.location,
        excerpt: &f.evidence.excerpt,
        exchanges: ids
            .filter_map(|id| report.exchange(id))
            .map(|ex| ExchangeView {
                id: ex.id,
                method: &ex.method,
                url: &ex.url,
                status: ex.status.map(|s| s.to_string()).unwrap_or_else(|| "no response".to_string()),
            })
            .collect(),
        remediation: &f.remediation,
        why: rule.map(|r| r.why).unwrap_or(""),
        owasp: &f.owasp,
        cwe: f.cwe.iter().map(|c| format!("CWE-{c}")).collect::<Vec<_>>().join(", "),
        pci_dss: &f.pci_dss,
        soc2: &f.soc2,
        fingerprint: &f.fingerprint,
        links: references.iter().copied().filter(is_link).collect(),
        other_references: references.iter().copied().filter(|r| !is_link(r)).collect(),
    }
}
