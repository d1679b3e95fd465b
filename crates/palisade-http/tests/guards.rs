//! Method policy, scope, redirects, credentials and masked recording,
//! against real loopback servers that log what they received.

mod common;

use common::{closed_port_url, TestServer};
use palisade_core::ScanEvent;
use palisade_http::{AuthMode, Credentials, Engine, EngineConfig, HttpError, MethodPolicy, ProbeRequest};
use std::collections::BTreeMap;

#[tokio::test]
async fn post_is_refused_under_default_policy_and_server_sees_nothing() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let err = engine.send(ProbeRequest::new("POST", server.url("/ok")).body("x=1")).await.unwrap_err();
    assert!(matches!(err, HttpError::MethodNotAllowed { ref method } if method == "POST"), "{err:?}");
    let err = engine.send(ProbeRequest::new("delete", server.url("/ok"))).await.unwrap_err();
    assert!(matches!(err, HttpError::MethodNotAllowed { .. }));
    assert!(server.hits().is_empty(), "server received {:?}", server.hits());
    assert_eq!(engine.health().refused, 2);
    assert_eq!(engine.health().requests_sent, 0);
}

#[tokio::test]
async fn allowed_post_goes_through_with_its_body() {
    let server = TestServer::start().await;
    let engine = Engine::new(EngineConfig { policy: MethodPolicy::read_only().allow("POST"), ..server.config() }).unwrap();
    let resp = engine.send(ProbeRequest::new("POST", server.url("/ok")).body("x=1")).await.unwrap();
    assert_eq!(resp.status, 200);
    let hits = server.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].method, "POST");
}

#[tokio::test]
async fn out_of_scope_url_is_refused_before_any_connection() {
    let server = TestServer::start().await;
    let other = TestServer::start().await;
    let engine = server.engine();
    let err = engine.send(ProbeRequest::get(other.url("/ok?api_key=outofscopesecret123"))).await.unwrap_err();
    assert!(matches!(err, HttpError::OutOfScope { .. }), "{err:?}");
    assert!(!err.to_string().contains("outofscopesecret123"), "{err}");
    assert!(other.hits().is_empty());
    assert_eq!(engine.health().refused, 1);
}

#[tokio::test]
async fn extra_scope_origin_is_reachable() {
    let server = TestServer::start().await;
    let other = TestServer::start().await;
    let mut cfg = server.config();
    cfg.scope.add(&other.base);
    let engine = Engine::new(cfg).unwrap();
    assert_eq!(engine.send(ProbeRequest::get(other.url("/ok"))).await.unwrap().status, 200);
    assert_eq!(other.hits().len(), 1);
}

#[tokio::test]
async fn redirect_to_another_port_is_not_followed() {
    let server = TestServer::start().await;
    let elsewhere = TestServer::start().await;
    let engine = server.engine();
    let mut start = server.url("/redirect");
    start.query_pairs_mut().append_pair("to", elsewhere.url("/ok").as_str());
    let resp = engine.send(ProbeRequest::get(start.clone())).await.unwrap();
    assert_eq!(resp.status, 302, "the 3xx itself is returned");
    assert_eq!(resp.url, start);
    assert!(resp.redirects.is_empty());
    assert_eq!(elsewhere.hits().len(), 0, "the out-of-scope listener must never be contacted");
}

#[tokio::test]
async fn in_scope_redirects_are_followed_and_every_hop_recorded() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let resp = engine.send(ProbeRequest::get(server.url("/chain/2"))).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.text(), "end of chain");
    assert_eq!(resp.url, server.url("/chain/0"));
    assert_eq!(resp.redirects, vec![server.url("/chain/1"), server.url("/chain/0")]);
    let log = engine.exchanges();
    let statuses: Vec<Option<u16>> = log.iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec![Some(302), Some(302), Some(200)]);
    assert_eq!(engine.exchange(resp.exchange_id).unwrap().url, server.url("/chain/0").to_string());
}

#[tokio::test]
async fn no_redirects_returns_the_3xx() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let resp = engine.send(ProbeRequest::get(server.url("/chain/1")).no_redirects()).await.unwrap();
    assert_eq!(resp.status, 302);
    assert_eq!(resp.header("Location"), Some("/chain/0"));
    assert_eq!(server.hits().len(), 1);
}

