//! Unsafe Consumption: upstream responses passed through (UC001), plain-HTTP
//! upstreams (UC002), unsigned webhook registrations in the spec (UC003).

use crate::checks::support::name_words;
use crate::checks::support::{clip, endpoint_label};
use crate::rules::{uc001_upstream_passthrough, uc002_plaintext_upstream, uc003_unsigned_webhook};
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Endpoint, Evidence, Finding, RuleMeta};
use palisade_engine::{Check, CheckFailure, PassiveCheck, ScanContext};
use palisade_http::{ProbeRequest, Response, Url};
use serde_json::Value;

/// Headers that name the service a response came from.
const UPSTREAM_HEADERS: &[&str] = &["x-upstream", "x-backend", "x-backend-server", "x-backend-host", "x-origin-server", "x-proxy-upstream"];
/// Text that only an application server's own error page contains.
const FOREIGN_ERROR_MARKERS: &[&str] = &[
    "exception report",
    "java.lang.",
    "traceback (most recent call last)",
    "stack trace",
    "at org.",
    "at com.",
    "apache tomcat",
    "jetty",
    "whitelabel error page",
    "microsoft-iis",
    "server error in '/' application",
];
/// JSON keys whose URL values name a service the API talks to.
const UPSTREAM_KEY_WORDS: &[&str] =
    &["upstream", "backend", "origin", "source", "service", "endpoint", "server", "base", "api", "provider", "callback", "webhook"];
/// Namespace/schema URLs that are identifiers, not services.
const NAMESPACE_HOSTS: &[&str] =
    &["www.w3.org", "w3.org", "json-schema.org", "schemas.xmlsoap.org", "purl.org", "xmlns.com", "schemas.microsoft.com", "ns.adobe.com"];
/// Most JSON nodes UC002 visits per response (hostile bodies stay cheap).
const MAX_JSON_NODES: usize = 5_000;

fn is_upstream_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    UPSTREAM_HEADERS.contains(&n.as_str()) || n.starts_with("x-upstream-") || n.starts_with("x-backend-")
}

/// A plain-HTTP URL of a host other than the target and loopback, as `http://host[:port]`.
fn foreign_plain_http(value: &str, target: &Url) -> Option<String> {
    let start = value.to_ascii_lowercase().find("http://")?;
    let candidate: String = value[start..].chars().take_while(|c| !c.is_whitespace() && !"\"'<>,;".contains(*c)).collect();
    let url = Url::parse(&candidate).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let loopback = match url.host()? {
        url::Host::Ipv4(ip) => ip.is_loopback() || ip.is_unspecified(),
        url::Host::Ipv6(ip) => ip.is_loopback() || ip.is_unspecified(),
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
    };
    if loopback || Some(host.as_str()) == target.host_str() || NAMESPACE_HOSTS.contains(&host.as_str()) {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

/// `(json path, url)` of plain-HTTP upstream URLs under upstream-ish keys.
fn json_upstream_urls(v: &Value, target: &Url) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Value, String, bool)> = vec![(v, String::new(), false)];
    let mut visited = 0;
    while let Some((v, path, upstreamish)) = stack.pop() {
        visited += 1;
        if visited > MAX_JSON_NODES {
            break;
        }
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let flag = name_words(k).iter().any(|w| UPSTREAM_KEY_WORDS.contains(&w.as_str()));
                    stack.push((child, format!("{path}.{k}"), flag));
                }
            }
            Value::Array(items) => stack.extend(items.iter().map(|c| (c, path.clone(), upstreamish))),
            Value::String(s) if upstreamish => {
                if let Some(origin) = foreign_plain_http(s, target) {
                    out.push((path, origin));
                }
            }
            _ => {}
        }
    }
    out
}

/// UC001 and the response half of UC002.
pub struct UpstreamPassthrough;

