//! A generated OpenAPI 3.0 document of any number of operations, shaped like
//! a real large API: per resource a list (`GET /api/v1/<r>` with paging and
//! a filter), a create (`POST`, request body `$ref`), a detail
//! (`GET /api/v1/<r>/{id}`), an update and a delete, and a nested list
//! (`GET /api/v1/<r>/{id}/<sub>`), each with an operationId, summary, tags,
//! `$ref`'d schemas, shared parameters and a shared error response.
//! About 500 bytes of JSON per operation: 5,000 operations ≈ 2.5 MB.
//!
//! Shared by tests of several crates (`#[path]`), so it uses nothing but std.

#![allow(dead_code)]

use std::fmt::Write as _;

/// Nouns for resource names; `<noun><n>` keeps every path distinct.
const NOUNS: &[&str] = &["account", "invoice", "order", "customer", "product", "ticket", "project", "report", "device", "shipment"];
const SUBS: &[&str] = &["notes", "events", "lines", "members", "attachments"];

/// A JSON OpenAPI 3.0.3 document with exactly `operations` operations.
pub fn openapi_spec(operations: usize) -> String {
    let mut paths = String::new();
    let mut schemas = String::new();
    let mut made = 0;
    let mut resource = 0;
    while made < operations {
        let noun = NOUNS[resource % NOUNS.len()];
        let sub = SUBS[resource % SUBS.len()];
        let name = format!("{noun}{resource}");
        let schema = format!("{}{resource}", capitalise(noun));
        let mut ops: Vec<(String, String, String)> = Vec::new(); // (path, method, operation JSON)
        let list = format!(
            r##"{{"operationId":"list_{name}","summary":"List {noun}s","description":"Returns the {noun}s visible to the caller, newest first, one page at a time.","tags":["{noun}"],"parameters":[{{"$ref":"#/components/parameters/Page"}},{{"$ref":"#/components/parameters/Limit"}},{{"name":"status","in":"query","schema":{{"type":"string","enum":["open","closed"]}}}}],"responses":{{"200":{{"description":"A page of {noun}s","content":{{"application/json":{{"schema":{{"type":"array","items":{{"$ref":"#/components/schemas/{schema}"}}}}}}}}}},"default":{{"$ref":"#/components/responses/Error"}}}}}}"##
        );
        ops.push((format!("/api/v1/{name}"), "get".into(), list));
        let create = format!(
            r##"{{"operationId":"create_{name}","summary":"Create a {noun}","tags":["{noun}"],"requestBody":{{"required":true,"content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/{schema}"}}}}}}}},"responses":{{"201":{{"description":"Created","content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/{schema}"}}}}}}}},"default":{{"$ref":"#/components/responses/Error"}}}}}}"##
        );
        ops.push((format!("/api/v1/{name}"), "post".into(), create));
        let detail = format!(
            r##"{{"operationId":"get_{name}","summary":"Get one {noun}","description":"Returns one {noun} by its numeric id.","tags":["{noun}"],"responses":{{"200":{{"description":"The {noun}","content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/{schema}"}}}}}}}},"404":{{"$ref":"#/components/responses/Error"}}}}}}"##
        );
        ops.push((format!("/api/v1/{name}/{{id}}"), "get".into(), detail));
        let update = format!(
            r##"{{"operationId":"update_{name}","summary":"Update a {noun}","tags":["{noun}"],"requestBody":{{"content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/{schema}"}}}}}}}},"responses":{{"200":{{"description":"Updated"}},"default":{{"$ref":"#/components/responses/Error"}}}}}}"##
        );
        ops.push((format!("/api/v1/{name}/{{id}}"), "put".into(), update));
        let delete = format!(
            r##"{{"operationId":"delete_{name}","summary":"Delete a {noun}","tags":["{noun}"],"responses":{{"204":{{"description":"Deleted"}},"default":{{"$ref":"#/components/responses/Error"}}}}}}"##
        );
        ops.push((format!("/api/v1/{name}/{{id}}"), "delete".into(), delete));
        let nested = format!(
            r##"{{"operationId":"list_{name}_{sub}","summary":"List the {sub} of a {noun}","tags":["{noun}"],"parameters":[{{"$ref":"#/components/parameters/Page"}}],"responses":{{"200":{{"description":"The {sub}","content":{{"application/json":{{"schema":{{"type":"array","items":{{"type":"object","properties":{{"id":{{"type":"integer"}},"text":{{"type":"string"}}}}}}}}}}}}}}}}}}"##
        );
        ops.push((format!("/api/v1/{name}/{{id}}/{sub}"), "get".into(), nested));

        // Group the operations taken by path, in order.
        let mut current: Option<String> = None;
        for (path, method, op) in ops.into_iter().take(operations - made) {
            if current.as_deref() != Some(path.as_str()) {
                if current.is_some() {
                    paths.push_str("},");
                }
                let path_params = if path.contains("{id}") { r##""parameters":[{"$ref":"#/components/parameters/Id"}],"## } else { "" };
                let _ = write!(paths, "\"{path}\":{{{path_params}");
                current = Some(path.clone());
            } else {
                paths.push(',');
            }
            let _ = write!(paths, "\"{method}\":{op}");
            made += 1;
        }
        paths.push_str("},");
        let _ = write!(
            schemas,
            r#""{schema}":{{"type":"object","required":["id","name"],"properties":{{"id":{{"type":"integer","format":"int64","readOnly":true}},"name":{{"type":"string","maxLength":120}},"status":{{"type":"string","enum":["open","closed"]}},"created_at":{{"type":"string","format":"date-time"}}}}}},"#
        );
        resource += 1;
    }
    paths.pop();
    schemas.push_str(r#""Error":{"type":"object","properties":{"code":{"type":"integer"},"message":{"type":"string"}}}"#);
    format!(
        r##"{{"openapi":"3.0.3","info":{{"title":"Generated API","version":"1.0.0"}},"servers":[{{"url":"/"}}],"paths":{{{paths}}},"components":{{"schemas":{{{schemas}}},"parameters":{{"Id":{{"name":"id","in":"path","required":true,"schema":{{"type":"integer","example":1}}}},"Page":{{"name":"page","in":"query","schema":{{"type":"integer","default":1}}}},"Limit":{{"name":"limit","in":"query","schema":{{"type":"integer","maximum":100}}}}}},"responses":{{"Error":{{"description":"An error","content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/Error"}}}}}}}}}},"securitySchemes":{{"bearer":{{"type":"http","scheme":"bearer"}}}}}},"security":[{{"bearer":[]}}]}}"##
    )
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}
