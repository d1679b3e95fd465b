//! Test-only helpers: runs fixture apps as child processes on 127.0.0.1 with
//! an ephemeral port and collects the request log they print.
//!
//! - [`FlaskFixture`]: the seed's Flask apps (`tests/fixtures/flask/`).
//! - [`PyFixture`]: any third-party-style app in `tests/fixtures/thirdparty/`
//!   (Flask/WSGI or FastAPI/ASGI), by module name.
//!
//! Both runners print `PORT n` once listening and `REQ METHOD PATH?QUERY` per
//! request, before the app handles it. A third-party app that defines
//! `identify_caller(headers)` also gets `WHO METHOD PATH?QUERY IDENTITY` after
//! each `REQ` line: [`PyFixture::callers`].
//!
//! The Python interpreter is `$PALISADE_PYTHON`, or `<workspace>/.venv/bin/python`
//! as created by `scripts/setup-test-env.sh`.

pub mod fuzz;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long [`FlaskFixture::start`] and [`PyFixture::start`] wait for the app
/// to print its port.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);
/// Lines of the child's stderr kept for error messages.
const STDERR_TAIL_LINES: usize = 40;
/// Request-log entries kept; a runaway test cannot grow memory without bound.
const MAX_LOGGED_REQUESTS: usize = 100_000;

/// One of the seed's two Flask apps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlaskApp {
    /// `vulnerable_app.py`: raw keys in responses, Werkzeug debugger, keys in logs.
    Vulnerable,
    /// `remediated_app.py`: key ids only, generic errors, redacted logs, security headers.
    Remediated,
}

impl FlaskApp {
    /// The Python module `run.py` imports.
    pub fn module(self) -> &'static str {
        match self {
            FlaskApp::Vulnerable => "vulnerable_app",
            FlaskApp::Remediated => "remediated_app",
        }
    }
}

/// The workspace root (the directory holding the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir.ancestors().nth(2).unwrap_or(manifest_dir);
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// Directory of the Flask fixture apps.
pub fn flask_fixture_dir() -> PathBuf {
    workspace_root().join("tests").join("fixtures").join("flask")
}

/// Directory of the third-party-style fixture apps run by [`PyFixture`].
pub fn thirdparty_fixture_dir() -> PathBuf {
    workspace_root().join("tests").join("fixtures").join("thirdparty")
}

/// The interpreter the fixtures run with: `$PALISADE_PYTHON`, else the
/// workspace's `.venv`.
pub fn python_path() -> PathBuf {
    match std::env::var_os("PALISADE_PYTHON") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace_root().join(".venv").join("bin").join("python"),
    }
}

type RequestLog = Arc<Mutex<Vec<(String, String)>>>;
type StderrTail = Arc<Mutex<VecDeque<String>>>;
type CallerLog = Arc<Mutex<Vec<Caller>>>;

/// One request as the app saw it, with the identity the app itself derived
/// from its credentials (`anonymous` when there were none): a `WHO` line of
/// `tests/fixtures/thirdparty/run.py`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub method: String,
    /// `path?query`, as in the `REQ` line.
    pub target: String,
    pub identity: String,
}

impl Caller {
    /// The target without its query.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(self.target.as_str(), |(p, _)| p)
    }
}

/// How many entries of `log` are `method` on exactly `path` (the part of the
/// logged target before `?`; the method is compared exactly, e.g. `"GET"`).
pub fn count_requests(log: &[(String, String)], method: &str, path: &str) -> usize {
    log.iter().filter(|(m, target)| m == method && target.split_once('?').map_or(target.as_str(), |(p, _)| p) == path).count()
}

/// A fixture child process: one of the `run.py` runners, its stdout parsed
/// into the request log, its stderr drained into a bounded tail. Shared by
/// [`FlaskFixture`] and [`PyFixture`]; dropping it kills the process.
struct FixtureProcess {
    port: u16,
    child: Child,
    requests: RequestLog,
    callers: CallerLog,
    stderr_tail: StderrTail,
    readers: Vec<JoinHandle<()>>,
}

