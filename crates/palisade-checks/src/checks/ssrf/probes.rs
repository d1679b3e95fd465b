//! SSRF: URL-accepting parameters proven by an out-of-band canary (SS001),
//! open redirects (SS002), and, only with `--ssrf-internal`, internal-address
//! payloads judged by the evidence in the answer (SS003).
//!
//! SS001's canary URL comes from the scan's [`palisade_engine::oob`]
//! listener: `--oob-listen` picks where it binds, `--oob-url` what URL the
//! payload carries; the probe is skipped when the target could not reach it.
//! SS003 never makes Palisade connect anywhere but the target: the internal
//! addresses are only values of query parameters.

use crate::checks::support::CANARY_PREFIX;
use crate::checks::support::{clip, name_words};
use crate::rules::{ss001_ssrf_confirmed, ss002_open_redirect, ss003_internal_address_ssrf};
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
    "url",
    "uri",
    "link",
    "href",
    "src",
    "source",
    "callback",
    "webhook",
    "hook",
    "redirect",
    "next",
    "image",
    "img",
    "avatar",
    "icon",
    "feed",
    "rss",
    "target",
    "dest",
    "destination",
    "proxy",
    "fetch",
    "load",
    "remote",
    "endpoint",
];
/// Name words that say a parameter is where the client goes next.
const REDIRECT_WORDS: &[&str] =
    &["next", "redirect", "redir", "return", "returnto", "returnurl", "continue", "goto", "dest", "destination", "forward", "back", "came"];

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
        // A loopback (or private) canary cannot be reached by a remote target, and a
        // loopback URL sent there would only probe that host's own interfaces;
        // `--oob-url` names a canary the target can reach.
        let Some(oob) = ctx.oob().await else {
            if ctx.settings.oob_listen.is_some() || ctx.settings.oob_url.is_some() {
                return Err(CheckFailure::Other(
                    "the out-of-band canary listener could not start as --oob-listen/--oob-url say; no SSRF canaries were sent".into(),
                ));
            }
            return Ok(());
        };
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

/// Most URL parameters SS003 probes (each gets every internal payload and one control).
pub const MAX_INTERNAL_PARAMS: usize = 4;
/// The control URL: a reserved `.invalid` name (RFC 2606) that never resolves,
/// so a fetcher fails on it without connecting anywhere.
pub const INTERNAL_CONTROL_URL: &str = "http://palisade-control.invalid/";
/// Other ports of the target's own host SS003 asks the fetcher for (SSH, MySQL, Redis, Elasticsearch).
pub const OWN_HOST_PORTS: [u16; 4] = [22, 3306, 6379, 9200];

/// Cloud metadata paths and loopback spellings SS003 sends (label, URL).
pub const INTERNAL_PAYLOADS: &[(&str, &str)] = &[
    ("aws-metadata", "http://169.254.169.254/latest/meta-data/"),
    ("gcp-metadata", "http://metadata.google.internal/computeMetadata/v1/"),
    ("azure-metadata", "http://169.254.169.254/metadata/instance?api-version=2021-02-01"),
    ("localhost", "http://localhost/"),
    ("loopback-ipv4", "http://127.0.0.1/"),
    ("loopback-ipv6", "http://[::1]/"),
    ("unspecified", "http://0.0.0.0/"),
    ("loopback-decimal", "http://2130706433/"),
    ("loopback-hex", "http://0x7f000001/"),
    ("loopback-octal", "http://0177.0.0.1/"),
];

/// Text only a metadata service answers with (none occurs in a payload URL):
/// readable metadata (critical) and a metadata service refusing a request
/// without its header (reached, high).
const METADATA_READ_MARKERS: &[&str] = &[
    "ami-id",
    "instance-id",
    "instance-type",
    "local-ipv4",
    "security-credentials",
    "\"vmId\"",
    "\"subscriptionId\"",
    "\"projectId\"",
    "project-id",
    "service-accounts/",
];
const METADATA_REACHED_MARKERS: &[&str] = &["Metadata-Flavor", "Required metadata header"];
/// Banners of internal services on the target's host.
const BANNER_MARKERS: &[&str] = &[
    "SSH-2.0-",
    "SSH-1.99-",
    "redis_version",
    "-ERR unknown command",
    "-ERR wrong number",
    "-NOAUTH",
    "mysql_native_password",
    "You Know, for Search",
    "\"cluster_name\"",
];
/// Words of a fetcher refusing or failing, in a 2xx answer.
const REFUSAL_WORDS: &[&str] = &["not allowed", "forbidden", "denied", "blocked", "refused", "invalid", "error", "disallowed", "failed"];

