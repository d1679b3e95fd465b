//! Inventory management: what the API publishes about itself and what it
//! still serves beyond its current, documented surface.
//!
//! - `GET /openapi.json`: the spec, public (IN001; the hardened twin still
//!   publishes it on purpose, without its unpublished operations).
//! - `GET /docs`: a Swagger UI page (IN003).
//! - `GET /v1/`: a deprecated API version that still answers (IN004, IN005);
//!   `GET /v2/` is the current one.
//! - `GET /api/internal/`: an internal service root with its environment
//!   (IN005 internal-root; also BF002, AU001 and DE004 internal-hostname).
//! - `GET /actuator/health` and `GET /metrics`: operational endpoints with
//!   component and build details (IN006; `/metrics` also AU001).
//! - `GET /backup.sql` and `GET /app.py.bak`: leftover files in the web root
//!   (IN008). Neither holds a secret: the rows are catalogue data.
//! - `GET /`: the API root.
//!
//! The hardened twin retires `/v1/` (410), answers 404 for the docs UI, the
//! internal root and the leftover files, keeps health to `{"status":"UP"}`
//! and requires the API key for metrics (which hold no build details).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::app::{error_json, html, json_response, not_found_json, text, Shared};
use crate::pages;

/// A mysqldump-style backup of the demo's product table (no personal data, no secrets).
const BACKUP_SQL: &str = r#"-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: palisade_demo
-- ------------------------------------------------------

DROP TABLE IF EXISTS `products`;
CREATE TABLE `products` (
  `id` int NOT NULL AUTO_INCREMENT,
  `name` varchar(200) NOT NULL,
  `category` varchar(40) NOT NULL,
  `price_cents` int NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO `products` VALUES (1,'The Rust Programming Language','books',3999),(2,'Mechanical keyboard','hardware',12900);

-- Dump completed on 2026-11-01  3:00:01
"#;

/// An editor backup of the app's source, left next to it.
const APP_PY_BAK: &str = r#"import os
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/api/v1/products")
def products():
    category = request.args.get("category", "books")
    return jsonify(catalogue.find(category=category))


if __name__ == "__main__":
    app.run()
"#;

/// The routes of this module, merged into the demo router.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(index))
        .route("/openapi.json", get(openapi))
        .route("/docs", get(docs))
        .route("/v1/", get(v1_root))
        .route("/v2/", get(v2_root))
        .route("/api/internal/", get(internal_root))
        .route("/actuator/health", get(health))
        .route("/metrics", get(metrics))
        .route("/backup.sql", get(backup_sql))
        .route("/app.py.bak", get(app_py_bak))
}

async fn index(State(state): State<Shared>) -> Response {
    json_response(
        StatusCode::OK,
        json!({"name": "Palisade demo API", "mode": if state.hardened { "hardened" } else { "vulnerable" }, "openapi": "/openapi.json", "docs": "/docs"}),
    )
}

async fn openapi(State(state): State<Shared>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::openapi_json(state.hardened)).into_response()
}

async fn docs(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    html(StatusCode::OK, pages::DOCS_HTML.to_string())
}

async fn v1_root(State(state): State<Shared>) -> Response {
    if state.hardened {
        return error_json(StatusCode::GONE, "API v1 has been retired; use /v2/");
    }
    json_response(StatusCode::OK, json!({"version": "v1", "status": "deprecated", "auth": "none", "endpoints": ["/v1/users", "/v1/keys"]}))
}

async fn v2_root() -> Response {
    json_response(StatusCode::OK, json!({"version": "v2", "status": "current"}))
}

async fn internal_root(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    json_response(
        StatusCode::OK,
        json!({"service": "key-service-internal", "environment": "production", "debug": true,
               "database": "db.internal:5432/app", "app_root": "/srv/app",
               "feature_flags": {"legacy_v1": true, "skip_key_validation": false}}),
    )
}

async fn health(State(state): State<Shared>) -> Response {
    if state.hardened {
        return json_response(StatusCode::OK, json!({"status": "UP"}));
    }
    json_response(
        StatusCode::OK,
        json!({"status": "UP", "components": {
            "db": {"status": "UP", "details": {"database": "PostgreSQL", "host": "db.internal:5432", "validationQuery": "isValid()"}},
            "diskSpace": {"status": "UP", "details": {"path": "/srv/app", "total": 105_088_212_992u64, "free": 61_403_586_560u64}},
            "redis": {"status": "UP", "details": {"version": "6.0.9"}}}}),
    )
}

async fn metrics(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if state.hardened {
        if let Some(r) = state.auth_failure(&headers) {
            return r;
        }
        return text(StatusCode::OK, "# TYPE http_requests_total counter\nhttp_requests_total 1\n".into());
    }
    text(
        StatusCode::OK,
        "# HELP http_requests_total Total HTTP requests.\n# TYPE http_requests_total counter\n\
         http_requests_total{method=\"GET\",path=\"/api/v1/keys\"} 1027\n\
         http_requests_total{method=\"POST\",path=\"/api/v1/keys\"} 88\n\
         # HELP app_info Build information.\n# TYPE app_info gauge\n\
         app_info{version=\"2.0.1\",python=\"3.8.5\",db_host=\"db.internal\",app_root=\"/srv/app\"} 1\n"
            .into(),
    )
}

fn plain(content_type: &'static str, body: &'static str) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn backup_sql(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    plain("application/sql", BACKUP_SQL)
}

async fn app_py_bak(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found_json();
    }
    plain("application/octet-stream", APP_PY_BAK)
}
