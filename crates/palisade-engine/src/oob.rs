//! Out-of-band canary listener: a tiny HTTP server that records which canary
//! tokens were requested, so a check can prove that the target fetched a URL
//! we gave it (confirmed SSRF) instead of guessing from its answer.
//!
//! Where it binds and what URL the payloads carry are two settings:
//!
//! * `--oob-listen ADDR:PORT` ([`OobConfig::listen`], default `127.0.0.1:0`,
//!   an ephemeral loopback port) is the socket the listener binds. Only IP
//!   literals are accepted; binding a non-loopback address exposes the
//!   listener (it only ever answers a fixed text) on that interface.
//! * `--oob-url URL` ([`OobConfig::public_url`]) is the externally reachable
//!   base URL that forwards to that socket (a public collaborator host or a
//!   reverse proxy). Canary URLs embedded in payloads are
//!   `<oob-url>/palisade-oob/<token>`; the confirmation still arrives at our
//!   own listener (any path prefix the proxy keeps before `/palisade-oob/`
//!   is ignored). Because the forwarder must know the port, `--oob-url`
//!   requires `--oob-listen` with a fixed port.
//!
//! Without `--oob-url`, payloads carry the bound address itself (`0.0.0.0`/`::`
//! is spelled as loopback). [`OobListener::reachable_from`] is honest about
//! who can fetch that: a loopback canary only from targets on this machine, a
//! private-range canary only from loopback or private-range targets, a public
//! host or name (normally only via `--oob-url`) from anyone.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
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
/// Longest `--oob-url` accepted.
const MAX_OOB_URL_LEN: usize = 512;
/// Text the listener answers canary requests with; a target that shows it in
/// its own response reads what it fetched (full-read SSRF).
pub const OOB_BODY_MARKER: &str = "palisade-oob-ok";

/// Why the listener settings are unusable or the listener could not start.
#[derive(Debug, thiserror::Error)]
pub enum OobError {
    #[error("invalid --oob-listen '{value}': {reason} (expected IP:PORT, e.g. 127.0.0.1:8099 or [::1]:8099)")]
    InvalidListen { value: String, reason: String },
    #[error("invalid --oob-url '{value}': {reason}")]
    InvalidUrl { value: String, reason: String },
    #[error("--oob-url needs --oob-listen with a fixed port (the address the URL forwards to), not {0}")]
    UrlNeedsFixedPort(String),
    #[error("the out-of-band listener could not bind {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// Where the canary listener binds and which base URL payloads carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OobConfig {
    /// Socket to bind (`--oob-listen`), default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Externally reachable base URL forwarding to `listen` (`--oob-url`),
    /// normalised to end with `/`.
    pub public_url: Option<Url>,
}

impl Default for OobConfig {
    fn default() -> Self {
        OobConfig { listen: SocketAddr::from(([127, 0, 0, 1], 0)), public_url: None }
    }
}

impl OobConfig {
    /// Check the pair: an `--oob-url` is validated and needs a fixed listen port.
    pub fn new(listen: Option<SocketAddr>, public_url: Option<&Url>) -> Result<OobConfig, OobError> {
        let listen = listen.unwrap_or_else(|| OobConfig::default().listen);
        let public_url = match public_url {
            None => None,
            Some(u) => {
                let u = validate_oob_url(u.as_str())?;
                if listen.port() == 0 {
                    return Err(OobError::UrlNeedsFixedPort(listen.to_string()));
                }
                Some(u)
            }
        };
        Ok(OobConfig { listen, public_url })
    }
}

/// Parse `--oob-listen`: an IP literal and a port (`127.0.0.1:8099`, `[::1]:0`).
pub fn parse_oob_listen(value: &str) -> Result<SocketAddr, OobError> {
    let shown: String = value.chars().take(80).collect();
    value.trim().parse::<SocketAddr>().map_err(|e| OobError::InvalidListen { value: shown, reason: e.to_string() })
}

/// Parse and normalise `--oob-url`: `http`/`https`, a host that is not
/// `0.0.0.0`/`::`, no credentials, query or fragment; the path becomes a base
/// ending with `/`.
pub fn parse_oob_url(value: &str) -> Result<Url, OobError> {
    validate_oob_url(value)
}

