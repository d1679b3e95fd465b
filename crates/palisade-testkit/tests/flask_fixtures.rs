//! The seed's Flask apps start on loopback, answer, log their requests, and
//! reproduce (vulnerable) or fix (remediated) the seed's key exposure.
//! Needs the venv: `scripts/setup-test-env.sh`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use palisade_testkit::{FlaskApp, FlaskFixture};

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
}

/// One HTTP/1.1 request over a fresh loopback connection (`Connection: close`).
fn send(fixture: &FlaskFixture, method: &str, path: &str, headers: &[(&str, &str)]) -> RawResponse {
    let authority = fixture.base_url.strip_prefix("http://").expect("http base url");
    assert!(authority.starts_with("127.0.0.1:"), "fixtures must listen on loopback");
    let mut stream = TcpStream::connect(authority).expect("connect to fixture");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: 0\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.take(4 * 1024 * 1024).read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("response head");
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status code");
    RawResponse { status, head: head.to_string(), body: body.to_string() }
}

fn start(app: FlaskApp) -> FlaskFixture {
    FlaskFixture::start(app).unwrap_or_else(|e| panic!("{e}"))
}

fn is_hex64(value: &str) -> bool {
    value.len() == 64 && value.chars().all(|c| c.is_ascii_hexdigit())
}

#[test]
fn vulnerable_app_returns_and_lists_raw_keys() {
    let fixture = start(FlaskApp::Vulnerable);
    assert!(fixture.base_url.starts_with("http://127.0.0.1:"));

    let created = send(&fixture, "POST", "/api/v1/keys", &[]);
    assert_eq!(created.status, 201);
    let body: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    assert!(is_hex64(body["key"].as_str().unwrap()), "{body}");
    assert_eq!(body["key_id"], "ak_live_abc123");
    assert_eq!(created.header("Cache-Control"), None);

    let listed = send(&fixture, "GET", "/api/v1/keys", &[]);
    assert_eq!(listed.status, 200);
    let body: serde_json::Value = serde_json::from_str(&listed.body).unwrap();
    let keys = body["keys"].as_array().unwrap();
    assert!(keys.len() >= 4, "3 startup keys + the created one");
    assert!(keys.iter().all(|k| is_hex64(k["key"].as_str().unwrap())));
    assert!(listed.body.contains("/srv/app/keys/store.py"));

    let spec = send(&fixture, "GET", "/openapi.json", &[]);
    assert_eq!(spec.status, 200);
    let spec: serde_json::Value = serde_json::from_str(&spec.body).unwrap();
    assert_eq!(spec["components"]["securitySchemes"]["ApiKeyAuth"]["name"], "X-API-Key");

    let log = fixture.wait_for_requests(3, Duration::from_secs(5));
    let expected: Vec<(String, String)> =
        [("POST", "/api/v1/keys"), ("GET", "/api/v1/keys"), ("GET", "/openapi.json")].iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    assert_eq!(log, expected);
}

#[test]
fn vulnerable_app_leaks_the_key_in_the_werkzeug_debugger_and_its_log() {
    let fixture = start(FlaskApp::Vulnerable);
    let key = "demo-unknown-key-7f3a9c";

    let crashed = send(&fixture, "GET", "/api/v1/resource", &[("X-API-Key", key)]);
    assert_eq!(crashed.status, 500);
    assert!(crashed.body.contains("// Werkzeug Debugger"), "not the debugger page");
    assert!(crashed.body.contains("__debugger__"));
    assert!(crashed.body.contains(&format!("KeyError: &#39;{key}&#39;")), "key missing from the traceback");
    assert!(crashed.body.contains("KEY_STORE[api_key]"));

    let echoed = send(&fixture, "GET", "/api/v1/resource?api_key=short", &[]);
    assert_eq!(echoed.status, 401);
    assert!(echoed.body.contains("invalid key 'short'"), "{}", echoed.body);

    let missing = send(&fixture, "GET", "/api/v1/resource", &[]);
    assert_eq!(missing.status, 401);

    let log = fixture.wait_for_requests(3, Duration::from_secs(5));
    assert_eq!(log[1], ("GET".to_string(), "/api/v1/resource?api_key=short".to_string()));
    let log_text = std::fs::read_to_string(fixture.log_file().expect("vulnerable app writes a log")).unwrap();
    assert!(log_text.contains(key), "the seed's log reservoir: the full key is logged");
}

#[test]
fn remediated_app_answers_generic_json_and_redacts_its_log() {
    let fixture = start(FlaskApp::Remediated);
    let key = "demo-unknown-key-7f3a9c";

    let refused = send(&fixture, "GET", "/api/v1/resource", &[("X-API-Key", key)]);
    assert_eq!(refused.status, 403);
    assert_eq!(refused.header("Content-Type").as_deref(), Some("application/json"));
    assert!(!refused.body.contains(key));
    assert!(!refused.body.contains("Werkzeug"));
    let body: serde_json::Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(body, serde_json::json!({"error": "invalid key"}));
    assert_eq!(refused.header("X-Content-Type-Options").as_deref(), Some("nosniff"));
    assert_eq!(refused.header("Cache-Control").as_deref(), Some("no-store"));
    assert!(refused.header("Strict-Transport-Security").is_some());

    let missing = send(&fixture, "GET", "/api/v1/resource", &[]);
    assert_eq!(missing.status, 401);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&missing.body).unwrap()["error"], "authentication required");

    let created = send(&fixture, "POST", "/api/v1/keys", &[]);
    assert_eq!(created.status, 201);
    let body: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    assert!(body.get("key").is_none(), "raw key returned: {body}");
    assert!(body["key_id"].as_str().unwrap().starts_with("ak_live_"));

    let listing = send(&fixture, "GET", "/api/v1/keys", &[]);
    assert_eq!(listing.status, 401);
    let not_found = send(&fixture, "GET", "/console", &[]);
    assert_eq!(not_found.status, 404);
    assert!(!not_found.body.contains("Werkzeug"));

    let log = fixture.wait_for_requests(5, Duration::from_secs(5));
    let methods: Vec<&str> = log.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(methods, ["GET", "GET", "POST", "GET", "GET"]);
    assert_eq!(log[4].1, "/console");
    let log_text = std::fs::read_to_string(fixture.log_file().expect("remediated app writes a log")).unwrap();
    assert!(log_text.contains("key_supplied=yes"), "the request with a key was logged");
    assert!(!log_text.contains(key), "the key was redacted");
}
