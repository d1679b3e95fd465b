//! Inventory surface: deprecated operations still live (IN004), old, beta and
//! internal API versions next to the current one (IN005), and public metrics
//! or health details (IN006), and spec operations the server does not serve
//! (IN007). Every probe is a GET.

use crate::checks::support::clip;
use crate::rules::{in004_deprecated_operation_live, in005_old_api_version_live, in006_public_metrics, in007_spec_drift};
use async_trait::async_trait;
use palisade_core::{Category, Confidence, EndpointSource, Evidence, Finding, RuleMeta, Severity};
use palisade_engine::triage::{concrete_path, state_changing_reason};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{AuthMode, ProbeRequest, Response};
use serde_json::Value;
use std::collections::BTreeMap;

/// Most deprecated operations IN004 calls (one request each, usually a cache hit from the crawl).
pub const DEPRECATED_MAX_OPERATIONS: usize = 20;

/// Version roots IN005 requests: (prefix, version).
const VERSION_ROOTS: &[(&str, u32)] = &[("/", 1), ("/", 2), ("/", 3), ("/api/", 1), ("/api/", 2), ("/api/", 3)];

/// Non-production roots IN005 requests, with the severity when one answers.
const NON_PRODUCTION_ROOTS: &[(&str, Severity)] = &[
    ("/beta/", Severity::Low),
    ("/old/", Severity::Low),
    ("/legacy/", Severity::Low),
    ("/internal/", Severity::Medium),
    ("/api/beta/", Severity::Low),
    ("/api/old/", Severity::Low),
    ("/api/legacy/", Severity::Low),
    ("/api/internal/", Severity::Medium),
];

/// Most older-version twins of spec paths IN005 requests.
pub const VERSION_TWIN_MAX_PROBES: usize = 6;

/// True when `resp` is a real answer: 2xx, a body, not a soft-404 page.
fn is_live(ctx: &ScanContext, resp: &Response, path: &str) -> bool {
    resp.is_success() && !resp.body.is_empty() && !ctx.soft404.is_not_found(resp, path.trim_matches('/'))
}

/// A short, redacted excerpt of a body.
fn body_excerpt(ctx: &ScanContext, resp: &Response, max: usize) -> String {
    let redacted = ctx.redact(&resp.text());
    clip(&redacted.split_whitespace().collect::<Vec<_>>().join(" "), max)
}

/// IN004: operations the spec marks deprecated that still answer.
pub struct DeprecatedLive;

#[async_trait]
impl Check for DeprecatedLive {
    fn name(&self) -> &'static str {
        "inventory/deprecated-operations"
    }
    fn category(&self) -> Category {
        Category::InventoryManagement
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&in004_deprecated_operation_live::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let deprecated = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|e| e.deprecated && e.method == "GET" && state_changing_reason(e).is_none())
            .take(DEPRECATED_MAX_OPERATIONS);
        for ep in deprecated {
            let path = concrete_path(ep);
            // The crawl's own request: answered from the cache when it was crawled.
            let Ok(url) = ctx.endpoint_url(&path) else { continue };
            let Ok(resp) = ctx.send(ProbeRequest::get(url)).await else { continue };
            if !is_live(ctx, &resp, &path) {
                continue;
            }
            let r = &in004_deprecated_operation_live::RULE;
            let sunset = resp.header("sunset").map(|s| format!(" (Sunset: {})", clip(s, 40))).unwrap_or_default();
            ctx.report(
                Finding::new(
                    r,
                    ep.label(),
                    format!("{} is marked deprecated in the spec but still answers HTTP {}{sunset}.", ep.label(), resp.status),
                    "",
                )
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    location: "response.status".into(),
                    excerpt: format!("HTTP {}: {}", resp.status, body_excerpt(ctx, &resp, 120)),
                    ..Default::default()
                }),
            );
        }
        Ok(())
    }
}

/// Split a path at its first `v<digits>` segment: (prefix with trailing slash, version, rest).
fn split_version(path: &str) -> Option<(String, u32, String)> {
    let mut prefix = String::from("/");
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        if let Some(n) = seg.strip_prefix('v').or_else(|| seg.strip_prefix('V')) {
            if !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit()) {
                let v = n.parse().ok()?;
                return Some((prefix, v, segments[i + 1..].join("/")));
            }
        }
        prefix.push_str(seg);
        prefix.push('/');
    }
    None
}

/// IN005: old, beta or internal API versions answering next to the current one.
pub struct OldVersions;

