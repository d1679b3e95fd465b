//! Cyclic, remote, oversized and malformed input: clear errors or bounded results, never a panic.

use palisade_spec::{load, looks_like_spec, LoadOptions, SpecError, CYCLE_MARKER, REF_DEPTH_MARKER, TRUNCATED_MARKER, UNRESOLVED_MARKER};
use serde_json::{json, Value};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn load_default(bytes: &[u8]) -> Result<palisade_core::Inventory, SpecError> {
    load(bytes, &LoadOptions::default())
}

fn cycle(reference: &str) -> Value {
    json!({"$ref": reference, CYCLE_MARKER: true})
}

#[test]
fn self_reference_is_expanded_once_then_marked() {
    let inv = load_default(&fixture("cyclic_refs.json")).unwrap();
    let get = inv.endpoints.iter().find(|e| e.label() == "GET /nodes").unwrap();
    let node = get.responses["200"].schema.as_ref().unwrap();
    assert_eq!(node["properties"]["name"]["type"], json!("string"));
    assert_eq!(node["properties"]["children"]["items"], cycle("#/components/schemas/Node"));
    assert!(inv.warnings.iter().any(|w| w == "cyclic $ref '#/components/schemas/Node' left unexpanded"), "{:?}", inv.warnings);
}

#[test]
fn mutual_reference_is_expanded_once_then_marked() {
    let inv = load_default(&fixture("cyclic_refs.json")).unwrap();
    let post = inv.endpoints.iter().find(|e| e.label() == "POST /nodes").unwrap();
    let a = post.request_body.as_ref().unwrap().schema.as_ref().unwrap();
    assert_eq!(a["properties"]["b"]["properties"]["a"], cycle("#/components/schemas/A"));
    let b = post.responses["200"].schema.as_ref().unwrap();
    assert_eq!(b["properties"]["a"]["properties"]["b"], cycle("#/components/schemas/B"));
}

#[test]
fn pure_alias_loops_end_in_a_marker_or_a_warning() {
    let inv = load_default(&fixture("cyclic_refs.json")).unwrap();
    let get = inv.endpoints.iter().find(|e| e.label() == "GET /alias-loop").unwrap();
    assert_eq!(get.responses["200"].schema.as_ref().unwrap(), &cycle("#/components/schemas/X"));
    // A parameter that is only a ref loop cannot be read: it is skipped with a warning.
    assert!(get.parameters.is_empty());
    assert!(inv.warnings.iter().any(|w| w.contains("cyclic $ref '#/components/parameters/Loop")), "{:?}", inv.warnings);
}

#[test]
fn remote_refs_are_left_in_place_with_warnings() {
    let inv = load_default(&fixture("remote_ref.json")).unwrap();
    let get = &inv.endpoints[0];
    assert!(get.parameters.is_empty(), "a remote parameter ref cannot be read");
    let schema = get.responses["200"].schema.as_ref().unwrap();
    assert_eq!(schema["properties"]["thing"], json!({"$ref": "http://127.0.0.1:9/schemas/thing.json"}));
    assert_eq!(schema["properties"]["missing"], json!({"$ref": "#/components/schemas/DoesNotExist", UNRESOLVED_MARKER: true}));
    assert_eq!(
        inv.warnings,
        [
            "remote $ref 'common.yaml#/components/parameters/Page' not fetched",
            "remote $ref 'http://127.0.0.1:9/schemas/thing.json' not fetched",
            "$ref '#/components/schemas/DoesNotExist' does not resolve inside the document",
        ]
    );
}

#[test]
fn yaml_bomb_fails_fast_with_a_parse_error() {
    let err = load_default(&fixture("yaml_bomb.yaml")).unwrap_err();
    match &err {
        SpecError::Parse { format, message } => {
            assert_eq!(*format, "YAML");
            assert!(message.starts_with("alias replay limit exceeded"), "{message}");
            assert!(!message.contains('\n'));
            assert!(message.len() < 400, "{message}");
        }
        other => panic!("expected a YAML parse error, got {other:?}"),
    }
    assert!(err.to_string().starts_with("cannot parse spec as YAML"), "{err}");
}

#[test]
fn invalid_utf8_is_a_clear_error() {
    let err = load_default(&fixture("garbage.bin")).unwrap_err();
    assert!(matches!(&err, SpecError::Parse { message, .. } if message == "invalid UTF-8 at byte 0"), "{err:?}");
    let err = load_default(b"{\"openapi\": \"3.0.0\", \"x\": \"\xff\"}").unwrap_err();
    assert!(matches!(&err, SpecError::Parse { format: "JSON", message } if message == "invalid UTF-8 at byte 27"), "{err:?}");
}

