//! Input Validation: cross-origin policy, advertised debugging methods and
//! GraphQL introspection. Every probe is a GET or an OPTIONS.

use crate::checks::support::clip;
use crate::rules::{iv002_cors_untrusted_origin, iv003_dangerous_methods, iv004_graphql_introspection};
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Evidence, Finding, RuleMeta, Severity};
use palisade_engine::triage::{concrete_path, state_changing_reason};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{AuthMode, ProbeRequest, Response, Url};

/// The foreign origin IV002 sends. `.example` is reserved (RFC 2606): the
/// server only echoes it, nothing ever connects to it.
pub const CORS_PROBE_ORIGIN: &str = "https://palisade-cors-probe.example";

/// Crawled operations probed besides the target itself (3 requests each).
const CORS_MAX_OPERATIONS: usize = 3;

/// Methods that must not be advertised by a production API.
const DANGEROUS_METHODS: &[&str] = &["TRACE", "TRACK", "DEBUG"];

/// Well-known GraphQL locations probed besides the spec's GraphQL operations.
const GRAPHQL_PATHS: &[&str] = &["/graphql", "/api/graphql", "/v1/graphql", "/graphql/v1"];

/// Most GraphQL locations IV004 probes (one request each).
const GRAPHQL_MAX_PROBES: usize = 6;

/// The introspection query: type names only, the smallest useful answer.
const INTROSPECTION_QUERY: &str = "{__schema{types{name}}}";

/// The CORS pre-flight both IV002 and IV003 read (identical requests share one flight).
fn preflight(url: Url) -> ProbeRequest {
    ProbeRequest::new("OPTIONS", url)
        .auth(AuthMode::Anonymous)
        .no_redirects()
        .header("Origin", CORS_PROBE_ORIGIN)
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization")
}

/// The target plus up to `max` crawled operations, as absolute URLs.
fn sample_urls(ctx: &ScanContext, max: usize) -> Vec<Url> {
    let mut urls = vec![ctx.target.clone()];
    let crawled = ctx.crawled.lock().unwrap_or_else(|e| e.into_inner());
    for (ep, _) in crawled.iter().filter(|(ep, _)| state_changing_reason(ep).is_none()).take(max) {
        if let Ok(u) = ctx.endpoint_url(&concrete_path(ep)) {
            if !urls.contains(&u) {
                urls.push(u);
            }
        }
    }
    urls
}

/// One CORS observation: how bad, what was sent, what came back.
struct CorsHit {
    severity: Severity,
    kind: &'static str,
    sent: &'static str,
    method: &'static str,
    response: Response,
}

/// Judge one answer to a request sent with `Origin: sent`.
fn judge_cors(sent: &'static str, method: &'static str, response: Response) -> Option<CorsHit> {
    let acao = response.header("access-control-allow-origin")?.trim().to_string();
    let credentials = response.header("access-control-allow-credentials").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let (severity, kind) = if acao == "*" {
        // Browsers refuse `*` with credentials, so this is a public-data policy at worst.
        (Severity::Low, "wildcard-origin")
    } else if sent == "null" && acao.eq_ignore_ascii_case("null") {
        if credentials {
            (Severity::High, "null-origin-with-credentials")
        } else {
            (Severity::Medium, "null-origin")
        }
    } else if sent != "null" && acao.eq_ignore_ascii_case(sent) {
        if credentials {
            (Severity::High, "reflected-origin-with-credentials")
        } else {
            (Severity::Medium, "reflected-origin")
        }
    } else {
        return None;
    };
    Some(CorsHit { severity, kind, sent, method, response })
}

/// IV002: the CORS policy trusts a foreign, `null` or any origin.
pub struct Cors;

