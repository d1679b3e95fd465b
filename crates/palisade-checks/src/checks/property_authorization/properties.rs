//! Property authorization: what objects expose (PA001, PA002) and what the
//! spec lets clients write (PA003).

use crate::checks::support::{clip, endpoint_label};
use crate::rules::{pa001_sensitive_properties, pa002_undeclared_response_properties, pa003_mass_assignment_surface};
use async_trait::async_trait;
use palisade_core::mask::mask_secret;
use palisade_core::{Category, Confidence, EndpointSource, Evidence, Finding, RuleMeta, Severity};
use palisade_engine::triage::concrete_path;
use palisade_engine::{Check, CheckFailure, PassiveCheck, ScanContext};
use palisade_http::{ProbeRequest, Response};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Credential material (normalised names: lower case, only letters/digits). High.
pub const CREDENTIAL_PROPERTIES: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passwordhash",
    "hashedpassword",
    "passwordsalt",
    "pwdhash",
    "passhash",
    "passworddigest",
    "encryptedpassword",
    "salt",
];
/// Secrets and privilege/internal flags. Medium.
pub const SENSITIVE_PROPERTIES: &[&str] = &[
    "secret",
    "clientsecret",
    "privatekey",
    "otpsecret",
    "totpsecret",
    "mfasecret",
    "resettoken",
    "passwordresettoken",
    "isadmin",
    "admin",
    "issuperuser",
    "superuser",
    "isstaff",
    "isroot",
    "permissions",
    "internalnotes",
    "internalflag",
    "isinternal",
];
/// Request properties a client must not be able to set (normalised). PA003.
pub const PRIVILEGED_INPUT_PROPERTIES: &[&str] = &[
    "role",
    "roles",
    "isadmin",
    "admin",
    "issuperuser",
    "superuser",
    "isstaff",
    "balance",
    "credit",
    "credits",
    "ownerid",
    "tenantid",
    "verified",
    "isverified",
    "emailverified",
    "permissions",
];
/// JSON nodes walked per response.
const MAX_NODES: usize = 20_000;
/// Nesting walked.
const MAX_DEPTH: usize = 12;
/// Operations PA002 compares (their responses come from the crawl's cache).
pub const MAX_SCHEMA_OPERATIONS: usize = 50;

fn norm(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase()
}

/// True for OpenAPI/Swagger documents and GraphQL introspection, whose keys describe other data.
fn is_meta_document(v: &Value) -> bool {
    v.get("openapi").is_some() || v.get("swagger").is_some() || v.pointer("/data/__schema").is_some()
}

/// Sensitive properties in `v`: (original name, value, credential?).
fn sensitive_properties(v: &Value) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![(v, 0usize)];
    let mut nodes = 0;
    while let Some((v, depth)) = stack.pop() {
        nodes += 1;
        if nodes > MAX_NODES {
            break;
        }
        if depth > MAX_DEPTH {
            continue;
        }
        match v {
            Value::Object(m) => {
                for (k, val) in m {
                    let n = norm(k);
                    let credential = CREDENTIAL_PROPERTIES.contains(&n.as_str());
                    let sensitive = SENSITIVE_PROPERTIES.contains(&n.as_str());
                    let present = match val {
                        Value::Null => false,
                        Value::String(s) => !s.is_empty(),
                        Value::Array(a) => !a.is_empty(),
                        _ => true,
                    };
                    if (credential || sensitive) && present && !out.iter().any(|(o, _, _): &(String, String, bool)| norm(o) == n) {
                        let shown = match val {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        out.push((k.clone(), shown, credential));
                    }
                    stack.push((val, depth + 1));
                }
            }
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, depth + 1))),
            _ => {}
        }
    }
    out
}

/// PA001 over every successful JSON response.
pub struct SensitiveProperties;

