//! Broken function-level authorization: privileged functions reachable by
//! callers who should not reach them.
//!
//! - `GET /admin/users`: the admin user list, public (BF002, AU001), with
//!   password hashes and admin flags (PA001; DE001 password-hash, DE007) and
//!   no pagination (RL003).
//! - `GET /api/v1/cache/purge`: a state-changing GET anyone may call
//!   (BF001).
//! - `GET /api/v1/staff/audit`: the admin audit log, which checks that the
//!   key is valid but not its role, so a `user` key
//!   ([`crate::DemoServer::user_key`]) reads it (BF003, with the admin key
//!   and a user key as two identities).
//!
//! The hardened twin requires the API key everywhere, answers 403 on
//! `/admin/users` (the demo key is a service key, not an administrator) and
//! serves the audit log to administrators only.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::app::{error_json, json_response, key_required, AppState, Shared};
use crate::data::{self, COUNT};
use crate::fake;

/// The routes of this module, merged into the demo router.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/admin/users", get(admin_users))
        .route("/api/v1/cache/purge", get(purge_cache))
        .route("/api/v1/staff/audit", get(admin_audit))
}

async fn admin_users(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        // The demo key is a service key, not an administrator.
        return error_json(StatusCode::FORBIDDEN, "forbidden");
    }
    let users: Vec<Value> = (1..=COUNT).map(data::admin_user).collect();
    json_response(StatusCode::OK, json!({"users": users}))
}

/// A state-changing GET (BF001's fixture): public in the vulnerable twin,
/// behind the API key in the hardened one. Purging is a no-op here.
async fn purge_cache(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if state.hardened {
        if let Some(denied) = state.auth_failure(&headers) {
            return denied;
        }
    }
    json_response(StatusCode::OK, json!({"purged": true}))
}

/// A key with the `user` role: the vulnerable twin's stored key 2, or one
/// derived from the hardened twin's random admin key.
pub(crate) fn user_key(state: &AppState) -> String {
    if state.hardened {
        fake::hex64(&format!("user-key/{}", state.api_key))
    } else {
        data::raw_key(2)
    }
}

/// The role a key grants, if it is valid.
fn key_role(state: &AppState, headers: &HeaderMap) -> Option<&'static str> {
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok()).map(str::trim)?;
    if key == state.api_key {
        return Some("admin");
    }
    let user = if state.hardened { key == user_key(state) } else { data::key_by_secret(key).is_some() };
    user.then_some("user")
}

/// Admin-only. The vulnerable twin checks that the key is valid, not its role.
async fn admin_audit(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let Some(role) = key_role(&state, &headers) else {
        return key_required();
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
