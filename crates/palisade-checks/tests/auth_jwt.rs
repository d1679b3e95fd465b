//! Authentication gaps AU009–AU013 against real loopback servers: the
//! vulnerable demo or a vulnerable axum fixture (positive) and the hardened
//! twin or the fixed fixture (negative).

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use palisade_checks::Rule;
use palisade_core::{Report, Severity};
use palisade_demo::{DemoConfig, DemoServer};
use palisade_http::{Credentials, Engine, EngineConfig, ProbeRequest, Url};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

mod finding_snap;
mod support;

const MINE: &[&str] = &["AU003", "AU009", "AU010", "AU011", "AU012", "AU013", "AU014"];

async fn scan(base: &str, identities: BTreeMap<String, Credentials>) -> Report {
    support::run(support::scanner(base).identities(identities).select_rules(MINE.iter().copied())).await
}

fn rules_of(report: &Report) -> BTreeSet<&str> {
    report.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn details_of<'a>(report: &'a Report, rule: &str) -> BTreeSet<&'a str> {
    report.findings.iter().filter(|f| f.rule == rule).filter_map(|f| f.detail.as_deref()).collect()
}

fn bearer(token: &str) -> BTreeMap<String, Credentials> {
    BTreeMap::from([("default".to_string(), Credentials::new().bearer(token))])
}

async fn serve(app: Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), handle)
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn hs256(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// A strong secret the wordlist does not hold.
const STRONG: &[u8] = b"c0a1e77f5b2d49e8a3f6d0b9c4e2a71f";

/// Fixed values so masked tokens in snapshots are stable (expiry is not what these fixtures test).
fn good_claims() -> Value {
    json!({"sub": "u1", "iss": "https://id.fixture", "aud": "fixture-api", "iat": 1_900_000_000, "exp": 1_900_000_600})
}

/// Serves `/api/issue` with a token built from `header`, plus a spec.
fn token_app(header: Value, claims: Value) -> Router {
    let token = hs256(&header, &claims, STRONG);
    Router::new()
        .route("/openapi.json", get(|| async { ([("content-type", "application/json")], TOKEN_SPEC) }))
        .route("/api/issue", get(move || async move { Json(json!({"access_token": token, "token_type": "Bearer"})) }))
}

const TOKEN_SPEC: &str = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{
 "/api/issue":{"get":{"responses":{"200":{"description":"ok"}}}}}}"#;

