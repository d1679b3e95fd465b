//! Judge a discovered path by what it serves, never by its status alone.
//!
//! A 200 for `/.env` means nothing on a catch-all server; a `KEY=VALUE` body
//! with `DATABASE_URL` in it means a leak whatever the status. [`classify`]
//! reads a bounded prefix of the body, tries specific signatures first (file
//! magic, framework debug pages, env dumps, ...) and falls back to the generic
//! JSON / HTML / other kinds. Every detector is a handful of linear scans.
//!
//! Details name what was found (kinds, counts, variable or key names) and never
//! include values: findings are shown and stored, secrets must not be.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// How much of a body is read.
pub const MAX_CLASSIFY_BYTES: usize = 256 * 1024;
/// Longest detail text.
const MAX_DETAIL_LEN: usize = 160;
/// How many names a detail lists at most.
const MAX_NAMES_IN_DETAIL: usize = 5;
/// Log files are judged by their first lines.
const LOG_LINES_EXAMINED: usize = 50;
const MIN_LOG_LINES: usize = 3;
const MIN_ENV_KEYS: usize = 3;

/// What a response body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentKind {
    EnvDump,
    LogFile,
    StackTrace,
    DebugPage,
    PhpInfo,
    DirectoryListing,
    ConfigFile,
    VcsMetadata,
    SqlDump,
    Archive,
    SqliteDb,
    SpecOrDocs,
    Metrics,
    AdminPage,
    Json,
    Html,
    Other,
}

impl ContentKind {
    /// True when serving this content to anyone is a finding by itself.
    pub fn is_sensitive(self) -> bool {
        use ContentKind::*;
        matches!(
            self,
            EnvDump | LogFile | StackTrace | DebugPage | PhpInfo | ConfigFile | VcsMetadata | SqlDump | Archive | SqliteDb | DirectoryListing
        )
    }

    /// A short human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            ContentKind::EnvDump => "environment dump",
            ContentKind::LogFile => "log file",
            ContentKind::StackTrace => "stack trace",
            ContentKind::DebugPage => "debug page",
            ContentKind::PhpInfo => "phpinfo page",
            ContentKind::DirectoryListing => "directory listing",
            ContentKind::ConfigFile => "configuration file",
            ContentKind::VcsMetadata => "version-control metadata",
            ContentKind::SqlDump => "SQL dump",
            ContentKind::Archive => "archive",
            ContentKind::SqliteDb => "SQLite database",
            ContentKind::SpecOrDocs => "API spec or docs",
            ContentKind::Metrics => "metrics",
            ContentKind::AdminPage => "admin page",
            ContentKind::Json => "JSON",
            ContentKind::Html => "HTML",
            ContentKind::Other => "other",
        }
    }
}

/// The verdict on one body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub kind: ContentKind,
    /// Short, names what was seen (counts, key names), never secret values.
    pub detail: String,
}

impl Signature {
    fn new(kind: ContentKind, detail: impl Into<String>) -> Signature {
        let mut detail = detail.into();
        if detail.len() > MAX_DETAIL_LEN {
            let mut end = MAX_DETAIL_LEN;
            while !detail.is_char_boundary(end) {
                end -= 1;
            }
            detail.truncate(end);
            detail.push('…');
        }
        Signature { kind, detail }
    }
}

/// Classify a body served for `path`. Reads at most [`MAX_CLASSIFY_BYTES`].
pub fn classify(path: &str, content_type: Option<&str>, body: &[u8]) -> Signature {
    let body = &body[..body.len().min(MAX_CLASSIFY_BYTES)];
    if let Some(signature) = binary_signature(body) {
        return signature;
    }
    if body.contains(&0) {
        // NUL-separated KEY=VALUE is /proc/self/environ; other NULs mean binary.
        return nul_separated_env(body).unwrap_or_else(|| Signature::new(ContentKind::Other, "binary data"));
    }
    let doc = Doc::new(path, content_type, body);
    const DETECTORS: &[fn(&Doc) -> Option<Signature>] = &[
        php_info,
        debug_page,
        env_dump,
        vcs_metadata,
        sql_dump,
        directory_listing,
        log_file,
        stack_trace,
        spec_or_docs,
        config_file,
        metrics,
        admin_page,
    ];
    DETECTORS.iter().find_map(|detect| detect(&doc)).unwrap_or_else(|| generic(&doc))
}

/// The body as text, prepared once for all detectors.
struct Doc<'a> {
    text: Cow<'a, str>,
    /// ASCII-lower-cased copy: byte offsets match `text`.
    lower: String,
    json: Option<Value>,
    is_html: bool,
    /// JavaScript or CSS: strings in code are not leaks of their own.
    is_code: bool,
    content_type: String,
}

impl<'a> Doc<'a> {
    fn new(path: &str, content_type: Option<&str>, body: &'a [u8]) -> Doc<'a> {
        let text = String::from_utf8_lossy(body);
        let lower = text.to_ascii_lowercase();
        let trimmed = text.trim_start_matches('\u{feff}').trim();
        // serde_json stops at its recursion limit, so hostile nesting is an error, not a crash.
        let json = (trimmed.starts_with('{') || trimmed.starts_with('[')).then(|| serde_json::from_str::<Value>(trimmed).ok()).flatten();
        let content_type = content_type.unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let head = lower.trim_start_matches('\u{feff}').trim_start();
        let head = head.get(..1024).unwrap_or(head);
        let is_html = json.is_none()
            && (content_type == "text/html"
                || head.starts_with("<!doctype html")
                || head.starts_with("<html")
                || head.contains("<html")
                || head.contains("<body")
                || head.contains("<head>"));
        let path = path.to_ascii_lowercase();
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let is_code = content_type.contains("javascript")
            || content_type == "text/css"
            || [".js", ".mjs", ".cjs", ".css", ".map"].iter().any(|ext| path.ends_with(ext));
        Doc { text, lower, json, is_html, is_code, content_type }
    }

    fn has(&self, needle: &str) -> bool {
        self.lower.contains(needle)
    }

    fn has_all(&self, needles: &[&str]) -> bool {
        needles.iter().all(|n| self.lower.contains(n))
    }

    fn has_any(&self, needles: &[&str]) -> bool {
        needles.iter().any(|n| self.lower.contains(n))
    }

    /// Lines with content: not blank.
    fn lines(&self) -> impl Iterator<Item = &str> {
        self.text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty())
    }

    /// True when a line starts with `prefix` (case-insensitive), at column 0.
    fn has_line_starting(&self, prefix: &str) -> bool {
        self.lower.lines().any(|l| l.starts_with(prefix))
    }

    fn json_object(&self) -> Option<&Map<String, Value>> {
        self.json.as_ref()?.as_object()
    }
}

// --- binary ---------------------------------------------------------------

fn binary_signature(body: &[u8]) -> Option<Signature> {
    use ContentKind::*;
    let starts = |magic: &[u8]| body.starts_with(magic);
    let sig = if starts(b"SQLite format 3\0") {
        Signature::new(SqliteDb, "SQLite 3 database file")
    } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        Signature::new(Archive, "zip archive")
    } else if starts(&[0x1f, 0x8b]) {
        Signature::new(Archive, "gzip data")
    } else if body.get(257..262) == Some(b"ustar") {
        Signature::new(Archive, "tar archive")
    } else if starts(&[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) {
        Signature::new(Archive, "7-Zip archive")
    } else if starts(b"Rar!\x1a\x07") {
        Signature::new(Archive, "RAR archive")
    } else if starts(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Signature::new(Archive, "xz data")
    } else if body.len() >= 4 && starts(b"BZh") && (b'1'..=b'9').contains(&body[3]) {
        Signature::new(Archive, "bzip2 data")
    } else if starts(b"PGDMP") {
        Signature::new(SqlDump, "PostgreSQL custom-format dump")
    } else if starts(b"JAVA PROFILE 1.0.") {
        Signature::new(DebugPage, "Java heap dump (HPROF): process memory, credentials included")
    } else if starts(b"\0\0\0\x01Bud1") {
        Signature::new(DirectoryListing, ".DS_Store file: lists the folder's file names")
    } else if starts(b"DIRC") && body.get(4..8).is_some_and(|v| matches!(v, [0, 0, 0, 2..=4])) {
        Signature::new(VcsMetadata, "git index: lists every tracked file")
    } else if starts(&[0xfe, 0xed, 0xfe, 0xed]) {
        Signature::new(ConfigFile, "Java keystore")
    } else {
        return None;
    };
    Some(sig)
}

fn nul_separated_env(body: &[u8]) -> Option<Signature> {
    let text = String::from_utf8_lossy(body);
    let entries: Vec<&str> = text.split('\0').map(str::trim).filter(|e| !e.is_empty()).collect();
    let keys: Vec<&str> = entries.iter().filter_map(|e| env_assignment_key(e)).collect();
    (keys.len() >= MIN_ENV_KEYS && keys.len() * 2 >= entries.len())
        .then(|| Signature::new(ContentKind::EnvDump, env_detail(keys.len(), "NUL-separated, like /proc/self/environ", &keys)))
}

// --- phpinfo and debug pages -----------------------------------------------

