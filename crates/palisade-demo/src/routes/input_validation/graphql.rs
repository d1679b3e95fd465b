//! `GET /graphql?query=…`: a GraphQL endpoint over GET.
//!
//! The vulnerable twin answers introspection with its full schema (IV004),
//! suggests real field names for misspelled ones (IV009), runs mutations
//! sent over GET (IV010) and lists every user with SSN and phone number
//! (DE002). IV011 (batching) needs a POST and is tested on an axum fixture.
//! The hardened twin refuses introspection, suggests nothing, allows
//! mutations over POST only (405) and lists minimal users to key holders.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::app::{json_response, AppState, Shared};
use crate::data::{self, COUNT};

pub(super) async fn graphql(State(state): State<Shared>, headers: HeaderMap, Query(query): Query<HashMap<String, String>>) -> Response {
    let Some(q) = query.get("query") else {
        return json_response(StatusCode::BAD_REQUEST, json!({"errors": [{"message": "Must provide query string."}]}));
    };
    if let Some(r) = graphql_extra(&state, q) {
        return r;
    }
    if q.contains("__schema") || q.contains("__type") {
        if state.hardened {
            return json_response(StatusCode::BAD_REQUEST, json!({"errors": [{"message": "GraphQL introspection is not allowed"}]}));
        }
        return json_response(StatusCode::OK, json!({"data": data::graphql_schema()}));
    }
    if q.contains("users") {
        if state.hardened {
            if let Some(r) = state.auth_failure(&headers) {
                return r;
            }
            let users: Vec<Value> = (1..=COUNT).map(data::user_minimal).collect();
            return json_response(StatusCode::OK, json!({"data": {"users": users}}));
        }
        let users: Vec<Value> = (1..=COUNT).map(data::user_leaky).collect();
        return json_response(StatusCode::OK, json!({"data": {"users": users}}));
    }
    json_response(StatusCode::BAD_REQUEST, json!({"errors": [{"message": "Cannot query field on type \"Query\"."}]}))
}

/// Extra GraphQL answers for queries the main handler does not know:
/// `{__typename}`, `mutation{__typename}` and misspelled fields.
fn graphql_extra(state: &AppState, q: &str) -> Option<Response> {
    let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    let is_mutation = compact.starts_with("mutation");
    if compact == "{__typename}" || compact == "query{__typename}" {
        return Some(json_response(StatusCode::OK, json!({"data": {"__typename": "Query"}})));
    }
    if is_mutation {
        if state.hardened {
            // GraphQL over HTTP: mutations only over POST.
            let mut r = json_response(
                StatusCode::METHOD_NOT_ALLOWED,
                json!({"errors": [{"message": "Can only perform a mutation operation from a POST request."}]}),
            );
            r.headers_mut().insert(header::ALLOW, axum::http::HeaderValue::from_static("POST"));
            return Some(r);
        }
        if compact == "mutation{__typename}" {
            return Some(json_response(StatusCode::OK, json!({"data": {"__typename": "Mutation"}})));
        }
        return None;
    }
    // Unknown fields: the vulnerable twin suggests the real ones; everything
    // else is left to the main handler.
    if state.hardened || compact.contains("__") || compact.contains("users") {
        return None;
    }
    let inner = compact.trim_start_matches("query").trim_start_matches('{');
    let field: String = inner.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    if !field.starts_with("us") {
        return None;
    }
    let message = format!("Cannot query field \"{field}\" on type \"Query\". Did you mean \"users\"?");
    Some(json_response(StatusCode::BAD_REQUEST, json!({"errors": [{"message": message}]})))
}