fn validate_oob_url(value: &str) -> Result<Url, OobError> {
    let shown: String = value.chars().take(80).collect();
    let bad = |reason: &str| OobError::InvalidUrl { value: shown.clone(), reason: reason.to_string() };
    if value.len() > MAX_OOB_URL_LEN {
        return Err(bad("longer than 512 bytes"));
    }
    let mut url = Url::parse(value.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("must be an http:// or https:// URL"));
    }
    match url.host() {
        None => return Err(bad("has no host")),
        Some(url::Host::Ipv4(ip)) if ip.is_unspecified() => return Err(bad("0.0.0.0 is not an address a target can reach")),
        Some(url::Host::Ipv6(ip)) if ip.is_unspecified() => return Err(bad(":: is not an address a target can reach")),
        _ => {}
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not contain credentials (they would be sent to the target in every payload)"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment (it is a base URL; tokens are appended to its path)"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Who can reach an address: only this machine, a private network, or anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    Loopback,
    Private,
    Public,
}

fn ip_reach(ip: IpAddr) -> Reach {
    match ip {
        IpAddr::V4(v4) if v4.is_loopback() || v4.is_unspecified() => Reach::Loopback,
        IpAddr::V4(v4) if v4.is_private() || v4.is_link_local() || v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1]) => Reach::Private,
        IpAddr::V6(v6) if v6.is_loopback() || v6.is_unspecified() => Reach::Loopback,
        IpAddr::V6(v6) if (v6.segments()[0] & 0xfe00) == 0xfc00 || (v6.segments()[0] & 0xffc0) == 0xfe80 => Reach::Private,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => ip_reach(IpAddr::V4(v4)),
            None => Reach::Public,
        },
        IpAddr::V4(_) => Reach::Public,
    }
}

fn host_reach(host: &url::Host<&str>) -> Reach {
    match host {
        url::Host::Ipv4(ip) => ip_reach(IpAddr::V4(*ip)),
        url::Host::Ipv6(ip) => ip_reach(IpAddr::V6(*ip)),
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            if d == "localhost" || d.ends_with(".localhost") {
                Reach::Loopback
            } else {
                Reach::Public
            }
        }
    }
}

/// One request that reached the listener for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OobHit {
    pub token: String,
    pub method: String,
    /// Who connected (the target, or the forwarder in front of the listener).
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
    /// Base URL of canary URLs, ending with `/`.
    base: Url,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for OobListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OobListener").field("addr", &self.addr).field("base", &self.base.as_str()).finish_non_exhaustive()
    }
}

impl OobListener {
    /// Listen on `127.0.0.1` with an ephemeral port.
    pub async fn start_loopback() -> std::io::Result<OobListener> {
        OobListener::start(&OobConfig::default()).await.map_err(|e| match e {
            OobError::Bind { source, .. } => source,
            other => std::io::Error::other(other.to_string()),
        })
    }

    /// Listen as `cfg` says (see the module documentation).
    pub async fn start(cfg: &OobConfig) -> Result<OobListener, OobError> {
        let listener = TcpListener::bind(cfg.listen).await.map_err(|source| OobError::Bind { addr: cfg.listen, source })?;
        let addr = listener.local_addr().map_err(|source| OobError::Bind { addr: cfg.listen, source })?;
        let base = match &cfg.public_url {
            Some(u) => u.clone(),
            None => {
                let ip = match addr.ip() {
                    IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
                    IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
                    ip => ip,
                };
                Url::parse(&format!("http://{}/", SocketAddr::new(ip, addr.port())))
                    .map_err(|e| OobError::InvalidUrl { value: addr.to_string(), reason: e.to_string() })?
            }
        };
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
        Ok(OobListener { addr, base, shared, task })
    }

    /// Where the listener is bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base canary URLs start with: `--oob-url`, else `http://<bound address>/`.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// `<base>palisade-oob/<token>`, e.g. `http://127.0.0.1:PORT/palisade-oob/<token>`.
    pub fn url_for(&self, token: &str) -> String {
        format!("{}{}{token}", self.base.as_str().trim_end_matches('/'), OOB_PATH_PREFIX)
    }

    /// True when a target at `target` could reach the canary URL: a loopback
    /// canary only from loopback targets, a private-range one only from
    /// loopback or private-range IP targets, a public one from anyone.
    pub fn reachable_from(&self, target: &Url) -> bool {
        let Some(canary) = self.base.host() else { return false };
        let Some(target) = target.host() else { return false };
        match host_reach(&canary) {
            Reach::Public => true,
            Reach::Private => {
                matches!(host_reach(&target), Reach::Loopback)
                    || matches!(target, url::Host::Ipv4(_) | url::Host::Ipv6(_)) && host_reach(&target) == Reach::Private
            }
            Reach::Loopback => host_reach(&target) == Reach::Loopback,
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
    // A forwarder may keep a path prefix (or send an absolute-form target): the
    // token follows the first `/palisade-oob/`.
    let token = target
        .find(OOB_PATH_PREFIX)
        .map(|i| &target[i + OOB_PATH_PREFIX.len()..])
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
    let response = format!("HTTP/1.0 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
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
            assert!(!oob.reachable_from(&Url::parse("http://10.1.2.3/").unwrap()));
        });
    }