#[tokio::test]
async fn redirect_loop_ends_with_an_error() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let err = engine.send(ProbeRequest::get(server.url("/loop-a"))).await.unwrap_err();
    assert!(matches!(err, HttpError::RedirectLoop { .. }), "{err:?}");
    assert_eq!(server.hits().len(), 2);
}

#[tokio::test]
async fn more_than_five_redirects_is_an_error() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let err = engine.send(ProbeRequest::get(server.url("/chain/9"))).await.unwrap_err();
    assert!(matches!(err, HttpError::TooManyRedirects { .. }), "{err:?}");
    assert_eq!(server.hits().len(), 6, "the start plus five followed hops");
    // Exactly five hops is fine.
    let resp = engine.send(ProbeRequest::get(server.url("/chain/5"))).await.unwrap();
    assert_eq!(resp.redirects.len(), 5);
}

#[tokio::test]
async fn see_other_after_post_becomes_get() {
    let server = TestServer::start().await;
    let engine = Engine::new(EngineConfig { policy: MethodPolicy::read_only().allow("POST"), ..server.config() }).unwrap();
    let resp = engine.send(ProbeRequest::new("POST", server.url("/see-other")).body("a=1")).await.unwrap();
    assert_eq!(resp.status, 200);
    let methods: Vec<String> = server.hits().into_iter().map(|h| h.method).collect();
    assert_eq!(methods, vec!["POST", "GET"]);
}

const TOKEN: &str = "tok_live_9f8e7d6c5b4a3928171615141312";
const API_KEY: &str = "key_0a1b2c3d4e5f6a7b8c9d0e1f";
const CUSTOM: &str = "customheadersecret_77665544";

fn secret_config(server: &TestServer) -> EngineConfig {
    let mut identities = BTreeMap::new();
    identities.insert("default".to_string(), Credentials::new().bearer(TOKEN).api_key_header("X-Tenant-Pass", CUSTOM));
    identities.insert("querykey".to_string(), Credentials::new().api_key_query("api_key", API_KEY));
    EngineConfig { identities, ..server.config() }
}

fn assert_no_secret(text: &str) {
    for secret in [TOKEN, API_KEY, CUSTOM, "servercookievalue123456"] {
        assert!(!text.contains(secret), "secret {secret} leaked in: {text}");
    }
}

#[tokio::test]
async fn credentials_are_sent_but_never_recorded() {
    let server = TestServer::start().await;
    let engine = Engine::new(secret_config(&server)).unwrap();
    engine.send(ProbeRequest::get(server.url("/echo"))).await.unwrap();
    engine.send(ProbeRequest::get(server.url("/ok")).auth(AuthMode::Identity("querykey".into()))).await.unwrap();

    let hits = server.hits();
    assert_eq!(hits[0].header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(hits[0].header("x-tenant-pass"), Some(CUSTOM));
    assert!(hits[1].target.contains(&format!("api_key={API_KEY}")), "{}", hits[1].target);
    assert_eq!(hits[1].header("authorization"), None, "identities do not mix");

    let log = engine.exchanges();
    assert_no_secret(&format!("{log:?}"));
    // The record still shows that credentials were sent, masked.
    let auth = log[0].request_headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")).unwrap();
    assert!(auth.1.starts_with("Bearer "), "{auth:?}");
    assert!(log[1].url.contains("api_key="), "{}", log[1].url);
    // Response set-cookie is masked too.
    assert!(log[0].response_header("set-cookie").unwrap().starts_with("sid="));
}

#[tokio::test]
async fn errors_never_show_credentials() {
    let server = TestServer::start().await;
    let closed = closed_port_url().await;
    let mut cfg = secret_config(&server);
    cfg.scope.add(&closed);
    let engine = Engine::new(cfg).unwrap();
    let err = engine.send(ProbeRequest::get(closed.join("/x").unwrap()).auth(AuthMode::Identity("querykey".into()))).await.unwrap_err();
    assert!(matches!(err, HttpError::Connect { .. }), "{err:?}");
    assert_no_secret(&err.to_string());
    assert_no_secret(&format!("{err:?}"));
    let log = engine.exchanges();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, None);
    assert!(log[0].error.is_some());
    assert_no_secret(&format!("{log:?}"));
    assert_eq!(engine.health().connection_errors, 1);
}

