//! AU009: JWT header parameters that let a token pick its own key (`jku`,
//! `x5u`, `jwk`, `x5c`) or reach a key lookup unescaped (`kid`). Offline:
//! called from [`crate::checks::authentication::jwt::analyze`] for every token, nothing is sent.

use crate::checks::authentication::jwt::Jwt;
use crate::checks::support::clip;
use crate::rules::au009_jwt_header_risk;
use palisade_core::{Evidence, Finding, Severity};
use palisade_engine::ScanContext;
use palisade_http::Url;
use serde_json::Value;

/// `kid` fragments that only make sense to a file path, SQL or a shell.
const KID_INJECTION: &[&str] = &["../", "..\\", "'", "\"", "|", ";", "`", "$(", "--", "\0"];

/// One header risk: (detail, severity, message).
pub(crate) fn header_risks(jwt: &Jwt, target_host: Option<&str>) -> Vec<(String, Severity, String)> {
    let mut out = Vec::new();
    for name in ["jku", "x5u"] {
        let Some(v) = jwt.header.get(name) else { continue };
        let shown = clip(&v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()), 100);
        let (sev, why) = match v.as_str().map(str::trim).map(Url::parse) {
            Some(Ok(u)) if u.scheme() == "http" => (Severity::High, "over plain http"),
            Some(Ok(u)) if u.host_str().map(|h| h.to_ascii_lowercase()) != target_host.map(|h| h.to_ascii_lowercase()) => {
                (Severity::High, "on another host than the API")
            }
            Some(Ok(_)) => (Severity::Medium, "on the API's own host"),
            _ => (Severity::Medium, "not an absolute URL"),
        };
        out.push((
            name.to_string(),
            sev,
            format!("A JWT seen here names its own key-set URL in the `{name}` header ({why}): `{shown}`. A verifier that follows it accepts tokens signed with any key an attacker hosts."),
        ));
    }
    if let Some(kid) = jwt.header.get("kid") {
        let text = kid.as_str().map(str::to_string).unwrap_or_else(|| kid.to_string());
        if let Some(bad) = KID_INJECTION.iter().find(|p| text.contains(**p)) {
            out.push((
                "kid".to_string(),
                Severity::Medium,
                format!(
                    "A JWT seen here has a `kid` header carrying `{}` (`{}`): if the key is looked up by file path, SQL or a shell, the token chooses its own key.",
                    bad.escape_debug(),
                    clip(&text.escape_debug().to_string(), 80)
                ),
            ));
        }
    }
    for name in ["jwk", "x5c"] {
        if jwt.header.get(name).is_some_and(|v| !v.is_null()) {
            out.push((
                name.to_string(),
                Severity::Medium,
                format!("A JWT seen here embeds its own verification key in the `{name}` header: a verifier that trusts it accepts any self-signed token."),
            ));
        }
    }
    out
}

/// Report AU009 for `jwt` seen at `endpoint`.
pub(crate) fn report(ctx: &ScanContext, jwt: &Jwt, endpoint: &str, evidence: &dyn Fn(String) -> Evidence) {
    let r = &au009_jwt_header_risk::RULE;
    for (detail, severity, message) in header_risks(jwt, ctx.target.host_str()) {
        let keys: Vec<&str> = jwt.header.keys().map(String::as_str).collect();
        let alg = jwt.header.get("alg").and_then(Value::as_str).unwrap_or("");
        ctx.report(Finding::new(r, endpoint, message, "").target_wide(&ctx.origin(), &detail).severity(severity).detail(detail.clone()).evidence(
            evidence(format!("token {} header alg={alg} params={}", palisade_core::mask::mask_secret(&jwt.raw), clip(&keys.join(","), 80))),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    fn tok(header: &str) -> Jwt {
        Jwt::parse(&format!("{}.{}.sig", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(r#"{"sub":"1"}"#))).unwrap()
    }

    #[test]
    fn header_risks_are_graded() {
        let h = |s: &str| header_risks(&tok(s), Some("api.example.com"));
        assert_eq!(h(r#"{"alg":"RS256","jku":"http://api.example.com/k"}"#)[0].1, Severity::High);
        assert_eq!(h(r#"{"alg":"RS256","jku":"https://evil.example.net/k"}"#)[0].1, Severity::High);
        assert_eq!(h(r#"{"alg":"RS256","x5u":"https://API.example.com/k"}"#)[0].1, Severity::Medium);
        assert_eq!(h(r#"{"alg":"HS256","kid":"../../dev/null"}"#)[0].0, "kid");
        assert_eq!(h(r#"{"alg":"HS256","kid":"x' UNION SELECT 'a"}"#).len(), 1);
        assert!(h(r#"{"alg":"HS256","kid":"2024-key-1"}"#).is_empty());
        assert_eq!(h(r#"{"alg":"RS256","jwk":{"kty":"RSA"}}"#)[0].0, "jwk");
        assert!(h(r#"{"alg":"HS256","typ":"JWT"}"#).is_empty());
        assert_eq!(h(r#"{"alg":"RS256","jku":7}"#)[0].1, Severity::Medium);
    }
}
