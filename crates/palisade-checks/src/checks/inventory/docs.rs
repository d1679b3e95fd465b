//! Inventory: exposed specs and interactive documentation.

use crate::checks::support::clip;
use crate::rules::{in001_spec_exposed, in003_docs_ui_exposed};
use async_trait::async_trait;
use palisade_core::{Category, Evidence, Finding, RuleMeta, Severity};
use palisade_engine::discovery::{WELL_KNOWN_DOCS_PATHS, WELL_KNOWN_SPEC_PATHS};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::{AuthMode, ProbeRequest};

/// Page markers of interactive documentation tools.
const DOCS_MARKERS: &[(&str, &str)] =
    &[("swagger-ui", "Swagger UI"), ("redoc", "ReDoc"), ("graphiql", "GraphiQL"), ("rapidoc", "RapiDoc"), ("scalar", "Scalar")];

/// IN001 and IN003.
pub struct ExposedDocs;

#[async_trait]
impl Check for ExposedDocs {
    fn name(&self) -> &'static str {
        "inventory/exposed-docs"
    }
    fn category(&self) -> Category {
        Category::InventoryManagement
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&in001_spec_exposed::RULE, &in003_docs_ui_exposed::RULE]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        for path in WELL_KNOWN_SPEC_PATHS {
            let url = ctx.url_for(path)?;
            let req = ProbeRequest::get(url.clone()).auth(AuthMode::Anonymous).no_redirects();
            let Ok(mut resp) = ctx.send(req).await else { continue };
            if resp.status != 200 || !palisade_spec::looks_like_spec(&resp.body) {
                continue;
            }
            // A spec larger than the per-response cap is read again up to the
            // spec's own limit (plus one byte, to tell a spec of exactly the limit
            // from a longer one), as discovery does.
            let spec_limit = ctx.settings.max_spec_bytes;
            if resp.truncated && spec_limit > resp.body.len() {
                let whole = ProbeRequest::get(url).auth(AuthMode::Anonymous).no_redirects().max_body(spec_limit.saturating_add(1));
                let Ok(again) = ctx.send(whole).await else { continue };
                resp = again;
            }
            let options = palisade_spec::LoadOptions { max_bytes: spec_limit, ..palisade_spec::LoadOptions::default() };
            let Ok(inv) = palisade_spec::load(&resp.body, &options) else { continue };
            let internal: Vec<String> = inv
                .endpoints
                .iter()
                .filter(|e| {
                    let text = format!("{} {} {:?}", e.path, e.operation_id.as_deref().unwrap_or(""), e.tags).to_ascii_lowercase();
                    ["admin", "internal", "debug", "private"].iter().any(|w| text.contains(w))
                })
                .map(|e| e.label())
                .collect();
            let r = &in001_spec_exposed::RULE;
            let severity = if internal.is_empty() { r.default_severity } else { Severity::Medium };
            let mut message = format!(
                "{} is readable without credentials: {} {} document with {} operations.",
                path,
                inv.title.as_deref().unwrap_or("an untitled"),
                inv.spec_version.as_deref().map(|v| format!("OpenAPI/Swagger {v}")).unwrap_or_else(|| "API".into()),
                inv.endpoints.len()
            );
            if !internal.is_empty() {
                message.push_str(&format!(" It lists internal or admin operations: {}.", clip(&internal.join(", "), 200)));
            }
            ctx.report(Finding::new(r, format!("GET {path}"), message, "").severity(severity).evidence(Evidence {
                exchange: Some(resp.exchange_id),
                location: "response.body".into(),
                excerpt: clip(&resp.text().split_whitespace().collect::<Vec<_>>().join(" "), 120),
                ..Default::default()
            }));
            break;
        }

        for path in WELL_KNOWN_DOCS_PATHS {
            let req = ProbeRequest::get(ctx.url_for(path)?).auth(AuthMode::Anonymous).no_redirects();
            let Ok(resp) = ctx.send(req).await else { continue };
            if resp.status != 200 || ctx.soft404.is_not_found(&resp, path.trim_start_matches('/')) {
                continue;
            }
            let text = resp.text().to_ascii_lowercase();
            let Some((_, tool)) = DOCS_MARKERS.iter().find(|(m, _)| text.contains(m)) else { continue };
            let r = &in003_docs_ui_exposed::RULE;
            ctx.report(Finding::new(r, format!("GET {path}"), format!("{tool} is served at {path} without credentials."), tool).evidence(Evidence {
                exchange: Some(resp.exchange_id),
                location: "response.body".into(),
                excerpt: format!("{tool} page markers in a {} byte page", resp.body.len()),
                ..Default::default()
            }));
        }
        Ok(())
    }
}
