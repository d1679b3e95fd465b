//! Out-of-band canary listener: a tiny HTTP server on loopback that records
//! which canary tokens were requested, so a check can prove that the target
//! fetched a URL we gave it (confirmed SSRF) instead of guessing from its answer.
//!
//! It binds `127.0.0.1:0` only, so it is reachable from targets on this
//! machine (the demo, local test servers, a service under test on loopback).
//! A public collaborator (`--oob-url`) for remote targets is not implemented
//! yet; [`OobListener::reachable_from`] tells a check whether a canary URL
//! could possibly be fetched by a given target.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use url::Url;

/// Path prefix of every canary URL.
pub const OOB_PATH_PREFIX: &str = "/palisade-oob/";
/// Most bytes of a request head the listener reads.
const MAX_HEAD_BYTES: usize = 8 * 1024;
/// Time a connection may take to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(3);
/// Distinct tokens remembered; later hits are dropped (a hostile target cannot grow memory).
const MAX_TOKENS: usize = 10_000;
/// Text the listener answers canary requests with; a target that shows it in
/// its own response reads what it fetched (full-read SSRF).
pub const OOB_BODY_MARKER: &str = "palisade-oob-ok";

/// One request that reached the listener for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OobHit {
    pub token: String,
    pub method: String,
    /// Who connected (the target's loopback address).
    pub peer: SocketAddr,
    /// The `User-Agent` the fetcher sent, clipped to 120 characters.
    pub user_agent: Option<String>,
}

#[derive(Default)]
struct Shared {
    hits: Mutex<HashMap<String, OobHit>>,
    notify: Notify,
}

/// A running canary listener; dropping it stops the listener.
pub struct OobListener {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for OobListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OobListener").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl OobListener {
    /// Listen on `127.0.0.1` with an ephemeral port.
    pub async fn start_loopback() -> std::io::Result<OobListener> {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let accept_shared = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else { continue };
                let shared = accept_shared.clone();
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(READ_TIMEOUT, serve(stream, peer, shared)).await;
                });
            }
        });
        Ok(OobListener { addr, shared, task })
    }

    /// Where the listener is bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/palisade-oob/<token>`.
    pub fn url_for(&self, token: &str) -> String {
        format!("http://{}{OOB_PATH_PREFIX}{token}", self.addr)
    }

    /// True when a target at `target` could reach this listener: the
    /// listener is loopback-only, so only targets on this machine can.
    pub fn reachable_from(&self, target: &Url) -> bool {
        match target.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => false,
        }
    }

    /// The hit for `token`, if it arrived already.
    pub fn hit(&self, token: &str) -> Option<OobHit> {
        self.shared.hits.lock().unwrap_or_else(|e| e.into_inner()).get(token).cloned()
    }

    /// Wait at most `timeout` for a request carrying `token`.
    pub async fn wait_for(&self, token: &str, timeout: Duration) -> Option<OobHit> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.notify.notified();
            if let Some(hit) = self.hit(token) {
                return Some(hit);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.hit(token);
            }
        }
    }
}

impl Drop for OobListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Read one request head, record a canary hit, answer with a small fixed body.
async fn serve(mut stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while head.len() < MAX_HEAD_BYTES && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n.min(MAX_HEAD_BYTES - head.len())]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.lines();
    let mut first = lines.next().unwrap_or("").split_whitespace();
    let method: String = first.next().unwrap_or("").chars().take(16).collect();
    let target = first.next().unwrap_or("");
    let token = target
        .strip_prefix(OOB_PATH_PREFIX)
        .map(|t| t.split(['?', '#', '/']).next().unwrap_or(""))
        .filter(|t| !t.is_empty() && t.len() <= 128 && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    let status = if let Some(token) = token {
        let user_agent = lines
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("user-agent"))
            .map(|(_, v)| v.trim().chars().take(120).collect());
        {
            let mut hits = shared.hits.lock().unwrap_or_else(|e| e.into_inner());
            if hits.len() < MAX_TOKENS && !hits.contains_key(token) {
                hits.insert(token.to_string(), OobHit { token: token.to_string(), method, peer, user_agent });
            }
        }
        shared.notify.notify_waiters();
        "200 OK"
    } else {
        "404 Not Found"
    };
    let body = if status == "200 OK" { OOB_BODY_MARKER } else { "not found" };
    let response = format!(
        "HTTP/1.0 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_a_canary_fetch_and_ignores_other_paths() {
        let oob = OobListener::start_loopback().await.unwrap();
        assert!(oob.addr().ip().is_loopback());
        let url = oob.url_for("tok_123");
        assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/palisade-oob/tok_123"));
        let mut s = TcpStream::connect(oob.addr()).await.unwrap();
        s.write_all(b"GET /palisade-oob/tok_123?x=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: fetcher/1\r\n\r\n").await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        assert!(out.starts_with("HTTP/1.0 200") && out.ends_with(OOB_BODY_MARKER));
        let hit = oob.wait_for("tok_123", Duration::from_secs(2)).await.unwrap();
        assert_eq!(hit.method, "GET");
        assert_eq!(hit.user_agent.as_deref(), Some("fetcher/1"));

        let mut s = TcpStream::connect(oob.addr()).await.unwrap();
        s.write_all(b"GET /other HTTP/1.1\r\n\r\n").await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        assert!(out.starts_with("HTTP/1.0 404"));
        assert!(oob.wait_for("never", Duration::from_millis(50)).await.is_none());
    }

    #[tokio::test]
    async fn hostile_heads_do_not_panic() {
        let oob = OobListener::start_loopback().await.unwrap();
        for raw in [&b"\xff\xfe\r\n\r\n"[..], b"GET /palisade-oob/../../etc HTTP/1.1\r\n\r\n", &[b'A'; 20_000][..]] {
            let mut s = TcpStream::connect(oob.addr()).await.unwrap();
            let _ = s.write_all(raw).await;
            let mut out = Vec::new();
            let _ = s.read_to_end(&mut out).await;
        }
        assert!(oob.hit("..").is_none());
    }

    #[test]
    fn reachable_only_from_loopback_targets() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let oob = OobListener::start_loopback().await.unwrap();
            assert!(oob.reachable_from(&Url::parse("http://127.0.0.1:8080/").unwrap()));
            assert!(oob.reachable_from(&Url::parse("http://[::1]:8080/").unwrap()));
            assert!(oob.reachable_from(&Url::parse("http://localhost/").unwrap()));
            assert!(!oob.reachable_from(&Url::parse("https://api.example/").unwrap()));
        });
    }
}
