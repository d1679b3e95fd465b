//! Data Exposure: the detector over every response, debug endpoints, and the
//! key reflection probe (the seed's core case). DE008 lives in `key_reveal`.

use crate::checks::data_exposure::key_reveal::forbids_storage;
use crate::checks::support::{clip, endpoint_label, CANARY_PREFIX};
use crate::rules::{
    de001_secret_in_response, de002_pii_in_response, de003_debug_output, de004_internal_details, de005_debug_endpoint, de006_key_reflection,
    de007_secret_cacheable,
};
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Evidence, Finding, RuleMeta, Severity};
use palisade_detect::{Detector, Kind, Match};
use palisade_engine::{Check, CheckFailure, PassiveCheck, ScanContext};
use palisade_http::{AuthMode, ProbeRequest, Response};
use rand::Rng;

/// Characters of context kept either side of a masked value in an excerpt.
const EXCERPT_CONTEXT: usize = 48;

/// DE001–DE004, DE007: the detector over every response body and header.
pub struct ResponseScan;

impl PassiveCheck for ResponseScan {
    fn name(&self) -> &'static str {
        "data-exposure/response-scan"
    }
    fn category(&self) -> Category {
        Category::DataExposure
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[
            &de001_secret_in_response::RULE,
            &de002_pii_in_response::RULE,
            &de003_debug_output::RULE,
            &de004_internal_details::RULE,
            &de007_secret_cacheable::RULE,
            &crate::rules::de008_key_reveal_cacheable::RULE,
        ]
    }

    fn observe(&self, ctx: &ScanContext, request: &ProbeRequest, response: &Response) {
        let detector = Detector::builtin();
        let endpoint = endpoint_label(request);
        let anonymous = matches!(request.auth, AuthMode::Anonymous) || ctx.engine.config().identities.is_empty();
        let success = (200..300).contains(&response.status);
        let mut saw_secret = false;

        let body = &response.body;
        let matches = detector.scan(body);
        let redacted = if matches.is_empty() { String::new() } else { ctx.redact(&String::from_utf8_lossy(body)) };
        for m in &matches {
            let raw = &body[m.start.min(body.len())..m.end.min(body.len())];
            if raw.windows(CANARY_PREFIX.len()).any(|w| w == CANARY_PREFIX.as_bytes()) {
                continue;
            }
            let excerpt = excerpt_around(&redacted, m);
            if let Some(f) = finding_for(ctx, m, &endpoint, response, "response.body", excerpt, anonymous && success) {
                saw_secret |= f.rule == de001_secret_in_response::RULE.code;
                ctx.report(f);
            }
        }

        for (name, value) in &response.headers {
            let line = format!("{name}: {value}");
            for m in detector.scan(line.as_bytes()) {
                // Banners in headers are IN002's; our own canary is not a leak.
                if m.rule_id == "version-banner" || line[m.start..m.end].contains(CANARY_PREFIX) {
                    continue;
                }
                let excerpt = clip(&ctx.redact(&line), 160);
                let location = format!("response.header.{name}");
                if let Some(f) = finding_for(ctx, &m, &endpoint, response, &location, excerpt, anonymous && success) {
                    saw_secret |= f.rule == de001_secret_in_response::RULE.code;
                    ctx.report(f);
                }
            }
        }

        let is_write = !matches!(request.method.as_str(), "GET" | "HEAD" | "OPTIONS");
        if saw_secret && success && is_write {
            // A key handed out by a write (creation) is DE008's one-time reveal.
            if let Some(f) = crate::checks::data_exposure::key_reveal::creation_reveal_finding(&endpoint, request, response) {
                ctx.report(f);
            }
        } else if saw_secret && success && !forbids_storage(response.header("cache-control")) {
            let r = &de007_secret_cacheable::RULE;
            let cc = response.header("cache-control").unwrap_or("(absent)");
            ctx.report(Finding::new(r, &endpoint, format!("The response carries a secret and Cache-Control is {cc}."), "").evidence(Evidence {
                exchange: Some(response.exchange_id),
                location: "response.header.Cache-Control".into(),
                excerpt: format!("Cache-Control: {cc}"),
                ..Default::default()
            }));
        }
    }
}

