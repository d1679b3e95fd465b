//! Bounds against hostile targets: slow bodies, huge bodies, gzip bombs,
//! budgets, rate limiting, Retry-After, concurrency and the cache.

mod common;

use common::{drip_server, gzip_bomb, TestServer};
use palisade_http::{Engine, EngineConfig, HttpError, MethodPolicy, ProbeRequest};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[tokio::test]
async fn slow_body_is_cut_at_the_request_timeout() {
    let base = drip_server().await;
    let cfg = EngineConfig { request_timeout: Duration::from_secs(1), rate_per_sec: 0.0, ..EngineConfig::for_target(&base) };
    let engine = Engine::new(cfg).unwrap();
    let started = Instant::now();
    let err = engine.send(ProbeRequest::get(base.join("/drip").unwrap())).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert!(matches!(err, HttpError::Timeout { .. }), "{err:?}");
    assert_eq!(engine.health().timeouts, 1);
    let log = engine.exchanges();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, None);
    assert!(log[0].error.as_deref().unwrap().contains("timed out"));
}

#[tokio::test]
async fn huge_body_is_capped_and_the_rest_never_read() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let resp = engine.send(ProbeRequest::get(server.url("/huge"))).await.unwrap();
    let cap = engine.config().max_body_bytes;
    assert_eq!(resp.body.len(), cap);
    assert!(resp.truncated);
    let record = engine.exchange(resp.exchange_id).unwrap();
    assert_eq!(record.body_len, cap as u64);
    assert!(record.truncated);
    assert_eq!(record.body_excerpt.len(), engine.config().excerpt_bytes);
    // We stopped reading at the cap, so the server could not push its 100 MB.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let produced = server.state.huge_bytes_produced.load(Ordering::SeqCst);
    assert!(produced < 50 * 1024 * 1024, "server produced {produced} bytes");
}

#[tokio::test]
async fn gzip_bomb_is_capped_after_decompression() {
    let server = TestServer::start().await;
    let bomb = tokio::task::spawn_blocking(gzip_bomb).await.unwrap();
    assert!(bomb.len() < 2 * 1024 * 1024, "the bomb itself is small: {}", bomb.len());
    *server.state.gzip_bomb.lock().unwrap() = Some(bomb);
    let cfg = EngineConfig { max_body_bytes: 1024 * 1024, ..server.config() };
    let engine = Engine::new(cfg).unwrap();
    let resp = engine.send(ProbeRequest::get(server.url("/gzip-bomb"))).await.unwrap();
    assert_eq!(resp.body.len(), 1024 * 1024);
    assert!(resp.truncated);
    assert!(resp.body.iter().all(|b| *b == 0), "body was decompressed");
}

#[tokio::test]
async fn max_requests_is_a_budget() {
    let server = TestServer::start().await;
    let engine = Engine::new(EngineConfig { max_requests: Some(2), ..server.config() }).unwrap();
    for _ in 0..2 {
        engine.send(ProbeRequest::get(server.url("/ok")).no_cache()).await.unwrap();
    }
    let err = engine.send(ProbeRequest::get(server.url("/ok")).no_cache()).await.unwrap_err();
    assert!(matches!(err, HttpError::Budget { .. }), "{err:?}");
    assert_eq!(server.hits().len(), 2);
    let health = engine.health();
    assert_eq!(health.dropped, 1);
    assert_eq!(health.requests_sent, 2);
}

#[tokio::test]
async fn max_time_is_a_budget() {
    let server = TestServer::start().await;
    let engine = Engine::new(EngineConfig { max_time: Some(Duration::from_millis(200)), ..server.config() }).unwrap();
    engine.send(ProbeRequest::get(server.url("/ok"))).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let err = engine.send(ProbeRequest::get(server.url("/ok")).no_cache()).await.unwrap_err();
    assert!(matches!(err, HttpError::Budget { .. }), "{err:?}");
    assert_eq!(server.hits().len(), 1);
    assert_eq!(engine.health().dropped, 1);
}

#[tokio::test]
async fn retry_after_pauses_then_retries_once() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let resp = engine.send(ProbeRequest::get(server.url("/rate-limited-once"))).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.text(), "welcome back");
    let hits = server.hits();
    assert_eq!(hits.len(), 2);
    let gap = hits[1].at.duration_since(hits[0].at);
    assert!(gap >= Duration::from_millis(950), "retried after only {gap:?}");
    assert_eq!(engine.health().rate_limited, 1);
    // Both attempts are on record.
    let statuses: Vec<Option<u16>> = engine.exchanges().iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec![Some(429), Some(200)]);
}

