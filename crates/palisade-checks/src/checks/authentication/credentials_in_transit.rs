//! Passive authentication transport checks.
//!
//! * AU011: access tokens in URL query strings (links and `Location` headers
//!   the API hands out, and the target URL the user gave). Values are masked.
//! * AU012: HTTP Basic authentication over plain `http://` (a `Basic`
//!   challenge, or the user's own Basic credentials).

use crate::checks::authentication::jwt::Jwt;
use crate::checks::support::norm;
use crate::checks::support::{clip, endpoint_label};
use crate::rules::{au011_token_in_url, au012_basic_auth_plaintext};
use palisade_core::mask::{fingerprint, mask_secret};
use palisade_core::{Category, Evidence, Finding, RuleMeta};
use palisade_engine::{PassiveCheck, ScanContext};
use palisade_http::{ProbeRequest, Response};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Query parameter names (normalised: lower case, alphanumerics only) whose value is a bearer token.
const TOKEN_PARAMS: &[&str] = &["accesstoken", "idtoken", "refreshtoken", "authtoken", "token", "jwt", "bearer", "sessiontoken"];
/// Shortest value taken for a token (shorter ones are flags like `token=1`).
const MIN_TOKEN_LEN: usize = 16;
/// Distinct URL findings per scan.
const MAX_URL_FINDINGS: usize = 20;
/// Bodies larger than this are scanned only in their first part.
const MAX_SCAN_BYTES: usize = 512 * 1024;

/// A token found in a URL query: (parameter name, raw value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlToken {
    pub param: String,
    pub value: String,
}