fn finding_for(
    ctx: &ScanContext,
    m: &Match,
    endpoint: &str,
    response: &Response,
    location: &str,
    excerpt: String,
    anonymous_success: bool,
) -> Option<Finding> {
    let (rule, mut severity) = match m.kind {
        Kind::Secret => (&de001_secret_in_response::RULE, m.severity),
        Kind::Pii => (&de002_pii_in_response::RULE, m.severity),
        Kind::Debug => (&de003_debug_output::RULE, m.severity),
        Kind::Internal => (&de004_internal_details::RULE, m.severity),
    };
    // A secret handed to anyone who asks is worse than one behind a login.
    if m.kind == Kind::Secret && anonymous_success && severity >= Severity::High {
        severity = Severity::Critical;
    }
    if m.kind == Kind::Pii && matches!(ctx.context, palisade_core::Context::Medical | palisade_core::Context::Financial) {
        severity = severity.raised();
    }
    let what = match m.kind {
        Kind::Secret => format!("{} ({}) in {location}", m.rule_name, m.masked),
        Kind::Pii => format!("{} in {location}", m.rule_name),
        Kind::Debug => format!("{} in {location} (HTTP {})", m.rule_name, response.status),
        Kind::Internal => format!("{} in {location}", m.rule_name),
    };
    let message = match &m.context {
        Some(c) if m.kind == Kind::Secret && is_field_name(c) => format!("{what}, under field '{c}'."),
        Some(c) if m.kind == Kind::Secret => format!("{what} ({c})."),
        _ => format!("{what}."),
    };
    let finding = match m.kind {
        // The same secret value on the same endpoint is one finding.
        Kind::Secret | Kind::Pii => Finding::new(rule, endpoint, message, &m.fingerprint),
        // One debug page kind per endpoint.
        Kind::Debug => Finding::new(rule, endpoint, message, &m.rule_id),
        // The same internal host or path everywhere is one finding for the target.
        Kind::Internal => Finding::new(rule, endpoint, message, "").target_wide(&ctx.origin(), &format!("{}={}", m.rule_id, m.masked)),
    };
    Some(finding.severity(severity).confidence(m.confidence).detail(m.rule_id.clone()).evidence(Evidence {
        exchange: Some(response.exchange_id),
        location: location.to_string(),
        excerpt,
        ..Default::default()
    }))
}

/// Detector contexts are field names (`key`, `api_key`) or descriptions (`postgres://`, `alg=HS256`).
fn is_field_name(c: &str) -> bool {
    !c.is_empty() && c.len() <= 64 && c.chars().all(|ch| ch.is_ascii_alphanumeric() || "_- .".contains(ch))
}

/// A short, already-redacted window of text around a match.
fn excerpt_around(redacted: &str, m: &Match) -> String {
    let anchor = match m.kind {
        Kind::Secret | Kind::Pii => redacted.find(m.masked.as_str()),
        _ => None,
    }
    .unwrap_or_else(|| m.start.min(redacted.len()));
    excerpt_window(redacted, anchor, m.masked.len())
}

/// Up to [`EXCERPT_CONTEXT`] characters either side of `text[anchor..anchor+len]`,
/// starting at a token boundary, whitespace folded. `text` must already be redacted.
fn excerpt_window(text: &str, anchor: usize, len: usize) -> String {
    let mut start = floor_char_boundary(text, anchor.saturating_sub(EXCERPT_CONTEXT));
    if start > 0 {
        let upto = floor_char_boundary(text, anchor.min(text.len())).max(start);
        // The separator may be several bytes long (a thin space is three).
        if let Some((cut, sep)) = text[start..upto].char_indices().find(|&(_, c)| c.is_whitespace() || ",{[;&>".contains(c)) {
            start += cut + sep.len_utf8();
        }
    }
    let end = floor_char_boundary(text, (anchor + len + EXCERPT_CONTEXT).min(text.len()));
    let window = text[start.min(end)..end].split_whitespace().collect::<Vec<_>>().join(" ");
    clip(&window, 200)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Well-known debug and configuration locations, each with the content that confirms it.
struct DebugProbe {
    path: &'static str,
    /// All of these must appear (case-insensitive) for the probe to count.
    markers: &'static [&'static str],
    severity: Severity,
    what: &'static str,
}

