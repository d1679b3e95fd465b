//! Coverage: how much of the API a scan actually exercised.
//!
//! "Scan completed" is not "target tested": a scan that crawled 200 of 1,000
//! operations must say so. [`Coverage`] counts the operations of the
//! inventory (spec and undocumented), those that received at least one
//! request, those a check of each category sent a request to, and every
//! operation left out, grouped by why ([`SkipKind`]).
//!
//! Requests are matched to operations by [`OperationIndex`]: a request path
//! relative to the target's base path against the operations' path templates
//! (`{param}` segments match any one segment; literal segments win).

use crate::{Category, Endpoint};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// Why an operation received no request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// Triage read its words as changing state (`GET /createdb`): on the deny-list.
    StateChanging,
    /// The request budget (`--max-requests`, `--max-time`, or a crawl cap) could not cover it.
    OverBudget,
    /// Its method writes (POST, PUT, PATCH, DELETE) and the scan is read-only.
    NeedsWrite,
    /// Its request was sent but failed (timeout, connection error) or was refused by the scope.
    Failed,
}

impl SkipKind {
    pub const ALL: [SkipKind; 4] = [SkipKind::StateChanging, SkipKind::OverBudget, SkipKind::NeedsWrite, SkipKind::Failed];

    /// As shown in reports: `state-changing`, `over budget`, `needs write`, `failed`.
    pub fn label(self) -> &'static str {
        match self {
            SkipKind::StateChanging => "state-changing",
            SkipKind::OverBudget => "over budget",
            SkipKind::NeedsWrite => "needs write",
            SkipKind::Failed => "failed",
        }
    }
}

impl fmt::Display for SkipKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Operations skipped for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedCount {
    pub reason: SkipKind,
    pub operations: usize,
}

/// Operations a check of one category sent at least one request to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCoverage {
    pub category: Category,
    pub operations: usize,
}

/// The report's coverage section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Operations declared in the spec.
    pub operations: usize,
    /// Operations found by discovery that the spec does not list (all of them without a spec).
    pub undocumented: usize,
    /// Operations the crawl received an answer from (any status).
    pub crawled: usize,
    /// Operations that received at least one answered request from any phase (crawl or check).
    pub tested: usize,
    /// Per category, operations one of its checks sent a request to (categories with none are left out).
    pub probed: Vec<CategoryCoverage>,
    /// Operations that received no request, by reason; the counts add up to `total() - tested`.
    pub skipped: Vec<SkippedCount>,
    /// Who the crawl sent as: `anonymous` or `default`, then every named identity.
    pub identities: Vec<String>,
    /// Requests the crawl sent (every identity, cache hits excluded).
    pub crawl_requests: u64,
}

impl Coverage {
    /// Every operation known: the spec's and the undocumented ones.
    pub fn total(&self) -> usize {
        self.operations + self.undocumented
    }

    /// Operations skipped for any reason.
    pub fn skipped_total(&self) -> usize {
        self.skipped.iter().map(|s| s.operations).sum()
    }

    /// Share of operations tested, 0–100. A scan that knows no operation tested none: 0.
    pub fn percent(&self) -> f64 {
        match self.total() {
            0 => 0.0,
            total => self.tested as f64 * 100.0 / total as f64,
        }
    }

