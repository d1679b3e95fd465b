//! The scan report: what every output writer renders.

use crate::{scoring::Grade, Category, Exchange, Finding, Severity};
use serde::{Deserialize, Serialize};

/// Version of the JSON report schema (`docs/report-schema.json`).
pub const REPORT_SCHEMA_VERSION: &str = "1.0";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CategoryScore {
    pub category: Category,
    pub score: u8,
    pub grade: Grade,
    pub findings: usize,
    /// False when no check of this category ran (excluded from the score).
    pub assessed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SkippedOperation {
    pub method: String,
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CheckError {
    pub check: String,
    pub message: String,
}

/// Scan health is not a finding: it says how well the scan itself went.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ScanHealth {
    pub requests_sent: u64,
    /// Requests answered from the shared cache instead of being sent again.
    pub cache_hits: u64,
    pub timeouts: u64,
    pub connection_errors: u64,
    pub rate_limited: u64,
    pub server_errors: u64,
    /// Requests not sent because a bound (max requests, max time) was reached,
    /// or because the HTTP engine had given up on the target.
    pub dropped: u64,
    /// Requests refused by the method policy, the scope guard or the deny-list
    /// (redirect hops that would leave the scope or reach a denied operation included).
    pub refused: u64,
    pub check_errors: Vec<CheckError>,
    /// Why the scan stopped early or is not to be trusted, in plain words,
    /// if it did or is (set whenever [`ScanHealth::is_degraded`] is true).
    pub aborted: Option<String>,
    /// What the user should know about how the scan ran that is neither a
    /// finding nor a reason to distrust it, in plain words: e.g. an identity
    /// whose credentials the target does not accept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl ScanHealth {
    /// Unhealthy when the scan was aborted or most requests failed.
    pub fn is_degraded(&self) -> bool {
        self.aborted.is_some() || self.most_failed().is_some()
    }

    /// When most requests (at least 4 sent, more than half) got no answer,
    /// why, in plain words: `most requests failed: 92 of 124 timed out`.
    pub fn most_failed(&self) -> Option<String> {
        let failed = self.timeouts + self.connection_errors;
        if self.requests_sent < 4 || failed * 2 <= self.requests_sent {
            return None;
        }
        let how = match (self.timeouts, self.connection_errors) {
            (t, 0) => format!("{t} of {} timed out", self.requests_sent),
            (0, c) => format!("{c} of {} could not connect", self.requests_sent),
            (t, c) => format!("{failed} of {} got no answer ({t} timed out, {c} could not connect)", self.requests_sent),
        };
        Some(format!("most requests failed: {how}"))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InventorySummary {
    pub endpoints: usize,
    pub spec_source: Option<String>,
    pub spec_version: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema_version: String,
    pub tool: ToolInfo,
    pub target: String,
    /// RFC 3339 UTC.
    pub started_at: String,
    pub duration_ms: u64,
    pub context: crate::scoring::Context,
    pub score: u8,
    pub grade: Grade,
    pub categories: Vec<CategoryScore>,
    pub findings: Vec<Finding>,
    pub skipped: Vec<SkippedOperation>,
    pub health: ScanHealth,
    pub inventory: InventorySummary,
    /// How much of the API the scan exercised (`crate::coverage`).
    #[serde(default)]
    pub coverage: crate::Coverage,
    /// Exchanges cited by findings (masked).
    pub exchanges: Vec<Exchange>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    pub fn exchange(&self, id: u64) -> Option<&Exchange> {
        self.exchanges.iter().find(|e| e.id == id)
    }
}
