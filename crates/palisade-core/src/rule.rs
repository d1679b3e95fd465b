//! Rule metadata: the stable, documented identity of every check result.

use crate::{Category, Severity};
use serde::Serialize;

/// Everything a report, a SARIF file or `docs/rules.md` says about a rule.
///
/// Codes are stable forever: a code is never reused for another meaning, so
/// baselines, suppressions and dashboards keep working across versions.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    /// Stable code, `<category prefix><3 digits>`, e.g. `DE001`.
    pub code: &'static str,
    /// Short kebab-case name, e.g. `secret-in-response-body`.
    pub name: &'static str,
    /// One-line title shown in tables.
    pub title: &'static str,
    pub category: Category,
    pub default_severity: Severity,
    /// OWASP API Security Top 10 (2023) id, e.g. `API3:2023`.
    pub owasp: &'static str,
    pub cwe: &'static [u32],
    /// PCI-DSS 4.0 requirement, e.g. `3.5.1`.
    pub pci_dss: &'static str,
    /// SOC 2 trust-services criterion, e.g. `CC6.1`.
    pub soc2: &'static str,
    /// What the rule detects and how.
    pub what: &'static str,
    /// Why it matters to the API's owner.
    pub why: &'static str,
    /// A concrete example of an exchange that triggers the rule.
    pub example: &'static str,
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    /// Whether the rule needs requests beyond GET/HEAD/OPTIONS.
    pub active: bool,
}

impl RuleMeta {
    /// `CWE-200, CWE-532` style list.
    pub fn cwe_list(&self) -> String {
        self.cwe.iter().map(|c| format!("CWE-{c}")).collect::<Vec<_>>().join(", ")
    }
}
