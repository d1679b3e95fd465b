//! Events the scan engine emits while it works. The progress bar, report
//! writer, database and webhooks are all consumers of this one stream.

use crate::{Finding, Report};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ScanEvent {
    Started { target: String, checks: usize },
    Phase { name: String },
    Request { method: String, url: String, status: Option<u16>, duration_ms: u64 },
    CheckStarted { check: String },
    CheckFinished { check: String, findings: usize, error: Option<String> },
    Finding { finding: Box<Finding> },
    Finished { report: Box<Report> },
}
