//! JWTs: tokens seen in responses or given by the user (`--bearer`).
//!
//! * AU002 (active, only with the user's token): an `alg: none` copy of the
//!   token is answered like the real one.
//! * AU003–AU005 (offline): weak HMAC secret, missing/far-future `exp`,
//!   sensitive claims. Tokens are decoded without verification and never
//!   written out in full; a cracked secret is reported masked.

use crate::checks::support::norm;
use crate::checks::support::{clip, endpoint_label};
use crate::rules::{
    au002_jwt_alg_none_accepted, au003_jwt_weak_secret, au004_jwt_expiry, au005_jwt_sensitive_claims, au006_api_key_in_query, au009_jwt_header_risk,
    au010_jwt_missing_iss_aud,
};
use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use palisade_core::mask::{fingerprint, mask_secret};
use palisade_core::{Category, Confidence, Evidence, ExchangeId, Finding, RuleMeta, Severity};
use palisade_engine::triage::concrete_path;
use palisade_engine::{Check, CheckFailure, PassiveCheck, ScanContext};
use palisade_http::{AuthMode, ProbeRequest, Response};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

/// Distinct tokens analysed per scan (each costs one wordlist pass).
pub const MAX_TOKENS_ANALYZED: usize = 50;
/// Tokens taken from one response.
const MAX_TOKENS_PER_RESPONSE: usize = 10;
/// Longest token considered (longer runs are not JWTs we judge).
const MAX_TOKEN_LEN: usize = 16 * 1024;
/// Operations AU002 replays (each: baseline from cache, one anonymous, at most
/// [`NONE_VARIANTS`] forged requests).
pub const MAX_ALG_NONE_OPERATIONS: usize = 5;
/// `alg` spellings tried for AU002.
const NONE_VARIANTS: &[&str] = &["none", "None", "NONE"];
/// `exp` further than this after the scan counts as far-future (one year).
const FAR_FUTURE_SECS: i64 = 366 * 24 * 3600;

/// Claim names that should never travel in a readable token (normalised:
/// lower case, `_`/`-` removed).
const SENSITIVE_CLAIMS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passwordhash",
    "secret",
    "clientsecret",
    "apikey",
    "apisecret",
    "privatekey",
    "ssn",
    "socialsecuritynumber",
    "creditcard",
    "cardnumber",
    "ccnumber",
    "cvv",
    "cvc",
    "iban",
    "accountnumber",
    "pin",
    "dob",
    "dateofbirth",
    "taxid",
    "passport",
    "awssecretaccesskey",
];

/// A decoded (unverified) JWT.
#[derive(Debug, Clone)]
pub struct Jwt {
    pub raw: String,
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

impl Jwt {
    /// Parse `header.payload.signature`; `None` for anything else (JWE, garbage).
    pub fn parse(token: &str) -> Option<Jwt> {
        let token = token.trim();
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let mut parts = token.split('.');
        let (h, p, _s) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header = decode_object(h)?;
        header.get("alg")?.as_str()?;
        let claims = decode_object(p)?;
        Some(Jwt { raw: token.to_string(), header, claims })
    }

    pub fn alg(&self) -> &str {
        self.header.get("alg").and_then(Value::as_str).unwrap_or("")
    }

    fn signing_input(&self) -> &str {
        self.raw.rsplit_once('.').map(|(input, _)| input).unwrap_or("")
    }

    fn signature(&self) -> Option<Vec<u8>> {
        let sig = self.raw.rsplit_once('.')?.1;
        URL_SAFE_NO_PAD.decode(sig.trim_end_matches('=')).ok()
    }

    /// Stable, non-reversible id of the token (for dedup and fingerprints).
    pub fn id(&self) -> String {
        fingerprint(&self.raw)
    }

    /// The secret that signs this HS256/HS384/HS512 token, if it is the
    /// empty secret, a mutation of one of `target_words` (see [`target_words`])
    /// or in the built-in list of `palisade-jwt-crack`, searched on all cores
    /// for at most `time`. Other algs, and tokens whose signature cannot be an
    /// HMAC, give `None`.
    pub fn crack(&self, target_words: &[String], time: Duration) -> Option<String> {
        let token = palisade_jwt_crack::Token::new(self.alg(), self.signing_input().as_bytes(), self.signature()?).ok()?;
        let candidates = palisade_jwt_crack::Candidates::builtin().with_target_words(target_words);
        let outcome = palisade_jwt_crack::crack(&token, &candidates, palisade_jwt_crack::Budget::time(time));
        outcome.secret().map(|s| String::from_utf8_lossy(s.as_bytes()).into_owned())
    }

