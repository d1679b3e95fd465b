//! Check logic, one module per category.

pub mod auth_bypass;
pub mod authentication;
pub mod bfla;
pub mod bfla_admin;
pub mod bola;
pub mod bola_traversal;
pub mod data_exposure;
pub mod discovered_content;
pub mod key_reveal;
pub mod graphql;
pub mod injection;
pub mod input_validation;
pub mod inventory;
pub mod inventory_surface;
pub mod inventory_files;
pub mod jwt;
pub mod jwt_expired;
pub mod jwt_header;
pub mod auth_transport;
pub mod auth_lockout;
pub mod llm;
pub mod mass_assignment_active;
pub mod llm_probes;
pub mod property_authorization;
pub mod rate_limiting;
pub mod ssrf;
pub mod tls;
pub mod transport;
pub mod unsafe_consumption;

use palisade_http::ProbeRequest;

/// `GET /api/v1/keys` for a request (path only; the query may hold secrets).
pub(crate) fn endpoint_label(request: &ProbeRequest) -> String {
    format!("{} {}", request.method, request.url.path())
}

/// First `max` characters of `s`, on a char boundary, with an ellipsis when cut.
pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}
