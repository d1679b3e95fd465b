//! Who may see what, beyond one identity:
//!
//! * BF003: administrative operations the `admin:` identity reads, replayed
//!   read-only as each identity with another role.
//! * AU007: protected operations (401/403 without credentials) requested
//!   without credentials in read-only variants the router may normalise.
//! * AU008 (passive): 401 answers without a `WWW-Authenticate` challenge.

use crate::checks::support::admin_probe_targets;
use crate::checks::support::clip;
use crate::rules::{au007_auth_bypass_variant, au008_www_authenticate_missing, bf003_role_function_access};
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Evidence, Finding, RuleMeta};
use palisade_engine::triage::{concrete_path, state_changing_reason};
use palisade_engine::{Check, CheckFailure, PassiveCheck, ScanContext};
use palisade_http::{AuthMode, ProbeRequest, Response};
use serde_json::Value;
use std::sync::Mutex;

/// Most administrative operations BF003 replays (1 admin + 1 anonymous + 1 per non-admin identity each).
pub const MAX_ROLE_OPERATIONS: usize = 30;
/// Most non-admin identities BF003 replays as.
pub const MAX_ROLE_IDENTITIES: usize = 4;
/// Role names (the `ROLE:` of `--identity ROLE:NAME=...`) that mean administrator.
pub const ADMIN_ROLES: &[&str] = &["admin", "administrator", "root", "superuser"];
/// Operations AU007 requests once without credentials to find protected ones.
pub const MAX_BYPASS_CANDIDATES: usize = 30;
/// Protected operations AU007 tries variants on.
pub const MAX_BYPASS_OPERATIONS: usize = 10;
/// Variants per protected operation (see [`Variant`]).
pub const BYPASS_VARIANTS: usize = 7;
/// Most operations AU008 reports.
pub const MAX_CHALLENGE_REPORTS: usize = 10;

/// `(role, name)` of an identity key `role:name`; `None` for a plain name.
pub fn identity_role(key: &str) -> Option<(&str, &str)> {
    key.split_once(':')
}

/// Property names of a JSON answer (top level, or of the first item of a top-level array), sorted.
fn shape(resp: &Response) -> Option<Vec<String>> {
    let v = resp.json()?;
    let obj = match &v {
        Value::Object(m) => m,
        Value::Array(a) => a.first()?.as_object()?,
        _ => return None,
    };
    let mut k: Vec<String> = obj.keys().cloned().collect();
    k.sort();
    (!k.is_empty()).then_some(k)
}

fn looks_like_login(resp: &Response) -> bool {
    let lower = resp.text().to_ascii_lowercase();
    lower.contains("<form") && (lower.contains("password") || lower.contains("login") || lower.contains("sign in"))
}

/// Last path segment, the part a catch-all page might echo back.
fn token(path: &str) -> &str {
    let p = path.split('?').next().unwrap_or("");
    p.trim_end_matches('/').rsplit('/').next().unwrap_or(p)
}

/// BF003.
pub struct RoleFunctionAccess;

#[async_trait]
impl Check for RoleFunctionAccess {
    fn name(&self) -> &'static str {
        "bfla/role-function-access"
    }
    fn category(&self) -> Category {
        Category::Bfla
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&bf003_role_function_access::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let keys: Vec<String> = ctx.engine.config().identities.keys().cloned().collect();
        let Some(admin) = keys.iter().find(|k| identity_role(k).is_some_and(|(r, _)| ADMIN_ROLES.contains(&r))) else {
            return Ok(());
        };
        let users: Vec<&String> =
            keys.iter().filter(|k| identity_role(k).is_some_and(|(r, _)| !ADMIN_ROLES.contains(&r))).take(MAX_ROLE_IDENTITIES).collect();
        if users.is_empty() {
            return Ok(());
        }
        let ops = admin_probe_targets(ctx, MAX_ROLE_OPERATIONS);
        for (label, path, relative) in ops {
            let url = if relative { ctx.endpoint_url(&path)? } else { ctx.url_for(&path)? };
            let get = |auth: AuthMode| ProbeRequest::get(url.clone()).auth(auth).no_redirects();
            let Ok(as_admin) = ctx.send(get(AuthMode::Identity(admin.clone()))).await else { continue };
            let readable = |r: &Response| r.is_success() && !r.body.is_empty() && !ctx.soft404.is_not_found(r, token(&path)) && !looks_like_login(r);
            if !readable(&as_admin) {
                continue;
            }
            // Anyone may read it: that is BF002's finding, not a role problem.
            if let Ok(anon) = ctx.send(get(AuthMode::Anonymous)).await {
                if readable(&anon) {
                    continue;
                }
            }
            let admin_shape = shape(&as_admin);
            for user in &users {
                let Ok(as_user) = ctx.send(get(AuthMode::Identity((*user).clone()))).await else { continue };
                if !readable(&as_user) {
                    continue;
                }
                let same = as_user.body == as_admin.body || (admin_shape.is_some() && shape(&as_user) == admin_shape);
                if !same {
                    continue;
                }
                let (role, name) = identity_role(user).unwrap_or(("", user));
                let props = admin_shape.as_ref().map(|k| k.join(",")).unwrap_or_else(|| format!("{} bytes", as_user.body.len()));
                let r = &bf003_role_function_access::RULE;
                ctx.report(
                    Finding::new(
                        r,
                        label.clone(),
                        format!(
                            "The administrative operation {label} answered identity '{name}' (role '{role}') with HTTP {} and the same content the admin identity gets; without credentials it is refused.",
                            as_user.status
                        ),
                        user,
                    )
                    .evidence(Evidence {
                        exchange: Some(as_user.exchange_id),
                        related: vec![as_admin.exchange_id],
                        location: "response.body".into(),
                        excerpt: clip(
                            &format!("as {name} ({role}): {label} -> {}; as admin -> {} (properties: {props})", as_user.status, as_admin.status),
                            200,
                        ),
                    }),
                );
            }
        }
        Ok(())
    }
}

