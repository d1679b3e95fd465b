//! The policy middleware: logs every request, then applies the twin's
//! cross-cutting behaviour to every response.
//!
//! Rules it exercises on the vulnerable twin: IN002 (`Server` and
//! `X-Powered-By` banners), EN003 (a session cookie without `Secure`,
//! `HttpOnly` or `SameSite`), IV001 (no `X-Content-Type-Options: nosniff`),
//! IV002 (any `Origin` reflected with credentials), IV003 (`TRACE` allowed on
//! preflight), RL001 (no rate limit), DE007/DE008 (secrets without
//! `Cache-Control: no-store`) and, over TLS, EN002 (no HSTS); EN001 is the
//! plain-HTTP listener itself.
//!
//! The hardened twin sends HSTS, `nosniff`, `no-store`, framing, CSP and
//! referrer headers and a locked-down cookie, allows CORS only for its own
//! origin, and answers 429 past [`RATE_LIMIT_PER_SECOND`] requests per second
//! per client (with `RateLimit-*` headers on every answer).

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{error_json, set, AppState, Shared};
use crate::{fake, RecordedRequest};

/// Requests per second per client the hardened twin allows before 429.
pub const RATE_LIMIT_PER_SECOND: u32 = 20;
/// Requests kept in the log; older ones are dropped.
pub const REQUEST_LOG_CAPACITY: usize = 100_000;
/// Clients tracked by the rate limiter before the table is reset.
const RATE_TABLE_CAPACITY: usize = 10_000;

const BANNER_SERVER: &str = "Werkzeug/2.0.1 Python/3.8.5";
const BANNER_POWERED_BY: &str = "Flask/2.0.1";

/// Logs every request, then applies the twin's cross-cutting behaviour:
/// banners, cookies, CORS, security headers and rate limiting.
pub(super) async fn policy(State(state): State<Shared>, ConnectInfo(peer): ConnectInfo<SocketAddr>, request: Request, next: Next) -> Response {
    let uri = request.uri().path_and_query().map(|pq| pq.as_str().to_string()).unwrap_or_else(|| "/".into());
    let headers: Vec<(String, String)> =
        request.headers().iter().map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect();
    {
        let mut log = state.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= REQUEST_LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(RecordedRequest { method: request.method().as_str().to_string(), uri, headers });
    }
    let origin = request.headers().get(header::ORIGIN).cloned();
    let preflight_headers = request.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
    let is_options = request.method() == Method::OPTIONS;

    let mut rate_headers = None;
    if state.hardened {
        let (count, reset) = count_request(&state, peer.ip());
        let remaining = RATE_LIMIT_PER_SECOND.saturating_sub(count);
        rate_headers = Some((remaining, reset));
        if count > RATE_LIMIT_PER_SECOND {
            let mut response = error_json(StatusCode::TOO_MANY_REQUESTS, "rate limit exceeded");
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(reset));
            finish(&state, &mut response, origin.as_ref(), None, rate_headers);
            return response;
        }
    }

    let mut response = if is_options {
        let mut r = StatusCode::NO_CONTENT.into_response();
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD, POST, OPTIONS"));
        r
    } else {
        next.run(request).await
    };
    let preflight = if is_options { Some(preflight_headers) } else { None };
    finish(&state, &mut response, origin.as_ref(), preflight, rate_headers);
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

fn finish(state: &AppState, response: &mut Response, origin: Option<&HeaderValue>, preflight: Option<Option<HeaderValue>>, rate: Option<(u32, u32)>) {
    let session = &fake::hex64("session")[..32];
    let headers = response.headers_mut();
    if state.hardened {
        set(headers, "strict-transport-security", "max-age=63072000; includeSubDomains");
        set(headers, "x-content-type-options", "nosniff");
        set(headers, "cache-control", "no-store");
        set(headers, "x-frame-options", "DENY");
        set(headers, "content-security-policy", "default-src 'none'; frame-ancestors 'none'");
        set(headers, "referrer-policy", "no-referrer");
        set(headers, "set-cookie", &format!("session={session}; Path=/; Secure; HttpOnly; SameSite=Strict"));
        if let Some((remaining, reset)) = rate {
            set(headers, "ratelimit-limit", &RATE_LIMIT_PER_SECOND.to_string());
            set(headers, "ratelimit-remaining", &remaining.to_string());
            set(headers, "ratelimit-reset", &reset.to_string());
            set(headers, "ratelimit-policy", &format!("{RATE_LIMIT_PER_SECOND};w=1"));
        }
        if let Some(origin) = origin.filter(|o| o.as_bytes() == state.self_origin.as_bytes()) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            set(headers, "vary", "Origin");
            if preflight.is_some() {
                set(headers, "access-control-allow-methods", "GET, HEAD, POST");
                set(headers, "access-control-allow-headers", "X-API-Key, Authorization, Content-Type");
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
                set(headers, "access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS, TRACE");
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
