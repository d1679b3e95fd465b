//! The demo application: shared state, the helpers every route uses, the
//! policy middleware ([`policy`]) and [`router`], which merges the routes of
//! each scanner category ([`crate::routes`]). Every handler serves both twins
//! and branches on `state.hardened`, so the two stay route-for-route
//! identical.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::routes;
use crate::{data, fake, pages, RecordedRequest};

mod policy;

pub use policy::{RATE_LIMIT_PER_SECOND, REQUEST_LOG_CAPACITY};

/// Shared state of one demo server.
pub(crate) struct AppState {
    pub hardened: bool,
    /// The origin the server is reached at (`http://127.0.0.1:PORT`); the
    /// hardened twin's CORS allows only this one.
    pub self_origin: String,
    /// The key that authenticates (vulnerable: stored key 1; hardened: random).
    pub api_key: String,
    pub(crate) jwt_secret: Vec<u8>,
    pub(crate) debugger_secret: String,
    pub log: Mutex<VecDeque<RecordedRequest>>,
    rate: Mutex<HashMap<IpAddr, (Instant, u32)>>,
    pub(crate) created_keys: AtomicU64,
}

impl AppState {
    pub(crate) fn new(hardened: bool, self_origin: String) -> AppState {
        let (api_key, jwt_secret) =
            if hardened { (fake::random_hex64(), fake::random_hex64().into_bytes()) } else { (data::raw_key(1), b"secret".to_vec()) };
        AppState {
            hardened,
            self_origin,
            api_key,
            jwt_secret,
            debugger_secret: fake::hex64("debugger")[..20].to_string(),
            log: Mutex::new(VecDeque::new()),
            rate: Mutex::new(HashMap::new()),
            created_keys: AtomicU64::new(0),
        }
    }

    /// Hardened auth: the 401 to answer unless `X-API-Key` holds the one
    /// valid key (never read from the query string).
    pub(crate) fn auth_failure(&self, headers: &HeaderMap) -> Option<Response> {
        match header_str(headers, "x-api-key") {
            Some(key) if constant_time_eq(key.as_bytes(), self.api_key.as_bytes()) => None,
            Some(_) => Some(unauthorized("invalid credentials")),
            None => Some(unauthorized("authentication required")),
        }
    }

    /// Hardened auth of the vault, signup and audit routes: [`key_required`]
    /// unless `X-API-Key` holds the server's key.
    pub(crate) fn key_required_failure(&self, headers: &HeaderMap) -> Option<Response> {
        let key = headers.get("x-api-key").and_then(|v| v.to_str().ok()).map(str::trim).unwrap_or("");
        let ok = key.len() == self.api_key.len() && key.bytes().zip(self.api_key.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if ok {
            return None;
        }
        Some(key_required())
    }
}

pub(crate) type Shared = Arc<AppState>;

/// The full application: one router per scanner category, the fallback and
/// the policy middleware.
pub(crate) fn router(state: Shared) -> Router {
    Router::new()
        .merge(routes::inventory::routes())
        .merge(routes::data_exposure::routes())
        .merge(routes::authentication::routes())
        .merge(routes::bola::routes())
        .merge(routes::rate_limiting::routes())
        .merge(routes::bfla::routes())
        .merge(routes::ssrf::routes())
        .merge(routes::unsafe_consumption::routes())
        .merge(routes::llm::routes())
        .merge(routes::input_validation::routes())
        .merge(routes::property_authorization::routes())
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(state.clone(), policy::policy))
        .with_state(state)
}

/// Unknown paths: Flask's own 404 page on the vulnerable twin.
async fn fallback(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    html(StatusCode::NOT_FOUND, pages::FLASK_NOT_FOUND.to_string())
}

// ---------------------------------------------------------------- helpers

pub(crate) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

pub(crate) fn error_json(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({"error": message}))
}

/// 401 with an `ApiKey` challenge naming the `X-API-Key` header.
pub(crate) fn unauthorized(message: &str) -> Response {
    let mut response = error_json(StatusCode::UNAUTHORIZED, message);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("ApiKey realm=\"palisade-demo\", header=\"X-API-Key\""));
    response
}

/// 401 "authentication required" with a realm-only `ApiKey` challenge (the
/// vault, signup and audit routes).
pub(crate) fn key_required() -> Response {
    let mut r = json_response(StatusCode::UNAUTHORIZED, json!({"error": "authentication required"}));
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("ApiKey realm=\"palisade-demo\""));
    r
}

pub(crate) fn not_found_json() -> Response {
    error_json(StatusCode::NOT_FOUND, "not found")
}

pub(crate) fn html(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

pub(crate) fn text(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// Inserts a header, skipping values that are not valid header text.
pub(crate) fn set(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), v);
    }
}

/// The caller's key as the vulnerable app reads it: header, then query.
pub(crate) fn caller_key(headers: &HeaderMap, query: &HashMap<String, String>) -> String {
    header_str(headers, "x-api-key").map(str::to_string).or_else(|| query.get("api_key").cloned()).unwrap_or_default()
}

/// Parses `limit`: `Ok(None)` when absent, `Err` with the raw text when not a number.
pub(crate) fn parse_limit(query: &HashMap<String, String>) -> Result<Option<usize>, String> {
    match query.get("limit") {
        None => Ok(None),
        Some(raw) => raw.trim().parse::<usize>().map(Some).map_err(|_| raw.clone()),
    }
}
