//! BOLA: object-level authorization.
//!
//! * BO001: ids 1 and 2 both answer with same-shaped, different objects while
//!   a huge id answers not-found: the objects are enumerable.
//!
//! BO002 (cross-identity access) is in [`super::cross_identity`].

use crate::rules::bo001_sequential_object_ids;
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Endpoint, EndpointSource, Evidence, Finding, ParamLocation, RuleMeta};
use palisade_engine::triage::{concrete_path, state_changing_reason};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{ProbeRequest, Response};
use serde_json::Value;

/// Operations BO001 probes (3 requests each).
pub const MAX_SEQUENTIAL_OPERATIONS: usize = 20;
/// An id no real collection is expected to reach.
const HUGE_ID: &str = "987654321";

/// A GET detail operation `…/{param}` with one declared path parameter named like an id.
fn id_param(ep: &Endpoint) -> Option<&palisade_core::Parameter> {
    if ep.method != "GET" || ep.path.matches('{').count() != 1 || !ep.path.ends_with('}') {
        return None;
    }
    let p = ep.parameters.iter().find(|p| p.location == ParamLocation::Path)?;
    if !ep.path.ends_with(&format!("{{{}}}", p.name)) {
        return None;
    }
    let n = p.name.to_ascii_lowercase();
    (n == "id" || n.ends_with("id") || n.ends_with("_id") || n == "key" || n == "number").then_some(p)
}

/// `ep`'s concrete path with the id parameter set to `value`.
fn path_with_id(ep: &Endpoint, name: &str, value: &str) -> String {
    let mut e = ep.clone();
    for p in e.parameters.iter_mut().filter(|p| p.location == ParamLocation::Path && p.name == name) {
        p.example = Some(Value::String(value.to_string()));
    }
    concrete_path(&e)
}

fn object_keys(resp: &Response) -> Option<Vec<String>> {
    match resp.json()? {
        Value::Object(m) if !m.is_empty() => {
            let mut k: Vec<String> = m.keys().cloned().collect();
            k.sort();
            Some(k)
        }
        _ => None,
    }
}

/// BO001.
pub struct SequentialIds;

#[async_trait]
impl Check for SequentialIds {
    fn name(&self) -> &'static str {
        "bola/sequential-ids"
    }
    fn category(&self) -> Category {
        Category::Bola
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&bo001_sequential_object_ids::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let candidates: Vec<(Endpoint, String)> = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|e| e.source == EndpointSource::Spec && state_changing_reason(e).is_none())
            .filter_map(|e| {
                let p = id_param(e)?;
                let uuid = p.format.as_deref().is_some_and(|f| f.eq_ignore_ascii_case("uuid"));
                (!uuid && matches!(p.schema_type.as_deref(), None | Some("integer" | "number" | "string"))).then(|| (e.clone(), p.name.clone()))
            })
            .take(MAX_SEQUENTIAL_OPERATIONS)
            .collect();
        for (ep, name) in candidates {
            let mut resps = Vec::new();
            for id in ["1", "2", HUGE_ID] {
                let path = path_with_id(&ep, &name, id);
                match ctx.send(ProbeRequest::get(ctx.endpoint_url(&path)?).no_redirects()).await {
                    Ok(r) => resps.push((path, r)),
                    Err(_) => break,
                }
            }
            let [(p1, r1), (p2, r2), (p3, r3)] = &resps[..] else { continue };
            let found = |r: &Response, p: &str| r.is_success() && !ctx.soft404.is_not_found(r, p);
            let huge_not_found = ctx.soft404.is_not_found(r3, p3) || (400..500).contains(&r3.status);
            if !found(r1, p1) || !found(r2, p2) || !huge_not_found {
                continue;
            }
            let (Some(k1), Some(k2)) = (object_keys(r1), object_keys(r2)) else { continue };
            if k1 != k2 || r1.body == r2.body {
                continue;
            }
            let r = &bo001_sequential_object_ids::RULE;
            ctx.report(
                Finding::new(
                    r,
                    ep.label(),
                    format!(
                        "Ids 1 and 2 both return a different object of the same shape ({} properties) while id {HUGE_ID} answers HTTP {}: objects can be enumerated by counting.",
                        k1.len(),
                        r3.status
                    ),
                    "",
                )
                .confidence(Confidence::Medium)
                .evidence(Evidence {
                    exchange: Some(r2.exchange_id),
                    related: vec![r1.exchange_id, r3.exchange_id],
                    location: "response.body".into(),
                    excerpt: format!(
                        "{p1} -> {}; {p2} -> {}; {p3} -> {} (keys: {})",
                        r1.status,
                        r2.status,
                        r3.status,
                        crate::checks::support::clip(&k1.join(","), 120)
                    ),
                }),
            );
        }
        Ok(())
    }
}
