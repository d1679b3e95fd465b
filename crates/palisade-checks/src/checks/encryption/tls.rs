//! TLS inspection (EN004–EN008, EN010) and plain-HTTP self links (EN009).
//!
//! Every connection goes through `palisade-http` (`Engine::tls_probe`), so
//! scope, budgets, rate limit, timeouts, health and the exchange log apply
//! to it like to any request: one full handshake to the target's host and
//! port that accepts any certificate and captures the chain the server
//! presents and the negotiated version and cipher, judged offline in
//! [`super::tls_judge`] (validity window, trust in the webpki roots plus
//! `--ca-cert` roots, hostname, key size and signature algorithm); one
//! hand-made TLS 1.0 and one TLS 1.1 ClientHello to see whether the server
//! still answers with a ServerHello (EN008); two hand-made TLS 1.2
//! ClientHellos offering only weak cipher suites, whose ServerHello names the
//! suite the server picked (EN010). No HTTP request is sent.

use crate::rules::{en008_legacy_tls_protocol, en010_weak_cipher_suite};
use async_trait::async_trait;
use palisade_core::{Category, Evidence, Finding, RuleMeta};
use palisade_engine::{Check, CheckFailure, ScanContext};
use palisade_http::tls::{TlsAnswer, TlsProbe};
use palisade_http::{Engine, HttpError};

pub use super::tls_judge::*;
pub use palisade_http::tls::wire::{client_hello, is_server_hello_for, legacy_client_hello, server_hello_choice, version_label, LEGACY_SUITES};

/// TLS connections this check opens per scan: one full handshake, one TLS 1.0
/// and one TLS 1.1 ClientHello, and one TLS 1.2 ClientHello per weak-suite
/// probe (each closed after the server's first record).
pub const MAX_TLS_CONNECTIONS: usize = 1 + LEGACY_VERSIONS.len() + WEAK_SUITE_PROBES.len();

/// One TLS handshake with `target`'s host and port through `engine`, accepting any certificate.
pub async fn probe(engine: &Engine, target: &url::Url) -> Result<TlsFacts, HttpError> {
    match engine.tls_probe(target, TlsProbe::Handshake).await?.answer {
        TlsAnswer::Handshake(facts) => Ok(facts),
        TlsAnswer::Hello(_) => Err(HttpError::Other { reason: "a TLS handshake probe was answered as a hello".into() }),
    }
}

/// One connection through `engine`: a legacy ClientHello for `version`;
/// whether the server answered with a ServerHello choosing that version.
pub async fn accepts_legacy(engine: &Engine, target: &url::Url, version: u16) -> Result<bool, HttpError> {
    let answer = engine.tls_probe(target, TlsProbe::LegacyVersion { version }).await?;
    Ok(answer.hello().is_some_and(|h| h.is_server_hello_for(version)))
}

/// One connection through `engine`: a TLS 1.2 ClientHello offering only
/// `suites`; the server's `(version, suite)` when it answers with a
/// ServerHello, `None` for an alert or a close.
pub async fn chosen_suite(engine: &Engine, target: &url::Url, suites: &[u16]) -> Result<Option<(u16, u16)>, HttpError> {
    let answer = engine.tls_probe(target, TlsProbe::CipherSuites { version: 0x0303, suites: suites.to_vec() }).await?;
    Ok(answer.hello().and_then(|h| h.choice))
}

/// EN004, EN005, EN006, EN007, EN008, EN010.
pub struct TlsInspection;

#[async_trait]
impl Check for TlsInspection {
    fn name(&self) -> &'static str {
        "encryption/tls-inspection"
    }
    fn category(&self) -> Category {
        Category::Encryption
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[
            &crate::rules::en004_certificate_expiry::RULE,
            &crate::rules::en005_untrusted_certificate::RULE,
            &crate::rules::en006_hostname_mismatch::RULE,
            &crate::rules::en007_weak_certificate_crypto::RULE,
            &en008_legacy_tls_protocol::RULE,
            &en010_weak_cipher_suite::RULE,
        ]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        if ctx.target.scheme() != "https" {
            return Ok(());
        }
        let engine = &ctx.engine;
        let origin = ctx.origin();
        for (version, label) in LEGACY_VERSIONS {
            // An unreachable or refusing server simply does not accept the version.
            if let Ok(true) = accepts_legacy(engine, &ctx.target, version).await {
                let r = &en008_legacy_tls_protocol::RULE;
                ctx.report(Finding::new(r, &origin, format!("The server negotiates {label}, deprecated by RFC 8996."), label).evidence(Evidence {
                    location: "tls.handshake".into(),
                    excerpt: format!("{label} ClientHello -> ServerHello version 0x{version:04x}"),
                    ..Default::default()
                }));
            }
        }
        for (probe_name, classes) in WEAK_SUITE_PROBES {
            // An alert, a close or a suite we did not offer is not a finding.
            let Ok(Some((version, code))) = chosen_suite(engine, &ctx.target, &suites_of(classes)).await else { continue };
            let Some((name, class)) = weak_choice(code, classes) else { continue };
            let r = &en010_weak_cipher_suite::RULE;
            let version = version_label(version);
            ctx.report(
                Finding::new(
                    r,
                    &origin,
                    format!("The server chose {name} (0x{code:04x}), {}, when a {version} client offered only weak suites.", class.describe()),
                    probe_name,
                )
                .severity(class.severity())
                .detail(name)
                .evidence(Evidence {
                    location: "tls.handshake".into(),
                    excerpt: format!("TLS 1.2 ClientHello offering only {probe_name} suites -> ServerHello {version}, cipher {name} (0x{code:04x})"),
                    ..Default::default()
                }),
            );
        }
        let facts = probe(engine, &ctx.target).await?;
        for issue in assess(&facts, &ctx.target, &engine.config().extra_roots, unix_now()) {
            let Some(rule) = crate::rule(issue.rule) else { continue };
            ctx.report(Finding::new(rule, &origin, issue.message, &issue.key).severity(issue.severity).evidence(Evidence {
                location: "tls.certificate".into(),
                excerpt: format!("{} ({} {})", issue.excerpt, facts.version, facts.cipher),
                ..Default::default()
            }));
        }
        Ok(())
    }
}