const DEBUG_PROBES: &[DebugProbe] = &[
    DebugProbe {
        path: "/console",
        markers: &["werkzeug", "console"],
        severity: Severity::Critical,
        what: "Werkzeug interactive console (remote code execution once unlocked)",
    },
    DebugProbe { path: "/.env", markers: &["="], severity: Severity::High, what: "environment file" },
    DebugProbe { path: "/actuator/env", markers: &["propertysources"], severity: Severity::High, what: "Spring Boot environment endpoint" },
    DebugProbe { path: "/.git/config", markers: &["[core]"], severity: Severity::High, what: "Git repository metadata" },
    DebugProbe { path: "/debug/vars", markers: &["cmdline", "memstats"], severity: Severity::Medium, what: "Go expvar debug endpoint" },
    DebugProbe { path: "/debug/pprof/", markers: &["profiles"], severity: Severity::Medium, what: "Go pprof profiler" },
    DebugProbe { path: "/server-status", markers: &["server status"], severity: Severity::Medium, what: "Apache server-status page" },
    DebugProbe { path: "/phpinfo.php", markers: &["php version"], severity: Severity::Medium, what: "phpinfo() page" },
    DebugProbe { path: "/api-keys", markers: &["key"], severity: Severity::Medium, what: "API key metadata list answered without credentials" },
    DebugProbe { path: "/api/keys", markers: &["key"], severity: Severity::Medium, what: "API key metadata list answered without credentials" },
    DebugProbe { path: "/keys", markers: &["key"], severity: Severity::Medium, what: "API key metadata list answered without credentials" },
    DebugProbe { path: "/tokens", markers: &["token"], severity: Severity::Medium, what: "token list answered without credentials" },
    DebugProbe { path: "/credentials", markers: &["credential"], severity: Severity::Medium, what: "credential list answered without credentials" },
];

/// DE005: debug consoles and sensitive files reachable without credentials.
pub struct DebugEndpoints;

#[async_trait]
impl Check for DebugEndpoints {
    fn name(&self) -> &'static str {
        "data-exposure/debug-endpoints"
    }
    fn category(&self) -> Category {
        Category::DataExposure
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&de005_debug_endpoint::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        for probe in DEBUG_PROBES {
            let url = ctx.url_for(probe.path)?;
            let req = ProbeRequest::get(url).auth(AuthMode::Anonymous).no_redirects();
            let Ok(resp) = ctx.send(req).await else { continue };
            if resp.status != 200
                || ctx.soft404.is_not_found(&resp, probe.path.trim_start_matches('/'))
                || ctx.is_not_found_at(probe.path, &resp).await
            {
                continue;
            }
            let text = resp.text().to_ascii_lowercase();
            if !probe.markers.iter().all(|m| text.contains(m)) || !confirms(probe, &resp, &text) {
                continue;
            }
            let r = &de005_debug_endpoint::RULE;
            let label = format!("GET {}", probe.path);
            let redacted = ctx.redact(&resp.text());
            ctx.report(
                Finding::new(r, &label, format!("{} at {} (HTTP 200 without credentials).", probe.what, probe.path), "")
                    .severity(probe.severity)
                    .evidence(Evidence {
                        exchange: Some(resp.exchange_id),
                        location: "response.body".into(),
                        excerpt: clip(&redacted.split_whitespace().collect::<Vec<_>>().join(" "), 160),
                        ..Default::default()
                    }),
            );
        }
        // What content discovery found beyond this list.
        crate::checks::data_exposure::discovered_content::report_exposures(ctx, &de005_debug_endpoint::RULE);
        Ok(())
    }
}

