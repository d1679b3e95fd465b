//! The demo's routes. Every handler serves both twins and branches on
//! `state.hardened`, so the two stay route-for-route identical.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::data::{self, COUNT, REVOKED_KEY};
use crate::{fake, fetch, jwt, pages, RecordedRequest};

/// Requests per second per client the hardened twin allows before 429.
pub const RATE_LIMIT_PER_SECOND: u32 = 20;
/// Page-size cap of the hardened twin.
pub const HARDENED_MAX_LIMIT: usize = 100;
/// The vulnerable twin honours any `limit` a scanner is likely to send
/// (100 000 included); this silent ceiling only keeps the demo's memory bounded.
const VULNERABLE_LIMIT_CEILING: usize = 200_000;
/// Requests kept in the log; older ones are dropped.
pub const REQUEST_LOG_CAPACITY: usize = 100_000;
/// Clients tracked by the rate limiter before the table is reset.
const RATE_TABLE_CAPACITY: usize = 10_000;

const BANNER_SERVER: &str = "Werkzeug/2.0.1 Python/3.8.5";
const BANNER_POWERED_BY: &str = "Flask/2.0.1";
const UPSTREAM: &str = "http://weather-backend.internal:8080";

/// Shared state of one demo server.
pub(crate) struct AppState {
    pub hardened: bool,
    /// The origin the server is reached at (`http://127.0.0.1:PORT`); the
    /// hardened twin's CORS allows only this one.
    pub self_origin: String,
    /// The key that authenticates (vulnerable: stored key 1; hardened: random).
    pub api_key: String,
    jwt_secret: Vec<u8>,
    debugger_secret: String,
    pub log: Mutex<VecDeque<RecordedRequest>>,
    rate: Mutex<HashMap<IpAddr, (Instant, u32)>>,
    created_keys: AtomicU64,
}

impl AppState {
    pub(crate) fn new(hardened: bool, self_origin: String) -> AppState {
        let (api_key, jwt_secret) = if hardened {
            (fake::random_hex64(), fake::random_hex64().into_bytes())
        } else {
            (data::raw_key(1), b"secret".to_vec())
        };
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
    fn auth_failure(&self, headers: &HeaderMap) -> Option<Response> {
        match header_str(headers, "x-api-key") {
            Some(key) if constant_time_eq(key.as_bytes(), self.api_key.as_bytes()) => None,
            Some(_) => Some(unauthorized("invalid credentials")),
            None => Some(unauthorized("authentication required")),
        }
    }
}

type Shared = Arc<AppState>;

/// The full application: routes plus the policy middleware.
pub(crate) fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/openapi.json", get(openapi))
        .route("/docs", get(docs))
        .route("/console", get(console))
        .route("/api/v1/keys", get(list_keys).post(create_key))
        .route("/api/v1/keys/{id}", get(get_key))
        .route("/api/v1/resource", get(resource))
        .route("/api/v1/resource/debug", get(resource_debug))
        .route("/api/v1/users", get(list_users))
        .route("/api/v1/users/{id}", get(get_user))
        .route("/admin/users", get(admin_users))
        .route("/api/v1/token", get(token))
        .route("/api/v1/me", get(me))
        .route("/api/v1/fetch", get(fetch_url))
        .route("/api/v1/weather", get(weather))
        .route("/api/v1/chat", axum::routing::post(crate::llm::chat))
        .route("/api/v1/ask", get(crate::llm::ask))
        .route("/graphql", get(graphql))
        .route("/redirect", get(redirect))
        .route("/v1/", get(v1_root))
        .route("/v2/", get(v2_root))
        .route("/api/internal/", get(internal_root))
        .route("/.env", get(dotenv))
        .route("/actuator/health", get(health))
        .route("/metrics", get(metrics))
        .route("/api/v1/cache/purge", get(purge_cache))
        .merge(crate::injection::routes())
        .merge(crate::files::routes())
        .merge(crate::access::routes())
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(state.clone(), policy))
        .with_state(state)
}

// ---------------------------------------------------------------- helpers

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn error_json(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({"error": message}))
}

