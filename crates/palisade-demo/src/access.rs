//! Access-control demo routes: a document store whose ids are resolved after
//! a second decoding (path traversal in an id, BO003), an account
//! registration that binds the whole request body onto the stored account
//! (mass assignment, PA004), and an admin audit log any valid key may read
//! (function-level authorization by role, BF003: the admin key and a user key
//! from [`crate::DemoServer::user_key`]).
//!
//! The vulnerable twin routes on the raw path, then percent-decodes the id
//! twice, drops `;` matrix parameters and folds `..` (like a proxy in front of
//! a framework that decodes again), and stores every property a client sends.
//! The hardened twin requires the API key, accepts only an exact id, and
//! stores only `username` and `display_name`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Map, Value};

use crate::app::AppState;
use crate::fake;

type Shared = Arc<AppState>;

/// Where the document store is mounted.
const DOCUMENTS: &str = "/api/v1/vault/documents";
/// Documents: (title, owner team).
const DOCS: &[(&str, &str)] = &[("Release checklist", "platform"), ("Incident review 2024-03", "security"), ("Pricing draft", "sales")];
/// Accounts kept per server; registrations beyond it are refused.
pub(crate) const MAX_ACCOUNTS: usize = 1000;
/// The account every server starts with.
const BUILTIN_ACCOUNT: u64 = 1;
/// Properties of one vulnerable registration that are bound (the rest are dropped).
const MAX_BOUND_PROPERTIES: usize = 20;

/// Accounts registered on one server.
#[derive(Default)]
pub(crate) struct Accounts {
    next: u64,
    records: BTreeMap<u64, Map<String, Value>>,
}

type Store = Arc<Mutex<Accounts>>;

/// The routes of this module, merged into the demo router.
pub(crate) fn routes() -> Router<Shared> {
    // Account 1 is built in (so every documented operation answers) and cannot be deleted.
    let builtin = json!({"id": BUILTIN_ACCOUNT, "username": "demo", "display_name": "Demo user", "role": "user"});
    let records = BTreeMap::from([(BUILTIN_ACCOUNT, builtin.as_object().cloned().unwrap_or_default())]);
    let store: Store = Arc::new(Mutex::new(Accounts { next: BUILTIN_ACCOUNT + 1, records }));
    Router::new()
        .route(DOCUMENTS, get(list_documents))
        .route("/api/v1/vault/documents/{*rest}", get(get_document))
        .route("/api/v1/signups", axum::routing::post(register))
        .route("/api/v1/signups/{id}", get(get_account).delete(delete_account))
        .route("/api/v1/staff/audit", get(admin_audit))
        .layer(Extension(store))
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn not_found() -> Response {
    json_response(StatusCode::NOT_FOUND, json!({"error": "not found"}))
}

/// Hardened auth: the 401 to answer unless `X-API-Key` holds the server's key.
fn auth_failure(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok()).map(str::trim).unwrap_or("");
    let ok = key.len() == state.api_key.len() && key.bytes().zip(state.api_key.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if ok {
        return None;
    }
    let mut r = json_response(StatusCode::UNAUTHORIZED, json!({"error": "authentication required"}));
    r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("ApiKey realm=\"palisade-demo\""));
    Some(r)
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
        if let Some(r) = auth_failure(&state, &headers) {
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
        if let Some(r) = auth_failure(&state, &headers) {
            return r;
        }
        // Exactly one plain segment that is a known id; nothing is decoded.
        if raw_tail.is_empty() || raw_tail.contains(['/', '%', ';', '\\', '.']) {
            return not_found();
        }
        return match (1..=DOCS.len()).find(|n| fake::uuid(&format!("document/{n}")) == raw_tail) {
            Some(n) => document(true, n).map_or_else(not_found, |d| json_response(StatusCode::OK, d)),
            None => not_found(),
        };
    }
    match vulnerable_resolve(raw_tail).and_then(|id| id.parse::<usize>().ok()).and_then(|n| document(false, n)) {
        Some(d) => json_response(StatusCode::OK, d),
        None => not_found(),
    }
}

// ------------------------------------------------------------ admin audit

/// A key with the `user` role: the vulnerable twin's stored key 2, or one
/// derived from the hardened twin's random admin key.
pub(crate) fn user_key(state: &AppState) -> String {
    if state.hardened {
        fake::hex64(&format!("user-key/{}", state.api_key))
    } else {
        crate::data::raw_key(2)
    }
}

