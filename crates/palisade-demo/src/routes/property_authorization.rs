//! Broken object property-level authorization: which properties of an
//! object a client may read or write.
//!
//! - `POST /api/v1/signups`: registers an account and binds every property
//!   of the request body onto it, `role` and `is_admin` included (PA004,
//!   active mode only; RL004 in the spec). `GET` and `DELETE
//!   /api/v1/signups/{id}` read and remove accounts without credentials
//!   (AU001).
//!
//! The other property rules live with the routes that show them: PA001
//! (sensitive properties) is `GET /admin/users` ([`super::bfla`]), PA002
//! (undeclared response properties) is `GET /api/v1/users/{id}`
//! ([`super::bola`]), PA003 (privileged properties in a request schema) is
//! the spec of `POST /api/v1/keys` ([`crate::harden_spec_auth_and_input`]).
//!
//! The hardened twin requires the API key and stores only `username` and
//! `display_name` (every account has the `user` role).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde_json::{json, Map, Value};

use crate::app::{json_response, not_found_json, Shared};

/// Accounts kept per server; registrations beyond it are refused.
const MAX_ACCOUNTS: usize = 1000;
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
        .route("/api/v1/signups", axum::routing::post(register))
        .route("/api/v1/signups/{id}", get(get_account).delete(delete_account))
        .layer(Extension(store))
}

// --------------------------------------------------------------- accounts

fn lock(store: &Store) -> std::sync::MutexGuard<'_, Accounts> {
    store.lock().unwrap_or_else(|e| e.into_inner())
}

async fn register(State(state): State<Shared>, Extension(store): Extension<Store>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    if state.hardened {
        if let Some(r) = state.key_required_failure(&headers) {
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
        if let Some(r) = state.key_required_failure(&headers) {
            return r;
        }
    }
    let record = id.parse::<u64>().ok().and_then(|id| lock(&store).records.get(&id).cloned());
    match record {
        Some(r) => json_response(StatusCode::OK, Value::Object(r)),
        None => not_found_json(),
    }
}

async fn delete_account(State(state): State<Shared>, Extension(store): Extension<Store>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if state.hardened {
        if let Some(r) = state.key_required_failure(&headers) {
            return r;
        }
    }
    if id.parse::<u64>().ok() == Some(BUILTIN_ACCOUNT) {
        return json_response(StatusCode::FORBIDDEN, json!({"error": "the built-in account cannot be deleted"}));
    }
    match id.parse::<u64>().ok().and_then(|id| lock(&store).records.remove(&id)) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => not_found_json(),
    }
}