#[async_trait]
impl Check for OldVersions {
    fn name(&self) -> &'static str {
        "inventory/old-versions"
    }
    fn category(&self) -> Category {
        Category::InventoryManagement
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&in005_old_api_version_live::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let r = &in005_old_api_version_live::RULE;
        let get = |path: String| async move {
            let req = ProbeRequest::get(ctx.url_for(&path).ok()?).auth(AuthMode::Anonymous).no_redirects();
            let resp = ctx.send(req).await.ok()?;
            is_live(ctx, &resp, &path).then_some(resp)
        };

        // Version roots: an older root live next to a newer one.
        let mut live: BTreeMap<&str, Vec<(u32, Response)>> = BTreeMap::new();
        for (prefix, v) in VERSION_ROOTS {
            if let Some(resp) = get(format!("{prefix}v{v}/")).await {
                live.entry(*prefix).or_default().push((*v, resp));
            }
        }
        for (prefix, versions) in &live {
            let Some(newest) = versions.iter().map(|(v, _)| *v).max() else { continue };
            for (v, resp) in versions.iter().filter(|(v, _)| *v < newest) {
                let old = format!("{prefix}v{v}/");
                ctx.report(
                    Finding::new(r, format!("GET {old}"), format!("{old} still answers HTTP {} next to {prefix}v{newest}/.", resp.status), "")
                        .detail("old-version")
                        .evidence(Evidence {
                            exchange: Some(resp.exchange_id),
                            location: "response.body".into(),
                            excerpt: body_excerpt(ctx, resp, 120),
                            ..Default::default()
                        }),
                );
            }
        }

        // Older twins of versioned spec paths: /api/v2/users -> /api/v1/users.
        let mut twins: Vec<(String, String)> = Vec::new();
        for ep in ctx.inventory.endpoints.iter().filter(|e| e.method == "GET" && !e.has_path_params() && state_changing_reason(e).is_none()) {
            let Some((prefix, v, rest)) = split_version(&ep.path) else { continue };
            for older in (1..v).rev() {
                let twin = format!("{prefix}v{older}/{rest}");
                let documented = ctx.inventory.endpoints.iter().any(|e| e.path == twin);
                if !documented && !twins.iter().any(|(t, _)| *t == twin) && twins.len() < VERSION_TWIN_MAX_PROBES {
                    twins.push((twin, ep.path.clone()));
                }
            }
        }
        for (twin, current) in twins {
            let Ok(url) = ctx.endpoint_url(&twin) else { continue };
            let Ok(resp) = ctx.send(ProbeRequest::get(url).auth(AuthMode::Anonymous).no_redirects()).await else { continue };
            if !is_live(ctx, &resp, &twin) {
                continue;
            }
            ctx.report(
                Finding::new(
                    r,
                    format!("GET {twin}"),
                    format!("{twin} answers HTTP {} although the spec only documents {current}.", resp.status),
                    "",
                )
                .detail("old-version")
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    location: "response.body".into(),
                    excerpt: body_excerpt(ctx, &resp, 120),
                    ..Default::default()
                }),
            );
        }

        // Non-production roots.
        for (path, severity) in NON_PRODUCTION_ROOTS {
            let Some(resp) = get(path.to_string()).await else { continue };
            let kind = path.trim_matches('/').rsplit('/').next().unwrap_or("internal");
            ctx.report(
                Finding::new(r, format!("GET {path}"), format!("The {kind} API root {path} answers HTTP {} without credentials.", resp.status), "")
                    .severity(*severity)
                    .detail(format!("{kind}-root"))
                    .evidence(Evidence {
                        exchange: Some(resp.exchange_id),
                        location: "response.body".into(),
                        excerpt: body_excerpt(ctx, &resp, 120),
                        ..Default::default()
                    }),
            );
        }
        Ok(())
    }
}

/// What confirms an operational endpoint.
#[derive(Clone, Copy)]
enum Confirm {
    /// Prometheus exposition: `# HELP`/`# TYPE` lines and a sample line.
    Prometheus,
    /// Spring Boot actuator index: a `_links` object.
    ActuatorIndex,
    /// Spring Boot metric names: a `names` list.
    ActuatorMetrics,
    /// Health with component details, not a bare status.
    HealthDetails,
}

const OPERATIONAL_PROBES: &[(&str, Confirm, Severity, &str)] = &[
    ("/metrics", Confirm::Prometheus, Severity::Medium, "Prometheus metrics"),
    ("/actuator/prometheus", Confirm::Prometheus, Severity::Medium, "Prometheus metrics"),
    ("/actuator", Confirm::ActuatorIndex, Severity::Low, "Spring Boot actuator index"),
    ("/actuator/metrics", Confirm::ActuatorMetrics, Severity::Low, "Spring Boot metric names"),
    ("/actuator/health", Confirm::HealthDetails, Severity::Low, "health check with component details"),
    ("/health", Confirm::HealthDetails, Severity::Low, "health check with component details"),
];

