//! Rate Limiting: a bounded burst (RL001), uncapped page sizes (RL002) and
//! collections without pagination (RL003).
//! Every probe is a GET, paced by the engine's `--rate`.

use crate::checks::support::clip;
use crate::rules::{rl001_no_rate_limit, rl002_unbounded_page_size, rl003_unpaginated_list};
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Evidence, Finding, ParamLocation, RuleMeta, Severity};
use palisade_engine::triage::{concrete_path, state_changing_reason, words};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{ProbeRequest, Response, Url};
use serde_json::Value;

/// Requests in RL001's burst. The engine paces them at `--rate`; the burst
/// stops at the first 429.
pub const BURST_REQUESTS: usize = 20;

/// Fewer successful answers than this and RL001 draws no conclusion.
const BURST_MIN_ANSWERS: usize = BURST_REQUESTS / 2;

/// Headers that say a rate limit exists.
const RATE_LIMIT_HEADERS: &[&str] = &[
    "ratelimit",
    "ratelimit-policy",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-rate-limit-limit",
    "x-rate-limit-remaining",
    "x-rate-limit-reset",
    "retry-after",
];

/// Query parameters that set a page size (compared case-insensitively).
const PAGE_SIZE_PARAMS: &[&str] =
    &["limit", "page_size", "pagesize", "per_page", "perpage", "size", "max_results", "maxresults", "count", "take", "top", "$top"];

/// Most list operations RL002 probes (two requests each).
pub const PAGE_SIZE_MAX_OPERATIONS: usize = 4;

/// The page size a client normally asks for, and the one no server should honour.
const SMALL_PAGE: u32 = 100;
const HUGE_PAGE: u32 = 100_000;

/// Without item counts, a large page this many times bigger than the small one counts.
const SIZE_RATIO: usize = 5;
/// ... and at least this many bytes bigger.
const SIZE_MIN_GROWTH: usize = 64 * 1024;

/// Rate-limit facts of one answer.
#[derive(Debug, Default, Clone, PartialEq)]
struct RateFacts {
    /// Names of rate-limit headers present.
    present: Vec<&'static str>,
    limit: Option<Result<u64, String>>,
    remaining: Option<Result<u64, String>>,
}

impl RateFacts {
    fn of(resp: &Response) -> RateFacts {
        let present: Vec<&'static str> = RATE_LIMIT_HEADERS.iter().copied().filter(|h| resp.header(h).is_some()).collect();
        let read = |names: &[&str]| names.iter().find_map(|n| resp.header(n)).map(|v| v.trim().parse::<u64>().map_err(|_| clip(v.trim(), 40)));
        RateFacts {
            present,
            limit: read(&["ratelimit-limit", "x-ratelimit-limit", "x-rate-limit-limit"]),
            remaining: read(&["ratelimit-remaining", "x-ratelimit-remaining", "x-rate-limit-remaining"]),
        }
    }
}

/// Why a series of rate-limit headers contradicts itself, if it does.
fn inconsistency(facts: &[RateFacts]) -> Option<String> {
    for f in facts {
        if let Some(Err(v)) = &f.limit {
            return Some(format!("the limit header holds '{v}', not a number"));
        }
        if let Some(Err(v)) = &f.remaining {
            return Some(format!("the remaining header holds '{v}', not a number"));
        }
        if let (Some(Ok(l)), Some(Ok(r))) = (&f.limit, &f.remaining) {
            if r > l {
                return Some(format!("remaining ({r}) is larger than the limit ({l})"));
            }
        }
    }
    let remaining: Vec<u64> = facts.iter().filter_map(|f| f.remaining.clone()?.ok()).collect();
    if remaining.len() >= BURST_MIN_ANSWERS && remaining.windows(2).all(|w| w[0] == w[1]) {
        return Some(format!("remaining stays at {} over {} requests: nothing is counted", remaining[0], remaining.len()));
    }
    None
}

/// RL001: a bounded burst is neither refused nor metered.
pub struct BurstRateLimit;

