//! Credential refresh in the engine, against an axum server on 127.0.0.1
//! whose first token expires after one use: concurrent 401s share one
//! refresh, requests that set their own auth header are not refreshed,
//! refreshes are bounded per identity, and callers only see the re-sent answer.

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use palisade_http::refresh::FreshHeader;
use palisade_http::{AuthMode, CredentialRefresher, Credentials, Engine, EngineConfig, ProbeRequest, RefreshHook, Url};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const OLD: &str = "old-token-1";
const FRESH: &str = "fresh-token-2";

/// Counts calls; answers `Authorization: Bearer FRESH` after a short delay
/// (so concurrent failures overlap), or an error when `fail` is set.
struct Counting {
    calls: AtomicU32,
    fail: bool,
}

impl CredentialRefresher for Counting {
    fn covers(&self, identity: &str) -> bool {
        identity == "alice"
    }
    fn refresh<'a>(&'a self, _identity: &'a str) -> Pin<Box<dyn Future<Output = Result<FreshHeader, String>> + Send + 'a>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(150)).await;
            if self.fail {
                Err("command failed".into())
            } else {
                Ok(("Authorization".into(), format!("Bearer {FRESH}")))
            }
        })
    }
}

/// `/data`: the old token works once, then 401; the fresh one always works.
async fn start() -> (Url, Arc<Mutex<Vec<String>>>, tokio::task::JoinHandle<()>) {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let uses = Arc::new(AtomicU32::new(0));
    let s = seen.clone();
    let app = Router::new().route(
        "/data/{n}",
        get(move |headers: HeaderMap| {
            let s = s.clone();
            let uses = uses.clone();
            async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                s.lock().unwrap().push(auth.clone());
                let ok = auth == format!("Bearer {FRESH}") || (auth == format!("Bearer {OLD}") && uses.fetch_add(1, Ordering::SeqCst) == 0);
                if ok {
                    (StatusCode::OK, "data").into_response()
                } else {
                    (StatusCode::UNAUTHORIZED, "expired").into_response()
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, seen, handle)
}

fn engine(base: &Url, refresher: Arc<Counting>, max: u32) -> Engine {
    let identities = BTreeMap::from([("alice".to_string(), Credentials::new().bearer(OLD))]);
    let hook = RefreshHook { refresher, max_per_identity: max };
    Engine::new(EngineConfig { identities, rate_per_sec: 0.0, concurrency: 8, credential_refresh: Some(hook), ..EngineConfig::for_target(base) })
        .unwrap()
}

fn alice(base: &Url, n: u32) -> ProbeRequest {
    ProbeRequest::get(base.join(&format!("/data/{n}")).unwrap()).auth(AuthMode::Identity("alice".into()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_expiries_share_one_refresh_and_callers_see_only_the_retry() {
    let (base, seen, handle) = start().await;
    let refresher = Arc::new(Counting { calls: AtomicU32::new(0), fail: false });
    let engine = engine(&base, refresher.clone(), 3);
    assert_eq!(engine.send(alice(&base, 0)).await.unwrap().status, 200, "first use of the old token");
    let tasks: Vec<_> = (1..=8)
        .map(|n| {
            tokio::spawn({
                let (engine, req) = (engine.clone(), alice(&base, n));
                async move { engine.send(req).await.unwrap().status }
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200, "callers see the re-sent answer");
    }
    assert_eq!(refresher.calls.load(Ordering::SeqCst), 1, "one refresh for all concurrent 401s");
    let events = engine.refresh_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].outcome, Ok("Authorization".to_string()));
    // The 401s are in the log (recorded), each failed request re-sent once with the fresh token.
    let log = engine.exchanges();
    assert_eq!(log.iter().filter(|e| e.status == Some(401)).count(), seen.lock().unwrap().iter().filter(|a| a.ends_with(OLD)).count() - 1);
    assert!(!format!("{log:?}").contains(FRESH), "the fresh token is masked in the log");
    // A request that sets its own Authorization header is a test of that header: never refreshed.
    let own = ProbeRequest::get(base.join("/data/99").unwrap()).auth(AuthMode::Identity("alice".into())).header("Authorization", "Bearer forged");
    assert_eq!(engine.send(own).await.unwrap().status, 401);
    assert_eq!(refresher.calls.load(Ordering::SeqCst), 1);
    handle.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_refreshes_are_bounded_and_leave_the_401() {
    let (base, _seen, handle) = start().await;
    let refresher = Arc::new(Counting { calls: AtomicU32::new(0), fail: true });
    let engine = engine(&base, refresher.clone(), 2);
    // Before any success, a 401 is just a 401: no refresh.
    let fresh_engine = self::engine(&base, Arc::new(Counting { calls: AtomicU32::new(0), fail: false }), 2);
    assert_eq!(engine.send(alice(&base, 0)).await.unwrap().status, 200);
    for n in 1..=5 {
        assert_eq!(engine.send(alice(&base, n)).await.unwrap().status, 401);
    }
    assert_eq!(refresher.calls.load(Ordering::SeqCst), 2, "at most max_per_identity refreshes");
    assert!(engine.refresh_events().iter().all(|e| e.outcome == Err("command failed".to_string())));
    // The old token is used up on this server now: a new engine's first request fails and is not refreshed.
    assert_eq!(fresh_engine.send(alice(&base, 7)).await.unwrap().status, 401);
    assert!(fresh_engine.refresh_events().is_empty());
    handle.abort();
}