fn confirms(kind: Confirm, resp: &Response) -> bool {
    match kind {
        Confirm::Prometheus => {
            let text = resp.text();
            let comments = text.lines().any(|l| l.starts_with("# HELP ") || l.starts_with("# TYPE "));
            let samples = text.lines().any(|l| {
                let l = l.trim();
                !l.is_empty()
                    && !l.starts_with('#')
                    && l.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && l.rsplit(' ').next().is_some_and(|v| v.parse::<f64>().is_ok())
            });
            comments && samples && resp.json().is_none()
        }
        Confirm::ActuatorIndex => resp.json().is_some_and(|j| j.get("_links").is_some_and(Value::is_object)),
        Confirm::ActuatorMetrics => resp.json().is_some_and(|j| j.get("names").is_some_and(Value::is_array)),
        Confirm::HealthDetails => resp
            .json()
            .is_some_and(|j| j.get("status").is_some() && ["components", "details", "checks"].iter().any(|k| j.get(k).is_some_and(|v| !v.is_null()))),
    }
}

/// IN006: metrics and health details answered without credentials.
pub struct PublicMetrics;

#[async_trait]
impl Check for PublicMetrics {
    fn name(&self) -> &'static str {
        "inventory/public-metrics"
    }
    fn category(&self) -> Category {
        Category::InventoryManagement
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&in006_public_metrics::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        for (path, kind, severity, what) in OPERATIONAL_PROBES {
            let req = ProbeRequest::get(ctx.url_for(path)?).auth(AuthMode::Anonymous).no_redirects();
            let Ok(resp) = ctx.send(req).await else { continue };
            if resp.status != 200 || !is_live(ctx, &resp, path) || !confirms(*kind, &resp) {
                continue;
            }
            let r = &in006_public_metrics::RULE;
            ctx.report(
                Finding::new(r, format!("GET {path}"), format!("{what} at {path} (HTTP 200 without credentials)."), "").severity(*severity).evidence(
                    Evidence {
                        exchange: Some(resp.exchange_id),
                        location: "response.body".into(),
                        excerpt: body_excerpt(ctx, &resp, 160),
                        ..Default::default()
                    },
                ),
            );
        }
        Ok(())
    }
}

/// Most crawled operations IN007 looks at (each a cache hit of the crawl's request).
pub const DRIFT_MAX_OPERATIONS: usize = 100;

/// IN007: spec GET operations that answered 404 to the crawl.
pub struct SpecDrift;

#[async_trait]
impl Check for SpecDrift {
    fn name(&self) -> &'static str {
        "inventory/spec-drift"
    }
    fn category(&self) -> Category {
        Category::InventoryManagement
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&in007_spec_drift::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let crawled: Vec<_> = {
            let crawled = ctx.crawled.lock().unwrap_or_else(|e| e.into_inner());
            crawled
                .iter()
                .map(|(ep, _)| ep.clone())
                .filter(|ep| ep.source == EndpointSource::Spec && !ep.has_path_params())
                .take(DRIFT_MAX_OPERATIONS)
                .collect()
        };
        let anonymous_scan = ctx.engine.config().identities.is_empty();
        for ep in crawled {
            let path = concrete_path(&ep);
            let Ok(url) = ctx.endpoint_url(&path) else { continue };
            // The crawl's exact request: answered from the engine's cache.
            let Ok(resp) = ctx.send(ProbeRequest::get(url)).await else { continue };
            // A redirect that ends in a 404 means the operation itself answered.
            if resp.status != 404 || !resp.redirects.is_empty() {
                continue;
            }
            let r = &in007_spec_drift::RULE;
            let confidence = if ep.requires_auth() && anonymous_scan { Confidence::Medium } else { Confidence::High };
            ctx.report(
                Finding::new(r, ep.label(), format!("{} is in the spec but the server answers 404.", ep.label()), "")
                    .confidence(confidence)
                    .evidence(Evidence {
                        exchange: Some(resp.exchange_id),
                        location: "response.status".into(),
                        excerpt: format!("HTTP 404: {}", body_excerpt(ctx, &resp, 100)),
                        ..Default::default()
                    }),
            );
        }
        // The other direction: served, not documented.
        crate::checks::data_exposure::discovered_content::report_undocumented(ctx);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_split_from_paths() {
        assert_eq!(split_version("/api/v2/users"), Some(("/api/".into(), 2, "users".into())));
        assert_eq!(split_version("/v3/"), Some(("/".into(), 3, "".into())));
        assert_eq!(split_version("/api/users"), None);
        assert_eq!(split_version("/api/vault/x"), None);
        assert_eq!(split_version("/api/v99999999999/x"), None);
    }
}
