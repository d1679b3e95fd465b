//! In-document `$ref` resolution with hard bounds.
//!
//! Only local references (`#/...` JSON pointers) are followed; remote ones are
//! left in place with a warning. Every expansion is bounded three ways: a ref
//! already being expanded is not expanded again (cycle marker), a chain of
//! nested refs stops at `max_ref_depth`, and the total number of JSON nodes
//! produced across the whole load stops at `max_nodes`, and the string bytes
//! they carry at a byte budget (`max_output_bytes`), so a large string behind a
//! `$ref` cannot be copied into every operation. Output nesting is also
//! capped at [`MAX_OUTPUT_DEPTH`], so the Rust call stack stays small and the
//! resulting `Inventory` still round-trips through serde_json (limit 128).

use serde_json::{Map, Value};
use std::collections::HashSet;

/// Deepest nesting of a resolved schema value; deeper parts become a marker.
pub(crate) const MAX_OUTPUT_DEPTH: usize = 64;
/// Ceiling on `max_ref_depth`, whatever the caller asks: each nested ref costs
/// a stack frame.
const REF_DEPTH_CEILING: usize = 256;
/// Warnings kept per load; the rest are counted, so hostile input cannot grow them.
const MAX_WARNINGS: usize = 200;

/// Marker key on a `$ref` left unexpanded because it is already being expanded.
pub const CYCLE_MARKER: &str = "x-palisade-cycle";
/// Marker key on a `$ref` left unexpanded because the ref chain was too deep.
pub const REF_DEPTH_MARKER: &str = "x-palisade-ref-depth-exceeded";
/// Marker key on a `$ref` whose local target does not exist.
pub const UNRESOLVED_MARKER: &str = "x-palisade-unresolved";
/// Marker key where content was cut (`"max_nodes"`, `"max_output_bytes"` or `"max_depth"`).
pub const TRUNCATED_MARKER: &str = "x-palisade-truncated";

/// Keywords whose values are literal data, not schemas: refs inside are not followed.
const LITERAL_KEYWORDS: &[&str] = &["example", "examples", "default", "enum", "const"];

/// A bounded, de-duplicated list of warnings.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    list: Vec<String>,
    seen: HashSet<String>,
    suppressed: usize,
}

impl Warnings {
    pub(crate) fn push(&mut self, warning: String) {
        if self.seen.contains(&warning) {
            return;
        }
        if self.list.len() >= MAX_WARNINGS {
            self.suppressed += 1;
            return;
        }
        self.seen.insert(warning.clone());
        self.list.push(warning);
    }

    pub(crate) fn into_vec(mut self) -> Vec<String> {
        if self.suppressed > 0 {
            self.list.push(format!("{} further warnings suppressed", self.suppressed));
        }
        self.list
    }
}

/// Why a reference could not be followed.
enum RefProblem {
    Remote,
    NotFound,
}

