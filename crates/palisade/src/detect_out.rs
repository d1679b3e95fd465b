//! Streaming output for `palisade detect`: findings are written as they are
//! found (pretty lines, or JSON / SARIF arrays written element by element),
//! so memory does not grow with the number of findings.
//!
//! Order is deterministic whatever the thread count: files in path order,
//! each file's findings by line, column and rule id. Workers scanning files
//! ahead of the one being written keep their findings in a bounded reorder
//! buffer ([`Ordered`]) and wait when it is full.

use crate::detect::DetectFinding;
use palisade_core::Severity;
use palisade_detect::Detector;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::{Condvar, Mutex};

/// Findings held for files not yet being written, across all workers.
pub(crate) const REORDER_CAP: usize = 4096;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Pretty,
    Json,
    Sarif,
}

impl Format {
    pub(crate) fn parse(s: &str) -> Option<Format> {
        match s {
            "pretty" => Some(Format::Pretty),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            _ => None,
        }
    }
}

/// The report being written.
pub(crate) struct Report {
    format: Format,
    w: Box<dyn Write + Send>,
    color: bool,
    fail_on: Severity,
    /// SARIF: every rule is listed in the driver up front; results point at it.
    rule_index: HashMap<String, usize>,
    pub(crate) count: usize,
    pub(crate) failed: bool,
    /// First write error (reported at the end).
    error: Option<std::io::Error>,
}

impl Report {
    pub(crate) fn begin(format: Format, w: Box<dyn Write + Send>, color: bool, fail_on: Severity) -> Report {
        let mut r = Report { format, w, color, fail_on, rule_index: HashMap::new(), count: 0, failed: false, error: None };
        let head = match format {
            Format::Pretty => String::new(),
            Format::Json => format!(
                "{{\n  \"schema_version\": \"1.0\",\n  \"tool\": \"palisade\",\n  \"version\": {},\n  \"findings\": [",
                json_str(env!("CARGO_PKG_VERSION"))
            ),
            Format::Sarif => {
                let detector = Detector::builtin();
                let mut rules: Vec<_> = detector.rules().iter().collect();
                rules.sort_by(|a, b| a.id.cmp(&b.id));
                let rule_objs: Vec<serde_json::Value> = rules
                    .iter()
                    .map(|info| {
                        serde_json::json!({
                            "id": info.id,
                            "name": info.id,
                            "shortDescription": {"text": info.name},
                            "properties": {"kind": info.kind.as_str()}
                        })
                    })
                    .collect();
                r.rule_index = rules.iter().enumerate().map(|(i, info)| (info.id.clone(), i)).collect();
                let tool = serde_json::json!({"driver": {
                    "name": "Palisade",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rule_objs
                }});
                format!(
                    "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": {},\n      \"results\": [",
                    indent(&pretty_json(&tool), 0, 6)
                )
            }
        };
        r.put(head.as_bytes());
        r
    }

    fn put(&mut self, bytes: &[u8]) {
        if self.error.is_none() {
            if let Err(e) = self.w.write_all(bytes) {
                self.error = Some(e);
            }
        }
    }

    /// Write one file's findings (already in order).
    pub(crate) fn write_all(&mut self, findings: &[DetectFinding]) {
        for f in findings {
            self.write(f);
        }
    }

