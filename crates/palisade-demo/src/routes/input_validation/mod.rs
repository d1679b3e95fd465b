//! Input validation: inputs that reach a query, a template or a page as
//! code, writes a browser can send cross-site, and the GraphQL endpoint
//! ([`graphql`]).
//!
//! - `GET /api/v1/products?category=…&sort=…`: `category` pasted into SQL
//!   (IV005 sql-error, IV006 boolean differential; DE003 sqlite-error).
//! - `GET /api/v1/greeting?name=…`: the name rendered by a string template
//!   (IV005 template-evaluated).
//! - `GET /api/v1/search?q=…`: the query echoed into an HTML page (IV007).
//! - `POST /api/v1/feedback`: a write that takes forms and plain text, so a
//!   browser can post it cross-site (IV008; RL004 in the spec).
//! - `GET /graphql`: IV004, IV009, IV010 (see [`graphql`]).
//!
//! IV001 (nosniff), IV002 (CORS) and IV003 (TRACE) are the policy
//! middleware's ([`crate::app`]). The vulnerable twin *simulates* the flaws
//! (there is no database or template engine: the answers are what such a
//! backend would give); the hardened twin treats every input as data,
//! allowlists the sort column, bounds page sizes and takes only JSON.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::app::{json_response, AppState, Shared};
use crate::routes::rate_limiting::HARDENED_MAX_LIMIT;

mod graphql;

/// The demo's product table: (id, name, category, price in cents).
const PRODUCTS: &[(u32, &str, &str, u32)] = &[
    (1, "The Rust Programming Language", "books", 3999),
    (2, "Zero to Production", "books", 4499),
    (3, "Mechanical keyboard", "hardware", 12900),
    (4, "USB-C hub", "hardware", 4900),
    (5, "Noise-cancelling headphones", "audio", 19900),
    (6, "Desk microphone", "audio", 8900),
];

/// Columns `sort` may name.
const SORT_COLUMNS: &[&str] = &["id", "name", "price"];

/// The routes of this module, merged into the demo router.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/products", get(products))
        .route("/api/v1/greeting", get(greeting))
        .route("/api/v1/search", get(search))
        .route("/api/v1/feedback", post(feedback))
        .route("/graphql", get(graphql::graphql))
}

/// The hardened spec: the feedback form only takes JSON.
pub(crate) fn harden_spec(spec: &mut Value) {
    let content = &mut spec["paths"]["/api/v1/feedback"]["post"]["requestBody"]["content"];
    if let Some(map) = content.as_object_mut() {
        map.retain(|k, _| k == "application/json");
    }
}

/// Page size: default 20; the hardened twin rejects anything but 1..=100,
/// the vulnerable twin takes any number (the catalogue is small anyway).
fn page_size(state: &AppState, query: &HashMap<String, String>) -> Result<usize, Box<Response>> {
    let Some(raw) = query.get("limit") else { return Ok(20) };
    match raw.trim().parse::<usize>() {
        Ok(n) if !state.hardened || (1..=HARDENED_MAX_LIMIT).contains(&n) => Ok(n),
        _ if state.hardened => Err(Box::new(json_response(StatusCode::BAD_REQUEST, json!({"error": "invalid limit"})))),
        _ => Ok(20),
    }
}

fn product_json(p: &(u32, &str, &str, u32)) -> Value {
    json!({"id": p.0, "name": p.1, "category": p.2, "price_cents": p.3})
}

/// `WHERE category = '<raw>'` as a naive SQL engine would read it: `None`
/// when the quotes do not balance (a syntax error), else the matching rows.
/// Understands the one trailing `' AND|OR '<a>'='<b>` a tautology test adds.
fn naive_sql_filter(raw: &str) -> Option<Vec<&'static (u32, &'static str, &'static str, u32)>> {
    if raw.matches('\'').count() % 2 == 1 {
        return None;
    }
    let (value, extra) = match raw.split_once('\'') {
        None => (raw, None),
        Some((value, rest)) => {
            // rest looks like ` OR '1'='1` (the closing quote is the query's own).
            let rest = rest.trim();
            let (op, cond) = rest.split_once(' ')?;
            let cond = cond.trim();
            let (a, b) = cond.split_once('=')?;
            let a = a.trim().trim_matches('\'');
            let b = b.trim().trim_matches('\'');
            (value, Some((op.to_ascii_uppercase(), a == b)))
        }
    };
    let rows = PRODUCTS
        .iter()
        .filter(|p| {
            let eq = p.2 == value;
            match &extra {
                None => eq,
                Some((op, c)) if op == "OR" => eq || *c,
                Some((op, c)) if op == "AND" => eq && *c,
                Some(_) => false,
            }
        })
        .collect();
    Some(rows)
}

