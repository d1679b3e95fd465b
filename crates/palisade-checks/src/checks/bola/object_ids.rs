//! BOLA: object-level authorization.
//!
//! * BO001: ids 1 and 2 both answer with same-shaped, different objects while
//!   a huge id answers not-found: the objects are enumerable.
//! * BO002: with two or more identities, one identity's objects requested
//!   with another identity's credentials.

use crate::checks::support::list_ids;
use crate::rules::{bo001_sequential_object_ids, bo002_cross_identity_access};
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Endpoint, EndpointSource, Evidence, Finding, ParamLocation, RuleMeta};
use palisade_engine::triage::{concrete_path, state_changing_reason};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{AuthMode, ProbeRequest, Response};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// Operations BO001 probes (3 requests each).
pub const MAX_SEQUENTIAL_OPERATIONS: usize = 20;
/// An id no real collection is expected to reach.
const HUGE_ID: &str = "987654321";
/// Identities BO002 compares (all ordered pairs).
pub const MAX_IDENTITIES: usize = 4;
/// List/detail operation pairs BO002 tests.
pub const MAX_RESOURCES: usize = 10;
/// Object ids taken from each identity's list.
pub const MAX_IDS_PER_IDENTITY: usize = 3;

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

/// BO002.
pub struct CrossIdentity;

fn contains_id(body: &Value, field: &str, id: &str) -> bool {
    let matches = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s == id,
        Some(Value::Number(n)) => n.to_string() == id,
        _ => false,
    };
    matches(body.get(field))
        || matches(body.get("id"))
        || body.as_object().is_some_and(|m| m.values().any(|v| v.is_object() && (matches(v.get(field)) || matches(v.get("id")))))
}

#[async_trait]
impl Check for CrossIdentity {
    fn name(&self) -> &'static str {
        "bola/cross-identity"
    }
    fn category(&self) -> Category {
        Category::Bola
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&bo002_cross_identity_access::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let names: Vec<String> = ctx.engine.config().identities.keys().take(MAX_IDENTITIES).cloned().collect();
        if names.len() < 2 {
            return Ok(());
        }
        let gets: Vec<&Endpoint> = ctx.inventory.endpoints.iter().filter(|e| e.method == "GET" && state_changing_reason(e).is_none()).collect();
        let resources: Vec<(&Endpoint, &Endpoint, String)> = gets
            .iter()
            .filter_map(|detail| {
                let p = id_param(detail)?;
                let base = detail.path[..detail.path.rfind('/')?].to_string();
                let list = gets.iter().find(|l| !l.has_path_params() && l.path.trim_end_matches('/') == base)?;
                Some((*list, *detail, p.name.clone()))
            })
            .take(MAX_RESOURCES)
            .collect();
        for (list, detail, field) in resources {
            // Each identity's own objects.
            let mut owned: BTreeMap<&str, (Vec<String>, palisade_core::ExchangeId)> = BTreeMap::new();
            for name in &names {
                let url = ctx.endpoint_url(&concrete_path(list))?;
                let Ok(resp) = ctx.send(ProbeRequest::get(url).auth(AuthMode::Identity(name.clone())).no_redirects()).await else { continue };
                if !resp.is_success() {
                    continue;
                }
                let ids = resp.json().map(|b| list_ids(&b, &field)).unwrap_or_default();
                owned.insert(name, (ids, resp.exchange_id));
            }
            let mut reported: HashSet<(String, String)> = HashSet::new();
            for (owner, (ids, list_exchange)) in &owned {
                for (caller, (caller_ids, _)) in owned.iter().filter(|(c, _)| c != &owner) {
                    let foreign: Vec<&String> = ids.iter().filter(|id| !caller_ids.contains(id)).take(MAX_IDS_PER_IDENTITY).collect();
                    for id in foreign {
                        if reported.contains(&(owner.to_string(), caller.to_string())) {
                            break;
                        }
                        let url = ctx.endpoint_url(&path_with_id(detail, &field, id))?;
                        let Ok(own) = ctx.send(ProbeRequest::get(url.clone()).auth(AuthMode::Identity(owner.to_string())).no_redirects()).await
                        else {
                            continue;
                        };
                        if !own.is_success() {
                            continue;
                        }
                        let Ok(theirs) = ctx.send(ProbeRequest::get(url).auth(AuthMode::Identity(caller.to_string())).no_redirects()).await else {
                            continue;
                        };
                        let Some(body) = theirs.json() else { continue };
                        if !theirs.is_success() || !contains_id(&body, &field, id) {
                            continue;
                        }
                        reported.insert((owner.to_string(), caller.to_string()));
                        let r = &bo002_cross_identity_access::RULE;
                        ctx.report(
                            Finding::new(
                                r,
                                detail.label(),
                                format!(
                                    "Identity '{caller}' read an object of identity '{owner}' (not in its own list) with HTTP {}; '{owner}' itself gets HTTP {}.",
                                    theirs.status, own.status
                                ),
                                &format!("{owner}\u{1f}{caller}"),
                            )
                            .evidence(Evidence {
                                exchange: Some(theirs.exchange_id),
                                related: vec![own.exchange_id, *list_exchange],
                                location: "response.body".into(),
                                excerpt: format!(
                                    "as {caller}: GET {} -> {} (object of {owner})",
                                    path_with_id(detail, &field, id),
                                    theirs.status
                                ),
                            }),
                        );
                    }
                }
            }
        }
        Ok(())
    }
}
