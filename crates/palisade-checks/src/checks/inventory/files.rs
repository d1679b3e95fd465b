//! Inventory leftovers: backup, source and VCS files served from the web root
//! (IN008), and an API that carries no version anywhere (IN009).
//! Every probe is an anonymous GET; IN009 mostly reads the spec.

use crate::checks::support::clip;
use crate::rules::{in008_backup_source_files, in009_no_api_versioning};
use async_trait::async_trait;
use palisade_core::{Category, Confidence, EndpointSource, Evidence, Finding, Inventory, ParamLocation, RuleMeta, Severity};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{AuthMode, ProbeRequest, Response};
use serde_json::Value;

/// What the content of a leftover file must look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Zip,
    Gzip,
    SqlDump,
    Sqlite,
    PythonSource,
    PhpSource,
    WebConfig,
    DsStore,
    SvnEntries,
    HgRequires,
    GitHead,
    ComposerLock,
    PackageJson,
    PackageLock,
    GemfileLock,
    Requirements,
}

impl Kind {
    /// The finding's `detail`: what kind of file it is.
    fn detail(self) -> &'static str {
        match self {
            Kind::Zip | Kind::Gzip => "backup-archive",
            Kind::SqlDump | Kind::Sqlite => "database-dump",
            Kind::PythonSource | Kind::PhpSource | Kind::WebConfig => "source-copy",
            Kind::DsStore => "directory-listing",
            Kind::SvnEntries | Kind::HgRequires | Kind::GitHead => "vcs-metadata",
            Kind::ComposerLock | Kind::PackageJson | Kind::PackageLock | Kind::GemfileLock | Kind::Requirements => "dependency-manifest",
        }
    }
}

/// (path, expected content, severity, what it is).
const FILE_PROBES: &[(&str, Kind, Severity, &str)] = &[
    ("/backup.zip", Kind::Zip, Severity::High, "zip backup archive"),
    ("/backup.tar.gz", Kind::Gzip, Severity::High, "gzip backup archive"),
    ("/backup.sql", Kind::SqlDump, Severity::High, "SQL database dump"),
    ("/dump.sql", Kind::SqlDump, Severity::High, "SQL database dump"),
    ("/database.sql", Kind::SqlDump, Severity::High, "SQL database dump"),
    ("/database.sql.gz", Kind::Gzip, Severity::High, "gzip-compressed database dump"),
    ("/db.sqlite", Kind::Sqlite, Severity::High, "SQLite database"),
    ("/db.sqlite3", Kind::Sqlite, Severity::High, "SQLite database"),
    ("/app.py.bak", Kind::PythonSource, Severity::High, "backup copy of Python source"),
    ("/app.py~", Kind::PythonSource, Severity::High, "editor backup of Python source"),
    ("/main.py.bak", Kind::PythonSource, Severity::High, "backup copy of Python source"),
    ("/settings.py.bak", Kind::PythonSource, Severity::High, "backup copy of Python settings"),
    ("/config.php.bak", Kind::PhpSource, Severity::High, "backup copy of PHP configuration"),
    ("/index.php.bak", Kind::PhpSource, Severity::High, "backup copy of PHP source"),
    ("/wp-config.php.bak", Kind::PhpSource, Severity::High, "backup copy of WordPress configuration"),
    ("/web.config.old", Kind::WebConfig, Severity::High, "old copy of the IIS web.config"),
    ("/web.config.bak", Kind::WebConfig, Severity::High, "backup copy of the IIS web.config"),
    ("/.DS_Store", Kind::DsStore, Severity::Medium, "macOS .DS_Store directory listing"),
    ("/.svn/entries", Kind::SvnEntries, Severity::High, "Subversion working-copy metadata"),
    ("/.svn/wc.db", Kind::Sqlite, Severity::High, "Subversion working-copy database"),
    ("/.hg/requires", Kind::HgRequires, Severity::High, "Mercurial repository metadata"),
    ("/.git/HEAD", Kind::GitHead, Severity::High, "Git repository metadata"),
    ("/composer.lock", Kind::ComposerLock, Severity::Low, "Composer lock file (exact dependency versions)"),
    ("/package.json", Kind::PackageJson, Severity::Low, "npm package manifest (dependencies)"),
    ("/package-lock.json", Kind::PackageLock, Severity::Low, "npm lock file (exact dependency versions)"),
    ("/Gemfile.lock", Kind::GemfileLock, Severity::Low, "Bundler lock file (exact dependency versions)"),
    ("/requirements.txt", Kind::Requirements, Severity::Low, "pip requirements (dependency versions)"),
];