/// The role a key grants, if it is valid.
fn key_role(state: &AppState, headers: &HeaderMap) -> Option<&'static str> {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok()).map(str::trim)?;
    if key == state.api_key {
        return Some("admin");
    }
    let user = if state.hardened { key == user_key(state) } else { crate::data::key_by_secret(key).is_some() };
    user.then_some("user")
}

/// Admin-only. The vulnerable twin checks that the key is valid, not its role.
async fn admin_audit(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let Some(role) = key_role(&state, &headers) else {
        let mut r = json_response(StatusCode::UNAUTHORIZED, json!({"error": "authentication required"}));
        r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("ApiKey realm=\"palisade-demo\""));
        return r;
    };
    if state.hardened && role != "admin" {
        return json_response(StatusCode::FORBIDDEN, json!({"error": "administrators only"}));
    }
    json_response(
        StatusCode::OK,
        json!({"events": [
            {"id": 1, "action": "key.rotate", "actor": "svc-billing", "at": "2024-05-01T10:00:00Z"},
            {"id": 2, "action": "user.disable", "actor": "ops-oncall", "at": "2024-05-02T08:30:00Z"}
        ]}),
    )
}

// --------------------------------------------------------------- accounts

fn lock(store: &Store) -> std::sync::MutexGuard<'_, Accounts> {
    store.lock().unwrap_or_else(|e| e.into_inner())
}

async fn register(State(state): State<Shared>, Extension(store): Extension<Store>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    if state.hardened {
        if let Some(r) = auth_failure(&state, &headers) {
            return r;
        }
    }
    let Ok(Value::Object(input)) = serde_json::from_slice::<Value>(&body) else {
        return json_response(StatusCode::BAD_REQUEST, json!({"error": "expected a JSON object"}));
    };
    let Some(username) = input.get("username").and_then(Value::as_str).filter(|u| !u.is_empty() && u.len() <= 64) else {
        return json_response(StatusCode::UNPROCESSABLE_ENTITY, json!({"error": "username is required (1-64 characters)"}));
    };
    let display = input.get("display_name").and_then(Value::as_str).unwrap_or(username).chars().take(64).collect::<String>();
    let mut record = Map::new();
    record.insert("username".into(), json!(username));
    record.insert("display_name".into(), json!(display));
    record.insert("role".into(), json!("user"));
    if !state.hardened {
        // The flaw: every property of the request is bound onto the account.
        for (k, v) in input.iter().filter(|(k, _)| k.as_str() != "id").take(MAX_BOUND_PROPERTIES) {
            let bounded = match v {
                Value::String(s) => Value::String(s.chars().take(256).collect()),
                Value::Array(_) | Value::Object(_) if v.to_string().len() > 1024 => continue,
                other => other.clone(),
            };
            record.insert(k.clone(), bounded);
        }
    }
    let mut accounts = lock(&store);
    if accounts.records.len() >= MAX_ACCOUNTS {
        return json_response(StatusCode::INSUFFICIENT_STORAGE, json!({"error": "too many accounts"}));
    }
    let id = accounts.next;
    accounts.next += 1;
    record.insert("id".into(), json!(id));
    accounts.records.insert(id, record.clone());
    drop(accounts);
    let mut r = json_response(StatusCode::CREATED, Value::Object(record));
    if let Ok(v) = header::HeaderValue::from_str(&format!("/api/v1/signups/{id}")) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

async fn get_account(State(state): State<Shared>, Extension(store): Extension<Store>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if state.hardened {
        if let Some(r) = auth_failure(&state, &headers) {
            return r;
        }
    }
    let record = id.parse::<u64>().ok().and_then(|id| lock(&store).records.get(&id).cloned());
    match record {
        Some(r) => json_response(StatusCode::OK, Value::Object(r)),
        None => not_found(),
    }
}

async fn delete_account(State(state): State<Shared>, Extension(store): Extension<Store>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if state.hardened {
        if let Some(r) = auth_failure(&state, &headers) {
            return r;
        }
    }
    if id.parse::<u64>().ok() == Some(BUILTIN_ACCOUNT) {
        return json_response(StatusCode::FORBIDDEN, json!({"error": "the built-in account cannot be deleted"}));
    }
    match id.parse::<u64>().ok().and_then(|id| lock(&store).records.remove(&id)) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => not_found(),
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
