//! AU014: login, token and password-reset operations whose spec declares no
//! 429 and whose read-only answer shows no rate-limit header. Sends only GET
//! (where the spec defines it) or OPTIONS; never credentials, never POST.

use crate::checks::support::clip;
use crate::rules::au014_login_without_lockout_signal;
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Endpoint, EndpointSource, Evidence, Finding, RuleMeta};
use palisade_engine::triage::concrete_path;
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{ProbeRequest, Response};
use std::collections::HashSet;

/// Operations looked at per scan.
const MAX_OPERATIONS: usize = 10;
/// Path segments (lower case) that name an authentication operation.
const AUTH_SEGMENTS: &[&str] = &[
    "login",
    "signin",
    "sign-in",
    "sign_in",
    "logon",
    "token",
    "tokens",
    "auth",
    "authenticate",
    "oauth",
    "password-reset",
    "reset-password",
    "forgot-password",
    "password_reset",
    "reset_password",
    "forgot_password",
    "passwordreset",
];
/// operationId fragments (lower case, alphanumerics only).
const AUTH_OPERATION_IDS: &[&str] = &["login", "signin", "logon", "authenticate", "token", "passwordreset", "resetpassword", "forgotpassword"];
/// Response headers that signal a limit.
const LIMIT_HEADERS: &[&str] = &[
    "retry-after",
    "ratelimit",
    "ratelimit-limit",
    "ratelimit-policy",
    "ratelimit-remaining",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-rate-limit-limit",
    "x-rate-limit-remaining",
];

/// True when the operation is named for authentication.
pub(crate) fn is_auth_operation(ep: &Endpoint) -> bool {
    let by_path = ep.path.split('/').any(|s| AUTH_SEGMENTS.contains(&s.to_ascii_lowercase().as_str()));
    let op = ep.operation_id.as_deref().unwrap_or("").chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    by_path || AUTH_OPERATION_IDS.iter().any(|w| op.contains(w))
}

/// The limit header a response carries, if any.
pub(crate) fn limit_header(resp: &Response) -> Option<String> {
    resp.headers
        .iter()
        .map(|(k, _)| k.to_ascii_lowercase())
        .find(|k| LIMIT_HEADERS.contains(&k.as_str()) || k.starts_with("x-ratelimit") || k.starts_with("ratelimit-"))
}

/// AU014 (read-only).
pub struct LoginRateLimitSignals;

#[async_trait]
impl Check for LoginRateLimitSignals {
    fn name(&self) -> &'static str {
        "authentication/login-rate-limit-signals"
    }
    fn category(&self) -> Category {
        Category::Authentication
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&au014_login_without_lockout_signal::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let inv = &ctx.inventory;
        let get_paths: HashSet<&str> = inv.endpoints.iter().filter(|e| e.method == "GET").map(|e| e.path.as_str()).collect();
        let mut done = 0;
        for ep in inv.endpoints.iter().filter(|e| e.source == EndpointSource::Spec && is_auth_operation(e)) {
            if done >= MAX_OPERATIONS {
                break;
            }
            if ep.responses.contains_key("429") {
                continue;
            }
            let url = ctx.endpoint_url(&concrete_path(ep))?;
            // Read-only only: GET where the spec defines it on this path, else OPTIONS.
            let method = if get_paths.contains(ep.path.as_str()) { "GET" } else { "OPTIONS" };
            let Ok(resp) = ctx.send(ProbeRequest::new(method, url).no_redirects()).await else { continue };
            done += 1;
            if limit_header(&resp).is_some() || resp.status == 429 {
                continue;
            }
            let declared: Vec<&str> = ep.responses.keys().map(String::as_str).collect();
            ctx.report(
                Finding::new(
                    &au014_login_without_lockout_signal::RULE,
                    ep.label(),
                    format!(
                        "{} looks like an authentication operation, its spec declares no 429 response, and {method} answered HTTP {} without any RateLimit or Retry-After header: nothing suggests attempts are limited.",
                        ep.label(),
                        resp.status
                    ),
                    "",
                )
                .confidence(Confidence::Low)
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    location: "response.headers".into(),
                    excerpt: format!("spec responses: {}; {method} -> HTTP {}, no rate-limit headers", clip(&declared.join(","), 60), resp.status),
                    ..Default::default()
                }),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_operations_are_recognised_by_segment_or_operation_id() {
        let ep = |m: &str, p: &str, op: Option<&str>| {
            let mut e = Endpoint::discovered(m, p);
            e.operation_id = op.map(str::to_string);
            e
        };
        assert!(is_auth_operation(&ep("POST", "/api/login", None)));
        assert!(is_auth_operation(&ep("POST", "/v1/oauth/token", None)));
        assert!(is_auth_operation(&ep("POST", "/api/x", Some("resetPassword"))));
        assert!(is_auth_operation(&ep("GET", "/api/v1/token", Some("getToken"))));
        assert!(!is_auth_operation(&ep("GET", "/api/authors", Some("listAuthors"))));
        assert!(!is_auth_operation(&ep("GET", "/api/v1/me", Some("getMe"))));
    }
}