#[async_trait]
impl Check for Cors {
    fn name(&self) -> &'static str {
        "input-validation/cors"
    }
    fn category(&self) -> Category {
        Category::InputValidation
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&iv002_cors_untrusted_origin::RULE]
    }
    /// Its unredirected GET of every operation shows the `Location` headers AU011 reads (the crawl follows redirects).
    fn feeds(&self) -> &'static [&'static RuleMeta] {
        &[&crate::rules::au011_token_in_url::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let mut worst: Option<CorsHit> = None;
        for url in sample_urls(ctx, CORS_MAX_OPERATIONS) {
            let probes: [(&'static str, &'static str, ProbeRequest); 3] = [
                (
                    CORS_PROBE_ORIGIN,
                    "GET",
                    ProbeRequest::get(url.clone()).auth(AuthMode::Anonymous).no_redirects().header("Origin", CORS_PROBE_ORIGIN),
                ),
                ("null", "GET", ProbeRequest::get(url.clone()).auth(AuthMode::Anonymous).no_redirects().header("Origin", "null")),
                (CORS_PROBE_ORIGIN, "OPTIONS", preflight(url.clone())),
            ];
            for (sent, method, req) in probes {
                let Ok(resp) = ctx.send(req).await else { continue };
                let Some(hit) = judge_cors(sent, method, resp) else { continue };
                if worst.as_ref().is_none_or(|w| hit.severity > w.severity) {
                    worst = Some(hit);
                }
            }
            if worst.as_ref().is_some_and(|w| w.severity >= Severity::High) {
                break;
            }
        }
        let Some(hit) = worst else { return Ok(()) };
        let r = &iv002_cors_untrusted_origin::RULE;
        let acao = hit.response.header("access-control-allow-origin").unwrap_or("").trim();
        let acac = hit.response.header("access-control-allow-credentials").map(str::trim);
        let path = hit.response.url.path().to_string();
        let message = match hit.kind {
            "wildcard-origin" => format!("{} {path} answers Access-Control-Allow-Origin: * (any web page may read it).", hit.method),
            "null-origin" | "null-origin-with-credentials" => format!(
                "{} {path} with Origin: null is answered Access-Control-Allow-Origin: null{}: sandboxed iframes and local files are trusted.",
                hit.method,
                if acac.is_some() { " with Access-Control-Allow-Credentials: true" } else { "" }
            ),
            _ => format!(
                "{} {path} reflects the foreign Origin {}{}.",
                hit.method,
                hit.sent,
                if hit.kind.ends_with("with-credentials") {
                    " and allows credentials: any web site can read this API with its visitors' cookies"
                } else {
                    " (any web site may read the answers)"
                }
            ),
        };
        let mut excerpt = format!("Origin: {} -> Access-Control-Allow-Origin: {}", hit.sent, clip(acao, 80));
        if let Some(c) = acac {
            excerpt.push_str(&format!(", Access-Control-Allow-Credentials: {}", clip(c, 20)));
        }
        let origin = ctx.origin();
        ctx.report(Finding::new(r, &origin, message, "").target_wide(&origin, "").severity(hit.severity).detail(hit.kind).evidence(Evidence {
            exchange: Some(hit.response.exchange_id),
            location: "response.header.Access-Control-Allow-Origin".into(),
            excerpt,
            ..Default::default()
        }));
        Ok(())
    }
}

/// Methods named in an `Allow`-style list that are dangerous.
fn dangerous_in(list: &str) -> Vec<String> {
    list.split(',').map(|m| m.trim().to_ascii_uppercase()).filter(|m| DANGEROUS_METHODS.contains(&m.as_str())).collect()
}

/// IV003: TRACE/TRACK/DEBUG advertised in `Allow` or `Access-Control-Allow-Methods`.
pub struct DangerousMethods;

#[async_trait]
impl Check for DangerousMethods {
    fn name(&self) -> &'static str {
        "input-validation/dangerous-methods"
    }
    fn category(&self) -> Category {
        Category::InputValidation
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&iv003_dangerous_methods::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        // Two OPTIONS requests: a plain one and the CORS pre-flight (shared with IV002).
        let plain = ProbeRequest::new("OPTIONS", ctx.target.clone()).auth(AuthMode::Anonymous).no_redirects();
        for req in [plain, preflight(ctx.target.clone())] {
            let Ok(resp) = ctx.send(req).await else { continue };
            for header in ["allow", "access-control-allow-methods"] {
                let Some(value) = resp.header(header) else { continue };
                let found = dangerous_in(value);
                if found.is_empty() {
                    continue;
                }
                let r = &iv003_dangerous_methods::RULE;
                let origin = ctx.origin();
                let name = if header == "allow" { "Allow" } else { "Access-Control-Allow-Methods" };
                ctx.report(
                    Finding::new(r, &origin, format!("OPTIONS {} advertises {} in {name}.", resp.url.path(), found.join(", ")), "")
                        .target_wide(&origin, "")
                        .confidence(Confidence::Medium)
                        .evidence(Evidence {
                            exchange: Some(resp.exchange_id),
                            location: format!("response.header.{name}"),
                            excerpt: format!("{name}: {}", clip(value, 120)),
                            ..Default::default()
                        }),
                );
                return Ok(());
            }
        }
        Ok(())
    }
}