/// Most requests IN008 sends (one per probe).
pub const FILE_PROBE_MAX_REQUESTS: usize = 30;

fn looks_like_html(text: &str) -> bool {
    let head: String = text.trim_start().chars().take(512).collect::<String>().to_ascii_lowercase();
    head.starts_with("<!doctype") || head.starts_with("<html") || head.contains("<body") || head.contains("<head")
}

/// Lines of `text`, trimmed, without blanks.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// The largest char boundary of `s` at or before `i`.
fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The line that proves the content, or a description for binary formats; `None` when it does not match.
fn confirm(kind: Kind, body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]).into_owned();
    let text_ok = !looks_like_html(&text);
    let first = |pred: &dyn Fn(&str) -> bool| lines(&text).find(|l| pred(l)).map(str::to_string);
    match kind {
        Kind::Zip => (body.starts_with(b"PK\x03\x04") || body.starts_with(b"PK\x05\x06"))
            .then(|| format!("zip archive, {} bytes, starts with PK\\x03\\x04", body.len())),
        Kind::Gzip => body.starts_with(&[0x1f, 0x8b, 0x08]).then(|| format!("gzip data, {} bytes, starts with 1f 8b 08", body.len())),
        Kind::Sqlite => body.starts_with(b"SQLite format 3\0").then(|| format!("SQLite 3 database, {} bytes", body.len())),
        Kind::DsStore => body.starts_with(b"\x00\x00\x00\x01Bud1").then(|| format!(".DS_Store, {} bytes, starts with 00 00 00 01 Bud1", body.len())),
        Kind::SqlDump if text_ok => {
            // The table definition, else the head of an INSERT (never its row data).
            let create = first(&|l: &str| l.to_ascii_uppercase().starts_with("CREATE TABLE "));
            create.or_else(|| {
                let insert = first(&|l: &str| l.to_ascii_uppercase().starts_with("INSERT INTO "))?;
                let cut = insert.to_ascii_uppercase().find(" VALUES").map_or(insert.len().min(60), |i| i + " VALUES".len());
                Some(format!("{} …", &insert[..floor_boundary(&insert, cut)]))
            })
        }
        Kind::PythonSource if text_ok => {
            let code = |l: &str| {
                (l.starts_with("import ") || (l.starts_with("from ") && l.contains(" import ")))
                    || (l.starts_with("def ") && l.ends_with(':'))
                    || (l.starts_with("class ") && l.ends_with(':'))
                    || l.starts_with("if __name__ ==")
                    || l.starts_with("@app.")
            };
            (lines(&text).filter(|l| code(l)).count() >= 2).then(|| first(&code)).flatten()
        }
        Kind::PhpSource if text_ok => text.trim_start().starts_with("<?php").then(|| "<?php".to_string()),
        Kind::WebConfig => {
            let lower = text.to_ascii_lowercase();
            let sections = ["<system.web", "<appsettings", "<connectionstrings", "<system.webserver"];
            (lower.contains("<configuration") && sections.iter().any(|s| lower.contains(s)))
                .then(|| first(&|l: &str| l.to_ascii_lowercase().starts_with("<configuration")).unwrap_or_default())
        }
        Kind::SvnEntries if text_ok => {
            let mut it = text.lines();
            let head = it.next().unwrap_or("").trim();
            let format_number = head.parse::<u32>().is_ok_and(|n| (4..=12).contains(&n));
            // 1.7+ keeps only the number; older formats follow it with the entries ("dir").
            let rest: Vec<&str> = lines(&text).skip(1).take(3).collect();
            let plausible = rest.is_empty() || rest.contains(&"dir");
            let xml = text.contains("<wc-entries");
            ((format_number && plausible) || xml).then(|| format!("entries format {}", clip(head, 20)))
        }
        Kind::HgRequires if text_ok => {
            const KNOWN: &[&str] =
                &["revlogv1", "store", "fncache", "dotencode", "generaldelta", "sparserevlog", "share-safe", "revlog-compression-zstd"];
            let all: Vec<&str> = lines(&text).collect();
            let valid = !all.is_empty()
                && all.len() <= 30
                && all.iter().all(|l| l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
                && all.iter().any(|l| KNOWN.contains(l));
            valid.then(|| all.join(" "))
        }
        Kind::GitHead if text_ok => {
            let t = text.trim();
            let sha = t.len() == 40 && t.chars().all(|c| c.is_ascii_hexdigit());
            (t.starts_with("ref: refs/") || sha).then(|| clip(t, 80))
        }
        Kind::ComposerLock => {
            let j: Value = serde_json::from_slice(body).ok()?;
            (j["packages"].is_array() && (j.get("content-hash").is_some() || j.get("_readme").is_some()))
                .then(|| format!("packages locked: {}", j["packages"].as_array().map_or(0, Vec::len)))
        }
        Kind::PackageJson => {
            let j: Value = serde_json::from_slice(body).ok()?;
            let deps = ["dependencies", "devDependencies"].iter().map(|k| j[k].as_object().map_or(0, |m| m.len())).sum::<usize>();
            let has_deps = j["dependencies"].is_object() || j["devDependencies"].is_object();
            (has_deps && (j["name"].is_string() || j["version"].is_string())).then(|| format!("dependencies declared: {deps}"))
        }
        Kind::PackageLock => {
            let j: Value = serde_json::from_slice(body).ok()?;
            (j["lockfileVersion"].is_number() && (j["packages"].is_object() || j["dependencies"].is_object()))
                .then(|| format!("lockfileVersion {}", j["lockfileVersion"]))
        }
        Kind::GemfileLock if text_ok => {
            (text.lines().any(|l| l.trim_end() == "GEM") && text.contains("specs:")).then(|| "GEM ... specs:".to_string())
        }
        Kind::Requirements if text_ok => {
            let pinned = |l: &str| {
                let Some(i) = l.find(['=', '>', '<', '~']) else { return false };
                let (name, op) = l.split_at(i);
                !name.trim().is_empty()
                    && name.trim().chars().all(|c| c.is_ascii_alphanumeric() || "-_.[],".contains(c))
                    && ["==", ">=", "<=", "~="].iter().any(|o| op.starts_with(o))
                    && op[2..].trim_start().starts_with(|c: char| c.is_ascii_digit())
            };
            let all: Vec<&str> = lines(&text).filter(|l| !l.starts_with('#')).collect();
            let matching = all.iter().filter(|l| pinned(l)).count();
            (matching >= 2 && matching * 2 >= all.len()).then(|| format!("pinned packages: {matching}"))
        }
        _ => None,
    }
}