fn php_info(doc: &Doc) -> Option<Signature> {
    doc.has_all(&["phpinfo()", "php version"]).then(|| Signature::new(ContentKind::PhpInfo, "phpinfo() output"))
}

/// Debug pages recognised by text markers: (all of these, any of these, detail).
const DEBUG_MARKERS: &[(&[&str], &[&str], &str)] = &[
    (&[], &["werkzeug debugger", "?__debugger__=", "__debugger__"], "Werkzeug interactive debugger"),
    (&["debug = true"], &["django", "seeing this error because you have"], "Django technical page (DEBUG = True)"),
    (&["ignition"], &["laravel", "illuminate\\"], "Laravel Ignition error page"),
    (&[], &["whoops! there was an error", "class=\"whoops container\"", "whoops\\run"], "Whoops error page"),
    (&[], &["sf-toolbar", "symfony profiler", "symfony exception"], "Symfony debug toolbar or profiler"),
    (&[], &["action controller: exception caught"], "Rails development error page"),
    (&["rails version", "ruby version"], &["environment", "application root"], "Rails info page"),
    (&["<pre>"], &["&nbsp; &nbsp;at ", "<br> &nbsp;at "], "Express error page with stack trace"),
    (&["server error in", "application"], &["stack trace:", "source error:"], "ASP.NET detailed error page"),
    (&[], &["id=\"djdebug\""], "Django Debug Toolbar"),
    (&[], &["yii debugger"], "Yii debugger"),
    (&[], &["types of profiles available"], "Go pprof index"),
    (&[], &["apache server status for"], "Apache server-status"),
    (&[], &["apache server information"], "Apache server-info"),
    (&["clockwork"], &["\"requesttime\"", "\"responsestatus\""], "Clockwork request data"),
];

fn debug_page(doc: &Doc) -> Option<Signature> {
    if let Some(sig) = json_debug_output(doc) {
        return Some(sig);
    }
    if doc.is_code {
        return None;
    }
    DEBUG_MARKERS
        .iter()
        .find(|(all, any, _)| doc.has_all(all) && doc.has_any(any))
        .map(|(_, _, detail)| Signature::new(ContentKind::DebugPage, *detail))
        .or_else(|| request_trace_page(doc))
}

/// Go expvar, Spring actuator beans/mappings/threads/loggers/httptrace.
fn json_debug_output(doc: &Doc) -> Option<Signature> {
    use ContentKind::*;
    let obj = doc.json_object()?;
    let has = |key: &str| obj.contains_key(key);
    let sig = if has("cmdline") && has("memstats") {
        Signature::new(DebugPage, "Go expvar: command line and memory stats")
    } else if (has("traces") || has("exchanges")) && doc.has("\"headers\"") {
        Signature::new(LogFile, "Spring actuator HTTP trace: recent requests with their headers")
    } else if has("threads") && doc.has("\"threadname\"") {
        Signature::new(DebugPage, "thread dump")
    } else if has("levels") && has("loggers") {
        Signature::new(DebugPage, "Spring actuator loggers")
    } else if has("contexts") && doc.has_any(&["\"dispatcherservlets\"", "\"dispatcherhandlers\""]) {
        Signature::new(DebugPage, "Spring actuator mappings: every route of the app")
    } else if has("contexts") && doc.has("\"beans\"") {
        Signature::new(DebugPage, "Spring actuator beans or configprops")
    } else {
        return None;
    };
    Some(sig)
}

/// ELMAH and ASP.NET trace.axd: request logs rendered as HTML.
fn request_trace_page(doc: &Doc) -> Option<Signature> {
    if doc.has_all(&["error log for", "elmah"]) {
        return Some(Signature::new(ContentKind::LogFile, "ELMAH error log"));
    }
    if doc.has_all(&["application trace", "requests to this application"]) {
        return Some(Signature::new(ContentKind::LogFile, "ASP.NET trace.axd request log"));
    }
    None
}

// --- environment dumps -----------------------------------------------------

