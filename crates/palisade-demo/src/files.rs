//! Leftover files in the web root (IN008) and request-size bounds in the
//! hardened spec (RL004).
//!
//! The vulnerable twin serves a small fake SQL dump and an editor backup of
//! its Flask source, as a forgotten deploy would; neither holds a secret (the
//! rows are catalogue data). The hardened twin answers 404 for both.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::app::AppState;

type Shared = std::sync::Arc<AppState>;

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
    Router::new().route("/backup.sql", get(backup_sql)).route("/app.py.bak", get(app_py_bak))
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response()
}

fn plain(content_type: &'static str, body: &'static str) -> Response {
    (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn backup_sql(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found();
    }
    plain("application/sql", BACKUP_SQL)
}

async fn app_py_bak(State(state): State<Shared>) -> Response {
    if state.hardened {
        return not_found();
    }
    plain("application/octet-stream", APP_PY_BAK)
}

/// Bounds used for the hardened spec's request schemas.
const MAX_STRING: u64 = 2000;
const MAX_ITEMS: u64 = 20;
const MAX_DEPTH: usize = 8;

/// The hardened spec bounds every JSON request body of every write operation:
/// strings get a `maxLength`, arrays a `maxItems`, objects
/// `additionalProperties: false` (RL004). Bounds already declared are kept.
pub(crate) fn bound_request_schemas(spec: &mut Value) {
    let Some(paths) = spec["paths"].as_object_mut() else { return };
    for ops in paths.values_mut() {
        let Some(ops) = ops.as_object_mut() else { continue };
        for (method, op) in ops.iter_mut() {
            if !matches!(method.as_str(), "post" | "put" | "patch" | "delete") {
                continue;
            }
            let Some(content) = op["requestBody"]["content"].as_object_mut() else { continue };
            for (ct, media) in content.iter_mut() {
                if ct.contains("json") {
                    bound(&mut media["schema"], 0);
                }
            }
        }
    }
}

fn bound(schema: &mut Value, depth: usize) {
    if depth > MAX_DEPTH || !schema.is_object() || schema.get("$ref").is_some() || schema.get("enum").is_some() {
        return;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema[key].as_array_mut() {
            for part in parts {
                bound(part, depth + 1);
            }
        }
    }
    let ty = schema["type"].as_str().map(str::to_string).unwrap_or_else(|| {
        if schema.get("properties").is_some() {
            "object".into()
        } else if schema.get("items").is_some() {
            "array".into()
        } else {
            String::new()
        }
    });
    match ty.as_str() {
        "string" if schema.get("maxLength").is_none() => schema["maxLength"] = json!(MAX_STRING),
        "array" => {
            if schema.get("maxItems").is_none() {
                schema["maxItems"] = json!(MAX_ITEMS);
            }
            bound(&mut schema["items"], depth + 1);
        }
        "object" => {
            if schema.get("maxProperties").is_none() {
                schema["additionalProperties"] = Value::Bool(false);
            }
            if let Some(props) = schema["properties"].as_object_mut() {
                for sub in props.values_mut() {
                    bound(sub, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_schemas_are_bounded_and_existing_bounds_kept() {
        let mut spec = json!({"paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": {
            "type": "object",
            "properties": {"a": {"type": "string", "maxLength": 5}, "b": {"type": "array", "items": {"type": "string"}}}
        }}}}}, "get": {"requestBody": {"content": {"application/json": {"schema": {"type": "string"}}}}}}}});
        bound_request_schemas(&mut spec);
        let s = &spec["paths"]["/x"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(s["properties"]["a"]["maxLength"], 5);
        assert_eq!(s["properties"]["b"]["maxItems"], MAX_ITEMS);
        assert_eq!(s["properties"]["b"]["items"]["maxLength"], MAX_STRING);
        assert!(spec["paths"]["/x"]["get"]["requestBody"]["content"]["application/json"]["schema"].get("maxLength").is_none());
    }
}
