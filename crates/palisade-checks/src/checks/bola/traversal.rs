//! BO003: path traversal in an object id parameter.
//!
//! Two objects A and B of one operation are fetched, then A followed by an
//! encoded traversal to B (`A/..%2fB`, ...). When the traversal answers B and
//! not A, and a control of the same form without `..` does not answer B, the
//! server resolved the decoded path after routing: an authorization check on
//! A does not protect B. Only GETs are sent; the host never changes.

use crate::checks::support::clip;
use crate::checks::support::list_ids;
use crate::rules::bo003_id_path_traversal;
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Endpoint, EndpointSource, Evidence, Finding, ParamLocation, RuleMeta};
use palisade_engine::triage::{concrete_path, sample_value, state_changing_reason};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{ProbeRequest, Response};
use serde_json::Value;

/// Operations BO003 probes (2 baseline requests, at most 6 variants and 1 control each).
pub const MAX_TRAVERSAL_OPERATIONS: usize = 12;

/// Encoded ways to write "go up one level" between A and B: (before B, label).
/// `{a}` is the first object's id, `{b}` the second's. None of them is
/// normalised away by URL parsing (a literal `../` or a `%2e%2e` segment would
/// be, and would then be a plain request for B).
pub const VARIANTS: &[&str] = &["{a}/..%2f{b}", "{a}/%2e%2e%2f{b}", "{a}/..;/{b}", "{a}/..%252f{b}", "{a}%2f..%2f{b}", "{a}/..%5c{b}"];

/// The same form with the traversal replaced by a harmless name: if this also
/// answers B, the server just reads the last component; that is no traversal.
fn control_of(variant: &str) -> String {
    variant.replace("%2e%2e", "palisade").replace("..", "palisade")
}

/// Where the id goes in a request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Slot {
    /// The last path segment: the path before it (ends with `/`), and the rest after it (query).
    PathTail { prefix: String, suffix: String },
    /// A query parameter: the path without it, and the parameter name.
    Query { path: String, name: String },
}

impl Slot {
    fn with(&self, id: &str) -> String {
        match self {
            Slot::PathTail { prefix, suffix } => format!("{prefix}{id}{suffix}"),
            Slot::Query { path, name } => {
                let sep = if path.contains('?') { '&' } else { '?' };
                format!("{path}{sep}{name}={id}")
            }
        }
    }
}

fn id_like(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "id" || n.ends_with("id") || n.ends_with("_id") || matches!(n.as_str(), "key" | "number" | "file" | "filename" | "path" | "doc" | "document")
}

/// A candidate operation: label, where the id goes, list path to take ids from, and the spec's sample id.
struct Candidate {
    label: String,
    slot: Slot,
    list_path: Option<String>,
    sample: Option<String>,
}

