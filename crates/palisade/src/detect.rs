//! `palisade detect`: the Data Exposure detector over files, logs, HAR captures and stdin.

use crate::detect_out::{sort_batch, Format, Ordered, Report};
use crate::Failure;
use palisade_core::Severity;
use palisade_detect::{Detector, Kind, Match, StreamScanner};
use serde::Serialize;
use std::io::{BufWriter, IsTerminal, Read, Write};
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
    let format = Format::parse(&args.format)
        .ok_or_else(|| Failure::usage(format!("unknown format '{}' for detect", args.format), "use pretty, json or sarif"))?;
    let baseline = match &args.baseline {
        Some(p) => load_baseline(p)?,
        None => Default::default(),
    };
    let filter = Filter { min_severity: args.min_severity, kinds: args.kinds.clone(), baseline };
    let from_stdin = args.paths.iter().any(|p| p == "-");
    // Walk before creating the output file, and never scan the report itself.
    let files = if from_stdin { Vec::new() } else { collect_files(&args.paths, args.output.as_deref())? };
    let (sink, color): (Box<dyn Write + Send>, bool) = match &args.output {
        Some(p) => {
            let f = std::fs::File::create(p).map_err(|e| write_failure(&p.display().to_string(), e))?;
            (Box::new(BufWriter::new(f)), false)
        }
        None => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            (Box::new(BufWriter::new(std::io::stdout())), color)
        }
    };
    let report = Report::begin(format, sink, color, args.fail_on);
    let (report, files_scanned, bytes) = if from_stdin {
        let ordered = Ordered::new(report);
        let mut scanner = StreamScanner::new(detector);
        let mut local = Vec::new();
        let mut emit = |batch: Vec<Match>| ordered.emit(0, &mut local, filter.apply("-", batch));
        let n = stream(std::io::stdin().lock(), &mut scanner, &mut emit).map_err(|e| io_failure("stdin", e))?;
        emit(scanner.finish());
        ordered.finish(0, local);
        (ordered.into_report(), 1, n)
    } else {
        scan_paths(detector, &files, &filter, report)
    };
    let failed = report.failed;
    let to_file = args.output.is_some();
    if let Err(e) = report.end(files_scanned, bytes) {
        // A closed stdout (`| head`) is not an error worth reporting.
        if to_file {
            return Err(write_failure(&args.output.as_ref().map(|p| p.display().to_string()).unwrap_or_default(), e));
        }
    }
    Ok(if failed { 1 } else { 0 })
}

/// `--min-severity`, `--kinds` and `--baseline`.
struct Filter {
    min_severity: Severity,
    kinds: Option<Vec<Kind>>,
    baseline: std::collections::HashSet<String>,
}

impl Filter {
    fn keep(&self, f: &DetectFinding) -> bool {
        f.severity >= self.min_severity && self.kinds.as_ref().is_none_or(|k| k.contains(&f.kind)) && !self.baseline.contains(&f.fingerprint)
    }

    /// One scanner batch as sorted, filtered findings.
    fn apply(&self, path: &str, batch: Vec<Match>) -> Vec<DetectFinding> {
        self.apply_findings(batch.into_iter().map(|m| to_finding(path, m, None)).collect())
    }

    fn apply_findings(&self, mut found: Vec<DetectFinding>) -> Vec<DetectFinding> {
        found.retain(|f| self.keep(f));
        sort_batch(&mut found);
        found
    }
}

fn write_failure(what: &str, e: std::io::Error) -> Failure {
    Failure::usage(format!("cannot write {what}: {e}"), "check the path and permissions")
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

fn stream(mut r: impl Read, scanner: &mut StreamScanner, emit: &mut dyn FnMut(Vec<Match>)) -> std::io::Result<u64> {
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        let n = match r.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(total);
        }
        total += n as u64;
        let batch = scanner.feed(&buf[..n]);
        if !batch.is_empty() {
            emit(batch);
        }
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

/// The files to scan, in output (path) order: walked recursively,
/// respecting .gitignore, without the report file itself.
fn collect_files(paths: &[String], output: Option<&Path>) -> Result<Vec<PathBuf>, Failure> {
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
    if let Some(out) = output.and_then(|o| std::fs::canonicalize(o).ok()) {
        files.retain(|f| std::fs::canonicalize(f).map_or(true, |c| c != out));
    }
    let mut keyed: Vec<(String, PathBuf)> = files.into_iter().map(|f| (f.display().to_string(), f)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(keyed.into_iter().map(|(_, f)| f).collect())
}

/// Worker threads: all cores, or `PALISADE_DETECT_THREADS`.
fn thread_count(files: usize) -> usize {
    let cores = std::env::var("PALISADE_DETECT_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2));
    cores.min(files.max(1))
}

/// Scan the files on all cores; findings reach the report in file order.
fn scan_paths(detector: &Detector, files: &[PathBuf], filter: &Filter, report: Report) -> (Report, usize, u64) {
    let next = AtomicUsize::new(0);
    let bytes = std::sync::atomic::AtomicU64::new(0);
    let errors = Mutex::new(Vec::new());
    let ordered = Ordered::new(report);
    std::thread::scope(|s| {
        for _ in 0..thread_count(files.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = files.get(i) else { break };
                let name = file.display().to_string();
                let mut local = Vec::new();
                let mut emit = |batch: Vec<DetectFinding>| ordered.emit(i, &mut local, filter.apply_findings(batch));
                match scan_file(detector, file, &name, &mut emit) {
                    Ok(n) => {
                        bytes.fetch_add(n, Ordering::Relaxed);
                    }
                    Err(e) => errors.lock().unwrap_or_else(|p| p.into_inner()).push(format!("{name}: {e}")),
                }
                ordered.finish(i, local);
            });
        }
    });
    for e in errors.into_inner().unwrap_or_else(|p| p.into_inner()) {
        eprintln!("warning: skipped {e}");
    }
    (ordered.into_report(), files.len(), bytes.into_inner())
}

/// Scan one file, passing its findings on in batches (in file order).
fn scan_file(detector: &Detector, path: &Path, name: &str, emit: &mut dyn FnMut(Vec<DetectFinding>)) -> std::io::Result<u64> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let mut head = vec![0u8; 8192];
    let n = read_up_to(&mut file, &mut head)?;
    head.truncate(n);
    if head.contains(&0) {
        return Ok(0); // binary
    }
    let findings = |batch: Vec<Match>| -> Vec<DetectFinding> { batch.into_iter().map(|m| to_finding(name, m, None)).collect() };
    if is_har(path, &head) && len <= MAX_HAR_BYTES {
        let mut text = head;
        file.read_to_end(&mut text)?;
        if let Some(found) = scan_har(detector, name, &text) {
            emit(found);
            return Ok(len);
        }
        // Not valid HAR after all: scan it as text.
        let mut scanner = StreamScanner::new(detector);
        emit(findings(scanner.feed(&text)));
        emit(findings(scanner.finish()));
        return Ok(len);
    }
    let mut scanner = StreamScanner::new(detector);
    emit(findings(scanner.feed(&head)));
    stream(file, &mut scanner, &mut |batch| emit(findings(batch)))?;
    emit(findings(scanner.finish()));
    Ok(len)
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
                let at = raw_text[search_from..].find(needle).map(|p| p + search_from).or_else(|| raw_text.find(needle)).unwrap_or(search_from);
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
