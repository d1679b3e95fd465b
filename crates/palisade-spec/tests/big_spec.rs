//! Large generated specs load completely, within the default limits.

#[path = "support/big_spec.rs"]
mod big_spec;

use palisade_spec::{load, LoadOptions, SpecError, TRUNCATED_MARKER};

#[test]
fn generated_spec_has_exactly_the_operations_asked_for() {
    for n in [1, 5, 6, 7, 100, 1_001] {
        let doc = big_spec::openapi_spec(n);
        let value: serde_json::Value = serde_json::from_str(&doc).expect("valid JSON");
        assert_eq!(value["openapi"], "3.0.3");
        let inv = load(doc.as_bytes(), &LoadOptions::default()).unwrap();
        assert_eq!(inv.endpoints.len(), n, "{n} operations");
    }
}

#[test]
fn five_thousand_operations_load_with_every_schema_resolved() {
    let doc = big_spec::openapi_spec(5_000);
    assert!((2_000_000..3_500_000).contains(&doc.len()), "{} bytes", doc.len());
    let inv = load(doc.as_bytes(), &LoadOptions::default()).unwrap();
    assert_eq!(inv.endpoints.len(), 5_000);
    let mix = |method: &str| inv.endpoints.iter().filter(|e| e.method == method).count();
    assert!(mix("GET") > 2_400 && mix("POST") > 800 && mix("PUT") > 800 && mix("DELETE") > 800);
    assert!(inv.endpoints.iter().any(|e| e.path.ends_with("/{id}/notes")));
    // No budget was hit: the last operation is as complete as the first.
    let text = serde_json::to_string(&inv).unwrap();
    assert!(!text.contains(TRUNCATED_MARKER), "{:?}", inv.warnings);
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
    let last = inv.endpoints.last().unwrap();
    assert!(last.responses.values().any(|r| r.schema.is_some() && r.description.is_some()), "{last:?}");
}

#[test]
fn a_spec_over_the_limit_says_how_large_it_is() {
    let doc = big_spec::openapi_spec(3_000);
    let opts = LoadOptions { max_bytes: 1024 * 1024, ..LoadOptions::default() };
    let err = load(doc.as_bytes(), &opts).unwrap_err();
    assert!(matches!(err, SpecError::TooLarge { limit: 1_048_576, .. }), "{err:?}");
    let mb = doc.len() as f64 / 1e6;
    assert_eq!(err.to_string(), format!("spec is {mb:.1} MB, over --max-spec-bytes 1 MiB"));
    let small = LoadOptions { max_bytes: 100 * 1024, ..LoadOptions::default() };
    let err = load(big_spec::openapi_spec(500).as_bytes(), &small).unwrap_err().to_string();
    assert!(err.starts_with("spec is ") && err.ends_with(" kB, over --max-spec-bytes 100 KiB"), "{err}");
    assert_eq!(
        SpecError::Truncated { limit: 64 * 1024 * 1024 }.to_string(),
        "spec is larger than --max-spec-bytes 64 MiB (reading stopped at the limit)"
    );
}
