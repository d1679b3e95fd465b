//! Input Validation, the injection surface: error-based and boolean
//! injection signals (IV005, IV006), reflected XSS (IV007) and write
//! operations a browser can call cross-site (IV008).
//!
//! Every probe is a GET of a documented, read-only operation (or an OPTIONS):
//! the parameter's normal value with a quote, a type mismatch, a template
//! marker, a pair of always-true/always-false conditions of equal length, or
//! a harmless canary tag. Never time-based, stacked or state-changing.

use crate::checks::support::clip;
use crate::rules::{iv005_injection_error_signal, iv006_boolean_injection_differential, iv007_reflected_xss, iv008_simple_content_type_write};
use async_trait::async_trait;
use palisade_core::{Category, Confidence, Endpoint, Evidence, Finding, ParamLocation, Parameter, RuleMeta, Severity};
use palisade_detect::{Detector, Kind, ScanOptions};
use palisade_engine::triage::{concrete_path, sample_value, state_changing_reason, words};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{AuthMode, HttpError, ProbeRequest, Response, Url};

/// Most operations probed per scan.
pub const MAX_ENDPOINTS: usize = 8;
/// Most parameters probed per operation.
pub const MAX_PARAMS: usize = 3;

/// `7331*1337`: what an evaluated template marker prints.
pub const TEMPLATE_PRODUCT: &str = "9801547";
/// Template markers of the common engines (Jinja/Twig/Handlebars, JSP EL/
/// FreeMarker/Thymeleaf, ERB/EJS), each multiplying the same two numbers.
const TEMPLATE_MARKERS: &str = "{{7331*1337}}${7331*1337}<%=7331*1337%>";

/// Error texts of NoSQL stores and template engines. SQL errors come from the
/// Data Exposure detector's `sql-error` rules, not from this list.
const ENGINE_ERRORS: &[(&str, &str)] = &[
    ("MongoError", "nosql-error"),
    ("MongoServerError", "nosql-error"),
    ("CastError: Cast to", "nosql-error"),
    ("BSONTypeError", "nosql-error"),
    ("BSONError", "nosql-error"),
    ("unknown operator: $", "nosql-error"),
    ("pymongo.errors.", "nosql-error"),
    ("com.mongodb.", "nosql-error"),
    ("MongoDB.Driver.", "nosql-error"),
    ("jinja2.exceptions.", "template-error"),
    ("TemplateSyntaxError", "template-error"),
    ("django.template.exceptions", "template-error"),
    ("Twig_Error_", "template-error"),
    ("Twig\\Error\\", "template-error"),
    ("freemarker.core.", "template-error"),
    ("FreeMarker template error", "template-error"),
    ("org.apache.velocity.exception", "template-error"),
    ("org.thymeleaf.exceptions", "template-error"),
    ("mako.exceptions.", "template-error"),
    ("SmartyCompilerException", "template-error"),
    ("Liquid::SyntaxError", "template-error"),
    ("ActionView::Template::Error", "template-error"),
    ("Template render error", "template-error"),
];

/// Parameter names left to other checks (URLs: SSRF) or never tampered with
/// (credentials: a lockout or a logged secret is not worth a signal).
const SKIPPED_WORDS: &[&str] = &[
    "url",
    "uri",
    "href",
    "link",
    "callback",
    "webhook",
    "redirect",
    "next",
    "return",
    "continue",
    "dest",
    "destination",
    "target",
    "feed",
    "image",
    "key",
    "apikey",
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "auth",
    "session",
    "signature",
    "sig",
    "jwt",
    "otp",
    "code",
];

/// Path words of AI endpoints: every call is billed and answers vary, so
/// neither an error nor a differential would mean anything there.
const AI_PATH_WORDS: &[&str] = &["chat", "completion", "completions", "ask", "prompt", "llm", "assistant"];

/// Pagination parameters: probed last.
const PAGINATION_WORDS: &[&str] = &["limit", "offset", "page", "per", "size", "count", "cursor", "skip", "take"];

