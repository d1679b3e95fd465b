//! A cheap, allocation-free check for "this looks like an OpenAPI/Swagger document".

use crate::parse::{detect_format, strip_bom, Format};

/// Bytes inspected at most; spec keys sit near the top of real documents,
/// but serializers that sort keys put `openapi` after `components`.
const SNIFF_LIMIT: usize = 4 * 1024 * 1024;

const SPEC_KEYS: &[&[u8]] = &[b"openapi", b"swagger"];

pub(crate) fn looks_like_spec(bytes: &[u8]) -> bool {
    let bytes = strip_bom(bytes);
    let bytes = &bytes[..bytes.len().min(SNIFF_LIMIT)];
    match detect_format(bytes) {
        Format::Json => json_has_top_level_key(bytes),
        Format::Yaml => yaml_has_top_level_key(bytes),
    }
}

/// Scans a JSON object for a depth-1 key `"openapi"` or `"swagger"`, tracking
/// strings and nesting without building anything.
fn json_has_top_level_key(bytes: &[u8]) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != b'"' {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                if end >= bytes.len() {
                    return false;
                }
                let key = &bytes[start..end];
                i = end + 1;
                if depth == 1 && SPEC_KEYS.contains(&key) && next_non_space(bytes, i) == Some(b':') {
                    return starts_with_object(bytes);
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

fn starts_with_object(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

fn next_non_space(bytes: &[u8], from: usize) -> Option<u8> {
    bytes.get(from..)?.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// A YAML block mapping key at column 0: `openapi: 3.1.0`, `"swagger": "2.0"`.
fn yaml_has_top_level_key(bytes: &[u8]) -> bool {
    bytes.split(|b| *b == b'\n').any(|line| {
        let unquoted = line.strip_prefix(b"\"").or_else(|| line.strip_prefix(b"'")).unwrap_or(line);
        SPEC_KEYS.iter().any(|key| {
            let Some(rest) = unquoted.strip_prefix(*key) else {
                return false;
            };
            let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
            let Some(value) = rest.strip_prefix(b":") else {
                return false;
            };
            // A version must follow on the same line.
            value.iter().any(|b| b.is_ascii_digit())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::looks_like_spec;

    #[test]
    fn recognises_json_and_yaml_specs() {
        assert!(looks_like_spec(br#"{"openapi": "3.0.3", "info": {}}"#));
        assert!(looks_like_spec(b"\xEF\xBB\xBF{\"info\": {\"x\": [1]}, \"swagger\" : \"2.0\"}"));
        assert!(looks_like_spec(b"# comment\nopenapi: 3.1.0\ninfo:\n  title: x\n"));
        assert!(looks_like_spec(b"\"swagger\": \"2.0\"\n"));
    }

    #[test]
    fn rejects_nested_keys_and_other_content() {
        assert!(!looks_like_spec(br#"{"info": {"openapi": "3.0.0"}}"#));
        assert!(!looks_like_spec(br#"[{"openapi": "3.0.0"}]"#));
        assert!(!looks_like_spec(br#"{"description": "openapi: 3.0.0"}"#));
        assert!(!looks_like_spec(b"info:\n  openapi: 3.0.0\n"));
        assert!(!looks_like_spec(b"<html><body>openapi: 3.0</body></html>"));
        assert!(!looks_like_spec(b""));
        assert!(!looks_like_spec(b"{\"openapi"));
    }
}
