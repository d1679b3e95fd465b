//! The SSRF demo's server-side fetch. It behaves like a naive URL fetcher, but
//! only ever connects to loopback, so the demo itself never reaches out.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
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

/// Parses `http://HOST[:PORT][/path]` where HOST is loopback
/// (`127.0.0.0/8`, `[::1]`, `localhost`). Returns the socket and path+query.
pub(crate) fn parse_loopback_url(url: &str) -> Option<(SocketAddr, String)> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("HTTP://"))?;
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
    let ip: IpAddr = if host.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        host.parse().ok()?
    };
    let loopback = match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6 == Ipv6Addr::LOCALHOST,
    };
    if !loopback || port == 0 {
        return None;
    }
    let path = tail.split('#').next().unwrap_or("");
    let path = if path.is_empty() || path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_string()
    };
    if path.contains(['\r', '\n', ' ']) {
        return None;
    }
    Some((SocketAddr::new(ip, port), path))
}

/// GETs `url` if it is a loopback http URL (HTTP/1.0, so the body is never chunked).
pub(crate) async fn fetch_loopback(url: &str) -> Result<Fetched, FetchError> {
    let (addr, path) = parse_loopback_url(url).ok_or(FetchError::NotLoopback)?;
    tokio::time::timeout(UPSTREAM_TIMEOUT, exchange(addr, &path))
        .await
        .map_err(|_| FetchError::Upstream("upstream timed out".into()))?
}

async fn exchange(addr: SocketAddr, path: &str) -> Result<Fetched, FetchError> {
    let io = |e: std::io::Error| FetchError::Upstream(e.to_string());
    let mut stream = TcpStream::connect(addr).await.map_err(io)?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\nUser-Agent: demo-fetcher/1.0\r\nAccept: */*\r\n\r\n");
    stream.write_all(request.as_bytes()).await.map_err(io)?;
    let mut raw = Vec::new();
    stream
        .take(MAX_UPSTREAM_BYTES as u64)
        .read_to_end(&mut raw)
        .await
        .map_err(io)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| FetchError::Upstream("no response head".into()))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| FetchError::Upstream("bad status line".into()))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(Fetched {
        status,
        headers,
        body: String::from_utf8_lossy(&raw[split + 4..]).into_owned(),
    })
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
        assert_eq!(
            parse_loopback_url("http://[::1]:9/x")
                .unwrap()
                .0
                .to_string(),
            "[::1]:9"
        );
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
}
