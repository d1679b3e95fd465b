//! PA004: active mass-assignment probe (only when the method policy allows
//! writes, i.e. `--active` with `--confirm-target`).
//!
//! For each spec POST with a JSON request schema whose created object can be
//! read back with a spec GET, one object is created with a valid body plus ONE
//! privileged property, read back, and deleted again where the spec declares
//! a DELETE. PUT/PATCH operations are only sent to objects this check created
//! and to the identity's own object (a `PATCH /users/me`-like operation, no
//! path parameters, read back with the GET of the same path); what it changed
//! there is put back, and the finding says whether that worked.
//!
//! Every write goes as the default identity: with `--identity` and no
//! `--bearer`, the least-privileged named one (see
//! `palisade_http::EngineConfig::default_identity`).

use crate::checks::property_authorization::properties::PRIVILEGED_INPUT_PROPERTIES;
use crate::checks::support::clip;
use crate::checks::support::norm;
use crate::rules::pa004_active_mass_assignment;
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Endpoint, EndpointSource, Evidence, Finding, ParamLocation, RuleMeta};
use palisade_engine::triage::concrete_path;
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{MethodPolicy, ProbeRequest, Response};
use serde_json::{json, Map, Value};

/// Write operations probed per scan (each: one write, one read-back, at most one delete).
pub const MAX_WRITE_OPERATIONS: usize = 10;
/// Schema nesting followed when building a body.
const MAX_SCHEMA_DEPTH: usize = 5;
/// Largest body sent.
const MAX_BODY_BYTES: usize = 16 * 1024;

/// True when the policy lets this check write: every method it may send is permitted.
pub fn writes_allowed(policy: &MethodPolicy) -> bool {
    ["POST", "PUT", "PATCH", "DELETE"].iter().all(|m| policy.permits(m))
}

/// The privileged value sent for a property name; `None` for ones that need
/// someone else's id (owner/tenant): those are not guessed.
pub fn privileged_value(name: &str) -> Option<Value> {
    match norm(name).as_str() {
        "role" => Some(json!("admin")),
        "roles" | "permissions" => Some(json!(["admin"])),
        "balance" | "credit" | "credits" => Some(json!(1_000_000)),
        "ownerid" | "tenantid" => None,
        n if PRIVILEGED_INPUT_PROPERTIES.contains(&n) => Some(json!(true)),
        _ => None,
    }
}

/// A valid value for `schema`, from examples, defaults, enums or types.
/// Privileged and read-only properties are left out.
pub fn sample_from_schema(schema: &Value, depth: usize) -> Value {
    if depth > MAX_SCHEMA_DEPTH {
        return Value::Null;
    }
    for key in ["example", "default"] {
        if let Some(v) = schema.get(key) {
            return v.clone();
        }
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|a| a.first()) {
        return first.clone();
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for sub in all {
            if let Value::Object(m) = sample_from_schema(sub, depth + 1) {
                merged.extend(m);
            }
        }
        return Value::Object(merged);
    }
    if let Some(first) = ["oneOf", "anyOf"].iter().find_map(|k| schema.get(*k).and_then(Value::as_array).and_then(|a| a.first())) {
        return sample_from_schema(first, depth + 1);
    }
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or(if schema.get("properties").is_some() { "object" } else { "string" });
    match ty {
        "object" => {
            let mut m = Map::new();
            for (k, v) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
                if v.get("readOnly") == Some(&Value::Bool(true)) || PRIVILEGED_INPUT_PROPERTIES.contains(&norm(k).as_str()) {
                    continue;
                }
                m.insert(k.clone(), sample_from_schema(v, depth + 1));
            }
            Value::Object(m)
        }
        "array" => {
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            match schema.get("items") {
                Some(items) if min > 0 => Value::Array(vec![sample_from_schema(items, depth + 1)]),
                _ => Value::Array(Vec::new()),
            }
        }
        "integer" => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1)),
        "number" => json!(schema.get("minimum").and_then(Value::as_f64).unwrap_or(1.0)),
        "boolean" => json!(false),
        _ => match schema.get("format").and_then(Value::as_str) {
            Some("email") => json!("palisade-probe@example.com"),
            Some("uuid") => json!("00000000-0000-4000-8000-000000000001"),
            Some("date") => json!("2024-01-01"),
            Some("date-time") => json!("2024-01-01T00:00:00Z"),
            Some("uri" | "url") => json!("https://example.com/"),
            _ => json!("palisade-probe"),
        },
    }
}