#[async_trait]
impl Check for BurstRateLimit {
    fn name(&self) -> &'static str {
        "rate-limiting/burst"
    }
    fn category(&self) -> Category {
        Category::RateLimiting
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&rl001_no_rate_limit::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let limited_before = ctx.engine.health().rate_limited;
        let mut facts = Vec::new();
        let mut last: Option<Response> = None;
        for _ in 0..BURST_REQUESTS {
            // Default identity: limits are usually per key. Never cached: each one must reach the server.
            let req = ProbeRequest::get(ctx.target.clone()).no_redirects().no_cache();
            let Ok(resp) = ctx.send(req).await else { continue };
            if matches!(resp.status, 429 | 503) {
                // Refused (or the server is struggling): stop at once, nothing to report.
                return Ok(());
            }
            facts.push(RateFacts::of(&resp));
            last = Some(resp);
        }
        // The engine saw a 429 (possibly retried away after Retry-After): the server limits.
        if ctx.engine.health().rate_limited > limited_before || facts.len() < BURST_MIN_ANSWERS {
            return Ok(());
        }
        let Some(last) = last else { return Ok(()) };
        let r = &rl001_no_rate_limit::RULE;
        let origin = ctx.origin();
        let path = last.url.path().to_string();
        let any_headers = facts.iter().any(|f| !f.present.is_empty());
        let finding = if !any_headers {
            Finding::new(
                r,
                &origin,
                format!(
                    "{} GET {path} requests in a burst were all answered (last: HTTP {}) without a 429 or any rate-limit header.",
                    facts.len(),
                    last.status
                ),
                "",
            )
            .detail("no-limit")
            .evidence(Evidence {
                exchange: Some(last.exchange_id),
                location: "response.headers".into(),
                excerpt: format!("{} x GET {path} -> no 429, no RateLimit-*/X-RateLimit-*/Retry-After", facts.len()),
                ..Default::default()
            })
        } else if let Some(why) = inconsistency(&facts) {
            let names: Vec<&str> =
                facts.iter().flat_map(|f| f.present.iter().copied()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            Finding::new(
                r,
                &origin,
                format!("{} GET {path} requests were all accepted and the rate-limit headers contradict themselves: {why}.", facts.len()),
                "",
            )
            .severity(Severity::Low)
            .confidence(Confidence::Medium)
            .detail("inconsistent-headers")
            .evidence(Evidence {
                exchange: Some(last.exchange_id),
                location: "response.headers".into(),
                excerpt: clip(&format!("headers seen: {}", names.join(", ")), 160),
                ..Default::default()
            })
        } else {
            return Ok(());
        };
        ctx.report(finding.target_wide(&origin, ""));
        Ok(())
    }
}

/// The size of the largest list in a JSON answer (top level or one level down).
fn item_count(v: &Value) -> Option<usize> {
    match v {
        Value::Array(a) => Some(a.len()),
        Value::Object(m) => m
            .values()
            .filter_map(|x| match x {
                Value::Array(a) => Some(a.len()),
                Value::Object(inner) => inner.values().filter_map(|y| y.as_array().map(Vec::len)).max(),
                _ => None,
            })
            .max(),
        _ => None,
    }
}

/// `url` with query parameter `name` set to `value` (replaced when present).
fn with_param(url: &Url, name: &str, value: u32) -> Url {
    let pairs: Vec<(String, String)> = url.query_pairs().filter(|(k, _)| k != name).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let mut out = url.clone();
    out.set_query(None);
    {
        let mut q = out.query_pairs_mut();
        for (k, v) in &pairs {
            q.append_pair(k, v);
        }
        q.append_pair(name, &value.to_string());
    }
    out
}

fn human_bytes(n: usize) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} B")
    }
}

/// RL002: list operations that honour any page size.
pub struct PageSize;

