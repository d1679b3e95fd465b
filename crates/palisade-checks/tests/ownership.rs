//! BO002 (cross-identity object access) and AU001 across ownership styles
//! the scanner's own fixtures never used (issue 11): third-party-style
//! servers, each in a vulnerable and a fixed version, scanned with two
//! working identities, alice and bob.
//!
//! | style | server | auth | how ownership shows |
//! |---|---|---|---|
//! | global list with owner fields | `own_global_list(_fixed).py` (Flask) | JWT bearer from `POST /users/v1/login` | `GET /books/v1` lists everyone's books with `owner`; spec types `{book_title}` as integer (a lie) |
//! | per-identity lists | `own_per_identity(_fixed).py` (FastAPI) | `X-API-Key` | each caller's `GET /api/notes` holds only their notes; no owner field |
//! | self-endpoint ids | `ownership_fixtures` (axum) | `Cookie: sid=…` | `GET /v2/whoami` gives the account uuid; nothing lists accounts; the detail path is missing from the spec |
//! | ids in links, nested objects, `Location` | `own_nested_links(_fixed).py` (Flask) | `Authorization: Token …` | `links.self`, `customer.id`, `303 Location`; no spec at all |
//!
//! The fixed versions answer another identity's object with `200
//! {"status": "fail"}`, 404 or 403: BO002 and AU001 must stay quiet, after
//! the scanner really asked for one identity's object as the other. Every
//! server logs each request with the identity it derived from the
//! credentials, so the tests also check, from the server's side, that a
//! default scan sends only GET/HEAD/OPTIONS, never calls the fixture's
//! state-changing GET, and sends as both identities.
//!
//! Python fixtures need the venv (`scripts/setup-test-env.sh`, or
//! `PALISADE_PYTHON`).

use palisade_checks::Rule;
use palisade_core::Report;
use palisade_engine::DiscoveryProfile;
use palisade_http::Credentials;
use palisade_testkit::{Caller, PyFixture};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

mod ownership_fixtures;
mod support;

use ownership_fixtures as billing;

const MINE: &[&str] = &["BO002", "AU001"];
const SAFE_METHODS: &[&str] = &["GET", "HEAD", "OPTIONS"];

// ---- helpers ----

fn start(module: &str) -> PyFixture {
    PyFixture::start(module).unwrap_or_else(|e| panic!("{e}\n(the venv comes from scripts/setup-test-env.sh; or set PALISADE_PYTHON)"))
}

/// The first `len` hex digits of SHA-256(`label`): how the Python fixtures
/// derive their keys.
fn derived(label: &str, len: usize) -> String {
    let digest = Sha256::digest(label.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect::<String>()[..len].to_string()
}

/// `own_per_identity.py`'s `X-API-Key` for `user`.
fn notes_key(user: &str) -> String {
    format!("nk_{}", derived(&format!("own-per-identity/{user}"), 28))
}

/// `own_nested_links.py`'s `Authorization: Token` key for `user`.
fn shop_key(user: &str) -> String {
    derived(&format!("own-nested-links/{user}"), 40)
}

/// One HTTP/1.1 request over a fresh loopback connection; (status, body).
fn raw(base: &str, method: &str, target: &str, body: &str) -> (u16, String) {
    let authority = base.strip_prefix("http://").unwrap();
    assert!(authority.starts_with("127.0.0.1:"), "fixtures must listen on loopback");
    let mut stream = TcpStream::connect(authority).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head.split_whitespace().nth(1).unwrap().parse().unwrap(), body.to_string())
}

