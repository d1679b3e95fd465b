//! Maps a parsed OpenAPI 3.x or Swagger 2.0 document onto [`Inventory`].

use crate::resolve::Resolver;
use crate::{LoadOptions, SpecError};
use palisade_core::inventory::{RequestBody, ResponseSpec};
use palisade_core::{Endpoint, EndpointSource, Inventory, ParamLocation, Parameter, SecurityScheme};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Operation keys of a path item, in the order endpoints are listed.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Which family of document we are reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    OpenApi3,
    Swagger2,
}

/// Builds the inventory from a parsed document of `input_len` bytes.
pub(crate) fn build_inventory(doc: &Value, opts: &LoadOptions, input_len: usize) -> Result<Inventory, SpecError> {
    let root = doc.as_object().ok_or(SpecError::NotASpec)?;
    let (dialect, version) = detect_version(root)?;
    let paths = match root.get("paths") {
        None | Some(Value::Null) => None,
        Some(Value::Object(paths)) => Some(paths),
        Some(_) => return Err(SpecError::Invalid("`paths` must be an object".into())),
    };

    let mut reader = Reader {
        dialect,
        // A document that copies each of its strings once always fits; only `$ref` amplification is cut.
        resolver: Resolver::new(doc, opts.max_ref_depth, opts.max_nodes, opts.max_output_bytes.max(input_len.saturating_mul(2))),
        document_security: None,
        consumes: string_list(root.get("consumes")),
        produces: string_list(root.get("produces")),
    };
    reader.document_security = root.get("security").and_then(|s| reader.security_requirements(s));

    let mut endpoints = Vec::new();
    for (path, item) in paths.into_iter().flatten() {
        if path.starts_with("x-") {
            continue;
        }
        endpoints.extend(reader.path_item(path, item));
    }

    let security_schemes = match dialect {
        Dialect::OpenApi3 => reader.schemes_v3(root.get("components").and_then(|c| c.get("securitySchemes"))),
        Dialect::Swagger2 => reader.schemes_v2(root.get("securityDefinitions")),
    };
    let servers = match dialect {
        Dialect::OpenApi3 => servers_v3(root.get("servers")),
        Dialect::Swagger2 => servers_v2(root),
    };
    Ok(Inventory {
        endpoints,
        security_schemes,
        servers,
        spec_source: opts.source.clone(),
        spec_version: Some(version),
        title: root.get("info").and_then(|i| i.get("title")).and_then(Value::as_str).map(str::to_string),
        warnings: reader.resolver.warnings.into_vec(),
    })
}

fn detect_version(root: &Map<String, Value>) -> Result<(Dialect, String), SpecError> {
    if let Some(raw) = root.get("openapi") {
        let version = version_string("openapi", raw)?;
        return if version.starts_with("3.") {
            Ok((Dialect::OpenApi3, version))
        } else {
            Err(SpecError::UnsupportedVersion(format!("openapi {version}")))
        };
    }
    if let Some(raw) = root.get("swagger") {
        let version = version_string("swagger", raw)?;
        return if version == "2.0" || version.starts_with("2.") {
            Ok((Dialect::Swagger2, version))
        } else {
            Err(SpecError::UnsupportedVersion(format!("swagger {version}")))
        };
    }
    Err(SpecError::NotASpec)
}

/// The version as a string; an unquoted YAML `3.0` arrives as a number.
fn version_string(key: &str, raw: &Value) -> Result<String, SpecError> {
    let version = match raw {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return Err(SpecError::Invalid(format!("`{key}` must be a version string"))),
    };
    Ok(crate::parse::one_line(&version))
}

struct Reader<'a> {
    dialect: Dialect,
    resolver: Resolver<'a>,
    document_security: Option<Vec<Vec<String>>>,
    consumes: Vec<String>,
    produces: Vec<String>,
}

impl<'a> Reader<'a> {
    fn warn(&mut self, warning: String) {
        self.resolver.warnings.push(warning);
    }