#[async_trait]
impl Check for PageSize {
    fn name(&self) -> &'static str {
        "rate-limiting/page-size"
    }
    fn category(&self) -> Category {
        Category::RateLimiting
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&rl002_unbounded_page_size::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let candidates = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|e| e.method == "GET" && state_changing_reason(e).is_none())
            .filter_map(|e| {
                let p = e
                    .parameters
                    .iter()
                    .find(|p| p.location == ParamLocation::Query && PAGE_SIZE_PARAMS.iter().any(|n| p.name.eq_ignore_ascii_case(n)))?;
                Some((e, p.name.clone()))
            })
            .take(PAGE_SIZE_MAX_OPERATIONS);
        for (ep, param) in candidates {
            let Ok(base) = ctx.endpoint_url(&concrete_path(ep)) else { continue };
            let small_req = ProbeRequest::get(with_param(&base, &param, SMALL_PAGE)).no_redirects();
            let Ok(small) = ctx.send(small_req).await else { continue };
            if !small.is_success() || small.body.is_empty() {
                continue;
            }
            // Never cached: a huge answer must not sit in the engine's cache.
            let huge_req = ProbeRequest::get(with_param(&base, &param, HUGE_PAGE)).no_redirects().no_cache();
            let Ok(huge) = ctx.send(huge_req).await else { continue };
            if !huge.is_success() {
                continue;
            }
            let small_items = small.json().as_ref().and_then(item_count);
            let huge_items = if huge.truncated { None } else { huge.json().as_ref().and_then(item_count) };
            let (grew, how) = match (small_items, huge_items) {
                (Some(s), Some(h)) => (h > s, format!("{param}={SMALL_PAGE} -> {s} items; {param}={HUGE_PAGE} -> {h} items")),
                _ => {
                    let (s, h) = (small.body.len(), huge.body.len());
                    let bigger = huge.truncated || (h >= s.saturating_mul(SIZE_RATIO) && h.saturating_sub(s) >= SIZE_MIN_GROWTH);
                    let items = small_items.map(|n| format!(", {n} items")).unwrap_or_default();
                    let cut = if huge.truncated { " (cut at the scan's body cap)" } else { "" };
                    (bigger && h > s, format!("{param}={SMALL_PAGE} -> {}{items}; {param}={HUGE_PAGE} -> {}{cut}", human_bytes(s), human_bytes(h)))
                }
            };
            if !grew {
                continue;
            }
            let r = &rl002_unbounded_page_size::RULE;
            ctx.report(
                Finding::new(r, ep.label(), format!("{} honours {param}={HUGE_PAGE}: {how}.", ep.label()), &param).detail(param.clone()).evidence(
                    Evidence {
                        exchange: Some(huge.exchange_id),
                        related: vec![small.exchange_id],
                        location: "response.body".into(),
                        excerpt: clip(&how, 200),
                    },
                ),
            );
        }
        Ok(())
    }
}

/// Query parameters that page a collection besides the page-size ones.
const PAGING_PARAMS: &[&str] = &[
    "page",
    "offset",
    "skip",
    "cursor",
    "after",
    "before",
    "starting_after",
    "ending_before",
    "page_token",
    "pagetoken",
    "continuation",
    "next",
    "from",
    "start",
];

/// Operation-name words that say "this returns a collection".
const LIST_WORDS: &[&str] = &["list", "search", "all", "index", "find"];

/// Most list operations RL003 fetches.
pub const PAGINATION_MAX_OPERATIONS: usize = 20;
/// One unpaginated answer this large (items or bytes) is an oversized response.
const OVERSIZED_ITEMS: usize = 1000;
const OVERSIZED_BYTES: usize = 1024 * 1024;

/// True when a JSON schema describes a collection (array, or an object with an array property).
fn schema_is_list(schema: &Value) -> bool {
    if schema["type"] == "array" {
        return true;
    }
    schema["properties"].as_object().is_some_and(|props| props.values().any(|p| p["type"] == "array"))
}

/// True when `ep` declares any way to page its answer.
fn declares_paging(ep: &palisade_core::Endpoint) -> bool {
    ep.parameters.iter().any(|p| {
        p.location == ParamLocation::Query
            && (PAGE_SIZE_PARAMS.iter().chain(PAGING_PARAMS).any(|n| p.name.eq_ignore_ascii_case(n))
                || words(&p.name).iter().any(|w| w == "page" || w == "cursor" || w == "limit" || w == "offset"))
    })
}

/// True when the spec suggests `ep` returns a collection.
fn looks_like_list(ep: &palisade_core::Endpoint) -> bool {
    let schema_says = ep.responses.iter().filter(|(code, _)| code.starts_with('2')).any(|(_, r)| r.schema.as_ref().is_some_and(schema_is_list));
    let name_says = ep.operation_id.as_deref().is_some_and(|id| words(id).iter().any(|w| LIST_WORDS.contains(&w.as_str())));
    schema_says || name_says
}

/// RL003: spec list operations that offer no pagination, confirmed by one answer.
pub struct Pagination;

