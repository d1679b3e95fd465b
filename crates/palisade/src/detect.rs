//! `palisade detect`: the Data Exposure detector over files, logs, HAR captures and stdin.

use crate::Failure;
use palisade_core::Severity;
use palisade_detect::{Detector, Kind, Match, StreamScanner};
use serde::Serialize;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Bytes read per chunk: memory stays flat however large a log is.
const CHUNK: usize = 1 << 20;
/// Largest HAR we parse whole (HARs are JSON: no streaming parse).
const MAX_HAR_BYTES: u64 = 512 << 20;

#[derive(Debug, Clone, Serialize)]
pub struct DetectFinding {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub rule_id: String,
    pub rule_name: String,
    pub kind: Kind,
    pub severity: Severity,
    /// `abcd…wxyz`: never the full value.
    pub masked: String,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// For HAR captures: the (masked) URL of the entry the value was in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Serialize)]
struct DetectReport<'a> {
    schema_version: &'static str,
    tool: &'static str,
    version: &'static str,
    files_scanned: usize,
    bytes_scanned: u64,
    findings: &'a [DetectFinding],
}

pub struct DetectArgs {
    pub paths: Vec<String>,
    pub format: String,
    pub output: Option<PathBuf>,
    pub fail_on: Severity,
    pub min_severity: Severity,
    pub kinds: Option<Vec<Kind>>,
    pub baseline: Option<PathBuf>,
}

pub fn detect_command(args: DetectArgs) -> Result<u8, Failure> {
    let detector = Detector::builtin();
    let baseline = match &args.baseline {
        Some(p) => load_baseline(p)?,
        None => Default::default(),
    };
    let (mut findings, files, bytes) = if args.paths.iter().any(|p| p == "-") {
        let mut scanner = StreamScanner::new(detector);
        let mut out = Vec::new();
        let n = stream(std::io::stdin().lock(), &mut scanner, &mut out).map_err(|e| io_failure("stdin", e))?;
        out.extend(scanner.finish());
        (out.into_iter().map(|m| to_finding("-", m, None)).collect::<Vec<_>>(), 1, n)
    } else {
        scan_paths(detector, &args.paths)?
    };
    findings.retain(|f| {
        f.severity >= args.min_severity
            && args.kinds.as_ref().is_none_or(|k| k.contains(&f.kind))
            && !baseline.contains(&f.fingerprint)
    });
    findings.sort_by(|a, b| (&a.path, a.line, a.column, &a.rule_id).cmp(&(&b.path, b.line, b.column, &b.rule_id)));

    let rendered = render(&args.format, &findings, files, bytes)?;
    match &args.output {
        Some(p) => std::fs::write(p, rendered).map_err(|e| io_failure(&p.display().to_string(), e))?,
        None => {
            let _ = std::io::stdout().lock().write_all(rendered.as_bytes());
        }
    }
    Ok(if findings.iter().any(|f| f.severity >= args.fail_on) { 1 } else { 0 })
}

fn io_failure(what: &str, e: std::io::Error) -> Failure {
    Failure::usage(format!("cannot read {what}: {e}"), "check the path and permissions")
}

/// A baseline is a previous `-f json` report of `detect` or `scan` (or a plain list of fingerprints, one a line).
pub(crate) fn load_baseline(p: &Path) -> Result<std::collections::HashSet<String>, Failure> {
    let text = std::fs::read_to_string(p).map_err(|e| io_failure(&p.display().to_string(), e))?;
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        let list = v.get("findings").and_then(|f| f.as_array()).cloned().unwrap_or_default();
        return Ok(list.iter().filter_map(|f| f["fingerprint"].as_str().map(str::to_string)).collect());
    }
    Ok(text.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect())
}

fn stream(mut r: impl Read, scanner: &mut StreamScanner, out: &mut Vec<Match>) -> std::io::Result<u64> {
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(total);
        }
        total += n as u64;
        out.extend(scanner.feed(&buf[..n]));
    }
}

fn to_finding(path: &str, m: Match, url: Option<String>) -> DetectFinding {
    DetectFinding {
        path: path.to_string(),
        line: m.line,
        column: m.column,
        rule_id: m.rule_id,
        rule_name: m.rule_name,
        kind: m.kind,
        severity: m.severity,
        masked: m.masked,
        fingerprint: m.fingerprint,
        context: m.context,
        url,
    }
}

