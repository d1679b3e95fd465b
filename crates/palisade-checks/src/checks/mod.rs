//! Check logic, one module per category.

pub mod authentication;
pub mod bfla;
pub mod data_exposure;
pub mod inventory;
pub mod transport;

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