/// The demo's tokens carry plain HS256 headers, so AU009 cannot show there:
/// axum fixtures issuing tokens with jku/x5u/kid/jwk headers (positive) and
/// one with an opaque kid and no key parameters (negative).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_header_risks_are_reported_by_kind_and_a_plain_header_is_not() {
    let header = json!({"alg": "HS256", "typ": "JWT", "jku": "http://keys.attacker.example/jwks.json", "kid": "../../../dev/null", "jwk": {"kty": "oct", "k": "AAAA"}});
    let (base, handle) = serve(token_app(header, good_claims())).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    support::assert_fires(&report, Rule::AU009);
    assert_eq!(details_of(&report, "AU009"), BTreeSet::from(["jku", "kid", "jwk"]), "{:?}", report.findings);
    let jku = report.findings.iter().find(|f| f.rule == "AU009" && f.detail.as_deref() == Some("jku")).unwrap();
    assert_eq!(jku.severity, Severity::High);
    assert_eq!(jku.evidence.location, "response.body");
    assert!(!rules_of(&report).contains("AU010"), "iss and aud are present");
    insta::assert_snapshot!("AU009_jwt_header_risks", finding_snap::render(&report.findings, "AU009", &[(base.as_str(), "<origin>")]));

    // Same-host https jku: medium; kid with a SQL quote.
    let host = Url::parse(&base).unwrap().host_str().unwrap().to_string();
    let header = json!({"alg": "HS256", "x5u": format!("https://{host}/certs.pem"), "kid": "k1' OR '1'='1"});
    let (base, handle) = serve(token_app(header, good_claims())).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    let x5u = report.findings.iter().find(|f| f.rule == "AU009" && f.detail.as_deref() == Some("x5u")).unwrap();
    assert_eq!(x5u.severity, Severity::Medium);
    assert!(details_of(&report, "AU009").contains("kid"));

    // Fixed: an opaque kid and no key parameters.
    let (base, handle) = serve(token_app(json!({"alg": "HS256", "typ": "JWT", "kid": "2026-01-key"}), good_claims())).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    support::assert_quiet(&report, Rule::AU009);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_iss_and_aud_are_reported_and_not_when_present() {
    let claims = json!({"sub": "u1", "aud": "fixture-api", "exp": 1_900_000_600});
    let (base, handle) = serve(token_app(json!({"alg": "HS256"}), claims)).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    assert_eq!(details_of(&report, "AU010"), BTreeSet::from(["missing-iss"]));
    let f = report.findings.iter().find(|f| f.rule == "AU010").unwrap();
    assert_eq!(f.severity, Severity::Low);
    insta::assert_snapshot!("AU010_missing_iss", finding_snap::render(&report.findings, "AU010", &[(base.as_str(), "<origin>")]));

    // The vulnerable demo's token has neither; the hardened twin's token (user's own) has both.
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let report = scan(&server.base_url(), BTreeMap::new()).await;
    server.shutdown().await;
    assert_eq!(details_of(&report, "AU010"), BTreeSet::from(["missing-iss-aud"]), "{:?}", report.findings);

    let hardened = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let token = demo_token(&hardened, Some(hardened.api_key())).await;
    let report = scan(&hardened.base_url(), bearer(&token)).await;
    hardened.shutdown().await;
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// The demo's access token, fetched through our own engine (loopback only).
async fn demo_token(server: &DemoServer, api_key: Option<&str>) -> String {
    let url = Url::parse(&format!("{}/api/v1/token", server.base_url())).unwrap();
    let engine = Engine::new(EngineConfig::for_target(&url)).unwrap();
    let mut req = ProbeRequest::get(url);
    if let Some(k) = api_key {
        req = req.header("X-API-Key", k);
    }
    let resp = engine.send(req).await.unwrap();
    assert_eq!(resp.status, 200);
    resp.json().unwrap()["access_token"].as_str().unwrap().to_string()
}

// ------------------------------------------------------------ AU013

/// `/api/me` accepts HS256 tokens signed with `secret`; `checks_exp` decides
/// whether an expired one is refused.
fn me_app(checks_exp: bool) -> Router {
    const SPEC: &str = r#"{"openapi":"3.0.3","info":{"title":"me","version":"1"},
     "components":{"securitySchemes":{"Bearer":{"type":"http","scheme":"bearer"}}},"security":[{"Bearer":[]}],
     "paths":{"/api/me":{"get":{"responses":{"200":{"description":"ok"},"401":{"description":"no"}}}}}}"#;
    let me = move |headers: HeaderMap| async move {
        let claims = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).and_then(|t| {
            let (input, sig) = t.rsplit_once('.')?;
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"secret").unwrap();
            mac.update(input.as_bytes());
            mac.verify_slice(&URL_SAFE_NO_PAD.decode(sig).ok()?).ok()?;
            serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(input.split('.').nth(1)?).ok()?).ok()
        });
        match claims {
            Some(c) if !checks_exp || c["exp"].as_i64().is_some_and(|e| e > now()) => Json(json!({"user": c["sub"], "role": "user"})).into_response(),
            _ => (StatusCode::UNAUTHORIZED, [("www-authenticate", "Bearer error=\"invalid_token\"")], Json(json!({"error": "unauthorized"})))
                .into_response(),
        }
    };
    Router::new().route("/openapi.json", get(|| async { ([("content-type", "application/json")], SPEC) })).route("/api/me", get(me))
}

fn weak_user_token() -> String {
    hs256(&json!({"alg": "HS256", "typ": "JWT"}), &json!({"sub": "u1", "iss": "i", "aud": "a", "exp": now() + 600}), b"secret")
}