/// Walk the paths (respecting .gitignore), then scan the files on all cores.
fn scan_paths(detector: &Detector, paths: &[String]) -> Result<(Vec<DetectFinding>, usize, u64), Failure> {
    let mut files = Vec::new();
    for p in paths {
        let path = Path::new(p);
        if !path.exists() {
            return Err(Failure::usage(format!("no such file or directory: {p}"), "give files, directories or - for stdin"));
        }
        if path.is_file() {
            files.push(path.to_path_buf());
            continue;
        }
        for entry in ignore::WalkBuilder::new(path).hidden(false).build().flatten() {
            if entry.file_type().is_some_and(|t| t.is_file()) {
                files.push(entry.into_path());
            }
        }
    }
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    let bytes = std::sync::atomic::AtomicU64::new(0);
    let errors = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(files.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = files.get(i) else { break };
                match scan_file(detector, file) {
                    Ok((found, n)) => {
                        bytes.fetch_add(n, Ordering::Relaxed);
                        results.lock().unwrap().extend(found);
                    }
                    Err(e) => errors.lock().unwrap().push(format!("{}: {e}", file.display())),
                }
            });
        }
    });
    for e in errors.into_inner().unwrap() {
        eprintln!("warning: skipped {e}");
    }
    Ok((results.into_inner().unwrap(), files.len(), bytes.into_inner()))
}

fn scan_file(detector: &Detector, path: &Path) -> std::io::Result<(Vec<DetectFinding>, u64)> {
    let name = path.display().to_string();
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let mut head = vec![0u8; 8192];
    let n = read_up_to(&mut file, &mut head)?;
    head.truncate(n);
    if head.contains(&0) {
        return Ok((Vec::new(), 0)); // binary
    }
    if is_har(path, &head) && len <= MAX_HAR_BYTES {
        let mut text = head;
        file.read_to_end(&mut text)?;
        if let Some(found) = scan_har(detector, &name, &text) {
            return Ok((found, len));
        }
        // Not valid HAR after all: scan it as text.
        let mut scanner = StreamScanner::new(detector);
        let mut out = scanner.feed(&text);
        out.extend(scanner.finish());
        return Ok((out.into_iter().map(|m| to_finding(&name, m, None)).collect(), len));
    }
    let mut scanner = StreamScanner::new(detector);
    let mut out = scanner.feed(&head);
    stream(file, &mut scanner, &mut out)?;
    out.extend(scanner.finish());
    Ok((out.into_iter().map(|m| to_finding(&name, m, None)).collect(), len))
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn is_har(path: &Path, head: &[u8]) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let start = String::from_utf8_lossy(&head[..head.len().min(2048)]);
    ext == "har" || (start.trim_start().starts_with('{') && start.contains("\"log\"") && start.contains("\"entries\""))
}