impl PassiveCheck for UpstreamPassthrough {
    fn name(&self) -> &'static str {
        "unsafe-consumption/upstream-passthrough"
    }
    fn category(&self) -> Category {
        Category::UnsafeConsumption
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&uc001_upstream_passthrough::RULE, &uc002_plaintext_upstream::RULE]
    }

    fn observe(&self, ctx: &ScanContext, request: &ProbeRequest, response: &Response) {
        let endpoint = endpoint_label(request);
        let evidence = |location: String, excerpt: String| Evidence { exchange: Some(response.exchange_id), location, excerpt, ..Default::default() };
        for (name, value) in response.headers.iter().filter(|(n, _)| is_upstream_header(n)) {
            let shown = clip(&ctx.redact(&palisade_core::mask::mask_named_value(name, value)), 160);
            ctx.report(
                Finding::new(
                    &uc001_upstream_passthrough::RULE,
                    &endpoint,
                    format!("The response carries the upstream's '{name}' header, so the API relays what its backend sends."),
                    &format!("header:{}", name.to_ascii_lowercase()),
                )
                .evidence(evidence(format!("response.header.{name}"), format!("{name}: {shown}"))),
            );
            if let Some(origin) = foreign_plain_http(value, &ctx.target) {
                ctx.report(
                    Finding::new(
                        &uc002_plaintext_upstream::RULE,
                        &endpoint,
                        format!("The API names the upstream {origin}, reached over plain HTTP."),
                        "",
                    )
                    .target_wide(&ctx.origin(), &origin)
                    .evidence(evidence(format!("response.header.{name}"), format!("{name}: {shown}"))),
                );
            }
        }

        if matches!(response.status, 502..=504) {
            let is_html = response.content_type().is_some_and(|c| c.to_ascii_lowercase().contains("html"));
            let lower = String::from_utf8_lossy(&response.body[..response.body.len().min(64 * 1024)]).to_ascii_lowercase();
            if let Some(marker) = FOREIGN_ERROR_MARKERS.iter().find(|m| is_html && lower.contains(**m)) {
                let title = lower
                    .split_once("<title>")
                    .and_then(|(_, rest)| rest.split_once("</title>"))
                    .map(|(t, _)| t.trim().to_string())
                    .unwrap_or_else(|| (*marker).to_string());
                ctx.report(
                    Finding::new(
                        &uc001_upstream_passthrough::RULE,
                        &endpoint,
                        format!("HTTP {} returns another server's error page ('{marker}') instead of the API's own error.", response.status),
                        "error-page",
                    )
                    .confidence(Confidence::Medium)
                    .evidence(evidence("response.body".into(), clip(&ctx.redact(&format!("<title>{title}</title>")), 160))),
                );
            }
        }

        let json_like = response.content_type().is_some_and(|c| c.to_ascii_lowercase().contains("json"));
        if json_like {
            if let Some(v) = response.json() {
                for (path, origin) in json_upstream_urls(&v, &ctx.target) {
                    ctx.report(
                        Finding::new(
                            &uc002_plaintext_upstream::RULE,
                            &endpoint,
                            format!("The response names the upstream {origin} (at {path}), reached over plain HTTP."),
                            "",
                        )
                        .target_wide(&ctx.origin(), &origin)
                        .evidence(evidence(format!("response.body{path}"), clip(&format!("{path}: {origin}"), 160))),
                    );
                }
            }
        }
    }
}

/// Most spec operations UC003 examines.
const MAX_SPEC_OPERATIONS: usize = 2_000;
/// Words that say an operation registers a webhook or callback.
const WEBHOOK_WORDS: &[&str] = &["webhook", "webhooks", "callback", "callbacks", "hook", "hooks"];
/// Field name words that hold a signing secret or signature.
const SIGNING_WORDS: &[&str] = &["secret", "signature", "signing", "hmac", "sign", "signed"];

/// Property names of a JSON schema, bounded, nested objects and arrays included.
fn schema_property_names(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![schema];
    while let Some(s) = stack.pop() {
        if out.len() > 500 {
            break;
        }
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                out.push(k.clone());
                stack.push(v);
            }
        }
        if let Some(items) = s.get("items") {
            stack.push(items);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(list) = s.get(key).and_then(Value::as_array) {
                stack.extend(list.iter());
            }
        }
    }
    out
}

