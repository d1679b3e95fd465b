//! Hopeless targets: the scan gives up early, exits 3 and says why.
//!
//! Each fixture is a real loopback server on 127.0.0.1 (plain sockets, so the
//! fixture does exactly what it says whatever our own HTTP client does). Every
//! scan runs the real binary with default flags and `--max-time 300`, and
//! must end well before that: under 60 s, with `health.aborted` naming the
//! reason. Healthy controls (an API that 404s everything, one that rate-limits
//! briefly with `Retry-After: 1`) are not given up on.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// How a fixture answers.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// Accepts TCP and never answers anything.
    NeverAnswers,
    /// Answers the first request, then accepts TCP and never answers again.
    StopsAnswering,
    /// Answers the first request, then sends every answer one byte a second.
    Trickles,
    /// Every request: `429` with `Retry-After: 3600`.
    RetryAfterAnHour,
    /// Every request: a fast `404`.
    NotFound,
    /// The first few requests: `429` with `Retry-After: 1`; then fast `404`s (`/`: 200).
    BriefRateLimit,
}

/// Requests that get 429 from [`Mode::BriefRateLimit`].
const BRIEF_429S: usize = 4;

struct Fixture {
    url: String,
    requests: Arc<AtomicUsize>,
}

fn serve(mode: Mode) -> Fixture {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let counter = counter.clone();
            thread::spawn(move || connection(stream, mode, &counter));
        }
    });
    Fixture { url, requests }
}

/// One request per connection (`Connection: close`).
fn connection(mut stream: TcpStream, mode: Mode, counter: &AtomicUsize) {
    let Some(path) = read_head(&mut stream) else { return };
    let n = counter.fetch_add(1, Ordering::SeqCst);
    let ok = response("200 OK", &[("content-type", "application/json")], "{\"service\":\"hopeless\"}");
    let answer = match mode {
        Mode::NeverAnswers => return hold(stream),
        Mode::StopsAnswering if n > 0 => return hold(stream),
        Mode::Trickles if n > 0 => return trickle(stream),
        Mode::StopsAnswering | Mode::Trickles => ok,
        Mode::RetryAfterAnHour => response("429 Too Many Requests", &[("retry-after", "3600")], "slow down"),
        Mode::BriefRateLimit if n < BRIEF_429S => response("429 Too Many Requests", &[("retry-after", "1")], "slow down"),
        Mode::BriefRateLimit if path == "/" => ok,
        Mode::NotFound | Mode::BriefRateLimit => response("404 Not Found", &[("content-type", "application/json")], "{\"error\":\"not found\"}"),
    };
    let _ = stream.write_all(answer.as_bytes());
}

/// The request line's path, once the whole head has arrived.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut byte).ok().filter(|&n| n > 0)?;
        head.extend_from_slice(&byte[..n]);
        if head.len() > 64 * 1024 {
            return None;
        }
    }
    let text = String::from_utf8_lossy(&head);
    Some(text.split_whitespace().nth(1).unwrap_or("/").to_string())
}