    fn path_item(&mut self, path: &str, item: &'a Value) -> Vec<Endpoint> {
        let Some(item) = self.resolver.deref(item) else {
            return Vec::new();
        };
        let Some(item_map) = item.as_object() else {
            self.warn(format!("path item {path} is not an object; skipped"));
            return Vec::new();
        };
        let mut endpoints = Vec::new();
        for method in METHODS {
            let Some(operation) = item_map.get(*method) else {
                continue;
            };
            let Some(op) = operation.as_object() else {
                self.warn(format!("operation {} {path} is not an object; skipped", method.to_ascii_uppercase()));
                continue;
            };
            endpoints.push(self.operation(method, path, item_map.get("parameters"), op));
        }
        endpoints
    }

    fn operation(&mut self, method: &str, path: &str, path_params: Option<&'a Value>, op: &'a Map<String, Value>) -> Endpoint {
        let mut endpoint = Endpoint::discovered(method, path);
        endpoint.source = EndpointSource::Spec;
        endpoint.operation_id = text(op.get("operationId"));
        endpoint.summary = text(op.get("summary"));
        endpoint.description = text(op.get("description"));
        endpoint.tags = string_list(op.get("tags"));
        endpoint.deprecated = op.get("deprecated").and_then(Value::as_bool).unwrap_or(false);

        let operation_security = op.get("security").and_then(|s| self.security_requirements(s));
        let effective = operation_security.or_else(|| self.document_security.clone());
        endpoint.security_declared = effective.is_some();
        endpoint.security = effective.unwrap_or_default();

        let consumes = match op.get("consumes") {
            Some(list) => string_list(Some(list)),
            None => self.consumes.clone(),
        };
        let produces = match op.get("produces") {
            Some(list) => string_list(Some(list)),
            None => self.produces.clone(),
        };

        let params = self.merged_parameters(path_params, op.get("parameters"));
        let mut form_fields_required = None;
        for param in params {
            let location = param.get("in").and_then(Value::as_str).unwrap_or_default();
            match (self.dialect, location) {
                (Dialect::Swagger2, "body") => {
                    endpoint.request_body = Some(RequestBody {
                        required: param.get("required").and_then(Value::as_bool).unwrap_or(false),
                        content_types: if consumes.is_empty() { vec!["application/json".into()] } else { consumes.clone() },
                        schema: param.get("schema").map(|s| self.resolver.resolve_schema(s)),
                    });
                }
                (Dialect::Swagger2, "formData") => {
                    let required = param.get("required").and_then(Value::as_bool).unwrap_or(false);
                    let is_file = param.get("type").and_then(Value::as_str) == Some("file");
                    let entry = form_fields_required.get_or_insert((false, false));
                    entry.0 |= required;
                    entry.1 |= is_file;
                }
                _ => {
                    if let Some(parameter) = self.parameter(param, location) {
                        endpoint.parameters.push(parameter);
                    }
                }
            }
        }
        if let Some((required, has_file)) = form_fields_required {
            let form_types: Vec<String> = consumes.iter().filter(|c| is_form_media(c)).cloned().collect();
            let content_types = if !form_types.is_empty() {
                form_types
            } else if has_file {
                vec!["multipart/form-data".into()]
            } else {
                vec!["application/x-www-form-urlencoded".into()]
            };
            endpoint.request_body = Some(RequestBody { required, content_types, schema: None });
        }

        if self.dialect == Dialect::OpenApi3 {
            if let Some(body) = op.get("requestBody") {
                endpoint.request_body = self.request_body_v3(body);
            }
        }
        endpoint.responses = self.responses(op.get("responses"), &produces);
        endpoint
    }