#[test]
fn deeply_nested_json_hits_the_recursion_limit() {
    let err = load_default(&fixture("deep_nesting.json")).unwrap_err();
    match err {
        SpecError::Parse { format: "JSON", message } => assert!(message.contains("recursion limit"), "{message}"),
        other => panic!("expected a JSON parse error, got {other:?}"),
    }
}

#[test]
fn deeply_nested_yaml_is_rejected() {
    let flow = "[".repeat(100_000);
    assert!(matches!(load_default(flow.as_bytes()), Err(SpecError::Parse { .. })));
    let yaml_flow = format!("openapi: 3.0.0\nx: {flow}");
    assert!(matches!(load_default(yaml_flow.as_bytes()), Err(SpecError::Parse { format: "YAML", .. })));
    // 60 levels load on the 2 MiB stack of a test thread; 300 are refused.
    let nested = |levels: usize| -> String {
        let block: String = (0..levels).map(|depth| format!("{}k{depth}:\n", "  ".repeat(depth + 1))).collect();
        format!("openapi: 3.0.0\nx:\n{block}")
    };
    assert!(load_default(nested(60).as_bytes()).is_ok());
    let result = load_default(nested(300).as_bytes());
    assert!(matches!(&result, Err(SpecError::Parse { format: "YAML", message }) if message.contains("Depth")), "{result:?}");
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let opts = LoadOptions { max_bytes: 100, ..LoadOptions::default() };
    let err = load(&fixture("keys_api_openapi30.json"), &opts).unwrap_err();
    assert!(matches!(err, SpecError::TooLarge { limit: 100, size } if size > 100));
}

