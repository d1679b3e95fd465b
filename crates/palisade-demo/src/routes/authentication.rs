//! Authentication: how the API reads credentials and issues and checks
//! tokens.
//!
//! - `GET /api/v1/resource`: reads the key from `X-API-Key` or the
//!   `api_key` query parameter (AU006), answers a missing key with a bare 401
//!   without `WWW-Authenticate` (AU008) and echoes a wrong key in its error
//!   (DE006).
//! - `GET /api/v1/token`: a public token endpoint (AU001, AU014) issuing an
//!   HS256 JWT signed with `secret` (AU003) that expires in 2100 (AU004),
//!   carries an SSN (AU005), has no `iss`/`aud` (AU010) and comes with a
//!   profile link holding the token in its query string (AU011); the token
//!   itself is DE001's and DE007's.
//! - `GET /api/v1/me`: verifies a bearer token and accepts `alg: none`
//!   (AU002) and expired tokens (AU013); both are probed with the user's own
//!   token (`--bearer`), so a default demo scan does not report them.
//!
//! AU001 (authentication not enforced) fires on every public route of the
//! other modules too. AU007, AU009 and AU012 (path-spelling bypasses, risky
//! JWT headers, Basic auth over HTTP) are tested on axum fixtures.
//!
//! The hardened twin reads the key from `X-API-Key` only and answers every
//! 401 with an `ApiKey` challenge, issues one-hour tokens with `iss` and
//! `aud` and a random secret to key holders only, and rejects unsigned or
//! expired tokens.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::app::{caller_key, error_json, header_str, json_response, text, Shared};
use crate::data::{self, REVOKED_KEY};
use crate::jwt;

/// The routes of this module, merged into the demo router.
pub(crate) fn routes() -> Router<Shared> {
    Router::new().route("/api/v1/resource", get(resource)).route("/api/v1/token", get(token)).route("/api/v1/me", get(me))
}

async fn resource(State(state): State<Shared>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        return json_response(StatusCode::OK, json!({"data": "sensitive"}));
    }
    let key = caller_key(&headers, &query);
    if key.is_empty() {
        return text(StatusCode::UNAUTHORIZED, "Unauthorized".into());
    }
    match data::key_by_secret(&key) {
        Some(REVOKED_KEY) => error_json(StatusCode::FORBIDDEN, &format!("invalid key '{key}' (revoked)")),
        Some(id) => json_response(StatusCode::OK, json!({"data": "sensitive", "key_id": data::key_id(id)})),
        None => error_json(StatusCode::UNAUTHORIZED, &format!("invalid key '{key}'")),
    }
}

async fn token(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
    }
    let mut claims = json!({"sub": "user-2", "name": "Bob Nguyen", "role": "user", "iat": 1_764_000_000, "exp": 4_102_444_800u64});
    if state.hardened {
        // Short-lived: one hour from now.
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        claims["iat"] = json!(now);
        claims["exp"] = json!(now + 3600);
        claims["iss"] = json!("palisade-demo");
        claims["aud"] = json!("palisade-demo-api");
    } else {
        // Regulated data readable by anyone holding the token (AU005's fixture).
        claims["ssn"] = json!("512-44-1232");
    }
    let token = jwt::sign_hs256(&claims, &state.jwt_secret);
    let mut body = json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600});
    if !state.hardened {
        // A ready-made link with the token in its query string (AU011's fixture).
        body["profile_url"] = json!(format!("/api/v1/me?access_token={token}"));
    }
    json_response(StatusCode::OK, body)
}

async fn me(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let bearer = header_str(&headers, "authorization").and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
    let claims = bearer.and_then(|t| jwt::verify(t.trim(), &state.jwt_secret, !state.hardened));
    match claims {
        Some(claims) => {
            let is_admin = claims.get("role").and_then(Value::as_str) == Some("admin");
            json_response(StatusCode::OK, json!({"claims": claims, "is_admin": is_admin}))
        }
        None => {
            let mut r = error_json(StatusCode::UNAUTHORIZED, "invalid or missing bearer token");
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"palisade-demo\", error=\"invalid_token\""));
            r
        }
    }
}