fn unauthorized(message: &str) -> Response {
    let mut response = error_json(StatusCode::UNAUTHORIZED, message);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("ApiKey realm=\"palisade-demo\", header=\"X-API-Key\""),
    );
    response
}

fn not_found_json() -> Response {
    error_json(StatusCode::NOT_FOUND, "not found")
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// The caller's key as the vulnerable app reads it: header, then query.
fn caller_key(headers: &HeaderMap, query: &HashMap<String, String>) -> String {
    header_str(headers, "x-api-key")
        .map(str::to_string)
        .or_else(|| query.get("api_key").cloned())
        .unwrap_or_default()
}

/// Parses `limit`: `Ok(None)` when absent, `Err` with the raw text when not a number.
fn parse_limit(query: &HashMap<String, String>) -> Result<Option<usize>, String> {
    match query.get("limit") {
        None => Ok(None),
        Some(raw) => raw
            .trim()
            .parse::<usize>()
            .map(Some)
            .map_err(|_| raw.clone()),
    }
}

// ---------------------------------------------------------------- policy

/// Logs every request, then applies the twin's cross-cutting behaviour:
/// banners, cookies, CORS, security headers and rate limiting.
async fn policy(
    State(state): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    let uri = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    {
        let mut log = state.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= REQUEST_LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(RecordedRequest {
            method: request.method().as_str().to_string(),
            uri,
            headers,
        });
    }
    let origin = request.headers().get(header::ORIGIN).cloned();
    let preflight_headers = request
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned();
    let is_options = request.method() == Method::OPTIONS;

    let mut rate_headers = None;
    if state.hardened {
        let (count, reset) = count_request(&state, peer.ip());
        let remaining = RATE_LIMIT_PER_SECOND.saturating_sub(count);
        rate_headers = Some((remaining, reset));
        if count > RATE_LIMIT_PER_SECOND {
            let mut response = error_json(StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded");
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(reset));
            finish(&state, &mut response, origin.as_ref(), None, rate_headers);
            return response;
        }
    }

    let mut response = if is_options {
        let mut r = StatusCode::NO_CONTENT.into_response();
        r.headers_mut().insert(
            header::ALLOW,
            HeaderValue::from_static("GET, HEAD, POST, OPTIONS"),
        );
        r
    } else {
        next.run(request).await
    };
    let preflight = if is_options {
        Some(preflight_headers)
    } else {
        None
    };
    finish(
        &state,
        &mut response,
        origin.as_ref(),
        preflight,
        rate_headers,
    );
    response
}

/// Counts a request in the client's one-second window; returns the count so
/// far and the seconds until the window resets.
fn count_request(state: &AppState, ip: IpAddr) -> (u32, u32) {
    let now = Instant::now();
    let mut table = state.rate.lock().unwrap_or_else(|e| e.into_inner());
    if table.len() >= RATE_TABLE_CAPACITY && !table.contains_key(&ip) {
        table.clear();
    }
    let window = table.entry(ip).or_insert((now, 0));
    if now.duration_since(window.0) >= Duration::from_secs(1) {
        *window = (now, 0);
    }
    window.1 = window.1.saturating_add(1);
    (window.1, 1)
}

fn set(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), v);
    }
}

