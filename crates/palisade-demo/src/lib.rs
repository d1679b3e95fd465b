//! A deliberately vulnerable API, served in-process on loopback, and its
//! hardened twin.
//!
//! `palisade demo` scans it; tests use it as a realistic target. The vulnerable
//! twin reproduces the seed's Flask API-key exposure (raw keys in responses,
//! keys echoed in errors, a Werkzeug debugger page with the caller's key) plus
//! one small, real instance of each other category the scanner checks. The
//! hardened twin ([`DemoConfig::hardened`]) has the same routes and spec with
//! every issue remediated.
//!
//! The server only ever binds to loopback, and its one outbound feature (the
//! SSRF demo) only connects to loopback.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

mod app;
mod data;
mod fake;
mod fetch;
mod jwt;
mod pages;
mod routes;
mod tls;

pub use app::{RATE_LIMIT_PER_SECOND, REQUEST_LOG_CAPACITY};
pub use fetch::{fetcher_stats, FetcherStats};
pub use routes::rate_limiting::HARDENED_MAX_LIMIT;

/// The demo's OpenAPI 3.0.3 document, also served at `/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// The spec each twin serves: the hardened one also secures `purgeCache`.
pub fn openapi_json(hardened: bool) -> &'static str {
    static HARDENED: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if !hardened {
        return OPENAPI_JSON;
    }
    HARDENED.get_or_init(|| {
        let mut spec: serde_json::Value = serde_json::from_str(OPENAPI_JSON).expect("the demo spec is valid JSON");
        spec["paths"]["/api/v1/cache/purge"]["get"]["security"] = serde_json::json!([{"ApiKeyAuth": []}]);
        harden_spec_auth_and_input(&mut spec);
        unpublish_internal_operations(&mut spec);
        serde_json::to_string_pretty(&spec).expect("serialisable")
    })
}

/// The hardened twin never reads the key from the query string (so its spec
/// does not declare `api_key` there) and only lets clients write a key's
/// `name` and `scopes` (no `owner_id`/`is_admin`, no extra properties).
pub fn harden_spec_auth_and_input(spec: &mut serde_json::Value) {
    if let Some(params) = spec["paths"]["/api/v1/resource"]["get"]["parameters"].as_array_mut() {
        params.retain(|p| p["name"] != "api_key");
    }
    let body = &mut spec["paths"]["/api/v1/keys"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    if let Some(props) = body["properties"].as_object_mut() {
        props.remove("owner_id");
        props.remove("is_admin");
    }
    if body.is_object() {
        body["additionalProperties"] = serde_json::Value::Bool(false);
    }
    // The twin answers a creation with the key id only (the seed's remediation).
    let created = &mut spec["paths"]["/api/v1/keys"]["post"]["responses"]["201"]["content"]["application/json"]["schema"];
    if let Some(props) = created["properties"].as_object_mut() {
        props.remove("key");
    }
    // The feedback form takes only JSON (no cross-site form or text posts).
    routes::input_validation::harden_spec(spec);
    // Every JSON request body is bounded: maxLength, maxItems, no extra properties (RL004).
    routes::rate_limiting::bound_request_schemas(spec);
}

/// Routes the hardened twin does not serve (debug, internal, docs UI) or
/// keeps out of its published spec (admin): a spec meant for the public lists
/// neither, so the twin's spec matches what it serves and shows no admin map.
pub const UNPUBLISHED_ON_HARDENED: &[&str] = &["/docs", "/api/internal/", "/api/v1/resource/debug", "/admin/users", "/api/v1/staff/audit"];

/// Drops [`UNPUBLISHED_ON_HARDENED`] from the published spec.
fn unpublish_internal_operations(spec: &mut serde_json::Value) {
    if let Some(paths) = spec["paths"].as_object_mut() {
        for path in UNPUBLISHED_ON_HARDENED {
            paths.remove(*path);
        }
    }
}

/// How long [`DemoServer::shutdown`] waits for open connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Which twin to serve.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DemoConfig {
    /// `true` serves the fixed twin: same routes, every issue remediated.
    pub hardened: bool,
}

/// One request as the demo server saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query, as sent.
    pub uri: String,
    /// Header names (lowercase) and values, in arrival order.
    pub headers: Vec<(String, String)>,
}

/// Why the demo refused an address.
fn not_loopback(addr: SocketAddr) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("the demo API is deliberately vulnerable and only binds to loopback, not {addr}"))
}

/// A running demo server; dropping it stops the server.
pub struct DemoServer {
    /// Where it listens (always loopback).
    pub addr: SocketAddr,
    state: Arc<app::AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// Served over TLS ([`DemoServer::start_tls`]).
    tls: bool,
}

impl DemoServer {
    /// Serves the demo on `127.0.0.1` with an ephemeral port.
    pub async fn start(cfg: DemoConfig) -> std::io::Result<DemoServer> {
        DemoServer::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), cfg).await
    }

    /// Serves the demo on `addr`, which must be a loopback address.
    pub async fn start_on(addr: SocketAddr, cfg: DemoConfig) -> std::io::Result<DemoServer> {
        if !addr.ip().is_loopback() {
            return Err(not_loopback(addr));
        }
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(app::AppState::new(cfg.hardened, format!("http://{addr}")));
        let router = app::router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let service = router.into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, service)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(DemoServer { addr, state, shutdown: Some(tx), task: Some(task), tls: false })
    }

    /// Serves the demo over HTTPS on `127.0.0.1` with an ephemeral port,
    /// with the given PEM certificate chain and PEM private key (PKCS#8,
    /// SEC1 or PKCS#1). For tests of TLS inspection.
    pub async fn start_tls(cfg: DemoConfig, cert_pem: &str, key_pem: &str) -> std::io::Result<DemoServer> {
        let acceptor = tls::acceptor(cert_pem, key_pem)?;
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(app::AppState::new(cfg.hardened, format!("https://{addr}")));
        let router = app::router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let listener = axum::serve::ListenerExt::tap_io(tls::TlsListener::new(listener, acceptor, addr), |_| {});
        let task = tokio::spawn(async move {
            let service = router.into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, service)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(DemoServer { addr, state, shutdown: Some(tx), task: Some(task), tls: true })
    }

    /// `http://127.0.0.1:PORT` (`http://[::1]:PORT` on IPv6); `https://`
    /// when started with [`DemoServer::start_tls`].
    pub fn base_url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The twin being served.
    pub fn config(&self) -> DemoConfig {
        DemoConfig { hardened: self.state.hardened }
    }

    /// A key the server accepts in `X-API-Key`, for authenticated scans. The
    /// vulnerable twin's is also leaked by `GET /api/v1/keys`; the hardened
    /// twin's is random per server and appears in no response.
    pub fn api_key(&self) -> &str {
        &self.state.api_key
    }

    /// A key with the `user` role (not an administrator), for role-based
    /// access tests: the admin audit log accepts it on the vulnerable twin
    /// only; [`DemoServer::api_key`] is the administrator's.
    pub fn user_key(&self) -> String {
        routes::bfla::user_key(&self.state)
    }

    /// The server's own request log, oldest first (at most
    /// [`REQUEST_LOG_CAPACITY`] entries; older ones are dropped).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        let log = self.state.log.lock().unwrap_or_else(|e| e.into_inner());
        VecDeque::iter(&log).cloned().collect()
    }

    /// Stops accepting, lets open connections finish (a few seconds at
    /// most), then stops the server.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await.is_err() {
                task.abort();
            }
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
