//! Server-side request forgery: the API fetching, or sending the client to,
//! a URL the client chose.
//!
//! - `GET /api/v1/fetch?url=…`: fetches the URL and returns the upstream's
//!   status, headers and body (SS001 full-read). Only loopback is ever
//!   connected to ([`crate::fetch`]); the cloud metadata address answers a
//!   canned document (SS003, opt-in internal-address probes).
//! - `GET /redirect?next=…`: redirects to any target (SS002 open redirect).
//!
//! The hardened twin requires the API key and fetches nothing (no
//! destination is allowlisted), and only redirects to local paths.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::app::{error_json, html, json_response, Shared};
use crate::{fetch, pages};

/// The routes of this module, merged into the demo router.
pub(crate) fn routes() -> Router<Shared> {
    Router::new().route("/api/v1/fetch", get(fetch_url)).route("/redirect", get(redirect))
}

async fn fetch_url(State(state): State<Shared>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        // No allowlisted destinations: user-supplied URLs are never fetched.
        return error_json(StatusCode::BAD_REQUEST, "url not allowed");
    }
    let Some(url) = query.get("url") else {
        return error_json(StatusCode::BAD_REQUEST, "url parameter required");
    };
    match fetch::fetch_loopback(url).await {
        Ok(f) => {
            let upstream_headers: serde_json::Map<String, Value> = f.headers.into_iter().map(|(n, v)| (n, Value::String(v))).collect();
            json_response(StatusCode::OK, json!({"url": url, "status": f.status, "headers": upstream_headers, "body": f.body}))
        }
        Err(fetch::FetchError::NotLoopback) => {
            json_response(StatusCode::BAD_REQUEST, json!({"error": "this demo only fetches http URLs on loopback", "url": url}))
        }
        Err(fetch::FetchError::Upstream(e)) => json_response(StatusCode::BAD_GATEWAY, json!({"error": format!("upstream error: {e}"), "url": url})),
    }
}

async fn redirect(State(state): State<Shared>, Query(query): Query<HashMap<String, String>>) -> Response {
    let Some(next) = query.get("next").filter(|n| !n.is_empty()) else {
        return error_json(StatusCode::BAD_REQUEST, "next parameter required");
    };
    let local = next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") && !next.contains(['\r', '\n']);
    if state.hardened && !local {
        return error_json(StatusCode::BAD_REQUEST, "invalid redirect target");
    }
    match HeaderValue::from_str(next) {
        Ok(location) => {
            let body = format!("<p>Redirecting to <a href=\"{0}\">{0}</a>.</p>", pages::escape_html(next));
            let mut r = html(StatusCode::FOUND, body);
            r.headers_mut().insert(header::LOCATION, location);
            r
        }
        Err(_) => error_json(StatusCode::BAD_REQUEST, "invalid redirect target"),
    }
}