    /// The one line every writer shows:
    /// `912 of 1,000 operations tested, 88 skipped: 61 state-changing, 27 over budget`.
    pub fn summary(&self) -> String {
        let mut line = format!("{} of {} operations tested", thousands(self.tested), thousands(self.total()));
        let skipped = self.skipped_total();
        if skipped > 0 {
            let parts: Vec<String> =
                self.skipped.iter().filter(|s| s.operations > 0).map(|s| format!("{} {}", thousands(s.operations), s.reason.label())).collect();
            line.push_str(&format!(", {} skipped: {}", thousands(skipped), parts.join(", ")));
        }
        line
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let head = match digits.len() % 3 {
        0 => 3,
        r => r,
    };
    let mut out = digits[..head.min(digits.len())].to_string();
    let mut rest = &digits[head.min(digits.len())..];
    while !rest.is_empty() {
        out.push(',');
        out.push_str(&rest[..3]);
        rest = &rest[3..];
    }
    out
}

#[derive(Default)]
struct Node {
    literal: HashMap<String, usize>,
    param: Option<usize>,
    /// Operation index per upper-case method.
    ops: HashMap<String, usize>,
}

/// Finds the operation a request was for: method and path against path
/// templates, in time proportional to the path's length.
pub struct OperationIndex {
    nodes: Vec<Node>,
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.split('/').filter(|s| !s.is_empty())
}

impl OperationIndex {
    /// Index `endpoints` by (method, path template); indices are positions in the slice.
    pub fn new(endpoints: &[Endpoint]) -> Self {
        let mut nodes = vec![Node::default()];
        for (i, ep) in endpoints.iter().enumerate() {
            let mut at = 0;
            for seg in segments(&ep.path) {
                let next = nodes.len();
                let child =
                    if seg.contains('{') { *nodes[at].param.get_or_insert(next) } else { *nodes[at].literal.entry(seg.to_string()).or_insert(next) };
                if child == next {
                    nodes.push(Node::default());
                }
                at = child;
            }
            nodes[at].ops.entry(ep.method.to_ascii_uppercase()).or_insert(i);
        }
        OperationIndex { nodes }
    }

    /// The operation `method path` was for (`path` relative to the base
    /// path, query ignored). HEAD also matches a GET operation.
    pub fn find(&self, method: &str, path: &str) -> Option<usize> {
        let segs: Vec<&str> = segments(path).collect();
        let method = method.to_ascii_uppercase();
        self.walk(0, &segs, &method).or_else(|| if method == "HEAD" { self.walk(0, &segs, "GET") } else { None })
    }

    fn walk(&self, at: usize, segs: &[&str], method: &str) -> Option<usize> {
        let node = &self.nodes[at];
        let Some((first, rest)) = segs.split_first() else { return node.ops.get(method).copied() };
        if let Some(found) = node.literal.get(*first).and_then(|&c| self.walk(c, rest, method)) {
            return Some(found);
        }
        node.param.and_then(|c| self.walk(c, rest, method))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win_and_params_match_any_segment() {
        let eps: Vec<Endpoint> =
            [("GET", "/things"), ("GET", "/things/{id}"), ("GET", "/things/search"), ("GET", "/things/{id}/parts"), ("DELETE", "/things/{id}")]
                .iter()
                .map(|(m, p)| Endpoint::discovered(m, p))
                .collect();
        let index = OperationIndex::new(&eps);
        assert_eq!(index.find("GET", "/things"), Some(0));
        assert_eq!(index.find("GET", "/things/"), Some(0));
        assert_eq!(index.find("GET", "/things/42?x=1"), Some(1));
        assert_eq!(index.find("HEAD", "/things/42"), Some(1));
        assert_eq!(index.find("GET", "/things/search"), Some(2));
        assert_eq!(index.find("GET", "/things/search/parts"), Some(3));
        assert_eq!(index.find("DELETE", "/things/7"), Some(4));
        assert_eq!(index.find("POST", "/things/7"), None);
        assert_eq!(index.find("GET", "/other"), None);
    }

    #[test]
    fn the_summary_line() {
        let c = Coverage {
            operations: 1000,
            tested: 912,
            skipped: vec![
                SkippedCount { reason: SkipKind::StateChanging, operations: 61 },
                SkippedCount { reason: SkipKind::OverBudget, operations: 27 },
            ],
            ..Coverage::default()
        };
        assert_eq!(c.summary(), "912 of 1,000 operations tested, 88 skipped: 61 state-changing, 27 over budget");
        assert_eq!(thousands(5), "5");
        assert_eq!(thousands(1234567), "1,234,567");
        assert!((c.percent() - 91.2).abs() < 1e-9);
        assert_eq!(Coverage::default().percent(), 0.0);
    }
}
