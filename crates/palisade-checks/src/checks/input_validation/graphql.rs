//! Input Validation, GraphQL beyond introspection (IV004 lives in
//! `input_validation.rs`): field suggestions (IV009), mutations executed over
//! GET (IV010) and array batching (IV011).
//!
//! IV009 and IV010 send GETs only. IV011 needs a POST, so it runs only when
//! the method policy allows POST (`--allow-method POST` or `--active`); a
//! default scan skips it and sends no POST at all.

use crate::checks::support::clip;
use crate::rules::{iv009_graphql_field_suggestions, iv010_graphql_mutation_over_get, iv011_graphql_batching};
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Evidence, Finding, RuleMeta};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{AuthMode, ProbeRequest, Response, Url};

/// Well-known GraphQL locations (the same as IV004's).
const GRAPHQL_PATHS: &[&str] = &["/graphql", "/api/graphql", "/v1/graphql", "/graphql/v1"];
/// Most GraphQL locations tried.
const MAX_LOCATIONS: usize = 6;

/// The smallest query every GraphQL server answers.
pub const TYPENAME_QUERY: &str = "{__typename}";
/// Misspelled common root fields: servers with suggestions name the real ones.
pub const SUGGESTION_QUERY: &str = "{usr produc accoun}";
/// A mutation operation that selects no mutation field: it changes nothing.
pub const MUTATION_QUERY: &str = "mutation{__typename}";
/// Two queries in one JSON array.
pub const BATCH_BODY: &str = r#"[{"query":"{__typename}"},{"query":"{__typename}"}]"#;

fn with_query(url: &Url, q: &str) -> Url {
    let mut u = url.clone();
    u.query_pairs_mut().append_pair("query", q);
    u
}

/// `data.__typename` of a GraphQL answer.
fn typename(r: &Response) -> Option<String> {
    Some(r.json()?.get("data")?.get("__typename")?.as_str()?.to_string())
}

/// Error messages of a GraphQL answer.
fn error_messages(r: &Response) -> Vec<String> {
    let Some(json) = r.json() else { return Vec::new() };
    let Some(errors) = json.get("errors").and_then(|e| e.as_array()) else { return Vec::new() };
    errors.iter().filter_map(|e| e.get("message")?.as_str().map(str::to_string)).collect()
}

/// True for a JSON array with one successful result per batched query.
pub fn is_batch_answer(body: &[u8]) -> bool {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_slice::<serde_json::Value>(body) else { return false };
    items.len() == 2 && items.iter().all(|i| i.get("data").is_some_and(|d| !d.is_null()))
}

/// IV009, IV010, IV011.
pub struct GraphqlSurface;

#[async_trait]
impl Check for GraphqlSurface {
    fn name(&self) -> &'static str {
        "input-validation/graphql-surface"
    }
    fn category(&self) -> Category {
        Category::InputValidation
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&iv009_graphql_field_suggestions::RULE, &iv010_graphql_mutation_over_get::RULE, &iv011_graphql_batching::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let mut urls: Vec<Url> = Vec::new();
        for ep in ctx.inventory.endpoints.iter().filter(|e| e.path.to_ascii_lowercase().contains("graphql")) {
            if let Ok(mut u) = ctx.endpoint_url(&ep.path) {
                u.set_query(None);
                if !urls.contains(&u) {
                    urls.push(u);
                }
            }
        }
        for path in GRAPHQL_PATHS {
            let mut u = ctx.url_for(path)?;
            u.set_query(None);
            if !urls.contains(&u) {
                urls.push(u);
            }
        }
        urls.truncate(MAX_LOCATIONS);
        let post_allowed = ctx.engine.config().policy.permits("POST");
        for url in urls {
            let path = url.path().to_string();
            let get = |q: &str| ProbeRequest::get(with_query(&url, q)).auth(AuthMode::Anonymous).no_redirects();
            let Ok(probe) = ctx.send(get(TYPENAME_QUERY)).await else { continue };
            let over_get = typename(&probe).is_some();
            if over_get {
                self.suggestions(ctx, &path, get(SUGGESTION_QUERY)).await;
                self.mutation_over_get(ctx, &path, get(MUTATION_QUERY)).await;
            }
            // Batching: a POST, only when the policy allows it, and only on a
            // location that answered like GraphQL.
            let graphql_like = over_get || !error_messages(&probe).is_empty();
            if post_allowed && graphql_like {
                self.batching(ctx, &url).await;
            }
        }
        Ok(())
    }
}

impl GraphqlSurface {
    async fn suggestions(&self, ctx: &ScanContext, path: &str, req: ProbeRequest) {
        let Ok(resp) = ctx.send(req).await else { return };
        let Some(msg) = error_messages(&resp).into_iter().find(|m| m.contains("Did you mean")) else { return };
        let r = &iv009_graphql_field_suggestions::RULE;
        ctx.report(
            Finding::new(
                r,
                format!("GET {path}"),
                format!("{path} answers a misspelled field with a suggestion of the real ones, so the schema can be rebuilt without introspection."),
                "",
            )
            .evidence(Evidence {
                exchange: Some(resp.exchange_id),
                location: "response.body.errors".into(),
                excerpt: clip(&ctx.redact(&msg), 160),
                ..Default::default()
            }),
        );
    }

    async fn mutation_over_get(&self, ctx: &ScanContext, path: &str, req: ProbeRequest) {
        let Ok(resp) = ctx.send(req).await else { return };
        if !resp.is_success() {
            return;
        }
        let Some(name) = typename(&resp) else { return };
        let r = &iv010_graphql_mutation_over_get::RULE;
        ctx.report(
            Finding::new(
                r,
                format!("GET {path}"),
                format!("{path} executes a mutation operation sent as a GET (`{MUTATION_QUERY}` answered `__typename: {}`): any web page can trigger mutations with a visitor's cookies.", clip(&name, 40)),
                "",
            )
            .evidence(Evidence {
                exchange: Some(resp.exchange_id),
                location: "response.body.data".into(),
                excerpt: clip(&resp.text(), 120),
                ..Default::default()
            }),
        );
    }

    async fn batching(&self, ctx: &ScanContext, url: &Url) {
        let req = ProbeRequest::new("POST", url.clone())
            .auth(AuthMode::Anonymous)
            .no_redirects()
            .no_cache()
            .header("Content-Type", "application/json")
            .body(BATCH_BODY);
        let Ok(resp) = ctx.send(req).await else { return };
        if !resp.is_success() || !is_batch_answer(&resp.body) {
            return;
        }
        let path = url.path();
        let r = &iv011_graphql_batching::RULE;
        ctx.report(
            Finding::new(
                r,
                format!("POST {path}"),
                format!("{path} executes a JSON array of operations in one request (2 queries sent, 2 results): rate limits that count requests can be bypassed."),
                "",
            )
            .confidence(Confidence::High)
            .evidence(Evidence {
                exchange: Some(resp.exchange_id),
                location: "response.body".into(),
                excerpt: clip(&resp.text(), 160),
                ..Default::default()
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_answers_are_recognised() {
        assert!(is_batch_answer(br#"[{"data":{"__typename":"Query"}},{"data":{"__typename":"Query"}}]"#));
        assert!(!is_batch_answer(br#"{"errors":[{"message":"Must provide query string."}]}"#));
        assert!(!is_batch_answer(br#"[{"errors":[{"message":"batching is disabled"}]}]"#));
        assert!(!is_batch_answer(b"not json"));
    }
}
