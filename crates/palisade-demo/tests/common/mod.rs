//! Shared helpers for the demo's integration tests: a reqwest client that
//! never follows redirects and only ever talks to the demo on loopback.

#![allow(dead_code)]

use palisade_demo::{DemoConfig, DemoServer};
use reqwest::{Client, Method, Response};

pub async fn start(hardened: bool) -> DemoServer {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = DemoServer::start(DemoConfig { hardened }).await.expect("demo server starts");
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    server
}

pub fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder().redirect(reqwest::redirect::Policy::none()).no_proxy().build().expect("client")
}

/// Sends `method path` to the demo with extra headers.
pub async fn send(server: &DemoServer, method: Method, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = client().request(method, format!("{}{path}", server.base_url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request to the demo")
}

pub async fn get(server: &DemoServer, path: &str) -> Response {
    send(server, Method::GET, path, &[]).await
}

pub async fn get_with_key(server: &DemoServer, path: &str) -> Response {
    send(server, Method::GET, path, &[("X-API-Key", server.api_key())]).await
}

pub fn header(response: &Response, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

pub fn is_hex64(value: &str) -> bool {
    value.len() == 64 && value.chars().all(|c| c.is_ascii_hexdigit())
}

/// The spec's paths with `{id}` replaced by `id`, and their methods.
pub fn spec_operations(id: &str) -> Vec<(String, String)> {
    let spec: serde_json::Value = serde_json::from_str(palisade_demo::OPENAPI_JSON).expect("spec is JSON");
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            operations.push((method.to_uppercase(), path.replace("{id}", id)));
        }
    }
    operations
}