/// AU013 needs the user's own token (`--bearer`) with a crackable secret,
/// which the plain demo scan does not have: an axum fixture that never checks
/// `exp` (positive) and one that does (negative); also the vulnerable demo
/// with its token (positive) and the hardened twin with its own (negative).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_copy_of_a_cracked_token_is_accepted_only_where_exp_is_not_checked() {
    let token = weak_user_token();
    let (base, handle) = serve(me_app(false)).await;
    let report = scan(&base, bearer(&token)).await;
    handle.abort();
    let f = support::assert_fires(&report, Rule::AU013)[0];
    assert_eq!(f.endpoint, "GET /api/me");
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.evidence.related.len(), 2, "baseline and anonymous exchanges are cited");
    assert!(report.exchange(f.evidence.exchange.unwrap()).is_some());
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains(&token) && !json.contains(token.rsplit('.').next().unwrap()), "token leaked");
    assert!(report.exchanges.iter().all(|e| matches!(e.method.as_str(), "GET" | "HEAD" | "OPTIONS")), "read-only");
    // The forged copy's exp depends on the clock: its masked form is scrubbed.
    let forged = f.evidence.excerpt.split("Bearer ").nth(1).and_then(|r| r.split(" (exp").next()).unwrap().to_string();
    insta::assert_snapshot!(
        "AU013_expired_token_accepted",
        finding_snap::render(&report.findings, "AU013", &[(base.as_str(), "<origin>"), (forged.as_str(), "<masked-token>")])
    );

    // The fixed server checks exp: cracked (AU003) but no AU013.
    let (base, handle) = serve(me_app(true)).await;
    let report = scan(&base, bearer(&token)).await;
    handle.abort();
    support::assert_fires(&report, Rule::AU003);
    support::assert_quiet(&report, Rule::AU013);

    // Never without the user's token.
    let (base, handle) = serve(me_app(false)).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    support::assert_quiet(&report, Rule::AU013);

    // The vulnerable demo never checks exp; the hardened twin's secret is not crackable.
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let token = demo_token(&server, None).await;
    let report = scan(&server.base_url(), bearer(&token)).await;
    server.shutdown().await;
    let on_demo = support::assert_fires(&report, Rule::AU013);
    assert!(on_demo.iter().any(|f| f.endpoint == "GET /api/v1/me"), "{:?}", report.findings);
    let hardened = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let token = demo_token(&hardened, Some(hardened.api_key())).await;
    let report = scan(&hardened.base_url(), bearer(&token)).await;
    hardened.shutdown().await;
    support::assert_quiet(&report, Rule::AU013);
}

// ------------------------------------------------------------ AU011

fn links_app(leaky: bool) -> Router {
    let jwt = hs256(&json!({"alg": "HS256"}), &good_claims(), STRONG);
    let (loc, next) = if leaky {
        (format!("/welcome?access_token={jwt}"), "/api/items?page=2&id_token=Zx9Qw8Er7Ty6Ui5Op4As".to_string())
    } else {
        ("/welcome?from=login".to_string(), "/api/items?page=2".to_string())
    };
    Router::new()
        .route("/login/callback", get(move || async move { (StatusCode::FOUND, [("location", loc)]).into_response() }))
        .route("/api/items", get(move || async move { Json(json!({"items": [], "next": next})) }))
        .route("/welcome", get(|| async { "welcome" }))
        .route(
            "/openapi.json",
            get(|| async {
                ([("content-type", "application/json")], r#"{"openapi":"3.0.3","info":{"title":"l","version":"1"},"paths":{
                 "/login/callback":{"get":{"responses":{"302":{"description":"r"}}}},"/api/items":{"get":{"responses":{"200":{"description":"ok"}}}}}}"#)
            }),
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_in_urls_are_reported_masked_and_clean_links_are_not() {
    let (base, handle) = serve(links_app(true)).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    assert_eq!(details_of(&report, "AU011"), BTreeSet::from(["access_token", "id_token"]), "{:?}", report.findings);
    let loc = report.findings.iter().find(|f| f.rule == "AU011" && f.detail.as_deref() == Some("access_token")).unwrap();
    assert_eq!(loc.evidence.location, "response.header.Location");
    assert_eq!(loc.severity, Severity::Medium);
    let json = serde_json::to_string(&report.findings).unwrap();
    assert!(!json.contains("Zx9Qw8Er7Ty6Ui5Op4As"), "token value leaked in findings");
    insta::assert_snapshot!("AU011_token_in_url", finding_snap::render(&report.findings, "AU011", &[(base.as_str(), "<origin>")]));

    // The target URL the user gave carries a token.
    let (base, handle) = serve(links_app(false)).await;
    let report = scan(&format!("{base}/api/items?access_token=Qm9vYmFyQmF6UXV4MTIzNDU2"), BTreeMap::new()).await;
    handle.abort();
    let f = report.findings.iter().find(|f| f.rule == "AU011").unwrap_or_else(|| panic!("{:?}", report.findings));
    assert_eq!(f.evidence.location, "target.url");

    let (base, handle) = serve(links_app(false)).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    assert!(!rules_of(&report).contains("AU011"), "{:?}", report.findings);
}

// ------------------------------------------------------------ AU012

fn challenge_app(scheme: &'static str) -> Router {
    Router::new()
        .route("/api/private", get(move || async move { (StatusCode::UNAUTHORIZED, [("www-authenticate", scheme)], "no").into_response() }))
        .route(
            "/openapi.json",
            get(|| async {
                (
                    [("content-type", "application/json")],
                    r#"{"openapi":"3.0.3","info":{"title":"c","version":"1"},"paths":{
                 "/api/private":{"get":{"responses":{"200":{"description":"ok"},"401":{"description":"no"}}}}}}"#,
                )
            }),
        )
}

