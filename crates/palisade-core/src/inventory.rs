//! The endpoint inventory every check shares: our own small model of an API,
//! filled from an OpenAPI/Swagger document or from discovery.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    /// JSON-schema type (`string`, `integer`, ...), when declared.
    pub schema_type: Option<String>,
    /// JSON-schema format (`uuid`, `uri`, `int64`, ...), when declared.
    pub format: Option<String>,
    /// An example or default value from the spec, if any.
    pub example: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointSource {
    /// Declared in an OpenAPI/Swagger document.
    Spec,
    /// Found by probing or following links.
    Discovered,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestBody {
    pub required: bool,
    pub content_types: Vec<String>,
    /// Resolved JSON schema of the first JSON-ish content type, if any.
    pub schema: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseSpec {
    pub description: Option<String>,
    pub content_types: Vec<String>,
    pub schema: Option<serde_json::Value>,
}

/// One operation: a method on a path template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template relative to the base URL, e.g. `/api/v1/keys/{key_id}`.
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    /// Keyed by status code (`200`, `4XX`, `default`).
    pub responses: BTreeMap<String, ResponseSpec>,
    /// Effective security requirements (operation-level, else document-level).
    /// Outer list: alternatives; inner list: schemes required together.
    /// Empty outer list means the operation is declared public.
    pub security: Vec<Vec<String>>,
    /// Whether the spec said anything about security for this operation
    /// (at operation or document level). False for discovered endpoints.
    pub security_declared: bool,
    pub deprecated: bool,
    pub source: EndpointSource,
}

impl Endpoint {
    /// A discovered endpoint with nothing but a method and a path.
    pub fn discovered(method: &str, path: &str) -> Self {
        Endpoint {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            operation_id: None,
            summary: None,
            description: None,
            tags: Vec::new(),
            parameters: Vec::new(),
            request_body: None,
            responses: BTreeMap::new(),
            security: Vec::new(),
            security_declared: false,
            deprecated: false,
            source: EndpointSource::Discovered,
        }
    }

    /// `GET /api/v1/keys`
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// True when the spec requires some credential for this operation.
    pub fn requires_auth(&self) -> bool {
        self.security_declared && !self.security.is_empty() && self.security.iter().all(|alt| !alt.is_empty())
    }

    pub fn has_path_params(&self) -> bool {
        self.path.contains('{')
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityScheme {
    /// `apiKey`, `http`, `oauth2`, `openIdConnect`, `mutualTLS`.
    pub kind: String,
    /// For apiKey: the header/query/cookie name.
    pub name: Option<String>,
    /// For apiKey: `header`, `query` or `cookie`.
    pub location: Option<String>,
    /// For http: `basic`, `bearer`, ...
    pub scheme: Option<String>,
    pub bearer_format: Option<String>,
}

/// What we know about the API under test.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub endpoints: Vec<Endpoint>,
    pub security_schemes: BTreeMap<String, SecurityScheme>,
    /// `servers[].url` (or Swagger 2 host/basePath) as declared.
    pub servers: Vec<String>,
    /// Where the spec came from (file path or URL), if one was used.
    pub spec_source: Option<String>,
    /// `openapi`/`swagger` version string of the document.
    pub spec_version: Option<String>,
    pub title: Option<String>,
    /// Non-fatal problems met while loading (unresolved refs, cycles, ...).
    pub warnings: Vec<String>,
}