/// Every SS003 payload for `target` (label, URL): [`INTERNAL_PAYLOADS`] and
/// the target's own host on [`OWN_HOST_PORTS`] other than its own port.
pub fn internal_payloads(target: &Url) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = INTERNAL_PAYLOADS.iter().map(|(l, u)| (l.to_string(), u.to_string())).collect();
    if let Some(host) = target.host_str() {
        let own = target.port_or_known_default();
        for port in OWN_HOST_PORTS.into_iter().filter(|p| Some(*p) != own) {
            out.push((format!("own-host-port-{port}"), format!("http://{host}:{port}/")));
        }
    }
    out
}

/// How strongly an answer shows the fetcher reached an internal address.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum InternalEvidence {
    /// 2xx where the control failed (medium confidence).
    Differential,
    /// An internal service's banner (the marker).
    Banner(&'static str),
    /// A metadata service refusing a request without its header.
    MetadataReached(&'static str),
    /// Readable metadata.
    MetadataRead(&'static str),
}

/// Judge one answer against the control's: markers count only when the
/// control's answer lacks them (a page that always shows them proves nothing).
pub fn judge_internal(status: u16, body: &str, control_status: Option<u16>, control_body: &str) -> Option<InternalEvidence> {
    let fresh = |m: &&&'static str| body.contains(**m) && !control_body.contains(**m);
    if let Some(m) = METADATA_READ_MARKERS.iter().find(fresh) {
        return Some(InternalEvidence::MetadataRead(m));
    }
    if let Some(m) = METADATA_REACHED_MARKERS.iter().find(fresh) {
        return Some(InternalEvidence::MetadataReached(m));
    }
    if let Some(m) = BANNER_MARKERS.iter().find(fresh) {
        return Some(InternalEvidence::Banner(m));
    }
    let lower = body.to_ascii_lowercase();
    let control_failed = control_status.is_none_or(|c| !(200..300).contains(&c));
    if (200..300).contains(&status) && control_failed && !body.trim().is_empty() && !REFUSAL_WORDS.iter().any(|w| lower.contains(w)) {
        return Some(InternalEvidence::Differential);
    }
    None
}

/// SS003: internal-address payloads in URL parameters (only with `--ssrf-internal`).
pub struct InternalSsrf;

#[async_trait]
impl Check for InternalSsrf {
    fn name(&self) -> &'static str {
        "ssrf/internal-addresses"
    }
    fn category(&self) -> Category {
        Category::Ssrf
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&ss003_internal_address_ssrf::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        // Opt-in only: default scans never send internal addresses.
        if !ctx.settings.ssrf_internal {
            return Ok(());
        }
        let payloads = internal_payloads(&ctx.target);
        let r = &ss003_internal_address_ssrf::RULE;
        for (ep, p) in candidates(ctx, takes_url, MAX_INTERNAL_PARAMS) {
            let send = |value: String| async move {
                let url = url_with(ctx, ep, &p.name, &value).ok()?;
                ctx.send(ProbeRequest::get(url).no_redirects().no_cache()).await.ok()
            };
            let control = send(INTERNAL_CONTROL_URL.to_string()).await;
            let answers = join_all(payloads.iter().map(|(label, url)| {
                let send = &send;
                async move { (label, url, send(url.clone()).await) }
            }))
            .await;
            let control_status = control.as_ref().map(|c| c.status);
            let control_body = control.as_ref().map(|c| String::from_utf8_lossy(&c.body).into_owned()).unwrap_or_default();
            let mut best: Option<(InternalEvidence, &String, &String, &palisade_http::Response)> = None;
            let mut others = Vec::new();
            for (label, url, resp) in &answers {
                let Some(resp) = resp else { continue };
                let body = String::from_utf8_lossy(&resp.body);
                let Some(ev) = judge_internal(resp.status, &body, control_status, &control_body) else { continue };
                others.push(label.as_str());
                if best.as_ref().is_none_or(|(b, ..)| ev > *b) {
                    best = Some((ev, *label, *url, resp));
                }
            }
            let Some((ev, label, url, resp)) = best else { continue };
            let (severity, confidence, what) = match &ev {
                InternalEvidence::MetadataRead(m) => (Severity::Critical, Confidence::High, format!("cloud metadata content ('{m}')")),
                InternalEvidence::MetadataReached(m) => (Severity::High, Confidence::High, format!("a cloud metadata service's answer ('{m}')")),
                InternalEvidence::Banner(m) => (Severity::High, Confidence::High, format!("an internal service banner ('{m}')")),
                InternalEvidence::Differential => {
                    (Severity::Medium, Confidence::Medium, "a success answer where the unresolvable control URL failed".to_string())
                }
            };
            let control_shown = control_status.map_or_else(|| "no answer".to_string(), |c| format!("HTTP {c}"));
            others.retain(|o| *o != label.as_str());
            let also = if others.is_empty() { String::new() } else { format!(" Other payloads with evidence: {}.", others.join(", ")) };
            ctx.report(
                Finding::new(
                    r,
                    ep.label(),
                    format!(
                        "Parameter '{}' fetched the internal address {url} ({label}): HTTP {} showing {what}; the control URL {INTERNAL_CONTROL_URL} got {control_shown}.{also}",
                        p.name, resp.status
                    ),
                    &p.name,
                )
                .severity(severity)
                .confidence(confidence)
                .detail(label.clone())
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    related: control.as_ref().map(|c| vec![c.exchange_id]).unwrap_or_default(),
                    location: format!("request.query.{}", p.name),
                    excerpt: clip(&format!("{url} -> HTTP {} ({what}); control -> {control_shown}", resp.status), 240),
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

    #[test]
    fn internal_answers_are_judged_against_the_control() {
        use InternalEvidence::*;
        let refused = r#"{"error":"this demo only fetches http URLs on loopback","url":"http://palisade-control.invalid/"}"#;
        let aws = r#"{"url":"http://169.254.169.254/latest/meta-data/","status":200,"body":"ami-id\ninstance-id"}"#;
        assert_eq!(judge_internal(200, aws, Some(400), refused), Some(MetadataRead("ami-id")));
        // The payload URL reflected in an error proves nothing.
        let echo = r#"{"error":"url not allowed","url":"http://169.254.169.254/latest/meta-data/"}"#;
        assert_eq!(judge_internal(400, echo, Some(400), refused), None);
        let gcp_echo = r#"{"error":"refused","url":"http://metadata.google.internal/computeMetadata/v1/"}"#;
        assert_eq!(judge_internal(400, gcp_echo, Some(400), refused), None);
        assert_eq!(judge_internal(200, "SSH-2.0-OpenSSH_9.6", Some(502), refused), Some(Banner("SSH-2.0-")));
        // A marker the control's answer also shows is the page, not the fetch.
        assert_eq!(judge_internal(200, "docs: ami-id", Some(200), "docs: ami-id"), None);
        assert_eq!(judge_internal(200, "<html>router admin</html>", Some(502), refused), Some(Differential));
        assert_eq!(judge_internal(200, "<html>router admin</html>", Some(200), "ok"), None, "control also succeeded");
        assert_eq!(judge_internal(200, r#"{"error":"blocked"}"#, Some(400), refused), None);
        assert_eq!(judge_internal(200, "", None, ""), None);
        assert!(MetadataRead("x") > MetadataReached("x") && MetadataReached("x") > Banner("x") && Banner("x") > Differential);
    }

    #[test]
    fn no_marker_occurs_in_a_payload_url() {
        let target = Url::parse("http://127.0.0.1:8080/").unwrap();
        let payloads = internal_payloads(&target);
        assert_eq!(payloads.len(), INTERNAL_PAYLOADS.len() + OWN_HOST_PORTS.len());
        for (_, url) in &payloads {
            for m in METADATA_READ_MARKERS.iter().chain(METADATA_REACHED_MARKERS).chain(BANNER_MARKERS) {
                assert!(!url.contains(m), "{url} contains {m}");
            }
        }
        let on_22 = internal_payloads(&Url::parse("http://127.0.0.1:22/").unwrap());
        assert!(!on_22.iter().any(|(l, _)| l == "own-host-port-22"), "the target's own port is not 'another port'");
        assert!(payloads.iter().any(|(_, u)| u == "http://127.0.0.1:6379/"));
    }
}
