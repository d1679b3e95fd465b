//! SSRF: URL-accepting parameters proven by an out-of-band canary (SS001),
//! and open redirects (SS002).

use super::clip;
use crate::checks::data_exposure::CANARY_PREFIX;
use crate::rules::{ss001_ssrf_confirmed, ss002_open_redirect};
use async_trait::async_trait;
use futures_util::future::join_all;
use palisade_core::{Category, Confidence, Endpoint, Evidence, Finding, ParamLocation, Parameter, RuleMeta, Severity};
use palisade_engine::oob::OOB_BODY_MARKER;
use palisade_engine::triage::{concrete_path, sample_value, state_changing_reason};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{HttpError, ProbeRequest, Url};
use rand::Rng;
use std::time::Duration;

/// Most parameters SS001 sends a canary URL to (one GET each).
pub const MAX_SSRF_PROBES: usize = 16;
/// Most parameters SS002 probes (one GET each, redirects not followed).
pub const MAX_REDIRECT_PROBES: usize = 16;
/// How long SS001 waits for canary hits after the last probe answered.
const OOB_WAIT: Duration = Duration::from_secs(2);
/// The foreign origin SS002 asks to be redirected to: a reserved `.example`
/// name (RFC 2606) that never resolves; redirects are never followed.
pub const REDIRECT_PROBE_ORIGIN: &str = "https://palisade-redirect-probe.example";

/// Name words that say a parameter takes a URL the server may fetch.
const URL_WORDS: &[&str] = &[
    "url", "uri", "link", "href", "src", "source", "callback", "webhook", "hook", "redirect", "next", "image", "img",
    "avatar", "icon", "feed", "rss", "target", "dest", "destination", "proxy", "fetch", "load", "remote", "endpoint",
];
/// Name words that say a parameter is where the client goes next.
const REDIRECT_WORDS: &[&str] = &[
    "next", "redirect", "redir", "return", "returnto", "returnurl", "continue", "goto", "dest", "destination",
    "forward", "back", "came",
];

/// Split `redirectUri`, `return_to`, `image-url` into lower-case words.
pub(crate) fn name_words(name: &str) -> Vec<String> {
    palisade_engine::triage::words(name)
}

/// True when the spec says (by format, name or example) that `p` takes a URL.
pub(crate) fn takes_url(p: &Parameter) -> bool {
    let format = p.format.as_deref().unwrap_or("").to_ascii_lowercase();
    if matches!(format.as_str(), "uri" | "url" | "uri-reference" | "iri" | "iri-reference") {
        return true;
    }
    if name_words(&p.name).iter().any(|w| URL_WORDS.contains(&w.as_str())) {
        return true;
    }
    matches!(&p.example, Some(serde_json::Value::String(s)) if s.starts_with("http://") || s.starts_with("https://"))
}

fn takes_redirect(p: &Parameter) -> bool {
    let lower = p.name.to_ascii_lowercase();
    name_words(&p.name).iter().any(|w| REDIRECT_WORDS.contains(&w.as_str()))
        || ["redirect_uri", "redirect_url", "return_to", "returnto", "returnurl"].contains(&lower.as_str())
}

/// Query parameters of read-only spec operations accepted by `pick`, at most `max`.
fn candidates(ctx: &ScanContext, pick: fn(&Parameter) -> bool, max: usize) -> Vec<(&Endpoint, &Parameter)> {
    ctx.inventory
        .endpoints
        .iter()
        .filter(|ep| ep.method == "GET" && state_changing_reason(ep).is_none())
        .flat_map(|ep| ep.parameters.iter().filter(|p| p.location == ParamLocation::Query && pick(p)).map(move |p| (ep, p)))
        .take(max)
        .collect()
}

/// The operation's URL with required query parameters filled and `name` set to `value`.
pub(crate) fn url_with(ctx: &ScanContext, ep: &Endpoint, name: &str, value: &str) -> Result<Url, HttpError> {
    let concrete = concrete_path(ep);
    let path = concrete.split('?').next().unwrap_or("");
    let mut url = ctx.endpoint_url(path)?;
    {
        let mut q = url.query_pairs_mut();
        for p in ep.parameters.iter().filter(|p| p.location == ParamLocation::Query && p.required && p.name != name) {
            q.append_pair(&p.name, &sample_value(p));
        }
        q.append_pair(name, value);
    }
    Ok(url)
}

fn token(kind: &str) -> String {
    format!("{CANARY_PREFIX}{kind}_{:016x}", rand::rng().random::<u64>())
}

/// SS001: canary URLs in URL-accepting parameters, confirmed out of band.
pub struct Ssrf;

