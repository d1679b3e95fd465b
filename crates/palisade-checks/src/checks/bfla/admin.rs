//! BFLA: administrative functions answered without credentials (BF002).

use crate::checks::support::{admin_probe_targets, clip};
use crate::rules::bf002_admin_function_exposed;
use async_trait::async_trait;
use palisade_core::{Category, Evidence, Finding, RuleMeta};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{AuthMode, ProbeRequest};

/// Most anonymous requests BF002 sends (spec operations first, then [`ADMIN_PATHS`]).
pub const MAX_PROBES: usize = 30;

/// What the response holds, without values (an admin listing is full of
/// hashes and personal data the detector may not redact): JSON property
/// names, else a short redacted text excerpt.
fn summary(resp: &palisade_http::Response, redacted: &str) -> String {
    fn names(v: &serde_json::Value, out: &mut Vec<String>, depth: usize) {
        match v {
            serde_json::Value::Object(m) if depth < 3 => {
                for (k, v) in m {
                    if !out.contains(k) {
                        out.push(k.clone());
                    }
                    names(v, out, depth + 1);
                }
            }
            serde_json::Value::Array(a) if depth < 3 => {
                if let Some(first) = a.first() {
                    names(first, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    match resp.json() {
        Some(v) => {
            let mut out = Vec::new();
            names(&v, &mut out, 0);
            clip(&format!("HTTP {} JSON properties: {}", resp.status, out.join(", ")), 160)
        }
        None => clip(&format!("HTTP {} {}", resp.status, redacted.split_whitespace().collect::<Vec<_>>().join(" ")), 80),
    }
}

/// BF002.
pub struct AdminFunctions;

#[async_trait]
impl Check for AdminFunctions {
    fn name(&self) -> &'static str {
        "bfla/admin-functions"
    }
    fn category(&self) -> Category {
        Category::Bfla
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&bf002_admin_function_exposed::RULE]
    }
    /// Its anonymous requests to admin paths draw the 401s AU008 reads.
    fn feeds(&self) -> &'static [&'static RuleMeta] {
        &[&crate::rules::au008_www_authenticate_missing::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let probes = admin_probe_targets(ctx, MAX_PROBES);
        for (label, path, relative) in probes {
            let url = if relative { ctx.endpoint_url(&path)? } else { ctx.url_for(&path)? };
            let Ok(resp) = ctx.send(ProbeRequest::get(url).auth(AuthMode::Anonymous).no_redirects()).await else { continue };
            if !resp.is_success() || resp.body.is_empty() || ctx.soft404.is_not_found(&resp, &path) {
                continue;
            }
            let text = resp.text();
            let lower = text.to_ascii_lowercase();
            // A login form is the server asking for credentials.
            if lower.contains("<form") && (lower.contains("password") || lower.contains("login") || lower.contains("sign in")) {
                continue;
            }
            let redacted = ctx.redact(&text);
            let r = &bf002_admin_function_exposed::RULE;
            ctx.report(
                Finding::new(
                    r,
                    label.clone(),
                    format!(
                        "The administrative operation {label} answered HTTP {} with {} bytes to a request without credentials.",
                        resp.status,
                        resp.body.len()
                    ),
                    "",
                )
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    location: "response.body".into(),
                    excerpt: summary(&resp, &redacted),
                    ..Default::default()
                }),
            );
        }
        Ok(())
    }
}
