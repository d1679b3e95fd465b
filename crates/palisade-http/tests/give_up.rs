//! Giving up on a hopeless target, and counting every refusal, against real
//! loopback servers (127.0.0.1 only).

mod common;

use common::TestServer;
use palisade_http::{DenyRule, Engine, EngineConfig, GiveUpPolicy, HttpError, ProbeRequest, TlsProbe, Url};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Accepts TCP and answers `/hour` with `429 Retry-After: 3600`, `/ok` with 200, and nothing else, ever.
async fn hanging_server() -> Url {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(n) if n > 0 => head.extend_from_slice(&buf[..n]),
                        _ => return,
                    }
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
                let answer = match path.as_str() {
                    "/hour" => "HTTP/1.1 429 Too Many Requests\r\nretry-after: 3600\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                    "/ok" => "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                    _ => {
                        // Hold the connection without a byte until the client hangs up.
                        while stream.read(&mut buf).await.is_ok_and(|n| n > 0) {}
                        return;
                    }
                };
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    url
}

fn config(target: &Url) -> EngineConfig {
    EngineConfig { rate_per_sec: 0.0, request_timeout: Duration::from_millis(200), ..EngineConfig::for_target(target) }
}

async fn assert_fails_fast(engine: &Engine, url: Url) {
    let started = Instant::now();
    let err = engine.send(ProbeRequest::get(url).no_cache()).await.unwrap_err();
    assert!(matches!(err, HttpError::GivenUp { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(100), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn twenty_timeouts_in_a_row_give_up_and_every_later_request_fails_at_once() {
    let target = hanging_server().await;
    let engine = Engine::new(config(&target)).unwrap();
    let sends = (0..20).map(|i| engine.send(ProbeRequest::get(target.join(&format!("/hang/{i}")).unwrap())));
    let results = futures_util::future::join_all(sends).await;
    assert!(results.iter().all(|r| matches!(r, Err(HttpError::Timeout { .. }))), "{results:?}");
    let reason = "target stopped answering: 20 consecutive timeouts";
    assert_eq!(engine.given_up().as_deref(), Some(reason));
    assert_eq!(engine.health().aborted.as_deref(), Some(reason));

    // Even an URL that would answer is not asked any more.
    assert_fails_fast(&engine, target.join("/ok").unwrap()).await;
    let health = engine.health();
    assert_eq!(health.timeouts, 20);
    assert_eq!(health.requests_sent, 20);
    assert_eq!(health.dropped, 1);
    let err = HttpError::GivenUp { reason: reason.into() };
    assert_eq!(err.to_string(), "gave up on the target (target stopped answering: 20 consecutive timeouts); nothing was sent");
}

#[tokio::test]
async fn tls_probes_fail_at_once_after_giving_up() {
    // An https target on a closed port: connection failures, and then the TLS probe is refused by the gate.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let target = Url::parse(&format!("https://127.0.0.1:{port}/")).unwrap();
    let engine = Engine::new(config(&target)).unwrap();
    for i in 0..20 {
        let err = engine.send(ProbeRequest::get(target.join(&format!("/x/{i}")).unwrap())).await.unwrap_err();
        assert!(matches!(err, HttpError::Connect { .. }), "{err:?}");
    }
    assert_eq!(engine.given_up().as_deref(), Some("target stopped answering: 20 consecutive connection failures"));
    let err = engine.tls_probe(&target, TlsProbe::Handshake).await.unwrap_err();
    assert!(matches!(err, HttpError::GivenUp { .. }), "{err:?}");
    assert_eq!(engine.health().requests_sent, 20, "the probe opened no connection");
}

#[tokio::test]
async fn a_retry_after_longer_than_the_scan_gives_up_at_once_and_abandons_requests_in_flight() {
    let target = hanging_server().await;
    let engine =
        Engine::new(EngineConfig { request_timeout: Duration::from_secs(20), max_time: Some(Duration::from_secs(300)), ..config(&target) }).unwrap();
    let waiting = {
        let engine = engine.clone();
        let url = target.join("/hang").unwrap();
        tokio::spawn(async move { engine.send(ProbeRequest::get(url)).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let resp = engine.send(ProbeRequest::get(target.join("/hour").unwrap())).await.unwrap();
    assert_eq!(resp.status, 429, "the answer is returned as it is");
    assert!(started.elapsed() < Duration::from_secs(1), "no 30 s pause before giving up: {:?}", started.elapsed());
    let reason = engine.given_up().expect("given up");
    assert!(reason.starts_with("target asked to retry after 3600 s, longer than the 29"), "{reason}");
    assert!(reason.ends_with(" s left"), "{reason}");
    // The request in flight ends now, not at its 20 s timeout.
    let err = tokio::time::timeout(Duration::from_secs(2), waiting).await.expect("abandoned").unwrap().unwrap_err();
    assert!(matches!(err, HttpError::GivenUp { .. }), "{err:?}");
    assert_eq!(engine.health().rate_limited, 1);
    assert_eq!(engine.health().timeouts, 0, "an abandoned request is not a timeout");
    assert_fails_fast(&engine, target.join("/ok").unwrap()).await;
}

#[tokio::test]
async fn a_long_retry_after_without_a_scan_time_limit_is_capped_not_given_up() {
    let target = hanging_server().await;
    let engine = Engine::new(EngineConfig { max_retry_after: Duration::from_millis(100), ..config(&target) }).unwrap();
    let resp = engine.send(ProbeRequest::get(target.join("/hour").unwrap())).await.unwrap();
    assert_eq!(resp.status, 429);
    assert_eq!(engine.given_up(), None);
    assert_eq!(engine.send(ProbeRequest::get(target.join("/ok").unwrap())).await.unwrap().status, 200);
}

#[tokio::test]
async fn a_short_retry_after_is_honoured_and_not_given_up_on() {
    let server = TestServer::start().await;
    let engine = Engine::new(EngineConfig { max_time: Some(Duration::from_secs(300)), ..server.config() }).unwrap();
    let resp = engine.send(ProbeRequest::get(server.url("/rate-limited-once"))).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(engine.given_up(), None);
    assert_eq!(engine.health().aborted, None);
}

#[tokio::test]
async fn an_api_that_answers_404_to_everything_is_never_given_up_on() {
    let server = TestServer::start().await;
    let engine = server.engine();
    let sends = (0..300).map(|i| engine.send(ProbeRequest::get(server.url(&format!("/status/404?i={i}")))));
    let results = futures_util::future::join_all(sends).await;
    assert!(results.iter().all(|r| r.as_ref().is_ok_and(|r| r.status == 404)));
    assert_eq!(engine.given_up(), None);
    assert_eq!(engine.health().aborted, None);
}

#[tokio::test]
async fn one_request_at_a_time_going_unanswered_gives_up_after_the_silence() {
    let target = hanging_server().await;
    let policy = GiveUpPolicy { consecutive_failures: 0, early_window: 0, silence: Duration::from_secs(1), ..GiveUpPolicy::default() };
    let engine = Engine::new(EngineConfig { give_up: Some(policy), ..config(&target) }).unwrap();
    assert_eq!(engine.send(ProbeRequest::get(target.join("/ok").unwrap())).await.unwrap().status, 200);
    let started = Instant::now();
    let mut timeouts = 0;
    loop {
        match engine.send(ProbeRequest::get(target.join(&format!("/hang/{timeouts}")).unwrap())).await {
            Err(HttpError::Timeout { .. }) => timeouts += 1,
            Err(HttpError::GivenUp { .. }) => break,
            other => panic!("{other:?}"),
        }
        assert!(timeouts < 20, "never gave up");
    }
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(engine.given_up().as_deref(), Some(format!("target stopped answering: no answer for 1 s ({timeouts} consecutive timeouts)").as_str()));
}

#[tokio::test]
async fn without_a_give_up_policy_failures_never_give_up() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let target = Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let engine = Engine::new(EngineConfig { give_up: None, ..config(&target) }).unwrap();
    for i in 0..60 {
        let err = engine.send(ProbeRequest::get(target.join(&format!("/x/{i}")).unwrap())).await.unwrap_err();
        assert!(matches!(err, HttpError::Connect { .. }), "{err:?}");
    }
    assert_eq!(engine.given_up(), None);
}

/// Every refusal path of `Engine::send` and `Engine::tls_probe` is counted in `health.refused`.
#[tokio::test]
async fn every_refusal_is_counted() {
    let server = TestServer::start().await;
    let elsewhere = TestServer::start().await;
    let engine = server.engine();
    engine.deny(DenyRule::new("GET /createdb", "/createdb", "summary says 'creates'"));
    let mut refusals = 0;
    let mut refused = |expected: u64, what: &str| {
        refusals += 1;
        assert_eq!(engine.health().refused, expected, "{what}");
        refusals
    };

    // Method policy.
    let err = engine.send(ProbeRequest::new("DELETE", server.url("/ok"))).await.unwrap_err();
    assert!(matches!(err, HttpError::MethodNotAllowed { .. }), "{err:?}");
    refused(1, "method policy");
    // A text-POST grant whose terms the request breaks.
    engine.permit_text_post(&server.url("/echo"));
    let err = engine.send(ProbeRequest::new("POST", server.url("/echo")).body("not json")).await.unwrap_err();
    assert!(matches!(err, HttpError::Other { .. }), "{err:?}");
    refused(2, "text POST terms");
    // Scope.
    let err = engine.send(ProbeRequest::get(elsewhere.url("/ok"))).await.unwrap_err();
    assert!(matches!(err, HttpError::OutOfScope { .. }), "{err:?}");
    refused(3, "scope");
    // Deny-list.
    let err = engine.send(ProbeRequest::get(server.url("/createdb"))).await.unwrap_err();
    assert!(matches!(err, HttpError::Denied { .. }), "{err:?}");
    refused(4, "deny-list");
    // A redirect hop out of scope, and one to a denied operation: the 3xx is returned, the hop refused.
    let mut away = server.url("/redirect");
    away.query_pairs_mut().append_pair("to", elsewhere.url("/ok").as_str());
    assert_eq!(engine.send(ProbeRequest::get(away)).await.unwrap().status, 302);
    refused(5, "redirect out of scope");
    let mut denied = server.url("/redirect");
    denied.query_pairs_mut().append_pair("to", "/createdb");
    assert_eq!(engine.send(ProbeRequest::get(denied)).await.unwrap().status, 302);
    refused(6, "redirect to a denied operation");
    // TLS probes: out of scope, and not an https URL.
    let tls_elsewhere = Url::parse(&format!("https://127.0.0.1:{}/", elsewhere.base.port().unwrap())).unwrap();
    assert!(matches!(engine.tls_probe(&tls_elsewhere, TlsProbe::Handshake).await, Err(HttpError::OutOfScope { .. })));
    refused(7, "TLS probe out of scope");
    assert!(matches!(engine.tls_probe(&server.base, TlsProbe::Handshake).await, Err(HttpError::InvalidUrl { .. })));
    let total = refused(8, "TLS probe of a plain-HTTP URL");
    assert_eq!(total, 8);
    assert!(elsewhere.hits().is_empty(), "nothing reached the other origin");
    assert!(server.hits_on("/createdb").is_empty(), "nothing reached the denied operation");
}
