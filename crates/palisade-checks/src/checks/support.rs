//! Helpers shared by checks of more than one category: labels and clipping
//! for finding text, the canary prefix, identifier word splitting, what
//! counts as an administrative operation, and id harvesting from lists.

use palisade_core::Endpoint;
use palisade_engine::triage::{concrete_path, state_changing_reason};
use palisade_engine::ScanContext;
use palisade_http::ProbeRequest;
use serde_json::Value;

/// `GET /api/v1/keys` for a request (path only; the query may hold secrets).
pub(crate) fn endpoint_label(request: &ProbeRequest) -> String {
    format!("{} {}", request.method, request.url.path())
}

/// First `max` characters of `s`, on a char boundary, with an ellipsis when cut.
pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// Every canary value we send starts with this, so our own probe values are
/// never reported as leaked secrets by [`ResponseScan`](crate::checks::data_exposure::responses::ResponseScan).
pub const CANARY_PREFIX: &str = "pal_canary_";

/// A name reduced to its lower-case ASCII letters and digits, so
/// `book_title`, `bookTitle` and `book-title` compare equal.
pub fn norm(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase()
}

/// Split `redirectUri`, `return_to`, `image-url` into lower-case words.
pub fn name_words(name: &str) -> Vec<String> {
    palisade_engine::triage::words(name)
}

/// Built-in administrative paths probed on every target.
pub const ADMIN_PATHS: &[&str] =
    &["/admin", "/admin/", "/admin/users", "/api/admin", "/api/admin/users", "/internal", "/api/internal", "/manage", "/management"];
/// Words that mark an operation as administrative (path segment, tag or operationId word).
const ADMIN_WORDS: &[&str] = &["admin", "administration", "internal", "manage", "management", "superuser", "staff", "backoffice"];

/// True when the spec names or tags the operation as administrative.
pub fn is_admin_operation(ep: &Endpoint) -> bool {
    let mut texts: Vec<&str> = vec![ep.path.as_str()];
    texts.extend(ep.tags.iter().map(String::as_str));
    texts.extend(ep.operation_id.as_deref());
    texts.iter().any(|t| name_words(t).iter().any(|w| ADMIN_WORDS.contains(&w.as_str())))
}

/// Where to look for administrative functions, at most `max`: the spec's
/// read-only admin operations first, then each [`ADMIN_PATHS`] entry the spec
/// does not already name. Each is `(label, path, relative)`, where a
/// relative path is under the target's base URL
/// ([`ScanContext::endpoint_url`]) and a built-in one is from its origin
/// ([`ScanContext::url_for`]).
pub fn admin_probe_targets(ctx: &ScanContext, max: usize) -> Vec<(String, String, bool)> {
    let mut targets: Vec<(String, String, bool)> = ctx
        .inventory
        .endpoints
        .iter()
        .filter(|e| e.method == "GET" && state_changing_reason(e).is_none() && is_admin_operation(e))
        .map(|e| (e.label(), concrete_path(e), true))
        .collect();
    for p in ADMIN_PATHS {
        let trimmed = p.trim_end_matches('/');
        if !targets.iter().any(|(_, path, _)| path.split('?').next().unwrap_or("").trim_end_matches('/') == trimmed) {
            targets.push((format!("GET {p}"), (*p).to_string(), false));
        }
    }
    targets.truncate(max);
    targets
}

/// Ids of the objects in a list response: a top-level array, or the first
/// array property, of objects carrying `field` (or `id`).
pub fn list_ids(body: &Value, field: &str) -> Vec<String> {
    let array = match body {
        Value::Array(a) => Some(a),
        Value::Object(m) => m.values().find_map(|v| v.as_array().filter(|a| a.iter().any(Value::is_object))),
        _ => None,
    };
    let mut ids = Vec::new();
    for item in array.into_iter().flatten() {
        let v = item.get(field).or_else(|| item.get("id"));
        match v {
            Some(Value::String(s)) if !s.is_empty() && s.len() <= 200 => ids.push(s.clone()),
            Some(Value::Number(n)) => ids.push(n.to_string()),
            _ => {}
        }
    }
    ids
}