fn is_webhook_registration(ep: &Endpoint, fields: &[String]) -> bool {
    if ep.method == "GET" || ep.method == "HEAD" || ep.method == "OPTIONS" || ep.method == "DELETE" {
        return false;
    }
    let mut names: Vec<String> = name_words(&ep.path);
    if let Some(id) = &ep.operation_id {
        names.extend(name_words(id));
    }
    for p in &ep.parameters {
        names.extend(name_words(&p.name));
    }
    for f in fields {
        names.extend(name_words(f));
    }
    names.iter().any(|w| WEBHOOK_WORDS.contains(&w.as_str()))
}

/// UC002 (spec servers) and UC003; reads the spec only, sends nothing.
pub struct SpecReview;

#[async_trait]
impl Check for SpecReview {
    fn name(&self) -> &'static str {
        "unsafe-consumption/spec-review"
    }
    fn category(&self) -> Category {
        Category::UnsafeConsumption
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&uc002_plaintext_upstream::RULE, &uc003_unsigned_webhook::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        for server in &ctx.inventory.servers {
            if !server.trim().to_ascii_lowercase().starts_with("http://") {
                continue;
            }
            let Some(origin) = foreign_plain_http(server.trim(), &ctx.target) else { continue };
            ctx.report(
                Finding::new(&uc002_plaintext_upstream::RULE, ctx.origin(), format!("The spec declares the server {origin} over plain HTTP."), "")
                    .target_wide(&ctx.origin(), &origin)
                    .evidence(Evidence {
                        location: "spec.servers".into(),
                        excerpt: clip(&palisade_core::mask::mask_url(server), 160),
                        ..Default::default()
                    }),
            );
        }
        let r = &uc003_unsigned_webhook::RULE;
        for ep in ctx.inventory.endpoints.iter().take(MAX_SPEC_OPERATIONS) {
            let fields = ep.request_body.as_ref().and_then(|b| b.schema.as_ref()).map(schema_property_names).unwrap_or_default();
            if !is_webhook_registration(ep, &fields) {
                continue;
            }
            let all: Vec<String> = fields.iter().cloned().chain(ep.parameters.iter().map(|p| p.name.clone())).collect();
            let signed = all.iter().any(|f| name_words(f).iter().any(|w| SIGNING_WORDS.contains(&w.as_str())));
            if signed {
                continue;
            }
            let shown = if fields.is_empty() { "(no request body schema)".to_string() } else { clip(&fields.join(", "), 120) };
            ctx.report(
                Finding::new(
                    r,
                    ep.label(),
                    format!("{} registers a webhook/callback but its request has no secret or signature field.", ep.label()),
                    "",
                )
                .confidence(Confidence::Medium)
                .evidence(Evidence {
                    location: "spec".into(),
                    excerpt: format!("{} fields: {shown}", ep.label()),
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
    fn plain_http_urls_of_other_hosts_only() {
        let target = Url::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(foreign_plain_http("http://weather-backend.internal:8080", &target).as_deref(), Some("http://weather-backend.internal:8080"));
        assert_eq!(foreign_plain_http("see http://10.0.0.7/x", &target).as_deref(), Some("http://10.0.0.7"));
        assert!(foreign_plain_http("https://svc.internal/", &target).is_none());
        assert!(foreign_plain_http("http://127.0.0.1:9/", &target).is_none());
        assert!(foreign_plain_http("http://www.w3.org/TR/html4/loose.dtd", &target).is_none());
        assert!(foreign_plain_http("http://[", &target).is_none());
    }

    #[test]
    fn json_urls_only_under_upstream_keys() {
        let target = Url::parse("http://127.0.0.1:8080/").unwrap();
        let v = serde_json::json!({"website": "http://blog.internal/", "meta": {"upstream_url": "http://svc.internal:81/v1"}});
        assert_eq!(json_upstream_urls(&v, &target), vec![(".meta.upstream_url".to_string(), "http://svc.internal:81".to_string())]);
    }
}