/// Resolves references against one parsed document.
pub(crate) struct Resolver<'a> {
    root: &'a Value,
    max_ref_depth: usize,
    nodes_left: usize,
    max_nodes: usize,
    truncated_by_nodes: bool,
    bytes_left: usize,
    max_output_bytes: usize,
    truncated_by_bytes: bool,
    pub(crate) warnings: Warnings,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(root: &'a Value, max_ref_depth: usize, max_nodes: usize, max_output_bytes: usize) -> Self {
        Resolver {
            root,
            max_ref_depth: max_ref_depth.min(REF_DEPTH_CEILING),
            nodes_left: max_nodes,
            max_nodes,
            truncated_by_nodes: false,
            bytes_left: max_output_bytes,
            max_output_bytes,
            truncated_by_bytes: false,
            warnings: Warnings::default(),
        }
    }

    /// Takes `bytes` from the output byte budget; false (and nothing taken)
    /// when they do not fit.
    fn take_bytes(&mut self, bytes: usize) -> bool {
        if bytes > self.bytes_left {
            self.truncated_by_bytes = true;
            return false;
        }
        self.bytes_left -= bytes;
        true
    }

    /// A copy of a string the inventory keeps from the document (a
    /// description), within the byte budget; `None` when it does not fit.
    pub(crate) fn copy_text(&mut self, value: Option<&Value>) -> Option<String> {
        let text = value?.as_str()?;
        if self.take_bytes(text.len()) {
            Some(text.to_string())
        } else {
            self.warn_bytes();
            None
        }
    }

    /// A copy of a literal value (a parameter example), within the node and
    /// byte budgets; `None` when it does not fit.
    pub(crate) fn copy_literal(&mut self, value: Option<&Value>) -> Option<Value> {
        let value = value?;
        let (nodes, bytes) = literal_cost(value, self.nodes_left.saturating_add(1));
        if nodes > self.nodes_left {
            self.truncated_by_nodes = true;
            self.warn_nodes();
            return None;
        }
        if !self.take_bytes(bytes) {
            self.warn_bytes();
            return None;
        }
        self.nodes_left -= nodes;
        Some(value.clone())
    }

    fn warn_nodes(&mut self) {
        self.warnings.push(format!(
            "resolved schemas exceed max_nodes ({}); the excess was replaced by {{\"{TRUNCATED_MARKER}\": \"max_nodes\"}}",
            self.max_nodes
        ));
    }

    fn warn_bytes(&mut self) {
        self.warnings.push(format!(
            "strings copied from the document exceed max_output_bytes ({}); the excess was left out or replaced by {{\"{TRUNCATED_MARKER}\": \"max_output_bytes\"}}",
            self.max_output_bytes
        ));
    }

    /// Follows a chain of `$ref`s on a non-schema object (parameter, response,
    /// request body, path item, security scheme) and borrows the target.
    /// `None` (with a warning) when the chain is remote, dangling, cyclic or too long.
    pub(crate) fn deref(&mut self, value: &'a Value) -> Option<&'a Value> {
        let mut current = value;
        let mut seen: Vec<&'a str> = Vec::new();
        while let Some(reference) = ref_of(current) {
            if seen.contains(&reference) {
                self.warnings.push(format!("cyclic $ref {} cannot be resolved", describe_ref(reference)));
                return None;
            }
            if seen.len() >= self.max_ref_depth {
                self.warnings.push(format!("$ref chain deeper than {} at {}", self.max_ref_depth, describe_ref(reference)));
                return None;
            }
            seen.push(reference);
            match self.lookup(reference) {
                Ok(target) => current = target,
                Err(problem) => {
                    self.warn_problem(reference, problem);
                    return None;
                }
            }
        }
        Some(current)
    }

    /// Returns an owned copy of a schema with local refs expanded, within bounds.
    pub(crate) fn resolve_schema(&mut self, schema: &'a Value) -> Value {
        let mut stack = Vec::new();
        let resolved = self.resolve_value(schema, &mut stack, 0, true);
        if self.truncated_by_nodes {
            self.warn_nodes();
        }
        if self.truncated_by_bytes {
            self.warn_bytes();
        }
        resolved
    }

    fn resolve_value(&mut self, value: &'a Value, stack: &mut Vec<&'a str>, depth: usize, follow_refs: bool) -> Value {
        if self.nodes_left == 0 {
            self.truncated_by_nodes = true;
            return truncated("max_nodes");
        }
        if depth >= MAX_OUTPUT_DEPTH {
            self.warnings.push(format!("schema nesting deeper than {MAX_OUTPUT_DEPTH} levels was truncated"));
            return truncated("max_depth");
        }
        if let Value::String(s) = value {
            if !self.take_bytes(s.len()) {
                return truncated("max_output_bytes");
            }
        }
        self.nodes_left -= 1;
        match value {
            Value::Object(map) => {
                if follow_refs {
                    if let Some(reference) = ref_of(value) {
                        return self.resolve_ref(map, reference, stack, depth);
                    }
                }
                let mut out = Map::new();
                for (key, child) in map {
                    if self.nodes_left == 0 {
                        self.truncated_by_nodes = true;
                        out.insert(TRUNCATED_MARKER.to_string(), Value::from("max_nodes"));
                        break;
                    }
                    if !self.take_bytes(key.len()) {
                        out.insert(TRUNCATED_MARKER.to_string(), Value::from("max_output_bytes"));
                        break;
                    }
                    let follow = follow_refs && !is_literal_keyword(key);
                    out.insert(key.clone(), self.resolve_value(child, stack, depth + 1, follow));
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len().min(self.nodes_left));
                for item in items {
                    if self.nodes_left == 0 {
                        self.truncated_by_nodes = true;
                        out.push(truncated("max_nodes"));
                        break;
                    }
                    out.push(self.resolve_value(item, stack, depth + 1, follow_refs));
                }
                Value::Array(out)
            }
            scalar => scalar.clone(),
        }
    }

    /// Expands one `$ref` object; sibling keys (allowed in 3.1) override the target's.
    fn resolve_ref(&mut self, map: &'a Map<String, Value>, reference: &'a str, stack: &mut Vec<&'a str>, depth: usize) -> Value {
        let mut base = if stack.contains(&reference) {
            self.warnings.push(format!("cyclic $ref {} left unexpanded", describe_ref(reference)));
            ref_marker(reference, CYCLE_MARKER)
        } else if stack.len() >= self.max_ref_depth {
            self.warnings.push(format!("$ref nesting deeper than {} at {} left unexpanded", self.max_ref_depth, describe_ref(reference)));
            ref_marker(reference, REF_DEPTH_MARKER)
        } else {
            match self.lookup(reference) {
                Ok(target) => {
                    stack.push(reference);
                    let resolved = self.resolve_value(target, stack, depth, true);
                    stack.pop();
                    resolved
                }
                Err(RefProblem::Remote) => {
                    self.warn_problem(reference, RefProblem::Remote);
                    ref_only(reference)
                }
                Err(RefProblem::NotFound) => {
                    self.warn_problem(reference, RefProblem::NotFound);
                    ref_marker(reference, UNRESOLVED_MARKER)
                }
            }
        };
        if let Value::Object(out) = &mut base {
            for (key, child) in map.iter().filter(|(k, _)| k.as_str() != "$ref") {
                if self.nodes_left == 0 {
                    self.truncated_by_nodes = true;
                    out.insert(TRUNCATED_MARKER.to_string(), Value::from("max_nodes"));
                    break;
                }
                if !self.take_bytes(key.len()) {
                    out.insert(TRUNCATED_MARKER.to_string(), Value::from("max_output_bytes"));
                    break;
                }
                let follow = !is_literal_keyword(key);
                let child = self.resolve_value(child, stack, depth + 1, follow);
                out.insert(key.clone(), child);
            }
        }
        base
    }

    fn warn_problem(&mut self, reference: &str, problem: RefProblem) {
        let warning = match problem {
            RefProblem::Remote => format!("remote $ref {} not fetched", describe_ref(reference)),
            RefProblem::NotFound => format!("$ref {} does not resolve inside the document", describe_ref(reference)),
        };
        self.warnings.push(warning);
    }

    /// Looks a reference up in the document: `#` alone is the root, `#/a/b`
    /// is a JSON pointer (RFC 6901 `~0`/`~1` escapes, URI percent-encoding).
    fn lookup(&self, reference: &str) -> Result<&'a Value, RefProblem> {
        let Some(fragment) = reference.strip_prefix('#') else {
            return Err(RefProblem::Remote);
        };
        if fragment.is_empty() {
            return Ok(self.root);
        }
        let fragment = percent_decode(fragment);
        // `#name` anchors (OpenAPI 3.1 `$anchor`) are not JSON pointers.
        let Some(pointer) = fragment.strip_prefix('/') else {
            return Err(RefProblem::NotFound);
        };
        let mut current = self.root;
        for token in pointer.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            current = match current {
                Value::Object(map) => map.get(&token),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            }
            .ok_or(RefProblem::NotFound)?;
        }
        Ok(current)
    }
}