impl FixtureProcess {
    /// Runs `python -u <dir>/run.py <module>` in `dir` with `envs` and waits
    /// (up to [`STARTUP_TIMEOUT`]) for its `PORT n` line. `label` names the
    /// fixture in error messages.
    fn start(label: &str, dir: &Path, module: &str, envs: &[(&str, &std::ffi::OsStr)]) -> Result<FixtureProcess, String> {
        let python = python_path();
        if !python.exists() {
            return Err(format!("Python interpreter not found at {}: run scripts/setup-test-env.sh (or set PALISADE_PYTHON)", python.display()));
        }
        let mut command = Command::new(&python);
        command
            .arg("-u")
            .arg(dir.join("run.py"))
            .arg(module)
            .current_dir(dir)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in envs {
            command.env(name, value);
        }
        let mut child = command.spawn().map_err(|e| format!("cannot run {}: {e} (run scripts/setup-test-env.sh)", python.display()))?;

        let requests: RequestLog = Arc::default();
        let callers: CallerLog = Arc::default();
        let stderr_tail: StderrTail = Arc::default();
        let (port_tx, port_rx) = mpsc::channel::<u16>();
        let mut readers = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            readers.push(spawn_stdout_reader(stdout, port_tx, requests.clone(), callers.clone()));
        }
        if let Some(stderr) = child.stderr.take() {
            readers.push(spawn_stderr_reader(stderr, stderr_tail.clone()));
        }
        let mut process = FixtureProcess { port: 0, child, requests, callers, stderr_tail, readers };
        match port_rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(port) => {
                process.port = port;
                Ok(process)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Err(process.startup_error(label, &format!("no `PORT n` line within {STARTUP_TIMEOUT:?}"))),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(process.startup_error(label, "the app exited before listening")),
        }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Kills the child and describes the failure with the tail of its stderr.
    fn startup_error(&mut self, label: &str, what: &str) -> String {
        self.stop();
        let tail: Vec<String> = self.stderr_tail.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect();
        format!("{label} failed to start: {what}; stderr:\n{}", tail.join("\n"))
    }