    /// The same claims re-encoded under `alg: <variant>` with an empty signature.
    pub fn forged_none(&self, variant: &str) -> String {
        let mut header = self.header.clone();
        header.insert("alg".into(), Value::String(variant.to_string()));
        let h = URL_SAFE_NO_PAD.encode(Value::Object(header).to_string());
        let p = self.raw.split('.').nth(1).unwrap_or("");
        format!("{h}.{p}.")
    }
}

/// Words a team may have built this token's secret from: the spec title
/// (each word and the whole title run together), the target's and the
/// declared servers' host name labels, and the app as the token names it
/// (`iss`/`aud`). Numeric labels and `www` are left out.
pub fn target_words(ctx: &ScanContext, jwt: &Jwt) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut add = |w: &str| {
        let w = w.trim();
        if w.len() >= 2 && w != "www" && !w.bytes().all(|b| b.is_ascii_digit()) && !words.iter().any(|x| x == w) {
            words.push(w.to_string());
        }
    };
    let split = |text: &str| text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect::<Vec<_>>();
    if let Some(title) = &ctx.inventory.title {
        let parts = split(title);
        for sep in ["", "_", "-"] {
            add(&parts.join(sep));
        }
        parts.iter().for_each(|w| add(w));
    }
    let mut hosts: Vec<String> = ctx.target.host_str().map(str::to_string).into_iter().collect();
    hosts.extend(ctx.inventory.servers.iter().filter_map(|s| url::Url::parse(s).ok()?.host_str().map(str::to_string)));
    for claim in ["iss", "aud"] {
        match jwt.claims.get(claim) {
            Some(Value::String(v)) => hosts.push(v.clone()),
            Some(Value::Array(vs)) => hosts.extend(vs.iter().filter_map(Value::as_str).map(str::to_string)),
            _ => {}
        }
    }
    for host in hosts.iter().take(16) {
        let host = url::Url::parse(host).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| host.clone());
        add(&host);
        host.split(['.', '-', '_', ':', '/']).for_each(&mut add);
    }
    words
}

fn decode_object(part: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Every JWT-looking token in `text` (`eyJ…` runs with exactly two dots that decode).
pub fn find_jwts(text: &str) -> Vec<Jwt> {
    let mut out: Vec<Jwt> = Vec::new();
    let bytes = text.as_bytes();
    let is_tok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'=');
    let mut i = 0;
    while let Some(pos) = text[i..].find("eyJ") {
        let start = i + pos;
        // Only at the start of a token run.
        if start > 0 && is_tok(bytes[start - 1]) && bytes[start - 1] != b'.' {
            i = start + 3;
            continue;
        }
        let mut end = start;
        while end < bytes.len() && is_tok(bytes[end]) {
            end += 1;
        }
        if let Some(jwt) = Jwt::parse(text[start..end].trim_end_matches('.').trim_end_matches('=')).or_else(|| Jwt::parse(&text[start..end])) {
            if !out.iter().any(|j| j.raw == jwt.raw) {
                out.push(jwt);
            }
        }
        if out.len() >= MAX_TOKENS_PER_RESPONSE {
            break;
        }
        i = end.max(start + 3);
    }
    out
}