fn candidates(endpoints: &[Endpoint]) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for ep in endpoints.iter().filter(|e| e.method == "GET" && state_changing_reason(e).is_none()) {
        let concrete = concrete_path(ep);
        let (path_only, query) = match concrete.split_once('?') {
            Some((p, q)) => (p.to_string(), format!("?{q}")),
            None => (concrete.clone(), String::new()),
        };
        match ep.source {
            EndpointSource::Spec => {
                // Last segment is `{param}` with an id-like name.
                let tail_param = ep.path.rsplit('/').next().and_then(|s| s.strip_prefix('{')).and_then(|s| s.strip_suffix('}'));
                if let Some(name) = tail_param.filter(|n| id_like(n)) {
                    let Some(cut) = path_only.rfind('/') else { continue };
                    let param = ep.parameters.iter().find(|p| p.location == ParamLocation::Path && p.name == name);
                    out.push(Candidate {
                        label: ep.label(),
                        slot: Slot::PathTail { prefix: path_only[..=cut].to_string(), suffix: query.clone() },
                        list_path: (!ep.path[..ep.path.rfind('/').unwrap_or(0)].contains('{')).then(|| path_only[..cut].to_string()),
                        sample: param.map(sample_value),
                    });
                    continue;
                }
                for p in ep.parameters.iter().filter(|p| p.location == ParamLocation::Query && id_like(&p.name)) {
                    let others: Vec<String> = ep
                        .parameters
                        .iter()
                        .filter(|o| o.location == ParamLocation::Query && o.required && o.name != p.name)
                        .map(|o| format!("{}={}", o.name, sample_value(o)))
                        .collect();
                    let base = concrete_path(&Endpoint { parameters: Vec::new(), ..ep.clone() });
                    let path = if others.is_empty() { base } else { format!("{base}?{}", others.join("&")) };
                    out.push(Candidate {
                        label: ep.label(),
                        slot: Slot::Query { path, name: p.name.clone() },
                        list_path: None,
                        sample: Some(sample_value(p)),
                    });
                }
            }
            EndpointSource::Discovered => {
                // A discovered path ending in a number: `/files/12`.
                let Some(cut) = path_only.rfind('/') else { continue };
                let last = &path_only[cut + 1..];
                if last.is_empty() || last.len() > 12 || !last.bytes().all(|b| b.is_ascii_digit()) {
                    continue;
                }
                out.push(Candidate {
                    label: ep.label(),
                    slot: Slot::PathTail { prefix: path_only[..=cut].to_string(), suffix: query.clone() },
                    list_path: Some(path_only[..cut].to_string()),
                    sample: Some(last.to_string()),
                });
            }
        }
    }
    // One candidate per request shape.
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| seen.insert(c.slot.clone()));
    out.truncate(MAX_TRAVERSAL_OPERATIONS);
    out
}

/// Is `r` the same object as `reference`? Identical bodies, or JSON objects
/// with the same keys and the same `id`.
fn same_object(r: &Response, reference: &Response) -> bool {
    if r.body.is_empty() {
        return false;
    }
    if r.body == reference.body {
        return true;
    }
    match (r.json(), reference.json()) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let ka: Vec<&String> = a.keys().collect();
            let kb: Vec<&String> = b.keys().collect();
            ka == kb && a.get("id").is_some_and(|id| !id.is_null() && Some(id) == b.get("id"))
        }
        _ => false,
    }
}

/// `path` with a traversal form: the id part is substituted into the slot.
fn variant_path(slot: &Slot, form: &str, a: &str, b: &str) -> String {
    slot.with(&form.replace("{a}", a).replace("{b}", b))
}

/// True when URL parsing kept the traversal as sent (it did not fold `..` away).
fn kept_as_sent(url: &palisade_http::Url, relative: &str) -> bool {
    url.as_str().ends_with(relative)
}

/// BO003.
pub struct IdPathTraversal;