fn finish(
    state: &AppState,
    response: &mut Response,
    origin: Option<&HeaderValue>,
    preflight: Option<Option<HeaderValue>>,
    rate: Option<(u32, u32)>,
) {
    let session = &fake::hex64("session")[..32];
    let headers = response.headers_mut();
    if state.hardened {
        set(
            headers,
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        );
        set(headers, "x-content-type-options", "nosniff");
        set(headers, "cache-control", "no-store");
        set(headers, "x-frame-options", "DENY");
        set(
            headers,
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        );
        set(headers, "referrer-policy", "no-referrer");
        set(
            headers,
            "set-cookie",
            &format!("session={session}; Path=/; Secure; HttpOnly; SameSite=Strict"),
        );
        if let Some((remaining, reset)) = rate {
            set(
                headers,
                "ratelimit-limit",
                &RATE_LIMIT_PER_SECOND.to_string(),
            );
            set(headers, "ratelimit-remaining", &remaining.to_string());
            set(headers, "ratelimit-reset", &reset.to_string());
            set(
                headers,
                "ratelimit-policy",
                &format!("{RATE_LIMIT_PER_SECOND};w=1"),
            );
        }
        if let Some(origin) = origin.filter(|o| o.as_bytes() == state.self_origin.as_bytes()) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            set(headers, "vary", "Origin");
            if preflight.is_some() {
                set(headers, "access-control-allow-methods", "GET, HEAD, POST");
                set(
                    headers,
                    "access-control-allow-headers",
                    "X-API-Key, Authorization, Content-Type",
                );
            }
        }
    } else {
        set(headers, "server", BANNER_SERVER);
        set(headers, "x-powered-by", BANNER_POWERED_BY);
        if !headers.contains_key(header::SET_COOKIE) {
            set(headers, "set-cookie", &format!("session={session}; Path=/"));
        }
        if let Some(origin) = origin {
            // Reflect any Origin and allow credentials: the classic CORS hole.
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            set(headers, "access-control-allow-credentials", "true");
            if let Some(requested) = preflight {
                set(
                    headers,
                    "access-control-allow-methods",
                    "GET, POST, PUT, PATCH, DELETE, OPTIONS, TRACE",
                );
                match requested {
                    Some(h) => {
                        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, h);
                    }
                    None => set(headers, "access-control-allow-headers", "*"),
                }
            }
        }
    }
}

// ---------------------------------------------------------------- routes

async fn index(State(state): State<Shared>) -> Response {
    json_response(
        StatusCode::OK,
        json!({"name": "Palisade demo API", "mode": if state.hardened { "hardened" } else { "vulnerable" }, "openapi": "/openapi.json", "docs": "/docs"}),
    )
}

async fn openapi(State(state): State<Shared>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::openapi_json(state.hardened)).into_response()
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

async fn docs(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    html(StatusCode::OK, pages::DOCS_HTML.to_string())
}

async fn console(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    html(
        StatusCode::OK,
        pages::werkzeug_console(&state.debugger_secret),
    )
}

async fn create_key(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let n = state.created_keys.fetch_add(1, Ordering::Relaxed);
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        let key_id = format!("ak_live_{}", &fake::hex64(&format!("created-id/{n}"))[..6]);
        return json_response(
            StatusCode::CREATED,
            json!({"key_id": key_id, "message": "Key created"}),
        );
    }
    // The seed's flaw, verbatim: the raw key in the creation response.
    json_response(
        StatusCode::CREATED,
        json!({"key": fake::hex64(&format!("created/{n}")), "key_id": "ak_live_abc123", "message": "Key created successfully"}),
    )
}

async fn list_keys(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        let limit = match parse_limit(&query) {
            Ok(l) => l.unwrap_or(20).min(HARDENED_MAX_LIMIT),
            Err(_) => return error_json(StatusCode::BAD_REQUEST, "invalid limit"),
        };
        let keys: Vec<Value> = (1..=COUNT)
            .take(limit)
            .map(data::key_record_masked)
            .collect();
        return json_response(StatusCode::OK, json!({"keys": keys}));
    }
    let limit = match parse_limit(&query) {
        Ok(l) => l.unwrap_or(20),
        Err(raw) => {
            return html(
                StatusCode::INTERNAL_SERVER_ERROR,
                pages::limit_crash_page(
                    "list_keys",
                    &raw,
                    &caller_key(&headers, &query),
                    &state.debugger_secret,
                ),
            )
        }
    };
    let keys: Vec<Value> = (1..=COUNT)
        .take(limit)
        .map(data::key_record_leaky)
        .collect();
    json_response(
        StatusCode::OK,
        json!({"count": keys.len(), "keys": keys, "integrations": data::integrations()}),
    )
}

/// The record number behind a hardened twin's UUID (`kind` is `key` or `user`).
fn hardened_index(kind: &str, id: &str) -> Option<u32> {
    (1..=COUNT).find(|i| fake::uuid(&format!("{kind}/{i}")) == id)
}

async fn get_key(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        return match hardened_index("key", &id) {
            Some(i) => json_response(StatusCode::OK, data::key_record_masked(i)),
            None => not_found_json(),
        };
    }
    match id.parse::<u32>() {
        Ok(i) if (1..=COUNT).contains(&i) => {
            json_response(StatusCode::OK, data::key_record_leaky(i))
        }
        _ => json_response(
            StatusCode::NOT_FOUND,
            json!({"error": format!("key {id} not found"), "store": "/srv/app/keys/store.py"}),
        ),
    }
}

