//! Data exposure: responses that carry secrets, debug output and internal
//! details, the seed's Flask API-key leaks among them.
//!
//! - `GET /api/v1/keys`: every stored key in full with the integrations'
//!   secrets (DE001, DE007; AU001), and with a non-numeric `limit` a Werkzeug
//!   debugger page holding the caller's key (DE003, DE004 server-file-path,
//!   DE006).
//! - `POST /api/v1/keys`: the raw key in the creation response (DE008; the
//!   spec's request schema is PA003's and RL004's fixture).
//! - `GET /api/v1/resource/debug`: a crash page with the caller's key
//!   (DE001, DE003, DE004, DE006).
//! - `GET /console`: the Werkzeug interactive console (DE005, DE003, DE001,
//!   DE007).
//! - `GET /.env`: the deployment's environment file (DE001, DE005, DE007).
//!
//! The hardened twin requires the API key, lists masked key records with a
//! bounded page size, answers a creation with the key id only, and serves
//! neither the debug surfaces nor the environment file (404).

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::app::{caller_key, error_json, html, json_response, not_found_json, parse_limit, text, Shared};
use crate::data::{self, COUNT};
use crate::routes::rate_limiting::HARDENED_MAX_LIMIT;
use crate::{fake, pages};

/// The routes of this module, merged into the demo router.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/console", get(console))
        .route("/api/v1/keys", get(list_keys).post(create_key))
        .route("/api/v1/resource/debug", get(resource_debug))
        .route("/.env", get(dotenv))
}

async fn console(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    html(StatusCode::OK, pages::werkzeug_console(&state.debugger_secret))
}

async fn create_key(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let n = state.created_keys.fetch_add(1, Ordering::Relaxed);
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        let key_id = format!("ak_live_{}", &fake::hex64(&format!("created-id/{n}"))[..6]);
        return json_response(StatusCode::CREATED, json!({"key_id": key_id, "message": "Key created"}));
    }
    // The seed's flaw, verbatim: the raw key in the creation response.
    json_response(
        StatusCode::CREATED,
        json!({"key": fake::hex64(&format!("created/{n}")), "key_id": "ak_live_abc123", "message": "Key created successfully"}),
    )
}

async fn list_keys(State(state): State<Shared>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        let limit = match parse_limit(&query) {
            Ok(l) => l.unwrap_or(20).min(HARDENED_MAX_LIMIT),
            Err(_) => return error_json(StatusCode::BAD_REQUEST, "invalid limit"),
        };
        let keys: Vec<Value> = (1..=COUNT).take(limit).map(data::key_record_masked).collect();
        return json_response(StatusCode::OK, json!({"keys": keys}));
    }
    let limit = match parse_limit(&query) {
        Ok(l) => l.unwrap_or(20),
        Err(raw) => {
            return html(
                StatusCode::INTERNAL_SERVER_ERROR,
                pages::limit_crash_page("list_keys", &raw, &caller_key(&headers, &query), &state.debugger_secret),
            )
        }
    };
    let keys: Vec<Value> = (1..=COUNT).take(limit).map(data::key_record_leaky).collect();
    json_response(StatusCode::OK, json!({"count": keys.len(), "keys": keys, "integrations": data::integrations()}))
}

async fn resource_debug(State(state): State<Shared>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    html(StatusCode::INTERNAL_SERVER_ERROR, pages::resource_crash_page(&caller_key(&headers, &query), &state.debugger_secret))
}

async fn dotenv(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    text(StatusCode::OK, data::dotenv())
}
