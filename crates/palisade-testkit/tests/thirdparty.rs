//! The third-party-style fixtures (`tests/fixtures/thirdparty/`) start via
//! [`PyFixture`] on loopback, log their requests, and really behave as their
//! docstrings say (state-changing GETs change state, leaks leak, the
//! catch-all answers 200 to anything, the hardened twin refuses).
//! Needs the venv: `scripts/setup-test-env.sh`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use palisade_testkit::{count_requests, PyFixture};

struct RawResponse {
    status: u16,
    head: String,
    body: String,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// One HTTP/1.1 request over a fresh loopback connection (`Connection: close`).
fn send(fixture: &PyFixture, method: &str, target: &str) -> RawResponse {
    let authority = fixture.base_url.strip_prefix("http://").expect("http base url");
    assert!(authority.starts_with("127.0.0.1:"), "fixtures must listen on loopback");
    let mut stream = TcpStream::connect(authority).expect("connect to fixture");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let request = format!("{method} {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.take(4 * 1024 * 1024).read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("response head");
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status code");
    RawResponse { status, head: head.to_string(), body: body.to_string() }
}

fn get(fixture: &PyFixture, target: &str) -> RawResponse {
    send(fixture, "GET", target)
}

fn start(module: &str) -> PyFixture {
    PyFixture::start(module).unwrap_or_else(|e| panic!("{e}\n(the venv comes from scripts/setup-test-env.sh; scripts/test.sh sets PALISADE_PYTHON)"))
}

/// Every `prefix` + `len` alphanumerics in `text`.
fn tokens_after<'a>(text: &'a str, prefix: &str, len: usize) -> Vec<&'a str> {
    text.match_indices(prefix)
        .filter_map(|(i, _)| {
            let rest = &text[i + prefix.len()..];
            let token = rest.get(..len)?;
            let whole = token.chars().all(|c| c.is_ascii_alphanumeric()) && !rest[len..].starts_with(|c: char| c.is_ascii_alphanumeric());
            whole.then_some(&text[i..i + prefix.len() + len])
        })
        .collect()
}

fn book_titles(response: &RawResponse) -> Vec<String> {
    response.json()["Books"].as_array().expect("Books array").iter().map(|b| b["book_title"].as_str().unwrap().to_string()).collect()
}

#[test]
fn vampi_like_serves_its_spec_and_its_state_changing_gets_do_damage() {
    let fixture = start("vampi_like");
    assert_eq!(fixture.module(), "vampi_like");

    let spec = get(&fixture, "/openapi.json");
    assert_eq!(spec.status, 200);
    let spec = spec.json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.0"));
    let createdb = &spec["paths"]["/createdb"]["get"];
    assert_eq!(createdb["operationId"], "api_views.main.populate_db");
    assert_eq!(createdb["summary"], "Creates and populates the database with dummy data");
    assert!(spec["paths"]["/api/v1/admin/dropall"]["get"]["summary"].is_null());
    assert!(spec["paths"]["/api/v1/demo-data"]["get"]["description"].as_str().unwrap().contains("Wipes all tables"));

    let before = book_titles(&get(&fixture, "/books/v1"));
    assert_eq!(before.len(), 5, "{before:?}");
    assert!(before.iter().any(|t| t == "The Pragmatic Programmer"));

    assert_eq!(get(&fixture, "/createdb").status, 200);
    let after = book_titles(&get(&fixture, "/books/v1"));
    assert_eq!(after, ["bookTitle11", "bookTitle12", "bookTitle13"], "/createdb must wipe the users' books");

    let runs = |f: &PyFixture| get(f, "/api/v1/runs").json()["runs"].as_array().unwrap().len();
    let runs_before = runs(&fixture);
    assert_eq!(get(&fixture, "/jobs/nightly-backup/run-now").status, 202);
    assert_eq!(runs(&fixture), runs_before + 1);

    assert_eq!(get(&fixture, "/api/v1/resetpassword?user=name1").status, 200);
    assert_eq!(get(&fixture, "/api/v1/admin/dropall").status, 200);
    assert!(book_titles(&get(&fixture, "/books/v1")).is_empty());
    assert_eq!(get(&fixture, "/imports/imp_1001").status, 200);
    assert_eq!(get(&fixture, "/health").json()["status"], "ok");

    let log = fixture.wait_for_requests(12, Duration::from_secs(5));
    assert_eq!(count_requests(&log, "GET", "/createdb"), 1, "{log:?}");
    assert_eq!(count_requests(&log, "GET", "/books/v1"), 3, "{log:?}");
    assert_eq!(count_requests(&log, "GET", "/api/v1/runs"), 2, "{log:?}");
    assert_eq!(count_requests(&log, "GET", "/api/v1/resetpassword"), 1, "{log:?}");
    assert!(log.contains(&("GET".to_string(), "/api/v1/resetpassword?user=name1".to_string())));
}

