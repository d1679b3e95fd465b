//! Passive header checks: transport security, cookies, content sniffing, banners.

use crate::checks::support::{clip, endpoint_label};
use crate::rules::{en001_plaintext_http, en002_hsts, en003_cookie_flags, in002_version_banner, iv001_nosniff};
use palisade_core::{Category, Evidence, Finding, RuleMeta, Severity};
use palisade_engine::{PassiveCheck, ScanContext};
use palisade_http::{ProbeRequest, Response};

/// One year, the minimum HSTS max-age browsers' preload lists accept.
const HSTS_MIN_MAX_AGE: u64 = 31_536_000;

/// EN001, EN002, EN003.
pub struct Transport;

impl PassiveCheck for Transport {
    fn name(&self) -> &'static str {
        "encryption/transport-headers"
    }
    fn category(&self) -> Category {
        Category::Encryption
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&en001_plaintext_http::RULE, &en002_hsts::RULE, &en003_cookie_flags::RULE]
    }

    fn observe(&self, ctx: &ScanContext, request: &ProbeRequest, response: &Response) {
        let origin = ctx.origin();
        let evidence = |location: &str, excerpt: String| Evidence {
            exchange: Some(response.exchange_id),
            location: location.to_string(),
            excerpt,
            ..Default::default()
        };

        if response.url.scheme() == "http" && !redirects_to_https(response) {
            let r = &en001_plaintext_http::RULE;
            let with_credentials = !ctx.engine.config().identities.is_empty();
            let severity = if with_credentials { Severity::High } else { r.default_severity };
            ctx.report(
                Finding::new(r, &origin, format!("{origin} answers over plain HTTP (HTTP {}) without redirecting to HTTPS.", response.status), "")
                    .severity(severity)
                    .evidence(evidence("response.status", format!("{} {} -> {}", request.method, response.url.path(), response.status))),
            );
        }

        if response.url.scheme() == "https" {
            if let Some(problem) = hsts_problem(response.header("strict-transport-security")) {
                let r = &en002_hsts::RULE;
                let value = response.header("strict-transport-security").unwrap_or("(absent)");
                ctx.report(
                    Finding::new(r, &origin, problem, "")
                        .evidence(evidence("response.header.Strict-Transport-Security", format!("Strict-Transport-Security: {value}"))),
                );
            }
        }

        for cookie in response.headers_all("set-cookie") {
            let Some(parsed) = SetCookie::parse(cookie) else { continue };
            let missing = parsed.missing_flags();
            if missing.is_empty() {
                continue;
            }
            let r = &en003_cookie_flags::RULE;
            let sensitive = ["session", "sid", "token", "auth", "jwt", "remember"].iter().any(|w| parsed.name.to_ascii_lowercase().contains(w));
            let severity = if sensitive { Severity::Medium } else { r.default_severity };
            let excerpt = palisade_core::mask::mask_named_value("set-cookie", cookie);
            ctx.report(
                Finding::new(r, &origin, format!("Cookie '{}' is set without {}.", parsed.name, missing.join(", ")), &parsed.name)
                    .severity(severity)
                    .evidence(evidence("response.header.Set-Cookie", clip(&excerpt, 160))),
            );
        }
    }
}

fn redirects_to_https(response: &Response) -> bool {
    (300..400).contains(&response.status) && response.header("location").is_some_and(|l| l.to_ascii_lowercase().starts_with("https://"))
}

/// What is wrong with an HSTS header value, if anything.
fn hsts_problem(value: Option<&str>) -> Option<String> {
    let Some(v) = value else {
        return Some("Strict-Transport-Security is not sent.".into());
    };
    let lower = v.to_ascii_lowercase();
    let max_age = lower.split(';').filter_map(|d| d.trim().strip_prefix("max-age=")).find_map(|n| n.trim_matches('"').parse::<u64>().ok());
    match max_age {
        None => Some("Strict-Transport-Security has no valid max-age.".into()),
        Some(a) if a < HSTS_MIN_MAX_AGE => Some(format!("Strict-Transport-Security max-age is {a}s, less than one year.")),
        Some(_) if !lower.contains("includesubdomains") => Some("Strict-Transport-Security lacks includeSubDomains.".into()),
        Some(_) => None,
    }
}

struct SetCookie {
    name: String,
    secure: bool,
    http_only: bool,
    same_site: bool,
}

