//! Records the measurements behind the lib.rs note "Why not the `roas` typed model":
//! roas reads our clean fixtures, but rejects whole documents for deviations
//! real APIs publish, which this crate loads with the endpoints intact.

use palisade_spec::{load, LoadOptions};
use roas::validation::{Options, Validate};
use serde_json::{json, Value};

fn fixture_value(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    if name.ends_with(".yaml") {
        serde_saphyr::from_str(&text).unwrap()
    } else {
        serde_json::from_str(&text).unwrap()
    }
}

fn roas_v30(doc: &Value) -> Result<roas::v3_0::spec::Spec, String> {
    serde_json::from_value(doc.clone()).map_err(|e| e.to_string())
}

#[test]
fn roas_reads_our_clean_fixtures() {
    assert!(roas_v30(&fixture_value("keys_api_openapi30.json")).is_ok());
    assert!(serde_json::from_value::<roas::v3_1::spec::Spec>(fixture_value("keys_api_openapi31.yaml")).is_ok());
    assert!(serde_json::from_value::<roas::v2::spec::Spec>(fixture_value("keys_api_swagger20.json")).is_ok());
}

#[test]
fn roas_rejects_whole_documents_that_we_load() {
    let info = json!({"title": "t", "version": "1"});
    let ok = json!({"200": {"description": "ok"}});
    let variants = [
        ("missing field `info`", json!({"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": ok}}}})),
        ("missing field `description`", json!({"openapi": "3.0.3", "info": info, "paths": {"/a": {"get": {"responses": {"200": {}}}}}})),
        ("missing field `responses`", json!({"openapi": "3.0.3", "info": info, "paths": {"/a": {"get": {}}}})),
        (
            "expected string \"object\"",
            json!({"openapi": "3.0.3", "info": info, "paths": {"/a": {"get": {"responses": {"200": {
                "description": "ok", "content": {"application/json": {"schema": {"type": "file"}}}}}}}}}),
        ),
        (
            "unknown variant `body`",
            json!({"openapi": "3.0.3", "info": info, "paths": {"/a": {"get": {
                "parameters": [{"name": "x", "in": "body"}], "responses": ok}}}}),
        ),
    ];
    for (roas_error, doc) in variants {
        let err = roas_v30(&doc).expect_err(roas_error);
        assert!(err.contains(roas_error), "{err}");
        let inventory = load(doc.to_string().as_bytes(), &LoadOptions::default()).unwrap();
        assert_eq!(inventory.endpoints.len(), 1, "{roas_error}: we keep the endpoint");
    }
}

#[test]
fn roas_validation_reports_cyclic_refs_as_missing_targets() {
    let doc = fixture_value("cyclic_refs.json");
    let spec = roas_v30(&doc).unwrap();
    let err = spec.validate(Options::IgnoreMissingTags | Options::IgnoreExternalReferences, None).expect_err("roas flags the alias loop").to_string();
    // `#/components/schemas/Y` exists; it is part of a loop, not missing.
    assert!(err.contains("`#/components/schemas/Y` not found"), "{err}");
    let inventory = load(doc.to_string().as_bytes(), &LoadOptions::default()).unwrap();
    assert_eq!(inventory.endpoints.len(), 3);
}
