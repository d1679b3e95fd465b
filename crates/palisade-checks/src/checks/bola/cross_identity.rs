//! BO002: one identity's objects read with another identity's credentials,
//! proven by replay; AU001 when the same object needs no credentials at all.
//!
//! 1. Learn each identity's self: its JWT claims and the answers of
//!    `/me`-like endpoints (spec operations that say "current user", and
//!    well-known names under the API's prefixes).
//! 2. Harvest objects from every identity's answers to the read-only
//!    operations without path parameters (cache hits after the crawl), with
//!    their owner fields, nested objects, links and redirect targets.
//! 3. Attribute objects to an owner ([`ownership::owner_of`]: owner fields
//!    or self ids), or by the difference between the identities' lists, or
//!    a redirect or link only one identity was given.
//! 4. For each object of A at a detail operation: the request as A, then the
//!    same request as every other identity B and anonymously. BO002 when B
//!    gets A's object (the same answer A got, or an answer whose owner is A),
//!    never when B gets an error envelope, nothing, or its own object.
//!
//! Only GETs are sent, each judged by triage first; identities the target
//! rejected in the crawl take no part.

use super::ownership::{self, Object, SelfValues};
use crate::checks::authentication::jwt::identity_token;
use crate::checks::support::clip;
use crate::rules::{au001_auth_not_enforced, bo002_cross_identity_access};
use async_trait::async_trait;
use palisade_core::coverage::OperationIndex;
use palisade_core::{Category, Endpoint, Evidence, ExchangeId, Finding, RuleMeta};
use palisade_engine::triage::{concrete_path, judge, state_changing_reason};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{AuthMode, ProbeRequest, Response};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Identities compared (every ordered pair).
pub const MAX_IDENTITIES: usize = 4;
/// Read-only operations without path parameters harvested, per identity.
pub const MAX_HARVEST_OPERATIONS: usize = 60;
/// Self-endpoint probes per identity.
pub const MAX_SELF_PROBES: usize = 24;
/// Objects replayed in all (each: owner, every other identity, anonymous).
pub const MAX_REPLAYS: usize = 40;
/// Objects replayed per operation and owner.
const MAX_PER_OPERATION_AND_OWNER: usize = 2;

/// Names a "current user" endpoint goes by, under each API prefix.
const SELF_NAMES: &[&str] = &["me", "users/me", "user/me", "user", "profile", "account", "whoami", "self", "users/self", "auth/me", "account/me"];
/// Words of a spec operation that returns the caller.
const SELF_WORDS: &[&str] =
    &["current user", "authenticated user", "logged-in user", "logged in user", "the caller", "my profile", "my account", "yourself"];

/// BO002 (and AU001 for objects anonymous callers can read).
pub struct CrossIdentity;

/// An object found in an identity's answer.
struct Seen {
    /// Path (origin-relative) of the answer it came from.
    source: String,
    object: Object,
}

/// A concrete request for one identity's object.
struct Candidate {
    owner: String,
    path: String,
    /// The operation's label for the finding (`GET /books/v1/{book_title}`).
    label: String,
    /// Inventory endpoint, when the path is one of its operations.
    endpoint: Option<usize>,
    /// Why the object is the owner's.
    why: String,
    /// Values in the object that say it is the owner's (owner value, id).
    marks: Vec<String>,
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
        &[&bo002_cross_identity_access::RULE, &au001_auth_not_enforced::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let names: Vec<String> = ctx.usable_identities().into_iter().take(MAX_IDENTITIES).collect();
        if names.len() < 2 {
            return Ok(());
        }
        let selves = learn_selves(ctx, &names).await;
        let (seen, lists, redirects) = harvest(ctx, &names).await;
        let candidates = candidates(ctx, &names, &selves, &seen, &lists, &redirects);
        let mut reported: HashSet<(String, String, String)> = HashSet::new();
        let mut anonymous_reported: HashSet<String> = HashSet::new();
        for c in candidates.into_iter().take(MAX_REPLAYS) {
            replay(ctx, &names, &selves, &c, &mut reported, &mut anonymous_reported).await?;
        }
        Ok(())
    }
}

/// GET `path` (origin-relative) as `auth`, following in-scope redirects.
async fn get(ctx: &ScanContext, path: &str, auth: AuthMode) -> Option<Response> {
    let url = ctx.url_for(path).ok()?;
    ctx.send(ProbeRequest::get(url).auth(auth)).await.ok()
}

/// A 2xx answer with content that is not a refusal in disguise or a soft-404.
async fn is_object_answer(ctx: &ScanContext, path: &str, resp: &Response) -> bool {
    resp.is_success() && !resp.truncated && !ownership::is_empty_or_refusal(&resp.body) && !ctx.is_not_found_at(path, resp).await
}