/// The read-only request variants AU007 tries.
#[derive(Clone, Copy, Debug)]
enum Variant {
    TrailingSlash,
    UpperCase,
    JsonSuffix,
    Head,
    MethodOverride,
    OriginalUrl,
    RewriteUrl,
}

const VARIANTS: [Variant; BYPASS_VARIANTS] = [
    Variant::TrailingSlash,
    Variant::UpperCase,
    Variant::JsonSuffix,
    Variant::Head,
    Variant::MethodOverride,
    Variant::OriginalUrl,
    Variant::RewriteUrl,
];

impl Variant {
    fn describe(self) -> &'static str {
        match self {
            Variant::TrailingSlash => "a trailing slash",
            Variant::UpperCase => "the path upper-cased",
            Variant::JsonSuffix => "a .json suffix",
            Variant::Head => "HEAD instead of GET",
            Variant::MethodOverride => "X-HTTP-Method-Override: GET",
            Variant::OriginalUrl => "X-Original-URL on a request for /",
            Variant::RewriteUrl => "X-Rewrite-URL on a request for /",
        }
    }
}

/// Insert `suffix` at the end of the path part of `path` (before any query).
fn with_path(path: &str, f: impl Fn(&str) -> String) -> String {
    match path.split_once('?') {
        Some((p, q)) => format!("{}?{q}", f(p)),
        None => f(path),
    }
}

/// AU007.
pub struct AuthBypassVariants;

