//! Palisade's output writers.
//!
//! One [`ReportWriter`] per [`Format`] renders a [`palisade_core::Report`]:
//! a coloured terminal summary, the JSON record (`docs/report-schema.json`),
//! SARIF 2.1.0 for code-scanning dashboards, JUnit XML for CI, Markdown for
//! pull-request comments and one self-contained HTML file. [`rules_markdown`]
//! renders the rule catalogue for `docs/rules.md`.
//!
//! Writers render what they are given: evidence in a `Report` is already
//! masked, and no writer prints an exchange's request headers.

mod catalogue;
mod html;
mod json;
mod junit;
mod markdown;
mod pretty;
mod sarif;
mod text;

use palisade_core::{Report, RuleMeta};
use std::fmt;
use std::str::FromStr;

pub use catalogue::rules_markdown;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human summary for a terminal.
    Pretty,
    /// The full report as JSON (see `docs/report-schema.json`).
    Json,
    /// SARIF 2.1.0, accepted by GitHub code scanning.
    Sarif,
    /// JUnit XML: one test case per assessed rule.
    Junit,
    /// Markdown for pull-request comments.
    Markdown,
    /// One self-contained HTML file.
    Html,
}

impl Format {
    /// Every format, in the order shown in help texts.
    pub const ALL: [Format; 6] = [Format::Pretty, Format::Json, Format::Sarif, Format::Junit, Format::Markdown, Format::Html];

    /// The canonical name accepted by [`Format::from_str`].
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pretty => "pretty",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// The usual file extension for this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pretty => "txt",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "xml",
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an unknown format name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown output format '{0}' (expected pretty, json, sarif, junit, markdown, md or html)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pretty" => Ok(Format::Pretty),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "junit" => Ok(Format::Junit),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// Options shared by all writers; each writer uses the ones that apply to it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// ANSI colours in the pretty format. The caller decides (TTY and `NO_COLOR`).
    pub color: bool,
    /// Show at most this many findings in the pretty table (the rest are counted).
    pub max_findings_pretty: Option<usize>,
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The output sink failed.
    #[error("cannot write report: {0}")]
    Io(#[from] std::io::Error),
    /// The report could not be encoded in the requested format.
    #[error("cannot encode report: {0}")]
    Encode(String),
}

/// Renders a report in one format.
pub trait ReportWriter {
    /// Write `report` to `out`. `rules` is the full rule catalogue; a
    /// finding's rule is the entry whose `code` equals `finding.rule`.
    fn write(&self, report: &Report, rules: &[RuleMeta], opts: &WriteOptions, out: &mut dyn std::io::Write) -> Result<(), ReportError>;
}

/// The writer for `format`.
pub fn writer(format: Format) -> Box<dyn ReportWriter> {
    match format {
        Format::Pretty => Box::new(pretty::PrettyWriter),
        Format::Json => Box::new(json::JsonWriter),
        Format::Sarif => Box::new(sarif::SarifWriter),
        Format::Junit => Box::new(junit::JunitWriter),
        Format::Markdown => Box::new(markdown::MarkdownWriter),
        Format::Html => Box::new(html::HtmlWriter),
    }
}

/// Render `report` in `format` into a string.
pub fn render_to_string(format: Format, report: &Report, rules: &[RuleMeta], opts: &WriteOptions) -> Result<String, ReportError> {
    let mut buf = Vec::new();
    writer(format).write(report, rules, opts, &mut buf)?;
    String::from_utf8(buf).map_err(|e| ReportError::Encode(format!("output is not UTF-8: {e}")))
}