/// `eyJh…` style masked token for messages.
fn masked(jwt: &Jwt) -> String {
    mask_secret(&jwt.raw)
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// AU003–AU005 for one token. `endpoint` is where it was seen; findings are
/// target-wide so a token seen on many endpoints is reported once.
pub fn analyze(ctx: &ScanContext, jwt: &Jwt, endpoint: &str, exchange: Option<ExchangeId>, location: &str) {
    let origin = ctx.origin();
    let evidence = |excerpt: String| Evidence { exchange, location: location.to_string(), excerpt, ..Default::default() };

    if let Some(secret) = jwt.crack(&target_words(ctx, jwt), ctx.settings.jwt_crack_time) {
        let r = &au003_jwt_weak_secret::RULE;
        let shown = if secret.is_empty() { "(empty)".to_string() } else { mask_secret(&secret) };
        let print = fingerprint(&format!("au003\u{1f}{secret}"));
        ctx.report(
            Finding::new(
                r,
                endpoint,
                format!(
                    "A {} token seen here verifies with a common or guessable secret ({} characters, masked {shown}, fingerprint {print}): anyone can forge tokens.",
                    jwt.alg(),
                    secret.chars().count()
                ),
                "",
            )
            .target_wide(&origin, &print)
            .detail(jwt.alg().to_string())
            .evidence(evidence(format!("token {} (alg {}), secret {shown} (fingerprint {print})", masked(jwt), jwt.alg()))),
        );
    }

    let r = &au004_jwt_expiry::RULE;
    match jwt.claims.get("exp").and_then(Value::as_f64) {
        None => ctx.report(
            Finding::new(r, endpoint, "A JWT seen here has no `exp` claim: it never expires.", "")
                .target_wide(&origin, "missing-exp")
                .severity(Severity::Medium)
                .detail("missing-exp")
                .evidence(evidence(format!("token {} claims: {}", masked(jwt), claim_names(jwt)))),
        ),
        Some(exp) if (exp as i64).saturating_sub(now_secs()) > FAR_FUTURE_SECS => {
            let days = ((exp as i64).saturating_sub(now_secs())) / 86_400;
            ctx.report(
                Finding::new(r, endpoint, format!("A JWT seen here stays valid for about {days} more days (`exp` {exp})."), "")
                    .target_wide(&origin, "far-future-exp")
                    .detail("far-future-exp")
                    .evidence(evidence(format!("token {} exp={exp}", masked(jwt)))),
            )
        }
        Some(_) => {}
    }

    // AU010, next to the expiry logic: issuer and audience.
    let missing: Vec<&str> = ["iss", "aud"].into_iter().filter(|c| jwt.claims.get(*c).is_none_or(Value::is_null)).collect();
    if !missing.is_empty() {
        let r = &au010_jwt_missing_iss_aud::RULE;
        let names = missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" and ");
        ctx.report(
            Finding::new(
                r,
                endpoint,
                format!("A JWT seen here has no {names} claim: a token minted for another service or by another issuer cannot be told apart."),
                "",
            )
            .target_wide(&origin, &format!("missing-{}", missing.join("-")))
            .detail(format!("missing-{}", missing.join("-")))
            .evidence(evidence(format!("token {} claims: {}", masked(jwt), claim_names(jwt)))),
        );
    }

    // AU009: key-selecting header parameters.
    crate::checks::authentication::jwt_header::report(ctx, jwt, endpoint, &evidence);

    let r = &au005_jwt_sensitive_claims::RULE;
    let detector = palisade_detect::Detector::builtin();
    for (name, value) in &jwt.claims {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => continue,
            other => other.to_string(),
        };
        let by_name = SENSITIVE_CLAIMS.contains(&norm(name).as_str()) && !text.is_empty();
        let by_value = detector.scan(text.as_bytes()).iter().any(|m| matches!(m.kind, palisade_detect::Kind::Secret));
        if by_name || by_value {
            ctx.report(
                Finding::new(r, endpoint, format!("A JWT seen here carries the claim `{name}`, readable by anyone holding the token."), "")
                    .target_wide(&origin, &norm(name))
                    .detail(name.clone())
                    .evidence(evidence(format!("token {} claim {name}={}", masked(jwt), mask_secret(&text)))),
            );
        }
    }
}

fn claim_names(jwt: &Jwt) -> String {
    clip(&jwt.claims.keys().cloned().collect::<Vec<_>>().join(","), 120)
}

/// AU003–AU005 over every response the scan receives.
#[derive(Default)]
pub struct JwtInResponses {
    seen: Mutex<HashSet<String>>,
}

impl PassiveCheck for JwtInResponses {
    fn name(&self) -> &'static str {
        "authentication/jwt-analysis"
    }
    fn category(&self) -> Category {
        Category::Authentication
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[
            &au003_jwt_weak_secret::RULE,
            &au004_jwt_expiry::RULE,
            &au005_jwt_sensitive_claims::RULE,
            &au009_jwt_header_risk::RULE,
            &au010_jwt_missing_iss_aud::RULE,
        ]
    }

    fn observe(&self, ctx: &ScanContext, request: &ProbeRequest, response: &Response) {
        if !response.body.windows(3).any(|w| w == b"eyJ") && !response.headers.iter().any(|(_, v)| v.contains("eyJ")) {
            return;
        }
        let endpoint = endpoint_label(request);
        let mut found: Vec<(Jwt, String)> = find_jwts(&response.text()).into_iter().map(|j| (j, "response.body".to_string())).collect();
        for (name, value) in &response.headers {
            found.extend(find_jwts(value).into_iter().map(|j| (j, format!("response.header.{name}"))));
        }
        for (jwt, location) in found {
            {
                let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
                if seen.len() >= MAX_TOKENS_ANALYZED || !seen.insert(jwt.id()) {
                    continue;
                }
            }
            analyze(ctx, &jwt, &endpoint, Some(response.exchange_id), &location);
        }
    }
}