/// Names every process environment has, or that only environments have.
const WELL_KNOWN_ENV_NAMES: &[&str] = &[
    "PATH",
    "HOME",
    "HOSTNAME",
    "USER",
    "SHELL",
    "PWD",
    "OLDPWD",
    "LANG",
    "TERM",
    "TZ",
    "LOGNAME",
    "SHLVL",
    "TMPDIR",
    "DEBUG",
    "PORT",
    "ENV",
    "ENVIRONMENT",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "GPG_KEY",
    "LD_LIBRARY_PATH",
    "VIRTUAL_ENV",
    "GOPATH",
    "GOROOT",
];
const ENV_NAME_PREFIXES: &[&str] = &[
    "AWS_",
    "AZURE_",
    "GCP_",
    "GOOGLE_",
    "KUBERNETES_",
    "K8S_",
    "POSTGRES_",
    "PG",
    "MYSQL_",
    "MONGO",
    "REDIS_",
    "DB_",
    "DATABASE_",
    "DJANGO_",
    "FLASK_",
    "SPRING_",
    "NODE_",
    "NPM_",
    "PYTHON",
    "JAVA_",
    "LC_",
    "XDG_",
    "DOCKER_",
    "HEROKU_",
    "VERCEL_",
    "RAILS_",
    "RACK_",
    "STRIPE_",
    "SENTRY_",
    "SMTP_",
    "MAIL_",
    "S3_",
    "JWT_",
    "OPENAI_",
    "GITHUB_",
    "CI_",
    "SECRET",
];
const ENV_NAME_SUFFIXES: &[&str] = &[
    "_PASSWORD",
    "_PASS",
    "_PASSWD",
    "_SECRET",
    "_KEY",
    "_TOKEN",
    "_URL",
    "_URI",
    "_DSN",
    "_HOST",
    "_PORT",
    "_HOME",
    "_PATH",
    "_DIR",
    "_ENV",
    "_VERSION",
];
/// Parts of names whose values are secrets: such names are listed first.
const SECRET_NAME_PARTS: &[&str] = &["PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "DSN", "DATABASE_URL", "CREDENTIAL"];

/// `DATABASE_URL`-style: upper-case letters, digits and `_`, starting with a letter.
fn is_env_style_name(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// An env-style name that looks like an environment variable, not just an upper-case word.
fn is_env_like_name(name: &str) -> bool {
    is_env_style_name(name)
        && (WELL_KNOWN_ENV_NAMES.contains(&name)
            || ENV_NAME_PREFIXES.iter().any(|p| name.starts_with(p))
            || ENV_NAME_SUFFIXES.iter().any(|s| name.ends_with(s)))
}

/// The key of `KEY=VALUE` or `export KEY=VALUE`, if env-style.
fn env_assignment_key(line: &str) -> Option<&str> {
    let line = line.trim();
    let line = line.strip_prefix("export ").unwrap_or(line);
    let (key, _) = line.split_once('=')?;
    is_env_style_name(key).then_some(key)
}

/// "N environment variables (how), incl. NAME, NAME": secret-looking names first.
fn env_detail(count: usize, how: &str, names: &[&str]) -> String {
    let unique: BTreeSet<&str> = names.iter().copied().filter(|n| is_env_style_name(n)).collect();
    let (mut secret, plain): (Vec<&str>, Vec<&str>) = unique.into_iter().partition(|n| SECRET_NAME_PARTS.iter().any(|p| n.contains(p)));
    secret.extend(plain);
    secret.truncate(MAX_NAMES_IN_DETAIL);
    format!("{count} environment variables ({how}), incl. {}", secret.join(", "))
}

fn env_dump(doc: &Doc) -> Option<Signature> {
    spring_env(doc).or_else(|| json_env(doc)).or_else(|| assignment_lines_env(doc)).or_else(|| dict_repr_env(doc))
}

/// Spring actuator `/env`: `propertySources` (Boot 2+) or `systemEnvironment` (Boot 1).
fn spring_env(doc: &Doc) -> Option<Signature> {
    if doc.has("\"propertysources\"") && doc.has_any(&["\"activeprofiles\"", "\"properties\""]) {
        return Some(Signature::new(ContentKind::EnvDump, "Spring actuator env (propertySources)"));
    }
    if doc.has_any(&["\"systemenvironment\"", "\"systemproperties\""]) && doc.has("\"profiles\"") {
        return Some(Signature::new(ContentKind::EnvDump, "Spring Boot 1 env (systemEnvironment)"));
    }
    None
}

/// A JSON object of env-like keys, at the top or one level down
/// (`{"environment": {...}}`).
fn json_env(doc: &Doc) -> Option<Signature> {
    let obj = doc.json_object()?;
    let candidates = std::iter::once(obj).chain(obj.values().filter_map(Value::as_object));
    let best = candidates.filter_map(env_keys_of_object).max_by_key(Vec::len)?;
    Some(Signature::new(ContentKind::EnvDump, env_detail(best.len(), "JSON object", &best)))
}

/// The keys of `obj` if it reads as an environment: enough env-like names,
/// and mostly env-style names (so an API object with a few upper-case keys is not).
fn env_keys_of_object(obj: &Map<String, Value>) -> Option<Vec<&str>> {
    let env_style = obj.keys().filter(|k| is_env_style_name(k)).count();
    let env_like: Vec<&str> = obj.keys().map(String::as_str).filter(|k| is_env_like_name(k)).collect();
    (env_like.len() >= MIN_ENV_KEYS && env_style * 2 >= obj.len()).then_some(env_like)
}

/// `.env` files, `env`/`printenv` output: mostly `KEY=VALUE` lines.
fn assignment_lines_env(doc: &Doc) -> Option<Signature> {
    if doc.is_html || doc.is_code || doc.json.is_some() {
        return None;
    }
    let content: Vec<&str> = doc.lines().map(str::trim).filter(|l| !l.starts_with('#')).collect();
    let keys: Vec<&str> = content.iter().filter_map(|l| env_assignment_key(l)).collect();
    (keys.len() >= MIN_ENV_KEYS && keys.len() * 2 >= content.len())
        .then(|| Signature::new(ContentKind::EnvDump, env_detail(keys.len(), "KEY=VALUE lines", &keys)))
}

/// Python's `environ({'PATH': ...})` or a dict repr, and JSON too large to parse
/// whole: count quoted keys followed by `:`.
fn dict_repr_env(doc: &Doc) -> Option<Signature> {
    let trimmed = doc.text.trim_start();
    let plausible = doc.has("environ") || trimmed.starts_with("{'") || (trimmed.starts_with('{') && doc.json.is_none());
    if !plausible || doc.is_code {
        return None;
    }
    let keys = quoted_keys(&doc.text);
    let env_style = keys.iter().filter(|k| is_env_style_name(k)).count();
    let env_like: BTreeSet<&str> = keys.iter().copied().filter(|k| is_env_like_name(k)).collect();
    let env_like: Vec<&str> = env_like.into_iter().collect();
    (env_like.len() >= MIN_ENV_KEYS && env_style * 2 >= keys.len())
        .then(|| Signature::new(ContentKind::EnvDump, env_detail(env_like.len(), "dict of variables", &env_like)))
}

/// Every `'key':` or `"key":` in the text, in one pass.
fn quoted_keys(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut keys = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let quote = bytes[i];
        if quote != b'"' && quote != b'\'' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let Some(len) = bytes[start..].iter().take(128).position(|&b| b == quote || b == b'\n') else {
            i = start;
            continue;
        };
        let end = start + len;
        if bytes[end] != quote {
            i = end;
            continue;
        }
        let after = bytes[end + 1..].iter().position(|b| !b.is_ascii_whitespace()).map(|p| end + 1 + p);
        if after.is_some_and(|p| bytes[p] == b':') {
            keys.push(&text[start..end]);
        }
        i = end + 1;
    }
    keys
}

// --- version control ---------------------------------------------------------

fn vcs_metadata(doc: &Doc) -> Option<Signature> {
    use ContentKind::VcsMetadata;
    let first = doc.lines().next().unwrap_or_default().trim();
    if first.starts_with("ref: refs/") {
        return Some(Signature::new(VcsMetadata, "git HEAD"));
    }
    if doc.has("[core]") && doc.has_any(&["repositoryformatversion", "filemode =", "bare ="]) {
        let remote = if doc.has("[remote ") { " with remote URLs" } else { "" };
        let creds = if has_url_with_credentials(&doc.lower) { ", a URL embeds credentials" } else { "" };
        return Some(Signature::new(VcsMetadata, format!("git config{remote}{creds}")));
    }
    if is_git_reflog_line(first) {
        return Some(Signature::new(VcsMetadata, "git reflog (commit history with author e-mails)"));
    }
    if is_svn_entries(doc) {
        return Some(Signature::new(VcsMetadata, "Subversion entries"));
    }
    if doc.has("[paths]") && doc.lower.lines().any(|l| l.trim_start().starts_with("default")) && doc.has("=") {
        return Some(Signature::new(VcsMetadata, "Mercurial hgrc"));
    }
    if first.starts_with(":pserver:") || first.starts_with(":ext:") {
        return Some(Signature::new(VcsMetadata, "CVS Root"));
    }
    if doc.has_any(&["parent_location =", "bound_location ="]) {
        return Some(Signature::new(VcsMetadata, "Bazaar branch.conf"));
    }
    None
}

/// `<40 hex> <40 hex> Name <mail> 1700000000 +0000\tcommit: ...`
fn is_git_reflog_line(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 82 && b[..40].iter().all(u8::is_ascii_hexdigit) && b[40] == b' ' && b[41..81].iter().all(u8::is_ascii_hexdigit)
}

/// Old `.svn/entries`: a format number line, then `dir` within the first lines, or the XML form.
fn is_svn_entries(doc: &Doc) -> bool {
    if doc.has("<wc-entries") {
        return true;
    }
    let mut lines = doc.text.lines().map(str::trim);
    let format_line = lines.next().unwrap_or_default();
    let is_format = (1..=2).contains(&format_line.len()) && format_line.bytes().all(|b| b.is_ascii_digit());
    is_format && lines.take(4).any(|l| l == "dir")
}

/// `scheme://user:secret@host`: says that credentials are embedded, never which.
fn has_url_with_credentials(lower: &str) -> bool {
    lower.match_indices("://").any(|(i, _)| {
        let authority = lower[i + 3..].split(['/', ' ', '\n', '"', '\'']).next().unwrap_or_default();
        authority.split_once('@').is_some_and(|(userinfo, host)| userinfo.contains(':') && !host.is_empty())
    })
}

// --- SQL dumps -----------------------------------------------------------------

const SQL_STATEMENT_STARTS: &[&str] = &["create table", "insert into", "drop table", "alter table", "lock tables", "create index", "copy "];

fn sql_dump(doc: &Doc) -> Option<Signature> {
    let markers = ["-- mysql dump", "postgresql database dump", "-- phpmyadmin sql dump", "-- dumping data for table"];
    if doc.has_any(&markers) {
        return Some(Signature::new(ContentKind::SqlDump, "SQL dump (dump tool header)"));
    }
    if doc.is_html || doc.is_code {
        return None;
    }
    let mut statements = 0;
    let mut has_data_or_schema = false;
    for line in doc.lower.lines().map(str::trim_start) {
        if let Some(start) = SQL_STATEMENT_STARTS.iter().find(|s| line.starts_with(*s)) {
            statements += 1;
            has_data_or_schema |= matches!(*start, "create table" | "insert into");
        }
    }
    (statements >= 3 && has_data_or_schema)
        .then(|| Signature::new(ContentKind::SqlDump, format!("{statements} SQL statements (CREATE TABLE / INSERT INTO)")))
}

// --- directory listings -----------------------------------------------------------

fn directory_listing(doc: &Doc) -> Option<Signature> {
    const MARKERS: &[&str] = &[
        "<title>index of /",
        "<h1>index of /",
        "<title>directory listing for /",
        "<h1>directory listing for /",
        "<h2>directory listing for /",
        "[to parent directory]",
        "<title>listing directory /",
        "<h1>directory: /",
    ];
    if !doc.has_any(MARKERS) {
        return None;
    }
    let entries: Vec<&str> = doc
        .lower
        .match_indices("href=")
        .map(|(i, _)| {
            let rest = doc.lower[i + 5..].trim_start_matches(['"', '\'']);
            rest.split(['"', '\'', '>', ' ']).next().unwrap_or_default()
        })
        .filter(|h| !h.is_empty() && !h.starts_with('?') && !h.starts_with("../") && *h != "/")
        .collect();
    let notable = entries.iter().filter(|e| NOTABLE_FILE_EXTENSIONS.iter().any(|x| e.ends_with(x))).count();
    let notable = if notable > 0 { format!(", {notable} of them logs, dumps, archives or configs") } else { String::new() };
    Some(Signature::new(ContentKind::DirectoryListing, format!("directory listing, {} entries{notable}", entries.len())))
}

const NOTABLE_FILE_EXTENSIONS: &[&str] =
    &[".log", ".sql", ".gz", ".zip", ".tar", ".tgz", ".bak", ".env", ".db", ".sqlite", ".sqlite3", ".yml", ".json", ".conf"];

// --- log files ---------------------------------------------------------------------

fn log_file(doc: &Doc) -> Option<Signature> {
    if doc.is_code || doc.json.is_some() {
        return None;
    }
    let lines: Vec<&str> = doc.lines().take(LOG_LINES_EXAMINED).collect();
    let log_lines = lines.iter().filter(|l| is_log_line(l)).count();
    if log_lines < MIN_LOG_LINES {
        return None;
    }
    let access = lines.iter().filter(|l| is_access_log_line(l)).count();
    let format = if access >= MIN_LOG_LINES { "access log" } else { "application log" };
    let mut detail = format!("{format}: {log_lines} of the first {} lines are log lines", lines.len());
    let leaked: Vec<&str> = LOGGED_SECRET_NAMES.iter().copied().filter(|n| doc.has(n)).collect();
    if !leaked.is_empty() {
        detail.push_str(&format!("; mentions {}", leaked.join(", ")));
    }
    Some(Signature::new(ContentKind::LogFile, detail))
}

/// Names of headers and parameters that carry secrets when logged.
const LOGGED_SECRET_NAMES: &[&str] = &["authorization", "x-api-key", "api_key", "apikey", "access_token", "cookie", "password", "bearer "];

const LOG_LEVELS: &[&str] = &["TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "ERR", "CRIT", "CRITICAL", "FATAL", "SEVERE"];

fn is_log_line(line: &str) -> bool {
    let line = line.trim_start();
    starts_with_timestamp(line.strip_prefix('[').unwrap_or(line))
        || starts_with_level(line)
        || is_access_log_line(line)
        || is_structured_log_line(line)
}

/// ISO `2026-11-30T10:00`, `2026/11/30 10:00`, `30/Nov/2026:10:00`, syslog
/// `Nov 30 10:00:00`, glog `I1130 10:00:00`, or a bare `10:00:00`.
fn starts_with_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let at = |i: usize, set: &[u8]| b.get(i).is_some_and(|c| set.contains(c));
    let clock_at = |i: usize| digits(i..i + 2) && at(i + 2, b":") && digits(i + 3..i + 5);
    let iso = digits(0..4) && at(4, b"-/") && digits(5..7) && at(7, b"-/") && digits(8..10) && at(10, b"T ") && clock_at(11);
    let common = digits(0..2) && at(2, b"/") && is_month(b.get(3..6)) && at(6, b"/") && digits(7..11) && at(11, b": ") && clock_at(12);
    let syslog = is_month(b.get(0..3)) && at(3, b" ") && at(4, b" 0123") && digits(5..6) && at(6, b" ") && clock_at(7);
    let glog = at(0, b"IWEF") && digits(1..5) && at(5, b" ") && clock_at(6);
    let clock = clock_at(0) && at(5, b":") && digits(6..8);
    iso || common || syslog || glog || clock
}

fn is_month(name: Option<&[u8]>) -> bool {
    const MONTHS: &[&[u8]] = &[b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];
    name.is_some_and(|n| MONTHS.contains(&n))
}

/// `[INFO] ...`, `ERROR: ...`, `WARNING:root:...`, `INFO  |`.
fn starts_with_level(line: &str) -> bool {
    let (bracketed, rest) = match line.strip_prefix('[') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    LOG_LEVELS.iter().any(|level| {
        let Some(word) = rest.get(..level.len()) else {
            return false;
        };
        let same = if bracketed { word.eq_ignore_ascii_case(level) } else { word == *level };
        let next = rest.as_bytes().get(level.len());
        same && if bracketed { next == Some(&b']') } else { matches!(next, Some(b':' | b' ' | b'|')) }
    })
}

/// `10.0.0.1 - - [30/Nov/2026:10:00:00 +0000] "GET /path HTTP/1.1" 200 512`
fn is_access_log_line(line: &str) -> bool {
    const METHODS: &[&str] = &["\"GET ", "\"POST ", "\"PUT ", "\"DELETE ", "\"PATCH ", "\"HEAD ", "\"OPTIONS "];
    let first = line.split(' ').next().unwrap_or_default();
    let ip_like =
        !first.is_empty() && first.bytes().all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':') && first.bytes().any(|b| b == b'.' || b == b':');
    ip_like && line.contains('[') && METHODS.iter().any(|m| line.contains(m)) && line.contains(" HTTP/")
}

