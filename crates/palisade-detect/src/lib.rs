//! Palisade's Data Exposure detector.
//!
//! Finds secrets (API keys, tokens, private keys, credentials in URLs and
//! sensitive JSON/env fields), PII (emails, phones, cards, SSNs, IBANs, dates
//! of birth), debug/error leaks (tracebacks, the Werkzeug console, framework
//! error pages, SQL errors) and internal details (server paths, private IPs,
//! internal host names, version banners) in bytes the caller passes in.
//!
//! Rules are data: YAML files under `rules/`, embedded at build time, each rule
//! with positive and negative examples that [`Detector::check_rules`] verifies.
//! Matching is two-stage: an Aho-Corasick pass over every rule's literal
//! keywords finds candidate positions, then each triggered rule's regex runs
//! only in a bounded window around its keyword hits (windows merged, so a rule
//! reads each byte at most once). Rules without keywords run over the whole
//! input and must be cheap DFA patterns. Matches then go through placeholder,
//! length, entropy and validator checks, and overlaps are resolved so the most
//! specific rule wins.
//!
//! Nothing here does I/O, and no [`Match`] carries a full secret: `masked` and
//! `fingerprint` come from [`palisade_core::mask`].

mod check;
mod engine;
mod keywords;
mod prefilter;
mod rules;
mod stream;
mod validate;

use palisade_core::{Confidence, Context, Severity};
use serde::{Deserialize, Serialize};

pub use check::{synthetic_corpus, RuleCheckFailure};
pub use stream::StreamScanner;
pub use validate::{looks_placeholder, shannon_entropy};

/// What a match exposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Credentials and keys: anything that grants access.
    Secret,
    /// Personal data about a human.
    Pii,
    /// Stack traces, debug consoles, framework error pages, SQL errors.
    Debug,
    /// Server paths, private addresses, internal host names, version banners.
    Internal,
}

impl Kind {
    /// All kinds, in report order.
    pub const ALL: [Kind; 4] = [Kind::Secret, Kind::Pii, Kind::Debug, Kind::Internal];

    /// Whether spans of this kind are masked and redacted (secrets and PII).
    pub fn is_sensitive(self) -> bool {
        matches!(self, Kind::Secret | Kind::Pii)
    }

    /// Lowercase name, as in the YAML files.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::Pii => "pii",
            Kind::Debug => "debug",
            Kind::Internal => "internal",
        }
    }
}

/// One finding in the scanned bytes. Never holds the full sensitive value.
#[derive(Clone, Debug, Serialize)]
pub struct Match {
    /// Stable kebab-case rule id, e.g. `aws-access-key-id`.
    pub rule_id: String,
    /// Human-readable rule name.
    pub rule_name: String,
    pub kind: Kind,
    /// Rule severity, possibly adjusted by a validator or [`ScanOptions::context`].
    pub severity: Severity,
    /// Byte offset where the sensitive span starts in the input.
    pub start: usize,
    /// Byte offset one past the end of the sensitive span.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column of `start`, counted in **bytes** from the line start
    /// (inputs need not be UTF-8, so bytes are the only well-defined unit).
    pub column: usize,
    /// Secrets and PII: [`palisade_core::mask::mask_secret`] of the span.
    /// Debug and internal matches: a short excerpt (at most 80 bytes) of the
    /// match, which the rules keep free of secret material.
    pub masked: String,
    /// [`palisade_core::mask::fingerprint`] of the span: stable across scans.
    pub fingerprint: String,
    /// Where the value sits: the JSON/env field name (`key`), the debugger
    /// (`werkzeug-debugger`), JWT algorithm and claims, and so on.
    pub context: Option<String>,
    pub confidence: Confidence,
}

/// Public description of a loaded rule.
#[derive(Clone, Debug, Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub severity: Severity,
    /// File the rule came from, e.g. `cloud.yaml`.
    pub source: String,
    /// Number of positive examples.
    pub examples: usize,
    /// Number of negative examples.
    pub negative_examples: usize,
}

/// Filters and adjustments for [`Detector::scan_with`].
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Only report these kinds; `None` means all.
    pub kinds: Option<Vec<Kind>>,
    /// Drop matches below this severity (after context adjustment).
    pub min_severity: Severity,
    /// What the API handles: `Medical` and `Financial` raise PII severity one step.
    pub context: Context,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { kinds: None, min_severity: Severity::Info, context: Context::General }
    }
}

