//! The deny-list, against a real loopback server that logs what it received:
//! a denied operation is never reached, whatever the method, query string,
//! spelling or redirect that leads to it.

mod common;

use common::TestServer;
use palisade_http::{DenyRule, HttpError, MethodPolicy, ProbeRequest};

#[tokio::test]
async fn a_denied_operation_is_never_sent_in_any_spelling() {
    let server = TestServer::start().await;
    let engine = palisade_http::Engine::new(palisade_http::EngineConfig { policy: MethodPolicy::active(), ..server.config() }).unwrap();
    engine.deny(DenyRule::new("GET /createdb", "/createdb", "summary says 'creates'"));
    engine.deny(DenyRule::new("GET /jobs/{id}/run-now", "/jobs/{id}/run-now", "path says 'run'"));

    let spellings = [
        "/createdb",
        "/createdb?limit=abc&page=-1&id='",
        "/createdb?palisade=canary",
        "/CreateDB",
        "/createdb/",
        "/createdb//",
        "/create%64b",
        "/jobs/7/run-now",
        "/jobs/abc/run-now?x=1",
    ];
    for path in spellings {
        for method in ["GET", "HEAD", "OPTIONS", "POST"] {
            let err = engine.send(ProbeRequest::new(method, server.url(path)).no_cache()).await.unwrap_err();
            assert!(matches!(err, HttpError::Denied { .. }), "{method} {path}: {err:?}");
        }
    }
    assert!(server.hits().is_empty(), "server received {:?}", server.hits());
    assert_eq!(engine.health().refused, spellings.len() as u64 * 4);
    assert_eq!(engine.health().requests_sent, 0);

    // Neighbours are not denied.
    for path in ["/ok", "/jobs/7", "/createdb2"] {
        engine.send(ProbeRequest::get(server.url(path))).await.unwrap();
    }
    assert_eq!(server.hits().len(), 3);
}

#[tokio::test]
async fn a_redirect_to_a_denied_operation_is_not_followed() {
    let server = TestServer::start().await;
    let engine = server.engine();
    engine.deny(DenyRule::new("GET /status/204", "/status/{code}", "test rule"));
    let resp = engine.send(ProbeRequest::get(server.url("/redirect?to=/status/204"))).await.unwrap();
    assert_eq!(resp.status, 302, "the redirect is returned as it is");
    assert!(server.hits_on("/status/204").is_empty(), "{:?}", server.hits());
    assert_eq!(server.hits_on("/redirect").len(), 1);
    assert_eq!(engine.health().refused, 1);
}

#[tokio::test]
async fn the_error_names_the_operation_and_masks_the_url() {
    let server = TestServer::start().await;
    let engine = server.engine();
    engine.deny(DenyRule::new("GET /createdb", "/createdb", "why"));
    let err = engine.send(ProbeRequest::get(server.url("/createdb?api_key=sk_live_0123456789abcdefghij"))).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("GET /createdb") && text.contains("state-changing"), "{text}");
    assert!(!text.contains("sk_live_0123456789abcdefghij"), "{text}");
    assert_eq!(engine.denied().len(), 1);
}
