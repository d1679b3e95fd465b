//! Broken object-level authorization: objects addressed by guessable ids.
//!
//! - `GET /api/v1/keys/{id}` and `GET /api/v1/users/{id}`: records addressed
//!   by sequential integers, readable without credentials (BO001, AU001); key
//!   records carry the raw key (DE001, DE007), user records an SSN and phone
//!   number (DE002) and properties the spec does not declare (PA002).
//! - `GET /api/v1/vault/documents/{id}`: a document store routed on the raw
//!   path, then percent-decoding the id twice, dropping `;` matrix parameters
//!   and folding `..` (like a proxy in front of a framework that decodes
//!   again), so `2/..%2f1` reads document 1 (BO003; BO001, AU001).
//!   `GET /api/v1/vault/documents` lists them.
//!
//! BO002 (cross-identity access) needs two identities and is tested on an
//! axum fixture. The hardened twin requires the API key, addresses every
//! object by a UUID, returns masked or minimal records and accepts only an
//! exact document id (nothing is decoded).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::app::{error_json, json_response, not_found_json, Shared};
use crate::data::{self, COUNT};
use crate::fake;

/// Where the document store is mounted.
const DOCUMENTS: &str = "/api/v1/vault/documents";
/// Documents: (title, owner team).
const DOCS: &[(&str, &str)] = &[("Release checklist", "platform"), ("Incident review 2024-03", "security"), ("Pricing draft", "sales")];

/// The routes of this module, merged into the demo router.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/keys/{id}", get(get_key))
        .route("/api/v1/users/{id}", get(get_user))
        .route(DOCUMENTS, get(list_documents))
        .route("/api/v1/vault/documents/{*rest}", get(get_document))
}

// ---------------------------------------------------------- keys and users

/// The record number behind a hardened twin's UUID (`kind` is `key` or `user`).
fn hardened_index(kind: &str, id: &str) -> Option<u32> {
    (1..=COUNT).find(|i| fake::uuid(&format!("{kind}/{i}")) == id)
}

async fn get_key(State(state): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        return match hardened_index("key", &id) {
            Some(i) => json_response(StatusCode::OK, data::key_record_masked(i)),
            None => not_found_json(),
        };
    }
    match id.parse::<u32>() {
        Ok(i) if (1..=COUNT).contains(&i) => json_response(StatusCode::OK, data::key_record_leaky(i)),
        _ => json_response(StatusCode::NOT_FOUND, json!({"error": format!("key {id} not found"), "store": "/srv/app/keys/store.py"})),
    }
}

async fn get_user(State(state): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        return match hardened_index("user", &id) {
            Some(i) => json_response(StatusCode::OK, data::user_minimal(i)),
            None => not_found_json(),
        };
    }
    match id.parse::<u32>() {
        Ok(i) if (1..=COUNT).contains(&i) => json_response(StatusCode::OK, data::user_leaky(i)),
        _ => error_json(StatusCode::NOT_FOUND, &format!("user {id} not found")),
    }
}

// ------------------------------------------------------------- documents

fn document_id(hardened: bool, n: usize) -> Value {
    if hardened {
        Value::String(fake::uuid(&format!("document/{n}")))
    } else {
        json!(n)
    }
}

fn document(hardened: bool, n: usize) -> Option<Value> {
    let (title, owner) = DOCS.get(n.checked_sub(1)?)?;
    Some(json!({"id": document_id(hardened, n), "title": title, "owner": owner, "revision": n * 3}))
}

async fn list_documents(State(state): State<Shared>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    if state.hardened {
        if let Some(r) = state.key_required_failure(&headers) {
            return r;
        }
    }
    let limit = match query.get("limit").map(|l| l.parse::<usize>()) {
        None => 20,
        Some(Ok(l)) if (1..=100).contains(&l) => l,
        Some(_) => return json_response(StatusCode::BAD_REQUEST, json!({"error": "limit must be 1-100"})),
    };
    let docs: Vec<Value> = (1..=DOCS.len()).take(limit).filter_map(|n| document(state.hardened, n)).collect();
    json_response(StatusCode::OK, json!({"documents": docs}))
}

/// Percent-decode once; invalid escapes stay as they are.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The vulnerable resolution of the raw path after the mount point: decode
/// twice, `\` as `/`, drop `;params`, fold `.` and `..`. `None` when it does
/// not come down to exactly one id.
fn vulnerable_resolve(raw_tail: &str) -> Option<String> {
    let decoded = percent_decode(&percent_decode(raw_tail)).replace('\\', "/");
    let mut stack: Vec<&str> = Vec::new();
    for seg in decoded.split('/') {
        let seg = seg.split(';').next().unwrap_or("");
        match seg {
            "" | "." => {}
            ".." => {
                stack.pop()?;
            }
            s => stack.push(s),
        }
    }
    match stack.as_slice() {
        [one] => Some((*one).to_string()),
        _ => None,
    }
}

async fn get_document(State(state): State<Shared>, headers: HeaderMap, uri: Uri) -> Response {
    // Routed on the raw path: the id is everything after the mount point.
    let raw_tail = uri.path().strip_prefix(DOCUMENTS).and_then(|t| t.strip_prefix('/')).unwrap_or("");
    if state.hardened {
        if let Some(r) = state.key_required_failure(&headers) {
            return r;
        }
        // Exactly one plain segment that is a known id; nothing is decoded.
        if raw_tail.is_empty() || raw_tail.contains(['/', '%', ';', '\\', '.']) {
            return not_found_json();
        }
        return match (1..=DOCS.len()).find(|n| fake::uuid(&format!("document/{n}")) == raw_tail) {
            Some(n) => document(true, n).map_or_else(not_found_json, |d| json_response(StatusCode::OK, d)),
            None => not_found_json(),
        };
    }
    match vulnerable_resolve(raw_tail).and_then(|id| id.parse::<usize>().ok()).and_then(|n| document(false, n)) {
        Some(d) => json_response(StatusCode::OK, d),
        None => not_found_json(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vulnerable_resolution_folds_encoded_traversal() {
        assert_eq!(vulnerable_resolve("1").as_deref(), Some("1"));
        for t in ["2/..%2f1", "2/%2e%2e%2f1", "2/..;/1", "2/..%252f1", "2%2f..%2f1", "2/..%5c1"] {
            assert_eq!(vulnerable_resolve(t).as_deref(), Some("1"), "{t}");
        }
        for t in ["2/palisade%2f1", "2/palisade;/1", "..", "../..", "", "1/2"] {
            assert_eq!(vulnerable_resolve(t), None, "{t}");
        }
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
