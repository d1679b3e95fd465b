//! Loopback test servers that record what they receive. Every listener binds
//! 127.0.0.1:0; nothing here talks to any other address.
#![allow(dead_code)]

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use bytes::Bytes;
use palisade_http::{Engine, EngineConfig, Url};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Hit {
    pub at: Instant,
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
pub struct ServerState {
    pub hits: Mutex<Vec<Hit>>,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    /// Bytes the /huge stream has produced so far.
    pub huge_bytes_produced: AtomicU64,
    pub gzip_bomb: Mutex<Option<Bytes>>,
}

/// A recording axum server on 127.0.0.1.
pub struct TestServer {
    pub base: Url,
    pub state: Arc<ServerState>,
}

impl TestServer {
    pub async fn start() -> Self {
        let state = Arc::new(ServerState::default());
        let app = Router::new().fallback(handle).with_state(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestServer { base: Url::parse(&format!("http://{addr}/")).unwrap(), state }
    }

    pub fn url(&self, path: &str) -> Url {
        self.base.join(path).unwrap()
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.state.hits.lock().unwrap().clone()
    }

    pub fn hits_on(&self, path: &str) -> Vec<Hit> {
        self.hits().into_iter().filter(|h| h.target.split('?').next() == Some(path)).collect()
    }

    /// Engine config scoped to this server, no rate limit so tests stay quick.
    pub fn config(&self) -> EngineConfig {
        EngineConfig { rate_per_sec: 0.0, ..EngineConfig::for_target(&self.base) }
    }

    pub fn engine(&self) -> Engine {
        Engine::new(self.config()).unwrap()
    }
}

fn redirect(status: StatusCode, location: &str) -> Response {
    (status, [("location", location.to_string())]).into_response()
}

async fn handle(State(state): State<Arc<ServerState>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let headers: Vec<(String, String)> =
        req.headers().iter().map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect();
    let previous_hits_here = {
        let mut hits = state.hits.lock().unwrap();
        let n = hits.iter().filter(|h| h.target.split('?').next() == Some(path.as_str())).count();
        hits.push(Hit {
            at: Instant::now(),
            method: req.method().to_string(),
            target: req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_default(),
            headers,
        });
        n
    };
    match path.as_str() {
        "/ok" => "ok".into_response(),
        // ?to=<url-encoded location>
        "/redirect" => {
            let to = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "to").map(|(_, v)| v.into_owned());
            redirect(StatusCode::FOUND, &to.unwrap_or_else(|| "/ok".into()))
        }
        "/see-other" => redirect(StatusCode::SEE_OTHER, "/ok"),
        "/loop-a" => redirect(StatusCode::FOUND, "/loop-b"),
        "/loop-b" => redirect(StatusCode::FOUND, "/loop-a"),
        p if p.starts_with("/chain/") => {
            let n: u32 = p["/chain/".len()..].parse().unwrap_or(0);
            if n == 0 {
                "end of chain".into_response()
            } else {
                redirect(StatusCode::FOUND, &format!("/chain/{}", n - 1))
            }
        }
        p if p.starts_with("/status/") => {
            let code = p["/status/".len()..].parse().unwrap_or(500);
            (StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), "status").into_response()
        }
        "/rate-limited-once" => {
            if previous_hits_here == 0 {
                (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], "slow down").into_response()
            } else {
                "welcome back".into_response()
            }
        }
        "/always-503" => (StatusCode::SERVICE_UNAVAILABLE, [("retry-after", "1")], "down").into_response(),
        "/slow-200ms" => {
            let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            state.max_in_flight.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(200)).await;
            state.in_flight.fetch_sub(1, Ordering::SeqCst);
            "slow".into_response()
        }
        "/huge" => huge_body(state.clone()),
        "/gzip-bomb" => {
            let body = state.gzip_bomb.lock().unwrap().clone().unwrap_or_default();
            ([("content-encoding", "gzip"), ("content-type", "text/plain")], body).into_response()
        }
        "/binary" => ([("content-type", "application/octet-stream")], Bytes::from_static(b"ok\xff\xfe\x80 tail")).into_response(),
        "/echo" => {
            let mut out = HeaderMap::new();
            out.insert("set-cookie", "sid=servercookievalue123456; Path=/".parse().unwrap());
            (out, "echo").into_response()
        }
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// 100 MB of 'a', produced lazily in 64 KiB chunks, counting what was produced.
fn huge_body(state: Arc<ServerState>) -> Response {
    const TOTAL: u64 = 100 * 1024 * 1024;
    const CHUNK: usize = 64 * 1024;
    let chunk = Bytes::from(vec![b'a'; CHUNK]);
    let stream = futures_util::stream::unfold(0u64, move |sent| {
        let chunk = chunk.clone();
        let state = state.clone();
        async move {
            if sent >= TOTAL {
                return None;
            }
            state.huge_bytes_produced.fetch_add(CHUNK as u64, Ordering::SeqCst);
            Some((Ok::<_, std::io::Error>(chunk), sent + CHUNK as u64))
        }
    });
    ([("content-length", TOTAL.to_string())], Body::from_stream(stream)).into_response()
}

/// ~200 MB of zeros, gzip-compressed at the fast level.
pub fn gzip_bomb() -> Bytes {
    use flate2::write::GzEncoder;
    use std::io::Write;
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..200 {
        enc.write_all(&zeros).unwrap();
    }
    Bytes::from(enc.finish().unwrap())
}

/// A raw server that answers every connection with a 100-byte body sent one
/// byte per second. Returns its base URL.
pub async fn drip_server() -> Url {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                if sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n").await.is_err() {
                    return;
                }
                for _ in 0..100 {
                    if sock.write_all(b"x").await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            });
        }
    });
    Url::parse(&format!("http://{addr}/")).unwrap()
}

/// A loopback port with nothing listening on it.
pub async fn closed_port_url() -> Url {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    Url::parse(&format!("http://{addr}/")).unwrap()
}

/// A raw server that promises 100 bytes, sends 10 and hangs up.
pub async fn short_body_server() -> Url {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let _ = sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789").await;
                let _ = sock.shutdown().await;
            });
        }
    });
    Url::parse(&format!("http://{addr}/")).unwrap()
}