#[async_trait]
impl Check for Ssrf {
    fn name(&self) -> &'static str {
        "ssrf/oob-canary"
    }
    fn category(&self) -> Category {
        Category::Ssrf
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&ss001_ssrf_confirmed::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let targets = candidates(ctx, takes_url, MAX_SSRF_PROBES);
        if targets.is_empty() {
            return Ok(());
        }
        // The listener is loopback-only: a remote target could not reach it, and a
        // loopback URL sent there would only probe that host's own interfaces.
        let Some(oob) = ctx.oob().await else { return Ok(()) };
        if !oob.reachable_from(&ctx.target) {
            return Ok(());
        }
        let probes = targets.into_iter().map(|(ep, p)| {
            let oob = oob.clone();
            async move {
                let token = token("ss");
                let url = url_with(ctx, ep, &p.name, &oob.url_for(&token)).ok()?;
                // A timeout or error may still have caused the fetch; the canary decides.
                let response = ctx.send(ProbeRequest::get(url).no_redirects().no_cache()).await.ok();
                Some((ep, p, token, response))
            }
        });
        let sent: Vec<_> = join_all(probes).await.into_iter().flatten().collect();
        let r = &ss001_ssrf_confirmed::RULE;
        for (ep, p, token, response) in sent {
            let Some(hit) = oob.wait_for(&token, OOB_WAIT).await else { continue };
            let full_read = response.as_ref().is_some_and(|r| String::from_utf8_lossy(&r.body).contains(OOB_BODY_MARKER));
            let severity = if full_read { Severity::Critical } else { r.default_severity };
            let how = if full_read { "and returned the listener's answer in its response (full-read SSRF)" } else { "(blind SSRF)" };
            let ua = hit.user_agent.as_deref().map(|u| format!(", User-Agent: {}", clip(u, 60))).unwrap_or_default();
            ctx.report(
                Finding::new(
                    r,
                    ep.label(),
                    format!(
                        "Parameter '{}' made the server request Palisade's canary URL: the listener received {} for token {} from {} {how}.",
                        p.name, hit.method, hit.token, hit.peer
                    ),
                    &p.name,
                )
                .severity(severity)
                .confidence(Confidence::High)
                .detail(if full_read { "full-read" } else { "blind" })
                .evidence(Evidence {
                    exchange: response.as_ref().map(|r| r.exchange_id),
                    location: format!("request.query.{}", p.name),
                    excerpt: clip(&format!("oob listener <- {} /palisade-oob/{}{ua}", hit.method, hit.token), 200),
                    ..Default::default()
                }),
            );
        }
        Ok(())
    }
}

/// SS002: redirect parameters that send the client to a foreign origin.
pub struct OpenRedirect;

#[async_trait]
impl Check for OpenRedirect {
    fn name(&self) -> &'static str {
        "ssrf/open-redirect"
    }
    fn category(&self) -> Category {
        Category::Ssrf
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&ss002_open_redirect::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let probe_host = REDIRECT_PROBE_ORIGIN.trim_start_matches("https://");
        let probes = candidates(ctx, takes_redirect, MAX_REDIRECT_PROBES).into_iter().map(|(ep, p)| async move {
            let payload = format!("{REDIRECT_PROBE_ORIGIN}/{}", token("sr"));
            let url = url_with(ctx, ep, &p.name, &payload).ok()?;
            let resp = ctx.send(ProbeRequest::get(url).no_redirects().no_cache()).await.ok()?;
            Some((ep, p, resp))
        });
        let r = &ss002_open_redirect::RULE;
        for (ep, p, resp) in join_all(probes).await.into_iter().flatten() {
            if !(300..400).contains(&resp.status) {
                continue;
            }
            let Some(location) = resp.header("location") else { continue };
            let foreign = resp.url.join(location.trim()).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase));
            if foreign.as_deref() != Some(probe_host) {
                continue;
            }
            ctx.report(
                Finding::new(
                    r,
                    ep.label(),
                    format!("Parameter '{}' redirects to any origin: HTTP {} with Location on {probe_host}.", p.name, resp.status),
                    &p.name,
                )
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    location: "response.header.Location".into(),
                    excerpt: clip(&format!("Location: {location}"), 160),
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

    fn param(name: &str, format: Option<&str>, example: Option<&str>) -> Parameter {
        Parameter {
            name: name.into(),
            location: ParamLocation::Query,
            required: false,
            schema_type: Some("string".into()),
            format: format.map(Into::into),
            example: example.map(|e| serde_json::Value::String(e.into())),
        }
    }

    #[test]
    fn url_parameters_are_recognised_by_format_name_or_example() {
        assert!(takes_url(&param("u", Some("uri"), None)));
        assert!(takes_url(&param("imageUrl", None, None)));
        assert!(takes_url(&param("callback_url", None, None)));
        assert!(takes_url(&param("x", None, Some("https://a.example/"))));
        assert!(!takes_url(&param("limit", None, Some("20"))));
        assert!(!takes_url(&param("username", None, None)));
        assert!(takes_redirect(&param("returnTo", None, None)));
        assert!(takes_redirect(&param("redirect_uri", None, None)));
        assert!(!takes_redirect(&param("city", None, None)));
    }
}
