//! The three realistic fixtures: the Keys API as OpenAPI 3.0 JSON, 3.1 YAML and Swagger 2.0 JSON.

use palisade_core::{Endpoint, Inventory, ParamLocation};
use palisade_spec::{load, LoadOptions};
use serde_json::json;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn load_fixture(name: &str) -> Inventory {
    let opts = LoadOptions { source: Some(format!("fixtures/{name}")), ..LoadOptions::default() };
    load(&fixture(name), &opts).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn labels(inventory: &Inventory) -> Vec<String> {
    inventory.endpoints.iter().map(Endpoint::label).collect()
}

fn endpoint<'a>(inventory: &'a Inventory, label: &str) -> &'a Endpoint {
    inventory.endpoints.iter().find(|e| e.label() == label).unwrap_or_else(|| panic!("no endpoint {label}"))
}

#[test]
fn openapi30_json_lists_every_operation_in_document_order() {
    let inv = load_fixture("keys_api_openapi30.json");
    assert_eq!(
        labels(&inv),
        ["GET /api/v1/keys", "POST /api/v1/keys", "GET /api/v1/keys/{key_id}", "DELETE /api/v1/keys/{key_id}", "GET /api/v1/resource", "GET /health",]
    );
    assert_eq!(inv.spec_version.as_deref(), Some("3.0.3"));
    assert_eq!(inv.title.as_deref(), Some("Keys API"));
    assert_eq!(inv.spec_source.as_deref(), Some("fixtures/keys_api_openapi30.json"));
    assert_eq!(inv.servers, ["http://127.0.0.1:8080", "/"]);
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

#[test]
fn openapi30_security_is_effective_per_operation() {
    let inv = load_fixture("keys_api_openapi30.json");
    let list = endpoint(&inv, "GET /api/v1/keys");
    assert!(list.security_declared);
    assert_eq!(list.security, [vec!["ApiKeyAuth".to_string()]]);
    assert!(list.requires_auth());

    let resource = endpoint(&inv, "GET /api/v1/resource");
    assert_eq!(resource.security, [vec!["ApiKeyAuth".to_string()], vec!["BearerAuth".to_string()]]);

    let health = endpoint(&inv, "GET /health");
    assert!(health.security_declared);
    assert!(health.security.is_empty());
    assert!(!health.requires_auth());

    let api_key = &inv.security_schemes["ApiKeyAuth"];
    assert_eq!(api_key.kind, "apiKey");
    assert_eq!(api_key.name.as_deref(), Some("X-API-Key"));
    assert_eq!(api_key.location.as_deref(), Some("header"));
    let bearer = &inv.security_schemes["BearerAuth"];
    assert_eq!((bearer.kind.as_str(), bearer.scheme.as_deref()), ("http", Some("bearer")));
    assert_eq!(bearer.bearer_format.as_deref(), Some("JWT"));
}

#[test]
fn openapi30_parameters_merge_path_and_operation_levels() {
    let inv = load_fixture("keys_api_openapi30.json");
    let get_key = endpoint(&inv, "GET /api/v1/keys/{key_id}");
    let names: Vec<_> = get_key.parameters.iter().map(|p| (p.name.as_str(), p.location)).collect();
    assert_eq!(names, [("key_id", ParamLocation::Path), ("X-Request-Id", ParamLocation::Header)]);
    let key_id = &get_key.parameters[0];
    assert!(key_id.required);
    // The operation-level declaration wins over the path-level one.
    assert_eq!(key_id.format.as_deref(), Some("uuid"));
    assert_eq!(key_id.example, Some(json!("3f2b8c1e-9a4d-4e21-b7a0-5c6d7e8f9a01")));

    // The DELETE has no own parameters: it inherits both path-level ones.
    let delete = endpoint(&inv, "DELETE /api/v1/keys/{key_id}");
    assert_eq!(delete.parameters.len(), 2);
    assert_eq!(delete.parameters[0].format, None);
    assert!(delete.deprecated);
    assert!(!get_key.deprecated);

    let list = endpoint(&inv, "GET /api/v1/keys");
    let limit = &list.parameters[0];
    assert_eq!((limit.name.as_str(), limit.location), ("limit", ParamLocation::Query));
    assert_eq!((limit.schema_type.as_deref(), limit.format.as_deref()), (Some("integer"), Some("int32")));
    assert_eq!(limit.example, Some(json!(20)), "schema default is the fallback example");
    assert!(!limit.required);

    let resource = endpoint(&inv, "GET /api/v1/resource");
    assert_eq!(resource.parameters[1].location, ParamLocation::Cookie);
}

#[test]
fn openapi30_bodies_and_responses_are_resolved() {
    let inv = load_fixture("keys_api_openapi30.json");
    let create = endpoint(&inv, "POST /api/v1/keys");
    assert_eq!(create.operation_id.as_deref(), Some("createKey"));
    assert_eq!(create.tags, ["keys"]);
    let body = create.request_body.as_ref().expect("request body");
    assert!(body.required);
    assert_eq!(body.content_types, ["application/json", "application/x-www-form-urlencoded"]);
    let schema = body.schema.as_ref().expect("body schema");
    assert_eq!(schema["properties"]["name"]["maxLength"], json!(64));
    assert_eq!(schema["required"], json!(["name"]));

    let created = &create.responses["201"];
    assert_eq!(created.description.as_deref(), Some("Key created"));
    let all_of = &created.schema.as_ref().expect("201 schema")["allOf"];
    assert_eq!(all_of[0]["properties"]["id"]["format"], json!("uuid"));
    assert_eq!(all_of[1]["properties"]["secret"]["type"], json!("string"));

    let unauthorized = &create.responses["401"];
    assert_eq!(unauthorized.content_types, ["application/problem+json"]);
    assert_eq!(unauthorized.schema.as_ref().unwrap()["properties"]["status"]["type"], json!("integer"));
    assert_eq!(create.responses.keys().collect::<Vec<_>>(), ["201", "400", "401"]);

    let resource = endpoint(&inv, "GET /api/v1/resource");
    assert_eq!(resource.responses["200"].content_types, ["application/json", "text/plain"]);
    assert_eq!(resource.responses["200"].schema.as_ref().unwrap()["required"], json!(["id"]));
    let list = endpoint(&inv, "GET /api/v1/keys");
    let items = &list.responses["200"].schema.as_ref().unwrap()["properties"]["items"]["items"];
    assert_eq!(items["properties"]["created_at"]["format"], json!("date-time"));
    assert!(!items.to_string().contains("$ref"), "all local refs are inlined: {items}");
}

#[test]
fn openapi31_yaml_reads_the_same_api() {
    let inv = load_fixture("keys_api_openapi31.yaml");
    assert_eq!(inv.spec_version.as_deref(), Some("3.1.0"));
    let v30 = load_fixture("keys_api_openapi30.json");
    assert_eq!(labels(&inv), labels(&v30));
    assert_eq!(inv.servers, ["http://127.0.0.1:8080/"]);
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);

    let list = endpoint(&inv, "GET /api/v1/keys");
    let cursor = &list.parameters[1];
    // `type: [string, "null"]` reads as `string`; the example comes from a referenced Example object.
    assert_eq!(cursor.schema_type.as_deref(), Some("string"));
    assert_eq!(cursor.example, Some(json!("")));
    // Unquoted YAML status codes (`200:`) are read as strings.
    assert_eq!(list.responses.keys().collect::<Vec<_>>(), ["200", "401"]);

    let get_key = endpoint(&inv, "GET /api/v1/keys/{key_id}");
    assert_eq!(get_key.parameters[0].example, Some(json!("3f2b8c1e-9a4d-4e21-b7a0-5c6d7e8f9a01")));
    // 3.1 allows siblings next to `$ref`: they are kept on the resolved schema.
    let key = get_key.responses["200"].schema.as_ref().unwrap();
    assert_eq!(key["description"], json!("The key, without its secret."));
    assert_eq!(key["properties"]["prefix"]["type"], json!(["string", "null"]));
    assert!(endpoint(&inv, "DELETE /api/v1/keys/{key_id}").deprecated);
    assert!(endpoint(&inv, "GET /health").security.is_empty());
    assert!(endpoint(&inv, "GET /api/v1/resource").requires_auth());
}