/// IN008: backup, source and VCS files served without credentials.
pub struct BackupFiles;

#[async_trait]
impl Check for BackupFiles {
    fn name(&self) -> &'static str {
        "inventory/backup-files"
    }
    fn category(&self) -> Category {
        Category::InventoryManagement
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&in008_backup_source_files::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let r = &in008_backup_source_files::RULE;
        for (path, kind, severity, what) in FILE_PROBES.iter().take(FILE_PROBE_MAX_REQUESTS) {
            let Ok(url) = ctx.url_for(path) else { continue };
            // Never cached: a backup can be as large as the body cap.
            let req = ProbeRequest::get(url).auth(AuthMode::Anonymous).no_redirects().no_cache();
            let Ok(resp) = ctx.send(req).await else { continue };
            if !resp.is_success() || resp.body.is_empty() || is_soft_404(ctx, &resp, path) || ctx.is_not_found_at(path, &resp).await {
                continue;
            }
            let Some(proof) = confirm(*kind, &resp.body) else { continue };
            let excerpt = ctx.redact(&proof);
            ctx.report(
                Finding::new(r, format!("GET {path}"), format!("{path} is served without credentials (HTTP {}): {what}.", resp.status), "")
                    .severity(*severity)
                    .detail(kind.detail())
                    .evidence(Evidence {
                        exchange: Some(resp.exchange_id),
                        location: "response.body".into(),
                        excerpt: clip(&excerpt, 160),
                        ..Default::default()
                    }),
            );
        }
        // What content discovery found beyond this list.
        crate::checks::data_exposure::discovered_content::report_exposures(ctx, r);
        Ok(())
    }
}