/// One sampled operation and the parameters to probe on it.
#[derive(Clone, Debug)]
pub struct Sample {
    pub endpoint: Endpoint,
    pub params: Vec<Parameter>,
}

fn skipped(p: &Parameter) -> bool {
    if p.format.as_deref().is_some_and(|f| f.eq_ignore_ascii_case("uri") || f.eq_ignore_ascii_case("url")) {
        return true;
    }
    words(&p.name).iter().any(|w| SKIPPED_WORDS.contains(&w.as_str()))
}

/// Lower is probed first: string query parameters, other query parameters,
/// path parameters, pagination.
fn priority(p: &Parameter) -> u8 {
    if words(&p.name).iter().any(|w| PAGINATION_WORDS.contains(&w.as_str())) {
        return 3;
    }
    match (p.location, p.schema_type.as_deref()) {
        (ParamLocation::Query, None | Some("string")) => 0,
        (ParamLocation::Query, _) => 1,
        _ => 2,
    }
}

/// The bounded sample of operations and parameters IV005–IV007 probe.
pub fn sample(endpoints: &[Endpoint]) -> Vec<Sample> {
    let mut out: Vec<(u8, Sample)> = Vec::new();
    for ep in endpoints {
        if ep.method != "GET" || state_changing_reason(ep).is_some() || ep.path.to_ascii_lowercase().contains("graphql") {
            continue;
        }
        if words(&ep.path).iter().any(|w| AI_PATH_WORDS.contains(&w.as_str())) {
            continue;
        }
        if out.iter().any(|(_, s)| s.endpoint.path == ep.path) {
            continue;
        }
        let mut params: Vec<Parameter> =
            ep.parameters.iter().filter(|p| matches!(p.location, ParamLocation::Query | ParamLocation::Path) && !skipped(p)).cloned().collect();
        if params.is_empty() {
            continue;
        }
        params.sort_by_key(priority);
        params.truncate(MAX_PARAMS);
        out.push((priority(&params[0]), Sample { endpoint: ep.clone(), params }));
    }
    out.sort_by_key(|(p, _)| *p);
    out.into_iter().take(MAX_ENDPOINTS).map(|(_, s)| s).collect()
}