#[test]
fn swagger20_maps_servers_schemes_and_body_parameters() {
    let inv = load_fixture("keys_api_swagger20.json");
    assert_eq!(inv.spec_version.as_deref(), Some("2.0"));
    assert_eq!(inv.servers, ["http://127.0.0.1:8080/api/v1", "https://127.0.0.1:8080/api/v1"]);
    assert_eq!(labels(&inv), ["GET /keys", "POST /keys", "GET /keys/{key_id}", "DELETE /keys/{key_id}", "PUT /keys/{key_id}/avatar", "GET /health",]);
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);

    let basic = &inv.security_schemes["Basic"];
    assert_eq!((basic.kind.as_str(), basic.scheme.as_deref()), ("http", Some("basic")));
    let api_key = &inv.security_schemes["ApiKeyAuth"];
    assert_eq!((api_key.name.as_deref(), api_key.location.as_deref()), (Some("X-API-Key"), Some("header")));
    assert_eq!(inv.security_schemes["OAuth"].kind, "oauth2");

    let create = endpoint(&inv, "POST /keys");
    assert!(create.parameters.is_empty(), "the body parameter becomes the request body");
    let body = create.request_body.as_ref().unwrap();
    assert!(body.required);
    assert_eq!(body.content_types, ["application/json"]);
    assert_eq!(body.schema.as_ref().unwrap()["required"], json!(["name"]));
    assert_eq!(create.security, [vec!["ApiKeyAuth".to_string()]]);
    let created = &create.responses["201"];
    assert_eq!(created.content_types, ["application/json"]);
    assert_eq!(created.schema.as_ref().unwrap()["properties"]["owner"]["properties"]["email"]["format"], json!("email"));
    assert_eq!(create.responses["401"].description.as_deref(), Some("Missing or invalid API key"));

    let list = endpoint(&inv, "GET /keys");
    assert_eq!(list.security, [vec!["ApiKeyAuth".to_string()], vec!["Basic".to_string()]]);
    let limit = &list.parameters[0];
    assert_eq!((limit.schema_type.as_deref(), limit.format.as_deref()), (Some("integer"), Some("int32")));
    assert_eq!(limit.example, Some(json!(20)));
    assert_eq!(list.parameters[1].schema_type.as_deref(), Some("array"));

    let get_key = endpoint(&inv, "GET /keys/{key_id}");
    assert_eq!(get_key.parameters[0].location, ParamLocation::Path);
    assert_eq!(get_key.parameters[0].format.as_deref(), Some("uuid"));
    assert_eq!(get_key.responses["200"].content_types, ["application/json", "application/xml"]);
    assert!(get_key.responses["404"].content_types.is_empty(), "no schema, no content");

    let delete = endpoint(&inv, "DELETE /keys/{key_id}");
    assert!(delete.deprecated);
    assert_eq!(delete.security, [vec!["OAuth".to_string()]]);

    let upload = endpoint(&inv, "PUT /keys/{key_id}/avatar");
    let form = upload.request_body.as_ref().unwrap();
    assert_eq!(form.content_types, ["multipart/form-data"]);
    assert!(form.required);
    assert_eq!(upload.parameters.len(), 1);

    let health = endpoint(&inv, "GET /health");
    assert!(health.security_declared && health.security.is_empty());
}

#[test]
fn snapshot_openapi30_json() {
    insta::assert_yaml_snapshot!(load_fixture("keys_api_openapi30.json"));
}

#[test]
fn snapshot_openapi31_yaml() {
    insta::assert_yaml_snapshot!(load_fixture("keys_api_openapi31.yaml"));
}

#[test]
fn snapshot_swagger20_json() {
    insta::assert_yaml_snapshot!(load_fixture("keys_api_swagger20.json"));
}