/// The demo has no Basic auth, so AU012 cannot show there: an axum fixture
/// challenging with Basic over plain HTTP (positive) and with Bearer
/// (negative), and the user's own Basic credentials to an http:// target.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_auth_over_plain_http_is_reported_and_a_bearer_challenge_is_not() {
    let (base, handle) = serve(challenge_app("Basic realm=\"fixture\"")).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    let au012 = support::assert_fires(&report, Rule::AU012);
    assert_eq!(au012.len(), 1, "{:?}", report.findings);
    let f = au012[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.detail.as_deref(), Some("challenge"));
    insta::assert_snapshot!("AU012_basic_challenge_over_http", finding_snap::render(&report.findings, "AU012", &[(base.as_str(), "<origin>")]));

    let (base, handle) = serve(challenge_app("Bearer realm=\"fixture\"")).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    support::assert_quiet(&report, Rule::AU012);

    // The user's own Basic credentials to an http:// target.
    let (base, handle) = serve(challenge_app("Bearer realm=\"fixture\"")).await;
    let basic = BTreeMap::from([("default".to_string(), Credentials::new().header("Authorization", "Basic dXNlcjpodW50ZXIy"))]);
    let report = scan(&base, basic).await;
    handle.abort();
    assert_eq!(details_of(&report, "AU012"), BTreeSet::from(["user-credentials"]));
    assert!(!serde_json::to_string(&report.findings).unwrap().contains("dXNlcjpodW50ZXIy"));
}

// ------------------------------------------------------------ AU014