/// Scan each HAR entry's decoded request and response (URL, headers, bodies);
/// a match's line and column are those of its value in the HAR file itself.
fn scan_har(detector: &Detector, name: &str, raw: &[u8]) -> Option<Vec<DetectFinding>> {
    let har: serde_json::Value = serde_json::from_slice(raw).ok()?;
    let entries = har.get("log")?.get("entries")?.as_array()?;
    let raw_text = String::from_utf8_lossy(raw);
    let mut out = Vec::new();
    let mut search_from = 0usize;
    for entry in entries {
        let url = entry.pointer("/request/url").and_then(|u| u.as_str()).unwrap_or("");
        let masked_url = palisade_core::mask::mask_url(url);
        let mut texts: Vec<String> = vec![url.to_string()];
        for side in ["request", "response"] {
            if let Some(headers) = entry.pointer(&format!("/{side}/headers")).and_then(|h| h.as_array()) {
                for h in headers {
                    let (k, v) = (h["name"].as_str().unwrap_or(""), h["value"].as_str().unwrap_or(""));
                    texts.push(format!("{k}: {v}"));
                }
            }
        }
        if let Some(t) = entry.pointer("/request/postData/text").and_then(|t| t.as_str()) {
            texts.push(t.to_string());
        }
        if let Some(content) = entry.pointer("/response/content") {
            if let Some(t) = content["text"].as_str() {
                let decoded = if content["encoding"].as_str() == Some("base64") { base64_decode(t) } else { None };
                texts.push(decoded.unwrap_or_else(|| t.to_string()));
            }
        }
        // Where this entry starts in the file: its URL, JSON-escaped.
        let escaped_url = serde_json::to_string(url).unwrap_or_default();
        if let Some(pos) = raw_text[search_from..].find(escaped_url.trim_matches('"')) {
            search_from += pos;
        }
        for text in texts {
            for m in detector.scan(text.as_bytes()) {
                let value = &text[m.start.min(text.len())..m.end.min(text.len())];
                let escaped = serde_json::to_string(value).unwrap_or_default();
                let needle = escaped.trim_matches('"');
                let at = raw_text[search_from..]
                    .find(needle)
                    .map(|p| p + search_from)
                    .or_else(|| raw_text.find(needle))
                    .unwrap_or(search_from);
                let (line, column) = line_col(&raw_text, at);
                let mut f = to_finding(name, m, Some(masked_url.clone()));
                f.line = line;
                f.column = column;
                out.push(f);
            }
        }
    }
    Some(out)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

fn base64_decode(s: &str) -> Option<String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD.decode(s.trim()).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn render(format: &str, findings: &[DetectFinding], files: usize, bytes: u64) -> Result<String, Failure> {
    match format {
        "json" => {
            let report = DetectReport {
                schema_version: "1.0",
                tool: "palisade",
                version: env!("CARGO_PKG_VERSION"),
                files_scanned: files,
                bytes_scanned: bytes,
                findings,
            };
            Ok(serde_json::to_string_pretty(&report).map_err(|e| anyhow::anyhow!(e))? + "\n")
        }
        "sarif" => Ok(sarif(findings)),
        "pretty" => Ok(pretty(findings, files, bytes)),
        other => Err(Failure::usage(format!("unknown format '{other}' for detect"), "use pretty, json or sarif")),
    }
}

fn pretty(findings: &[DetectFinding], files: usize, bytes: u64) -> String {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut s = String::new();
    for f in findings {
        let sev = if color {
            let code = match f.severity {
                Severity::Critical => "1;31",
                Severity::High => "31",
                Severity::Medium => "33",
                Severity::Low => "36",
                Severity::Info => "2",
            };
            format!("\x1b[{code}m{:<8}\x1b[0m", f.severity.as_str())
        } else {
            format!("{:<8}", f.severity.as_str())
        };
        s.push_str(&format!("{}:{}:{}  {sev} {:<28} {}", f.path, f.line, f.column, f.rule_id, f.masked));
        if let Some(c) = &f.context {
            s.push_str(&format!("  ({c})"));
        }
        if let Some(u) = &f.url {
            s.push_str(&format!("  [{u}]"));
        }
        s.push('\n');
    }
    s.push_str(&format!("{} finding(s) in {files} file(s), {bytes} bytes scanned.\n", findings.len()));
    s
}

fn sarif(findings: &[DetectFinding]) -> String {
    let mut rules: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    rules.sort();
    rules.dedup();
    let level = |s: Severity| match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        _ => "note",
    };
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "ruleId": f.rule_id,
                "ruleIndex": rules.iter().position(|r| *r == f.rule_id).unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": format!("{} ({}) found: {}", f.rule_name, f.kind.as_str(), f.masked)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": f.path},
                    "region": {"startLine": f.line, "startColumn": f.column}
                }}],
                "partialFingerprints": {"palisade/v1": f.fingerprint},
                "properties": {"severity": f.severity.as_str(), "kind": f.kind.as_str()}
            })
        })
        .collect();
    let detector = Detector::builtin();
    let rule_objs: Vec<serde_json::Value> = rules
        .iter()
        .map(|id| {
            let info = detector.rules().iter().find(|r| r.id == *id);
            serde_json::json!({
                "id": id,
                "name": id,
                "shortDescription": {"text": info.map(|r| r.name.clone()).unwrap_or_else(|| id.to_string())},
                "properties": {"kind": info.map(|r| r.kind.as_str()).unwrap_or("secret")}
            })
        })
        .collect();
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "Palisade", "semanticVersion": env!("CARGO_PKG_VERSION"), "rules": rule_objs}},
            "results": results
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// Parse `--kinds secret,pii`.
pub fn parse_kinds(items: &[String]) -> Result<Option<Vec<Kind>>, Failure> {
    if items.is_empty() {
        return Ok(None);
    }
    items
        .iter()
        .map(|k| {
            Kind::ALL
                .into_iter()
                .find(|x| x.as_str() == k.trim().to_ascii_lowercase())
                .ok_or_else(|| Failure::usage(format!("unknown kind '{k}'"), "use secret, pii, debug or internal"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

pub fn parse_severity(s: &str) -> Result<Severity, Failure> {
    Severity::from_str(s).map_err(|e| Failure::usage(e, "e.g. --fail-on high"))
}