/// Nodes and string bytes (keys and strings) of a literal value, counting
/// nodes only up to `stop` (so a huge value costs no more than the budget to judge).
fn literal_cost(value: &Value, stop: usize) -> (usize, usize) {
    let mut nodes = 0usize;
    let mut bytes = 0usize;
    let mut todo = vec![value];
    while let Some(v) = todo.pop() {
        nodes += 1;
        if nodes >= stop {
            break;
        }
        match v {
            Value::String(s) => bytes += s.len(),
            Value::Array(items) => todo.extend(items),
            Value::Object(map) => {
                for (k, child) in map {
                    bytes += k.len();
                    todo.push(child);
                }
            }
            _ => {}
        }
    }
    (nodes, bytes)
}

/// The `$ref` string of an object, if it has one.
pub(crate) fn ref_of(value: &Value) -> Option<&str> {
    value.as_object()?.get("$ref")?.as_str()
}

fn is_literal_keyword(key: &str) -> bool {
    LITERAL_KEYWORDS.contains(&key) || key.starts_with("x-")
}

fn ref_only(reference: &str) -> Value {
    let mut map = Map::new();
    map.insert("$ref".to_string(), Value::from(reference));
    Value::Object(map)
}

fn ref_marker(reference: &str, marker: &str) -> Value {
    let mut value = ref_only(reference);
    if let Value::Object(map) = &mut value {
        map.insert(marker.to_string(), Value::Bool(true));
    }
    value
}

