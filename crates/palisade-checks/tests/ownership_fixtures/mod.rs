//! The one ownership fixture written in Rust (axum): a billing API whose
//! objects are addressed by the caller's own account id, which only the
//! caller's `whoami` reveals.
//!
//! - Auth: a session cookie, `Cookie: sid=<session>` ([`ALICE_SID`],
//!   [`BOB_SID`], [`CAROL_SID`]); anything else is
//!   `401 {"error": {"code": "unauthenticated", ...}}`.
//! - `GET /v2/whoami` → `{"account": {"uuid": "...", "display_name": "..."}}`.
//! - `GET /v2/accounts/{account_uuid}` → the account (`uuid`, `email`, `plan`,
//!   `iban`). **Missing from the spec.**
//! - `GET /v2/accounts/{account_uuid}/invoices` → `{"account_uuid", "invoices": [...]}`.
//! - `GET /v2/accounts/{account_uuid}/deactivate` → deactivates the account
//!   (every later request for it answers 410): a state-changing GET a scanner
//!   must never call.
//! - `GET /openapi.json`: a partial spec (whoami, invoices, deactivate;
//!   cookie auth declared).
//!
//! Nothing lists accounts: the only way to learn bob's uuid is bob's own
//! whoami. Vulnerable ([`serve`] with `fixed = false`): any signed-in caller
//! reads any account and its invoices by uuid. Fixed: another caller's
//! account answers `403 {"error": {"code": "forbidden", ...}}`.
//!
//! Every request is logged with the identity the server derived from its
//! cookie (`anonymous` without one), as [`palisade_testkit::Caller`]s.

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use palisade_testkit::Caller;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub const ALICE_SID: &str = "s1.9c2e7b41d0a84f6a8e3b5c7d9f1a2b4c";
pub const BOB_SID: &str = "s1.4a7d1e90b3c24e8f9a6b2c8d0e4f6a1b";
pub const CAROL_SID: &str = "s1.e1f3a5c7b9d04261a8c6e4f2d0b9a7c5";

pub const ALICE_UUID: &str = "3f6c2a1e-8b7d-4c5e-9a0f-1d2e3b4c5a6f";
pub const BOB_UUID: &str = "a9e8d7c6-b5a4-4392-8170-6f5e4d3c2b1a";
pub const CAROL_UUID: &str = "5b1d9e3f-7a2c-4e6b-8d0f-2c4a6e8b0d1f";

/// Paths a scanner must never request (state-changing GETs).
pub const TRAPS: &[&str] = &["/deactivate"];

struct Account {
    owner: &'static str,
    uuid: &'static str,
    display_name: &'static str,
    email: &'static str,
    iban: &'static str,
    invoices: Value,
    active: bool,
}

struct App {
    fixed: bool,
    accounts: Mutex<Vec<Account>>,
    log: Arc<Mutex<Vec<Caller>>>,
}

/// The request log of a running fixture.
#[derive(Clone)]
pub struct Log(Arc<Mutex<Vec<Caller>>>);

impl Log {
    pub fn callers(&self) -> Vec<Caller> {
        self.0.lock().unwrap().clone()
    }
}

fn sessions() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([(ALICE_SID, "alice"), (BOB_SID, "bob"), (CAROL_SID, "carol")])
}

fn session_user(headers: &HeaderMap) -> Option<&'static str> {
    let cookies = headers.get_all("cookie").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join("; ");
    let sid = cookies.split(';').filter_map(|c| c.trim().strip_prefix("sid=")).next()?;
    sessions().get(sid).copied()
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"error": {"code": code, "message": message}}))).into_response()
}

fn unauthenticated() -> Response {
    error(StatusCode::UNAUTHORIZED, "unauthenticated", "Sign in first.")
}

fn initial_accounts() -> Vec<Account> {
    let invoices = |prefix: &str, amounts: &[u64]| {
        Value::Array(
            amounts
                .iter()
                .enumerate()
                .map(|(i, a)| json!({"number": format!("INV-2026-{prefix}{:02}", i + 1), "amount_cents": a, "status": "paid"}))
                .collect(),
        )
    };
    vec![
        Account {
            owner: "alice",
            uuid: ALICE_UUID,
            display_name: "Alice Martin",
            email: "alice@example.org",
            iban: "FR76 3000 6000 0112 3456 7890 189",
            invoices: invoices("A", &[4_900, 4_900, 12_000]),
            active: true,
        },
        Account {
            owner: "bob",
            uuid: BOB_UUID,
            display_name: "Bob Keller",
            email: "bob@example.org",
            iban: "DE89 3704 0044 0532 0130 00",
            invoices: invoices("B", &[990]),
            active: true,
        },
        Account {
            owner: "carol",
            uuid: CAROL_UUID,
            display_name: "Carol Nunes",
            email: "carol@example.org",
            iban: "PT50 0002 0123 1234 5678 9015 4",
            invoices: invoices("C", &[15_000, 2_500]),
            active: true,
        },
    ]
}

