//! Pretty: the terminal summary (grade, categories, findings table, scan health).

use crate::text::{coverage_rows, human_duration, one_line, score_bar, sorted_findings, spec_summary};
use crate::{ReportError, ReportWriter, WriteOptions};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Attribute, Cell, Color, ContentArrangement, Table};
use palisade_core::{Grade, Report, RuleMeta, Severity};
use std::fmt::Write as _;

/// Fixed table width so output is the same on every terminal (and in snapshots).
const TABLE_WIDTH: u16 = 120;

pub(crate) struct PrettyWriter;

/// ANSI styling that is a no-op when colour is off.
struct Paint(bool);

impl Paint {
    fn code(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.code("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.code("2", s)
    }
    fn grade(&self, g: Grade, s: &str) -> String {
        self.code(grade_color(g), s)
    }
    fn severity(&self, sev: Severity, s: &str) -> String {
        self.code(severity_color(sev), s)
    }
}

fn grade_color(g: Grade) -> &'static str {
    match g {
        Grade::A | Grade::B => "1;32",
        Grade::C => "1;33",
        Grade::D | Grade::F => "1;31",
    }
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "1;35",
        Severity::High => "1;31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    }
}

/// A severity cell styled through comfy-table, so colour does not disturb column widths.
fn severity_cell(sev: Severity, color: bool) -> Cell {
    let cell = Cell::new(sev.as_str());
    if !color {
        return cell;
    }
    match sev {
        Severity::Critical => cell.fg(Color::Magenta).add_attribute(Attribute::Bold),
        Severity::High => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Severity::Medium => cell.fg(Color::Yellow),
        Severity::Low => cell.fg(Color::Cyan),
        Severity::Info => cell.add_attribute(Attribute::Dim),
    }
}

impl ReportWriter for PrettyWriter {
    fn write(&self, report: &Report, _rules: &[RuleMeta], opts: &WriteOptions, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        let text = render(report, opts).map_err(|e| ReportError::Encode(e.to_string()))?;
        out.write_all(text.as_bytes())?;
        Ok(())
    }
}

fn render(report: &Report, opts: &WriteOptions) -> Result<String, std::fmt::Error> {
    let p = Paint(opts.color);
    let mut s = String::new();
    writeln!(s, "{}", p.bold(&format!("{} {} — API security scan", report.tool.name, report.tool.version)))?;
    writeln!(s, "  Target     {}", report.target)?;
    writeln!(s, "  Started    {}  ({})", report.started_at, human_duration(report.duration_ms))?;
    writeln!(s, "  Spec       {}", spec_summary(&report.inventory))?;
    writeln!(s, "  Endpoints  {}", report.inventory.endpoints)?;
    writeln!(s, "  Coverage   {}", report.coverage.summary())?;
    writeln!(s)?;
    let grade = p.grade(report.grade, &format!(" {} ", report.grade));
    writeln!(s, "  Grade {grade}   Score {}/100", p.bold(&report.score.to_string()))?;
    writeln!(s)?;

    writeln!(s, "{}", p.bold("Categories"))?;
    for c in &report.categories {
        let title = format!("{:<24}", c.category.title());
        if c.assessed {
            let bar = p.grade(c.grade, &score_bar(c.score));
            let findings = match c.findings {
                0 => String::new(),
                1 => "  1 finding".to_string(),
                n => format!("  {n} findings"),
            };
            writeln!(s, "  {title}{bar} {:>3}  {}{}", c.score, p.grade(c.grade, c.grade.as_str()), p.dim(&findings))?;
        } else {
            writeln!(s, "  {title}{}", p.dim("not assessed"))?;
        }
    }
    writeln!(s)?;

    let counts: Vec<String> = Severity::ALL.iter().map(|&sev| p.severity(sev, &format!("{} {sev}", report.count(sev)))).collect();
    writeln!(s, "{} {}", p.bold(&format!("Findings ({})", report.findings.len())), counts.join(" · "))?;

    let findings = sorted_findings(report);
    if !findings.is_empty() {
        let shown = opts.max_findings_pretty.unwrap_or(usize::MAX).min(findings.len());
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(TABLE_WIDTH)
            .set_header(["Severity", "Rule", "Title", "Endpoint", "Evidence"]);
        if opts.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        for f in &findings[..shown] {
            table.add_row(vec![
                severity_cell(f.severity, opts.color),
                Cell::new(&f.rule),
                Cell::new(&f.title),
                Cell::new(&f.endpoint),
                Cell::new(one_line(&f.evidence.excerpt, 60)),
            ]);
        }
        writeln!(s, "{table}")?;
        if shown < findings.len() {
            writeln!(s, "  … {} more findings not shown (use --format json or html for all)", findings.len() - shown)?;
        }
    }
    writeln!(s)?;

    writeln!(s, "{}", p.bold("Coverage"))?;
    for (label, value) in coverage_rows(&report.coverage) {
        writeln!(s, "  {label:<34}{value}")?;
    }
    writeln!(s)?;

    if !report.skipped.is_empty() {
        writeln!(s, "{}", p.bold(&format!("Skipped operations ({})", report.skipped.len())))?;
        for op in &report.skipped {
            writeln!(s, "  {} {} — {}", op.method, op.path, op.reason)?;
        }
        writeln!(s)?;
    }

    let h = &report.health;
    let title = if h.is_degraded() { p.severity(Severity::High, "Scan health: DEGRADED") } else { p.bold("Scan health") };
    writeln!(s, "{title}")?;
    writeln!(
        s,
        "  requests {} · cache hits {} · timeouts {} · connection errors {} · rate limited {}",
        h.requests_sent, h.cache_hits, h.timeouts, h.connection_errors, h.rate_limited
    )?;
    writeln!(s, "  server errors {} · dropped {} · refused {}", h.server_errors, h.dropped, h.refused)?;
    if !h.check_errors.is_empty() {
        writeln!(s, "  check errors ({}):", h.check_errors.len())?;
        for e in &h.check_errors {
            writeln!(s, "    {}: {}", e.check, one_line(&e.message, 100))?;
        }
    }
    if let Some(reason) = &h.aborted {
        writeln!(s, "  {}", p.severity(Severity::High, &format!("aborted: {reason}")))?;
    }
    for note in &h.notes {
        writeln!(s, "  note: {}", one_line(note, 160))?;
    }
    if findings.is_empty() {
        writeln!(s)?;
        writeln!(s, "No findings on {}.", report.target)?;
    }
    Ok(s)
}
