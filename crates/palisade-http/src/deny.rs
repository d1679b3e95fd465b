//! The deny-list: operations judged state-changing, refused wherever a
//! request comes from.
//!
//! Triage (in the scan engine) decides which operations must never be
//! called, e.g. `GET /createdb` that wipes the target's database. Skipping
//! them in the crawl is not enough: every check, discovery and probe builds
//! its own requests, with its own query strings, spellings and redirects. So
//! the decision is enforced here, where every request leaves the process, and
//! no caller can get around it.
//!
//! A rule is a path template (`/jobs/{id}/run-now`); `{name}` matches one
//! non-empty segment. A rule denies **every method** on its path: frameworks
//! route HEAD (and sometimes OPTIONS) to the GET handler, so a state-changing
//! GET is just as harmful when it is asked for with HEAD.
//!
//! Matching is deliberately generous, because servers are: the path is
//! percent-decoded (twice, for double encoding), compared case-insensitively,
//! with empty segments (`//`), `.` segments, matrix parameters (`;jsessionid=`)
//! and a trailing slash ignored, and the query string never matters.

use std::borrow::Cow;

/// Longest path the matcher reads; longer paths are compared on their prefix.
const MAX_PATH_BYTES: usize = 8 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// `{name}`: any one non-empty segment.
    Param,
}

/// One denied operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenyRule {
    /// The operation as triage named it, e.g. `GET /createdb`.
    pub operation: String,
    /// Why it is denied (shown in errors and the report).
    pub reason: String,
    segments: Vec<Segment>,
}

impl DenyRule {
    /// A rule for the path template `path` (absolute on the origin, e.g.
    /// `/api/v1/jobs/{id}/run`). `operation` and `reason` are for people.
    pub fn new(operation: impl Into<String>, path: &str, reason: impl Into<String>) -> Self {
        let segments = normalized_segments(path)
            .into_iter()
            .map(|s| if s.starts_with('{') && s.ends_with('}') && s.len() >= 2 { Segment::Param } else { Segment::Literal(s) })
            .collect();
        DenyRule { operation: operation.into(), reason: reason.into(), segments }
    }

    /// True when a request for `path` (a URL path, possibly percent-encoded)
    /// would reach this operation.
    pub fn matches(&self, path: &str) -> bool {
        let got = normalized_segments(path);
        got.len() == self.segments.len()
            && self.segments.iter().zip(&got).all(|(want, seg)| match want {
                Segment::Param => !seg.is_empty(),
                Segment::Literal(lit) => lit == seg,
            })
    }
}

/// The rules of one engine. Rules are only ever added during a scan.
#[derive(Clone, Debug, Default)]
pub struct DenyList {
    rules: Vec<DenyRule>,
}

impl DenyList {
    pub fn add(&mut self, rule: DenyRule) {
        if !self.rules.iter().any(|r| r.segments == rule.segments) {
            self.rules.push(rule);
        }
    }

    /// The first rule that denies `path`, if any.
    pub fn matching(&self, path: &str) -> Option<&DenyRule> {
        if self.rules.is_empty() {
            return None;
        }
        self.rules.iter().find(|r| r.matches(path))
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn rules(&self) -> &[DenyRule] {
        &self.rules
    }
}

/// Lower-case, decoded, non-empty segments of a path, without `.`,
/// matrix parameters or the query.
fn normalized_segments(path: &str) -> Vec<String> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = &path[..floor_char_boundary(path, MAX_PATH_BYTES)];
    // Decode twice: `%252F` is what a double-decoding proxy turns into `/`.
    let once = percent_decode(path);
    let twice = percent_decode(&once).into_owned();
    twice.split(['/', '\\']).map(|s| s.split(';').next().unwrap_or("").trim().to_lowercase()).filter(|s| !s.is_empty() && s != ".").collect()
}

fn percent_decode(s: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy()
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(path: &str) -> DenyRule {
        DenyRule::new(format!("GET {path}"), path, "test")
    }

    #[test]
    fn spellings_of_the_same_path_match() {
        let r = rule("/createdb");
        for p in [
            "/createdb",
            "/createdb/",
            "/CreateDB",
            "//createdb",
            "/./createdb",
            "/createdb;jsessionid=1",
            "/create%64b",
            "/create%2564b",
            "/createdb?limit=abc&page=-1&id='",
        ] {
            assert!(r.matches(p), "{p}");
        }
        for p in ["/createdb2", "/api/createdb", "/", "/create", "/createdb/x"] {
            assert!(!r.matches(p), "{p}");
        }
    }

    #[test]
    fn params_match_one_segment() {
        let r = rule("/api/jobs/{id}/run-now");
        assert!(r.matches("/api/jobs/7/run-now"));
        assert!(r.matches("/api/jobs/abc-def/run-now?x=1"));
        assert!(!r.matches("/api/jobs/a%2Fb/run-now"), "a decoded slash makes another path");
        assert!(!r.matches("/api/jobs/run-now"));
        assert!(!r.matches("/api/jobs/7/run-later"));
    }

    #[test]
    fn encoded_separators_cannot_hide_a_path() {
        let r = rule("/admin/reset");
        assert!(r.matches("/admin%2freset"));
        assert!(r.matches("/admin%5creset"));
        assert!(r.matches("/admin\\reset"));
    }

    #[test]
    fn hostile_paths_do_not_panic() {
        let r = rule("/x");
        for p in ["%", "%%", "%f", "/%ff%fe", "/\u{1F600}%", &"/a".repeat(10_000)] {
            let _ = r.matches(p);
        }
    }
}