/// Percent-encode for a path segment (unreserved characters kept).
fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The operation's URL with `param` set to `value` (every other parameter at
/// its sample value; optional query parameters other than `param` omitted).
pub fn probe_url(ctx: &ScanContext, ep: &Endpoint, param: &Parameter, value: &str) -> Result<Url, HttpError> {
    let mut path = ep.path.clone();
    for p in ep.parameters.iter().filter(|p| p.location == ParamLocation::Path) {
        let v = if p.name == param.name && param.location == ParamLocation::Path { value.to_string() } else { sample_value(p) };
        path = path.replace(&format!("{{{}}}", p.name), &encode_segment(&v));
    }
    // Undeclared template variables still need a value (as the crawl does).
    let filled = concrete_path(&Endpoint { path, parameters: Vec::new(), ..ep.clone() });
    let mut url = ctx.endpoint_url(&filled)?;
    {
        let mut q = url.query_pairs_mut();
        for p in ep.parameters.iter().filter(|p| p.location == ParamLocation::Query) {
            if p.name == param.name && param.location == ParamLocation::Query {
                q.append_pair(&p.name, value);
            } else if p.required {
                q.append_pair(&p.name, &sample_value(p));
            }
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    Ok(url)
}

fn is_numeric(p: &Parameter, value: &str) -> bool {
    matches!(p.schema_type.as_deref(), Some("integer" | "number")) || (!value.is_empty() && value.parse::<i64>().is_ok())
}

/// Status codes that say "slow down" or "unavailable": never evidence.
fn throttled(r: &Response) -> bool {
    matches!(r.status, 429 | 503)
}

/// Error signals in a body: (kind, matched text).
pub fn error_signals(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let opts = ScanOptions { kinds: Some(vec![Kind::Debug]), ..Default::default() };
    for m in Detector::builtin().scan_with(body.as_bytes(), &opts) {
        if m.context.as_deref() == Some("sql-error") {
            out.push((format!("sql-error:{}", m.rule_id), m.masked.clone()));
        }
    }
    for (needle, kind) in ENGINE_ERRORS {
        if body.contains(needle) && !out.iter().any(|(k, _)| k == kind) {
            out.push((kind.to_string(), needle.to_string()));
        }
    }
    out
}

/// A short excerpt of `body` around `needle`.
fn around(body: &str, needle: &str) -> String {
    let Some(i) = body.find(needle) else { return clip(body, 160) };
    let start = body[..i].char_indices().rev().nth(60).map_or(0, |(j, _)| j);
    clip(&body[start..], 160)
}

/// The structure of a JSON answer (keys and array lengths, two levels
/// deep), used to compare answers whose values may echo the input.
fn json_shape(v: &serde_json::Value, depth: u8) -> String {
    match v {
        serde_json::Value::Object(m) => {
            if depth == 0 {
                return "{}".into();
            }
            let inner: Vec<String> = m.iter().map(|(k, v)| format!("{k}:{}", json_shape(v, depth - 1))).collect();
            format!("{{{}}}", inner.join(","))
        }
        serde_json::Value::Array(a) => {
            let first = a.first().map(|v| json_shape(v, depth.saturating_sub(1))).unwrap_or_default();
            format!("[{}x{first}]", a.len())
        }
        serde_json::Value::String(_) => "s".into(),
        serde_json::Value::Number(_) => "n".into(),
        serde_json::Value::Bool(_) => "b".into(),
        serde_json::Value::Null => "null".into(),
    }
}

/// What a boolean comparison looks at.
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    pub status: u16,
    pub len: usize,
    pub json: Option<String>,
}

impl Shape {
    pub fn of(r: &Response) -> Shape {
        Shape { status: r.status, len: r.body.len(), json: r.json().map(|v| json_shape(&v, 3)) }
    }

    /// Same status, same JSON structure, length within 10 % (or 16 bytes).
    pub fn resembles(&self, other: &Shape) -> bool {
        let diff = self.len.abs_diff(other.len);
        self.status == other.status && self.json == other.json && diff <= 16.max(self.len.max(other.len) / 10)
    }

    /// Different status, different JSON structure, or length apart by more
    /// than 25 % (and 32 bytes). Between this and [`Shape::resembles`] lies
    /// "inconclusive".
    pub fn differs(&self, other: &Shape) -> bool {
        let diff = self.len.abs_diff(other.len);
        self.status != other.status || self.json != other.json || diff > 32.max(self.len.max(other.len) / 4)
    }
}

/// The boolean verdict on one pair against the baseline.
pub fn boolean_signal(base: &Shape, truthy: &Shape, falsy: &Shape) -> bool {
    truthy.differs(falsy) && (truthy.resembles(base) || falsy.resembles(base))
}

/// Pairs of (always true, always false) values of equal length.
/// Quadruples of (always true, always false, and both again spelled with
/// other literals), all of equal length. The last two are controls: an
/// injectable parameter answers them like the first two; a search that
/// matches the literal tokens (`1`, `2`) does not.
fn boolean_pairs(numeric: bool, v: &str) -> Vec<[String; 4]> {
    if numeric {
        vec![
            [format!("{v} OR 1=1"), format!("{v} OR 1=2"), format!("{v} OR 3=3"), format!("{v} OR 3=4")],
            [format!("{v} AND 1=1"), format!("{v} AND 1=2"), format!("{v} AND 3=3"), format!("{v} AND 3=4")],
        ]
    } else {
        vec![
            [format!("{v}' OR '1'='1"), format!("{v}' OR '1'='2"), format!("{v}' OR '3'='3"), format!("{v}' OR '3'='4")],
            [format!("{v}' AND '1'='1"), format!("{v}' AND '1'='2"), format!("{v}' AND '3'='3"), format!("{v}' AND '3'='4")],
        ]
    }
}

fn where_param(p: &Parameter) -> &'static str {
    if p.location == ParamLocation::Path {
        "path parameter"
    } else {
        "query parameter"
    }
}

