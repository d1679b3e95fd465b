//! A well-behaved API of N operations on 127.0.0.1, for coverage tests: a
//! generated OpenAPI 3 spec at `/openapi.json` and a log of every request
//! the server received (method, path, who sent it), read from the server's
//! side, never from our report.
//!
//! The operations come in groups of seven per resource (`/orders3`,
//! `/users3`, ...): list `GET /r` (with a `limit` query parameter), detail
//! `GET /r/{id}`, nested `GET /r/{id}/parts` and `GET /r/{id}/parts/{part}`,
//! and three writes, `POST /r`, `PUT /r/{id}`, `DELETE /r/{id}`, that a
//! read-only scan must never call. Every third resource declares bearer
//! auth. The spec is cut at exactly N operations.

#![allow(dead_code)]

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

const NAMES: &[&str] = &["orders", "users", "widgets", "invoices", "projects", "reports", "devices", "teams", "notes", "tickets"];

/// One request the server received.
#[derive(Clone, Debug)]
pub struct Logged {
    pub method: String,
    pub path: String,
    /// `anonymous`, or the bearer token's value (the identity's name in these tests).
    pub who: String,
}

/// One operation of the generated spec.
#[derive(Clone, Debug)]
pub struct Op {
    pub method: &'static str,
    pub template: String,
}

impl Op {
    pub fn is_write(&self) -> bool {
        !matches!(self.method, "GET" | "HEAD" | "OPTIONS")
    }

    /// Whether `method path` (as received) is a request for this operation.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = method == self.method || (method == "HEAD" && self.method == "GET");
        let (t, p): (Vec<&str>, Vec<&str>) = (self.template.split('/').collect(), path.split('/').collect());
        method_ok && t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t.starts_with('{') && !p.is_empty() || t == p)
    }
}

/// The first `n` operations of the generated API.
pub fn operations(n: usize) -> Vec<Op> {
    let mut ops = Vec::with_capacity(n);
    for k in 0.. {
        let r = format!("/{}{}", NAMES[k % NAMES.len()], k / NAMES.len());
        let group = [
            ("GET", r.clone()),
            ("GET", format!("{r}/{{id}}")),
            ("GET", format!("{r}/{{id}}/parts")),
            ("GET", format!("{r}/{{id}}/parts/{{part}}")),
            ("POST", r.clone()),
            ("PUT", format!("{r}/{{id}}")),
            ("DELETE", format!("{r}/{{id}}")),
        ];
        for (method, template) in group {
            if ops.len() == n {
                return ops;
            }
            ops.push(Op { method, template });
        }
    }
    ops
}

/// The OpenAPI 3 document for `ops`.
pub fn spec(ops: &[Op]) -> Value {
    let mut paths: BTreeMap<String, serde_json::Map<String, Value>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        let resource = op.template.split('/').nth(1).unwrap_or("");
        let secured = (i / 7) % 3 == 0;
        let mut params: Vec<Value> = op
            .template
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer", "example": 7}}))
            .collect();
        let (summary, body) = match op.method {
            "GET" if !op.template.ends_with('}') && !op.template.ends_with("parts") => {
                params.push(json!({"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "maximum": 100}}));
                (format!("List {resource}"), None)
            }
            "GET" => (format!("Get one of {resource}"), None),
            "POST" => (
                format!("Create one of {resource}"),
                Some(
                    json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}),
                ),
            ),
            "PUT" => (
                format!("Replace one of {resource}"),
                Some(
                    json!({"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}),
                ),
            ),
            _ => (format!("Delete one of {resource}"), None),
        };
        let mut operation = json!({
            "operationId": format!("op{i}"),
            "summary": summary,
            "parameters": params,
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}},
        });
        if let Some(body) = body {
            operation["requestBody"] = body;
        }
        if secured {
            operation["security"] = json!([{"bearer": []}]);
        }
        paths.entry(op.template.clone()).or_default().insert(op.method.to_ascii_lowercase(), operation);
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": format!("Generated API of {} operations", ops.len()), "version": "1.0.0"},
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [],
        "paths": paths,
    })
}

#[derive(Clone)]
struct AppState {
    spec: Arc<Value>,
    log: Arc<Mutex<Vec<Logged>>>,
    reads: Arc<HashSet<String>>,
}

/// The running server.
pub struct GeneratedApi {
    pub base: String,
    pub ops: Vec<Op>,
    log: Arc<Mutex<Vec<Logged>>>,
    handle: tokio::task::JoinHandle<()>,
}

impl GeneratedApi {
    /// Serve an API of `n` operations on an ephemeral loopback port.
    pub async fn start(n: usize) -> GeneratedApi {
        let ops = operations(n);
        let reads = ops.iter().filter(|o| !o.is_write()).map(|o| o.template.split('/').nth(1).unwrap_or("").to_string()).collect();
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = AppState { spec: Arc::new(spec(&ops)), log: log.clone(), reads: Arc::new(reads) };
        let app = Router::new().fallback(handle).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        GeneratedApi { base: format!("http://{addr}"), ops, log, handle }
    }

    /// Every request received so far.
    pub fn log(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for GeneratedApi {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

async fn handle(State(state): State<AppState>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().to_string();
    let who = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map_or_else(|| "anonymous".to_string(), str::to_string);
    state.log.lock().unwrap().push(Logged { method: method.to_string(), path: path.clone(), who });
    if path == "/openapi.json" {
        return Json(state.spec.as_ref().clone()).into_response();
    }
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    let known = segs.first().is_some_and(|r| state.reads.contains(*r));
    let numeric = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let not_found = || (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response();
    if !known || method != Method::GET && method != Method::HEAD {
        return not_found();
    }
    match segs.as_slice() {
        [r] => Json(json!({"items": [{"id": 7, "name": format!("{r} 7")}], "next": null})).into_response(),
        [r, id] if numeric(id) => Json(json!({"id": id.parse::<u64>().unwrap_or(0), "name": format!("{r} {id}")})).into_response(),
        [_, id, "parts"] if numeric(id) => Json(json!({"items": [{"id": 1}]})).into_response(),
        [_, id, "parts", part] if numeric(id) && numeric(part) => Json(json!({"id": part.parse::<u64>().unwrap_or(0)})).into_response(),
        _ => not_found(),
    }
}
