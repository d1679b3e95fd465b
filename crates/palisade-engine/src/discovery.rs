//! Discovery: build the endpoint inventory the checks share.

use crate::scan::{ScanError, SpecInput};
use palisade_core::mask::mask_url;
use palisade_core::{Endpoint, Inventory};
use palisade_http::{Engine, ProbeRequest, Response, Url};
use palisade_spec::{LoadOptions, SpecError};

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

/// The spec the user gave (`--spec` file bytes or URL), or the first one found
/// at a well-known location. Every spec obeys `max_spec_bytes`
/// (`--max-spec-bytes`), never the engine's per-response body cap: a spec
/// fetch reads up to that limit, and a body cut at it is an error that says
/// so, never handed to the parser as if it were the whole document.
pub(crate) async fn discover(engine: &Engine, target: &Url, spec: Option<&SpecInput>, max_spec_bytes: usize) -> Result<Discovered, ScanError> {
    let mut exchanges = Vec::new();
    match spec {
        Some(SpecInput::Bytes { bytes, source }) => {
            let inventory = load_spec(bytes, source, max_spec_bytes).map_err(|e| spec_error(source, &e))?;
            Ok(Discovered { inventory, spec_url: None, exchanges })
        }
        Some(SpecInput::Url(url)) => {
            let req = spec_request(url.clone(), max_spec_bytes);
            let resp = engine.send(req.clone()).await.map_err(|e| ScanError::Spec(e.to_string()))?;
            if resp.status != 200 {
                return Err(ScanError::Spec(format!("{} answered HTTP {}", mask_url(url.as_str()), resp.status)));
            }
            let source = mask_url(url.as_str());
            complete_body(&resp, max_spec_bytes).map_err(|e| spec_error(&source, &e))?;
            let inventory = load_spec(&resp.body, &source, max_spec_bytes).map_err(|e| spec_error(&source, &e))?;
            exchanges.push((req, resp));
            Ok(Discovered { inventory, spec_url: Some(url.clone()), exchanges })
        }
        None => {
            let (inventory, spec_url) = match find_spec(engine, target, &mut exchanges, max_spec_bytes).await? {
                Some((inv, url)) => (inv, Some(url)),
                None => (Inventory::default(), None),
            };
            Ok(Discovered { inventory, spec_url, exchanges })
        }
    }
}

/// Probe well-known locations for a spec; on success return the loaded
/// inventory. Each location is first read like any response (up to the
/// engine's body cap), so a target answering every path with an endless body
/// costs no more than before; only an answer that starts like a spec and was
/// cut at that cap is read again up to `max_spec_bytes`. A location that
/// serves a spec over `max_spec_bytes` stops the search with that error (a
/// smaller spec elsewhere is unlikely to be the right one); other answers
/// that do not load are passed over.
pub async fn find_spec(
    engine: &Engine,
    target: &Url,
    out: &mut Vec<(ProbeRequest, Response)>,
    max_spec_bytes: usize,
) -> Result<Option<(Inventory, Url)>, ScanError> {
    let bases = spec_bases(target);
    for base in &bases {
        for path in WELL_KNOWN_SPEC_PATHS {
            let Ok(url) = base.join(path.trim_start_matches('/')) else { continue };
            let mut req = ProbeRequest::get(url.clone());
            let Ok(mut resp) = engine.send(req.clone()).await else { continue };
            let cap = engine.config().max_body_bytes;
            let sniffed = resp.status == 200 && palisade_spec::looks_like_spec(&resp.body);
            if sniffed && resp.truncated && resp.body.len() >= cap && max_spec_bytes > cap {
                let whole = spec_request(url.clone(), max_spec_bytes);
                if let Ok(again) = engine.send(whole.clone()).await {
                    (req, resp) = (whole, again);
                }
            }
            let ok = resp.status == 200 && palisade_spec::looks_like_spec(&resp.body);
            let source = mask_url(url.as_str());
            let loaded = if ok {
                match complete_body(&resp, max_spec_bytes) {
                    Ok(()) => load_spec(&resp.body, &source, max_spec_bytes).ok(),
                    Err(e @ (SpecError::TooLarge { .. } | SpecError::Truncated { .. })) => return Err(spec_error(&source, &e)),
                    Err(_) => None,
                }
            } else {
                None
            };
            // Answers that are not the spec are kept only in part for the
            // passive checks: a target answering every path with megabytes
            // must not cost 18 whole bodies here.
            let kept = if loaded.is_some() { resp } else { resp.retained(crate::content::RETAINED_BODY_PREFIX) };
            out.push((req, kept));
            if let Some(inv) = loaded {
                return Ok(Some((inv, url)));
            }
        }
    }
    Ok(None)
}

/// A GET for a spec: its body may be as large as the spec limit, not the
/// engine's per-response cap (the limit plus one byte, so a body of exactly
/// the limit is told apart from a longer one).
fn spec_request(url: Url, max_spec_bytes: usize) -> ProbeRequest {
    ProbeRequest::get(url).max_body(max_spec_bytes.saturating_add(1))
}

/// `Ok` when the response carries the whole document. A body cut at the
/// limit is [`SpecError::TooLarge`] (with the size from `Content-Length`
/// when the server sent one) or [`SpecError::Truncated`]; a body cut short
/// by a failed read is an `Invalid` error saying so.
fn complete_body(resp: &Response, max_spec_bytes: usize) -> Result<(), SpecError> {
    if resp.body.len() > max_spec_bytes || (resp.truncated && resp.body.len() >= max_spec_bytes) {
        let declared = resp.header("content-length").and_then(|v| v.trim().parse::<usize>().ok()).filter(|n| *n > max_spec_bytes);
        return Err(match declared {
            Some(size) => SpecError::TooLarge { size, limit: max_spec_bytes },
            None => SpecError::Truncated { limit: max_spec_bytes },
        });
    }
    if resp.truncated {
        return Err(SpecError::Invalid(format!(
            "the download stopped after {} of the spec (the connection failed or timed out)",
            palisade_spec::human_size(resp.body.len() as u64)
        )));
    }
    Ok(())
}

fn load_spec(bytes: &[u8], source: &str, max_spec_bytes: usize) -> Result<Inventory, SpecError> {
    let opts = LoadOptions { source: Some(source.to_string()), max_bytes: max_spec_bytes, ..LoadOptions::default() };
    palisade_spec::load(bytes, &opts)
}

/// One line: where the spec came from and what went wrong.
fn spec_error(source: &str, e: &SpecError) -> ScanError {
    ScanError::Spec(format!("{source}: {e}"))
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