/// Privileged property names the spec mentions in these schemas (request or
/// response), in order of appearance, top level only.
fn privileged_names(schemas: &[&Value]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in schemas {
        let mut props: Vec<&Map<String, Value>> = s.get("properties").and_then(Value::as_object).into_iter().collect();
        for sub in s.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            props.extend(sub.get("properties").and_then(Value::as_object));
        }
        for k in props.into_iter().flat_map(|m| m.keys()) {
            if privileged_value(k).is_some() && !out.contains(k) {
                out.push(k.clone());
            }
        }
    }
    out
}

fn success_schemas(ep: &Endpoint) -> Vec<&Value> {
    ep.responses.iter().filter(|(c, _)| c.starts_with('2')).filter_map(|(_, r)| r.schema.as_ref()).collect()
}

/// The GET operation `{collection}/{param}` reading one object back, with the param name.
fn detail_of<'a>(endpoints: &'a [Endpoint], collection: &str) -> Option<(&'a Endpoint, String)> {
    endpoints.iter().find_map(|e| {
        let rest = e.path.strip_prefix(collection.trim_end_matches('/'))?.strip_prefix('/')?;
        let name = rest.strip_prefix('{')?.strip_suffix('}')?;
        (e.method == "GET" && !name.contains(['{', '}', '/'])).then(|| (e, name.to_string()))
    })
}

/// A server-chosen id we are willing to put in a path (and later DELETE):
/// letters, digits, `-`, `_` only, so a hostile `..` or `%2f` cannot aim the
/// read-back or the cleanup at another resource.
fn safe_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The id of a created object: `id`, the detail parameter's name, or the last segment of `Location`.
fn created_id(resp: &Response, param: &str) -> Option<String> {
    let body = resp.json();
    for key in ["id", param] {
        match body.as_ref().and_then(|b| b.get(key)) {
            Some(Value::String(s)) if safe_id(s) => return Some(s.clone()),
            Some(Value::Number(n)) if safe_id(&n.to_string()) => return Some(n.to_string()),
            _ => {}
        }
    }
    let loc = resp.header("location")?;
    let last = loc.split(['?', '#']).next()?.trim_end_matches('/').rsplit('/').next()?;
    safe_id(last).then(|| last.to_string())
}

/// `ep.path` with `{param}` set to `id` (other params from the spec's samples).
fn path_with(ep: &Endpoint, param: &str, id: &str) -> String {
    let mut e = ep.clone();
    for p in e.parameters.iter_mut().filter(|p| p.location == ParamLocation::Path && p.name == param) {
        p.example = Some(Value::String(id.to_string()));
    }
    if !e.parameters.iter().any(|p| p.location == ParamLocation::Path && p.name == param) {
        e.path = e.path.replace(&format!("{{{param}}}"), id);
    }
    concrete_path(&e)
}

/// The write's request schema and the privileged property to send on it
/// (the first the schemas of `ep`, and `more`, name; else `fallback`), with its value.
fn privileged_property<'a>(ep: &'a Endpoint, more: &[&'a Value], fallback: &str) -> Option<(&'a Value, String, Value)> {
    let schema = ep.request_body.as_ref().and_then(|b| b.schema.as_ref())?;
    let mut schemas = vec![schema];
    schemas.extend(success_schemas(ep));
    schemas.extend(more);
    let name = privileged_names(&schemas).first().cloned().unwrap_or_else(|| fallback.to_string());
    let value = privileged_value(&name)?;
    Some((schema, name, value))
}

/// The last segment of a path that addresses the caller's own object.
fn is_self_path(path: &str) -> bool {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_ascii_lowercase();
    matches!(last.as_str(), "me" | "self" | "profile" | "account" | "current" | "currentuser" | "current_user" | "settings")
}

/// The value of `name` in the object (or one level down), as [`stuck`] finds it.
fn value_of<'a>(body: &'a Value, name: &str) -> Option<&'a Value> {
    body.get(name).or_else(|| body.as_object()?.values().find_map(|v| v.as_object().and_then(|m| m.get(name))))
}

