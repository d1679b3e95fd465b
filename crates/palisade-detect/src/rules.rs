//! The YAML rule format and its parsing.

use crate::{DetectError, Kind};
use palisade_core::{Confidence, Severity};
use serde::Deserialize;

/// One rule file: `rules: [ ... ]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rules: Vec<RuleDef>,
}

/// One rule as written in YAML. See `rules/README.md` for the field meanings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleDef {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub severity: Severity,
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// Regex; capture group `secret` is the sensitive span, `ctx` the context.
    pub pattern: String,
    /// Literal prefilter keywords (ASCII case-insensitive). Empty: full scan.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Bytes searched before / after each keyword hit.
    #[serde(default)]
    pub window: Option<[usize; 2]>,
    /// Minimum Shannon entropy (bits per byte) of the secret span.
    #[serde(default)]
    pub entropy: Option<f64>,
    #[serde(default)]
    pub min_len: Option<usize>,
    #[serde(default)]
    pub max_len: Option<usize>,
    #[serde(default)]
    pub validator: Option<String>,
    /// Fixed context string when the pattern has no `ctx` group.
    #[serde(default)]
    pub context: Option<String>,
    /// Overlap tie-break: higher wins. Defaults by kind (see `default_priority`).
    #[serde(default)]
    pub priority: Option<i32>,
    /// Field-name rules: run the regex anchored at the start of the name
    /// around each keyword hit instead of searching a window.
    #[serde(default)]
    pub anchor_field_name: bool,
    /// Keyword-less rules: a byte-level prefilter instead of a full regex
    /// scan (`digits`: runs of 13+ digits; `iban`: two capitals, two digits).
    #[serde(default)]
    pub prefilter: Option<String>,
    /// Skip the placeholder filter (secrets only; on by default for secrets).
    #[serde(default)]
    pub allow_placeholders: bool,
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
    #[serde(skip)]
    pub source: String,
}

/// A positive example: `input` must yield a match of this rule whose span is
/// the first occurrence of `secret` in `input`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Example {
    pub input: String,
    pub secret: String,
}

impl RuleDef {
    pub(crate) fn priority(&self) -> i32 {
        self.priority.unwrap_or(match self.kind {
            Kind::Secret => 100,
            Kind::Pii => 60,
            Kind::Debug => 40,
            Kind::Internal => 30,
        })
    }
}

pub(crate) fn parse_sources(sources: &[(&str, &str)]) -> Result<Vec<RuleDef>, DetectError> {
    let mut all: Vec<RuleDef> = Vec::new();
    for (file, text) in sources {
        let parsed: RuleFile = serde_saphyr::from_str(text).map_err(|e| DetectError::Yaml { file: file.to_string(), message: e.to_string() })?;
        for mut def in parsed.rules {
            def.source = file.to_string();
            let invalid = |message: String| DetectError::InvalidRule { file: file.to_string(), rule_id: def.id.clone(), message };
            if def.id.is_empty() || !def.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
                return Err(invalid("id must be non-empty kebab-case".into()));
            }
            if def.keywords.iter().any(|k| k.is_empty()) {
                return Err(invalid("empty keyword".into()));
            }
            if let Some(p) = &def.prefilter {
                if !matches!(p.as_str(), "digits" | "iban") || !def.keywords.is_empty() {
                    return Err(invalid(format!("prefilter '{p}' unknown or combined with keywords")));
                }
            }
            if def.anchor_field_name && def.keywords.is_empty() {
                return Err(invalid("anchor_field_name needs keywords".into()));
            }
            if let Some(v) = &def.validator {
                if !crate::validate::KNOWN_VALIDATORS.contains(&v.as_str()) {
                    return Err(invalid(format!("unknown validator '{v}'")));
                }
            }
            if let Some(first) = all.iter().find(|d| d.id == def.id) {
                return Err(DetectError::DuplicateId { rule_id: def.id.clone(), first: first.source.clone(), second: file.to_string() });
            }
            all.push(def);
        }
    }
    Ok(all)
}