impl PassiveCheck for SensitiveProperties {
    fn name(&self) -> &'static str {
        "property-authorization/sensitive-properties"
    }
    fn category(&self) -> Category {
        Category::PropertyAuthorization
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&pa001_sensitive_properties::RULE]
    }

    fn observe(&self, ctx: &ScanContext, request: &ProbeRequest, response: &Response) {
        if !response.is_success() {
            return;
        }
        let Some(json) = response.json() else { return };
        if is_meta_document(&json) {
            return;
        }
        let endpoint = endpoint_label(request);
        let r = &pa001_sensitive_properties::RULE;
        for (name, value, credential) in sensitive_properties(&json) {
            // Privilege flags are booleans/lists; secrets are masked; a credential value is never shown.
            let shown = if credential || value.len() > 12 { mask_secret(&value) } else { value.clone() };
            let severity = if credential { Severity::High } else { Severity::Medium };
            ctx.report(
                Finding::new(
                    r,
                    endpoint.clone(),
                    format!("The response contains the property `{name}`, which clients should not receive."),
                    &norm(&name),
                )
                .severity(severity)
                .detail(name.clone())
                .evidence(Evidence {
                    exchange: Some(response.exchange_id),
                    location: "response.body".into(),
                    excerpt: clip(&format!("\"{name}\": {shown}"), 120),
                    ..Default::default()
                }),
            );
        }
    }
}

/// Declared property names of an object schema, merged over `allOf`.
/// `None` when the schema does not constrain properties (no `properties`,
/// `additionalProperties` allowed, or `oneOf`/`anyOf`).
fn declared_properties(schema: &Value) -> Option<Map<String, Value>> {
    if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        return None;
    }
    match schema.get("additionalProperties") {
        Some(Value::Bool(false)) | None => {}
        Some(_) => return None,
    }
    let mut props = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    for sub in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        props.extend(declared_properties(sub)?);
    }
    (!props.is_empty()).then_some(props)
}

/// Properties in `body` not declared by `schema`, as dotted paths.
fn undeclared(schema: &Value, body: &Value, prefix: &str, depth: usize, out: &mut BTreeSet<String>) {
    if depth > 4 || out.len() > 50 {
        return;
    }
    match body {
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items.iter().take(5) {
                    undeclared(item_schema, item, &format!("{prefix}[]"), depth + 1, out);
                }
            }
        }
        Value::Object(m) => {
            let Some(props) = declared_properties(schema) else { return };
            for (k, v) in m {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                match props.get(k) {
                    None => {
                        out.insert(path);
                    }
                    Some(sub) => undeclared(sub, v, &path, depth + 1, out),
                }
            }
        }
        _ => {}
    }
}

/// PA002: re-reads the crawled responses (from the engine's cache) and
/// compares them with their declared 2xx schema.
pub struct UndeclaredProperties;

#[async_trait]
impl Check for UndeclaredProperties {
    fn name(&self) -> &'static str {
        "property-authorization/undeclared-properties"
    }
    fn category(&self) -> Category {
        Category::PropertyAuthorization
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&pa002_undeclared_response_properties::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let crawled: Vec<_> = ctx.crawled.lock().unwrap_or_else(|e| e.into_inner()).iter().map(|(e, _)| e.clone()).collect();
        let with_schema = crawled.into_iter().filter(|e| {
            e.responses.iter().any(|(code, r)| {
                code.starts_with('2') && r.schema.as_ref().is_some_and(|s| declared_properties(s).is_some() || s.get("items").is_some())
            })
        });
        for ep in with_schema.take(MAX_SCHEMA_OPERATIONS) {
            let path = concrete_path(&ep);
            let Ok(resp) = ctx.send(ProbeRequest::get(ctx.endpoint_url(&path)?)).await else { continue };
            if !resp.is_success() {
                continue;
            }
            let code = resp.status.to_string();
            let Some(schema) = ep.responses.get(&code).or_else(|| ep.responses.get("2XX")).and_then(|r| r.schema.as_ref()) else { continue };
            let Some(body) = resp.json() else { continue };
            let mut extra = BTreeSet::new();
            undeclared(schema, &body, "", 0, &mut extra);
            if extra.is_empty() {
                continue;
            }
            let list: Vec<String> = extra.into_iter().collect();
            let r = &pa002_undeclared_response_properties::RULE;
            ctx.report(
                Finding::new(
                    r,
                    ep.label(),
                    format!(
                        "The HTTP {} response has {} propert{} the spec's schema does not declare: {}.",
                        resp.status,
                        list.len(),
                        if list.len() == 1 { "y" } else { "ies" },
                        clip(&list.join(", "), 200)
                    ),
                    "",
                )
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    location: "response.body".into(),
                    excerpt: clip(&format!("undeclared: {}", list.join(", ")), 160),
                    ..Default::default()
                }),
            );
        }
        Ok(())
    }
}

