//! Property tests: `load` and `looks_like_spec` never panic, whatever the input.

use palisade_spec::{load, looks_like_spec, LoadOptions};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Keys that steer the loader into its interesting branches.
const KEYS: &[&str] = &[
    "openapi",
    "swagger",
    "paths",
    "/a",
    "/b/{id}",
    "get",
    "post",
    "parameters",
    "requestBody",
    "responses",
    "200",
    "content",
    "application/json",
    "schema",
    "$ref",
    "properties",
    "items",
    "allOf",
    "security",
    "components",
    "schemas",
    "A",
    "name",
    "in",
    "type",
    "servers",
    "url",
    "host",
    "schemes",
    "examples",
];

/// Values including local, dangling, remote and self refs.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("#")),
        Just(json!("#/components/schemas/A")),
        Just(json!("#/paths")),
        Just(json!("#/paths/~1a/get")),
        Just(json!("http://127.0.0.1:9/x.json")),
        Just(json!("3.0.0")),
        Just(json!("2.0")),
        Just(json!("path")),
        Just(json!("body")),
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-z#/~0-9]{0,8}".prop_map(Value::from),
    ]
}

fn small_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6)
                .prop_map(|pairs| { Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>(),) }),
        ]
    })
}

fn small_limits() -> LoadOptions {
    LoadOptions { max_nodes: 5_000, ..LoadOptions::default() }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = looks_like_spec(&bytes);
        let _ = load(&bytes, &small_limits());
    }

    #[test]
    fn arbitrary_small_json_objects_never_panic(mut body in small_json(), version in prop::sample::select(vec!["3.0.3", "3.1.0", "2.0"])) {
        if let Value::Object(map) = &mut body {
            let key = if version == "2.0" { "swagger" } else { "openapi" };
            map.insert(key.to_string(), json!(version));
        }
        let text = body.to_string();
        prop_assert_eq!(looks_like_spec(text.as_bytes()), body.is_object());
        if let Ok(inventory) = load(text.as_bytes(), &small_limits()) {
            // Whatever loads must serialize and come back unchanged.
            let round_trip: palisade_core::Inventory = serde_json::from_str(&serde_json::to_string(&inventory).unwrap()).unwrap();
            prop_assert_eq!(round_trip, inventory);
        }
    }

    #[test]
    fn yaml_renderings_never_panic(body in small_json()) {
        let yaml = format!("openapi: 3.0.0\nx: {}\n", body);
        let _ = load(yaml.as_bytes(), &small_limits());
    }
}