/// Why rules could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error("rule file {file}: invalid YAML: {message}")]
    Yaml { file: String, message: String },
    #[error("rule {rule_id} ({file}): {message}")]
    InvalidRule { file: String, rule_id: String, message: String },
    #[error("rule {rule_id} ({file}): pattern does not compile: {message}")]
    Regex { file: String, rule_id: String, message: String },
    #[error("rule id {rule_id} is defined twice ({first} and {second})")]
    DuplicateId { rule_id: String, first: String, second: String },
    #[error("keyword automaton could not be built: {0}")]
    Keywords(String),
}

/// The compiled rule set. Build once ([`Detector::builtin`] or
/// [`Detector::from_yaml`]) and share: scanning takes `&self`.
pub struct Detector {
    engine: engine::Engine,
    infos: Vec<RuleInfo>,
}

/// The embedded rule files, one per family.
const BUILTIN_RULES: &[(&str, &str)] = &[
    ("cloud.yaml", include_str!("../rules/cloud.yaml")),
    ("vcs.yaml", include_str!("../rules/vcs.yaml")),
    ("payments.yaml", include_str!("../rules/payments.yaml")),
    ("saas.yaml", include_str!("../rules/saas.yaml")),
    ("ai.yaml", include_str!("../rules/ai.yaml")),
    ("crypto.yaml", include_str!("../rules/crypto.yaml")),
    ("generic.yaml", include_str!("../rules/generic.yaml")),
    ("pii.yaml", include_str!("../rules/pii.yaml")),
    ("debug.yaml", include_str!("../rules/debug.yaml")),
    ("internal.yaml", include_str!("../rules/internal.yaml")),
];

impl Detector {
    /// The built-in rule set, compiled on first use.
    pub fn builtin() -> &'static Detector {
        static BUILTIN: std::sync::OnceLock<Detector> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The embedded rules are checked by `tests/rules.rs`; failing here
            // means the crate itself was built broken.
            Detector::from_yaml(BUILTIN_RULES).expect("built-in rules compile")
        })
    }

    /// The embedded rule files as `(file name, YAML text)`, e.g. to combine
    /// with custom rules in [`Detector::from_yaml`].
    pub fn builtin_sources() -> &'static [(&'static str, &'static str)] {
        BUILTIN_RULES
    }

    /// Compile rules from `(file name, YAML text)` pairs.
    pub fn from_yaml(sources: &[(&str, &str)]) -> Result<Detector, DetectError> {
        let defs = rules::parse_sources(sources)?;
        Detector::from_defs(defs)
    }

    fn from_defs(defs: Vec<rules::RuleDef>) -> Result<Detector, DetectError> {
        let infos = defs
            .iter()
            .map(|d| RuleInfo {
                id: d.id.clone(),
                name: d.name.clone(),
                kind: d.kind,
                severity: d.severity,
                source: d.source.clone(),
                examples: d.examples.len(),
                negative_examples: d.negative_examples.len(),
            })
            .collect();
        Ok(Detector { engine: engine::Engine::compile(defs)?, infos })
    }

    /// All matches, sorted by start, overlaps resolved (most specific rule wins).
    pub fn scan(&self, input: &[u8]) -> Vec<Match> {
        let mut found = self.engine.scan_raw(input);
        self.engine.resolve_overlaps(&mut found);
        let mut lines = LineCounter::new(input, 0, 1);
        let mut out: Vec<Match> = found.into_iter().map(|m| self.engine.to_match(input, 0, m, &mut lines)).collect();
        redact_excerpts(input, 0, &mut out);
        out
    }

    /// Like [`Detector::scan`], filtered and adjusted by `opts`.
    pub fn scan_with(&self, input: &[u8], opts: &ScanOptions) -> Vec<Match> {
        let mut out = self.scan(input);
        apply_options(&mut out, opts);
        out
    }

    /// `text` with every secret and PII span replaced by its masked form.
    /// Use before any body excerpt is written to a report or log.
    pub fn redact(&self, text: &str) -> String {
        let matches = self.scan(text.as_bytes());
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        for m in matches.iter().filter(|m| m.kind.is_sensitive()) {
            // Spans come from regexes over valid UTF-8 and are char-aligned;
            // the check keeps a future rule bug from panicking here.
            if m.start < pos || !text.is_char_boundary(m.start) || !text.is_char_boundary(m.end) {
                continue;
            }
            out.push_str(&text[pos..m.start]);
            out.push_str(&m.masked);
            pos = m.end;
        }
        out.push_str(&text[pos..]);
        out
    }

    /// Every loaded rule.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.infos
    }

    /// Check every rule against its own examples (each positive matches with
    /// the expected span, no negative matches) and, in release builds, its
    /// throughput alone on a 1 MiB synthetic corpus. Empty means healthy.
    pub fn check_rules(&self) -> Vec<RuleCheckFailure> {
        check::check_rules(&self.engine)
    }

    /// Throughput of each rule alone on `corpus`, in MiB/s, as `(rule id, MiB/s)`.
    pub fn rule_throughput(&self, corpus: &[u8]) -> Vec<(String, f64)> {
        check::rule_throughput(&self.engine, corpus)
    }

    /// A detector holding only the rule with this id (for per-rule benchmarks).
    pub fn single_rule(&self, rule_id: &str) -> Option<Detector> {
        let def = self.engine.rules.iter().find(|r| r.def.id == rule_id)?.def.clone();
        Detector::from_defs(vec![def]).ok()
    }

    pub(crate) fn engine(&self) -> &engine::Engine {
        &self.engine
    }
}