/// `POST /api/login` (never called by the scan: `posts` counts attempts) and
/// `POST /api/password-reset`; `limited` adds RateLimit headers everywhere,
/// `declares_429` puts a 429 in the spec.
fn login_app(limited: bool, declares_429: bool, posts: std::sync::Arc<std::sync::atomic::AtomicUsize>) -> Router {
    let extra = if declares_429 { r#","429":{"description":"slow down"}"# } else { "" };
    let spec = format!(
        r#"{{"openapi":"3.0.3","info":{{"title":"login","version":"1"}},"paths":{{
         "/api/login":{{"post":{{"operationId":"login","responses":{{"200":{{"description":"ok"}},"401":{{"description":"no"}}{extra}}}}}}},
         "/api/profile":{{"get":{{"operationId":"getProfile","responses":{{"200":{{"description":"ok"}}}}}}}}}}}}"#
    );
    let app = Router::new()
        .route("/openapi.json", get(move || async move { ([("content-type", "application/json")], spec) }))
        .route(
            "/api/login",
            axum::routing::post(move || async move {
                posts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Json(json!({"ok": false}))
            }),
        )
        .route("/api/profile", get(|| async { Json(json!({"name": "x"})) }));
    if limited {
        app.layer(axum::middleware::map_response(|mut r: axum::response::Response| async move {
            r.headers_mut().insert("ratelimit-policy", axum::http::HeaderValue::from_static("5;w=60"));
            r
        }))
    } else {
        app
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_without_rate_limit_signals_is_reported_without_ever_posting() {
    let posts = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (base, handle) = serve(login_app(false, false, posts.clone())).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    let found: Vec<_> = report.findings.iter().filter(|f| f.rule == "AU014").collect();
    assert_eq!(found.len(), 1, "{:?}", report.findings);
    assert_eq!(found[0].endpoint, "POST /api/login");
    assert_eq!(found[0].severity, Severity::Low);
    assert!(found[0].evidence.excerpt.contains("OPTIONS"), "{}", found[0].evidence.excerpt);
    insta::assert_snapshot!("AU014_login_without_rate_limit_signal", finding_snap::render(&report.findings, "AU014", &[(base.as_str(), "<origin>")]));

    for (limited, declares_429) in [(true, false), (false, true)] {
        let (base, handle) = serve(login_app(limited, declares_429, posts.clone())).await;
        let report = scan(&base, BTreeMap::new()).await;
        handle.abort();
        assert!(!rules_of(&report).contains("AU014"), "limited={limited} 429={declares_429}: {:?}", report.findings);
    }
    assert_eq!(posts.load(std::sync::atomic::Ordering::SeqCst), 0, "credentials must never be posted");
}

// ------------------------------------------------------------ AU003

/// A dictionary word far down palisade-jwt-crack's built-in list (past
/// 150,000 entries) and never in the old 401-entry JWT list.
const LATE_WORD: &str = "sesquipedalian";

/// Serves `/api/issue` with an HS256 token signed with `secret`, plus a spec titled `title`.
fn weak_token_app(secret: &'static str, title: &'static str) -> Router {
    let token = hs256(&json!({"alg": "HS256", "typ": "JWT"}), &good_claims(), secret.as_bytes());
    let spec = TOKEN_SPEC.replace(r#""title":"t""#, &format!(r#""title":"{title}""#));
    Router::new()
        .route("/openapi.json", get(move || async move { ([("content-type", "application/json")], spec) }))
        .route("/api/issue", get(move || async move { Json(json!({"access_token": token, "token_type": "Bearer"})) }))
}

/// AU003 cracks a token whose secret is a common word late in the built-in
/// list, and one built from the spec title (`acme_jwt_secret` from "Acme
/// Store"); the secret shows only masked and as a fingerprint, never whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weak_secrets_from_the_big_list_and_the_target_are_cracked_and_masked() {
    let list = palisade_jwt_crack::COMMON_SECRETS.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>();
    assert!(list.iter().position(|l| *l == LATE_WORD).is_some_and(|p| p > 150_000), "{LATE_WORD} moved in the list");
    for (secret, title) in [(LATE_WORD, "t"), ("acme_jwt_secret", "Acme Store")] {
        let (base, handle) = serve(weak_token_app(secret, title)).await;
        let report = scan(&base, BTreeMap::new()).await;
        handle.abort();
        let f = support::assert_fires(&report, Rule::AU003)[0];
        assert_eq!(f.detail.as_deref(), Some("HS256"));
        let masked = palisade_core::mask::mask_secret(secret);
        let print = palisade_core::mask::fingerprint(&format!("au003\u{1f}{secret}"));
        assert!(f.message.contains(&format!("masked {masked}")) && f.message.contains(&print), "{}", f.message);
        assert!(f.evidence.excerpt.contains(&masked), "{}", f.evidence.excerpt);
        let json = serde_json::to_string(&report).unwrap();
        assert!(!json.contains(secret), "{secret} leaked in the report");
    }

    // A strong secret is not cracked.
    let (base, handle) = serve(token_app(json!({"alg": "HS256"}), good_claims())).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    support::assert_quiet(&report, Rule::AU003);
}
