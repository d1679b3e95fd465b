//! Palisade's checks and the one registry of rule codes.
//!
//! * [`registry::RULES`] lists every rule; each rule's metadata and
//!   documentation live in its own file under [`rules`].
//! * [`checks`] holds the logic, one module per category. Active checks
//!   implement [`palisade_engine::Check`] and send their own read-only probes;
//!   passive checks implement [`palisade_engine::PassiveCheck`] and look at
//!   every response the scan receives anyway.
//!
//! To add a rule: pick the next free code of its category, add a file under
//! `rules/`, list it in `registry.rs` and `rules/mod.rs`, report it from a
//! check, add a positive and a negative fixture test, and regenerate
//! `docs/rules.md` (`palisade checks --markdown > docs/rules.md`).

pub mod checks;
pub mod registry;
pub mod rules;

pub use registry::{rule, RULES};

use palisade_core::Category;
use palisade_engine::{Check, PassiveCheck};
use std::sync::Arc;

/// A [`Scanner`](palisade_engine::Scanner) of `target` with every check and
/// the detector's redaction of report excerpts: the one wiring the CLI, the
/// server, the MCP server and the tests share. Narrow it with
/// `.checks(..)` or `.select_rules(..)`.
pub fn scanner(target: palisade_http::Url) -> palisade_engine::Scanner {
    let detector = palisade_detect::Detector::builtin();
    palisade_engine::Scanner::new(target)
        .checks(active_checks(None), passive_checks(None))
        .redact_with(move |s| detector.redact(s))
}

/// All active checks, optionally limited to some categories.
pub fn active_checks(categories: Option<&[Category]>) -> Vec<Arc<dyn Check>> {
    let all: Vec<Arc<dyn Check>> = vec![
        Arc::new(checks::inventory::ExposedDocs),
        Arc::new(checks::data_exposure::DebugEndpoints),
        Arc::new(checks::data_exposure::KeyReflection),
        Arc::new(checks::key_reveal::KeyRevealSpec),
        Arc::new(checks::authentication::AuthNotEnforced),
        Arc::new(checks::bfla::UnauthenticatedStateChange),
        Arc::new(checks::jwt::JwtAlgNone),
        Arc::new(checks::jwt_expired::ExpiredTokenAccepted),
        Arc::new(checks::auth_lockout::LoginRateLimitSignals),
        Arc::new(checks::jwt::ApiKeyInQuery),
        Arc::new(checks::bola::SequentialIds),
        Arc::new(checks::bola::CrossIdentity),
        Arc::new(checks::bola_traversal::IdPathTraversal),
        Arc::new(checks::bfla_admin::AdminFunctions),
        Arc::new(checks::auth_bypass::RoleFunctionAccess),
        Arc::new(checks::auth_bypass::AuthBypassVariants),
        Arc::new(checks::property_authorization::UndeclaredProperties),
        Arc::new(checks::property_authorization::MassAssignmentSurface),
        Arc::new(checks::mass_assignment_active::ActiveMassAssignment),
        Arc::new(checks::input_validation::Cors),
        Arc::new(checks::input_validation::DangerousMethods),
        Arc::new(checks::input_validation::GraphqlIntrospection),
        Arc::new(checks::injection::Injection),
        Arc::new(checks::injection::ReflectedXss),
        Arc::new(checks::injection::SimpleContentTypes),
        Arc::new(checks::graphql::GraphqlSurface),
        Arc::new(checks::rate_limiting::BurstRateLimit),
        Arc::new(checks::rate_limiting::PageSize),
        Arc::new(checks::rate_limiting::Pagination),
        Arc::new(checks::inventory_surface::DeprecatedLive),
        Arc::new(checks::inventory_surface::OldVersions),
        Arc::new(checks::inventory_surface::PublicMetrics),
        Arc::new(checks::inventory_surface::SpecDrift),
        Arc::new(checks::inventory_files::BackupFiles),
        Arc::new(checks::inventory_files::NoVersioning),
        Arc::new(checks::rate_limiting::UnboundedRequestSchema),
        Arc::new(checks::ssrf::Ssrf),
        Arc::new(checks::ssrf::OpenRedirect),
        Arc::new(checks::ssrf::InternalSsrf),
        Arc::new(checks::unsafe_consumption::SpecReview),
        Arc::new(checks::llm::PromptProbes::default()),
        Arc::new(checks::tls::TlsInspection),
    ];
    all.into_iter().filter(|c| categories.is_none_or(|cs| cs.contains(&c.category()))).collect()
}

/// All passive checks, optionally limited to some categories.
pub fn passive_checks(categories: Option<&[Category]>) -> Vec<Arc<dyn PassiveCheck>> {
    let all: Vec<Arc<dyn PassiveCheck>> = vec![
        Arc::new(checks::data_exposure::ResponseScan),
        Arc::new(checks::transport::Transport),
        Arc::new(checks::tls::MixedContent),
        Arc::new(checks::transport::ContentTypeOptions),
        Arc::new(checks::transport::VersionBanner),
        Arc::new(checks::unsafe_consumption::UpstreamPassthrough),
        Arc::new(checks::llm::ModelDisclosure),
        Arc::new(checks::jwt::JwtInResponses::default()),
        Arc::new(checks::auth_transport::TokensInUrls::default()),
        Arc::new(checks::auth_transport::BasicOverHttp::default()),
        Arc::new(checks::property_authorization::SensitiveProperties),
        Arc::new(checks::auth_bypass::MissingChallenge::default()),
    ];
    all.into_iter().filter(|c| categories.is_none_or(|cs| cs.contains(&c.category()))).collect()
}

/// Categories that have at least one implemented check.
pub fn implemented_categories() -> Vec<Category> {
    let mut cats: Vec<Category> = active_checks(None)
        .iter()
        .map(|c| c.category())
        .chain(passive_checks(None).iter().map(|c| c.category()))
        .collect();
    cats.sort();
    cats.dedup();
    cats
}
