//! Findings from the engine's content discovery: what the spec did not list
//! but the target served, judged by content (see `palisade_engine::content`).
//!
//! Called by the checks that own each rule (DE005, IN008, IN007); nothing here sends. Discovery already asked, calibrated soft-404s
//! per directory and extension, and classified each answer; every answer was
//! also shown to the passive checks, so the detector reports the secrets
//! inside (DE001) on its own. Here we report that the thing is reachable at all.

use crate::rules::{de005_debug_endpoint, in007_spec_drift, in008_backup_source_files};
use palisade_core::{Confidence, Evidence, Finding, RuleMeta, Severity};
use palisade_engine::content::{ContentKind, DiscoveryHit};
use palisade_engine::ScanContext;

/// What a sensitive kind of content means, and how bad it is when anyone can read it.
fn exposure(kind: ContentKind) -> Option<(&'static RuleMeta, Severity, &'static str)> {
    let de005 = &de005_debug_endpoint::RULE;
    let in008 = &in008_backup_source_files::RULE;
    Some(match kind {
        ContentKind::EnvDump => (de005, Severity::High, "process environment or environment file"),
        ContentKind::DebugPage => (de005, Severity::High, "framework debug page"),
        ContentKind::ConfigFile => (de005, Severity::High, "configuration file"),
        ContentKind::LogFile => (de005, Severity::Medium, "application or access log"),
        ContentKind::PhpInfo => (de005, Severity::Medium, "phpinfo() page"),
        ContentKind::StackTrace => (de005, Severity::Low, "stack trace"),
        ContentKind::DirectoryListing => (de005, Severity::Low, "directory listing"),
        ContentKind::VcsMetadata => (in008, Severity::High, "version-control metadata"),
        ContentKind::SqlDump => (in008, Severity::High, "SQL dump"),
        ContentKind::SqliteDb => (in008, Severity::High, "SQLite database file"),
        ContentKind::Archive => (in008, Severity::Medium, "archive (backup or source copy)"),
        _ => return None,
    })
}

fn excerpt(ctx: &ScanContext, hit: &DiscoveryHit) -> String {
    let body = ctx.engine.exchange(hit.exchange_id).map(|e| e.body_excerpt).unwrap_or_default();
    let redacted = ctx.redact(&body);
    let flat = redacted.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.chars().take(160).collect()
}

/// Report every discovery hit whose kind `rule` covers.
pub(crate) fn report_exposures(ctx: &ScanContext, rule: &RuleMeta) {
    for hit in &ctx.discovered {
        let Some((hit_rule, severity, what)) = exposure(hit.signature.kind) else { continue };
        if hit_rule.code != rule.code {
            continue;
        }
        let message = format!(
            "{} is served without credentials (HTTP {}): {what} ({}), found by content discovery ({}).",
            hit.path,
            hit.status,
            hit.signature.detail,
            hit.source.label()
        );
        ctx.report(Finding::new(rule, format!("GET {}", hit.path), message, "").severity(severity).detail(hit.signature.kind.label()).evidence(
            Evidence { exchange: Some(hit.exchange_id), location: "response.body".into(), excerpt: excerpt(ctx, hit), ..Default::default() },
        ));
    }
}

/// IN007 for operations the server answers that the spec does not document.
pub(crate) fn report_undocumented(ctx: &ScanContext) {
    // Without a spec there is nothing to drift from.
    if ctx.inventory.spec_version.is_none() {
        return;
    }
    let r = &in007_spec_drift::RULE;
    for hit in ctx.discovered.iter().filter(|h| h.is_operation() || exposure(h.signature.kind).is_some()) {
        let severity = if exposure(hit.signature.kind).is_some() { Severity::Low } else { Severity::Info };
        let message = format!(
            "GET {} is served (HTTP {}, {}) but the spec does not document it; found by content discovery ({}).",
            hit.path,
            hit.status,
            hit.signature.kind.label(),
            hit.source.label()
        );
        ctx.report(Finding::new(r, format!("GET {}", hit.path), message, "undocumented").severity(severity).confidence(Confidence::High).evidence(
            Evidence { exchange: Some(hit.exchange_id), location: "response.body".into(), excerpt: excerpt(ctx, hit), ..Default::default() },
        ));
    }
}
