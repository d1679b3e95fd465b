//! BFLA: function-level authorization visible in the spec.

use crate::rules::bf001_unauthenticated_state_change;
use async_trait::async_trait;
use palisade_core::{Category, EndpointSource, Evidence, Finding, RuleMeta, Severity};
use palisade_engine::triage::state_changing_reason;
use palisade_engine::{Check, CheckFailure, ScanContext};

/// BF001: read from the spec, nothing is sent.
pub struct UnauthenticatedStateChange;

#[async_trait]
impl Check for UnauthenticatedStateChange {
    fn name(&self) -> &'static str {
        "bfla/unauthenticated-state-change"
    }
    fn category(&self) -> Category {
        Category::Bfla
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&bf001_unauthenticated_state_change::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let r = &bf001_unauthenticated_state_change::RULE;
        for ep in ctx.inventory.endpoints.iter().filter(|e| e.source == EndpointSource::Spec) {
            let Some(reason) = state_changing_reason(ep) else { continue };
            if ep.requires_auth() {
                continue;
            }
            // A state-changing GET can be fired by a link or an <img> tag.
            let severity = if ep.method == "GET" { Severity::High } else { r.default_severity };
            let declared = if ep.security_declared { "declares no security requirement" } else { "has no security declared anywhere in the spec" };
            ctx.report(Finding::new(r, ep.label(), format!("{} ({reason}) {declared}.", ep.label()), "").severity(severity).evidence(Evidence {
                exchange: None,
                location: "spec".into(),
                excerpt: format!("{} security: []", ep.label()),
                ..Default::default()
            }));
        }
        Ok(())
    }
}