#[tokio::test]
async fn retry_after_is_capped_and_retried_only_once() {
    let server = TestServer::start().await;
    let engine = Engine::new(EngineConfig { max_retry_after: Duration::from_millis(100), ..server.config() }).unwrap();
    let started = Instant::now();
    let resp = engine.send(ProbeRequest::get(server.url("/always-503"))).await.unwrap();
    assert_eq!(resp.status, 503);
    assert_eq!(server.hits().len(), 2);
    assert!(started.elapsed() < Duration::from_millis(900), "the 1 s Retry-After was capped to 100 ms");
    let health = engine.health();
    assert_eq!(health.rate_limited, 2);
    assert_eq!(health.server_errors, 2);
}

#[tokio::test]
async fn concurrent_identical_gets_are_sent_once() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let sends = (0..10).map(|_| engine.send(ProbeRequest::get(server.url("/slow-200ms"))));
    let results = futures_util::future::join_all(sends).await;
    assert!(results.iter().all(|r| r.as_ref().is_ok_and(|r| r.status == 200)));
    assert_eq!(server.hits().len(), 1);
    assert_eq!(engine.health().cache_hits, 9);
    assert_eq!(engine.health().requests_sent, 1);
}

#[tokio::test]
async fn cache_distinguishes_identity_headers_and_skips_writes() {
    let server = TestServer::start().await;
    let engine = Engine::new(EngineConfig { policy: MethodPolicy::read_only().allow("POST"), ..server.config() }).unwrap();
    let url = server.url("/ok");
    engine.send(ProbeRequest::get(url.clone())).await.unwrap();
    engine.send(ProbeRequest::get(url.clone())).await.unwrap();
    engine.send(ProbeRequest::get(url.clone()).header("Accept", "text/html")).await.unwrap();
    engine.send(ProbeRequest::get(url.clone()).auth(palisade_http::AuthMode::Anonymous)).await.unwrap();
    engine.send(ProbeRequest::get(url.clone()).no_cache()).await.unwrap();
    engine.send(ProbeRequest::new("POST", url.clone())).await.unwrap();
    engine.send(ProbeRequest::new("POST", url.clone())).await.unwrap();
    assert_eq!(server.hits().len(), 6);
    assert_eq!(engine.health().cache_hits, 1);
}

#[tokio::test]
async fn concurrency_is_bounded() {
    let server = TestServer::start().await;
    let engine = Engine::new(EngineConfig { concurrency: 2, ..server.config() }).unwrap();
    let sends = (0..6).map(|_| engine.send(ProbeRequest::get(server.url("/slow-200ms")).no_cache()));
    futures_util::future::join_all(sends).await;
    assert_eq!(server.hits().len(), 6);
    assert_eq!(server.state.max_in_flight.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn rate_spreads_request_starts() {
    let server = TestServer::start().await;
    let engine = Engine::new(EngineConfig { rate_per_sec: 10.0, ..server.config() }).unwrap();
    let sends = (0..5).map(|_| engine.send(ProbeRequest::get(server.url("/ok")).no_cache()));
    futures_util::future::join_all(sends).await;
    let hits = server.hits();
    assert_eq!(hits.len(), 5);
    let spread = hits[4].at.duration_since(hits[0].at);
    // Five starts at 10/s are at least four intervals (400 ms) apart.
    assert!(spread >= Duration::from_millis(380), "spread {spread:?}");
}

#[tokio::test]
async fn body_cut_short_by_the_server_is_kept_and_marked() {
    let base = common::short_body_server().await;
    let engine = Engine::new(EngineConfig { rate_per_sec: 0.0, ..EngineConfig::for_target(&base) }).unwrap();
    let resp = engine.send(ProbeRequest::get(base.join("/short").unwrap())).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(&resp.body[..], b"0123456789");
    assert!(resp.truncated);
    let record = engine.exchange(resp.exchange_id).unwrap();
    assert!(record.error.as_deref().is_some_and(|e| e.contains("body read failed")), "{record:?}");
}

#[tokio::test]
async fn retry_after_pause_holds_back_other_requests_too() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let limited = engine.send(ProbeRequest::get(server.url("/rate-limited-once")));
    let other = async {
        // Starts while the engine is paused by the 429 above.
        tokio::time::sleep(Duration::from_millis(200)).await;
        engine.send(ProbeRequest::get(server.url("/ok"))).await
    };
    let (a, b) = tokio::join!(limited, other);
    assert_eq!(a.unwrap().status, 200);
    assert_eq!(b.unwrap().status, 200);
    let first = server.hits_on("/rate-limited-once")[0].at;
    let ok_at = server.hits_on("/ok")[0].at;
    assert!(ok_at.duration_since(first) >= Duration::from_millis(950), "sent during the pause");
}
