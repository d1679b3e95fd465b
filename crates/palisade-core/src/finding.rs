//! A finding: one rule matched at one place, with the evidence that proves it.

use crate::{mask, Category, Confidence, ExchangeId, RuleMeta, Severity};
use serde::{Deserialize, Serialize};

/// Where and how a finding was proven. `excerpt` is already masked.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    /// The exchange that proves the finding, if any (spec-only findings have none).
    pub exchange: Option<ExchangeId>,
    /// Additional exchanges (e.g. the second request of a differential proof).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<ExchangeId>,
    /// Where in the exchange: `response.body`, `response.header.Set-Cookie`, `spec`, ...
    pub location: String,
    /// Masked excerpt. Never contains a full secret.
    pub excerpt: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    /// Stable rule code, e.g. `DE001`.
    pub rule: String,
    pub title: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    /// `GET /api/v1/keys` or the target URL for target-wide findings.
    pub endpoint: String,
    /// One or two sentences specific to this occurrence.
    pub message: String,
    pub evidence: Evidence,
    pub remediation: String,
    /// Stable across scans: same rule, endpoint and discriminator → same value.
    pub fingerprint: String,
    /// Detector rule or other sub-classification (e.g. `aws-access-key-id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub owasp: String,
    pub cwe: Vec<u32>,
    pub pci_dss: String,
    pub soc2: String,
}

impl Finding {
    /// Build a finding from rule metadata. `discriminator` distinguishes two
    /// findings of the same rule on the same endpoint (e.g. the secret's own
    /// fingerprint or a header name); it goes into the stable fingerprint.
    pub fn new(rule: &RuleMeta, endpoint: impl Into<String>, message: impl Into<String>, discriminator: &str) -> Self {
        let endpoint = endpoint.into();
        let fingerprint = mask::fingerprint(&format!("{}\u{1f}{}\u{1f}{}", rule.code, endpoint, discriminator));
        Finding {
            rule: rule.code.to_string(),
            title: rule.title.to_string(),
            category: rule.category,
            severity: rule.default_severity,
            confidence: Confidence::High,
            endpoint,
            message: message.into(),
            evidence: Evidence::default(),
            remediation: rule.remediation.to_string(),
            fingerprint,
            detail: None,
            owasp: rule.owasp.to_string(),
            cwe: rule.cwe.to_vec(),
            pci_dss: rule.pci_dss.to_string(),
            soc2: rule.soc2.to_string(),
        }
    }

    /// Make the finding target-wide: one finding per `origin` and
    /// `discriminator`, whichever endpoint showed it first.
    pub fn target_wide(mut self, origin: &str, discriminator: &str) -> Self {
        self.fingerprint = mask::fingerprint(&format!("{}\u{1f}{}\u{1f}{}", self.rule, origin, discriminator));
        self
    }

    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    pub fn confidence(mut self, c: Confidence) -> Self {
        self.confidence = c;
        self
    }

    pub fn evidence(mut self, e: Evidence) -> Self {
        self.evidence = e;
        self
    }

    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    /// Ordering used by every report: severity, then confidence, then rule and endpoint.
    pub fn report_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
        b.severity
            .cmp(&a.severity)
            .then(b.confidence.cmp(&a.confidence))
            .then(a.rule.cmp(&b.rule))
            .then(a.endpoint.cmp(&b.endpoint))
            .then(a.fingerprint.cmp(&b.fingerprint))
    }
}