/// Privileged writable properties and open schemas in a request schema.
fn mass_assignment_issues(schema: &Value, prefix: &str, depth: usize, out: &mut Vec<String>) {
    if depth > 4 {
        return;
    }
    if schema.get("additionalProperties") == Some(&Value::Bool(true)) {
        out.push(format!("{}additionalProperties: true", if prefix.is_empty() { String::new() } else { format!("{prefix}: ") }));
    }
    for sub in ["allOf", "oneOf", "anyOf"].iter().filter_map(|k| schema.get(*k).and_then(Value::as_array)).flatten() {
        mass_assignment_issues(sub, prefix, depth + 1, out);
    }
    if let Some(items) = schema.get("items") {
        mass_assignment_issues(items, &format!("{prefix}[]"), depth + 1, out);
    }
    for (k, v) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        if v.get("readOnly") == Some(&Value::Bool(true)) {
            continue;
        }
        if PRIVILEGED_INPUT_PROPERTIES.contains(&norm(k).as_str()) {
            out.push(path.clone());
        }
        if v.get("properties").is_some() || v.get("items").is_some() {
            mass_assignment_issues(v, &path, depth + 1, out);
        }
    }
}

/// PA003: from the spec only; nothing is sent.
pub struct MassAssignmentSurface;

#[async_trait]
impl Check for MassAssignmentSurface {
    fn name(&self) -> &'static str {
        "property-authorization/mass-assignment-surface"
    }
    fn category(&self) -> Category {
        Category::PropertyAuthorization
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&pa003_mass_assignment_surface::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let r = &pa003_mass_assignment_surface::RULE;
        for ep in ctx.inventory.endpoints.iter().filter(|e| e.source == EndpointSource::Spec) {
            if !matches!(ep.method.as_str(), "POST" | "PUT" | "PATCH") {
                continue;
            }
            let Some(schema) = ep.request_body.as_ref().and_then(|b| b.schema.as_ref()) else { continue };
            let mut issues = Vec::new();
            mass_assignment_issues(schema, "", 0, &mut issues);
            issues.dedup();
            if issues.is_empty() {
                continue;
            }
            ctx.report(
                Finding::new(r, ep.label(), format!("The request body of {} lets clients send {}.", ep.label(), clip(&issues.join(", "), 200)), "")
                    .confidence(Confidence::Medium)
                    .evidence(Evidence {
                        exchange: None,
                        location: "spec".into(),
                        excerpt: clip(&format!("{} requestBody: {}", ep.label(), issues.join(", ")), 160),
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
    use serde_json::json;

    #[test]
    fn undeclared_properties_are_listed_through_arrays_and_allof() {
        let schema = json!({"type": "object", "properties": {"users": {"type": "array", "items": {"allOf": [{"properties": {"id": {}}}, {"properties": {"name": {}}}]}}}});
        let body = json!({"users": [{"id": 1, "name": "a", "ssn": "x"}], "total": 1});
        let mut out = BTreeSet::new();
        undeclared(&schema, &body, "", 0, &mut out);
        assert_eq!(out.into_iter().collect::<Vec<_>>(), ["total", "users[].ssn"]);
        let open = json!({"properties": {"id": {}}, "additionalProperties": true});
        let mut out = BTreeSet::new();
        undeclared(&open, &json!({"id": 1, "x": 2}), "", 0, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn sensitive_properties_are_found_and_hostile_nesting_is_bounded() {
        let v = json!({"users": [{"passwordHash": "$2b$12$abc", "is_admin": false, "name": "x"}]});
        let found: Vec<String> = sensitive_properties(&v).into_iter().map(|(n, _, _)| n).collect();
        assert!(found.contains(&"passwordHash".to_string()) && found.contains(&"is_admin".to_string()));
        let mut deep = json!({"password": "x"});
        for _ in 0..500 {
            deep = json!({ "a": deep });
        }
        assert!(sensitive_properties(&deep).is_empty());
    }

    #[test]
    fn privileged_and_open_request_schemas_are_reported() {
        let s = json!({"properties": {"name": {}, "role": {}, "owner_id": {"readOnly": true}, "profile": {"properties": {"isAdmin": {}}}}, "additionalProperties": true});
        let mut out = Vec::new();
        mass_assignment_issues(&s, "", 0, &mut out);
        assert!(out.contains(&"role".to_string()) && out.contains(&"profile.isAdmin".to_string()));
        assert!(out.iter().any(|i| i.contains("additionalProperties")));
        assert!(!out.iter().any(|i| i.contains("owner_id")));
    }
}