fn is_soft_404(ctx: &ScanContext, resp: &Response, path: &str) -> bool {
    let token = path.rsplit('/').next().unwrap_or(path);
    ctx.soft404.is_not_found(resp, token) || ctx.soft404.is_not_found(resp, path.trim_start_matches('/'))
}

/// True when one path segment (or host label) names a version:
/// `v1`, `v2.1`, `v1beta1`, `1.0`, `2024-01-01`.
fn is_version_token(seg: &str) -> bool {
    let s = seg.to_ascii_lowercase();
    if let Some(rest) = s.strip_prefix('v') {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && digits.len() <= 4 {
            let tail = &rest[digits.len()..];
            return tail.is_empty()
                || tail.strip_prefix('.').is_some_and(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.'))
                || ["alpha", "beta", "rc"].iter().any(|w| tail.strip_prefix(w).is_some_and(|t| t.chars().all(|c| c.is_ascii_digit())));
        }
        return false;
    }
    // 1.0, 2.1.3
    let dotted = s.split('.').collect::<Vec<_>>();
    if dotted.len() >= 2 && dotted.len() <= 3 && dotted.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit())) {
        return true;
    }
    // 2024-01-01
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.chars().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && s[0..4].parse::<u32>().is_ok_and(|y| (1990..=2100).contains(&y))
        && s[5..7].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
}

/// The first versioned segment of a path (`/api/v1/users` -> `v1`), split also on `-` and `_`.
fn path_version(path: &str) -> Option<String> {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .find(|seg| is_version_token(seg) || seg.split(['-', '_']).any(is_version_token))
        .map(str::to_string)
}

/// The version in a `servers[].url`: in its path or a host label (`v1.api.example.com`).
fn server_version(server: &str) -> Option<String> {
    let rest = server.split_once("://").map_or(server, |(_, r)| r);
    let (host, path) = match rest.find('/') {
        Some(i) if server.contains("://") => (&rest[..i], &rest[i..]),
        None if server.contains("://") => (rest, ""),
        _ => ("", rest),
    };
    path_version(path).or_else(|| host.split('.').find(|l| is_version_token(l)).map(str::to_string))
}

/// Parameter names that carry an API version.
const VERSION_PARAMS: &[&str] = &["api-version", "api_version", "apiversion", "x-api-version", "accept-version", "version", "x-version"];

/// Response headers that carry an API version (framework banners such as `X-AspNet-Version` do not count).
const VERSION_HEADERS: &[&str] = &[
    "api-version",
    "x-api-version",
    "api-supported-versions",
    "x-api-supported-versions",
    "accept-version",
    "x-version",
    "stripe-version",
    "x-github-api-version-selected",
];

/// A version carried by a media type: `application/vnd.acme.v2+json` or `...; version=2`.
fn media_type_version(ct: &str) -> bool {
    let l = ct.to_ascii_lowercase();
    l.split(';').skip(1).any(|p| {
        let p = p.trim();
        p.starts_with("version=") || p.starts_with("v=") || p.starts_with("api-version=")
    }) || (l.contains("vnd.") && l.split(['.', '+', '/', ';']).any(|t| is_version_token(t.trim()) && t.trim().starts_with('v')))
}

/// Where the spec or the discovered paths show a version, if anywhere.
fn inventory_version(inv: &Inventory) -> Option<String> {
    for s in &inv.servers {
        if let Some(v) = server_version(s) {
            return Some(format!("servers[].url {s} ({v})"));
        }
    }
    for ep in &inv.endpoints {
        if let Some(v) = path_version(&ep.path) {
            return Some(format!("path {} ({v})", ep.path));
        }
        if let Some(p) = ep.parameters.iter().find(|p| {
            matches!(p.location, ParamLocation::Header | ParamLocation::Query) && VERSION_PARAMS.iter().any(|n| p.name.eq_ignore_ascii_case(n))
        }) {
            return Some(format!("parameter {} of {}", p.name, ep.label()));
        }
        let mut types = ep.request_body.iter().flat_map(|b| b.content_types.iter()).chain(ep.responses.values().flat_map(|r| r.content_types.iter()));
        if let Some(ct) = types.find(|ct| media_type_version(ct)) {
            return Some(format!("media type {ct} of {}", ep.label()));
        }
    }
    None
}