/// JSON lines (`{"level":"info","msg":...}`) and logfmt (`level=info msg=...`).
fn is_structured_log_line(line: &str) -> bool {
    let json = line.starts_with('{')
        && ["\"level\"", "\"severity\"", "\"lvl\"", "\"levelname\""].iter().any(|k| line.contains(k))
        && ["\"msg\"", "\"message\"", "\"event\""].iter().any(|k| line.contains(k));
    let logfmt = line.contains("level=") && (line.contains("msg=") || line.contains("message="));
    json || logfmt
}

// --- stack traces ----------------------------------------------------------------------

fn stack_trace(doc: &Doc) -> Option<Signature> {
    if doc.is_code {
        return None;
    }
    if let Some(detail) = stack_trace_in(&doc.text) {
        return Some(Signature::new(ContentKind::StackTrace, detail));
    }
    // Traces inside JSON error bodies have their line breaks escaped.
    if doc.text.contains("\\n") {
        let unescaped = unescape_json_breaks(&doc.text);
        if let Some(detail) = stack_trace_in(&unescaped) {
            return Some(Signature::new(ContentKind::StackTrace, format!("{detail} (inside a JSON string)")));
        }
    }
    None
}

fn stack_trace_in(text: &str) -> Option<&'static str> {
    let mut frames = FrameCounts::default();
    for line in text.lines().map(str::trim) {
        frames.count(line);
    }
    if text.contains("Traceback (most recent call last)") && frames.python > 0 {
        return Some("Python traceback");
    }
    if frames.java >= 2 {
        return Some("Java stack trace");
    }
    if frames.dotnet >= 2 {
        return Some(".NET stack trace");
    }
    let go_header = (text.contains("goroutine ") && text.contains(" [running]:")) || text.contains("panic: ");
    if go_header && frames.go > 0 {
        return Some("Go panic with goroutine stacks");
    }
    if frames.node >= 2 {
        return Some("Node.js stack trace");
    }
    if frames.ruby >= 2 {
        return Some("Ruby backtrace");
    }
    if frames.php >= 2 || (text.contains("PHP Fatal error") && text.contains(".php on line")) {
        return Some("PHP stack trace");
    }
    None
}

#[derive(Default)]
struct FrameCounts {
    python: usize,
    java: usize,
    dotnet: usize,
    go: usize,
    node: usize,
    ruby: usize,
    php: usize,
}

impl FrameCounts {
    fn count(&mut self, line: &str) {
        if line.starts_with("File \"") && line.contains("\", line ") {
            self.python += 1;
        }
        if let Some(frame) = line.strip_prefix("at ") {
            let jvm = [".java:", ".kt:", ".scala:", "(Native Method)", "(Unknown Source)"];
            let node = [".js:", ".ts:", ".mjs:", ".cjs:", "node:internal"];
            if jvm.iter().any(|m| frame.contains(m)) {
                self.java += 1;
            } else if frame.contains(":line ") || frame.starts_with("System.") || frame.starts_with("Microsoft.") {
                self.dotnet += 1;
            } else if node.iter().any(|m| frame.contains(m)) {
                self.node += 1;
            }
        }
        if line.contains(".go:") && (line.starts_with('/') || line.contains("+0x")) {
            self.go += 1;
        }
        if line.contains(".rb:") && line.contains(":in ") {
            self.ruby += 1;
        }
        let php_frame = line.strip_prefix('#').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
        if php_frame && line.contains(".php") {
            self.php += 1;
        }
    }
}

/// `\n`, `\t`, `\"` and `\\` escapes of a JSON string, made real.
fn unescape_json_breaks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

// --- specs and docs ----------------------------------------------------------------------

fn spec_or_docs(doc: &Doc) -> Option<Signature> {
    use ContentKind::SpecOrDocs;
    if let Some(obj) = doc.json_object() {
        for key in ["openapi", "swagger"] {
            if let Some(version) = obj.get(key).and_then(Value::as_str) {
                if obj.contains_key("paths") || obj.contains_key("info") {
                    return Some(Signature::new(SpecOrDocs, spec_detail(key, version)));
                }
            }
        }
        if obj.get("data").and_then(Value::as_object).is_some_and(|d| d.contains_key("__schema")) {
            return Some(Signature::new(SpecOrDocs, "GraphQL introspection result"));
        }
    }
    let yaml_spec = doc.has_line_starting("openapi:") || doc.has_line_starting("swagger:");
    if yaml_spec && (doc.has_line_starting("paths:") || doc.has_line_starting("info:")) {
        return Some(Signature::new(SpecOrDocs, "OpenAPI/Swagger spec (YAML)"));
    }
    if doc.has("schemas.xmlsoap.org/wsdl") && doc.has("definitions") {
        return Some(Signature::new(SpecOrDocs, "WSDL service description"));
    }
    if !doc.is_html {
        return None;
    }
    const UIS: &[(&[&str], &str)] = &[
        (&["swagger-ui"], "Swagger UI"),
        (&["<redoc", "redoc.standalone"], "Redoc"),
        (&["graphiql"], "GraphiQL"),
        (&["graphql playground", "graphql-playground"], "GraphQL Playground"),
        (&["altair graphql", "altair-graphql"], "Altair GraphQL client"),
        (&["graphql-voyager", "graphql voyager"], "GraphQL Voyager"),
        (&["<rapi-doc"], "RapiDoc"),
        (&["@scalar/api-reference"], "Scalar API reference"),
        (&["apollo-server-landing-page", "embeddable-sandbox"], "Apollo Sandbox"),
    ];
    UIS.iter().find(|(any, _)| doc.has_any(any)).map(|(_, name)| Signature::new(SpecOrDocs, *name))
}

fn spec_detail(key: &str, version: &str) -> String {
    let name = if key == "openapi" { "OpenAPI" } else { "Swagger" };
    let clean = version.len() <= 10 && version.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if clean {
        format!("{name} {version} spec")
    } else {
        format!("{name} spec")
    }
}

// --- configuration files --------------------------------------------------------------------