/// IV005 and IV006: error-based, template and boolean injection signals.
pub struct Injection;

impl Injection {
    async fn get(ctx: &ScanContext, url: Url, fresh: bool) -> Option<Response> {
        let mut req = ProbeRequest::get(url).no_redirects();
        if fresh {
            req = req.no_cache();
        }
        let r = ctx.send(req).await.ok()?;
        (!throttled(&r)).then_some(r)
    }

    /// IV005 on one parameter; true when reported.
    async fn error_based(ctx: &ScanContext, ep: &Endpoint, p: &Parameter, v: &str, base: &Response) -> bool {
        let base_text = base.text();
        let base_signals: Vec<String> = error_signals(&base_text).into_iter().map(|(k, _)| k).collect();
        let type_mismatch = if is_numeric(p, v) { "pls'x".to_string() } else { "{\"$gt\":\"\"}".to_string() };
        let probes = [("quote", format!("{v}'\"")), ("type-mismatch", type_mismatch), ("template-marker", format!("{v}{TEMPLATE_MARKERS}"))];
        for (probe, value) in probes {
            let Ok(url) = probe_url(ctx, ep, p, &value) else { continue };
            let Some(resp) = Self::get(ctx, url, false).await else { continue };
            let text = resp.text();
            let mut hit = error_signals(&text).into_iter().find(|(k, _)| !base_signals.contains(k));
            if hit.is_none() && probe == "template-marker" && text.contains(TEMPLATE_PRODUCT) && !base_text.contains(TEMPLATE_PRODUCT) {
                hit = Some(("template-evaluated".into(), TEMPLATE_PRODUCT.into()));
            }
            let Some((kind, needle)) = hit else { continue };
            let r = &iv005_injection_error_signal::RULE;
            let label = format!("GET {}", ep.path);
            let what = match kind.as_str() {
                "template-evaluated" => {
                    format!("the template expression 7331*1337 was evaluated ({TEMPLATE_PRODUCT} in the answer)")
                }
                k if k.starts_with("sql-error") => "the answer carries a SQL error the normal value did not cause".to_string(),
                "nosql-error" => "the answer carries a NoSQL error the normal value did not cause".to_string(),
                _ => "the answer carries a template-engine error the normal value did not cause".to_string(),
            };
            let redacted = ctx.redact(&around(&text, &needle));
            ctx.report(
                Finding::new(
                    r,
                    &label,
                    format!(
                        "{label}: a {probe} probe in the {} `{}` (HTTP {}, baseline HTTP {}): {what}.",
                        where_param(p),
                        p.name,
                        resp.status,
                        base.status
                    ),
                    &format!("{}:{}", p.name, kind),
                )
                .detail(kind.clone())
                .confidence(if kind == "template-evaluated" || kind.starts_with("sql-error") { Confidence::High } else { Confidence::Medium })
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    related: vec![base.exchange_id],
                    location: "response.body".into(),
                    excerpt: redacted,
                }),
            );
            return true;
        }
        false
    }

    /// IV006 on one parameter; true when reported.
    async fn boolean_based(ctx: &ScanContext, ep: &Endpoint, p: &Parameter, v: &str, base: &Response) -> bool {
        let base_shape = Shape::of(base);
        let Ok(base_url) = probe_url(ctx, ep, p, v) else { return false };
        let Some(again) = Self::get(ctx, base_url, true).await else { return false };
        if !Shape::of(&again).resembles(&base_shape) {
            return false; // a noisy endpoint: no differential can be trusted
        }
        for [t, f, t_control, f_control] in boolean_pairs(is_numeric(p, v), v) {
            let (Ok(tu), Ok(fu)) = (probe_url(ctx, ep, p, &t), probe_url(ctx, ep, p, &f)) else { continue };
            let (Some(tr), Some(fr)) = (Self::get(ctx, tu.clone(), false).await, Self::get(ctx, fu.clone(), false).await) else {
                continue;
            };
            let (ts, fs) = (Shape::of(&tr), Shape::of(&fr));
            if !boolean_signal(&base_shape, &ts, &fs) {
                continue;
            }
            // The same conditions with other literals must answer alike.
            let (Ok(tcu), Ok(fcu)) = (probe_url(ctx, ep, p, &t_control), probe_url(ctx, ep, p, &f_control)) else {
                continue;
            };
            let (Some(tc), Some(fc)) = (Self::get(ctx, tcu, false).await, Self::get(ctx, fcu, false).await) else {
                continue;
            };
            if !(Shape::of(&tc).resembles(&ts) && Shape::of(&fc).resembles(&fs)) {
                continue;
            }
            // Confirm once: the same pair again, never from the cache.
            let (Some(tr2), Some(fr2)) = (Self::get(ctx, tu, true).await, Self::get(ctx, fu, true).await) else {
                continue;
            };
            let (ts2, fs2) = (Shape::of(&tr2), Shape::of(&fr2));
            if !(ts2.resembles(&ts) && fs2.resembles(&fs) && boolean_signal(&base_shape, &ts2, &fs2)) {
                continue;
            }
            let r = &iv006_boolean_injection_differential::RULE;
            let label = format!("GET {}", ep.path);
            let describe = |s: &Shape| format!("HTTP {}, {} bytes", s.status, s.len);
            ctx.report(
                Finding::new(
                    r,
                    &label,
                    format!(
                        "{label}: the {} `{}` set to `{t}` and to `{f}` is answered differently ({} vs {}; normal value: {}), twice in a row.",
                        where_param(p),
                        p.name,
                        describe(&ts),
                        describe(&fs),
                        describe(&base_shape)
                    ),
                    &p.name,
                )
                .confidence(Confidence::Medium)
                .evidence(Evidence {
                    exchange: Some(tr.exchange_id),
                    related: vec![fr.exchange_id, base.exchange_id, tc.exchange_id, fc.exchange_id, tr2.exchange_id, fr2.exchange_id],
                    location: "response".into(),
                    excerpt: clip(&format!("{}={t} -> {}; {}={f} -> {}", p.name, describe(&ts), p.name, describe(&fs)), 240),
                }),
            );
            return true;
        }
        false
    }
}