/// Most answers IN009 reads for version headers (cache hits of the crawl).
const VERSIONING_MAX_ANSWERS: usize = 4;
/// Fewer spec operations than this and IN009 draws no conclusion.
const VERSIONING_MIN_OPERATIONS: usize = 2;

/// IN009: no version in paths, servers, parameters, headers or media types.
pub struct NoVersioning;

#[async_trait]
impl Check for NoVersioning {
    fn name(&self) -> &'static str {
        "inventory/no-versioning"
    }
    fn category(&self) -> Category {
        Category::InventoryManagement
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&in009_no_api_versioning::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let inv = &ctx.inventory;
        // GraphQL is versionless by design: its operations do not count.
        let spec_ops = inv.endpoints.iter().filter(|e| e.source == EndpointSource::Spec && !e.path.to_ascii_lowercase().contains("graphql")).count();
        if inv.spec_source.is_none() || spec_ops < VERSIONING_MIN_OPERATIONS {
            return Ok(());
        }
        if path_version(ctx.target.path()).is_some() || inventory_version(inv).is_some() {
            return Ok(());
        }
        // Paths the scan found besides the spec (crawl and discovery).
        let crawled: Vec<String> = {
            let crawled = ctx.crawled.lock().unwrap_or_else(|e| e.into_inner());
            crawled.iter().map(|(ep, _)| ep.path.clone()).collect()
        };
        if crawled.iter().any(|p| path_version(p).is_some()) {
            return Ok(());
        }
        // Answers: the target itself and a few crawled operations (all cache hits).
        let mut paths: Vec<String> = vec![ctx.target.path().to_string()];
        paths.extend(
            inv.endpoints
                .iter()
                .filter(|e| e.method == "GET" && !e.has_path_params() && e.source == EndpointSource::Spec)
                .map(|e| e.path.clone())
                .take(VERSIONING_MAX_ANSWERS - 1),
        );
        let mut last = None;
        for path in paths {
            let Ok(url) = ctx.endpoint_url(&path) else { continue };
            let Ok(resp) = ctx.send(ProbeRequest::get(url).no_redirects()).await else { continue };
            if VERSION_HEADERS.iter().any(|h| resp.header(h).is_some()) || resp.content_type().is_some_and(media_type_version) {
                return Ok(());
            }
            if last.is_none() {
                last = Some(resp.exchange_id);
            }
        }
        let r = &in009_no_api_versioning::RULE;
        let mut sample: Vec<&str> = Vec::new();
        for p in inv.endpoints.iter().filter(|e| e.source == EndpointSource::Spec).map(|e| e.path.as_str()) {
            if !sample.contains(&p) && sample.len() < 3 {
                sample.push(p);
            }
        }
        let servers =
            if inv.servers.is_empty() { "none".to_string() } else { inv.servers.iter().map(|s| clip(s, 60)).collect::<Vec<_>>().join(", ") };
        let origin = ctx.origin();
        ctx.report(
            Finding::new(
                r,
                &origin,
                format!(
                    "None of the {spec_ops} spec operations, the servers or the answers carry an API version (no /v1-style path, version parameter, version header or versioned media type)."
                ),
                "",
            )
            .confidence(Confidence::Medium)
            .evidence(Evidence {
                exchange: last,
                location: "spec.paths".into(),
                excerpt: clip(&format!("paths {} ...; servers: {servers}; no API-Version header", sample.join(", ")), 200),
                ..Default::default()
            })
            .target_wide(&origin, ""),
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_list_is_bounded() {
        assert!(FILE_PROBES.len() <= FILE_PROBE_MAX_REQUESTS);
        // DE005 already probes these.
        assert!(FILE_PROBES.iter().all(|(p, ..)| *p != "/.git/config" && *p != "/.env"));
    }

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(
            confirm(Kind::SqlDump, b"-- dump\nINSERT INTO t VALUES (1);\nCREATE TABLE t (id int);\n").as_deref(),
            Some("CREATE TABLE t (id int);")
        );
        // Row data never reaches the excerpt.
        assert_eq!(confirm(Kind::SqlDump, b"INSERT INTO `users` VALUES (1,'alice@example.com');\n").as_deref(), Some("INSERT INTO `users` VALUES …"));
        assert!(confirm(Kind::SqlDump, b"<!doctype html><html><body>CREATE TABLE</body></html>").is_none());
        assert!(confirm(Kind::SqlDump, b"{\"error\":\"not found\"}").is_none());
        assert!(confirm(Kind::Zip, b"PK\x03\x04rest").is_some());
        assert!(confirm(Kind::Zip, b"PKZIP is nice").is_none());
        assert!(confirm(Kind::Gzip, &[0x1f, 0x8b, 0x08, 0]).is_some());
        assert!(confirm(Kind::Sqlite, b"SQLite format 3\0....").is_some());
        assert!(confirm(Kind::DsStore, b"\0\0\0\x01Bud1\0\0").is_some());
        assert!(confirm(Kind::DsStore, b"Bud1").is_none());
        assert!(confirm(Kind::PythonSource, b"import os\nfrom flask import Flask\n\ndef main():\n    pass\n").is_some());
        assert!(confirm(Kind::PythonSource, b"import this is prose\n").is_none());
        assert!(confirm(Kind::PhpSource, b"<?php\n$db = 'x';").is_some());
        assert!(confirm(Kind::PhpSource, b"<html><?php echo 1; ?>").is_none());
        assert!(confirm(Kind::WebConfig, b"<?xml version=\"1.0\"?>\n<configuration>\n<appSettings/>\n</configuration>").is_some());
        assert!(confirm(Kind::GitHead, b"ref: refs/heads/main\n").is_some());
        assert!(confirm(Kind::GitHead, b"<html>ref: refs/heads/main</html>").is_none());
        assert!(confirm(Kind::HgRequires, b"dotencode\nfncache\ngeneraldelta\nrevlogv1\nstore\n").is_some());
        assert!(confirm(Kind::HgRequires, b"Not Found\n").is_none());
        assert!(confirm(Kind::SvnEntries, b"12\n").is_some());
        assert!(confirm(Kind::SvnEntries, b"10\n\ndir\n1234\n").is_some());
        assert!(confirm(Kind::SvnEntries, b"404\n").is_none());
        assert!(confirm(Kind::PackageJson, br#"{"name":"x","dependencies":{"express":"4.18.2"}}"#).is_some());
        assert!(confirm(Kind::PackageJson, br#"{"name":"x"}"#).is_none());
        assert!(confirm(Kind::ComposerLock, br#"{"_readme":["x"],"content-hash":"ab","packages":[]}"#).is_some());
        assert!(confirm(Kind::Requirements, b"flask==3.0.0\nrequests>=2.31\n").is_some());
        assert!(confirm(Kind::Requirements, b"Hello world\nnothing here\n").is_none());
    }

    #[test]
    fn versions_are_recognised() {
        for v in ["v1", "V2", "v2.1", "v1beta1", "v3alpha", "1.0", "2.1.3", "2024-01-01"] {
            assert!(is_version_token(v), "{v}");
        }
        for v in ["vault", "videos", "v", "users", "2024-13-01", "123", "v12345", "1.", "{id}"] {
            assert!(!is_version_token(v), "{v}");
        }
        assert_eq!(path_version("/api/v2/users").as_deref(), Some("v2"));
        assert_eq!(path_version("/api-v1/users").as_deref(), Some("api-v1"));
        assert_eq!(path_version("/2024-01-01/charges").as_deref(), Some("2024-01-01"));
        assert_eq!(path_version("/users/{id}"), None);
        assert_eq!(server_version("https://api.example.test/v1").as_deref(), Some("v1"));
        assert_eq!(server_version("https://v2.api.example.test/").as_deref(), Some("v2"));
        assert_eq!(server_version("https://api.example.test/"), None);
        assert_eq!(server_version("/api/v3"), Some("v3".into()));
        assert_eq!(server_version("/"), None);
        assert!(media_type_version("application/vnd.acme.v2+json"));
        assert!(media_type_version("application/json; version=2"));
        assert!(!media_type_version("application/json; charset=utf-8"));
        assert!(!media_type_version("application/vnd.api+json"));
    }
}