fn config_file(doc: &Doc) -> Option<Signature> {
    if doc.is_code {
        return None;
    }
    specific_config(doc)
        .or_else(|| json_config(doc))
        .or_else(|| secret_assignments_config(doc))
        .or_else(|| properties_config(doc))
        .map(|detail| Signature::new(ContentKind::ConfigFile, detail))
}

/// Config formats with unmistakable markers: (all of these, any of these, detail).
const CONFIG_MARKERS: &[(&[&str], &[&str], &str)] = &[
    (&["-----begin ", "private key-----"], &["-----begin "], "PEM private key"),
    (&["aws_access_key_id"], &["aws_secret_access_key", "aws_session_token"], "AWS credentials file"),
    // `.npmrc` always names its registry; without that, `DB_PASSWORD=` would match.
    (&["registry"], &[":_authtoken=", ":_authtoken =", "_auth=", ":_password="], ".npmrc with registry credentials"),
    (&["<configuration"], &["<connectionstrings", "<appsettings", "<system.web", "<system.webserver"], "ASP.NET web.config"),
    (&["define("], &["'db_password'", "\"db_password\"", "'auth_key'", "'db_name'"], "WordPress config (PHP source)"),
    (&["kind: config", "clusters:"], &["users:", "contexts:"], "kubeconfig"),
    (&["secret_key = "], &["installed_apps", "databases"], "Django settings module"),
    (&["machine "], &[" password ", "\npassword "], ".netrc with credentials"),
    (&["password"], &["[client]", "[mysql]", "[mysqld]"], "MySQL option file"),
    (&["pipeline {", "stages {"], &["agent "], "Jenkinsfile"),
];

fn specific_config(doc: &Doc) -> Option<String> {
    if let Some((_, _, detail)) = CONFIG_MARKERS.iter().find(|(all, any, _)| doc.has_all(all) && doc.has_any(any)) {
        return Some((*detail).to_string());
    }
    if doc.text.trim_start().starts_with("<?php") {
        return Some("PHP source code".into());
    }
    if is_htpasswd(doc) {
        return Some(".htpasswd with password hashes".into());
    }
    if is_git_credentials(doc) {
        return Some(".git-credentials (URLs with embedded credentials)".into());
    }
    if doc.is_html || doc.json.is_some() {
        return None;
    }
    let line = |p: &str| doc.has_line_starting(p);
    let yaml = [
        (line("services:") && doc.has_any(&["image:", "build:"]), "Docker Compose file"),
        (line("spring:"), "Spring application.yml"),
        (line("production:") && doc.has_any(&["adapter:", "secret_key_base:", "password:"]), "Rails config"),
        (line("stages:") && doc.has("script:"), "CI pipeline definition"),
        (line("jobs:") && doc.has("steps:"), "CI pipeline definition"),
        (line("from ") && (line("run ") || line("copy ") || line("cmd ") || line("entrypoint ")), "Dockerfile"),
    ];
    yaml.iter().find(|(hit, _)| *hit).map(|(_, detail)| (*detail).to_string())
}

fn is_htpasswd(doc: &Doc) -> bool {
    const HASH_PREFIXES: &[&str] = &["$apr1$", "$2y$", "$2a$", "$2b$", "{SHA}", "$1$", "$5$", "$6$"];
    let lines: Vec<&str> = doc.lines().map(str::trim).collect();
    !lines.is_empty()
        && lines.iter().all(|l| {
            l.split_once(':').is_some_and(|(user, hash)| {
                !user.is_empty() && !user.contains(char::is_whitespace) && HASH_PREFIXES.iter().any(|p| hash.starts_with(p))
            })
        })
}

fn is_git_credentials(doc: &Doc) -> bool {
    let lines: Vec<&str> = doc.lines().map(str::trim).collect();
    !lines.is_empty()
        && lines.iter().all(|l| {
            !l.contains(char::is_whitespace)
                && (l.starts_with("https://") || l.starts_with("http://"))
                && has_url_with_credentials(&l.to_ascii_lowercase())
        })
}

/// Known JSON configs, or any JSON object tree with several secret-looking keys.
fn json_config(doc: &Doc) -> Option<String> {
    let obj = doc.json_object()?;
    let has = |k: &str| obj.contains_key(k);
    if has("ConnectionStrings") || (has("Logging") && has("AllowedHosts")) {
        return Some("ASP.NET appsettings".into());
    }
    if has("terraform_version") && has("resources") {
        return Some("Terraform state".into());
    }
    if obj.get("type").and_then(Value::as_str) == Some("service_account") && has("private_key") {
        return Some("Google service account key".into());
    }
    if obj.get("auths").is_some_and(Value::is_object) {
        return Some("Docker registry credentials".into());
    }
    let mut names = BTreeSet::new();
    collect_secret_keys(obj, 0, &mut names, &mut 0);
    (names.len() >= 2).then(|| {
        let shown: Vec<&str> = names.iter().map(String::as_str).take(MAX_NAMES_IN_DETAIL).collect();
        format!("JSON with {} secret-looking keys: {}", names.len(), shown.join(", "))
    })
}

/// Parts of key names whose values are secrets (`db_password`, `clientSecret`, ...).
const SECRET_KEY_PARTS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "private_key",
    "privatekey",
    "api_key",
    "apikey",
    "access_key",
    "accesskey",
    "connectionstring",
    "connection_string",
    "credentials",
    "dsn",
];

fn is_secret_key_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_KEY_PARTS.iter().any(|p| lower.contains(p))
}

/// A key name safe to show: short and made of identifier characters.
fn is_displayable_name(name: &str) -> bool {
    (1..=40).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
}

/// Secret-looking keys with non-empty string values, three levels deep at most.
fn collect_secret_keys(obj: &Map<String, Value>, depth: usize, names: &mut BTreeSet<String>, visited: &mut usize) {
    const MAX_VISITED: usize = 10_000;
    for (key, value) in obj {
        *visited += 1;
        if *visited > MAX_VISITED {
            return;
        }
        let filled = value.as_str().is_some_and(|s| !s.trim().is_empty());
        if filled && is_secret_key_name(key) && is_displayable_name(key) {
            names.insert(key.clone());
        }
        if let Some(child) = value.as_object().filter(|_| depth < 2) {
            collect_secret_keys(child, depth + 1, names, visited);
        }
    }
}

/// YAML, INI and properties files with `key: value` / `key = value` secrets.
fn secret_assignments_config(doc: &Doc) -> Option<String> {
    if doc.is_html || doc.json.is_some() {
        return None;
    }
    let mut names = BTreeSet::new();
    for line in doc.lines().map(str::trim) {
        let Some((key, value)) = split_assignment(line) else {
            continue;
        };
        if is_secret_key_name(key) && is_displayable_name(key) && !value.is_empty() {
            names.insert(key.to_string());
        }
    }
    (names.len() >= 2).then(|| {
        let shown: Vec<&str> = names.iter().map(String::as_str).take(MAX_NAMES_IN_DETAIL).collect();
        format!("config with {} secret-looking keys: {}", names.len(), shown.join(", "))
    })
}

/// `key: value`, `key = value` or `key=value`; the key is a single identifier-like token.
fn split_assignment(line: &str) -> Option<(&str, &str)> {
    if line.starts_with(['#', ';', '-', '/', '*']) {
        return None;
    }
    let split_at = line.find([':', '='])?;
    let key = line[..split_at].trim().trim_matches(['"', '\'']);
    let value = line[split_at + 1..].trim().trim_matches(['"', '\'', ',']);
    (!key.is_empty() && !key.contains(char::is_whitespace)).then_some((key, value))
}

/// Java `.properties`: mostly `dotted.key=value` lines.
fn properties_config(doc: &Doc) -> Option<String> {
    if doc.is_html || doc.json.is_some() {
        return None;
    }
    let content: Vec<&str> = doc.lines().map(str::trim).filter(|l| !l.starts_with(['#', '!'])).collect();
    let dotted = content.iter().filter(|l| is_dotted_property(l)).count();
    (dotted >= 3 && dotted * 2 >= content.len()).then(|| format!("properties file, {dotted} settings"))
}