#[async_trait]
impl Check for AuthBypassVariants {
    fn name(&self) -> &'static str {
        "authentication/bypass-variants"
    }
    fn category(&self) -> Category {
        Category::Authentication
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&au007_auth_bypass_variant::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let mut candidates: Vec<&palisade_core::Endpoint> =
            ctx.inventory.endpoints.iter().filter(|e| e.method == "GET" && state_changing_reason(e).is_none()).collect();
        // Operations the spec secures first.
        candidates.sort_by_key(|e| !e.requires_auth());
        candidates.truncate(MAX_BYPASS_CANDIDATES);
        let mut protected = Vec::new();
        for ep in candidates {
            if protected.len() >= MAX_BYPASS_OPERATIONS {
                break;
            }
            let path = concrete_path(ep);
            let Ok(resp) = ctx.send(ProbeRequest::get(ctx.endpoint_url(&path)?).auth(AuthMode::Anonymous).no_redirects()).await else {
                continue;
            };
            if matches!(resp.status, 401 | 403) {
                protected.push((ep.label(), path, resp));
            }
        }
        if protected.is_empty() {
            return Ok(());
        }
        // What `/` answers anyway: a rewrite header must change it to count.
        let root = ctx.send(ProbeRequest::get(ctx.url_for("/")?).auth(AuthMode::Anonymous).no_redirects()).await.ok();
        for (label, path, refused) in protected {
            let full = ctx.endpoint_url(&path)?;
            let full_path = match full.query() {
                Some(q) => format!("{}?{q}", full.path()),
                None => full.path().to_string(),
            };
            for variant in VARIANTS {
                let req = match variant {
                    Variant::TrailingSlash => {
                        if path.split('?').next().unwrap_or("").ends_with('/') {
                            continue;
                        }
                        ProbeRequest::get(ctx.endpoint_url(&with_path(&path, |p| format!("{p}/")))?)
                    }
                    Variant::UpperCase => {
                        let upper = with_path(&path, |p| p.to_ascii_uppercase());
                        if upper == path {
                            continue;
                        }
                        ProbeRequest::get(ctx.endpoint_url(&upper)?)
                    }
                    Variant::JsonSuffix => ProbeRequest::get(ctx.endpoint_url(&with_path(&path, |p| format!("{}.json", p.trim_end_matches('/'))))?),
                    Variant::Head => ProbeRequest::new("HEAD", full.clone()),
                    Variant::MethodOverride => ProbeRequest::get(full.clone()).header("X-HTTP-Method-Override", "GET"),
                    Variant::OriginalUrl => ProbeRequest::get(ctx.url_for("/")?).header("X-Original-URL", full_path.clone()),
                    Variant::RewriteUrl => ProbeRequest::get(ctx.url_for("/")?).header("X-Rewrite-URL", full_path.clone()),
                };
                let req = req.auth(AuthMode::Anonymous).no_redirects();
                let shown = format!("{} {}", req.method, req.url.path());
                let Ok(resp) = ctx.send(req).await else { continue };
                if !resp.is_success() {
                    continue;
                }
                let content = match variant {
                    Variant::Head => resp.header("content-length").and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(0) > 0,
                    _ => !resp.body.is_empty(),
                };
                if !content || looks_like_login(&resp) {
                    continue;
                }
                if !matches!(variant, Variant::Head) && ctx.soft404.is_not_found(&resp, token(&path)) {
                    continue;
                }
                if matches!(variant, Variant::OriginalUrl | Variant::RewriteUrl)
                    && root.as_ref().is_some_and(|r| r.status == resp.status && r.body == resp.body)
                {
                    continue;
                }
                let r = &au007_auth_bypass_variant::RULE;
                let mut finding = Finding::new(
                    r,
                    label.clone(),
                    format!(
                        "{label} answers HTTP {} without credentials, but the same request with {} answered HTTP {} with content.",
                        refused.status,
                        variant.describe(),
                        resp.status
                    ),
                    "",
                )
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    related: vec![refused.exchange_id],
                    location: "response.status".into(),
                    excerpt: clip(&format!("{label} -> {}; {shown} ({}) -> {}", refused.status, variant.describe(), resp.status), 200),
                });
                if matches!(variant, Variant::Head) {
                    finding = finding.confidence(Confidence::Medium);
                }
                ctx.report(finding);
                break;
            }
        }
        Ok(())
    }
}

/// AU008.
#[derive(Default)]
pub struct MissingChallenge {
    reported: Mutex<Vec<String>>,
}

impl PassiveCheck for MissingChallenge {
    fn name(&self) -> &'static str {
        "authentication/www-authenticate"
    }
    fn category(&self) -> Category {
        Category::Authentication
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&au008_www_authenticate_missing::RULE]
    }

    fn observe(&self, ctx: &ScanContext, request: &ProbeRequest, response: &Response) {
        if response.status != 401 || response.header("www-authenticate").is_some_and(|v| !v.trim().is_empty()) {
            return;
        }
        // A HEAD answers for its GET: one finding per path.
        let method = if request.method == "HEAD" { "GET" } else { request.method.as_str() };
        let label = format!("{method} {}", request.url.path());
        {
            let mut seen = self.reported.lock().unwrap_or_else(|e| e.into_inner());
            if seen.len() >= MAX_CHALLENGE_REPORTS || seen.contains(&label) {
                return;
            }
            seen.push(label.clone());
        }
        let r = &au008_www_authenticate_missing::RULE;
        ctx.report(Finding::new(r, label.clone(), format!("{label} answered 401 Unauthorized without a WWW-Authenticate challenge."), "").evidence(
            Evidence {
                exchange: Some(response.exchange_id),
                location: "response.header.WWW-Authenticate".into(),
                excerpt: format!("HTTP 401, no WWW-Authenticate header ({} body bytes)", response.body.len()),
                ..Default::default()
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_roles_and_path_variants() {
        assert_eq!(identity_role("admin:root"), Some(("admin", "root")));
        assert_eq!(identity_role("alice"), None);
        assert_eq!(with_path("/a/b?x=1", |p| format!("{p}/")), "/a/b/?x=1");
        assert_eq!(with_path("/a/b", |p| p.to_ascii_uppercase()), "/A/B");
        assert_eq!(token("/admin/users/?q=1"), "users");
        assert_eq!(VARIANTS.len(), BYPASS_VARIANTS);
    }
}
