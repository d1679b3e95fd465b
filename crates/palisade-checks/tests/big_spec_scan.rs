//! Specs of real size (issue 16): a 5,000-operation OpenAPI document served
//! at `/openapi.json` by a loopback server is found and loaded in full by a
//! default scan, although it is larger than the per-response body cap
//! (`--max-body`, 2 MiB); a spec over `max_spec_bytes` stops the scan with
//! one clear line, whether it is found, given as a URL or given as bytes.

mod support;

#[path = "../../palisade-spec/tests/support/big_spec.rs"]
mod big_spec;

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use palisade_engine::{ScanError, SpecInput};
use palisade_http::Url;
use std::sync::Arc;

/// Serves `spec` at `/openapi.json` (with a `Content-Length`) and at
/// `/chunked.json` (streamed, no length); every other path is a JSON 404.
async fn serve(spec: String) -> String {
    let spec = Arc::new(spec);
    let fixed = spec.clone();
    let app = Router::new()
        .route("/", get(|| async { "ok" }))
        .route("/openapi.json", get(move || async move { ([("content-type", "application/json")], fixed.as_str().to_owned()) }))
        .route(
            "/chunked.json",
            get(move || async move {
                let chunks: Vec<Result<Vec<u8>, std::io::Error>> = spec.as_bytes().chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
                ([("content-type", "application/json")], Body::from_stream(futures_util::stream::iter(chunks)))
            }),
        )
        .fallback(|| async { (axum::http::StatusCode::NOT_FOUND, [("content-type", "application/json")], r#"{"error":"not found"}"#) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_default_scan_loads_all_5000_operations_of_a_2_mb_spec() {
    let spec = big_spec::openapi_spec(5_000);
    let default_body_cap = palisade_http::EngineConfig::default().max_body_bytes;
    assert!(spec.len() > default_body_cap, "the spec ({} bytes) must be larger than --max-body", spec.len());
    let base = serve(spec).await;
    // Default settings and checks; the scan's requests are bounded so the test stays short.
    let report = support::scanner(&base)
        .engine_with(|c| {
            c.rate_per_sec = 0.0;
            c.max_requests = Some(1_500);
        })
        .run()
        .await
        .unwrap();
    assert_eq!(report.inventory.endpoints, 5_000, "spec source {:?}", report.inventory.spec_source);
    assert_eq!(report.inventory.spec_source.as_deref(), Some(format!("{base}openapi.json").as_str()));
    assert_eq!(report.inventory.title.as_deref(), Some("Generated API"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn in001_reads_an_exposed_spec_past_max_body_and_counts_all_its_operations() {
    let base = serve(big_spec::openapi_spec(5_000)).await;
    let report = support::scanner(&base).engine_with(|c| c.rate_per_sec = 0.0).select_rules(["IN001"]).run().await.unwrap();
    let found: Vec<_> = report.findings.iter().filter(|f| f.rule == "IN001").collect();
    assert_eq!(found.len(), 1, "{:#?}", report.findings);
    assert!(found[0].message.contains("with 5000 operations"), "{}", found[0].message);
}

/// The one line a spec over the limit gives, from a scan's error.
fn spec_error(result: Result<palisade_core::Report, ScanError>) -> String {
    match result {
        Err(ScanError::Spec(message)) => message,
        Err(other) => panic!("expected a spec error, got {other:?}"),
        Ok(report) => panic!("the scan went ahead with {} endpoints", report.inventory.endpoints),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_spec_over_max_spec_bytes_is_a_clear_error_never_a_parse_error() {
    let spec = big_spec::openapi_spec(5_000);
    let size = format!("{:.1} MB", spec.len() as f64 / 1e6);
    let bytes = spec.clone().into_bytes();
    let base = serve(spec).await;
    let limit = 1024 * 1024;
    let scanner = || support::scanner(&base).settings_with(|s| s.max_spec_bytes = limit);

    // Found at a well-known location: the server says how large it is.
    let found = spec_error(scanner().run().await);
    assert_eq!(found, format!("{base}openapi.json: spec is {size}, over --max-spec-bytes 1 MiB"));

    // Given as a URL, streamed without a length: cut at the limit, and said so.
    let url = Url::parse(&format!("{base}chunked.json")).unwrap();
    let streamed = spec_error(scanner().spec(SpecInput::Url(url)).run().await);
    assert_eq!(streamed, format!("{base}chunked.json: spec is larger than --max-spec-bytes 1 MiB (reading stopped at the limit)"));

    // Given as bytes (a file): the same limit, the same line.
    let given = spec_error(scanner().spec(SpecInput::Bytes { bytes, source: "big.json".into() }).run().await);
    assert_eq!(given, format!("big.json: spec is {size}, over --max-spec-bytes 1 MiB"));

    for message in [&found, &streamed, &given] {
        assert!(!message.contains('\n') && !message.contains("EOF"), "{message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_spec_limit_does_not_raise_the_body_cap_of_other_requests() {
    let spec = big_spec::openapi_spec(5_000);
    let len = spec.len();
    let base = serve(spec).await;
    let engine = palisade_http::Engine::new(palisade_http::EngineConfig::for_target(&Url::parse(&base).unwrap())).unwrap();
    let url = Url::parse(&format!("{base}openapi.json")).unwrap();
    let capped = engine.send(palisade_http::ProbeRequest::get(url.clone())).await.unwrap();
    assert!(capped.truncated);
    assert_eq!(capped.body.len(), engine.config().max_body_bytes);
    // Same URL, a larger cap: not answered from the cache entry of the capped read.
    let whole = engine.send(palisade_http::ProbeRequest::get(url.clone()).max_body(8 * 1024 * 1024)).await.unwrap();
    assert!(!whole.truncated);
    assert_eq!(whole.body.len(), len);
    let again = engine.send(palisade_http::ProbeRequest::get(url)).await.unwrap();
    assert!(again.truncated, "the default cap still applies afterwards");
    assert_eq!(again.body.len(), engine.config().max_body_bytes);
}

/// Serves `body` (repeated `times` times, streamed without a length) at every path.
async fn serve_stream(head: &'static str, piece: &'static str, times: usize) -> String {
    let app = Router::new().fallback(move || async move {
        let chunks =
            std::iter::once(head.as_bytes().to_vec()).chain(std::iter::repeat_n(piece.as_bytes().to_vec(), times)).map(Ok::<_, std::io::Error>);
        ([("content-type", "application/json")], Body::from_stream(futures_util::stream::iter(chunks)))
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn well_known_probes_read_past_max_body_only_for_what_starts_like_a_spec() {
    let find = |base: String, limit: usize| async move {
        let target = Url::parse(&base).unwrap();
        let engine =
            palisade_http::Engine::new(palisade_http::EngineConfig { rate_per_sec: 0.0, ..palisade_http::EngineConfig::for_target(&target) })
                .unwrap();
        let mut out = Vec::new();
        let found = palisade_engine::discovery::find_spec(&engine, &target, &mut out, limit).await;
        let cap = engine.config().max_body_bytes;
        let largest = engine.exchanges().iter().map(|e| e.body_len as usize).max().unwrap_or(0);
        (found, largest, cap)
    };
    // 2.6 MB of JSON array at every path: never read past the per-response cap.
    let base = serve_stream("[", r#"{"id": 1, "name": "item"},"#, 100_000).await;
    let (found, largest, cap) = find(base, 64 * 1024 * 1024).await;
    assert!(matches!(found, Ok(None)));
    assert!(largest <= cap, "a non-spec answer was read to {largest} bytes");

    // An endless document that starts like a spec: read to the spec limit once, then a clear error.
    let base = serve_stream(r#"{"openapi": "3.0.3", "x": ["#, "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,", 1_000_000).await;
    let (found, largest, _) = find(base.clone(), 4 * 1024 * 1024).await;
    match found {
        Err(ScanError::Spec(message)) => {
            assert_eq!(message, format!("{base}openapi.json: spec is larger than --max-spec-bytes 4 MiB (reading stopped at the limit)"))
        }
        other => panic!("expected the limit error, got {:?}", other.map(|f| f.map(|(inv, _)| inv.endpoints.len()))),
    }
    assert_eq!(largest, 4 * 1024 * 1024 + 1, "read to the limit plus one byte, no further");
}