fn is_dotted_property(line: &str) -> bool {
    let Some((key, _)) = line.split_once('=') else {
        return false;
    };
    let key = key.trim();
    key.contains('.') && key.starts_with(|c: char| c.is_ascii_lowercase()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-[]".contains(&b))
}

// --- metrics, admin pages, fallbacks -------------------------------------------------------------

fn metrics(doc: &Doc) -> Option<Signature> {
    use ContentKind::Metrics;
    let types = doc.lower.lines().filter(|l| l.starts_with("# type ")).count();
    if types > 0 && doc.has_line_starting("# help ") {
        return Some(Signature::new(Metrics, format!("Prometheus metrics, {types} metric families")));
    }
    if doc.has_all(&["active connections:", "server accepts handled requests"]) {
        return Some(Signature::new(Metrics, "nginx stub_status"));
    }
    if doc.has_all(&["pool:", "process manager:"]) {
        return Some(Signature::new(Metrics, "PHP-FPM status"));
    }
    let obj = doc.json_object()?;
    if obj.get("names").and_then(Value::as_array).is_some_and(|n| n.iter().any(|v| v.as_str().is_some_and(|s| s.starts_with("jvm.")))) {
        return Some(Signature::new(Metrics, "Spring actuator metrics"));
    }
    if obj.contains_key("cluster_name") && obj.contains_key("status") && obj.contains_key("number_of_nodes") {
        return Some(Signature::new(Metrics, "Elasticsearch cluster health"));
    }
    None
}

fn admin_page(doc: &Doc) -> Option<Signature> {
    if !doc.is_html {
        return None;
    }
    const TITLE_MARKERS: &[&str] = &["admin", "dashboard", "control panel", "backoffice", "back office", "management console"];
    let title = html_title(&doc.lower).unwrap_or_default();
    if TITLE_MARKERS.iter().any(|m| title.contains(m)) {
        return Some(Signature::new(ContentKind::AdminPage, "page titled as an admin area"));
    }
    let login_form = doc.has_any(&["type=\"password\"", "type='password'", "type=password"]);
    (login_form && doc.has("admin")).then(|| Signature::new(ContentKind::AdminPage, "admin login form"))
}

/// Text of the first `<title>`, bounded.
fn html_title(lower: &str) -> Option<&str> {
    let start = lower.find("<title")?;
    let after = &lower[start..];
    let open_end = after.find('>')? + 1;
    let body = &after[open_end..];
    let end = body.find("</title").unwrap_or(body.len()).min(512);
    body.get(..end)
}

fn generic(doc: &Doc) -> Signature {
    match &doc.json {
        Some(Value::Object(obj)) => Signature::new(ContentKind::Json, format!("JSON object with {} keys", obj.len())),
        Some(Value::Array(items)) => Signature::new(ContentKind::Json, format!("JSON array of {} items", items.len())),
        Some(_) => Signature::new(ContentKind::Json, "JSON value"),
        None if doc.is_html => Signature::new(ContentKind::Html, "HTML page"),
        None if doc.content_type.contains("json") => Signature::new(ContentKind::Json, "JSON (truncated or invalid)"),
        None => Signature::new(ContentKind::Other, format!("{} bytes of text", doc.text.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kind(path: &str, ct: Option<&str>, body: &str) -> ContentKind {
        classify(path, ct, body.as_bytes()).kind
    }

    fn assert_kind(path: &str, ct: Option<&str>, body: &str, expected: ContentKind) -> Signature {
        let sig = classify(path, ct, body.as_bytes());
        assert_eq!(sig.kind, expected, "{path}: {sig:?}");
        sig
    }

    // --- environment dumps

    #[test]
    fn dotenv_file_is_an_env_dump_and_detail_hides_values() {
        let body = "# app\nDATABASE_URL=postgres://app:hunter2@db/app\nPOSTGRES_PASSWORD=hunter2\n\
                    SECRET_KEY=s3cr3t-value\nDEBUG=1\n\nexport AWS_ACCESS_KEY_ID=AKIAEXAMPLE\n";
        let sig = assert_kind("/.env", Some("text/plain"), body, ContentKind::EnvDump);
        assert!(sig.detail.starts_with("5 environment variables"), "{}", sig.detail);
        assert!(sig.detail.contains("POSTGRES_PASSWORD"));
        for secret in ["hunter2", "s3cr3t", "AKIAEXAMPLE", "postgres://"] {
            assert!(!sig.detail.contains(secret), "{}", sig.detail);
        }
    }

    #[test]
    fn fastapi_debug_json_with_nested_environment_is_an_env_dump() {
        let body = r#"{"debug": true, "python": "3.12.1", "environment": {"PATH": "/usr/local/bin", "HOME": "/root",
            "HOSTNAME": "api-7d9f", "POSTGRES_PASSWORD": "hunter2", "POSTGRES_USER": "app", "LANG": "C.UTF-8"}}"#;
        let sig = assert_kind("/debug", Some("application/json"), body, ContentKind::EnvDump);
        assert!(sig.detail.contains("POSTGRES_PASSWORD") && !sig.detail.contains("hunter2"), "{}", sig.detail);
    }

    #[test]
    fn top_level_env_json_is_an_env_dump() {
        let body = r#"{"PATH":"/usr/bin","HOME":"/app","NODE_ENV":"production","JWT_SECRET":"x"}"#;
        assert_kind("/api/env", None, body, ContentKind::EnvDump);
    }

    #[test]
    fn python_environ_repr_is_an_env_dump() {
        let body = "environ({'PATH': '/usr/local/bin:/usr/bin', 'HOSTNAME': 'f00', 'HOME': '/root', \
                    'FLASK_SECRET_KEY': 'abc', 'GPG_KEY': 'A035'})";
        let sig = assert_kind("/env", Some("text/html"), body, ContentKind::EnvDump);
        assert!(!sig.detail.contains("abc"));
    }

    #[test]
    fn proc_environ_with_nuls_is_an_env_dump() {
        let body = b"PATH=/usr/bin\0HOME=/root\0HOSTNAME=x\0REDIS_URL=redis://:pw@r\0";
        assert_eq!(classify("/proc/self/environ", None, body).kind, ContentKind::EnvDump);
    }

    #[test]
    fn spring_actuator_env_is_an_env_dump() {
        let body = r#"{"activeProfiles":["prod"],"propertySources":[{"name":"systemEnvironment","properties":
            {"JAVA_HOME":{"value":"/opt/java"}}}]}"#;
        assert_kind("/actuator/env", Some("application/vnd.spring-boot.actuator.v3+json"), body, ContentKind::EnvDump);
        let boot1 = r#"{"profiles":[],"systemEnvironment":{"PATH":"/bin"},"systemProperties":{"java.version":"8"}}"#;
        assert_kind("/env", None, boot1, ContentKind::EnvDump);
    }

    #[test]
    fn upper_case_api_objects_are_not_env_dumps() {
        let body = r#"{"ID": 1, "NAME": "Ada", "STATUS": "ACTIVE", "PROFILE_URL": "/u/1", "HOME_PAGE": "x",
            "CREATED": "2024", "ORDER_TOTAL": 3, "EMAIL": "a@b.c"}"#;
        assert!(!kind("/api/user", None, body).is_sensitive());
    }

    #[test]
    fn markdown_with_one_assignment_is_not_an_env_dump() {
        let body = "# Setup\n\nSet the port before starting:\n\n    PORT=8080\n\nThen open the browser.\n\
                    More text here.\nAnd here.\n";
        assert!(!kind("/README.md", Some("text/markdown"), body).is_sensitive());
    }

    #[test]
    fn env_vars_in_a_javascript_bundle_are_not_an_env_dump() {
        let body = r#"var e={"NODE_ENV":"production","PUBLIC_URL":"","REACT_APP_API_URL":"/api","APP_VERSION":"1"};"#;
        assert!(!kind("/static/js/main.js", Some("application/javascript"), body).is_sensitive());
    }

    // --- logs

    #[test]
    fn flask_access_log_is_a_log_file_naming_the_leaked_header() {
        let body = "127.0.0.1 - - [30/Nov/2026 10:00:01] \"GET /api/items HTTP/1.1\" 200 -\n\
                    10.0.0.7 - - [30/Nov/2026 10:00:02] \"GET /api/items?page=2 HTTP/1.1\" 200 -\n\
                    INFO:app:headers={'X-Api-Key': 'k_live_123'}\n\
                    10.0.0.7 - - [30/Nov/2026 10:00:03] \"POST /api/orders HTTP/1.1\" 201 -\n";
        let sig = assert_kind("/request-logs/api-2026-11-30.log", Some("text/plain"), body, ContentKind::LogFile);
        assert!(sig.detail.starts_with("access log"), "{}", sig.detail);
        assert!(sig.detail.contains("x-api-key") && !sig.detail.contains("k_live_123"), "{}", sig.detail);
    }

    #[test]
    fn application_logs_in_common_formats_are_log_files() {
        let bodies = [
            "2026-11-30 10:00:00,123 INFO started\n2026-11-30 10:00:01,000 WARNING slow\n2026-11-30T10:00:02Z ERROR boom\n",
            "[2026-11-30 10:00:00] production.ERROR: x\n[2026-11-30 10:00:01] production.INFO: y\n[2026-11-30 10:00:02] local.DEBUG: z\n",
            "[INFO] a\n[error] b\n[WARN] c\n",
            "2026/11/30 10:00:00 [error] 12#12: open() failed\n2026/11/30 10:00:01 [error] 12#12: x\n2026/11/30 10:00:02 [warn] y\n",
            "Nov 30 10:00:00 host sshd[1]: a\nNov  1 10:00:01 host cron[2]: b\nNov 30 10:00:02 host app: c\n",
            "{\"level\":\"info\",\"msg\":\"a\"}\n{\"level\":\"error\",\"msg\":\"b\"}\n{\"level\":\"warn\",\"msg\":\"c\"}\n",
            "time=1 level=info msg=a\ntime=2 level=warn msg=b\ntime=3 level=error msg=c\n",
            "I1130 10:00:00.1 1 main.go:1] a\nW1130 10:00:01.1 1 main.go:2] b\nE1130 10:00:02.1 1 main.go:3] c\n",
        ];
        for body in bodies {
            assert_kind("/logs/app.log", None, body, ContentKind::LogFile);
        }
    }

    #[test]
    fn a_changelog_with_dates_is_not_a_log_file() {
        let body = "# Changelog\n\n## 2026-11-30\n- fixed a bug\n## 2026-10-01\n- added a feature\n## 2026-09-01\n- first\n";
        assert!(!kind("/CHANGELOG.md", None, body).is_sensitive());
    }

    // --- stack traces and debug pages

    #[test]
    fn stack_traces_of_each_runtime_are_recognised() {
        let traces = [
            ("Traceback (most recent call last):\n  File \"/app/main.py\", line 12, in <module>\n    x()\nKeyError: 'a'\n", "Python"),
            ("java.lang.NullPointerException: x\n\tat com.x.Y.run(Y.java:12)\n\tat com.x.Z.main(Z.java:3)\n", "Java"),
            ("System.Exception: x\n   at App.Program.Main() in C:\\src\\Program.cs:line 12\n   at App.Host.Run() in C:\\src\\Host.cs:line 3\n", ".NET"),
            ("panic: runtime error\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:12 +0x1d\n", "Go"),
            ("TypeError: x\n    at Object.<anonymous> (/app/x.js:1:2)\n    at Module._compile (node:internal/modules/cjs/loader:1:1)\n", "Node"),
            ("app.rb:12:in `boom': x (RuntimeError)\n\tfrom /app/app.rb:20:in `<main>'\n\tfrom /app/run.rb:1:in `x'\n", "Ruby"),
            ("PHP Fatal error:  Uncaught Error\nStack trace:\n#0 /var/www/index.php(12): f()\n#1 {main}\n  thrown in /var/www/index.php on line 12\n", "PHP"),
        ];
        for (body, runtime) in traces {
            let sig = assert_kind("/api/x", Some("text/plain"), body, ContentKind::StackTrace);
            assert!(sig.detail.contains(runtime), "{runtime}: {}", sig.detail);
        }
    }

    #[test]
    fn stack_trace_inside_a_json_error_is_recognised() {
        let body = r#"{"error":"Internal","trace":"Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in f\nValueError"}"#;
        let sig = assert_kind("/api/items", Some("application/json"), body, ContentKind::StackTrace);
        assert!(sig.detail.contains("JSON"));
    }

    #[test]
    fn a_readme_mentioning_traceback_is_not_a_stack_trace() {
        let body = "# Debugging\n\nIf you see a Traceback, read the last line first.\nThe traceback tells you where.\n";
        assert!(!kind("/README.md", None, body).is_sensitive());
        let prose = "<html><body><p>Python prints \"Traceback (most recent call last)\" before the frames.</p></body></html>";
        assert!(!kind("/blog/python", Some("text/html"), prose).is_sensitive());
    }

    #[test]
    fn framework_debug_pages_are_recognised() {
        let pages = [
            ("<html><head><title>KeyError // Werkzeug Debugger</title></head><body>...</body></html>", "Werkzeug"),
            ("<html><body><p>You&#x27;re seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p></body></html>", "Django"),
            ("<html><head><title>Whoops! There was an error.</title></head><body class=\"Whoops container\"></body></html>", "Whoops"),
            ("<html><body><div class=\"sf-toolbar\" id=\"sfwdt1\"></div></body></html>", "Symfony"),
            ("<html><head><title>Action Controller: Exception caught</title></head></html>", "Rails"),
            ("<!DOCTYPE html><html><head><title>Error</title></head><body><pre>Error: boom<br> &nbsp; &nbsp;at f (/app/x.js:1:2)</pre></body></html>", "Express"),
            ("<html><title>Apache Status</title><h1>Apache Server Status for example.com</h1></html>", "server-status"),
            ("<html><script src=\"/_ignition/scripts/ignition.js\"></script><p>Illuminate\\Database\\QueryException</p></html>", "Ignition"),
        ];
        for (body, name) in pages {
            let sig = assert_kind("/x", Some("text/html"), body, ContentKind::DebugPage);
            assert!(sig.detail.contains(name), "{name}: {}", sig.detail);
        }
    }

    #[test]
    fn json_debug_endpoints_are_recognised() {
        assert_kind("/debug/vars", None, r#"{"cmdline":["/app","-db-pass=x"],"memstats":{"Alloc":1}}"#, ContentKind::DebugPage);
        let trace = r#"{"traces":[{"request":{"method":"GET","headers":{"authorization":["Bearer x"]}}}]}"#;
        assert_kind("/actuator/httptrace", None, trace, ContentKind::LogFile);
        let mappings = r#"{"contexts":{"app":{"mappings":{"dispatcherServlets":{}}}}}"#;
        assert_kind("/actuator/mappings", None, mappings, ContentKind::DebugPage);
    }

    #[test]
    fn phpinfo_is_recognised() {
        let body = "<html><head><title>PHP 8.2.1 - phpinfo()</title></head><body><h1 class=\"p\">PHP Version 8.2.1</h1></body></html>";
        assert_kind("/info.php", Some("text/html"), body, ContentKind::PhpInfo);
    }

    // --- listings, vcs, dumps, binaries

    #[test]
    fn directory_listings_are_recognised_and_counted() {
        let apache = "<html><head><title>Index of /logs</title></head><body><h1>Index of /logs</h1><pre>\
                      <a href=\"?C=N;O=D\">Name</a> <a href=\"/\">Parent Directory</a>\n\
                      <a href=\"api-2026-11-30.log\">api-2026-11-30.log</a> 30-Nov-2026 10:00 12K\n\
                      <a href=\"api-2026-11-29.log\">api-2026-11-29.log</a> 29-Nov-2026 10:00 11K\n</pre></body></html>";
        let sig = assert_kind("/logs/", Some("text/html"), apache, ContentKind::DirectoryListing);
        assert_eq!(sig.detail, "directory listing, 2 entries, 2 of them logs, dumps, archives or configs");
        let python = "<!DOCTYPE HTML><html><head><title>Directory listing for /request-logs/</title></head>\
                      <body><h1>Directory listing for /request-logs/</h1><ul><li><a href=\"a.log\">a.log</a></li></ul></body></html>";
        assert_kind("/request-logs/", Some("text/html"), python, ContentKind::DirectoryListing);
    }

    #[test]
    fn prose_about_index_pages_is_not_a_listing() {
        let body = "<html><body><p>Apache shows an Index of / page when no index file exists.</p></body></html>";
        assert!(!kind("/blog", Some("text/html"), body).is_sensitive());
    }

    #[test]
    fn vcs_metadata_is_recognised() {
        assert_kind("/.git/HEAD", None, "ref: refs/heads/main\n", ContentKind::VcsMetadata);
        let config = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n[remote \"origin\"]\n\turl = https://bot:ghp_x@github.com/a/b\n";
        let sig = assert_kind("/.git/config", None, config, ContentKind::VcsMetadata);
        assert!(sig.detail.contains("credentials") && !sig.detail.contains("ghp_x"), "{}", sig.detail);
        let reflog = format!("{} {} Ada <ada@x.io> 1700000000 +0000\tcommit (initial): init\n", "0".repeat(40), "a".repeat(40));
        assert_kind("/.git/logs/HEAD", None, &reflog, ContentKind::VcsMetadata);
        assert_kind("/.svn/entries", None, "10\n\ndir\n1234\nhttps://svn.example.com/repo\n", ContentKind::VcsMetadata);
        assert_kind("/.hg/hgrc", None, "[paths]\ndefault = https://hg.example.com/repo\n", ContentKind::VcsMetadata);
        let mut index = b"DIRC\0\0\0\x02\0\0\0\x01".to_vec();
        index.extend_from_slice(&[0; 64]);
        assert_eq!(classify("/.git/index", None, &index).kind, ContentKind::VcsMetadata);
    }

    #[test]
    fn sql_dumps_are_recognised() {
        assert_kind("/dump.sql", None, "-- MySQL dump 10.13\n--\nCREATE TABLE `users` (\n", ContentKind::SqlDump);
        assert_kind("/db.sql", None, "--\n-- PostgreSQL database dump\n--\n", ContentKind::SqlDump);
        let plain = "CREATE TABLE users (id int);\nINSERT INTO users VALUES (1);\nINSERT INTO users VALUES (2);\n";
        assert_kind("/backup.sql", None, plain, ContentKind::SqlDump);
        let doc = "How to create a table:\n\nCREATE TABLE t (id int);\n\nThat's it.\n";
        assert!(!kind("/docs/sql", None, doc).is_sensitive());
    }

    #[test]
    fn binary_formats_are_recognised_by_magic() {
        let mut tar = vec![0u8; 512];
        tar[257..262].copy_from_slice(b"ustar");
        let cases: Vec<(Vec<u8>, ContentKind)> = vec![
            (b"SQLite format 3\0\x10\0rest".to_vec(), ContentKind::SqliteDb),
            (b"PK\x03\x04\x14\0\0\0".to_vec(), ContentKind::Archive),
            (vec![0x1f, 0x8b, 8, 0, 0, 0], ContentKind::Archive),
            (tar, ContentKind::Archive),
            (b"JAVA PROFILE 1.0.2\0\0\0\x08".to_vec(), ContentKind::DebugPage),
            (b"\0\0\0\x01Bud1\0\0".to_vec(), ContentKind::DirectoryListing),
            (b"PGDMP\x01\x0e".to_vec(), ContentKind::SqlDump),
        ];
        for (body, expected) in cases {
            assert_eq!(classify("/x", None, &body).kind, expected, "{body:?}");
        }
        assert_eq!(classify("/x.png", None, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").kind, ContentKind::Other);
    }

    // --- config files

    #[test]
    fn config_files_are_recognised() {
        let cases = [
            ("/.aws/credentials", "[default]\naws_access_key_id = AKIA\naws_secret_access_key = x\n", "AWS"),
            ("/.npmrc", "//registry.npmjs.org/:_authToken=npm_x\n", ".npmrc"),
            (
                "/web.config",
                "<?xml version=\"1.0\"?><configuration><connectionStrings><add name=\"db\"/></connectionStrings></configuration>",
                "web.config",
            ),
            ("/wp-config.php.bak", "<?php\ndefine( 'DB_NAME', 'wp' );\ndefine( 'DB_PASSWORD', 'x' );\n", "WordPress"),
            (
                "/docker-compose.yml",
                "version: '3'\nservices:\n  db:\n    image: postgres\n    environment:\n      - POSTGRES_PASSWORD=x\n",
                "Compose",
            ),
            ("/application.yml", "spring:\n  datasource:\n    url: jdbc:postgresql://db/app\n", "Spring"),
            ("/.htpasswd", "admin:$apr1$abc$def\nops:$2y$10$xyz\n", "htpasswd"),
            ("/.git-credentials", "https://bot:ghp_token@github.com\n", "git-credentials"),
            ("/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n", "private key"),
            ("/config.json", r#"{"db":{"host":"db","password":"x"},"mail":{"smtp_password":"y"},"name":"app"}"#, "secret-looking"),
            ("/appsettings.json", r#"{"ConnectionStrings":{"Default":"Server=x"},"AllowedHosts":"*"}"#, "appsettings"),
            ("/config.yml", "database:\n  user: app\n  password: hunter2\napi_key: abc\n", "secret-looking"),
            ("/application.properties", "spring.datasource.url=jdbc:x\nspring.datasource.username=a\nserver.port=8080\n", "properties"),
            ("/terraform.tfstate", r#"{"version":4,"terraform_version":"1.6.0","resources":[]}"#, "Terraform"),
        ];
        for (path, body, name) in cases {
            let sig = assert_kind(path, None, body, ContentKind::ConfigFile);
            assert!(sig.detail.contains(name), "{path}: {}", sig.detail);
            for secret in ["hunter2", "ghp_token", "npm_x", "AKIA\n"] {
                assert!(!sig.detail.contains(secret), "{path}: {}", sig.detail);
            }
        }
    }

    // --- specs, metrics, admin, generic

    #[test]
    fn specs_and_docs_are_recognised() {
        let sig = assert_kind("/openapi.json", None, r#"{"openapi":"3.1.0","info":{},"paths":{}}"#, ContentKind::SpecOrDocs);
        assert_eq!(sig.detail, "OpenAPI 3.1.0 spec");
        assert_kind("/swagger.yaml", None, "swagger: '2.0'\ninfo:\n  title: x\npaths: {}\n", ContentKind::SpecOrDocs);
        let ui = "<!DOCTYPE html><html><body><div id=\"swagger-ui\"></div><script src=\"swagger-ui-bundle.js\"></script></body></html>";
        assert_kind("/docs", Some("text/html"), ui, ContentKind::SpecOrDocs);
        assert_kind("/graphiql", Some("text/html"), "<html><head><title>GraphiQL</title></head></html>", ContentKind::SpecOrDocs);
        assert_kind("/graphql", None, r#"{"data":{"__schema":{"types":[]}}}"#, ContentKind::SpecOrDocs);
        assert!(!ContentKind::SpecOrDocs.is_sensitive());
    }

    #[test]
    fn prometheus_metrics_are_recognised() {
        let body = "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 3\n";
        let sig = assert_kind("/metrics", Some("text/plain; version=0.0.4"), body, ContentKind::Metrics);
        assert_eq!(sig.detail, "Prometheus metrics, 1 metric families");
        assert!(!ContentKind::Metrics.is_sensitive());
    }

    #[test]
    fn admin_pages_are_a_weak_kind() {
        let body = "<html><head><title>Admin Login</title></head><body><form><input type=\"password\"></form></body></html>";
        assert_kind("/admin", Some("text/html"), body, ContentKind::AdminPage);
        assert!(!ContentKind::AdminPage.is_sensitive());
    }

    #[test]
    fn ordinary_responses_are_not_sensitive() {
        let spa = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Shop</title>\
                   <script type=\"module\" src=\"/assets/index-3f2a.js\"></script></head><body><div id=\"root\"></div></body></html>";
        assert_kind("/debug", Some("text/html"), spa, ContentKind::Html);
        assert_kind("/health", Some("application/json"), r#"{"status":"ok"}"#, ContentKind::Json);
        let users = r#"[{"id":1,"name":"Ada","email":"ada@example.com","role":"admin"},{"id":2,"name":"Bob","email":"b@x.io","role":"user"}]"#;
        let sig = assert_kind("/api/users", Some("application/json"), users, ContentKind::Json);
        assert_eq!(sig.detail, "JSON array of 2 items");
        assert_kind("/robots.txt", Some("text/plain"), "User-agent: *\nDisallow: /logs/\n", ContentKind::Other);
        assert_kind("/x", Some("application/json"), "{\"truncated\": ", ContentKind::Json);
        assert_kind("/empty", None, "", ContentKind::Other);
    }

    #[test]
    fn only_the_first_256_kib_are_read() {
        let mut body = "x".repeat(MAX_CLASSIFY_BYTES);
        body.push_str("\nref: refs/heads/main\nPATH=/bin\nHOME=/\nUSER=x\n");
        assert!(!kind("/x", None, &body).is_sensitive());
    }

    #[test]
    fn details_are_short() {
        let keys: String = (0..500).map(|i| format!("SERVICE_{i}_PASSWORD=x\n")).collect();
        let sig = classify("/.env", None, keys.as_bytes());
        assert_eq!(sig.kind, ContentKind::EnvDump);
        assert!(sig.detail.len() <= MAX_DETAIL_LEN + '…'.len_utf8(), "{}", sig.detail);
    }

    #[test]
    fn sensitive_kinds_and_labels() {
        use ContentKind::*;
        let all = [
            EnvDump,
            LogFile,
            StackTrace,
            DebugPage,
            PhpInfo,
            DirectoryListing,
            ConfigFile,
            VcsMetadata,
            SqlDump,
            Archive,
            SqliteDb,
            SpecOrDocs,
            Metrics,
            AdminPage,
            Json,
            Html,
            Other,
        ];
        let sensitive: Vec<_> = all.iter().filter(|k| k.is_sensitive()).collect();
        assert_eq!(sensitive.len(), 11);
        let labels: BTreeSet<_> = all.iter().map(|k| k.label()).collect();
        assert_eq!(labels.len(), all.len());
    }

    #[test]
    fn hostile_inputs_finish() {
        let deep = "[".repeat(MAX_CLASSIFY_BYTES);
        let _ = classify("/x", Some("application/json"), deep.as_bytes());
        let quotes = format!("{{'{}", "'\"".repeat(MAX_CLASSIFY_BYTES / 2));
        let _ = classify("/env", None, quotes.as_bytes());
        let lines = "a\n".repeat(MAX_CLASSIFY_BYTES / 2);
        let _ = classify("/x", None, lines.as_bytes());
        let escapes = "\\n".repeat(MAX_CLASSIFY_BYTES / 2);
        let _ = classify("/x", None, escapes.as_bytes());
    }

    proptest! {
        #[test]
        fn classify_never_panics_on_bytes(body in proptest::collection::vec(any::<u8>(), 0..4096), ct in proptest::option::of(".{0,40}")) {
            let sig = classify("/x", ct.as_deref(), &body);
            prop_assert!(sig.detail.len() <= MAX_DETAIL_LEN + 3);
        }

        #[test]
        fn classify_never_panics_on_marker_soup(parts in proptest::collection::vec(prop_oneof![
            Just("PATH="), Just("\n"), Just("\\n"), Just("{\""), Just("\": \""), Just("\"}"), Just("'"), Just(":"),
            Just("Traceback (most recent call last)"), Just("  File \""), Just("\", line 1"), Just("\tat a.B(B.java:1)"),
            Just("<title>Index of /"), Just("href=\""), Just("[core]"), Just("repositoryformatversion"), Just("ref: refs/"),
            Just("# HELP "), Just("# TYPE "), Just("CREATE TABLE "), Just("<html>"), Just("é"), Just("\0"), Just("://a:b@"),
            Just("2026-11-30 10:00:00 "), Just("[INFO] "), Just("openapi: "), Just("<?php"), Just("\u{feff}"),
        ], 0..120), path in "/[a-z./]{0,20}") {
            let body = parts.concat();
            let _ = classify(&path, None, body.as_bytes());
            let _ = classify(&path, Some("text/html"), body.as_bytes());
        }
    }
}