    #[tokio::test]
    async fn oob_url_is_embedded_and_hits_still_arrive_at_the_listener() {
        // A fixed port: the forwarder (here: another spelling of loopback) must know it.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let listen = parse_oob_listen(&format!("127.0.0.1:{port}")).unwrap();
        let public = parse_oob_url(&format!("http://localhost:{port}/collab")).unwrap();
        assert_eq!(public.path(), "/collab/");
        let cfg = OobConfig::new(Some(listen), Some(&public)).unwrap();
        let oob = OobListener::start(&cfg).await.unwrap();
        let url = oob.url_for("tok_pub");
        assert_eq!(url, format!("http://localhost:{port}/collab/palisade-oob/tok_pub"));
        // A prefix kept by the forwarder is ignored; the token is recorded.
        let mut s = TcpStream::connect(oob.addr()).await.unwrap();
        s.write_all(b"GET /collab/palisade-oob/tok_pub HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        assert!(out.ends_with(OOB_BODY_MARKER));
        assert!(oob.wait_for("tok_pub", Duration::from_secs(2)).await.is_some());
        // A loopback spelling is still only reachable from loopback targets.
        assert!(oob.reachable_from(&Url::parse("http://127.0.0.1:1/").unwrap()));
        assert!(!oob.reachable_from(&Url::parse("https://api.example/").unwrap()));
    }

    #[test]
    fn reachability_follows_the_canary_host() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let listen = Some(SocketAddr::from(([127, 0, 0, 1], port)));
            let public = OobConfig::new(listen, Some(&Url::parse("https://collab.example.net/").unwrap())).unwrap();
            let oob = OobListener::start(&public).await.unwrap();
            assert!(oob.reachable_from(&Url::parse("https://api.example/").unwrap()), "a public collaborator is reachable by anyone");
            assert!(oob.url_for("t").starts_with("https://collab.example.net/palisade-oob/"));
            drop(oob);
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let listen = Some(SocketAddr::from(([127, 0, 0, 1], port)));
            let private = OobConfig::new(listen, Some(&Url::parse("http://10.0.0.5:8099").unwrap())).unwrap();
            let oob = OobListener::start(&private).await.unwrap();
            assert!(oob.reachable_from(&Url::parse("http://10.9.9.9/").unwrap()));
            assert!(oob.reachable_from(&Url::parse("http://[::1]/").unwrap()));
            assert!(!oob.reachable_from(&Url::parse("https://api.example/").unwrap()));
            assert!(!oob.reachable_from(&Url::parse("http://203.0.113.9/").unwrap()));
        });
    }

    #[test]
    fn bad_settings_are_clear_errors() {
        for bad in ["", "localhost:80", "127.0.0.1", "127.0.0.1:99999", "::1:80", "\u{0}"] {
            let e = parse_oob_listen(bad).unwrap_err().to_string();
            assert!(e.contains("--oob-listen"), "{bad}: {e}");
        }
        for bad in [
            "ftp://collab.example/",
            "http://user:pw@collab.example/",
            "http://collab.example/?x=1",
            "http://collab.example/#f",
            "http://0.0.0.0:80/",
            "http://[::]:80/",
            "not a url",
            "file:///tmp/x",
        ] {
            let e = parse_oob_url(bad).unwrap_err().to_string();
            assert!(e.starts_with("invalid --oob-url"), "{bad}: {e}");
        }
        assert!(parse_oob_url(&format!("http://a.example/{}", "x".repeat(600))).is_err());
        let url = Url::parse("http://collab.example/").unwrap();
        let e = OobConfig::new(None, Some(&url)).unwrap_err();
        assert!(matches!(e, OobError::UrlNeedsFixedPort(_)), "{e}");
        assert!(OobConfig::new(Some("127.0.0.1:8099".parse().unwrap()), Some(&url)).is_ok());
        assert_eq!(OobConfig::new(None, None).unwrap(), OobConfig::default());
    }

    #[tokio::test]
    async fn a_busy_listen_address_is_a_bind_error() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let cfg = OobConfig::new(Some(taken.local_addr().unwrap()), None).unwrap();
        let e = OobListener::start(&cfg).await.unwrap_err();
        assert!(matches!(e, OobError::Bind { .. }), "{e}");
        assert!(e.to_string().contains("could not bind"));
    }
}