/// Origin-relative prefixes the API lives under (`/api`, `/api/v1`, `/v2`),
/// the target's base path first.
fn prefixes(ctx: &ScanContext) -> Vec<String> {
    let base = ctx.target.path().trim_end_matches('/').to_string();
    let mut out = vec![base.clone()];
    for ep in &ctx.inventory.endpoints {
        let segments: Vec<&str> = ep.path.split('/').filter(|s| !s.is_empty()).take_while(|s| !s.starts_with('{')).collect();
        for n in 1..segments.len().min(3) {
            let prefix = format!("{base}/{}", segments[..n].join("/"));
            if !out.contains(&prefix) {
                out.push(prefix);
            }
        }
    }
    out.truncate(6);
    out
}

/// Self-endpoint paths (origin-relative): the spec's, then well-known names.
fn self_paths(ctx: &ScanContext) -> Vec<String> {
    let base = ctx.target.path().trim_end_matches('/');
    let mut out: Vec<String> = ctx
        .inventory
        .endpoints
        .iter()
        .filter(|e| e.method == "GET" && !e.has_path_params() && state_changing_reason(e).is_none())
        .filter(|e| {
            let last = e.path.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_ascii_lowercase();
            let words = format!("{} {}", e.summary.as_deref().unwrap_or(""), e.description.as_deref().unwrap_or("")).to_ascii_lowercase();
            matches!(last.as_str(), "me" | "self" | "whoami" | "profile" | "account" | "user" | "current" | "currentuser" | "current_user")
                || SELF_WORDS.iter().any(|w| words.contains(w))
        })
        .map(|e| format!("{base}{}", e.path))
        .collect();
    for prefix in prefixes(ctx) {
        for name in SELF_NAMES {
            let path = format!("{prefix}/{name}");
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out.truncate(MAX_SELF_PROBES);
    out
}

/// Each identity's self values; values two identities share are dropped.
async fn learn_selves(ctx: &ScanContext, names: &[String]) -> BTreeMap<String, SelfValues> {
    let paths = self_paths(ctx);
    let mut selves: BTreeMap<String, SelfValues> = BTreeMap::new();
    for name in names {
        let mut values = SelfValues::default();
        if let Some(jwt) = identity_token(ctx, name) {
            values.learn(&Value::Object(jwt.claims.clone()));
        }
        for path in &paths {
            let Some(resp) = get(ctx, path, AuthMode::Identity(name.clone())).await else { continue };
            if is_object_answer(ctx, path, &resp).await {
                if let Some(json) = resp.json() {
                    values.learn(&json);
                }
            }
        }
        selves.insert(name.clone(), values);
    }
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for v in selves.values().flat_map(SelfValues::iter) {
        *count.entry(v.clone()).or_default() += 1;
    }
    let shared: BTreeSet<String> = count.into_iter().filter(|(_, n)| *n > 1).map(|(v, _)| v).collect();
    selves.values_mut().for_each(|s| s.without(&shared));
    selves
}

/// Per (source path, identity): the first field value of every object, for
/// list differences.
type Lists = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// Objects from every identity's answers to operations without path
/// parameters and to self endpoints, and redirect targets per identity.
async fn harvest(ctx: &ScanContext, names: &[String]) -> (Vec<Seen>, Lists, BTreeMap<String, BTreeSet<String>>) {
    let base = ctx.target.path().trim_end_matches('/');
    let mut paths: Vec<String> = ctx
        .inventory
        .endpoints
        .iter()
        .filter(|e| e.method == "GET" && !e.has_path_params() && judge(e).is_none())
        .map(|e| format!("{base}{}", concrete_path(e)))
        .collect();
    paths.sort();
    paths.dedup();
    paths.truncate(MAX_HARVEST_OPERATIONS);
    paths.extend(self_paths(ctx));
    let mut seen = Vec::new();
    let mut lists: Lists = BTreeMap::new();
    let mut redirects: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for name in names {
        for path in &paths {
            let Some(resp) = get(ctx, path, AuthMode::Identity(name.clone())).await else { continue };
            for hop in resp.redirects.iter().chain(std::iter::once(&resp.url)).filter(|u| u.path() != path.split('?').next().unwrap_or("")) {
                if ctx.url_for(hop.path()).is_ok_and(|u| u.origin() == ctx.target.origin()) {
                    redirects.entry(hop.path().to_string()).or_default().insert(name.clone());
                }
            }
            if !is_object_answer(ctx, path, &resp).await {
                continue;
            }
            let Some(json) = resp.json() else { continue };
            let source = resp.url.path().to_string();
            for object in ownership::objects(&json) {
                if let Some((_, first)) = object.fields.first() {
                    lists.entry(source.clone()).or_default().entry(name.clone()).or_default().insert(first.clone());
                }
                seen.push(Seen { source: source.clone(), object });
            }
        }
    }
    (seen, lists, redirects)
}

/// The identity owning an object seen in a list, by list difference: it is
/// in exactly one identity's answer of that list, and every other identity
/// got the list too.
fn list_owner(lists: &Lists, names: &[String], seen: &Seen) -> Option<String> {
    let (_, first) = seen.object.fields.first()?;
    let by_identity = lists.get(&seen.source)?;
    if by_identity.len() != names.len() {
        return None;
    }
    let holders: Vec<&String> = by_identity.iter().filter(|(_, ids)| ids.contains(first)).map(|(n, _)| n).collect();
    match holders[..] {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// Concrete requests for attributed objects: detail operations filled from
/// object fields, links and redirect targets only one identity was given.
fn candidates(
    ctx: &ScanContext,
    names: &[String],
    selves: &BTreeMap<String, SelfValues>,
    seen: &[Seen],
    lists: &Lists,
    redirects: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<Candidate> {
    let base = ctx.target.path().trim_end_matches('/');
    let endpoints = &ctx.inventory.endpoints;
    let index = OperationIndex::new(endpoints);
    let details: Vec<usize> =
        (0..endpoints.len()).filter(|&i| endpoints[i].method == "GET" && endpoints[i].has_path_params() && judge(&endpoints[i]).is_none()).collect();
    let mut out: Vec<Candidate> = Vec::new();
    let mut per_operation: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut push = |c: Candidate, out: &mut Vec<Candidate>| {
        let key = (c.label.clone(), c.owner.clone());
        let n = per_operation.entry(key).or_default();
        if *n < MAX_PER_OPERATION_AND_OWNER && !out.iter().any(|o| o.path == c.path && o.owner == c.owner) {
            *n += 1;
            out.push(c);
        }
    };
    let label_of = |path: &str| -> (String, Option<usize>) {
        let rel = path.strip_prefix(base).unwrap_or(path);
        match index.find("GET", rel.split('?').next().unwrap_or(rel)) {
            Some(i) => (endpoints[i].label(), Some(i)),
            None => (format!("GET {rel}"), None),
        }
    };
    for s in seen {
        let attributed = ownership::owner_of(&s.object, selves).map(|(o, why)| (o.to_string(), why)).or_else(|| {
            list_owner(lists, names, s).map(|o| {
                let why = format!("listed by GET {} to '{o}' only", s.source);
                (o, why)
            })
        });
        let Some((owner, why)) = attributed else { continue };
        let marks: Vec<String> = s.object.owner_values.iter().filter(|v| selves.get(&owner).is_some_and(|sv| sv.contains(v))).cloned().collect();
        for &i in &details {
            let ep = &endpoints[i];
            let params = ownership::path_params(ep);
            let mut values = BTreeMap::new();
            for p in &params {
                let source_rel = s.source.strip_prefix(base).unwrap_or(&s.source);
                if let Some((_, v)) = s.object.fields.iter().find(|(k, _)| ownership::fills(p, k, &ep.path, source_rel)) {
                    values.insert(p.clone(), v.clone());
                }
            }
            if params.is_empty() || values.len() != params.len() {
                continue;
            }
            let path = format!("{base}{}", ownership::fill(&ep.path, &values));
            let mut object_marks = marks.clone();
            object_marks.extend(values.values().cloned());
            push(Candidate { owner: owner.clone(), path, label: ep.label(), endpoint: Some(i), why: why.clone(), marks: object_marks }, &mut out);
        }
        for link in &s.object.links {
            let (label, endpoint) = label_of(link);
            push(
                Candidate {
                    owner: owner.clone(),
                    path: link.clone(),
                    label,
                    endpoint,
                    why: format!("{why}; linked from {}", s.source),
                    marks: marks.clone(),
                },
                &mut out,
            );
        }
    }
    for (path, holders) in redirects {
        if let [owner] = holders.iter().collect::<Vec<_>>()[..] {
            let (label, endpoint) = label_of(path);
            push(
                Candidate {
                    owner: owner.clone(),
                    path: path.clone(),
                    label,
                    endpoint,
                    why: "a redirect only this identity was given".into(),
                    marks: vec![],
                },
                &mut out,
            );
        }
    }
    // Plain detail operations before deeply nested ones (a stable sort keeps
    // harvest order otherwise), so nested operations do not use up the replays.
    out.sort_by_key(|c| per_operation_rank(&c.label));
    out
}

/// Stable order key: operations with fewer path parameters (plain detail
/// operations) before deeply nested ones.
fn per_operation_rank(label: &str) -> usize {
    label.matches('{').count()
}

/// Whether `resp`, B's answer, is the owner's object: the same answer the
/// owner got, or one that carries the owner's marks and is not B's own.
fn is_owners_object(resp: &Response, owners: &Response, marks: &[String], caller: &str, owner: &str, selves: &BTreeMap<String, SelfValues>) -> bool {
    let json = resp.json();
    let objects = json.as_ref().map(ownership::objects).unwrap_or_default();
    let owned_by = |name: &str| objects.iter().any(|o| ownership::owner_of(o, selves).is_some_and(|(n, _)| n == name));
    if owned_by(caller) {
        return false;
    }
    if resp.body == owners.body {
        return true;
    }
    owned_by(owner) || objects.iter().any(|o| o.fields.iter().any(|(_, v)| marks.contains(v)) && !marks.is_empty())
}

async fn replay(
    ctx: &ScanContext,
    names: &[String],
    selves: &BTreeMap<String, SelfValues>,
    c: &Candidate,
    reported: &mut HashSet<(String, String, String)>,
    anonymous_reported: &mut HashSet<String>,
) -> Result<(), CheckFailure> {
    // Never a path triage judges state-changing, whatever linked to it.
    let rel = c.path.strip_prefix(ctx.target.path().trim_end_matches('/')).unwrap_or(&c.path);
    if judge(&Endpoint::discovered("GET", rel.split('?').next().unwrap_or(rel))).is_some() {
        return Ok(());
    }
    let Some(own) = get(ctx, &c.path, AuthMode::Identity(c.owner.clone())).await else { return Ok(()) };
    if !is_object_answer(ctx, &c.path, &own).await {
        return Ok(());
    }
    for caller in names.iter().filter(|n| **n != c.owner) {
        let key = (c.label.clone(), c.owner.clone(), caller.clone());
        if reported.contains(&key) {
            continue;
        }
        let Some(theirs) = get(ctx, &c.path, AuthMode::Identity(caller.clone())).await else { continue };
        if !is_object_answer(ctx, &c.path, &theirs).await || !is_owners_object(&theirs, &own, &c.marks, caller, &c.owner, selves) {
            continue;
        }
        let anonymous = get(ctx, &c.path, AuthMode::Anonymous).await;
        let anonymous_status = anonymous.as_ref().map_or("no answer".to_string(), |a| format!("HTTP {}", a.status));
        reported.insert(key);
        let r = &bo002_cross_identity_access::RULE;
        ctx.report(
            Finding::new(
                r,
                c.label.clone(),
                format!(
                    "Identity '{caller}' read an object of identity '{}' ({}) with HTTP {}; '{}' itself gets HTTP {}; without credentials: {anonymous_status}.",
                    c.owner, c.why, theirs.status, c.owner, own.status
                ),
                &format!("{}\u{1f}{caller}", c.owner),
            )
            .evidence(Evidence {
                exchange: Some(theirs.exchange_id),
                related: [Some(own.exchange_id), anonymous.as_ref().map(|a| a.exchange_id)].into_iter().flatten().collect::<Vec<ExchangeId>>(),
                location: "response.body".into(),
                excerpt: clip(&format!("as {caller}: GET {} -> {} (object of {})", c.path, theirs.status, c.owner), 200),
            }),
        );
        let Some(anonymous) = anonymous else { continue };
        let declared = c.endpoint.is_some_and(|i| ctx.inventory.endpoints[i].requires_auth());
        if declared
            && !anonymous_reported.contains(&c.label)
            && is_object_answer(ctx, &c.path, &anonymous).await
            && is_owners_object(&anonymous, &own, &c.marks, "", &c.owner, selves)
        {
            anonymous_reported.insert(c.label.clone());
            let r = &au001_auth_not_enforced::RULE;
            ctx.report(
                Finding::new(
                    r,
                    c.label.clone(),
                    format!(
                        "The spec requires credentials, but an object of identity '{}' was returned without any (HTTP {}), the same as to its owner.",
                        c.owner, anonymous.status
                    ),
                    "",
                )
                .evidence(Evidence {
                    exchange: Some(anonymous.exchange_id),
                    related: vec![own.exchange_id],
                    location: "response.body".into(),
                    excerpt: clip(&format!("anonymous: GET {} -> {}", c.path, anonymous.status), 200),
                }),
            );
        }
    }
    Ok(())
}