#[async_trait]
impl Check for Injection {
    fn name(&self) -> &'static str {
        "input-validation/injection"
    }
    fn category(&self) -> Category {
        Category::InputValidation
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&iv005_injection_error_signal::RULE, &iv006_boolean_injection_differential::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        // Operations run side by side (the engine bounds concurrency and
        // rate); the parameters of one operation one after the other.
        let samples = sample(&ctx.inventory.endpoints);
        let per_operation = samples.iter().map(|s| async move {
            for p in &s.params {
                let v = sample_value(p);
                let Ok(url) = probe_url(ctx, &s.endpoint, p, &v) else { continue };
                let Some(base) = Self::get(ctx, url, false).await else { continue };
                Self::error_based(ctx, &s.endpoint, p, &v, &base).await;
                Self::boolean_based(ctx, &s.endpoint, p, &v, &base).await;
            }
        });
        futures_util::future::join_all(per_operation).await;
        Ok(())
    }
}

/// How a browser would treat a response that reflects markup, if it would
/// render it at all: (severity, reason).
pub fn html_context(r: &Response) -> Option<(Severity, &'static str)> {
    let ct = r.content_type().map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase()).unwrap_or_default();
    let nosniff = r.header("x-content-type-options").is_some_and(|v| v.to_ascii_lowercase().contains("nosniff"));
    if ct.contains("html") {
        return Some((Severity::High, "served as HTML"));
    }
    if ct.contains("json") || ct.starts_with("image/") || nosniff {
        return None;
    }
    if ct.is_empty() {
        return Some((Severity::Medium, "served without a Content-Type, so browsers sniff it"));
    }
    Some((Severity::Medium, "served without nosniff as a type browsers may sniff"))
}