/// AU002, and AU003–AU005 for the user's own token.
pub struct JwtAlgNone;

/// The bearer token the scan sends by default (`--bearer`, else the
/// least-privileged `--identity`; see `EngineConfig::default_identity`), if
/// it is a JWT: the token AU002 and AU013 forge copies of.
pub(crate) fn user_token(ctx: &ScanContext) -> Option<Jwt> {
    identity_token(ctx, ctx.engine.config().default_identity()?)
}

/// The named identity's bearer token, if it is a JWT.
pub(crate) fn identity_token(ctx: &ScanContext, name: &str) -> Option<Jwt> {
    let creds = ctx.engine.config().identities.get(name)?;
    creds.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("authorization")).find_map(|(_, v)| {
        let t = v.trim();
        let t = t.strip_prefix("Bearer ").or_else(|| t.strip_prefix("bearer "))?;
        Jwt::parse(t)
    })
}

pub(crate) fn same_shape(a: &Response, b: &Response) -> bool {
    match (a.json(), b.json()) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => x.keys().collect::<HashSet<_>>() == y.keys().collect::<HashSet<_>>(),
        (Some(x), Some(y)) => std::mem::discriminant(&x) == std::mem::discriminant(&y),
        (None, None) => !a.body.is_empty() && !b.body.is_empty(),
        _ => false,
    }
}