impl SetCookie {
    fn parse(header: &str) -> Option<SetCookie> {
        let mut parts = header.split(';');
        let (name, _) = parts.next()?.split_once('=')?;
        let mut c = SetCookie { name: name.trim().to_string(), secure: false, http_only: false, same_site: false };
        for attr in parts {
            let key = attr.split('=').next().unwrap_or("").trim().to_ascii_lowercase();
            match key.as_str() {
                "secure" => c.secure = true,
                "httponly" => c.http_only = true,
                "samesite" => c.same_site = true,
                _ => {}
            }
        }
        Some(c)
    }

    fn missing_flags(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if !self.secure {
            m.push("Secure");
        }
        if !self.http_only {
            m.push("HttpOnly");
        }
        if !self.same_site {
            m.push("SameSite");
        }
        m
    }
}

/// IV001.
pub struct ContentTypeOptions;

impl PassiveCheck for ContentTypeOptions {
    fn name(&self) -> &'static str {
        "input-validation/content-type-options"
    }
    fn category(&self) -> Category {
        Category::InputValidation
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&iv001_nosniff::RULE]
    }

    fn observe(&self, ctx: &ScanContext, request: &ProbeRequest, response: &Response) {
        if response.body.is_empty() || !(200..300).contains(&response.status) {
            return;
        }
        let ok = response.header("x-content-type-options").is_some_and(|v| v.trim().eq_ignore_ascii_case("nosniff"));
        if !ok {
            let r = &iv001_nosniff::RULE;
            let ct = response.content_type().unwrap_or("(no Content-Type)");
            ctx.report(
                Finding::new(
                    r,
                    ctx.origin(),
                    format!("Responses such as {} ({ct}) lack X-Content-Type-Options: nosniff.", endpoint_label(request)),
                    "",
                )
                .evidence(Evidence {
                    exchange: Some(response.exchange_id),
                    location: "response.headers".into(),
                    excerpt: format!("Content-Type: {ct}"),
                    ..Default::default()
                }),
            );
        }
    }
}

/// IN002.
pub struct VersionBanner;

const BANNER_HEADERS: &[&str] = &["server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", "x-generator", "x-runtime-version"];

impl PassiveCheck for VersionBanner {
    fn name(&self) -> &'static str {
        "inventory/version-banner"
    }
    fn category(&self) -> Category {
        Category::InventoryManagement
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&in002_version_banner::RULE]
    }

    fn observe(&self, ctx: &ScanContext, _request: &ProbeRequest, response: &Response) {
        for name in BANNER_HEADERS {
            let Some(value) = response.header(name) else { continue };
            if !has_version(value) {
                continue;
            }
            let r = &in002_version_banner::RULE;
            let value = clip(value, 120);
            ctx.report(Finding::new(r, ctx.origin(), format!("{name}: {value} reveals product versions."), &format!("{name}={value}")).evidence(
                Evidence {
                    exchange: Some(response.exchange_id),
                    location: format!("response.header.{name}"),
                    excerpt: format!("{name}: {value}"),
                    ..Default::default()
                },
            ));
        }
    }
}

/// `nginx/1.25.3`, `PHP/8.1`, `ASP.NET 4.0.30319`: a digit after a slash or a space-separated version.
fn has_version(v: &str) -> bool {
    let b = v.as_bytes();
    b.windows(2).any(|w| (w[0] == b'/' || w[0] == b' ' || w[0] == b'v') && w[1].is_ascii_digit())
        || v.chars().next().is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsts_values_are_judged() {
        assert!(hsts_problem(None).is_some());
        assert!(hsts_problem(Some("max-age=300; includeSubDomains")).unwrap().contains("less than one year"));
        assert!(hsts_problem(Some("max-age=31536000")).unwrap().contains("includeSubDomains"));
        assert!(hsts_problem(Some("max-age=63072000; includeSubDomains; preload")).is_none());
    }

    #[test]
    fn cookie_flags_are_parsed() {
        let c = SetCookie::parse("session=abc; Path=/; HttpOnly").unwrap();
        assert_eq!(c.missing_flags(), ["Secure", "SameSite"]);
        let c = SetCookie::parse("sid=x; Secure; HttpOnly; SameSite=Strict").unwrap();
        assert!(c.missing_flags().is_empty());
    }

    #[test]
    fn versions_are_recognised() {
        assert!(has_version("Werkzeug/2.0.1 Python/3.8.5"));
        assert!(has_version("4.0.30319"));
        assert!(!has_version("nginx"));
        assert!(!has_version("cloudflare"));
    }
}