/// Extra confirmation beyond markers, for probes whose markers are common words.
fn confirms(probe: &DebugProbe, resp: &Response, text: &str) -> bool {
    let html = text.contains("<html") || text.contains("<!doctype");
    match probe.path {
        // An env file is lines of NAME=value, not an HTML page.
        "/.env" => !html && text.lines().filter(|l| is_env_line(l)).count() >= 2,
        // A key list must be structured data, not a marketing page.
        "/api-keys" | "/api/keys" | "/keys" | "/tokens" | "/credentials" => resp.json().is_some(),
        _ => true,
    }
}

fn is_env_line(line: &str) -> bool {
    let line = line.trim();
    match line.split_once('=') {
        Some((k, _)) => !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        None => false,
    }
}

/// DE006: send a canary key and look for it in the answer.
pub struct KeyReflection;

/// Most operations the probe samples.
const REFLECTION_SAMPLE: usize = 10;

/// Query parameter names that carry an API key.
const KEY_PARAM_NAMES: &[&str] = &["api_key", "apikey", "key", "token", "access_token", "api-key"];

/// How likely an operation is to read (and so possibly echo) an API key; lower is better.
/// A declared key parameter and an API-key scheme first, then either, then any security, then the rest.
fn reflection_rank(ep: &palisade_core::Endpoint, inventory: &palisade_core::Inventory) -> u8 {
    let api_key_scheme =
        ep.requires_auth() && ep.security.iter().flatten().any(|name| inventory.security_schemes.get(name).is_some_and(|s| s.kind == "apiKey"));
    let key_param = ep.parameters.iter().any(|p| KEY_PARAM_NAMES.iter().any(|n| p.name.eq_ignore_ascii_case(n)));
    match (key_param, api_key_scheme, ep.requires_auth()) {
        (true, true, _) => 0,
        (true, false, _) => 1,
        (false, true, _) => 2,
        (false, false, true) => 3,
        (false, false, false) => 4,
    }
}

