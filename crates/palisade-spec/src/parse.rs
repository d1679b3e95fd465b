//! Bytes to `serde_json::Value`: size check, UTF-8 check, JSON-or-YAML
//! detection, and a bounded YAML parser configuration.

use crate::{LoadOptions, SpecError};
use serde_json::Value;

/// Deepest YAML nesting accepted (see `parse_yaml`).
pub(crate) const YAML_MAX_DEPTH: usize = 64;

/// Longest parse error message we keep; parser messages can quote input.
const MAX_MESSAGE_CHARS: usize = 300;

/// The document format we detected from the first significant byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Yaml,
}

impl Format {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        }
    }
}

/// Strips a UTF-8 byte-order mark, which some editors write before JSON/YAML.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// JSON when the first non-whitespace byte opens an object or array;
/// everything else is handed to the YAML parser (YAML is nearly a JSON superset,
/// but JSON errors are clearer from the JSON parser).
pub(crate) fn detect_format(bytes: &[u8]) -> Format {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') | Some(b'[') => Format::Json,
        _ => Format::Yaml,
    }
}

/// Parses the whole document into a JSON value, within the limits of `opts`.
pub(crate) fn parse_document(bytes: &[u8], opts: &LoadOptions) -> Result<Value, SpecError> {
    if bytes.len() > opts.max_bytes {
        return Err(SpecError::TooLarge { size: bytes.len(), limit: opts.max_bytes });
    }
    let bytes = strip_bom(bytes);
    let format = detect_format(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|e| SpecError::Parse { format: format.name(), message: format!("invalid UTF-8 at byte {}", e.valid_up_to()) })?;
    match format {
        // serde_json keeps its default recursion limit (128), so 100k nested
        // brackets fail with an error instead of overflowing the stack.
        Format::Json => serde_json::from_str(text).map_err(|e| SpecError::Parse { format: "JSON", message: one_line(&e.to_string()) }),
        Format::Yaml => parse_yaml(text),
    }
}

fn parse_yaml(text: &str) -> Result<Value, SpecError> {
    // The node and event budgets grow with the document (a YAML node costs at
    // least a few bytes of text), so a large real spec within `max_bytes`
    // parses; alias expansion is bounded separately below.
    let max_nodes = (text.len() / 4).max(1_000_000);
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            // Deserializing YAML into a Value costs ~18 KiB of stack per level
            // in debug builds (measured: 96 levels fit a 2 MiB thread, 112
            // overflow), so keep serde-saphyr's default of 64, not serde_json's 128.
            max_depth: YAML_MAX_DEPTH,
            max_documents: 1,
            max_nodes: max_nodes,
            max_events: 2 * max_nodes,
            max_aliases: 10_000,
            max_anchors: 10_000,
            max_total_scalar_bytes: text.len().max(64 * 1024 * 1024),
        },
        // Billion-laughs defence: cap how much alias replay may add in total.
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 200_000,
            max_replay_stack_depth: 32,
        },
        // Hand-edited real-world specs sometimes repeat a key; keep the last
        // one as most YAML loaders do rather than rejecting the document.
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::LastWins,
        with_snippet: false,
        emit_comments: false,
    };
    let value: Value = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let mut message = one_line(&e.without_snippet().to_string());
        if let Some(loc) = e.location() {
            let position = format!("line {} column {}", loc.line(), loc.column());
            if !message.contains(&format!("line {}", loc.line())) {
                message = format!("{message} at {position}");
            }
        }
        SpecError::Parse { format: "YAML", message }
    })?;
    Ok(value)
}

/// Collapses a possibly multi-line parser message to one bounded line.
pub(crate) fn one_line(message: &str) -> String {
    let joined = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > MAX_MESSAGE_CHARS {
        let mut cut: String = joined.chars().take(MAX_MESSAGE_CHARS).collect();
        cut.push('…');
        cut
    } else {
        joined
    }
}