async fn resource(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
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
        Some(REVOKED_KEY) => error_json(
            StatusCode::FORBIDDEN,
            &format!("invalid key '{key}' (revoked)"),
        ),
        Some(id) => json_response(
            StatusCode::OK,
            json!({"data": "sensitive", "key_id": data::key_id(id)}),
        ),
        None => error_json(StatusCode::UNAUTHORIZED, &format!("invalid key '{key}'")),
    }
}

async fn resource_debug(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if state.hardened {
        return not_found_json();
    }
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        pages::resource_crash_page(&caller_key(&headers, &query), &state.debugger_secret),
    )
}

async fn list_users(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
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
                pages::limit_crash_page(
                    "list_users",
                    &raw,
                    &caller_key(&headers, &query),
                    &state.debugger_secret,
                ),
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

async fn get_user(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        return match hardened_index("user", &id) {
            Some(i) => json_response(StatusCode::OK, data::user_minimal(i)),
            None => not_found_json(),
        };
    }
    match id.parse::<u32>() {
        Ok(i) if (1..=COUNT).contains(&i) => json_response(StatusCode::OK, data::user_leaky(i)),
        _ => error_json(StatusCode::NOT_FOUND, &format!("user {id} not found")),
    }
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

async fn token(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
    }
    let mut claims = json!({"sub": "user-2", "name": "Bob Nguyen", "role": "user", "iat": 1_764_000_000, "exp": 4_102_444_800u64});
    if state.hardened {
        // Short-lived: one hour from now.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
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
    let bearer = header_str(&headers, "authorization").and_then(|v| {
        v.strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
    });
    let claims = bearer.and_then(|t| jwt::verify(t.trim(), &state.jwt_secret, !state.hardened));
    match claims {
        Some(claims) => {
            let is_admin = claims.get("role").and_then(Value::as_str) == Some("admin");
            json_response(
                StatusCode::OK,
                json!({"claims": claims, "is_admin": is_admin}),
            )
        }
        None => {
            let mut r = error_json(StatusCode::UNAUTHORIZED, "invalid or missing bearer token");
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"palisade-demo\", error=\"invalid_token\""),
            );
            r
        }
    }
}

async fn fetch_url(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
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
            let upstream_headers: serde_json::Map<String, Value> = f
                .headers
                .into_iter()
                .map(|(n, v)| (n, Value::String(v)))
                .collect();
            json_response(
                StatusCode::OK,
                json!({"url": url, "status": f.status, "headers": upstream_headers, "body": f.body}),
            )
        }
        Err(fetch::FetchError::NotLoopback) => json_response(
            StatusCode::BAD_REQUEST,
            json!({"error": "this demo only fetches http URLs on loopback", "url": url}),
        ),
        Err(fetch::FetchError::Upstream(e)) => json_response(
            StatusCode::BAD_GATEWAY,
            json!({"error": format!("upstream error: {e}"), "url": url}),
        ),
    }
}

async fn weather(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let city = query
        .get("city")
        .map(|c| c.trim())
        .filter(|c| !c.is_empty());
    let mut response = match (city, state.hardened) {
        (Some(city), _) => json_response(
            StatusCode::OK,
            json!({"city": city, "forecast": [{"day": "today", "temp_c": 14, "sky": "cloudy"}, {"day": "tomorrow", "temp_c": 17, "sky": "sunny"}]}),
        ),
        (None, true) => error_json(StatusCode::BAD_REQUEST, "city required"),
        // The upstream's own error page, passed through untouched.
        (None, false) => html(
            StatusCode::BAD_GATEWAY,
            pages::UPSTREAM_ERROR_HTML.to_string(),
        ),
    };
    if !state.hardened {
        set(response.headers_mut(), "x-upstream", UPSTREAM);
    }
    response
}