/// True when the object (or an object one level down, e.g. `{"user": {...}}`) holds `name: value`.
fn stuck(body: &Value, name: &str, value: &Value) -> bool {
    body.get(name) == Some(value) || body.as_object().is_some_and(|m| m.values().any(|v| v.is_object() && v.get(name) == Some(value)))
}

/// An object this check created: where to read it and how to delete it.
struct Created {
    detail_template: String,
    read_path: String,
    delete_path: Option<String>,
    param: String,
    id: String,
}

/// PA004.
pub struct ActiveMassAssignment;

impl ActiveMassAssignment {
    fn json_write(ctx: &ScanContext, method: &str, path: &str, body: &Value) -> Result<ProbeRequest, CheckFailure> {
        let bytes = serde_json::to_vec(body).map_err(|e| CheckFailure::Other(e.to_string()))?;
        if bytes.len() > MAX_BODY_BYTES {
            return Err(CheckFailure::Other("request body too large".into()));
        }
        Ok(ProbeRequest::new(method, ctx.endpoint_url(path)?).header("content-type", "application/json").body(bytes).no_redirects().no_cache())
    }

    fn report(ctx: &ScanContext, hit: &Hit, cleanup: &str) {
        let r = &pa004_active_mass_assignment::RULE;
        let Hit { label, name, value, write_status, write_exchange, read_status, read_exchange, read_path, .. } = hit;
        ctx.report(
            Finding::new(
                r,
                label.clone(),
                format!(
                    "{label} with the extra property `{name}: {value}` answered HTTP {write_status}, and GET {read_path} returned it with that value: the server stores a privileged property clients must not set ({cleanup})."
                ),
                &norm(name),
            )
            .confidence(Confidence::High)
            .detail(name.clone())
            .evidence(Evidence {
                exchange: Some(*read_exchange),
                related: vec![*write_exchange],
                location: "response.body".into(),
                excerpt: clip(&format!("{label} + {{\"{name}\": {value}}} -> {write_status}; GET {read_path} -> {read_status} \"{name}\": {value}"), 200),
            }),
        );
    }
}

/// A confirmed write, reported once cleanup is done.
struct Hit {
    label: String,
    name: String,
    value: Value,
    write_status: u16,
    write_exchange: palisade_core::ExchangeId,
    read_status: u16,
    read_exchange: palisade_core::ExchangeId,
    read_path: String,
    /// Index into the created objects (`usize::MAX` for the identity's own object).
    object: usize,
    /// For the identity's own object: whether what was changed was put back.
    restored: Option<String>,
}

