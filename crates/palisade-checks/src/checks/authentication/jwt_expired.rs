//! AU013: an expired copy of the user's own token is still accepted.
//!
//! Runs only when the user gave a token (`--bearer` / `--identity`) whose
//! HS* secret the offline wordlist cracks (AU003). The copy is re-signed with
//! `exp` an hour in the past and replayed with GET only, on operations where
//! the real token succeeds and no credentials fail.

use crate::checks::authentication::jwt::{same_shape, target_words, user_token, Jwt, MAX_ALG_NONE_OPERATIONS};
use crate::rules::au013_expired_jwt_accepted;
use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use palisade_core::mask::mask_secret;
use palisade_core::{Category, Confidence, Evidence, Finding, RuleMeta};
use palisade_engine::triage::concrete_path;
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{AuthMode, ProbeRequest};
use serde_json::{json, Value};

/// How far in the past the forged `exp` lies (well beyond any clock skew).
const EXPIRED_BY_SECS: i64 = 3600;

fn hmac_sign(alg: &str, key: &[u8], input: &[u8]) -> Option<Vec<u8>> {
    macro_rules! sign {
        ($d:ty) => {{
            let mut mac = Hmac::<$d>::new_from_slice(key).ok()?;
            mac.update(input);
            Some(mac.finalize().into_bytes().to_vec())
        }};
    }
    match alg {
        "HS256" => sign!(sha2::Sha256),
        "HS384" => sign!(sha2::Sha384),
        "HS512" => sign!(sha2::Sha512),
        _ => None,
    }
}

/// `jwt` re-signed with `secret`, `exp` = `now - EXPIRED_BY_SECS` and `iat` before it.
pub(crate) fn expired_copy(jwt: &Jwt, secret: &str, now: i64) -> Option<String> {
    let mut claims = jwt.claims.clone();
    let exp = now - EXPIRED_BY_SECS;
    claims.insert("exp".into(), json!(exp));
    claims.insert("iat".into(), json!(exp - 3600));
    if claims.contains_key("nbf") {
        claims.insert("nbf".into(), json!(exp - 3600));
    }
    let h = jwt.raw.split('.').next()?;
    let p = URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string());
    let input = format!("{h}.{p}");
    let sig = hmac_sign(jwt.alg(), secret.as_bytes(), input.as_bytes())?;
    Some(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// AU013 (read-only replay of the user's own token, expired).
pub struct ExpiredTokenAccepted;

#[async_trait]
impl Check for ExpiredTokenAccepted {
    fn name(&self) -> &'static str {
        "authentication/jwt-expired-accepted"
    }
    fn category(&self) -> Category {
        Category::Authentication
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&au013_expired_jwt_accepted::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        // Never without the user's own token.
        let Some(jwt) = user_token(ctx) else { return Ok(()) };
        let Some(secret) = jwt.crack(&target_words(ctx, &jwt), ctx.settings.jwt_crack_time) else { return Ok(()) };
        let Some(expired) = expired_copy(&jwt, &secret, now_secs()) else { return Ok(()) };
        let crawled: Vec<_> = ctx.crawled.lock().unwrap_or_else(|e| e.into_inner()).iter().map(|(ep, _)| ep.clone()).collect();
        let mut tried = 0;
        for ep in crawled {
            if tried >= MAX_ALG_NONE_OPERATIONS {
                break;
            }
            if !ep.method.eq_ignore_ascii_case("GET") {
                continue;
            }
            let url = ctx.endpoint_url(&concrete_path(&ep))?;
            let Ok(baseline) = ctx.send(ProbeRequest::get(url.clone()).no_redirects()).await else { continue };
            if !baseline.is_success() {
                continue;
            }
            let Ok(anonymous) = ctx.send(ProbeRequest::get(url.clone()).auth(AuthMode::Anonymous).no_redirects()).await else { continue };
            if anonymous.is_success() {
                continue; // The token is not what grants access here.
            }
            tried += 1;
            let req = ProbeRequest::get(url.clone()).auth(AuthMode::Anonymous).header("Authorization", format!("Bearer {expired}")).no_redirects();
            let Ok(resp) = ctx.send(req).await else { continue };
            if resp.is_success() && same_shape(&baseline, &resp) {
                let r = &au013_expired_jwt_accepted::RULE;
                ctx.report(
                    Finding::new(
                        r,
                        ep.label(),
                        format!(
                            "A copy of the user's token re-signed with `exp` {EXPIRED_BY_SECS} seconds in the past was answered HTTP {} like the real token (HTTP {}), while the request without credentials got HTTP {}: expiry is not checked.",
                            resp.status, baseline.status, anonymous.status
                        ),
                        "",
                    )
                    .target_wide(&ctx.origin(), "expired-accepted")
                    .confidence(Confidence::High)
                    .evidence(Evidence {
                        exchange: Some(resp.exchange_id),
                        related: vec![baseline.exchange_id, anonymous.exchange_id],
                        location: "request.header.Authorization".into(),
                        excerpt: format!("Authorization: Bearer {} (exp now-{EXPIRED_BY_SECS}s) -> HTTP {}", mask_secret(&expired), resp.status),
                    }),
                );
                return Ok(());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_copy_verifies_with_the_secret_and_is_in_the_past() {
        let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let p = URL_SAFE_NO_PAD.encode(br#"{"sub":"1","exp":4102444800}"#);
        let input = format!("{h}.{p}");
        let sig = URL_SAFE_NO_PAD.encode(hmac_sign("HS256", b"secret", input.as_bytes()).unwrap());
        let jwt = Jwt::parse(&format!("{input}.{sig}")).unwrap();
        let copy = Jwt::parse(&expired_copy(&jwt, "secret", 1_800_000_000).unwrap()).unwrap();
        assert_eq!(copy.claims["exp"], json!(1_800_000_000 - 3600));
        assert!(copy.claims["iat"].as_i64().unwrap() < copy.claims["exp"].as_i64().unwrap());
        assert_eq!(copy.claims["sub"], "1");
        assert_eq!(copy.crack(&[], std::time::Duration::from_secs(60)).as_deref(), Some("secret"));
        let rs = Jwt::parse(&format!("{}.{p}.x", URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#))).unwrap();
        assert!(expired_copy(&rs, "secret", 0).is_none());
    }
}