/// Most plain-HTTP links quoted per response.
const MAX_LINKS_QUOTED: usize = 3;
/// Body bytes searched per response.
const MIXED_CONTENT_SCAN_BYTES: usize = 256 * 1024;

/// `http://` URLs in `text` whose host is `host` (case-insensitive), at most `max`.
pub fn plaintext_self_links(text: &str, host: &str, max: usize) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("http://") {
        let start = from + i;
        let end = lower[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`' | ',' | ')' | '\\'))
            .map_or(lower.len(), |e| start + e);
        from = start + "http://".len();
        let candidate = &text[start..end];
        let Ok(url) = url::Url::parse(candidate) else { continue };
        let url_host = url.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        if url_host == host && !out.iter().any(|o| o == candidate) {
            out.push(candidate.to_string());
            if out.len() >= max {
                break;
            }
        }
    }
    out
}

/// EN009.
pub struct MixedContent;

impl palisade_engine::PassiveCheck for MixedContent {
    fn name(&self) -> &'static str {
        "encryption/plaintext-self-links"
    }
    fn category(&self) -> Category {
        Category::Encryption
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&crate::rules::en009_plaintext_self_link::RULE]
    }

    fn observe(&self, ctx: &ScanContext, request: &palisade_http::ProbeRequest, response: &palisade_http::Response) {
        if response.url.scheme() != "https" {
            return;
        }
        let Some(host) = response.url.host_str() else { return };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let mut links = Vec::new();
        for name in ["location", "content-location", "link"] {
            for value in response.headers_all(name) {
                for l in plaintext_self_links(value, host, MAX_LINKS_QUOTED) {
                    links.push((format!("response.header.{name}"), l));
                }
            }
        }
        let ct = response.content_type().unwrap_or("").to_ascii_lowercase();
        let textual = ["json", "html", "xml", "text/"].iter().any(|t| ct.contains(t));
        if textual && !response.body.is_empty() {
            let body = &response.body[..response.body.len().min(MIXED_CONTENT_SCAN_BYTES)];
            let text = String::from_utf8_lossy(body);
            // The API description's example values and servers are not links the API hands out.
            let head: String = text.chars().take(400).collect();
            let is_spec =
                head.contains("\"openapi\"") || head.contains("\"swagger\"") || head.starts_with("openapi:") || head.starts_with("swagger:");
            if !is_spec {
                for l in plaintext_self_links(&text, host, MAX_LINKS_QUOTED) {
                    links.push(("response.body".into(), l));
                }
            }
        }
        let Some((location, _)) = links.first().cloned() else { return };
        links.truncate(MAX_LINKS_QUOTED);
        // Links can carry tokens in their query: quote them masked.
        let quoted: Vec<String> = links.iter().map(|(_, l)| palisade_core::mask::mask_url(l)).collect();
        let r = &crate::rules::en009_plaintext_self_link::RULE;
        // The same plaintext link on many responses (a shared page, a catch-all) is one finding.
        let first_link = links[0].1.split(['?', '#']).next().unwrap_or_default().to_string();
        ctx.report(
            Finding::new(
                r,
                ctx.origin(),
                format!("{} links back to the API over plain HTTP: {}", crate::checks::support::endpoint_label(request), quoted.join(", ")),
                &first_link,
            )
            .evidence(Evidence {
                exchange: Some(response.exchange_id),
                location,
                excerpt: crate::checks::support::clip(&quoted.join(" "), 240),
                ..Default::default()
            }),
        );
    }
}