#[async_trait]
impl Check for ActiveMassAssignment {
    fn name(&self) -> &'static str {
        "property-authorization/active-mass-assignment"
    }
    fn category(&self) -> Category {
        Category::PropertyAuthorization
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&pa004_active_mass_assignment::RULE]
    }
    /// Its creation requests (active scans only) draw the key reveal DE008 judges.
    fn feeds(&self) -> &'static [&'static RuleMeta] {
        &[&crate::rules::de008_key_reveal_cacheable::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        if !writes_allowed(&ctx.engine.config().policy) {
            return Ok(());
        }
        let eps = &ctx.inventory.endpoints;
        let writes: Vec<&Endpoint> = eps
            .iter()
            .filter(|e| e.source == EndpointSource::Spec && matches!(e.method.as_str(), "POST" | "PUT" | "PATCH"))
            .filter(|e| {
                e.request_body
                    .as_ref()
                    .is_some_and(|b| b.schema.as_ref().is_some_and(|s| s.is_object()) && b.content_types.iter().any(|c| c.contains("json")))
            })
            .take(MAX_WRITE_OPERATIONS)
            .collect();
        let mut created: Vec<Created> = Vec::new();
        let mut hits: Vec<Hit> = Vec::new();
        // 1. Creates: POST to a collection whose objects a GET can read back.
        for ep in writes.iter().filter(|e| e.method == "POST" && !e.has_path_params()) {
            let Some((detail, param)) = detail_of(eps, &ep.path) else { continue };
            let Some((schema, name, value)) = privileged_property(ep, &success_schemas(detail), "is_admin") else { continue };
            let Value::Object(mut body) = sample_from_schema(schema, 0) else { continue };
            body.insert(name.clone(), value.clone());
            let path = concrete_path(ep);
            let Ok(write) = ctx.send(Self::json_write(ctx, "POST", &path, &Value::Object(body))?).await else { continue };
            if !write.is_success() {
                continue;
            }
            let Some(id) = created_id(&write, &param) else { continue };
            let read_path = path_with(detail, &param, &id);
            // The object's own URL, under the collection it was created in, exactly as built.
            if !read_path.starts_with(&format!("{}/", path.trim_end_matches('/'))) || !ctx.endpoint_url(&read_path)?.as_str().ends_with(&read_path) {
                continue;
            }
            let delete_path = eps.iter().any(|e| e.method == "DELETE" && e.path == detail.path).then(|| read_path.clone());
            let c = Created { detail_template: detail.path.clone(), read_path: read_path.clone(), delete_path, param: param.clone(), id };
            let read = ctx.send(ProbeRequest::get(ctx.endpoint_url(&read_path)?).no_redirects().no_cache()).await;
            if let Ok(read) = read {
                if read.is_success() && read.json().is_some_and(|b| stuck(&b, &name, &value)) {
                    hits.push(Hit {
                        label: ep.label(),
                        name,
                        value,
                        write_status: write.status,
                        write_exchange: write.exchange_id,
                        read_status: read.status,
                        read_exchange: read.exchange_id,
                        read_path,
                        object: created.len(),
                        restored: None,
                    });
                }
            }
            created.push(c);
        }
        // 2. Updates: PUT/PATCH only on objects created above.
        for ep in writes.iter().filter(|e| e.method != "POST") {
            let Some(object) = created.iter().position(|c| c.detail_template == ep.path) else { continue };
            let c = &created[object];
            let Some((schema, name, value)) = privileged_property(ep, &[], "is_admin") else { continue };
            let Value::Object(mut body) = sample_from_schema(schema, 0) else { continue };
            body.insert(name.clone(), value.clone());
            let path = path_with(ep, &c.param, &c.id);
            let Ok(write) = ctx.send(Self::json_write(ctx, &ep.method, &path, &Value::Object(body))?).await else { continue };
            if !write.is_success() {
                continue;
            }
            let Ok(read) = ctx.send(ProbeRequest::get(ctx.endpoint_url(&c.read_path)?).no_redirects().no_cache()).await else { continue };
            if read.is_success() && read.json().is_some_and(|b| stuck(&b, &name, &value)) {
                hits.push(Hit {
                    label: ep.label(),
                    name,
                    value,
                    write_status: write.status,
                    write_exchange: write.exchange_id,
                    read_status: read.status,
                    read_exchange: read.exchange_id,
                    read_path: c.read_path.clone(),
                    object,
                    restored: None,
                });
            }
        }
        // 2b. The identity's own object: PUT/PATCH on a self path the GET of
        // the same path reads back; the privileged property is put back after.
        for ep in writes.iter().filter(|e| e.method != "POST" && !e.has_path_params() && is_self_path(&e.path)) {
            if !eps.iter().any(|g| g.method == "GET" && g.path == ep.path) {
                continue;
            }
            let Some((_, name, value)) = privileged_property(ep, &[], "role") else { continue };
            let path = concrete_path(ep);
            let read = || async { ctx.send(ProbeRequest::get(ctx.endpoint_url(&path)?).no_redirects().no_cache()).await.map_err(CheckFailure::from) };
            let Ok(before) = read().await else { continue };
            let Some(before_body) = before.json().filter(|_| before.is_success()) else { continue };
            let original = value_of(&before_body, &name).cloned();
            if original.as_ref() == Some(&value) {
                continue;
            }
            // PATCH sends the one property; PUT the object as read, with it changed.
            let body = match ep.method.as_str() {
                "PATCH" => json!({ name.clone(): value.clone() }),
                _ => {
                    let Value::Object(mut whole) = before_body.clone() else { continue };
                    whole.insert(name.clone(), value.clone());
                    Value::Object(whole)
                }
            };
            let Ok(write) = ctx.send(Self::json_write(ctx, &ep.method, &path, &body)?).await else { continue };
            if !write.is_success() {
                continue;
            }
            let Ok(after) = read().await else { continue };
            if !(after.is_success() && after.json().is_some_and(|b| stuck(&b, &name, &value))) {
                continue;
            }
            let restored = match &original {
                Some(old) => {
                    let undo = match ep.method.as_str() {
                        "PATCH" => json!({ name.clone(): old.clone() }),
                        _ => before_body.clone(),
                    };
                    let put_back = ctx.send(Self::json_write(ctx, &ep.method, &path, &undo)?).await;
                    let check = read().await.ok().and_then(|r| r.json()).map(|b| value_of(&b, &name) == Some(old));
                    match (put_back, check) {
                        (Ok(w), Some(true)) if w.is_success() => format!("it was put back to {old}: {} {path} -> {}", ep.method, w.status),
                        (Ok(w), _) => {
                            format!("it could not be put back to {old}: {} {path} -> {}, the object still holds the new value", ep.method, w.status)
                        }
                        (Err(e), _) => format!("it could not be put back to {old}: {e}"),
                    }
                }
                None => format!("it could not be put back: the object had no `{name}` before, and the API offers no way to remove it"),
            };
            hits.push(Hit {
                label: ep.label(),
                name,
                value,
                write_status: write.status,
                write_exchange: write.exchange_id,
                read_status: after.status,
                read_exchange: after.exchange_id,
                read_path: path.clone(),
                object: usize::MAX,
                restored: Some(restored),
            });
        }
        // 3. Clean up what was created, where the spec allows it; then report.
        let mut cleanup: Vec<String> = Vec::new();
        for c in &created {
            let outcome = match &c.delete_path {
                Some(p) => match ctx.send(ProbeRequest::new("DELETE", ctx.endpoint_url(p)?).no_redirects().no_cache()).await {
                    Ok(r) if r.is_success() => format!("the object was deleted again: DELETE {p} -> {}", r.status),
                    Ok(r) => format!("cleanup failed: DELETE {p} -> {}", r.status),
                    Err(e) => format!("cleanup failed: DELETE {p}: {e}"),
                },
                None => format!("the spec declares no DELETE for {}: the object was left in place", c.read_path),
            };
            cleanup.push(outcome);
        }
        for hit in &hits {
            Self::report(ctx, hit, hit.restored.as_deref().or_else(|| cleanup.get(hit.object).map(String::as_str)).unwrap_or(""));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_built_from_schemas_without_privileged_or_read_only_fields() {
        let s = json!({"type": "object", "required": ["username"], "properties": {
            "username": {"type": "string", "example": "alice"}, "age": {"type": "integer", "minimum": 18},
            "email": {"type": "string", "format": "email"}, "role": {"type": "string"}, "id": {"type": "integer", "readOnly": true},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1}, "kind": {"enum": ["a", "b"]}}});
        let b = sample_from_schema(&s, 0);
        assert_eq!(b, json!({"username": "alice", "age": 18, "email": "palisade-probe@example.com", "tags": ["palisade-probe"], "kind": "a"}));
        let mut deep = json!({"type": "string"});
        for _ in 0..100 {
            deep = json!({"type": "object", "properties": {"a": deep}});
        }
        let _ = sample_from_schema(&deep, 0);
    }

    #[test]
    fn hostile_ids_are_refused() {
        for bad in ["..", ".", "a/b", "%2e%2e", "1?x", "", "a b", &"9".repeat(200)] {
            assert!(!safe_id(bad), "{bad:?}");
        }
        assert!(safe_id("42") && safe_id("3f2a-bc_9"));
    }

    #[test]
    fn privileged_values_never_guess_foreign_ids() {
        assert_eq!(privileged_value("role"), Some(json!("admin")));
        assert_eq!(privileged_value("isAdmin"), Some(json!(true)));
        assert_eq!(privileged_value("owner_id"), None);
        assert_eq!(privileged_value("name"), None);
        assert!(writes_allowed(&MethodPolicy::active()));
        assert!(!writes_allowed(&MethodPolicy::read_only().allow("POST")));
    }
}