/// A JWT from `own_global_list.py`'s login endpoint (`POST`, sent by the
/// test, not the scanner).
fn login(base: &str, user: &str) -> String {
    let (status, body) = raw(base, "POST", "/users/v1/login", &format!(r#"{{"username":"{user}","password":"{user}-pass"}}"#));
    assert_eq!(status, 200, "login as {user}: {body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["auth_token"].as_str().unwrap().to_string()
}

fn identities(pairs: Vec<(&str, Credentials)>) -> BTreeMap<String, Credentials> {
    pairs.into_iter().map(|(n, c)| (n.to_string(), c)).collect()
}

/// BO002 and AU001 only; `discovery` on for the fixture without a spec.
async fn scan_mine(base: &str, ids: BTreeMap<String, Credentials>, discovery: bool) -> Report {
    let mut s = support::scanner(base).identities(ids).select_rules(MINE.iter().copied());
    if discovery {
        s = s.settings_with(|st| st.discovery = DiscoveryProfile::default());
    }
    support::run(s).await
}

/// A default scan as a new user runs it: every rule, default discovery,
/// read-only (no `--active`), with the identities.
async fn scan_default(base: &str, ids: BTreeMap<String, Credentials>) -> Report {
    support::run(support::scanner(base).identities(ids).settings_with(|st| st.discovery = DiscoveryProfile::default())).await
}

/// No credential value (token, key, cookie) anywhere in the serialized report.
#[track_caller]
fn assert_no_secrets(report: &Report, secrets: &[&str]) {
    let json = serde_json::to_string(report).unwrap();
    for (i, secret) in secrets.iter().enumerate() {
        assert!(secret.len() >= 8, "secret #{i} too short to be a meaningful check");
        assert!(!json.contains(secret), "credential #{i} of {} leaked into the report JSON", secrets.len());
    }
}

/// BO002 fired; every finding cites exchanges that are in the report and
/// names both identities; one is on an endpoint containing `endpoint_part`.
#[track_caller]
fn assert_cross_identity(report: &Report, endpoint_part: &str) {
    let found = support::assert_fires(report, Rule::BO002);
    for f in &found {
        eprintln!("BO002 {}: {}", f.endpoint, f.message);
        let cited = f.evidence.exchange.unwrap_or_else(|| panic!("BO002 on {} cites no exchange", f.endpoint));
        assert!(report.exchange(cited).is_some(), "BO002 on {} cites exchange {cited}, not in the report", f.endpoint);
        assert!(f.evidence.related.iter().all(|id| report.exchange(*id).is_some()), "BO002 on {}: a related exchange is missing", f.endpoint);
        assert!(f.message.contains("alice") && f.message.contains("bob"), "BO002 message should name both identities: {}", f.message);
    }
    let endpoints: Vec<&str> = found.iter().map(|f| f.endpoint.as_str()).collect();
    assert!(endpoints.iter().any(|e| e.contains(endpoint_part)), "no BO002 on an endpoint containing {endpoint_part:?}: {endpoints:?}");
}

/// The scanner asked for one identity's object as the other (so a quiet
/// fixed version means something). `objects`: (owner, path).
#[track_caller]
fn assert_replayed(callers: &[Caller], objects: &[(&str, String)]) {
    let crossed = callers
        .iter()
        .any(|c| objects.iter().any(|(owner, path)| c.path() == path && c.identity != *owner && (c.identity == "alice" || c.identity == "bob")));
    let tried: Vec<String> = callers
        .iter()
        .filter(|c| objects.iter().any(|(_, p)| c.path() == p))
        .map(|c| format!("{} {} as {}", c.method, c.target, c.identity))
        .collect();
    assert!(crossed, "the scanner never asked for alice's object as bob or bob's as alice; requests for their objects: {tried:?}");
}

/// From the server's own log: only GET/HEAD/OPTIONS, no trap path, and
/// requests to the authenticated paths (`auth_path`) sent as alice and as bob.
#[track_caller]
fn assert_safe_and_both_identities(callers: &[Caller], traps: &[&str], auth_path: impl Fn(&str) -> bool) {
    assert!(!callers.is_empty(), "the server logged no request");
    let unsafe_methods: Vec<String> =
        callers.iter().filter(|c| !SAFE_METHODS.contains(&c.method.as_str())).map(|c| format!("{} {}", c.method, c.target)).collect();
    assert!(unsafe_methods.is_empty(), "a default scan sent non-read-only methods: {unsafe_methods:?}");
    let trapped: Vec<String> = callers
        .iter()
        .filter(|c| traps.iter().any(|t| c.path().contains(t)))
        .map(|c| format!("{} {} as {}", c.method, c.target, c.identity))
        .collect();
    assert!(trapped.is_empty(), "the scan called a state-changing GET: {trapped:?}");
    for who in ["alice", "bob"] {
        let n = callers.iter().filter(|c| c.identity == who && auth_path(c.path())).count();
        let seen: BTreeMap<&str, usize> = callers.iter().fold(BTreeMap::new(), |mut m, c| {
            *m.entry(c.identity.as_str()).or_default() += 1;
            m
        });
        assert!(n > 0, "no request to an authenticated operation carried {who}'s credentials (requests by identity: {seen:?})");
    }
    // `invalid` (a key the server knows as nobody's, own_per_identity.py):
    // authentication checks send made-up credentials on purpose.
    let strangers: Vec<String> = callers
        .iter()
        .filter(|c| !["alice", "bob", "anonymous", "invalid"].contains(&c.identity.as_str()))
        .map(|c| format!("{} as {}", c.target, c.identity))
        .collect();
    assert!(strangers.is_empty(), "requests as an identity the scan was not given: {strangers:?}");
}

fn callers_after_scan(fixture: &PyFixture) -> Vec<Caller> {
    let n = fixture.requests().len();
    fixture.wait_for_requests(n, Duration::from_secs(2));
    fixture.callers()
}

// ---- style 1: a global list with owner fields (Flask, JWT bearer) ----

fn books_of_alice_and_bob() -> Vec<(&'static str, String)> {
    ["travel-diary-2019", "family-recipes"]
        .iter()
        .map(|t| ("alice", format!("/books/v1/{t}")))
        .chain(std::iter::once(("bob", "/books/v1/ledger-q3".to_string())))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_list_with_owner_fields_vulnerable_fires_bo002() {
    let fixture = start("own_global_list");
    let (alice, bob) = (login(&fixture.base_url, "alice"), login(&fixture.base_url, "bob"));
    let ids = identities(vec![("alice", Credentials::new().bearer(&alice)), ("bob", Credentials::new().bearer(&bob))]);
    let report = scan_mine(&fixture.base_url, ids, false).await;
    assert_no_secrets(&report, &[&alice, &bob, alice.rsplit('.').next().unwrap(), bob.rsplit('.').next().unwrap()]);
    support::assert_quiet(&report, Rule::AU001);
    assert_cross_identity(&report, "/books/v1/{book_title}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_list_with_owner_fields_fixed_with_200_status_fail_is_quiet() {
    let fixture = start("own_global_list_fixed");
    let (alice, bob) = (login(&fixture.base_url, "alice"), login(&fixture.base_url, "bob"));
    let ids = identities(vec![("alice", Credentials::new().bearer(&alice)), ("bob", Credentials::new().bearer(&bob))]);
    let report = scan_mine(&fixture.base_url, ids, false).await;
    assert_no_secrets(&report, &[&alice, &bob]);
    support::assert_quiet(&report, Rule::BO002);
    support::assert_quiet(&report, Rule::AU001);
    assert_replayed(&callers_after_scan(&fixture), &books_of_alice_and_bob());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_list_default_scan_is_read_only_and_sends_as_both_identities() {
    let fixture = start("own_global_list");
    let (alice, bob) = (login(&fixture.base_url, "alice"), login(&fixture.base_url, "bob"));
    let logins = fixture.requests().len();
    let ids = identities(vec![("alice", Credentials::new().bearer(&alice)), ("bob", Credentials::new().bearer(&bob))]);
    let report = scan_default(&fixture.base_url, ids).await;
    assert_no_secrets(&report, &[&alice, &bob]);
    let callers = callers_after_scan(&fixture);
    // The test's own two logins (POST) come first.
    assert!(callers[..logins].iter().all(|c| c.method == "POST" && c.path() == "/users/v1/login"), "{:?}", &callers[..logins]);
    assert_safe_and_both_identities(&callers[logins..], &["/delete"], |p| p == "/users/v1/me" || p.starts_with("/books/v1/"));
}

// ---- style 2: per-identity lists, no owner field (FastAPI, X-API-Key) ----

fn notes_of_alice_and_bob() -> Vec<(&'static str, String)> {
    [("alice", 17), ("alice", 18), ("bob", 23), ("bob", 24)].iter().map(|(o, id)| (*o, format!("/api/notes/{id}"))).collect()
}

fn notes_identities() -> BTreeMap<String, Credentials> {
    identities(vec![
        ("alice", Credentials::new().api_key_header("X-API-Key", &notes_key("alice"))),
        ("bob", Credentials::new().api_key_header("X-API-Key", &notes_key("bob"))),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_identity_lists_vulnerable_fires_bo002() {
    let fixture = start("own_per_identity");
    let report = scan_mine(&fixture.base_url, notes_identities(), false).await;
    assert_no_secrets(&report, &[&notes_key("alice"), &notes_key("bob")]);
    support::assert_quiet(&report, Rule::AU001);
    assert_cross_identity(&report, "/api/notes/{note_id}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_identity_lists_fixed_with_404_is_quiet() {
    let fixture = start("own_per_identity_fixed");
    let report = scan_mine(&fixture.base_url, notes_identities(), false).await;
    assert_no_secrets(&report, &[&notes_key("alice"), &notes_key("bob")]);
    support::assert_quiet(&report, Rule::BO002);
    support::assert_quiet(&report, Rule::AU001);
    assert_replayed(&callers_after_scan(&fixture), &notes_of_alice_and_bob());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_identity_default_scan_is_read_only_and_sends_as_both_identities() {
    let fixture = start("own_per_identity");
    let report = scan_default(&fixture.base_url, notes_identities()).await;
    assert_no_secrets(&report, &[&notes_key("alice"), &notes_key("bob")]);
    assert_safe_and_both_identities(&callers_after_scan(&fixture), &["/purge"], |p| p.starts_with("/api/notes"));
}

/// One working identity and one whose key the server rejects: the scan must
/// not report anything as mallory, and must say in its health that mallory's
/// credentials did not work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_whose_credentials_do_not_work_is_named_in_health_not_in_findings() {
    let fixture = start("own_per_identity");
    let mallory_key = "nk_0000000000000000000000000000";
    let ids = identities(vec![
        ("alice", Credentials::new().api_key_header("X-API-Key", &notes_key("alice"))),
        ("mallory", Credentials::new().api_key_header("X-API-Key", mallory_key)),
    ]);
    let report = scan_mine(&fixture.base_url, ids, false).await;
    assert_no_secrets(&report, &[&notes_key("alice"), mallory_key]);
    let callers = callers_after_scan(&fixture);
    assert!(callers.iter().any(|c| c.identity == "alice"), "alice's working key was never sent");
    assert!(callers.iter().any(|c| c.identity == "invalid"), "mallory's key was never sent (the server logs it as `invalid`)");
    for f in &report.findings {
        let text = serde_json::to_string(f).unwrap();
        assert!(!text.contains("mallory"), "{} on {} mentions mallory, whose key never worked: {}", f.rule, f.endpoint, f.message);
    }
    support::assert_quiet(&report, Rule::BO002);
    assert!(
        report.health.notes.iter().any(|n| n.contains("mallory")),
        "report.health.notes does not say mallory's credentials were rejected: {:?}",
        report.health.notes
    );
    assert!(!report.health.notes.iter().any(|n| n.contains("alice")), "alice's key works: {:?}", report.health.notes);
}

// ---- style 3: ids only from each identity's own whoami (axum, cookie session) ----

fn accounts_of_alice_and_bob() -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    for (owner, uuid) in [("alice", billing::ALICE_UUID), ("bob", billing::BOB_UUID)] {
        v.push((owner, format!("/v2/accounts/{uuid}")));
        v.push((owner, format!("/v2/accounts/{uuid}/invoices")));
    }
    v
}

fn billing_identities() -> BTreeMap<String, Credentials> {
    identities(vec![
        ("alice", Credentials::new().cookie(&format!("sid={}", billing::ALICE_SID))),
        ("bob", Credentials::new().cookie(&format!("sid={}", billing::BOB_SID))),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_endpoint_ids_vulnerable_fires_bo002() {
    let (base, _log, handle) = billing::serve(false).await;
    let report = scan_mine(&base, billing_identities(), false).await;
    handle.abort();
    assert_no_secrets(&report, &[billing::ALICE_SID, billing::BOB_SID]);
    support::assert_quiet(&report, Rule::AU001);
    assert_cross_identity(&report, "/v2/accounts/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_endpoint_ids_fixed_with_403_is_quiet() {
    let (base, log, handle) = billing::serve(true).await;
    let report = scan_mine(&base, billing_identities(), false).await;
    handle.abort();
    assert_no_secrets(&report, &[billing::ALICE_SID, billing::BOB_SID]);
    support::assert_quiet(&report, Rule::BO002);
    support::assert_quiet(&report, Rule::AU001);
    assert_replayed(&log.callers(), &accounts_of_alice_and_bob());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_endpoint_default_scan_is_read_only_and_sends_as_both_identities() {
    let (base, log, handle) = billing::serve(false).await;
    let report = scan_default(&base, billing_identities()).await;
    handle.abort();
    assert_no_secrets(&report, &[billing::ALICE_SID, billing::BOB_SID]);
    assert_safe_and_both_identities(&log.callers(), billing::TRAPS, |p| p.starts_with("/v2/"));
}

// ---- style 4: ids in links, nested objects and Location (Flask, Token auth, no spec) ----

fn orders_of_alice_and_bob() -> Vec<(&'static str, String)> {
    [
        ("alice", "/orders/ord_7Hq2"),
        ("alice", "/orders/ord_9Lm4"),
        ("alice", "/receipts/rcp_a81f2c"),
        ("bob", "/orders/ord_3Xk8"),
        ("bob", "/receipts/rcp_b4407e"),
    ]
    .iter()
    .map(|(o, p)| (*o, p.to_string()))
    .collect()
}

fn shop_identities() -> BTreeMap<String, Credentials> {
    identities(vec![
        ("alice", Credentials::new().header("Authorization", format!("Token {}", shop_key("alice")))),
        ("bob", Credentials::new().header("Authorization", format!("Token {}", shop_key("bob")))),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_ids_and_location_vulnerable_fires_bo002() {
    let fixture = start("own_nested_links");
    let report = scan_mine(&fixture.base_url, shop_identities(), true).await;
    assert_no_secrets(&report, &[&shop_key("alice"), &shop_key("bob")]);
    support::assert_quiet(&report, Rule::AU001);
    let found = support::assert_fires(&report, Rule::BO002);
    assert!(found.iter().any(|f| f.endpoint.contains("/orders/") || f.endpoint.contains("/receipts/")), "{found:?}");
    assert_cross_identity(&report, "/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_ids_and_location_fixed_with_404_is_quiet() {
    let fixture = start("own_nested_links_fixed");
    let report = scan_mine(&fixture.base_url, shop_identities(), true).await;
    assert_no_secrets(&report, &[&shop_key("alice"), &shop_key("bob")]);
    support::assert_quiet(&report, Rule::BO002);
    support::assert_quiet(&report, Rule::AU001);
    assert_replayed(&callers_after_scan(&fixture), &orders_of_alice_and_bob());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_ids_default_scan_is_read_only_and_sends_as_both_identities() {
    let fixture = start("own_nested_links");
    let report = scan_default(&fixture.base_url, shop_identities()).await;
    assert_no_secrets(&report, &[&shop_key("alice"), &shop_key("bob")]);
    assert_safe_and_both_identities(&callers_after_scan(&fixture), &["/cancel"], |p| {
        p == "/account" || p.starts_with("/orders") || p.starts_with("/receipts")
    });
}

// ---- the fixtures themselves behave as documented ----

/// Each fixture's vulnerable version hands bob alice's object and the fixed
/// one does not, checked by hand, so a failing scan test fails because of
/// the scanner, not the fixture.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixtures_are_vulnerable_and_fixed_as_documented() {
    // Style 1.
    for (module, fixed) in [("own_global_list", false), ("own_global_list_fixed", true)] {
        let f = start(module);
        let bob = login(&f.base_url, "bob");
        let (status, body) = get_with(&f.base_url, "/books/v1/family-recipes", &format!("Authorization: Bearer {bob}"));
        assert_eq!(status, 200, "{module}");
        assert_eq!(body.contains("grandma"), !fixed, "{module}: {body}");
        assert_eq!(body.contains(r#""status":"fail""#), fixed, "{module}: {body}");
        assert_eq!(get_with(&f.base_url, "/books/v1/family-recipes", "X-Nothing: 1").0, 401);
        let log = callers_after_scan(&f);
        assert_eq!(log.last().map(|c| c.identity.as_str()), Some("anonymous"));
        assert!(log.iter().any(|c| c.identity == "bob" && c.path() == "/books/v1/family-recipes"), "{log:?}");
    }
    // Style 2.
    for (module, fixed) in [("own_per_identity", false), ("own_per_identity_fixed", true)] {
        let f = start(module);
        let (status, body) = get_with(&f.base_url, "/api/notes/17", &format!("X-API-Key: {}", notes_key("bob")));
        assert_eq!(status, if fixed { 404 } else { 200 }, "{module}: {body}");
        let (_, mine) = get_with(&f.base_url, "/api/notes", &format!("X-API-Key: {}", notes_key("bob")));
        assert_eq!(mine, r#"[{"id":23,"title":"Salary"},{"id":24,"title":"Gift ideas"}]"#);
        assert!(callers_after_scan(&f).iter().any(|c| c.identity == "bob"));
    }
    // Style 3.
    for fixed in [false, true] {
        let (base, log, handle) = billing::serve(fixed).await;
        let cookie = format!("Cookie: sid={}", billing::BOB_SID);
        let (_, who) = tokio::task::spawn_blocking({
            let (base, cookie) = (base.clone(), cookie.clone());
            move || get_with(&base, "/v2/whoami", &cookie)
        })
        .await
        .unwrap();
        assert!(who.contains(billing::BOB_UUID), "{who}");
        let (status, body) = tokio::task::spawn_blocking({
            let (base, cookie) = (base.clone(), cookie.clone());
            move || get_with(&base, &format!("/v2/accounts/{}", billing::ALICE_UUID), &cookie)
        })
        .await
        .unwrap();
        handle.abort();
        assert_eq!(status, if fixed { 403 } else { 200 }, "{body}");
        assert_eq!(body.contains("FR76"), !fixed, "{body}");
        assert!(log.callers().iter().all(|c| c.identity == "bob"), "{:?}", log.callers());
    }
    // Style 4.
    for (module, fixed) in [("own_nested_links", false), ("own_nested_links_fixed", true)] {
        let f = start(module);
        let bob = format!("Authorization: Token {}", shop_key("bob"));
        let (status, body) = get_with(&f.base_url, "/orders/ord_7Hq2", &bob);
        assert_eq!(status, if fixed { 404 } else { 200 }, "{module}: {body}");
        assert_eq!(body.contains(r#""id":42"#), !fixed, "{module}: {body}");
        let (status, _) = get_with(&f.base_url, "/receipts/latest", &bob);
        assert_eq!(status, 303);
        assert_eq!(get_with(&f.base_url, "/openapi.json", &bob).0, 404, "no spec");
    }
}

/// `GET target` with one extra header line; (status, body).
fn get_with(base: &str, target: &str, header: &str) -> (u16, String) {
    let authority = base.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(authority).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(format!("GET {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n{header}\r\n\r\n").as_bytes()).unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head.split_whitespace().nth(1).unwrap().parse().unwrap(), body.to_string())
}