#[async_trait]
impl Check for Pagination {
    fn name(&self) -> &'static str {
        "rate-limiting/pagination"
    }
    fn category(&self) -> Category {
        Category::RateLimiting
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&rl003_unpaginated_list::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let candidates = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|e| e.source == palisade_core::EndpointSource::Spec && e.method == "GET" && state_changing_reason(e).is_none())
            // A collection path ends in a name, not in an `{id}`.
            .filter(|e| !e.path.trim_end_matches('/').ends_with('}'))
            .filter(|e| !declares_paging(e) && looks_like_list(e))
            .take(PAGINATION_MAX_OPERATIONS);
        for ep in candidates {
            let Ok(url) = ctx.endpoint_url(&concrete_path(ep)) else { continue };
            let Ok(resp) = ctx.send(ProbeRequest::get(url).no_redirects()).await else { continue };
            if !resp.is_success() {
                continue;
            }
            let items = if resp.truncated { None } else { resp.json().as_ref().and_then(item_count) };
            let oversized = resp.truncated || resp.body.len() >= OVERSIZED_BYTES || items.is_some_and(|n| n >= OVERSIZED_ITEMS);
            // The spec says "list"; the answer must show one (or be too big to parse).
            if items.is_none() && !oversized {
                continue;
            }
            let size = match items {
                Some(n) => format!("{n} items, {}", human_bytes(resp.body.len())),
                None => format!("{}{}", human_bytes(resp.body.len()), if resp.truncated { ", cut at the scan's body cap" } else { "" }),
            };
            let r = &rl003_unpaginated_list::RULE;
            let mut finding = Finding::new(
                r,
                ep.label(),
                format!("{} returns a collection ({size}) and the spec declares no limit, page or cursor parameter.", ep.label()),
                "",
            )
            .confidence(Confidence::Medium)
            .evidence(Evidence {
                exchange: Some(resp.exchange_id),
                location: "response.body".into(),
                excerpt: format!("GET {} -> HTTP {}, {size}, no paging parameter in the spec", resp.url.path(), resp.status),
                ..Default::default()
            });
            if oversized {
                finding = finding.severity(Severity::Medium).confidence(Confidence::High).detail("oversized");
            }
            ctx.report(finding);
        }
        Ok(())
    }
}

/// Most field paths RL004 names per operation.
const UNBOUNDED_FIELDS_SHOWN: usize = 5;
/// How deep RL004 walks a request schema (unresolved cycles stop here).
const SCHEMA_MAX_DEPTH: usize = 8;
/// Most schema nodes RL004 visits per operation.
const SCHEMA_MAX_NODES: usize = 500;
/// Formats whose values have a fixed or small length.
const BOUNDED_FORMATS: &[&str] = &["uuid", "date", "date-time", "time", "ipv4", "ipv6", "int32", "int64", "float", "double"];

/// One unbounded place in a request schema: (field path, what is missing).
type Unbounded = (String, &'static str);

fn field_path(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        format!("{parent}.{child}")
    }
}

/// Collect the unbounded strings, arrays and open objects of `schema`.
fn unbounded_fields(schema: &Value, path: &str, depth: usize, nodes: &mut usize, out: &mut Vec<Unbounded>) {
    *nodes += 1;
    if depth > SCHEMA_MAX_DEPTH || *nodes > SCHEMA_MAX_NODES || !schema.is_object() {
        return;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema[key].as_array() {
            for part in parts {
                unbounded_fields(part, path, depth + 1, nodes, out);
            }
        }
    }
    // A `$ref` the loader could not resolve (or a cycle): nothing to judge.
    // Read-only properties are never sent in a request.
    if schema.get("$ref").is_some() || schema.get("enum").is_some() || schema.get("const").is_some() || schema["readOnly"] == true {
        return;
    }
    let ty = match &schema["type"] {
        Value::String(t) => t.as_str(),
        // OpenAPI 3.1: ["string", "null"].
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or(""),
        _ if schema.get("properties").is_some() => "object",
        _ if schema.get("items").is_some() => "array",
        _ => "",
    };
    let shown = if path.is_empty() { "(body)" } else { path };
    match ty {
        "string" => {
            let fixed = schema["format"].as_str().is_some_and(|f| BOUNDED_FORMATS.contains(&f));
            if schema.get("maxLength").is_none() && !fixed {
                out.push((shown.to_string(), "string, no maxLength"));
            }
        }
        "array" => {
            if schema.get("maxItems").is_none() {
                out.push((shown.to_string(), "array, no maxItems"));
            }
            unbounded_fields(&schema["items"], &format!("{path}[]"), depth + 1, nodes, out);
        }
        "object" => {
            let closed = schema["additionalProperties"] == Value::Bool(false);
            if !closed && schema.get("maxProperties").is_none() {
                out.push((shown.to_string(), "open object"));
            }
            if let Some(props) = schema["properties"].as_object() {
                for (name, sub) in props {
                    unbounded_fields(sub, &field_path(path, name), depth + 1, nodes, out);
                }
            }
            if let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object()) {
                unbounded_fields(extra, &field_path(path, "*"), depth + 1, nodes, out);
            }
        }
        _ => {}
    }
}