/// `GET /api/v1/products?category=books&sort=price`.
async fn products(State(state): State<Shared>, Query(query): Query<HashMap<String, String>>) -> Response {
    let category = query.get("category").map(String::as_str).unwrap_or("books");
    let sort = query.get("sort").map(String::as_str).unwrap_or("id");
    let limit = match page_size(&state, &query) {
        Ok(n) => n,
        Err(r) => return *r,
    };
    if state.hardened {
        // Parameterised query, allowlisted sort column.
        if !SORT_COLUMNS.contains(&sort) {
            return json_response(StatusCode::BAD_REQUEST, json!({"error": "invalid sort column"}));
        }
        let rows: Vec<Value> = PRODUCTS.iter().filter(|p| p.2 == category).take(limit).map(product_json).collect();
        return json_response(StatusCode::OK, json!({"products": rows}));
    }
    if sort.contains('\'') || !sort.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '\'') {
        return json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": format!("sqlite3.OperationalError: near \"{sort}\": syntax error")}),
        );
    }
    match naive_sql_filter(category) {
        None => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({
                "error": format!("sqlite3.OperationalError: unrecognized token: \"'{category}' ORDER BY {sort}\""),
                "query": format!("SELECT id, name, category, price FROM products WHERE category = '{category}' ORDER BY {sort}"),
            }),
        ),
        Some(rows) => {
            let rows: Vec<Value> = rows.into_iter().take(limit).map(product_json).collect();
            json_response(StatusCode::OK, json!({"products": rows}))
        }
    }
}

/// Evaluates `{{a*b}}` and `${a*b}` like a server-side template engine
/// would; `None` on an unterminated expression (a template syntax error).
fn naive_template(input: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = input;
    loop {
        let next =
            [("{{", "}}"), ("${", "}")].iter().filter_map(|(open, close)| rest.find(open).map(|i| (i, *open, *close))).min_by_key(|(i, _, _)| *i);
        let Some((i, open, close)) = next else {
            out.push_str(rest);
            return Some(out);
        };
        out.push_str(&rest[..i]);
        let after = &rest[i + open.len()..];
        let end = after.find(close)?;
        let expr = after[..end].trim();
        let value = match expr.split_once('*') {
            Some((a, b)) => match (a.trim().parse::<u64>(), b.trim().parse::<u64>()) {
                (Ok(a), Ok(b)) => a.saturating_mul(b).to_string(),
                _ => String::new(),
            },
            None => expr.parse::<u64>().map(|n| n.to_string()).unwrap_or_default(),
        };
        out.push_str(&value);
        rest = &after[end + close.len()..];
    }
}

/// `GET /api/v1/greeting?name=Ada`.
async fn greeting(State(state): State<Shared>, Query(query): Query<HashMap<String, String>>) -> Response {
    let name = query.get("name").map(String::as_str).unwrap_or("friend");
    if state.hardened {
        // The name is data, never part of the template.
        return json_response(StatusCode::OK, json!({"greeting": format!("Hello {name}!")}));
    }
    match naive_template(&format!("Hello {name}!")) {
        Some(text) => json_response(StatusCode::OK, json!({"greeting": text})),
        None => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": "jinja2.exceptions.TemplateSyntaxError: unexpected end of template, expected 'end of print statement'."}),
        ),
    }
}

/// `GET /api/v1/search?q=keyboard`.
async fn search(State(state): State<Shared>, Query(query): Query<HashMap<String, String>>) -> Response {
    let q = query.get("q").map(String::as_str).unwrap_or("");
    let limit = match page_size(&state, &query) {
        Ok(n) => n,
        Err(r) => return *r,
    };
    let hits: Vec<Value> = PRODUCTS
        .iter()
        .filter(|p| !q.is_empty() && p.1.to_ascii_lowercase().contains(&q.to_ascii_lowercase()))
        .take(limit)
        .map(product_json)
        .collect();
    if state.hardened || !hits.is_empty() || q.is_empty() {
        return json_response(StatusCode::OK, json!({"query": q, "results": hits}));
    }
    // The vulnerable twin's "no results" page: the query pasted into HTML.
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!("<!doctype html><html><body><h1>No results</h1><p>Nothing matches <b>{q}</b>.</p></body></html>"),
    )
        .into_response()
}

/// `POST /api/v1/feedback`: the vulnerable twin parses JSON, forms and plain
/// text alike; the hardened twin only JSON (415 otherwise).
async fn feedback(State(state): State<Shared>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let ctype = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let is_json = ctype.starts_with("application/json");
    if state.hardened && !is_json {
        return json_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, json!({"error": "application/json required"}));
    }
    if body.len() > 4096 {
        return json_response(StatusCode::PAYLOAD_TOO_LARGE, json!({"error": "too large"}));
    }
    json_response(StatusCode::ACCEPTED, json!({"status": "received"}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_naive_sql_filter_behaves_like_string_concatenation() {
        assert_eq!(naive_sql_filter("books").unwrap().len(), 2);
        assert!(naive_sql_filter("books'").is_none());
        assert_eq!(naive_sql_filter("books' OR '1'='1").unwrap().len(), PRODUCTS.len());
        assert_eq!(naive_sql_filter("books' OR '1'='2").unwrap().len(), 2);
        assert_eq!(naive_sql_filter("books' AND '1'='1").unwrap().len(), 2);
        assert_eq!(naive_sql_filter("books' AND '1'='2").unwrap().len(), 0);
    }

    #[test]
    fn the_naive_template_evaluates_products() {
        assert_eq!(naive_template("Hello {{7*6}}!").as_deref(), Some("Hello 42!"));
        assert_eq!(naive_template("a ${2*3} b").as_deref(), Some("a 6 b"));
        assert_eq!(naive_template("Hello {{7*6!"), None);
        assert_eq!(naive_template("plain").as_deref(), Some("plain"));
    }
}