#[async_trait]
impl Check for KeyReflection {
    fn name(&self) -> &'static str {
        "data-exposure/key-reflection"
    }
    fn category(&self) -> Category {
        Category::DataExposure
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&de006_key_reflection::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let canary = format!("{CANARY_PREFIX}{:024x}", rand::rng().random::<u128>() & ((1u128 << 96) - 1));
        let mut targets = vec![ctx.target.clone()];
        {
            let crawled = ctx.crawled.lock().unwrap();
            // Prefer operations that read a key: they are the ones that can echo it.
            let mut eps: Vec<_> = crawled.iter().map(|(ep, _)| ep.clone()).collect();
            eps.sort_by_key(|ep| reflection_rank(ep, &ctx.inventory));
            for ep in eps.into_iter().take(REFLECTION_SAMPLE) {
                if let Ok(u) = ctx.endpoint_url(&palisade_engine::triage::concrete_path(&ep)) {
                    targets.push(u);
                }
            }
        }
        targets.dedup();
        for url in targets {
            // One finding per operation, naming every way the key came back.
            let mut hits: Vec<(Variant, Response, String)> = Vec::new();
            for variant in Variant::ALL {
                let req = variant.request(url.clone(), &canary);
                let Ok(resp) = ctx.send(req).await else { continue };
                if let Some(location) = reflected_in(&resp, &canary) {
                    hits.push((variant, resp, location));
                }
            }
            let Some(best) = hits.iter().position(|(_, r, _)| is_debug_page(r)).or(if hits.is_empty() { None } else { Some(0) }) else {
                continue;
            };
            let r = &de006_key_reflection::RULE;
            let (_, resp, location) = &hits[best];
            let debug = is_debug_page(resp);
            let severity = if debug { Severity::Critical } else { r.default_severity };
            let masked = palisade_core::mask::mask_secret(&canary);
            let excerpt = reflection_excerpt(ctx, resp, &canary, &masked, location);
            let ways: Vec<&str> = hits.iter().map(|(v, _, _)| v.describe()).collect();
            let message = format!(
                "A canary key sent {} came back in {location} (HTTP {}){}.",
                ways.join("; "),
                resp.status,
                if debug { ", inside a debug traceback" } else { "" }
            );
            let label = format!("GET {}", url.path());
            ctx.report(Finding::new(r, label, message, "").severity(severity).confidence(Confidence::High).evidence(Evidence {
                exchange: Some(resp.exchange_id),
                related: hits.iter().filter(|(_, x, _)| x.exchange_id != resp.exchange_id).map(|(_, x, _)| x.exchange_id).collect(),
                location: location.clone(),
                excerpt,
            }));
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Variant {
    Header,
    Bearer,
    Query,
    MalformedWithHeader,
}

impl Variant {
    const ALL: [Variant; 4] = [Variant::Header, Variant::Bearer, Variant::Query, Variant::MalformedWithHeader];

    fn describe(self) -> &'static str {
        match self {
            Variant::Header => "in X-API-Key",
            Variant::Bearer => "as a Bearer token",
            Variant::Query => "in api_key/apikey/key/token query parameters",
            Variant::MalformedWithHeader => "in X-API-Key with malformed query values",
        }
    }

    fn request(self, mut url: url::Url, canary: &str) -> ProbeRequest {
        match self {
            Variant::Header => ProbeRequest::get(url).auth(AuthMode::Anonymous).header("X-API-Key", canary),
            Variant::Bearer => ProbeRequest::get(url).auth(AuthMode::Anonymous).header("Authorization", format!("Bearer {canary}")),
            Variant::Query => {
                for name in ["api_key", "apikey", "key", "token"] {
                    url.query_pairs_mut().append_pair(name, canary);
                }
                ProbeRequest::get(url).auth(AuthMode::Anonymous)
            }
            Variant::MalformedWithHeader => {
                url.query_pairs_mut().append_pair("limit", "abc").append_pair("page", "-1").append_pair("id", "'");
                ProbeRequest::get(url).auth(AuthMode::Anonymous).header("X-API-Key", canary).header("Accept", "application/x-palisade-unexpected")
            }
        }
    }
}

fn is_debug_page(resp: &Response) -> bool {
    let text = resp.text();
    text.contains("Traceback (most recent call last)") || text.contains("__debugger__")
}

fn reflected_in(resp: &Response, canary: &str) -> Option<String> {
    if resp.body.windows(canary.len()).any(|w| w == canary.as_bytes()) {
        return Some("response.body".into());
    }
    resp.headers.iter().find(|(_, v)| v.contains(canary)).map(|(k, _)| format!("response.header.{k}"))
}

fn reflection_excerpt(ctx: &ScanContext, resp: &Response, canary: &str, masked: &str, location: &str) -> String {
    let text = if location == "response.body" {
        resp.text()
    } else {
        resp.headers.iter().map(|(k, v)| format!("{k}: {v}")).find(|l| l.contains(canary)).unwrap_or_default()
    };
    // Redact the whole text before cutting a window, so no other secret is
    // cut in half (a half secret is not recognised, and still a leak).
    let redacted = ctx.redact(&text.replace(canary, masked));
    let Some(pos) = redacted.find(masked) else { return String::new() };
    excerpt_window(&redacted, pos, masked.len())
}

#[cfg(test)]
mod excerpt_tests {
    use super::excerpt_window;

    /// Found by `fuzz_graphql_scan`: a multi-byte separator (U+2009, thin space)
    /// before the anchor cut the window inside the character.
    #[test]
    fn a_multi_byte_separator_before_the_anchor_is_cut_whole() {
        let text = format!("{}\u{2009}name{}", "x".repeat(100), "é".repeat(200));
        for anchor in 100..140 {
            let _ = excerpt_window(&text, anchor, 10);
        }
        assert!(excerpt_window(&text, 110, 4).starts_with("name"));
    }
}