    /// Path-level parameters overridden by operation-level ones with the same name and location.
    /// Linear: each (name, location) is looked up in a map, not in the list merged so far.
    fn merged_parameters(&mut self, path_level: Option<&'a Value>, op_level: Option<&'a Value>) -> Vec<&'a Value> {
        let mut merged: Vec<&'a Value> = Vec::new();
        let mut index: HashMap<(Option<&'a str>, Option<&'a str>), usize> = HashMap::new();
        for list in [path_level, op_level].into_iter().flatten() {
            let Some(items) = list.as_array() else {
                self.warn("`parameters` is not an array; ignored".into());
                continue;
            };
            for raw in items {
                let Some(param) = self.resolver.deref(raw) else {
                    continue;
                };
                match index.entry(param_key(param)) {
                    std::collections::hash_map::Entry::Occupied(at) => merged[*at.get()] = param,
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(merged.len());
                        merged.push(param);
                    }
                }
            }
        }
        merged
    }

    fn parameter(&mut self, param: &'a Value, location: &str) -> Option<Parameter> {
        let name = param.get("name").and_then(Value::as_str)?;
        let location = match location {
            "path" => ParamLocation::Path,
            "query" => ParamLocation::Query,
            "header" => ParamLocation::Header,
            "cookie" => ParamLocation::Cookie,
            other => {
                self.warn(format!("parameter {name} has unsupported location {other:?}; skipped"));
                return None;
            }
        };
        // Swagger 2 declares type/format inline; OpenAPI 3 under `schema` or `content`.
        let schema = match self.dialect {
            Dialect::Swagger2 => Some(param),
            Dialect::OpenApi3 => param.get("schema").or_else(|| first_media_schema(param.get("content"))).and_then(|s| self.resolver.deref(s)),
        };
        // Examples may sit behind a shared `$ref`: copied within the byte budget.
        let example = param
            .get("example")
            .or_else(|| self.first_example(param.get("examples")))
            .or_else(|| schema.and_then(|s| s.get("example")))
            .or_else(|| schema.and_then(|s| s.get("examples")).and_then(|e| e.as_array()?.first()))
            .or_else(|| param.get("x-example"))
            .or_else(|| schema.and_then(|s| s.get("default")));
        let example = self.resolver.copy_literal(example);
        Some(Parameter {
            name: name.to_string(),
            location,
            // Path parameters are always required, whatever the document says.
            required: location == ParamLocation::Path || param.get("required").and_then(Value::as_bool).unwrap_or(false),
            schema_type: schema.and_then(|s| schema_type(s.get("type"))),
            format: schema.and_then(|s| text(s.get("format"))),
            example,
        })
    }

    /// The value of the first OpenAPI 3 `examples` entry (an Example object, maybe a `$ref`).
    fn first_example(&mut self, examples: Option<&'a Value>) -> Option<&'a Value> {
        let first = examples?.as_object()?.values().next()?;
        self.resolver.deref(first)?.get("value")
    }

    fn request_body_v3(&mut self, body: &'a Value) -> Option<RequestBody> {
        let body = self.resolver.deref(body)?;
        let content = body.get("content").and_then(Value::as_object);
        Some(RequestBody {
            required: body.get("required").and_then(Value::as_bool).unwrap_or(false),
            content_types: content.map(|c| c.keys().cloned().collect()).unwrap_or_default(),
            schema: self.json_schema_of(content),
        })
    }

    /// Resolved schema of the first JSON-ish media type that has one.
    fn json_schema_of(&mut self, content: Option<&'a Map<String, Value>>) -> Option<Value> {
        let schema = content?.iter().filter(|(media, _)| is_json_media(media)).find_map(|(_, media)| media.get("schema"))?;
        Some(self.resolver.resolve_schema(schema))
    }

    fn responses(&mut self, responses: Option<&'a Value>, produces: &[String]) -> BTreeMap<String, ResponseSpec> {
        let mut out = BTreeMap::new();
        let Some(responses) = responses.and_then(Value::as_object) else {
            return out;
        };
        for (status, raw) in responses {
            if status.starts_with("x-") {
                continue;
            }
            let Some(response) = self.resolver.deref(raw) else {
                continue;
            };
            // Responses are commonly one shared `$ref`: copied within the byte budget.
            let description = self.resolver.copy_text(response.get("description"));
            let spec = match self.dialect {
                Dialect::OpenApi3 => {
                    let content = response.get("content").and_then(Value::as_object);
                    ResponseSpec {
                        description,
                        content_types: content.map(|c| c.keys().cloned().collect()).unwrap_or_default(),
                        schema: self.json_schema_of(content),
                    }
                }
                Dialect::Swagger2 => {
                    let schema = response.get("schema");
                    ResponseSpec {
                        description,
                        content_types: if schema.is_some() { produces.to_vec() } else { Vec::new() },
                        schema: schema.map(|s| self.resolver.resolve_schema(s)),
                    }
                }
            };
            out.insert(status.clone(), spec);
        }
        out
    }

    /// Security requirement list: outer = alternatives, inner = schemes required together.
    fn security_requirements(&mut self, value: &Value) -> Option<Vec<Vec<String>>> {
        let Some(items) = value.as_array() else {
            self.warn("`security` is not an array; ignored".into());
            return None;
        };
        Some(items.iter().filter_map(Value::as_object).map(|requirement| requirement.keys().cloned().collect()).collect())
    }

    fn schemes_v3(&mut self, schemes: Option<&'a Value>) -> BTreeMap<String, SecurityScheme> {
        let mut out = BTreeMap::new();
        for (name, raw) in schemes.and_then(Value::as_object).into_iter().flatten() {
            let Some(scheme) = self.resolver.deref(raw) else {
                continue;
            };
            let Some(kind) = text(scheme.get("type")) else {
                self.warn(format!("security scheme {name} has no type; skipped"));
                continue;
            };
            out.insert(
                name.clone(),
                SecurityScheme {
                    kind,
                    name: text(scheme.get("name")),
                    location: text(scheme.get("in")),
                    scheme: text(scheme.get("scheme")),
                    bearer_format: text(scheme.get("bearerFormat")),
                },
            );
        }
        out
    }

    fn schemes_v2(&mut self, definitions: Option<&'a Value>) -> BTreeMap<String, SecurityScheme> {
        let mut out = BTreeMap::new();
        for (name, scheme) in definitions.and_then(Value::as_object).into_iter().flatten() {
            let scheme = match text(scheme.get("type")).as_deref() {
                // Swagger 2 `basic` is OpenAPI 3 `http` with scheme `basic`.
                Some("basic") => {
                    SecurityScheme { kind: "http".into(), name: None, location: None, scheme: Some("basic".into()), bearer_format: None }
                }
                Some(kind) => SecurityScheme {
                    kind: kind.to_string(),
                    name: text(scheme.get("name")),
                    location: text(scheme.get("in")),
                    scheme: None,
                    bearer_format: None,
                },
                None => {
                    self.warn(format!("security definition {name} has no type; skipped"));
                    continue;
                }
            };
            out.insert(name.clone(), scheme);
        }
        out
    }
}

