//! Unsafe consumption of APIs: trusting what an upstream service answers.
//!
//! - `GET /api/v1/weather?city=…`: a weather proxy whose upstream is named in
//!   an `X-Upstream` header over plain HTTP (UC002) and whose error page is
//!   passed through untouched when `city` is missing (UC001; DE004
//!   internal-hostname and version-banner).
//!
//! The hardened twin validates `city` itself (400), never passes an upstream
//! page through and does not name its upstream.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::app::{error_json, html, json_response, set, Shared};
use crate::pages;

const UPSTREAM: &str = "http://weather-backend.internal:8080";

/// The routes of this module, merged into the demo router.
pub(crate) fn routes() -> Router<Shared> {
    Router::new().route("/api/v1/weather", get(weather))
}

async fn weather(State(state): State<Shared>, Query(query): Query<HashMap<String, String>>) -> Response {
    let city = query.get("city").map(|c| c.trim()).filter(|c| !c.is_empty());
    let mut response = match (city, state.hardened) {
        (Some(city), _) => json_response(
            StatusCode::OK,
            json!({"city": city, "forecast": [{"day": "today", "temp_c": 14, "sky": "cloudy"}, {"day": "tomorrow", "temp_c": 17, "sky": "sunny"}]}),
        ),
        (None, true) => error_json(StatusCode::BAD_REQUEST, "city required"),
        // The upstream's own error page, passed through untouched.
        (None, false) => html(StatusCode::BAD_GATEWAY, pages::UPSTREAM_ERROR_HTML.to_string()),
    };
    if !state.hardened {
        set(response.headers_mut(), "x-upstream", UPSTREAM);
    }
    response
}