#[test]
fn vampi_like_leaks_keys_in_files_robots_txt_points_to() {
    let fixture = start("vampi_like");

    let robots = get(&fixture, "/robots.txt");
    assert_eq!(robots.status, 200);
    for line in ["Disallow: /internal-logs/", "Disallow: /var/archive/", "Disallow: /createdb"] {
        assert!(robots.body.contains(line), "{}", robots.body);
    }

    let index = get(&fixture, "/internal-logs/");
    assert_eq!(index.status, 200);
    assert!(index.body.contains("<title>Index of /internal-logs/</title>"));
    assert!(index.body.contains(r#"href="api-2026-11-30.log""#));
    assert!(index.body.contains(r#"href="api-2026-11-29.log""#));

    let log = get(&fixture, "/internal-logs/api-2026-11-30.log");
    assert_eq!(log.status, 200);
    assert!(log.header("Content-Type").unwrap().starts_with("text/plain"));
    let lines = log.body.lines().count();
    assert!((25..=40).contains(&lines), "{lines} lines");
    let mut keys = tokens_after(&log.body, "vk_live_", 32);
    assert!(keys.len() >= 5, "{keys:?}");
    assert_eq!(log.body.matches("X-API-Key: vk_live_").count(), keys.len());
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 3, "three distinct keys: {keys:?}");

    let older = get(&fixture, "/internal-logs/api-2026-11-29.log");
    assert_eq!(older.status, 200);
    assert!(!older.body.contains("vk_live_"));

    assert_eq!(get(&fixture, "/var/archive/").status, 403);
    let access = get(&fixture, "/var/archive/access.log");
    assert_eq!(access.status, 200);
    let archived = tokens_after(&access.body, "api_key=vk_live_", 32);
    assert_eq!(archived.len(), 4, "{}", access.body);
    assert!(archived.iter().all(|k| !keys.contains(&k.trim_start_matches("api_key="))));

    let missing = get(&fixture, "/.env");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<title>404 Not Found</title>"));

    // robots.txt names /createdb but nothing here called it.
    let log = fixture.wait_for_requests(7, Duration::from_secs(5));
    assert_eq!(count_requests(&log, "GET", "/createdb"), 0);
    assert_eq!(count_requests(&log, "GET", "/internal-logs/api-2026-11-30.log"), 1);
}

#[test]
fn fastapi_env_hides_a_debug_route_that_dumps_the_environment() {
    let fixture = start("fastapi_env");

    let spec = get(&fixture, "/openapi.json").json();
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.contains_key("/items"));
    assert!(paths.contains_key("/items/{item_id}"));
    assert!(!paths.contains_key("/debug"));
    assert_eq!(spec["paths"]["/admin/reindex"]["get"]["summary"], "Rebuilds the search index");

    assert_eq!(get(&fixture, "/items").json().as_array().unwrap().len(), 3);
    assert_eq!(get(&fixture, "/items/2").json()["id"], 2);
    let missing = get(&fixture, "/nope");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json(), serde_json::json!({"detail": "Not Found"}));

    let debug = get(&fixture, "/debug");
    assert_eq!(debug.status, 200);
    let debug = debug.json();
    assert_eq!(debug["debug"], true);
    let env = &debug["environment"];
    let password = env["POSTGRES_PASSWORD"].as_str().unwrap();
    assert!(password.starts_with("Pg-") && password.len() == 23, "{password}");
    assert!(env["DATABASE_URL"].as_str().unwrap().contains(password));
    let secret = env["SECRET_KEY"].as_str().unwrap();
    assert!(secret.len() == 40 && secret.chars().all(|c| c.is_ascii_hexdigit()));
    for name in ["PATH", "HOME", "HOSTNAME", "PYTHON_VERSION", "POSTGRES_USER", "AWS_REGION"] {
        assert!(env[name].is_string(), "{name} missing");
    }

    assert_eq!(get(&fixture, "/health").json()["reindex_runs"], 0);
    assert_eq!(get(&fixture, "/admin/reindex").status, 200);
    assert_eq!(get(&fixture, "/health").json()["reindex_runs"], 1);

    let log = fixture.wait_for_requests(8, Duration::from_secs(5));
    assert_eq!(count_requests(&log, "GET", "/debug"), 1, "{log:?}");
    assert_eq!(count_requests(&log, "GET", "/admin/reindex"), 1, "{log:?}");
    assert_eq!(log[0], ("GET".to_string(), "/openapi.json".to_string()));
}

#[test]
fn catch_all_answers_200_to_anything() {
    let fixture = start("catch_all");
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let random = format!("/zz-{nanos:x}/{}.bak?x={nanos}", std::process::id());

    let shell = get(&fixture, &random);
    assert_eq!(shell.status, 200);
    assert!(shell.body.contains(r#"<div id="root"></div>"#));
    assert!(shell.header("Content-Type").unwrap().starts_with("text/html"));
    for method in ["POST", "DELETE", "PROPFIND"] {
        assert_eq!(send(&fixture, method, &random).status, 200, "{method}");
    }
    for target in ["/openapi.json", "/.env", "/robots.txt", "/admin/"] {
        let response = get(&fixture, target);
        assert_eq!(response.status, 200, "{target}");
        assert_eq!(response.body, shell.body, "{target}");
    }

    let api = get(&fixture, "/api/does/not/exist");
    assert_eq!(api.status, 200);
    let api = api.json();
    assert_eq!(api["ok"], true);
    assert_eq!(api["path"], "/api/does/not/exist");
    assert!(api["ts"].as_u64().unwrap() > 1_600_000_000_000);

    let bundle = get(&fixture, "/static/app.js");
    assert_eq!(bundle.status, 200);
    assert!(bundle.body.contains(r#""/api/v1/orders""#));
    assert!(bundle.body.contains(r#""/api/v1/profile""#));

    let log = fixture.wait_for_requests(10, Duration::from_secs(5));
    let random_path = random.split('?').next().unwrap();
    assert_eq!(count_requests(&log, "GET", random_path), 1, "{log:?}");
    assert_eq!(count_requests(&log, "PROPFIND", random_path), 1, "{log:?}");
}

#[test]
fn hardened_twin_refuses_what_the_others_leak() {
    let fixture = start("hardened_twin");

    let spec = get(&fixture, "/openapi.json").json();
    let createdb = spec["paths"]["/createdb"].as_object().unwrap();
    assert!(createdb.contains_key("post") && !createdb.contains_key("get"));
    assert!(spec["paths"].get("/debug").is_none());

    let books = get(&fixture, "/books/v1");
    assert_eq!(books.status, 200);
    assert_eq!(books.header("X-Content-Type-Options").as_deref(), Some("nosniff"));
    assert_eq!(book_titles(&books).len(), 3);
    assert_eq!(get(&fixture, "/createdb").status, 405);

    let robots = get(&fixture, "/robots.txt");
    assert_eq!(robots.body, "User-agent: *\nDisallow: /admin/\n");
    let admin = get(&fixture, "/admin/");
    assert_eq!(admin.status, 401);
    assert_eq!(admin.json(), serde_json::json!({"detail": "Not authenticated"}));

    for target in ["/debug", "/internal-logs/", "/var/archive/access.log", "/.env"] {
        let response = get(&fixture, target);
        assert_eq!(response.status, 404, "{target}");
        assert_eq!(response.json(), serde_json::json!({"detail": "Not Found"}));
    }

    let log = fixture.wait_for_requests(9, Duration::from_secs(5));
    assert_eq!(count_requests(&log, "GET", "/admin/"), 1, "{log:?}");
    assert_eq!(count_requests(&log, "GET", "/debug"), 1, "{log:?}");
}
