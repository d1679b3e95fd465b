//! Rate limiting and resource consumption: how much one request may ask
//! for or send.
//!
//! - `GET /api/v1/users?limit=…`: honours any page size, 100 000 included
//!   (RL002; the users' SSNs and phone numbers are DE002's; AU001), and
//!   crashes into a Werkzeug debugger page on a non-numeric `limit`.
//! - [`bound_request_schemas`]: the vulnerable spec declares no size bound on
//!   any JSON request body (RL004); the hardened spec bounds them all.
//!
//! RL001 (no rate limit at all) is the policy middleware's
//! ([`crate::app`]); RL003 (a list without pagination) is `GET /admin/users`
//! ([`super::bfla`]).
//!
//! The hardened twin requires the API key, caps pages at
//! [`HARDENED_MAX_LIMIT`], rejects a malformed `limit` with 400 and lists
//! minimal user records.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::app::{caller_key, error_json, html, json_response, parse_limit, Shared};
use crate::data::{self, COUNT};
use crate::pages;

/// Page-size cap of the hardened twin.
pub const HARDENED_MAX_LIMIT: usize = 100;
/// The vulnerable twin honours any `limit` a scanner is likely to send
/// (100 000 included); this silent ceiling only keeps the demo's memory bounded.
const VULNERABLE_LIMIT_CEILING: usize = 200_000;

/// The routes of this module, merged into the demo router.
pub(crate) fn routes() -> Router<Shared> {
    Router::new().route("/api/v1/users", get(list_users))
}

async fn list_users(State(state): State<Shared>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        let limit = match parse_limit(&query) {
            Ok(l) => l.unwrap_or(20).min(HARDENED_MAX_LIMIT),
            Err(_) => return error_json(StatusCode::BAD_REQUEST, "invalid limit"),
        };
        let users: Vec<Value> = (1..=COUNT).take(limit).map(data::user_minimal).collect();
        return json_response(StatusCode::OK, json!({"users": users, "limit": limit}));
    }
    let limit = match parse_limit(&query) {
        Ok(l) => l.unwrap_or(20).min(VULNERABLE_LIMIT_CEILING),
        Err(raw) => {
            return html(
                StatusCode::INTERNAL_SERVER_ERROR,
                pages::limit_crash_page("list_users", &raw, &caller_key(&headers, &query), &state.debugger_secret),
            )
        }
    };
    // Built as text: a 100 000-row page stays a few MB without a Value tree.
    let mut body = String::from("{\"users\":[");
    for n in 1..=limit {
        if n > 1 {
            body.push(',');
        }
        if n <= COUNT as usize {
            body.push_str(&data::user_leaky(n as u32).to_string());
        } else {
            let _ = write!(body, "{{\"id\":{n},\"email\":\"user{n}@acme-corp.example\",\"name\":\"User {n}\",\"role\":\"user\"}}");
        }
    }
    let _ = write!(body, "],\"limit\":{limit}}}");
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Bounds used for the hardened spec's request schemas.
const MAX_STRING: u64 = 2000;
const MAX_ITEMS: u64 = 20;
const MAX_DEPTH: usize = 8;

/// The hardened spec bounds every JSON request body of every write operation:
/// strings get a `maxLength`, arrays a `maxItems`, objects
/// `additionalProperties: false` (RL004). Bounds already declared are kept.
pub(crate) fn bound_request_schemas(spec: &mut Value) {
    let Some(paths) = spec["paths"].as_object_mut() else { return };
    for ops in paths.values_mut() {
        let Some(ops) = ops.as_object_mut() else { continue };
        for (method, op) in ops.iter_mut() {
            if !matches!(method.as_str(), "post" | "put" | "patch" | "delete") {
                continue;
            }
            let Some(content) = op["requestBody"]["content"].as_object_mut() else { continue };
            for (ct, media) in content.iter_mut() {
                if ct.contains("json") {
                    bound(&mut media["schema"], 0);
                }
            }
        }
    }
}

fn bound(schema: &mut Value, depth: usize) {
    if depth > MAX_DEPTH || !schema.is_object() || schema.get("$ref").is_some() || schema.get("enum").is_some() {
        return;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema[key].as_array_mut() {
            for part in parts {
                bound(part, depth + 1);
            }
        }
    }
    let ty = schema["type"].as_str().map(str::to_string).unwrap_or_else(|| {
        if schema.get("properties").is_some() {
            "object".into()
        } else if schema.get("items").is_some() {
            "array".into()
        } else {
            String::new()
        }
    });
    match ty.as_str() {
        "string" if schema.get("maxLength").is_none() => schema["maxLength"] = json!(MAX_STRING),
        "array" => {
            if schema.get("maxItems").is_none() {
                schema["maxItems"] = json!(MAX_ITEMS);
            }
            bound(&mut schema["items"], depth + 1);
        }
        "object" => {
            if schema.get("maxProperties").is_none() {
                schema["additionalProperties"] = Value::Bool(false);
            }
            if let Some(props) = schema["properties"].as_object_mut() {
                for sub in props.values_mut() {
                    bound(sub, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_schemas_are_bounded_and_existing_bounds_kept() {
        let mut spec = json!({"paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": {
            "type": "object",
            "properties": {"a": {"type": "string", "maxLength": 5}, "b": {"type": "array", "items": {"type": "string"}}}
        }}}}}, "get": {"requestBody": {"content": {"application/json": {"schema": {"type": "string"}}}}}}}});
        bound_request_schemas(&mut spec);
        let s = &spec["paths"]["/x"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["properties"]["a"]["maxLength"], 5);
        assert_eq!(s["properties"]["b"]["maxItems"], MAX_ITEMS);
        assert_eq!(s["properties"]["b"]["items"]["maxLength"], MAX_STRING);
        assert!(spec["paths"]["/x"]["get"]["requestBody"]["content"]["application/json"]["schema"].get("maxLength").is_none());
    }
}
