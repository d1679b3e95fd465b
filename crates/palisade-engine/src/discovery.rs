//! Discovery: build the endpoint inventory the checks share.

use palisade_core::{Endpoint, Inventory};
use palisade_http::{Engine, ProbeRequest, Response, Url};
use palisade_spec::LoadOptions;

/// Where specs are commonly published. Probed in order; the first that loads wins.
pub const WELL_KNOWN_SPEC_PATHS: &[&str] = &[
    "/openapi.json",
    "/swagger.json",
    "/v3/api-docs",
    "/v2/api-docs",
    "/openapi.yaml",
    "/openapi.yml",
    "/swagger.yaml",
    "/api-docs",
    "/api-docs.json",
    "/api/openapi.json",
    "/api/swagger.json",
    "/api/v1/openapi.json",
    "/api/v1/swagger.json",
    "/swagger/v1/swagger.json",
    "/docs/openapi.json",
    "/.well-known/openapi.json",
    "/openapi",
    "/spec",
];

/// Where interactive API documentation is commonly served.
pub const WELL_KNOWN_DOCS_PATHS: &[&str] =
    &["/docs", "/swagger-ui", "/swagger-ui.html", "/swagger-ui/index.html", "/redoc", "/api/docs", "/graphiql"];

/// What discovery found, plus the exchanges it made (for the passive checks).
pub struct Discovered {
    pub inventory: Inventory,
    /// URL of the spec when it was fetched from the target.
    pub spec_url: Option<Url>,
    pub exchanges: Vec<(ProbeRequest, Response)>,
}

/// Probe well-known locations for a spec; on success return the loaded inventory.
pub async fn find_spec(engine: &Engine, target: &Url, out: &mut Vec<(ProbeRequest, Response)>) -> Option<(Inventory, Url)> {
    let bases = spec_bases(target);
    for base in &bases {
        for path in WELL_KNOWN_SPEC_PATHS {
            let Ok(url) = base.join(path.trim_start_matches('/')) else { continue };
            let req = ProbeRequest::get(url.clone());
            let Ok(resp) = engine.send(req.clone()).await else { continue };
            let ok = resp.status == 200 && palisade_spec::looks_like_spec(&resp.body);
            let loaded = if ok { load_from(&resp, &url) } else { None };
            out.push((req, resp));
            if let Some(inv) = loaded {
                return Some((inv, url));
            }
        }
    }
    None
}

/// The origin root and, when the target has a path, the target's own path.
fn spec_bases(target: &Url) -> Vec<Url> {
    let mut bases = vec![];
    if let Ok(root) = target.join("/") {
        bases.push(root);
    }
    if target.path() != "/" {
        let mut t = target.clone();
        if !t.path().ends_with('/') {
            t.set_path(&format!("{}/", t.path()));
        }
        bases.push(t);
    }
    bases
}

fn load_from(resp: &Response, url: &Url) -> Option<Inventory> {
    let opts = LoadOptions { source: Some(palisade_core::mask::mask_url(url.as_str())), ..LoadOptions::default() };
    palisade_spec::load(&resp.body, &opts).ok()
}

/// Endpoints linked from a response one level deep: JSON string values that
/// are same-origin paths or URLs, and `Link` headers.
pub fn linked_endpoints(resp: &Response, target: &Url) -> Vec<Endpoint> {
    let mut paths = Vec::new();
    if let Some(json) = resp.json() {
        collect_links(&json, target, &mut paths, 0);
    }
    for link in resp.headers_all("link") {
        for part in link.split(',') {
            if let Some(inner) = part.trim().strip_prefix('<').and_then(|s| s.split_once('>')).map(|(u, _)| u) {
                push_link(inner, target, &mut paths);
            }
        }
    }
    paths.sort();
    paths.dedup();
    paths.into_iter().map(|p| Endpoint::discovered("GET", &p)).collect()
}

fn collect_links(v: &serde_json::Value, target: &Url, out: &mut Vec<String>, depth: usize) {
    if depth > 8 || out.len() > 200 {
        return;
    }
    match v {
        serde_json::Value::String(s) => push_link(s, target, out),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_links(x, target, out, depth + 1)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_links(x, target, out, depth + 1)),
        _ => {}
    }
}

fn push_link(s: &str, target: &Url, out: &mut Vec<String>) {
    let s = s.trim();
    if s.len() > 512 || s.contains(char::is_whitespace) {
        return;
    }
    let url = if s.starts_with('/') && !s.starts_with("//") {
        target.join(s).ok()
    } else if s.starts_with("http://") || s.starts_with("https://") {
        Url::parse(s).ok()
    } else {
        None
    };
    if let Some(u) = url {
        if u.origin() == target.origin() {
            let base_path = target.path().trim_end_matches('/');
            let rel = u.path().strip_prefix(base_path).unwrap_or(u.path());
            let rel = if rel.starts_with('/') { rel.to_string() } else { format!("/{rel}") };
            out.push(rel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_same_origin_paths_only() {
        let target = Url::parse("http://127.0.0.1:8080/").unwrap();
        let mut out = vec![];
        let json = serde_json::json!({
            "keys": "/api/v1/keys",
            "docs": "http://127.0.0.1:8080/docs",
            "elsewhere": "http://other.example/x",
            "text": "hello world",
            "nested": [{"self": "/api/v1/users"}]
        });
        collect_links(&json, &target, &mut out, 0);
        out.sort();
        assert_eq!(out, ["/api/v1/keys", "/api/v1/users", "/docs"]);
    }
}
