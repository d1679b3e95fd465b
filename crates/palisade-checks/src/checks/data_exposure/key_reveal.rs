//! DE008: credentials revealed on creation. The spec says which write
//! operations hand out key material ([`KeyRevealSpec`]); when the scan sends
//! such a write (active mode only), [`crate::checks::data_exposure::responses::ResponseScan`]
//! checks the real answer's `Cache-Control` with [`creation_reveal_finding`].

use crate::checks::support::norm;
use crate::rules::de008_key_reveal_cacheable;
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Endpoint, Evidence, Finding, RuleMeta, Severity};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{ProbeRequest, Response};
use serde_json::Value;

/// Response properties that carry key material (normalised: lower case, letters and digits only).
pub const KEY_MATERIAL_PROPERTIES: &[&str] = &[
    "key",
    "apikey",
    "secret",
    "secretkey",
    "clientsecret",
    "token",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "privatekey",
    "secretaccesskey",
    "password",
    "signingsecret",
    "webhooksecret",
    "plaintextkey",
    "rawkey",
];
/// Schema nesting walked when looking for key material.
const MAX_SCHEMA_DEPTH: usize = 4;
/// Write operations [`KeyRevealSpec`] reports at most.
const MAX_SPEC_FINDINGS: usize = 20;

/// The first key-material property a response schema declares, as `a.b.key`.
pub fn key_material_property(schema: &Value) -> Option<String> {
    fn walk(schema: &Value, prefix: &str, depth: usize) -> Option<String> {
        if depth > MAX_SCHEMA_DEPTH {
            return None;
        }
        if let Some(items) = schema.get("items") {
            return walk(items, prefix, depth + 1);
        }
        let props = schema.get("properties")?.as_object()?;
        for (name, sub) in props {
            let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
            // Ids, hints and lengths describe a key; they are not the key.
            let is_string = sub.get("type").is_none_or(|t| t == "string");
            if is_string && KEY_MATERIAL_PROPERTIES.contains(&norm(name).as_str()) {
                return Some(path);
            }
            if let Some(found) = walk(sub, &path, depth + 1) {
                return Some(found);
            }
        }
        None
    }
    walk(schema, "", 0)
}

/// The property a write operation's success response declares as key material.
fn revealed_property(ep: &Endpoint) -> Option<String> {
    ep.responses.iter().filter(|(code, _)| code.starts_with('2')).find_map(|(_, r)| r.schema.as_ref().and_then(key_material_property))
}

/// True when `Cache-Control` keeps the response out of shared and disk caches.
pub fn forbids_storage(cache_control: Option<&str>) -> bool {
    let Some(cc) = cache_control else { return false };
    let cc = cc.to_ascii_lowercase();
    cc.contains("no-store") || (cc.contains("private") && cc.contains("no-cache"))
}

/// DE008 from the spec: write operations declared to return key material.
pub struct KeyRevealSpec;

#[async_trait]
impl Check for KeyRevealSpec {
    fn name(&self) -> &'static str {
        "data-exposure/key-reveal-spec"
    }
    fn category(&self) -> Category {
        Category::DataExposure
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&de008_key_reveal_cacheable::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let reveals = ctx
            .inventory
            .endpoints
            .iter()
            .filter(|e| matches!(e.method.as_str(), "POST" | "PUT"))
            .filter_map(|e| Some((e, revealed_property(e)?)))
            .take(MAX_SPEC_FINDINGS);
        for (ep, property) in reveals {
            let r = &de008_key_reveal_cacheable::RULE;
            ctx.report(
                Finding::new(
                    r,
                    ep.label(),
                    format!(
                        "{} is declared to return key material ('{property}') in its success response; nothing in a read-only scan shows whether that answer carries Cache-Control: no-store (verify with --active).",
                        ep.label()
                    ),
                    "spec",
                )
                .severity(Severity::Low)
                .confidence(Confidence::Medium)
                .detail("spec")
                .evidence(Evidence {
                    location: "spec.responses".into(),
                    excerpt: format!("{} -> 2xx schema property '{property}'", ep.label()),
                    ..Default::default()
                }),
            );
        }
        Ok(())
    }
}

/// DE008 from traffic: a write the scan sent came back 2xx with a secret and storable.
/// `None` for reads (DE007 covers those) and for answers that forbid storage.
pub fn creation_reveal_finding(endpoint: &str, request: &ProbeRequest, response: &Response) -> Option<Finding> {
    if matches!(request.method.as_str(), "GET" | "HEAD" | "OPTIONS") || !response.is_success() {
        return None;
    }
    let cache_control = response.header("cache-control");
    if forbids_storage(cache_control) {
        return None;
    }
    let cc = cache_control.unwrap_or("(absent)");
    let r = &de008_key_reveal_cacheable::RULE;
    Some(
        Finding::new(
            r,
            endpoint,
            format!(
                "{endpoint} answered HTTP {} with a secret in the body and Cache-Control {cc}: the one-time reveal can be stored by caches and logs.",
                response.status
            ),
            "observed",
        )
        .detail("observed")
        .evidence(Evidence {
            exchange: Some(response.exchange_id),
            location: "response.header.Cache-Control".into(),
            excerpt: format!("{} -> HTTP {}, Cache-Control: {cc}", endpoint, response.status),
            ..Default::default()
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_material_is_found_in_response_schemas_and_ids_are_not() {
        let seed = json!({"type": "object", "properties": {"key": {"type": "string"}, "key_id": {"type": "string"}}});
        assert_eq!(key_material_property(&seed).as_deref(), Some("key"));
        let nested = json!({"type": "object", "properties": {"data": {"type": "object", "properties": {"client_secret": {}}}}});
        assert_eq!(key_material_property(&nested).as_deref(), Some("data.client_secret"));
        let ids_only =
            json!({"type": "object", "properties": {"key_id": {"type": "string"}, "token_type": {"type": "string"}, "key": {"type": "object"}}});
        assert_eq!(key_material_property(&ids_only), None);
        assert_eq!(key_material_property(&json!({"type": "object"})), None);
    }

    #[test]
    fn no_store_or_private_no_cache_forbid_storage() {
        assert!(forbids_storage(Some("no-store")));
        assert!(forbids_storage(Some("private, no-cache")));
        assert!(!forbids_storage(Some("no-cache")));
        assert!(!forbids_storage(None));
    }
}
