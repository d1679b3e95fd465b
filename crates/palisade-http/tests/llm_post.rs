//! `Engine::permit_text_post`: the one narrowly scoped POST a read-only
//! policy sends (the LLM check's prompt probes). Loopback servers only.

mod common;

use common::TestServer;
use palisade_http::{HttpError, ProbeRequest, TEXT_POST_MAX_BODY, TEXT_POST_MAX_PER_URL};

fn json_post(url: palisade_http::Url, body: &str) -> ProbeRequest {
    ProbeRequest::new("POST", url).body(body.to_string())
}

#[tokio::test]
async fn read_only_policy_still_refuses_post_without_a_grant() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let err = engine.send(json_post(server.url("/ok"), "{}")).await.unwrap_err();
    assert!(matches!(err, HttpError::MethodNotAllowed { .. }), "{err}");
    assert!(server.hits().is_empty());
}

#[tokio::test]
async fn a_grant_permits_small_json_posts_to_exactly_that_url() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let chat = server.url("/ok");
    engine.permit_text_post(&chat);

    let resp = engine.send(json_post(chat.clone(), r#"{"message":"hi pal_canary_x"}"#)).await.unwrap();
    assert_eq!(resp.status, 200);
    let hits = server.hits_on("/ok");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].method, "POST");
    assert_eq!(hits[0].header("content-type"), Some("application/json"));

    // Another path, another query, or another method: still refused.
    for (method, url) in [("POST", server.url("/echo")), ("POST", server.url("/ok?x=1")), ("PUT", chat.clone()), ("DELETE", chat.clone())] {
        let err = engine.send(ProbeRequest::new(method, url).body("{}")).await.unwrap_err();
        assert!(matches!(err, HttpError::MethodNotAllowed { .. }), "{method}: {err}");
    }
    assert_eq!(server.hits().len(), 1);
}

#[tokio::test]
async fn bodies_that_break_the_grant_are_refused_before_sending() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let chat = server.url("/ok");
    engine.permit_text_post(&chat);
    let too_big = format!(r#"{{"message":"{}"}}"#, "a".repeat(TEXT_POST_MAX_BODY));
    let cases = [
        json_post(chat.clone(), &too_big),
        json_post(chat.clone(), "not json"),
        ProbeRequest::new("POST", chat.clone()),
        json_post(chat.clone(), "{}").header("Content-Type", "application/x-www-form-urlencoded"),
    ];
    for req in cases {
        let err = engine.send(req).await.unwrap_err();
        assert!(matches!(err, HttpError::Other { ref reason } if reason.contains("refused")), "{err}");
    }
    assert!(server.hits().is_empty());
    assert_eq!(engine.text_posts_left(&chat), TEXT_POST_MAX_PER_URL);
}

#[tokio::test]
async fn the_allowance_is_bounded_and_regranting_does_not_refill_it() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let chat = server.url("/ok");
    engine.permit_text_post(&chat);
    for _ in 0..TEXT_POST_MAX_PER_URL {
        engine.permit_text_post(&chat);
        engine.send(json_post(chat.clone(), "{}")).await.unwrap();
    }
    let err = engine.send(json_post(chat.clone(), "{}")).await.unwrap_err();
    assert!(err.to_string().contains("used up"), "{err}");
    assert_eq!(server.hits_on("/ok").len(), TEXT_POST_MAX_PER_URL as usize);
}

#[tokio::test]
async fn permitted_posts_are_never_redirected() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let url = server.url("/redirect?to=%2Fok");
    engine.permit_text_post(&url);
    let resp = engine.send(json_post(url, "{}")).await.unwrap();
    assert_eq!(resp.status, 302);
    assert!(server.hits_on("/ok").is_empty());
}