/// Rebuild debug/internal excerpts with any secret or PII span inside them
/// replaced by its mask, so an error line quoting a key does not leak it.
/// `base` is the absolute offset of `input[0]`; `matches` are sorted by start.
pub(crate) fn redact_excerpts(input: &[u8], base: usize, matches: &mut [Match]) {
    let sensitive: Vec<(usize, usize, String)> =
        matches.iter().filter(|m| m.kind.is_sensitive()).map(|m| (m.start, m.end, m.masked.clone())).collect();
    if sensitive.is_empty() {
        return;
    }
    for m in matches.iter_mut().filter(|m| !m.kind.is_sensitive()) {
        let inside: Vec<&(usize, usize, String)> = sensitive.iter().filter(|(s, e, _)| *s < m.end && *e > m.start).collect();
        if inside.is_empty() {
            continue;
        }
        let mut text = String::new();
        let mut pos = m.start;
        for (s, e, masked) in inside {
            let s = (*s).max(pos);
            text.push_str(&String::from_utf8_lossy(&input[pos - base..s - base]));
            text.push_str(masked);
            pos = (*e).min(m.end).max(pos);
        }
        text.push_str(&String::from_utf8_lossy(&input[pos - base..m.end - base]));
        m.masked = engine::excerpt(&text);
    }
}

/// Apply kind filter, context severity raise and severity floor.
pub(crate) fn apply_options(matches: &mut Vec<Match>, opts: &ScanOptions) {
    let raise_pii = matches!(opts.context, Context::Medical | Context::Financial);
    matches.retain_mut(|m| {
        if let Some(kinds) = &opts.kinds {
            if !kinds.contains(&m.kind) {
                return false;
            }
        }
        if raise_pii && m.kind == Kind::Pii {
            m.severity = m.severity.raised();
        }
        m.severity >= opts.min_severity
    });
}

/// Turns increasing byte offsets into 1-based line/column without rescanning.
pub(crate) struct LineCounter<'a> {
    input: &'a [u8],
    /// Absolute offset of `input[0]`.
    base: usize,
    /// Position (relative) up to which newlines are counted.
    pos: usize,
    line: usize,
    /// Relative offset of the current line's start (0 at chunk start).
    line_start: usize,
    /// Column offset carried from a previous chunk when the first line continues it.
    carry_column: usize,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(input: &'a [u8], base: usize, first_line: usize) -> Self {
        LineCounter { input, base, pos: 0, line: first_line, line_start: 0, carry_column: 0 }
    }

    pub(crate) fn with_carry(mut self, carry_column: usize) -> Self {
        self.carry_column = carry_column;
        self
    }

    /// Line and byte column of absolute offset `abs`; offsets must not decrease.
    pub(crate) fn locate(&mut self, abs: usize) -> (usize, usize) {
        let rel = abs.saturating_sub(self.base).min(self.input.len());
        if rel >= self.pos {
            let (input, from) = (self.input, self.pos);
            for nl in memchr::memchr_iter(b'\n', &input[from..rel]) {
                self.line += 1;
                self.line_start = from + nl + 1;
                self.carry_column = 0;
            }
            self.pos = rel;
        }
        (self.line, rel.saturating_sub(self.line_start) + self.carry_column + 1)
    }
}