/// Tokens in the query strings of URL-looking runs in `text` (absolute or
/// relative links: anything with `?` followed by `name=value` pairs).
pub(crate) fn tokens_in_urls(text: &str) -> Vec<UrlToken> {
    let mut out = Vec::new();
    let text = if text.len() > MAX_SCAN_BYTES {
        let mut end = MAX_SCAN_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    } else {
        text
    };
    let is_sep = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\' | ',' | '(' | ')' | '[' | ']' | '{' | '}');
    for run in text.split(is_sep) {
        let Some((_, query)) = run.split_once('?') else { continue };
        let query = query.split('#').next().unwrap_or("");
        for pair in query.split('&') {
            let Some((k, v)) = pair.split_once('=') else { continue };
            let v = v.trim_end_matches(['.', ';']);
            let decoded = percent_decode(v);
            let named = TOKEN_PARAMS.contains(&norm(k).as_str()) && decoded.len() >= MIN_TOKEN_LEN;
            let jwt = decoded.starts_with("eyJ") && Jwt::parse(&decoded).is_some();
            if (named || jwt) && !out.iter().any(|t: &UrlToken| t.value == decoded) {
                out.push(UrlToken { param: clip(k, 40), value: decoded });
            }
            if out.len() >= 10 {
                return out;
            }
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// AU011 over every response (and the target URL, checked once).
#[derive(Default)]
pub struct TokensInUrls {
    seen: Mutex<HashSet<String>>,
    target_checked: AtomicBool,
}

impl TokensInUrls {
    fn report(&self, ctx: &ScanContext, endpoint: &str, token: &UrlToken, where_: &str, exchange: Option<palisade_core::ExchangeId>, location: &str) {
        let id = fingerprint(&token.value);
        {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            if seen.len() >= MAX_URL_FINDINGS || !seen.insert(id.clone()) {
                return;
            }
        }
        let kind = if Jwt::parse(&token.value).is_some() { "a JWT" } else { "a token" };
        ctx.report(
            Finding::new(
                &au011_token_in_url::RULE,
                endpoint,
                format!(
                    "{where_} carries {kind} in the query parameter `{}`: URLs end up in access logs, browser history and Referer headers.",
                    token.param
                ),
                &format!("{}\u{1f}{id}", norm(&token.param)),
            )
            .detail(token.param.clone())
            .evidence(Evidence {
                exchange,
                location: location.to_string(),
                excerpt: format!("?{}={}", token.param, mask_secret(&token.value)),
                ..Default::default()
            }),
        );
    }
}

impl PassiveCheck for TokensInUrls {
    fn name(&self) -> &'static str {
        "authentication/token-in-url"
    }
    fn category(&self) -> Category {
        Category::Authentication
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&au011_token_in_url::RULE]
    }

    fn observe(&self, ctx: &ScanContext, request: &ProbeRequest, response: &Response) {
        if !self.target_checked.swap(true, Ordering::SeqCst) {
            for t in tokens_in_urls(ctx.target.as_str()) {
                self.report(ctx, &ctx.origin(), &t, "The target URL given to the scan", None, "target.url");
            }
        }
        let endpoint = endpoint_label(request);
        if let Some(loc) = response.header("location") {
            for t in tokens_in_urls(loc) {
                self.report(ctx, &endpoint, &t, "The `Location` header of this response", Some(response.exchange_id), "response.header.Location");
            }
        }
        let text = response.text();
        if text.contains('?') && text.contains('=') {
            for t in tokens_in_urls(&text) {
                self.report(ctx, &endpoint, &t, "A link in this response", Some(response.exchange_id), "response.body");
            }
        }
    }
}

/// AU012 over every response, plus the user's own Basic credentials once.
#[derive(Default)]
pub struct BasicOverHttp {
    credentials_checked: AtomicBool,
}

/// True when a `WWW-Authenticate` value offers the Basic scheme.
pub(crate) fn offers_basic(challenge: &str) -> bool {
    challenge.split(',').any(|part| {
        let word = part.trim_start().split(|c: char| c.is_whitespace() || c == '=').next().unwrap_or("");
        word.eq_ignore_ascii_case("basic")
    })
}

impl PassiveCheck for BasicOverHttp {
    fn name(&self) -> &'static str {
        "authentication/basic-over-http"
    }
    fn category(&self) -> Category {
        Category::Authentication
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&au012_basic_auth_plaintext::RULE]
    }

    fn observe(&self, ctx: &ScanContext, request: &ProbeRequest, response: &Response) {
        let r = &au012_basic_auth_plaintext::RULE;
        if ctx.target.scheme() == "http" && !self.credentials_checked.swap(true, Ordering::SeqCst) {
            for (name, creds) in &ctx.engine.config().identities {
                let basic = creds.headers.iter().any(|(k, v)| {
                    k.eq_ignore_ascii_case("authorization") && v.trim_start().get(..6).is_some_and(|p| p.eq_ignore_ascii_case("basic "))
                });
                if basic {
                    ctx.report(
                        Finding::new(
                            r,
                            ctx.origin(),
                            format!("The identity `{name}` sends Basic credentials (user name and password, base64) to a plain-http target."),
                            "",
                        )
                        .target_wide(&ctx.origin(), &format!("credentials\u{1f}{name}"))
                        .detail("user-credentials")
                        .evidence(Evidence {
                            exchange: None,
                            location: "credential.authorization".into(),
                            excerpt: "Authorization: Basic ******** over http://".into(),
                            ..Default::default()
                        }),
                    );
                }
            }
        }
        if response.url.scheme() != "http" && request.url.scheme() != "http" {
            return;
        }
        let Some((_, challenge)) = response.headers.iter().find(|(k, v)| k.eq_ignore_ascii_case("www-authenticate") && offers_basic(v)) else {
            return;
        };
        ctx.report(
            Finding::new(
                r,
                endpoint_label(request),
                format!(
                    "This plain-http endpoint asks for Basic credentials (HTTP {}): clients will send the password readable on the network.",
                    response.status
                ),
                "",
            )
            .target_wide(&ctx.origin(), "challenge")
            .detail("challenge")
            .evidence(Evidence {
                exchange: Some(response.exchange_id),
                location: "response.header.WWW-Authenticate".into(),
                excerpt: format!("WWW-Authenticate: {}", clip(challenge, 120)),
                ..Default::default()
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_in_links_and_junk_is_survived() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
        let found = tokens_in_urls(&format!(r#"{{"next":"/items?page=2&access_token=abcdefghijklmnop1234","x":"https://a.b/c?t={jwt}"}}"#));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].param, "access_token");
        assert_eq!(found[1].value, jwt);
        assert!(tokens_in_urls("/items?page=2&token=1&sort=name").is_empty());
        assert!(tokens_in_urls("/search?q=token%3Dx").is_empty());
        assert_eq!(tokens_in_urls("/cb?id_token=abcdefghijklmnopq%2Brest")[0].value, "abcdefghijklmnopq+rest");
        for junk in ["?", "?=", "?&&&=", "%", "?a=%", "?a=%zz", "?token=%%%%%%%%%%%%%%%%%%%%", "é?token=éééééééééééééééé"] {
            let _ = tokens_in_urls(junk);
        }
    }

    #[test]
    fn basic_challenges_are_recognised() {
        assert!(offers_basic("Basic realm=\"api\""));
        assert!(offers_basic("Bearer realm=\"a\", basic realm=\"b\""));
        assert!(!offers_basic("Bearer realm=\"basic\""));
        assert!(!offers_basic("Digest realm=\"x\""));
    }
}
