//! The SSRF demo's server-side fetch. It behaves like a naive URL fetcher, but
//! only ever connects to loopback, so the demo itself never reaches out.
//!
//! **Cloud metadata is simulated, never contacted.** URLs on the link-local
//! metadata address `169.254.169.254` are answered in-process from a canned
//! document ([`canned_metadata`]): an AWS-style `latest/meta-data/` listing,
//! and the refusals GCP and Azure give a client that omits their metadata
//! header. No socket is opened for them, so a scan with `--ssrf-internal`
//! finds metadata-shaped content (SS003) without any traffic leaving the
//! machine. Every other non-loopback URL is refused before any connection;
//! [`fetcher_stats`] counts what the fetcher did so tests can assert that no
//! connection to a non-loopback address was ever attempted.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bytes read from the upstream at most.
const MAX_UPSTREAM_BYTES: usize = 256 * 1024;
/// Time allowed for connect + exchange.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(3);

/// What the upstream answered.
pub(crate) struct Fetched {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// Why a URL was not fetched.
#[derive(Debug)]
pub(crate) enum FetchError {
    /// Not `http://` to a loopback address.
    NotLoopback,
    /// Connection or protocol failure.
    Upstream(String),
}

/// The simulated cloud metadata address (link-local, never connected to).
pub(crate) const METADATA_IP: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 254);

static CONNECTS_LOOPBACK: AtomicU64 = AtomicU64::new(0);
static CONNECTS_NON_LOOPBACK: AtomicU64 = AtomicU64::new(0);
static REFUSED: AtomicU64 = AtomicU64::new(0);
static METADATA_CANNED: AtomicU64 = AtomicU64::new(0);

/// What the demo fetcher did in this process (all demo servers together).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FetcherStats {
    /// TCP connections opened, all to loopback.
    pub connects_loopback: u64,
    /// TCP connections attempted to a non-loopback address: always 0 (the
    /// fetcher refuses before connecting; counted to prove it in tests).
    pub connects_non_loopback: u64,
    /// URLs refused without any connection (not http, not loopback, bad form).
    pub refused: u64,
    /// Metadata URLs answered from the canned document, without a connection.
    pub metadata_canned: u64,
}

/// Counters of the demo fetcher since the process started.
pub fn fetcher_stats() -> FetcherStats {
    FetcherStats {
        connects_loopback: CONNECTS_LOOPBACK.load(Ordering::Relaxed),
        connects_non_loopback: CONNECTS_NON_LOOPBACK.load(Ordering::Relaxed),
        refused: REFUSED.load(Ordering::Relaxed),
        metadata_canned: METADATA_CANNED.load(Ordering::Relaxed),
    }
}

/// The canned answer for `http://169.254.169.254/<path>`, or `None` when the
/// URL is not on the metadata address. Pure: no network.
pub(crate) fn canned_metadata(url: &str) -> Option<Fetched> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("HTTP://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host = authority.strip_suffix(":80").unwrap_or(authority);
    if host.parse::<Ipv4Addr>().ok()? != METADATA_IP {
        return None;
    }
    let path = tail.split(['?', '#']).next().unwrap_or("");
    let path = if path.is_empty() { "/" } else { path };
    let text = |status: u16, body: &str| Fetched {
        status,
        headers: vec![("Content-Type".into(), "text/plain".into()), ("Server".into(), "EC2ws".into())],
        body: body.to_string(),
    };
    Some(match path {
        "/" => text(200, "1.0\n2009-04-04\nlatest"),
        "/latest" | "/latest/" => text(200, "dynamic\nmeta-data\nuser-data"),
        "/latest/meta-data" | "/latest/meta-data/" => {
            text(200, "ami-id\nami-launch-index\nhostname\niam/\ninstance-id\ninstance-type\nlocal-hostname\nlocal-ipv4\nplacement/\nsecurity-groups")
        }
        "/latest/meta-data/ami-id" => text(200, "ami-0demo0000palisade"),
        "/latest/meta-data/instance-id" => text(200, "i-0demo0palisade000"),
        "/latest/meta-data/iam/security-credentials" | "/latest/meta-data/iam/security-credentials/" => text(200, "palisade-demo-role"),
        p if p.starts_with("/computeMetadata/") => {
            text(403, "Your client does not have permission to get URL /computeMetadata/v1/ from this server. Missing Metadata-Flavor:Google header.")
        }
        p if p.starts_with("/metadata/") => text(400, "{\"error\":\"Bad request. Required metadata header not specified\"}"),
        _ => text(404, "Not Found"),
    })
}