/// IV007: reflected XSS in HTML or sniffable answers.
pub struct ReflectedXss;

#[async_trait]
impl Check for ReflectedXss {
    fn name(&self) -> &'static str {
        "input-validation/reflected-xss"
    }
    fn category(&self) -> Category {
        Category::InputValidation
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&iv007_reflected_xss::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let nonce: String = format!("{:06x}", rand::random::<u32>() & 0xff_ffff);
        let mut probes: Vec<(String, String, Url, String)> = Vec::new(); // (label, where, url, tag)
        let mut n = 0u32;
        let mut tag = || {
            n += 1;
            format!("pls-x{nonce}{n}")
        };
        // An unknown query parameter and a path segment on the target.
        {
            let t = tag();
            let mut url = ctx.target.clone();
            url.query_pairs_mut().append_pair("pls", &format!("<{t}>\""));
            probes.push((format!("GET {}", ctx.target.path()), "the query parameter `pls`".into(), url, t));
            let t = tag();
            let url = ctx.url_for(&format!("/pls-probe/{}", encode_segment(&format!("<{t}>\""))))?;
            probes.push(("GET /pls-probe/{segment}".into(), "a path segment".into(), url, t));
        }
        for s in sample(&ctx.inventory.endpoints) {
            for p in &s.params {
                let t = tag();
                let Ok(url) = probe_url(ctx, &s.endpoint, p, &format!("<{t}>\"")) else { continue };
                probes.push((format!("GET {}", s.endpoint.path), format!("the {} `{}`", where_param(p), p.name), url, t));
            }
        }
        for (label, place, url, t) in probes {
            let Ok(resp) = ctx.send(ProbeRequest::get(url).auth(AuthMode::Default).no_redirects()).await else {
                continue;
            };
            let text = resp.text();
            let needle = format!("<{t}>");
            if !text.contains(&needle) {
                continue;
            }
            let Some((severity, how)) = html_context(&resp) else { continue };
            let r = &iv007_reflected_xss::RULE;
            ctx.report(
                Finding::new(
                    r,
                    &label,
                    format!(
                        "{label}: the tag <pls-x…> sent in {place} comes back unescaped in an HTTP {} answer {how} (Content-Type: {}).",
                        resp.status,
                        resp.content_type().map(|c| clip(c, 60)).unwrap_or_else(|| "none".into())
                    ),
                    &place,
                )
                .severity(severity)
                .confidence(if severity == Severity::High { Confidence::High } else { Confidence::Medium })
                .evidence(Evidence {
                    exchange: Some(resp.exchange_id),
                    location: "response.body".into(),
                    excerpt: ctx.redact(&around(&text, &needle)),
                    ..Default::default()
                }),
            );
        }
        Ok(())
    }
}

/// Content types a browser sends cross-site without a CORS pre-flight.
pub const SIMPLE_CONTENT_TYPES: &[&str] = &["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"];

fn simple_types<'a>(types: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in types {
        let essence = t.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if SIMPLE_CONTENT_TYPES.contains(&essence.as_str()) && !out.contains(&essence) {
            out.push(essence);
        }
    }
    out
}

/// IV008: write operations that accept simple (pre-flight-free) bodies.
pub struct SimpleContentTypes;

/// Most write-operation paths whose OPTIONS answer is read.
const OPTIONS_MAX_PATHS: usize = 3;