fn servers_v3(servers: Option<&Value>) -> Vec<String> {
    servers.and_then(Value::as_array).into_iter().flatten().filter_map(|server| text(server.get("url"))).collect()
}

/// `scheme://host/basePath` per declared scheme; without schemes, the
/// scheme-relative `//host/basePath` (Swagger 2 says: the scheme the spec was
/// fetched with); without host, just the base path.
fn servers_v2(root: &Map<String, Value>) -> Vec<String> {
    let base_path = text(root.get("basePath")).unwrap_or_default();
    let Some(host) = text(root.get("host")) else {
        return if base_path.is_empty() { Vec::new() } else { vec![base_path] };
    };
    let schemes = string_list(root.get("schemes"));
    if schemes.is_empty() {
        return vec![format!("//{host}{base_path}")];
    }
    schemes.iter().map(|scheme| format!("{scheme}://{host}{base_path}")).collect()
}

fn param_key(param: &Value) -> (Option<&str>, Option<&str>) {
    (param.get("name").and_then(Value::as_str), param.get("in").and_then(Value::as_str))
}

fn first_media_schema(content: Option<&Value>) -> Option<&Value> {
    content?.as_object()?.values().find_map(|media| media.get("schema"))
}

/// `type` may be a string or, in OpenAPI 3.1, a list such as `["string", "null"]`.
fn schema_type(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Array(types) => types.iter().filter_map(Value::as_str).find(|t| *t != "null").map(str::to_string),
        _ => None,
    }
}

fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_string)
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
}

/// `application/json`, `application/problem+json`, `text/json; charset=utf-8`, ...
fn is_json_media(media: &str) -> bool {
    let base = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    base.ends_with("/json") || base.ends_with("+json")
}

fn is_form_media(media: &str) -> bool {
    let base = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    base == "application/x-www-form-urlencoded" || base == "multipart/form-data"
}