/// Parses `http://HOST[:PORT][/path]` where HOST is loopback
/// (`127.0.0.0/8`, `[::1]`, `localhost`). Returns the socket and path+query.
pub(crate) fn parse_loopback_url(url: &str) -> Option<(SocketAddr, String)> {
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("HTTP://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return None;
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let close = v6.find(']')?;
        let port = v6[close + 1..].strip_prefix(':');
        (&v6[..close], port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port: u16 = match port {
        Some(p) => p.parse().ok()?,
        None => 80,
    };
    let ip: IpAddr = if host.eq_ignore_ascii_case("localhost") { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { host.parse().ok()? };
    let loopback = match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6 == Ipv6Addr::LOCALHOST,
    };
    if !loopback || port == 0 {
        return None;
    }
    let path = tail.split('#').next().unwrap_or("");
    let path = if path.is_empty() || path.starts_with('?') { format!("/{path}") } else { path.to_string() };
    if path.contains(['\r', '\n', ' ']) {
        return None;
    }
    Some((SocketAddr::new(ip, port), path))
}

/// GETs `url` if it is a loopback http URL (HTTP/1.0, so the body is never chunked).
/// The metadata address is answered from [`canned_metadata`] without a connection.
pub(crate) async fn fetch_loopback(url: &str) -> Result<Fetched, FetchError> {
    if let Some(canned) = canned_metadata(url) {
        METADATA_CANNED.fetch_add(1, Ordering::Relaxed);
        return Ok(canned);
    }
    let Some((addr, path)) = parse_loopback_url(url) else {
        REFUSED.fetch_add(1, Ordering::Relaxed);
        return Err(FetchError::NotLoopback);
    };
    tokio::time::timeout(UPSTREAM_TIMEOUT, exchange(addr, &path)).await.map_err(|_| FetchError::Upstream("upstream timed out".into()))?
}

async fn exchange(addr: SocketAddr, path: &str) -> Result<Fetched, FetchError> {
    let io = |e: std::io::Error| FetchError::Upstream(e.to_string());
    if !addr.ip().is_loopback() {
        // Unreachable by construction (parse_loopback_url); counted, never connected.
        CONNECTS_NON_LOOPBACK.fetch_add(1, Ordering::Relaxed);
        return Err(FetchError::NotLoopback);
    }
    CONNECTS_LOOPBACK.fetch_add(1, Ordering::Relaxed);
    let mut stream = TcpStream::connect(addr).await.map_err(io)?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\nUser-Agent: demo-fetcher/1.0\r\nAccept: */*\r\n\r\n");
    stream.write_all(request.as_bytes()).await.map_err(io)?;
    let mut raw = Vec::new();
    stream.take(MAX_UPSTREAM_BYTES as u64).read_to_end(&mut raw).await.map_err(io)?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| FetchError::Upstream("no response head".into()))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| FetchError::Upstream("bad status line".into()))?;
    let headers = lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    Ok(Fetched { status, headers, body: String::from_utf8_lossy(&raw[split + 4..]).into_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_urls_parse() {
        let (addr, path) = parse_loopback_url("http://127.0.0.1:8080/a?b=c#frag").unwrap();
        assert_eq!(addr.to_string(), "127.0.0.1:8080");
        assert_eq!(path, "/a?b=c");
        assert_eq!(parse_loopback_url("http://localhost").unwrap().1, "/");
        assert_eq!(parse_loopback_url("http://[::1]:9/x").unwrap().0.to_string(), "[::1]:9");
        assert_eq!(parse_loopback_url("http://127.0.0.1:1?q").unwrap().1, "/?q");
        for refused in [
            "https://127.0.0.1/",
            "http://192.0.2.1/",
            "http://example.invalid/",
            "http://127.0.0.1@192.0.2.1/",
            "http://user@127.0.0.1/",
            "http://[::ffff:127.0.0.1]/",
            "file:///etc/passwd",
            "http://127.0.0.1:99999/",
            "http://127.0.0.1:0/",
            "",
        ] {
            assert!(parse_loopback_url(refused).is_none(), "{refused}");
        }
    }

    #[test]
    fn metadata_urls_are_answered_from_the_canned_document_only() {
        let aws = canned_metadata("http://169.254.169.254/latest/meta-data/").unwrap();
        assert_eq!(aws.status, 200);
        assert!(aws.body.contains("ami-id") && aws.body.contains("instance-id"));
        assert_eq!(canned_metadata("http://169.254.169.254:80/latest/meta-data/instance-id").unwrap().status, 200);
        assert_eq!(canned_metadata("http://169.254.169.254/computeMetadata/v1/").unwrap().status, 403);
        assert_eq!(canned_metadata("http://169.254.169.254/metadata/instance?api-version=2021-02-01").unwrap().status, 400);
        assert_eq!(canned_metadata("http://169.254.169.254").unwrap().status, 200);
        for other in [
            "http://169.254.169.253/latest/meta-data/",
            "http://169.254.169.254:8080/latest/meta-data/",
            "https://169.254.169.254/latest/meta-data/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://127.0.0.1/latest/meta-data/",
            "",
        ] {
            assert!(canned_metadata(other).is_none(), "{other}");
        }
    }

    #[tokio::test]
    async fn non_loopback_urls_are_refused_without_a_connection() {
        let before = fetcher_stats();
        for url in ["http://192.0.2.1/", "http://0.0.0.0/", "http://2130706433/", "http://0x7f000001/", "http://palisade-control.invalid/"] {
            assert!(matches!(fetch_loopback(url).await, Err(FetchError::NotLoopback)), "{url}");
        }
        let after = fetcher_stats();
        assert!(after.refused >= before.refused + 5);
        assert_eq!(after.connects_non_loopback, 0);
    }
}