#[async_trait]
impl Check for SimpleContentTypes {
    fn name(&self) -> &'static str {
        "input-validation/simple-content-types"
    }
    fn category(&self) -> Category {
        Category::InputValidation
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&iv008_simple_content_type_write::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let r = &iv008_simple_content_type_write::RULE;
        let mut write_paths: Vec<String> = Vec::new();
        for ep in ctx.inventory.endpoints.iter().filter(|e| matches!(e.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE")) {
            if !write_paths.contains(&ep.path) {
                write_paths.push(ep.path.clone());
            }
            let Some(body) = &ep.request_body else { continue };
            let simple = simple_types(body.content_types.iter().map(String::as_str));
            if simple.is_empty() {
                continue;
            }
            let mut cookie = Vec::new();
            let mut basic = Vec::new();
            for name in ep.security.iter().flatten() {
                let Some(s) = ctx.inventory.security_schemes.get(name) else { continue };
                let kind = s.kind.to_ascii_lowercase();
                if kind == "apikey" && s.location.as_deref().is_some_and(|l| l.eq_ignore_ascii_case("cookie")) {
                    cookie.push(name.clone());
                } else if kind == "http" && s.scheme.as_deref().is_some_and(|x| matches!(x.to_ascii_lowercase().as_str(), "basic" | "digest")) {
                    basic.push(name.clone());
                }
            }
            let (severity, auth) = if !cookie.is_empty() {
                (Severity::High, format!("it is authenticated by a cookie ({}), which browsers attach to cross-site posts", cookie.join(", ")))
            } else if !basic.is_empty() {
                (Severity::Medium, format!("it is authenticated by HTTP {} credentials, which browsers replay", basic.join(", ")))
            } else {
                (Severity::Low, "no cookie or browser-held credential is declared for it".to_string())
            };
            let label = ep.label();
            ctx.report(
                Finding::new(
                    r,
                    &label,
                    format!(
                        "{label} accepts {} request bodies, which any web page can send cross-site without a pre-flight; {auth}.",
                        simple.join(", ")
                    ),
                    "spec",
                )
                .severity(severity)
                .confidence(Confidence::Medium)
                .detail("spec")
                .evidence(Evidence {
                    location: "spec.requestBody.content".into(),
                    excerpt: clip(&format!("requestBody: {}", body.content_types.join(", ")), 200),
                    ..Default::default()
                }),
            );
        }
        // What the server itself advertises.
        let mut urls = vec![ctx.target.clone()];
        for path in write_paths.iter().take(OPTIONS_MAX_PATHS) {
            let concrete = concrete_path(&Endpoint::discovered("OPTIONS", path));
            if let Ok(u) = ctx.endpoint_url(&concrete) {
                if !urls.contains(&u) {
                    urls.push(u);
                }
            }
        }
        for url in urls {
            let req = ProbeRequest::new("OPTIONS", url).auth(AuthMode::Anonymous).no_redirects();
            let Ok(resp) = ctx.send(req).await else { continue };
            for (header, method) in [("accept-post", "POST"), ("accept-patch", "PATCH")] {
                let values: Vec<&str> = resp.headers_all(header).flat_map(|v| v.split(',')).collect();
                let simple = simple_types(values.iter().copied());
                if simple.is_empty() {
                    continue;
                }
                let path = resp.url.path().to_string();
                let label = format!("{method} {path}");
                let name = if method == "POST" { "Accept-Post" } else { "Accept-Patch" };
                ctx.report(
                    Finding::new(
                        r,
                        &label,
                        format!(
                            "OPTIONS {path} advertises {name}: {}, bodies any web page can send cross-site without a pre-flight.",
                            simple.join(", ")
                        ),
                        name,
                    )
                    .severity(Severity::Low)
                    .confidence(Confidence::Medium)
                    .detail("options")
                    .evidence(Evidence {
                        exchange: Some(resp.exchange_id),
                        location: format!("response.header.{name}"),
                        excerpt: clip(&format!("{name}: {}", values.join(",")), 200),
                        ..Default::default()
                    }),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(status: u16, len: usize, json: Option<&str>) -> Shape {
        Shape { status, len, json: json.map(str::to_string) }
    }

    #[test]
    fn boolean_pairs_have_equal_lengths() {
        for numeric in [true, false] {
            for variants in boolean_pairs(numeric, "books") {
                assert!(variants.iter().all(|v| v.len() == variants[0].len()), "{variants:?}");
            }
        }
    }

    #[test]
    fn boolean_signal_needs_a_difference_and_a_baseline_match() {
        let base = shape(200, 200, Some("[2]"));
        // True returns everything, false returns the baseline: injectable.
        assert!(boolean_signal(&base, &shape(200, 600, Some("[6]")), &shape(200, 200, Some("[2]"))));
        // Both echo the input (same length): no signal.
        assert!(!boolean_signal(&base, &shape(200, 214, Some("[2]")), &shape(200, 214, Some("[2]"))));
        // Both differ from the baseline: no signal (e.g. both rejected differently).
        assert!(!boolean_signal(&base, &shape(400, 30, None), &shape(500, 30, None)));
        // Status differs, one matches the baseline.
        assert!(boolean_signal(&base, &shape(200, 200, Some("[2]")), &shape(404, 20, None)));
    }

    #[test]
    fn errors_are_recognised_from_the_detector_and_engine_lists() {
        let s = error_signals("sqlite3.OperationalError: unrecognized token: \"'x\"");
        assert!(s.iter().any(|(k, _)| k == "sql-error:sqlite-error"), "{s:?}");
        assert!(error_signals("You have an error in your SQL syntax; check the manual").iter().any(|(k, _)| k.starts_with("sql-error")));
        assert_eq!(error_signals("jinja2.exceptions.TemplateSyntaxError: x")[0].0, "template-error");
        assert_eq!(error_signals("MongoServerError: unknown operator: $gt")[0].0, "nosql-error");
        assert!(error_signals("{\"error\":\"not found\"}").is_empty());
        // A Python traceback is debug output (DE003), not an injection signal.
        assert!(error_signals("Traceback (most recent call last):\nValueError: invalid literal for int()").is_empty());
    }

    #[test]
    fn url_credential_graphql_and_ai_parameters_are_not_sampled() {
        let p = |name: &str, loc| Parameter {
            name: name.into(),
            location: loc,
            required: false,
            schema_type: Some("string".into()),
            format: None,
            example: None,
        };
        let mut ep = Endpoint::discovered("GET", "/api/items/{id}");
        ep.parameters = vec![
            p("callback_url", ParamLocation::Query),
            p("api_key", ParamLocation::Query),
            p("limit", ParamLocation::Query),
            p("id", ParamLocation::Path),
            p("q", ParamLocation::Query),
            p("X-Trace", ParamLocation::Header),
        ];
        let mut gql = Endpoint::discovered("GET", "/graphql");
        gql.parameters = vec![p("query", ParamLocation::Query)];
        let mut ai = Endpoint::discovered("GET", "/api/v1/ask");
        ai.parameters = vec![p("q", ParamLocation::Query)];
        let s = sample(&[ep, gql, ai]);
        assert_eq!(s.len(), 1);
        let names: Vec<&str> = s[0].params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["q", "id", "limit"]);
    }

    #[test]
    fn only_html_or_sniffable_answers_count_as_xss() {
        let answer = |headers: &[(&str, &str)]| Response {
            exchange_id: 0,
            status: 404,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: Default::default(),
            truncated: false,
            url: Url::parse("http://127.0.0.1:1/").unwrap(),
            redirects: Vec::new(),
            duration: Default::default(),
        };
        assert_eq!(html_context(&answer(&[("content-type", "text/html; charset=utf-8")])).unwrap().0, Severity::High);
        assert!(html_context(&answer(&[("content-type", "application/json")])).is_none());
        assert!(html_context(&answer(&[("content-type", "application/problem+json")])).is_none());
        assert_eq!(html_context(&answer(&[])).unwrap().0, Severity::Medium);
        assert!(html_context(&answer(&[("content-type", "text/plain"), ("x-content-type-options", "nosniff")])).is_none());
    }
}