#[async_trait]
impl Check for JwtAlgNone {
    fn name(&self) -> &'static str {
        "authentication/jwt-alg-none"
    }
    fn category(&self) -> Category {
        Category::Authentication
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[
            &au002_jwt_alg_none_accepted::RULE,
            &au003_jwt_weak_secret::RULE,
            &au004_jwt_expiry::RULE,
            &au005_jwt_sensitive_claims::RULE,
            &au009_jwt_header_risk::RULE,
            &au010_jwt_missing_iss_aud::RULE,
        ]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        // Every identity's token is judged offline (AU003–AU005, AU009, AU010).
        let default = ctx.engine.config().default_identity().map(str::to_string);
        for name in ctx.engine.config().identities.keys() {
            let Some(token) = identity_token(ctx, name) else { continue };
            let location = if Some(name) == default.as_ref() { "credential.bearer".to_string() } else { format!("credential.bearer ({name})") };
            analyze(ctx, &token, &ctx.origin(), None, &location);
        }
        let Some(jwt) = user_token(ctx) else { return Ok(()) };
        if jwt.alg().eq_ignore_ascii_case("none") {
            return Ok(());
        }
        // Operations that use a bearer scheme first, then the rest of the crawl.
        let bearer_schemes: HashSet<&String> = ctx
            .inventory
            .security_schemes
            .iter()
            .filter(|(_, s)| {
                s.kind == "http" && s.scheme.as_deref().is_some_and(|x| x.eq_ignore_ascii_case("bearer"))
                    || s.kind == "oauth2"
                    || s.kind == "openIdConnect"
            })
            .map(|(n, _)| n)
            .collect();
        let mut crawled: Vec<_> = ctx.crawled.lock().unwrap_or_else(|e| e.into_inner()).iter().map(|(ep, _)| ep.clone()).collect();
        crawled.sort_by_key(|ep| !ep.security.iter().flatten().any(|s| bearer_schemes.contains(s)));
        let mut tried = 0;
        for ep in crawled {
            if tried >= MAX_ALG_NONE_OPERATIONS {
                break;
            }
            let path = concrete_path(&ep);
            let url = ctx.endpoint_url(&path)?;
            let Ok(baseline) = ctx.send(ProbeRequest::get(url.clone()).no_redirects()).await else { continue };
            if !baseline.is_success() {
                continue;
            }
            tried += 1;
            let Ok(anonymous) = ctx.send(ProbeRequest::get(url.clone()).auth(AuthMode::Anonymous).no_redirects()).await else { continue };
            if anonymous.is_success() {
                continue; // The token is not what grants access here.
            }
            for variant in NONE_VARIANTS {
                let forged = jwt.forged_none(variant);
                let req = ProbeRequest::get(url.clone()).auth(AuthMode::Anonymous).header("Authorization", format!("Bearer {forged}")).no_redirects();
                let Ok(resp) = ctx.send(req).await else { continue };
                if resp.is_success() && same_shape(&baseline, &resp) {
                    let r = &au002_jwt_alg_none_accepted::RULE;
                    ctx.report(
                        Finding::new(
                            r,
                            ep.label(),
                            format!(
                                "An unsigned copy of the user's token (`alg: {variant}`, empty signature) was answered HTTP {} like the real token (HTTP {}), while the request without credentials got HTTP {}.",
                                resp.status, baseline.status, anonymous.status
                            ),
                            "",
                        )
                        .target_wide(&ctx.origin(), "alg-none")
                        .confidence(Confidence::High)
                        .detail(variant.to_string())
                        .evidence(Evidence {
                            exchange: Some(resp.exchange_id),
                            related: vec![baseline.exchange_id, anonymous.exchange_id],
                            location: "request.header.Authorization".into(),
                            excerpt: format!("Authorization: Bearer {} (alg {variant}) -> HTTP {}", mask_secret(&forged), resp.status),
                        }),
                    );
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}

/// Query parameter names that carry credentials (normalised). AU006.
const CREDENTIAL_QUERY_PARAMS: &[&str] =
    &["apikey", "apitoken", "accesstoken", "authtoken", "token", "jwt", "secret", "clientsecret", "password", "sessionid", "xapikey"];

/// AU006: read from the spec, nothing is sent.
pub struct ApiKeyInQuery;

#[async_trait]
impl Check for ApiKeyInQuery {
    fn name(&self) -> &'static str {
        "authentication/api-key-in-query"
    }
    fn category(&self) -> Category {
        Category::Authentication
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&au006_api_key_in_query::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let r = &au006_api_key_in_query::RULE;
        for (name, scheme) in &ctx.inventory.security_schemes {
            if scheme.kind.eq_ignore_ascii_case("apiKey") && scheme.location.as_deref() == Some("query") {
                let param = scheme.name.clone().unwrap_or_default();
                ctx.report(
                    Finding::new(
                        r,
                        ctx.origin(),
                        format!("The security scheme `{name}` sends the API key in the query parameter `{param}`."),
                        &format!("scheme\u{1f}{name}"),
                    )
                    .evidence(Evidence {
                        exchange: None,
                        location: "spec".into(),
                        excerpt: format!("securitySchemes.{name}: {{type: apiKey, in: query, name: {param}}}"),
                        ..Default::default()
                    }),
                );
            }
        }
        for ep in &ctx.inventory.endpoints {
            for p in ep.parameters.iter().filter(|p| p.location == palisade_core::ParamLocation::Query) {
                if !CREDENTIAL_QUERY_PARAMS.contains(&norm(&p.name).as_str()) {
                    continue;
                }
                ctx.report(
                    Finding::new(r, ep.label(), format!("{} declares the credential `{}` as a query parameter.", ep.label(), p.name), &p.name)
                        .detail(p.name.clone())
                        .evidence(Evidence {
                            exchange: None,
                            location: "spec".into(),
                            excerpt: format!("{}?{}=…", ep.label(), p.name),
                            ..Default::default()
                        }),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};

    fn sign(claims: &str, secret: &[u8]) -> String {
        let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let p = URL_SAFE_NO_PAD.encode(claims);
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
        mac.update(format!("{h}.{p}").as_bytes());
        format!("{h}.{p}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn weak_secrets_are_found_and_strong_ones_are_not() {
        let weak = sign(r#"{"sub":"1"}"#, b"secret");
        let time = Duration::from_secs(60);
        assert_eq!(Jwt::parse(&weak).unwrap().crack(&[], time).as_deref(), Some("secret"));
        let strong = sign(r#"{"sub":"1"}"#, b"9b1f0c7e4d2a8b6c5e3f1a0d9c8b7a6e");
        assert_eq!(Jwt::parse(&strong).unwrap().crack(&[], time), None);
        let named = sign(r#"{"sub":"1"}"#, b"AcmeJwtSecret");
        assert_eq!(Jwt::parse(&named).unwrap().crack(&["acme".to_string()], time).as_deref(), Some("AcmeJwtSecret"));
        assert_eq!(Jwt::parse(&named).unwrap().crack(&[], time), None);
    }

    #[test]
    fn tokens_are_found_in_text_and_hostile_input_is_survived() {
        let t = sign(r#"{"sub":"1"}"#, b"x");
        let found = find_jwts(&format!("{{\"access_token\":\"{t}\",\"other\":\"eyJnope\"}}"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].raw, t);
        for junk in ["eyJ", "eyJ.", "eyJ..", "eyJ.eyJ.eyJ.eyJ", "ééeyJ€", &"eyJ".repeat(10_000)] {
            let _ = find_jwts(junk);
        }
        let forged = Jwt::parse(&t).unwrap().forged_none("none");
        assert!(forged.ends_with('.'));
        assert_eq!(Jwt::parse(&forged).unwrap().alg(), "none");
    }
}