#[test]
fn documents_that_are_not_specs_say_so() {
    for bytes in [&b"{\"hello\": 1}"[..], b"[1, 2]", b"hello", b"", b"title: x\npaths: {}\n"] {
        assert!(matches!(load_default(bytes), Err(SpecError::NotASpec)), "{:?}", String::from_utf8_lossy(bytes));
    }
    let err = load_default(br#"{"openapi": "4.0.0"}"#).unwrap_err();
    assert!(matches!(&err, SpecError::UnsupportedVersion(v) if v == "openapi 4.0.0"), "{err:?}");
    assert!(matches!(load_default(b"swagger: '1.2'"), Err(SpecError::UnsupportedVersion(_))));
    assert!(matches!(load_default(br#"{"openapi": {"v": 3}}"#), Err(SpecError::Invalid(_))));
    let err = load_default(br#"{"openapi": "3.0.0", "paths": []}"#).unwrap_err();
    assert_eq!(err.to_string(), "invalid spec: `paths` must be an object");
    let err = load_default(b"{\"openapi\": \"3.0.0\",\n  \"paths\": {,}}").unwrap_err();
    assert!(matches!(&err, SpecError::Parse { format: "JSON", message } if message.contains("line 2 column")), "{err:?}");
    let err = load_default(b"openapi: 3.0.0\npaths:\n  - a\n  b: [\n").unwrap_err();
    assert!(matches!(&err, SpecError::Parse { format: "YAML", message } if message.contains("line")), "{err:?}");
}

#[test]
fn unquoted_yaml_version_and_minimal_documents_load() {
    let inv = load_default(b"openapi: 3.0\ninfo: {title: t}\n").unwrap();
    assert_eq!(inv.spec_version.as_deref(), Some("3.0"));
    assert!(inv.endpoints.is_empty());
    let inv = load_default(b"swagger: 2.0\npaths:\n  /a:\n    get: {}\n").unwrap();
    assert_eq!(inv.spec_version.as_deref(), Some("2.0"));
    assert_eq!(inv.endpoints[0].label(), "GET /a");
    assert!(!inv.endpoints[0].security_declared);
}

#[test]
fn malformed_operations_are_skipped_with_warnings() {
    let doc = json!({
        "openapi": "3.0.0",
        "paths": {
            "/a": {"get": "oops", "post": {"parameters": {"not": "a list"}, "responses": []}},
            "/b": 7,
            "x-extension": {"get": {}}
        },
        "security": "everyone"
    });
    let inv = load_default(doc.to_string().as_bytes()).unwrap();
    assert_eq!(inv.endpoints.iter().map(|e| e.label()).collect::<Vec<_>>(), ["POST /a"]);
    assert!(!inv.endpoints[0].security_declared);
    for expected in ["operation GET /a is not an object; skipped", "path item /b is not an object; skipped"] {
        assert!(inv.warnings.iter().any(|w| w == expected), "{expected} in {:?}", inv.warnings);
    }
}

#[test]
fn long_ref_chains_stop_at_max_ref_depth() {
    let mut schemas = serde_json::Map::new();
    for i in 0..50 {
        schemas.insert(format!("S{i}"), json!({"type": "object", "properties": {"next": {"$ref": format!("#/components/schemas/S{}", i + 1)}}}));
    }
    schemas.insert("S50".into(), json!({"type": "string"}));
    let doc = json!({
        "openapi": "3.0.0",
        "paths": {"/chain": {"get": {"responses": {"200": {"description": "d", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}}}}},
        "components": {"schemas": schemas}
    });
    let opts = LoadOptions { max_ref_depth: 8, ..LoadOptions::default() };
    let inv = load(doc.to_string().as_bytes(), &opts).unwrap();
    let mut schema = inv.endpoints[0].responses["200"].schema.clone().unwrap();
    let mut expanded = 0;
    while schema.get("$ref").is_none() {
        schema = schema["properties"]["next"].take();
        expanded += 1;
    }
    assert_eq!(expanded, 8);
    assert_eq!(schema, json!({"$ref": "#/components/schemas/S8", REF_DEPTH_MARKER: true}));
    assert!(inv.warnings.iter().any(|w| w.contains("deeper than 8")), "{:?}", inv.warnings);
}

#[test]
fn max_nodes_bounds_the_whole_load() {
    let big: serde_json::Map<String, Value> = (0..200).map(|i| (format!("f{i}"), json!({"type": "string"}))).collect();
    let paths: serde_json::Map<String, Value> = (0..100)
        .map(|i| {
            let op = json!({"get": {"responses": {"200": {"description": "d", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Big"}}}}}}});
            (format!("/p{i}"), op)
        })
        .collect();
    let doc = json!({"openapi": "3.0.0", "paths": paths, "components": {"schemas": {"Big": {"type": "object", "properties": big}}}});
    let opts = LoadOptions { max_nodes: 2_000, ..LoadOptions::default() };
    let inv = load(doc.to_string().as_bytes(), &opts).unwrap();
    assert_eq!(inv.endpoints.len(), 100);
    let first = inv.endpoints[0].responses["200"].schema.as_ref().unwrap();
    assert_eq!(first["properties"].as_object().unwrap().len(), 200, "the first schema fits");
    let last = inv.endpoints[99].responses["200"].schema.as_ref().unwrap();
    assert_eq!(last, &json!({TRUNCATED_MARKER: "max_nodes"}));
    let all_schemas = serde_json::to_string(&inv.endpoints).unwrap();
    assert!(all_schemas.matches("\"type\":\"string\"").count() <= 2_000);
    assert!(inv.warnings.iter().any(|w| w.contains("max_nodes (2000)")), "{:?}", inv.warnings);
}

#[test]
fn deep_schemas_are_truncated_so_the_inventory_round_trips() {
    // 55 nested `properties` = 110 JSON levels: accepted by the parser, cut by the resolver.
    let mut schema = json!({"type": "string"});
    for _ in 0..55 {
        schema = json!({"properties": {"p": schema}});
    }
    let doc = json!({"openapi": "3.0.0", "paths": {"/deep": {"post": {"requestBody": {"content": {"application/json": {"schema": schema}}}}}}});
    let inv = load_default(doc.to_string().as_bytes()).unwrap();
    let text = serde_json::to_string(&inv).unwrap();
    assert!(text.contains(TRUNCATED_MARKER));
    let back: palisade_core::Inventory = serde_json::from_str(&text).expect("round trip within serde_json's recursion limit");
    assert_eq!(back, inv);
}

#[test]
fn sniff_matches_fixtures() {
    for name in ["keys_api_openapi30.json", "keys_api_openapi31.yaml", "keys_api_swagger20.json", "cyclic_refs.json", "yaml_bomb.yaml"] {
        assert!(looks_like_spec(&fixture(name)), "{name}");
    }
    for name in ["garbage.bin", "deep_nesting.json"] {
        assert!(!looks_like_spec(&fixture(name)), "{name}");
    }
}