    fn requests(&self) -> Vec<(String, String)> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn callers(&self) -> Vec<Caller> {
        self.callers.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn wait_for_requests(&self, count: usize, timeout: Duration) -> Vec<(String, String)> {
        let deadline = Instant::now() + timeout;
        loop {
            let log = self.requests();
            if log.len() >= count || Instant::now() >= deadline {
                return log;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

impl Drop for FixtureProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A running Flask fixture app on `127.0.0.1`; dropping it kills the process.
pub struct FlaskFixture {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    app: FlaskApp,
    // Declared before `_log_dir`: the process dies before its log directory goes.
    process: FixtureProcess,
    log_file: PathBuf,
    // Holds the log file's directory until the fixture is dropped.
    _log_dir: tempfile::TempDir,
}

impl FlaskFixture {
    /// Starts `app` and waits (up to [`STARTUP_TIMEOUT`]) until it listens.
    pub fn start(app: FlaskApp) -> Result<FlaskFixture, String> {
        let log_dir = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let log_file = log_dir.path().join(format!("{}.log", app.module()));
        let process = FixtureProcess::start(
            &format!("Flask fixture {}", app.module()),
            &flask_fixture_dir(),
            app.module(),
            &[("FLASK_LOG_FILE", log_file.as_os_str())],
        )?;
        Ok(FlaskFixture { base_url: process.base_url(), app, process, log_file, _log_dir: log_dir })
    }

    /// Which app this is.
    pub fn app(&self) -> FlaskApp {
        self.app
    }

    /// Requests the app has received so far, `(method, path?query)`, oldest
    /// first. The app logs a request before handling it, so every request
    /// whose response arrived is normally here; use
    /// [`FlaskFixture::wait_for_requests`] to avoid the small race.
    pub fn requests(&self) -> Vec<(String, String)> {
        self.process.requests()
    }

    /// Waits until at least `count` requests are logged or `timeout` passes,
    /// and returns the log.
    pub fn wait_for_requests(&self, count: usize, timeout: Duration) -> Vec<(String, String)> {
        self.process.wait_for_requests(count, timeout)
    }

    /// The application's own log file (`$FLASK_LOG_FILE`), once the app has
    /// written to it; removed when the fixture is dropped.
    pub fn log_file(&self) -> Option<PathBuf> {
        self.log_file.exists().then(|| self.log_file.clone())
    }
}

impl Drop for FlaskFixture {
    fn drop(&mut self) {
        self.process.stop();
    }
}

/// A running third-party-style fixture app from `tests/fixtures/thirdparty/`
/// on `127.0.0.1`, served by that folder's `run.py` (uvicorn for ASGI apps,
/// Werkzeug for WSGI apps); dropping it kills the process.
pub struct PyFixture {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    module: String,
    process: FixtureProcess,
}

impl PyFixture {
    /// Starts `tests/fixtures/thirdparty/<module>.py` (e.g. `"vampi_like"`)
    /// and waits (up to [`STARTUP_TIMEOUT`]) until it listens.
    pub fn start(module: &str) -> Result<PyFixture, String> {
        let valid =
            !module.is_empty() && !module.starts_with(|c: char| c.is_ascii_digit()) && module.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let dir = thirdparty_fixture_dir();
        if !valid || module == "run" {
            return Err(format!("not a fixture module name: {module:?}"));
        }
        if !dir.join(format!("{module}.py")).is_file() {
            return Err(format!("no fixture module {module}.py in {}", dir.display()));
        }
        let process = FixtureProcess::start(&format!("fixture {module}"), &dir, module, &[])?;
        Ok(PyFixture { base_url: process.base_url(), module: module.to_string(), process })
    }

    /// The module this fixture runs.
    pub fn module(&self) -> &str {
        &self.module
    }

    /// Requests the app has received so far, `(method, path?query)`, oldest
    /// first; see [`FlaskFixture::requests`].
    pub fn requests(&self) -> Vec<(String, String)> {
        self.process.requests()
    }

    /// Waits until at least `count` requests are logged or `timeout` passes,
    /// and returns the log.
    pub fn wait_for_requests(&self, count: usize, timeout: Duration) -> Vec<(String, String)> {
        self.process.wait_for_requests(count, timeout)
    }

    /// Requests with the identity the app derived from their credentials,
    /// oldest first; empty unless the module defines `identify_caller`. Every
    /// `REQ` entry gets its `WHO` entry right after it, so once
    /// [`PyFixture::wait_for_requests`] has seen a request, its caller follows
    /// within moments: waits (up to 2 s) until there are as many callers as
    /// requests.
    pub fn callers(&self) -> Vec<Caller> {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let callers = self.process.callers();
            if callers.len() >= self.process.requests().len() || Instant::now() >= deadline {
                return callers;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for PyFixture {
    fn drop(&mut self) {
        self.process.stop();
    }
}

/// Parses one stdout line of `run.py`.
enum Line {
    Port(u16),
    Request(String, String),
    Caller(Caller),
    Other,
}

fn parse_line(line: &str) -> Line {
    let mut parts = line.trim_end().splitn(3, ' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("PORT"), Some(port), None) => port.parse().map(Line::Port).unwrap_or(Line::Other),
        (Some("REQ"), Some(method), Some(target)) => Line::Request(method.to_string(), target.to_string()),
        (Some("WHO"), Some(method), Some(rest)) => match rest.rsplit_once(' ') {
            Some((target, identity)) if !target.is_empty() && !identity.is_empty() => {
                Line::Caller(Caller { method: method.to_string(), target: target.to_string(), identity: identity.to_string() })
            }
            _ => Line::Other,
        },
        _ => Line::Other,
    }
}

fn spawn_stdout_reader(stdout: ChildStdout, port_tx: mpsc::Sender<u16>, requests: RequestLog, callers: CallerLog) -> JoinHandle<()> {
    std::thread::spawn(move || {
        // Lines are bounded so a misbehaving child cannot exhaust memory.
        let mut reader = BufReader::new(stdout);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.by_ref().take(64 * 1024).read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            match parse_line(&String::from_utf8_lossy(&buf)) {
                Line::Port(port) => {
                    let _ = port_tx.send(port);
                }
                Line::Request(method, target) => {
                    let mut log = requests.lock().unwrap_or_else(|e| e.into_inner());
                    if log.len() < MAX_LOGGED_REQUESTS {
                        log.push((method, target));
                    }
                }
                Line::Caller(caller) => {
                    let mut log = callers.lock().unwrap_or_else(|e| e.into_inner());
                    if log.len() < MAX_LOGGED_REQUESTS {
                        log.push(caller);
                    }
                }
                Line::Other => {}
            }
        }
    })
}

fn spawn_stderr_reader(stderr: ChildStderr, tail: StderrTail) -> JoinHandle<()> {
    std::thread::spawn(move || {
        // Always drained: Werkzeug logs each request to stderr and a full pipe would block the app.
        let mut reader = BufReader::new(stderr);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.by_ref().take(64 * 1024).read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
            if tail.len() == STDERR_TAIL_LINES {
                tail.pop_front();
            }
            tail.push_back(String::from_utf8_lossy(&buf).trim_end().to_string());
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_run_py_lines() {
        assert!(matches!(parse_line("PORT 41234\n"), Line::Port(41234)));
        assert!(matches!(parse_line("PORT x"), Line::Other));
        match parse_line("REQ GET /api/v1/keys?limit=5\n") {
            Line::Request(m, p) => {
                assert_eq!((m.as_str(), p.as_str()), ("GET", "/api/v1/keys?limit=5"))
            }
            _ => panic!("not a request line"),
        }
        assert!(matches!(parse_line(" * Debugger is active!"), Line::Other));
    }

    #[test]
    fn parses_who_lines() {
        match parse_line("WHO GET /books/v1/a?x=1 alice\n") {
            Line::Caller(c) => {
                assert_eq!((c.method.as_str(), c.target.as_str(), c.path(), c.identity.as_str()), ("GET", "/books/v1/a?x=1", "/books/v1/a", "alice"))
            }
            _ => panic!("not a caller line"),
        }
        assert!(matches!(parse_line("WHO GET /x"), Line::Other));
    }

    #[test]
    fn workspace_root_holds_the_fixtures() {
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(flask_fixture_dir().join("run.py").is_file());
        assert!(thirdparty_fixture_dir().join("run.py").is_file());
    }

    #[test]
    fn counts_requests_by_exact_path() {
        let log: Vec<(String, String)> =
            [("GET", "/books/v1"), ("GET", "/books/v1?page=2"), ("GET", "/books/v1/bookTitle11"), ("POST", "/books/v1"), ("GET", "/createdb")]
                .iter()
                .map(|(m, p)| (m.to_string(), p.to_string()))
                .collect();
        assert_eq!(count_requests(&log, "GET", "/books/v1"), 2);
        assert_eq!(count_requests(&log, "POST", "/books/v1"), 1);
        assert_eq!(count_requests(&log, "GET", "/books"), 0);
        assert_eq!(count_requests(&log, "GET", "/createdb"), 1);
        assert_eq!(count_requests(&log, "DELETE", "/createdb"), 0);
    }

    #[test]
    fn py_fixture_rejects_bad_module_names() {
        for bad in ["", "../flask/vulnerable_app", "run", "no_such_fixture", "1abc", "a.b"] {
            assert!(PyFixture::start(bad).is_err(), "{bad:?}");
        }
    }
}