fn truncated(reason: &str) -> Value {
    let mut map = Map::new();
    map.insert(TRUNCATED_MARKER.to_string(), Value::from(reason));
    Value::Object(map)
}

/// A reference as it may appear in a warning: bounded length, no URL
/// credentials, sensitive query values masked.
fn describe_ref(reference: &str) -> String {
    let without_userinfo = match (reference.find("://"), reference.find('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end && !reference[scheme_end + 3..at].contains('/') => {
            format!("{}://***@{}", &reference[..scheme_end], &reference[at + 1..])
        }
        _ => reference.to_string(),
    };
    let masked = palisade_core::mask::mask_url(&without_userinfo);
    let shortened = crate::parse::one_line(&masked);
    format!("'{shortened}'")
}

/// Decodes `%XX` escapes; invalid sequences are kept literally.
fn percent_decode(input: &str) -> String {
    if !input.contains('%') {
        return input.to_string();
    }
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointer_escapes_and_percent_encoding_resolve() {
        let doc = json!({"paths": {"/a/{id}": {"x": 1}}, "t~x": 2, "arr": [10, 20]});
        let resolver = Resolver::new(&doc, 8, 100, usize::MAX);
        assert_eq!(resolver.lookup("#/paths/~1a~1%7Bid%7D/x").ok(), Some(&json!(1)));
        assert_eq!(resolver.lookup("#/t~0x").ok(), Some(&json!(2)));
        assert_eq!(resolver.lookup("#/arr/1").ok(), Some(&json!(20)));
        assert!(matches!(resolver.lookup("#/arr/9"), Err(RefProblem::NotFound)));
        assert!(matches!(resolver.lookup("other.json#/a"), Err(RefProblem::Remote)));
    }

    #[test]
    fn percent_decode_keeps_invalid_sequences() {
        assert_eq!(percent_decode("a%2Fb"), "a/b");
        assert_eq!(percent_decode("a%zzb%"), "a%zzb%");
        assert_eq!(percent_decode("%4"), "%4");
    }

    #[test]
    fn remote_ref_credentials_are_not_echoed() {
        let described = describe_ref("https://user:hunter2@127.0.0.1/s.json?api_key=abcdef0123456789abcdef");
        assert!(!described.contains("hunter2"), "{described}");
        assert!(!described.contains("abcdef0123456789abcdef"), "{described}");
    }

    #[test]
    fn node_budget_bounds_exponential_fan_out() {
        // Each level refers to the next one ten times: 10^6 nodes if fully expanded.
        let mut schemas = Map::new();
        for level in 0..6 {
            let next = format!("#/s/L{}", level + 1);
            let props: Map<String, Value> = (0..10).map(|i| (format!("p{i}"), json!({"$ref": next}))).collect();
            schemas.insert(format!("L{level}"), json!({"type": "object", "properties": props}));
        }
        schemas.insert("L6".into(), json!({"type": "string"}));
        let doc = json!({"s": schemas});
        let mut resolver = Resolver::new(&doc, 32, 5_000, usize::MAX);
        let resolved = resolver.resolve_schema(&doc["s"]["L0"]);
        let text = resolved.to_string();
        assert!(text.contains(TRUNCATED_MARKER));
        assert!(text.len() < 5_000 * 64, "output should be bounded, got {} bytes", text.len());
        assert!(resolver.warnings.into_vec().iter().any(|w| w.contains("max_nodes")));
    }
}