fn spec() -> Value {
    let uuid_param = json!({"name": "account_uuid", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}});
    let secured = json!([{"session": []}]);
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Billing API", "version": "2.0.0"},
        "components": {"securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "sid"}}},
        "security": secured,
        "paths": {
            "/v2/whoami": {"get": {"operationId": "whoami", "summary": "The signed-in account", "responses": {"200": {"description": "ok"}}}},
            "/v2/accounts/{account_uuid}/invoices": {"get": {
                "operationId": "listInvoices", "summary": "Invoices of an account",
                "parameters": [uuid_param.clone()], "responses": {"200": {"description": "ok"}, "403": {"description": "not yours"}}
            }},
            "/v2/accounts/{account_uuid}/deactivate": {"get": {
                "operationId": "deactivateAccount", "summary": "Deactivate the account",
                "parameters": [uuid_param], "responses": {"200": {"description": "deactivated"}}
            }}
        }
    })
}

async fn log_caller(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let identity = session_user(req.headers()).unwrap_or("anonymous").to_string();
    let target = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| req.uri().path().to_string());
    app.log.lock().unwrap().push(Caller { method: req.method().to_string(), target, identity });
    next.run(req).await
}

async fn whoami(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let Some(user) = session_user(&headers) else { return unauthenticated() };
    let accounts = app.accounts.lock().unwrap();
    let a = accounts.iter().find(|a| a.owner == user).unwrap();
    Json(json!({"account": {"uuid": a.uuid, "display_name": a.display_name}})).into_response()
}

/// An error to answer: status, code, message.
type Refusal = (StatusCode, &'static str, &'static str);

/// The account `uuid` if `user` may see it, else why not.
fn visible<'a>(app: &App, accounts: &'a [Account], user: &str, uuid: &str) -> Result<&'a Account, Refusal> {
    let Some(a) = accounts.iter().find(|a| a.uuid == uuid) else { return Err((StatusCode::NOT_FOUND, "not_found", "No such account.")) };
    if app.fixed && a.owner != user {
        return Err((StatusCode::FORBIDDEN, "forbidden", "You do not have access to this account."));
    }
    if !a.active {
        return Err((StatusCode::GONE, "deactivated", "This account was deactivated."));
    }
    Ok(a)
}

async fn account(State(app): State<Arc<App>>, Path(uuid): Path<String>, headers: HeaderMap) -> Response {
    let Some(user) = session_user(&headers) else { return unauthenticated() };
    let accounts = app.accounts.lock().unwrap();
    match visible(&app, &accounts, user, &uuid) {
        Ok(a) => Json(json!({"uuid": a.uuid, "display_name": a.display_name, "email": a.email, "plan": "pro", "iban": a.iban})).into_response(),
        Err((status, code, message)) => error(status, code, message),
    }
}

async fn invoices(State(app): State<Arc<App>>, Path(uuid): Path<String>, headers: HeaderMap) -> Response {
    let Some(user) = session_user(&headers) else { return unauthenticated() };
    let accounts = app.accounts.lock().unwrap();
    match visible(&app, &accounts, user, &uuid) {
        Ok(a) => Json(json!({"account_uuid": a.uuid, "invoices": a.invoices})).into_response(),
        Err((status, code, message)) => error(status, code, message),
    }
}

async fn deactivate(State(app): State<Arc<App>>, Path(uuid): Path<String>, headers: HeaderMap) -> Response {
    let Some(user) = session_user(&headers) else { return unauthenticated() };
    let mut accounts = app.accounts.lock().unwrap();
    match accounts.iter_mut().find(|a| a.uuid == uuid && a.owner == user) {
        Some(a) => {
            a.active = false;
            Json(json!({"uuid": a.uuid, "status": "deactivated"})).into_response()
        }
        None => error(StatusCode::FORBIDDEN, "forbidden", "You do not have access to this account."),
    }
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "No such route.")
}

/// Serves the billing API on 127.0.0.1; returns its base URL, its request
/// log and the server task (abort it when done).
pub async fn serve(fixed: bool) -> (String, Log, tokio::task::JoinHandle<()>) {
    let log: Arc<Mutex<Vec<Caller>>> = Arc::default();
    let app = Arc::new(App { fixed, accounts: Mutex::new(initial_accounts()), log: log.clone() });
    let router = Router::new()
        .route("/openapi.json", get(|| async { Json(spec()) }))
        .route("/v2/whoami", get(whoami))
        .route("/v2/accounts/{account_uuid}", get(account))
        .route("/v2/accounts/{account_uuid}/invoices", get(invoices))
        .route("/v2/accounts/{account_uuid}/deactivate", get(deactivate))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(app.clone(), log_caller))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}"), Log(log), handle)
}