/// Type names of an introspection answer, if it is one.
fn introspection_types(resp: &Response) -> Option<Vec<String>> {
    let json = resp.json()?;
    let types = json.get("data")?.get("__schema")?.get("types")?.as_array()?;
    let names: Vec<String> = types.iter().filter_map(|t| t.get("name")?.as_str().map(str::to_string)).collect();
    if names.is_empty() {
        None
    } else {
        Some(names)
    }
}

/// IV004: GraphQL introspection answered without credentials.
pub struct GraphqlIntrospection;

#[async_trait]
impl Check for GraphqlIntrospection {
    fn name(&self) -> &'static str {
        "input-validation/graphql-introspection"
    }
    fn category(&self) -> Category {
        Category::InputValidation
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&iv004_graphql_introspection::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let mut urls: Vec<Url> = Vec::new();
        for ep in ctx.inventory.endpoints.iter().filter(|e| e.method == "GET" && e.path.to_ascii_lowercase().contains("graphql")) {
            if let Ok(u) = ctx.endpoint_url(&ep.path) {
                urls.push(u);
            }
        }
        for path in GRAPHQL_PATHS {
            urls.push(ctx.url_for(path)?);
        }
        let mut seen = Vec::new();
        for mut url in urls {
            url.set_query(None);
            if seen.contains(&url) {
                continue;
            }
            seen.push(url.clone());
            if seen.len() > GRAPHQL_MAX_PROBES {
                break;
            }
            url.query_pairs_mut().append_pair("query", INTROSPECTION_QUERY);
            let req = ProbeRequest::get(url.clone()).auth(AuthMode::Anonymous).no_redirects();
            let Ok(resp) = ctx.send(req).await else { continue };
            if !resp.is_success() {
                continue;
            }
            let Some(types) = introspection_types(&resp) else { continue };
            let r = &iv004_graphql_introspection::RULE;
            let path = url.path().to_string();
            let user_types: Vec<&str> = types.iter().map(String::as_str).filter(|n| !n.starts_with("__")).collect();
            let listed = ctx.redact(&user_types.join(", "));
            ctx.report(
                Finding::new(
                    r,
                    format!("GET {path}"),
                    format!("{path} answers an introspection query without credentials: the schema's {} types are listed.", types.len()),
                    "",
                )
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    location: "response.body".into(),
                    excerpt: format!("__schema.types: {}", clip(&listed, 140)),
                    ..Default::default()
                }),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(headers: &[(&str, &str)]) -> Response {
        Response {
            exchange_id: 0,
            status: 200,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: Default::default(),
            truncated: false,
            url: Url::parse("http://127.0.0.1:1/").unwrap(),
            redirects: Vec::new(),
            duration: Default::default(),
        }
    }

    fn kind(sent: &'static str, headers: &[(&str, &str)]) -> Option<(Severity, &'static str)> {
        judge_cors(sent, "GET", answer(headers)).map(|h| (h.severity, h.kind))
    }

    #[test]
    fn cors_answers_are_judged() {
        let acao = "access-control-allow-origin";
        let creds = ("access-control-allow-credentials", "true");
        assert_eq!(kind(CORS_PROBE_ORIGIN, &[(acao, CORS_PROBE_ORIGIN), creds]), Some((Severity::High, "reflected-origin-with-credentials")));
        assert_eq!(kind(CORS_PROBE_ORIGIN, &[(acao, CORS_PROBE_ORIGIN)]), Some((Severity::Medium, "reflected-origin")));
        assert_eq!(kind("null", &[(acao, "null"), creds]), Some((Severity::High, "null-origin-with-credentials")));
        assert_eq!(kind("null", &[(acao, "null")]), Some((Severity::Medium, "null-origin")));
        assert_eq!(kind(CORS_PROBE_ORIGIN, &[(acao, "*")]), Some((Severity::Low, "wildcard-origin")));
        // An allowlist that answers only its own front end, or no CORS at all, is fine.
        assert_eq!(kind(CORS_PROBE_ORIGIN, &[(acao, "http://127.0.0.1:1"), creds]), None);
        assert_eq!(kind(CORS_PROBE_ORIGIN, &[]), None);
        // `null` sent, foreign answer: not a reflection of what we sent.
        assert_eq!(kind("null", &[(acao, CORS_PROBE_ORIGIN)]), None);
    }

    #[test]
    fn dangerous_methods_are_found_in_lists() {
        assert_eq!(dangerous_in("GET, POST, trace ,OPTIONS"), ["TRACE"]);
        assert!(dangerous_in("GET, HEAD, POST, OPTIONS").is_empty());
        assert!(dangerous_in("").is_empty());
    }
}