/// RL004: write operations whose JSON request schema sets no size bounds. Reads the spec only.
pub struct UnboundedRequestSchema;

#[async_trait]
impl Check for UnboundedRequestSchema {
    fn name(&self) -> &'static str {
        "rate-limiting/request-schema-bounds"
    }
    fn category(&self) -> Category {
        Category::RateLimiting
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&crate::rules::rl004_unbounded_request_schema::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let r = &crate::rules::rl004_unbounded_request_schema::RULE;
        let writes = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|e| e.source == palisade_core::EndpointSource::Spec && matches!(e.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE"));
        for ep in writes {
            let Some(body) = &ep.request_body else { continue };
            let json = body.content_types.iter().any(|c| {
                let c = c.to_ascii_lowercase();
                c.contains("json")
            });
            let Some(schema) = body.schema.as_ref().filter(|_| json) else { continue };
            let mut found = Vec::new();
            unbounded_fields(schema, "", 0, &mut 0, &mut found);
            found.dedup();
            if found.is_empty() {
                continue;
            }
            let listed: Vec<String> = found.iter().take(UNBOUNDED_FIELDS_SHOWN).map(|(p, why)| format!("{p} ({why})")).collect();
            let more = found.len().saturating_sub(UNBOUNDED_FIELDS_SHOWN);
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            ctx.report(
                Finding::new(
                    r,
                    ep.label(),
                    format!("The JSON request schema of {} sets no size bound on {} field(s): {}{more}.", ep.label(), found.len(), listed.join(", ")),
                    "",
                )
                .confidence(Confidence::Medium)
                .evidence(Evidence {
                    exchange: None,
                    location: "spec.requestBody".into(),
                    excerpt: clip(&listed.join(", "), 200),
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

    fn facts(limit: Option<&str>, remaining: Option<&str>) -> RateFacts {
        let parse = |v: &str| v.parse::<u64>().map_err(|_| v.to_string());
        RateFacts { present: vec!["ratelimit-limit"], limit: limit.map(parse), remaining: remaining.map(parse) }
    }

    #[test]
    fn counting_headers_are_consistent() {
        let series: Vec<RateFacts> = (0..20).map(|i| facts(Some("20"), Some(&(19 - i).to_string()))).collect();
        assert_eq!(inconsistency(&series), None);
    }

    #[test]
    fn decorative_or_broken_headers_are_inconsistent() {
        let frozen: Vec<RateFacts> = (0..20).map(|_| facts(Some("100"), Some("100"))).collect();
        assert!(inconsistency(&frozen).unwrap().contains("nothing is counted"));
        assert!(inconsistency(&[facts(Some("10"), Some("50"))]).unwrap().contains("larger than the limit"));
        assert!(inconsistency(&[facts(Some("lots"), None)]).unwrap().contains("not a number"));
    }

    #[test]
    fn items_are_counted_in_common_shapes() {
        assert_eq!(item_count(&serde_json::json!([1, 2, 3])), Some(3));
        assert_eq!(item_count(&serde_json::json!({"users": [1, 2], "limit": 2})), Some(2));
        assert_eq!(item_count(&serde_json::json!({"data": {"items": [1, 2, 3, 4]}})), Some(4));
        assert_eq!(item_count(&serde_json::json!({"ok": true})), None);
    }

    #[test]
    fn collections_are_told_from_single_objects() {
        assert!(schema_is_list(&serde_json::json!({"type": "array", "items": {}})));
        assert!(schema_is_list(&serde_json::json!({"type": "object", "properties": {"users": {"type": "array"}}})));
        assert!(!schema_is_list(&serde_json::json!({"type": "object", "properties": {"id": {"type": "string"}}})));
        let mut ep = palisade_core::Endpoint::discovered("GET", "/admin/users");
        ep.operation_id = Some("adminListUsers".into());
        assert!(looks_like_list(&ep) && !declares_paging(&ep));
        ep.parameters.push(palisade_core::Parameter {
            name: "pageToken".into(),
            location: ParamLocation::Query,
            required: false,
            schema_type: None,
            format: None,
            example: None,
        });
        assert!(declares_paging(&ep));
    }

    #[test]
    fn page_param_is_replaced() {
        let u = Url::parse("http://127.0.0.1:1/x?limit=5&a=b").unwrap();
        assert_eq!(with_param(&u, "limit", 100).as_str(), "http://127.0.0.1:1/x?a=b&limit=100");
    }
}
