//! Authentication: declared security that the server does not enforce.

use crate::checks::support::clip;
use crate::rules::au001_auth_not_enforced;
use async_trait::async_trait;
use palisade_core::{Category, Evidence, Finding, RuleMeta};
use palisade_engine::triage::{concrete_path, state_changing_reason};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{AuthMode, ProbeRequest};

/// Most operations AU001 replays without credentials.
const MAX_OPERATIONS: usize = 50;

/// AU001.
pub struct AuthNotEnforced;

#[async_trait]
impl Check for AuthNotEnforced {
    fn name(&self) -> &'static str {
        "authentication/declared-auth-not-enforced"
    }
    fn category(&self) -> Category {
        Category::Authentication
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&au001_auth_not_enforced::RULE]
    }
    /// Its anonymous requests draw the 401s AU008 reads.
    fn feeds(&self) -> &'static [&'static RuleMeta] {
        &[&crate::rules::au008_www_authenticate_missing::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let secured = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|e| e.method == "GET" && e.requires_auth() && state_changing_reason(e).is_none())
            .take(MAX_OPERATIONS);
        for ep in secured {
            let path = concrete_path(ep);
            let req = ProbeRequest::get(ctx.endpoint_url(&path)?).auth(AuthMode::Anonymous).no_redirects();
            let Ok(resp) = ctx.send(req).await else { continue };
            if !(200..300).contains(&resp.status) || resp.body.is_empty() || ctx.soft404.is_not_found(&resp, &path) {
                continue;
            }
            let text = resp.text();
            let lower = text.to_ascii_lowercase();
            // A 200 login page is the server asking for credentials, not skipping them.
            if lower.contains("<form") && (lower.contains("password") || lower.contains("login")) {
                continue;
            }
            let schemes: Vec<String> = ep.security.iter().map(|alt| alt.join("+")).collect();
            let r = &au001_auth_not_enforced::RULE;
            let redacted = ctx.redact(&text);
            ctx.report(
                Finding::new(
                    r,
                    ep.label(),
                    format!(
                        "The spec requires {} but the operation answered HTTP {} with {} bytes when called without credentials.",
                        schemes.join(" or "),
                        resp.status,
                        resp.body.len()
                    ),
                    "",
                )
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    location: "response.body".into(),
                    excerpt: clip(&redacted.split_whitespace().collect::<Vec<_>>().join(" "), 160),
                    ..Default::default()
                }),
            );
        }
        Ok(())
    }
}