    pub(crate) fn write(&mut self, f: &DetectFinding) {
        if f.severity >= self.fail_on {
            self.failed = true;
        }
        let sep = if self.count == 0 { "\n" } else { ",\n" };
        self.count += 1;
        let text = match self.format {
            Format::Pretty => pretty_line(f, self.color),
            Format::Json => format!("{sep}{}", indent(&pretty_json(f), 4, 4)),
            Format::Sarif => {
                let level = match f.severity {
                    Severity::Critical | Severity::High => "error",
                    Severity::Medium => "warning",
                    _ => "note",
                };
                let result = serde_json::json!({
                    "ruleId": f.rule_id,
                    "ruleIndex": self.rule_index.get(&f.rule_id).copied().unwrap_or(0),
                    "level": level,
                    "message": {"text": format!("{} ({}) found: {}", f.rule_name, f.kind.as_str(), f.masked)},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": f.path},
                        "region": {"startLine": f.line, "startColumn": f.column}
                    }}],
                    "partialFingerprints": {"palisade/v1": f.fingerprint},
                    "properties": {"severity": f.severity.as_str(), "kind": f.kind.as_str()}
                });
                format!("{sep}{}", indent(&pretty_json(&result), 8, 8))
            }
        };
        self.put(text.as_bytes());
    }

    /// Close the document: summary and counts come last.
    pub(crate) fn end(mut self, files: usize, bytes: u64) -> std::io::Result<()> {
        let tail = match self.format {
            Format::Pretty => {
                format!("{} finding(s) in {files} file(s), {bytes} bytes scanned.\n", self.count)
            }
            Format::Json => {
                let pad = if self.count == 0 { "" } else { "\n  " };
                format!("{pad}],\n  \"files_scanned\": {files},\n  \"bytes_scanned\": {bytes}\n}}\n")
            }
            Format::Sarif => {
                let pad = if self.count == 0 { "" } else { "\n      " };
                format!("{pad}]\n    }}\n  ]\n}}\n")
            }
        };
        self.put(tail.as_bytes());
        if self.error.is_none() {
            if let Err(e) = self.w.flush() {
                self.error = Some(e);
            }
        }
        match self.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn pretty_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// Indent the lines after the first by `n` spaces (the first by `first`).
/// JSON strings never hold raw newlines, so splitting on them is safe.
fn indent(text: &str, first: usize, n: usize) -> String {
    let pad = " ".repeat(n);
    let mut out = " ".repeat(first);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    out
}

fn pretty_line(f: &DetectFinding, color: bool) -> String {
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
    let mut s = format!("{}:{}:{}  {sev} {:<28} {}", f.path, f.line, f.column, f.rule_id, f.masked);
    if let Some(c) = &f.context {
        s.push_str(&format!("  ({c})"));
    }
    if let Some(u) = &f.url {
        s.push_str(&format!("  [{u}]"));
    }
    s.push('\n');
    s
}

/// Sort one batch of a file's findings into output order.
pub(crate) fn sort_batch(batch: &mut [DetectFinding]) {
    batch.sort_by(|a, b| (a.line, a.column, &a.rule_id).cmp(&(b.line, b.column, &b.rule_id)));
}

/// The reorder buffer between scanning workers and the report: file `head`
/// is written as it is scanned; later files' findings wait here.
pub(crate) struct Ordered {
    state: Mutex<OrderState>,
    turn: Condvar,
}

struct OrderState {
    report: Report,
    head: usize,
    /// Finished files after `head`, with their findings.
    done: BTreeMap<usize, Vec<DetectFinding>>,
    /// Findings held in `done` and in workers' `local` buffers.
    buffered: usize,
}

impl Ordered {
    pub(crate) fn new(report: Report) -> Ordered {
        Ordered { state: Mutex::new(OrderState { report, head: 0, done: BTreeMap::new(), buffered: 0 }), turn: Condvar::new() }
    }

    /// A sorted batch of file `i`'s findings (batches come in order).
    /// `local` is the worker's buffer for file `i`.
    pub(crate) fn emit(&self, i: usize, local: &mut Vec<DetectFinding>, batch: Vec<DetectFinding>) {
        if batch.is_empty() {
            return;
        }
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if st.head == i {
                st.buffered -= local.len();
                st.report.write_all(local);
                local.clear();
                st.report.write_all(&batch);
                return;
            }
            if st.buffered + batch.len() <= REORDER_CAP {
                st.buffered += batch.len();
                local.extend(batch);
                return;
            }
            // Full: wait for our turn (or for room).
            st = self.turn.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// File `i` is finished (whether it scanned fully or not).
    pub(crate) fn finish(&self, i: usize, local: Vec<DetectFinding>) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if st.head != i {
            st.done.insert(i, local);
            return;
        }
        st.buffered -= local.len();
        st.report.write_all(&local);
        st.head += 1;
        loop {
            let head = st.head;
            let Some(next) = st.done.remove(&head) else { break };
            st.buffered -= next.len();
            st.report.write_all(&next);
            st.head += 1;
        }
        self.turn.notify_all();
    }

    pub(crate) fn into_report(self) -> Report {
        self.state.into_inner().unwrap_or_else(|p| p.into_inner()).report
    }
}