fn response(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut out = format!("HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out
}

/// Keep the connection open without a byte until the client hangs up.
fn hold(mut stream: TcpStream) {
    let mut buf = [0u8; 1024];
    while stream.read(&mut buf).is_ok_and(|n| n > 0) {}
}

/// Send an answer one byte a second, head first (a long body, so it never ends within a timeout).
fn trickle(mut stream: TcpStream) {
    let head = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n";
    for byte in head.bytes().chain(std::iter::repeat(b' ')) {
        if stream.write_all(&[byte]).is_err() {
            return;
        }
        thread::sleep(Duration::from_secs(1));
    }
}

struct Scan {
    code: Option<i32>,
    wall: Duration,
    report: Option<Value>,
    stderr: String,
}

fn scan(url: &str) -> Scan {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["scan", url, "-f", "json", "--no-progress", "--max-time", "300"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run palisade");
    let wall = started.elapsed();
    Scan {
        code: out.status.code(),
        wall,
        report: serde_json::from_slice(&out.stdout).ok(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A hopeless target: under 60 s, exit 3, `health.aborted` containing `reason`.
fn assert_given_up(mode: Mode, reason: &str) -> Value {
    let fixture = serve(mode);
    let scan = scan(&fixture.url);
    let requests = fixture.requests.load(Ordering::SeqCst);
    eprintln!("{mode:?}: exit {:?} after {:.1} s, {requests} requests reached the fixture", scan.code, scan.wall.as_secs_f64());
    assert!(scan.wall < Duration::from_secs(60), "{mode:?}: the scan took {:?}", scan.wall);
    assert_eq!(scan.code, Some(3), "{mode:?}: {}", scan.stderr);
    let report = scan.report.unwrap_or_else(|| panic!("{mode:?}: no JSON report; stderr: {}", scan.stderr));
    let aborted = report["health"]["aborted"].as_str().unwrap_or_else(|| panic!("{mode:?}: health.aborted is empty: {}", report["health"]));
    eprintln!("{mode:?}: health.aborted = {aborted:?}");
    assert!(aborted.contains(reason), "{mode:?}: health.aborted = {aborted:?}");
    // The CLI prints the same reason.
    assert!(scan.stderr.contains(&format!("scan incomplete: {aborted}")), "{mode:?}: {}", scan.stderr);
    report
}

#[test]
fn a_target_that_stops_answering_is_given_up_on() {
    assert_given_up(Mode::StopsAnswering, "target stopped answering");
}

#[test]
fn a_target_that_trickles_one_byte_a_second_is_given_up_on() {
    assert_given_up(Mode::Trickles, "target stopped answering");
}

#[test]
fn a_target_that_asks_to_retry_after_an_hour_is_given_up_on() {
    let report = assert_given_up(Mode::RetryAfterAnHour, "target asked to retry after 3600 s, longer than the");
    // One request was enough: the engine did not wait 30 s for a retry.
    assert_eq!(report["health"]["requests_sent"], 1, "{}", report["health"]);
}

#[test]
fn a_target_that_never_answers_at_all_is_unreachable_within_the_request_timeout() {
    let fixture = serve(Mode::NeverAnswers);
    let scan = scan(&fixture.url);
    eprintln!("NeverAnswers: exit {:?} after {:.1} s", scan.code, scan.wall.as_secs_f64());
    assert!(scan.wall < Duration::from_secs(60), "the scan took {:?}", scan.wall);
    assert_eq!(scan.code, Some(3), "{}", scan.stderr);
    assert!(scan.stderr.starts_with("error: target unreachable"), "{}", scan.stderr);
}

/// A healthy control: exit 0, nothing aborted.
fn assert_not_given_up(mode: Mode) -> Value {
    let fixture = serve(mode);
    let scan = scan(&fixture.url);
    let requests = fixture.requests.load(Ordering::SeqCst);
    eprintln!("{mode:?}: exit {:?} after {:.1} s, {requests} requests reached the fixture", scan.code, scan.wall.as_secs_f64());
    assert_eq!(scan.code, Some(0), "{mode:?}: {}", scan.stderr);
    let report = scan.report.expect("a JSON report");
    assert!(report["health"]["aborted"].is_null(), "{mode:?}: {}", report["health"]);
    assert!(requests > 100, "{mode:?}: the scan went on ({requests} requests)");
    report
}

#[test]
fn an_api_that_404s_everything_is_not_given_up_on() {
    assert_not_given_up(Mode::NotFound);
}

#[test]
fn an_api_that_rate_limits_briefly_is_not_given_up_on() {
    let report = assert_not_given_up(Mode::BriefRateLimit);
    assert!(report["health"]["rate_limited"].as_u64().unwrap() >= 1, "{}", report["health"]);
}