#[async_trait]
impl Check for IdPathTraversal {
    fn name(&self) -> &'static str {
        "bola/id-path-traversal"
    }
    fn category(&self) -> Category {
        Category::Bola
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&bo003_id_path_traversal::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let get = |path: String| async move {
            let url = ctx.endpoint_url(&path)?;
            let resp = ctx.send(ProbeRequest::get(url.clone()).no_redirects()).await?;
            Ok::<_, CheckFailure>((path, url, resp))
        };
        let found =
            |r: &Response, path: &str| r.is_success() && !r.body.is_empty() && !ctx.soft404.is_not_found(r, path.rsplit('/').next().unwrap_or(path));
        for cand in candidates(&ctx.inventory.endpoints) {
            // Two ids: from the list operation when there is one, else the sample and its neighbour.
            let mut ids: Vec<String> = Vec::new();
            if let Some(list) = &cand.list_path {
                if let Ok((_, _, resp)) = get(list.clone()).await {
                    if resp.is_success() {
                        ids = resp.json().map(|b| list_ids(&b, "id")).unwrap_or_default();
                    }
                }
            }
            ids.retain(|i| i.len() <= 64 && i.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
            ids.dedup();
            if ids.len() < 2 {
                ids = match cand.sample.as_deref() {
                    Some(s) if s.parse::<u64>().is_ok_and(|n| n > 1) => vec![s.to_string(), (s.parse::<u64>().unwrap_or(2) - 1).to_string()],
                    _ => vec!["2".into(), "1".into()],
                };
            }
            let (a, b) = (ids[0].clone(), ids[1].clone());
            let Ok((pa, _, ra)) = get(cand.slot.with(&a)).await else { continue };
            let Ok((pb, _, rb)) = get(cand.slot.with(&b)).await else { continue };
            if !found(&ra, &pa) || !found(&rb, &pb) || ra.body == rb.body || same_object(&ra, &rb) {
                continue;
            }
            for form in VARIANTS {
                let path = variant_path(&cand.slot, form, &a, &b);
                let Ok(url) = ctx.endpoint_url(&path) else { continue };
                if !kept_as_sent(&url, &path) {
                    continue;
                }
                let Ok((pv, _, rv)) = get(path.clone()).await else { continue };
                if matches!(rv.status, 401 | 403) || !found(&rv, &pv) || !same_object(&rv, &rb) || same_object(&rv, &ra) {
                    continue;
                }
                // Control: same form, no traversal.
                let control = variant_path(&cand.slot, &control_of(form), &a, &b);
                let control_hit = match get(control.clone()).await {
                    Ok((pc, _, rc)) => found(&rc, &pc) && same_object(&rc, &rb),
                    Err(_) => true,
                };
                if control_hit {
                    continue;
                }
                let r = &bo003_id_path_traversal::RULE;
                ctx.report(
                    Finding::new(
                        r,
                        cand.label.clone(),
                        format!(
                            "GET {pv} answered HTTP {} with the object of GET {pb}, not the one of GET {pa}: the server resolves an encoded `..` in the id after routing, so access granted to one object reaches another.",
                            rv.status
                        ),
                        "",
                    )
                    .confidence(Confidence::High)
                    .detail(form.replace("{a}", "A").replace("{b}", "B"))
                    .evidence(Evidence {
                        exchange: Some(rv.exchange_id),
                        related: vec![ra.exchange_id, rb.exchange_id],
                        location: "request.path".into(),
                        excerpt: clip(&format!("{pv} -> {} (same as {pb}; {pa} -> {}; control {control} differs)", rv.status, ra.status), 240),
                    }),
                );
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_survive_url_parsing_and_literal_dot_dot_does_not() {
        let base = palisade_http::Url::parse("http://127.0.0.1:1/api").unwrap();
        let slot = Slot::PathTail { prefix: "/v1/docs/".into(), suffix: String::new() };
        for form in VARIANTS {
            let path = variant_path(&slot, form, "2", "1");
            let url = palisade_http::Url::parse(&format!("{base}{path}")).unwrap();
            assert!(kept_as_sent(&url, &path), "{form} -> {url}");
            assert_eq!(url.host_str(), Some("127.0.0.1"));
        }
        for folded in ["{a}/../{b}", "{a}/%2e%2e/{b}", "{a}/.%2e/{b}"] {
            let path = variant_path(&slot, folded, "2", "1");
            let url = palisade_http::Url::parse(&format!("{base}{path}")).unwrap();
            assert!(!kept_as_sent(&url, &path), "{folded} should be folded by URL parsing: {url}");
        }
    }

    #[test]
    fn controls_carry_no_traversal() {
        for form in VARIANTS {
            let c = control_of(form);
            assert!(!c.contains("..") && !c.contains("%2e%2e"), "{c}");
        }
    }

    #[test]
    fn query_slots_append_the_id() {
        let s = Slot::Query { path: "/files?v=1".into(), name: "id".into() };
        assert_eq!(s.with("2/..%2f1"), "/files?v=1&id=2/..%2f1");
    }
}