async fn graphql(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(q) = query.get("query") else {
        return json_response(
            StatusCode::BAD_REQUEST,
            json!({"errors": [{"message": "Must provide query string."}]}),
        );
    };
    if let Some(r) = crate::injection::graphql_extra(&state, q) {
        return r;
    }
    if q.contains("__schema") || q.contains("__type") {
        if state.hardened {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({"errors": [{"message": "GraphQL introspection is not allowed"}]}),
            );
        }
        return json_response(StatusCode::OK, json!({"data": data::graphql_schema()}));
    }
    if q.contains("users") {
        if state.hardened {
            if let Some(r) = state.auth_failure(&headers) {
                return r;
            }
            let users: Vec<Value> = (1..=COUNT).map(data::user_minimal).collect();
            return json_response(StatusCode::OK, json!({"data": {"users": users}}));
        }
        let users: Vec<Value> = (1..=COUNT).map(data::user_leaky).collect();
        return json_response(StatusCode::OK, json!({"data": {"users": users}}));
    }
    json_response(
        StatusCode::BAD_REQUEST,
        json!({"errors": [{"message": "Cannot query field on type \"Query\"."}]}),
    )
}

async fn redirect(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(next) = query.get("next").filter(|n| !n.is_empty()) else {
        return error_json(StatusCode::BAD_REQUEST, "next parameter required");
    };
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains(['\r', '\n']);
    if state.hardened && !local {
        return error_json(StatusCode::BAD_REQUEST, "invalid redirect target");
    }
    match HeaderValue::from_str(next) {
        Ok(location) => {
            let body = format!(
                "<p>Redirecting to <a href=\"{0}\">{0}</a>.</p>",
                pages::escape_html(next)
            );
            let mut r = html(StatusCode::FOUND, body);
            r.headers_mut().insert(header::LOCATION, location);
            r
        }
        Err(_) => error_json(StatusCode::BAD_REQUEST, "invalid redirect target"),
    }
}

async fn v1_root(State(state): State<Shared>) -> Response {
    if state.hardened {
        return error_json(StatusCode::GONE, "API v1 has been retired; use /v2/");
    }
    json_response(
        StatusCode::OK,
        json!({"version": "v1", "status": "deprecated", "auth": "none", "endpoints": ["/v1/users", "/v1/keys"]}),
    )
}

async fn v2_root() -> Response {
    json_response(
        StatusCode::OK,
        json!({"version": "v2", "status": "current"}),
    )
}

async fn internal_root(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    json_response(
        StatusCode::OK,
        json!({"service": "key-service-internal", "environment": "production", "debug": true,
               "database": "db.internal:5432/app", "app_root": "/srv/app",
               "feature_flags": {"legacy_v1": true, "skip_key_validation": false}}),
    )
}

async fn dotenv(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    text(StatusCode::OK, data::dotenv())
}

async fn health(State(state): State<Shared>) -> Response {
    if state.hardened {
        return json_response(StatusCode::OK, json!({"status": "UP"}));
    }
    json_response(
        StatusCode::OK,
        json!({"status": "UP", "components": {
            "db": {"status": "UP", "details": {"database": "PostgreSQL", "host": "db.internal:5432", "validationQuery": "isValid()"}},
            "diskSpace": {"status": "UP", "details": {"path": "/srv/app", "total": 105_088_212_992u64, "free": 61_403_586_560u64}},
            "redis": {"status": "UP", "details": {"version": "6.0.9"}}}}),
    )
}

async fn metrics(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        return text(
            StatusCode::OK,
            "# TYPE http_requests_total counter\nhttp_requests_total 1\n".into(),
        );
    }
    text(
        StatusCode::OK,
        "# HELP http_requests_total Total HTTP requests.\n# TYPE http_requests_total counter\n\
         http_requests_total{method=\"GET\",path=\"/api/v1/keys\"} 1027\n\
         http_requests_total{method=\"POST\",path=\"/api/v1/keys\"} 88\n\
         # HELP app_info Build information.\n# TYPE app_info gauge\n\
         app_info{version=\"2.0.1\",python=\"3.8.5\",db_host=\"db.internal\",app_root=\"/srv/app\"} 1\n"
            .into(),
    )
}

async fn fallback(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    html(StatusCode::NOT_FOUND, pages::FLASK_NOT_FOUND.to_string())
}