#[tokio::test]
async fn anonymous_sends_no_credentials() {
    let server = TestServer::start().await;
    let engine = Engine::new(secret_config(&server)).unwrap();
    engine.send(ProbeRequest::get(server.url("/ok")).auth(AuthMode::Anonymous)).await.unwrap();
    let hit = &server.hits()[0];
    assert_eq!(hit.header("authorization"), None);
    assert_eq!(hit.header("x-tenant-pass"), None);
    assert!(hit.header("user-agent").unwrap().starts_with("palisade/"));
}

#[tokio::test]
async fn unknown_identity_is_a_clear_error() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let err = engine.send(ProbeRequest::get(server.url("/ok")).auth(AuthMode::Identity("admin".into()))).await.unwrap_err();
    assert!(err.to_string().contains("admin"), "{err}");
    assert!(server.hits().is_empty());
}

#[tokio::test]
async fn invalid_utf8_body_is_kept_as_bytes() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let resp = engine.send(ProbeRequest::get(server.url("/binary"))).await.unwrap();
    assert_eq!(&resp.body[..], b"ok\xff\xfe\x80 tail");
    assert!(resp.text().starts_with("ok") && resp.text().ends_with(" tail"));
    assert!(resp.json().is_none());
    assert_eq!(resp.content_type(), Some("application/octet-stream"));
    assert!(engine.exchange(resp.exchange_id).unwrap().body_excerpt.contains('\u{FFFD}'));
}

#[tokio::test]
async fn every_exchange_emits_a_request_event() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    engine.set_events(tx);
    engine.send(ProbeRequest::get(server.url("/chain/1"))).await.unwrap();
    let mut statuses = Vec::new();
    while let Ok(event) = rx.try_recv() {
        match event {
            ScanEvent::Request { method, status, .. } => {
                assert_eq!(method, "GET");
                statuses.push(status);
            }
            other => panic!("unexpected event {other:?}"),
        }
    }
    assert_eq!(statuses, vec![Some(302), Some(200)]);
}

#[tokio::test]
async fn server_errors_are_health_not_failures() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let resp = engine.send(ProbeRequest::get(server.url("/status/500"))).await.unwrap();
    assert_eq!(resp.status, 500);
    assert_eq!(engine.health().server_errors, 1);
    assert_eq!(engine.health().requests_sent, 1);
}

#[tokio::test]
async fn request_header_replaces_the_identity_header_of_that_name() {
    let server = TestServer::start().await;
    let engine = Engine::new(secret_config(&server)).unwrap();
    engine.send(ProbeRequest::get(server.url("/ok")).header("authorization", "Bearer canary-value-1234567")).await.unwrap();
    let hit = &server.hits()[0];
    let auths: Vec<&str> = hit.headers.iter().filter(|(k, _)| k == "authorization").map(|(_, v)| v.as_str()).collect();
    assert_eq!(auths, vec!["Bearer canary-value-1234567"]);
    assert_eq!(hit.header("x-tenant-pass"), Some(CUSTOM), "other identity headers stay");
}

#[tokio::test]
async fn debug_of_requests_and_responses_masks_secrets() {
    let server = TestServer::start().await;
    let engine = Engine::new(secret_config(&server)).unwrap();
    let req = ProbeRequest::get(server.url(&format!("/echo?api_key={API_KEY}"))).header("Authorization", format!("Bearer {TOKEN}"));
    assert_no_secret(&format!("{req:?}"));
    let resp = engine.send(req).await.unwrap();
    assert_no_secret(&format!("{resp:?}"));
    assert_no_secret(&format!("{:?}", engine.config()));
}

#[tokio::test]
async fn unusable_location_returns_the_3xx() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let mut start = server.url("/redirect");
    start.query_pairs_mut().append_pair("to", "http://exa mple:99999/\u{0}");
    let resp = engine.send(ProbeRequest::get(start)).await.unwrap();
    assert_eq!(resp.status, 302);
    assert_eq!(server.hits().len(), 1);
}
