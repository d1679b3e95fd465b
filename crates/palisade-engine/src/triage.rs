//! Which operations a default scan may call, and how to fill their parameters.

use palisade_core::{Endpoint, ParamLocation, Parameter};

/// Words that say an operation changes state even when it is a GET.
const STATE_CHANGING_WORDS: &[&str] = &[
    "create", "reset", "delete", "remove", "drop", "init", "purge", "seed", "logout", "signout", "destroy", "revoke",
    "rotate", "disable", "enable", "activate", "deactivate", "truncate", "wipe", "flush", "shutdown", "restart",
    "reboot", "approve", "cancel", "unsubscribe", "import", "migrate", "execute", "run", "trigger", "send",
];

/// The reason an operation must not be called by a default scan, if any.
pub fn state_changing_reason(ep: &Endpoint) -> Option<String> {
    if !matches!(ep.method.as_str(), "GET" | "HEAD" | "OPTIONS") {
        return Some(format!("{} is not a read-only method", ep.method));
    }
    let mut texts: Vec<(&str, &str)> = vec![("path", ep.path.as_str())];
    if let Some(id) = &ep.operation_id {
        texts.push(("operationId", id));
    }
    if let Some(s) = &ep.summary {
        texts.push(("summary", s));
    }
    if let Some(d) = &ep.description {
        texts.push(("description", d));
    }
    for (field, text) in texts {
        for word in words(text) {
            if STATE_CHANGING_WORDS.contains(&word.as_str()) {
                return Some(format!("GET operation whose {field} says it changes state ('{word}')"));
            }
        }
    }
    None
}

/// Split `resetPassword`, `reset_password`, `/admin/reset-db` into lower-case words.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_lowercase();
            cur.extend(c.to_lowercase());
        } else {
            prev_lower = false;
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A plausible value for a parameter: the spec's example, else one by type.
pub fn sample_value(p: &Parameter) -> String {
    if let Some(ex) = &p.example {
        match ex {
            serde_json::Value::String(s) => return s.clone(),
            serde_json::Value::Number(n) => return n.to_string(),
            serde_json::Value::Bool(b) => return b.to_string(),
            _ => {}
        }
    }
    match (p.schema_type.as_deref(), p.format.as_deref()) {
        (_, Some("uuid")) => "00000000-0000-4000-8000-000000000001".into(),
        (_, Some("date")) => "2024-01-01".into(),
        (_, Some("date-time")) => "2024-01-01T00:00:00Z".into(),
        (_, Some("email")) => "user@example.com".into(),
        (Some("integer" | "number"), _) => "1".into(),
        (Some("boolean"), _) => "true".into(),
        _ => "1".into(),
    }
}

/// Fill an operation's path template and required query parameters.
/// Returns the path with query, relative to the base URL.
pub fn concrete_path(ep: &Endpoint) -> String {
    let mut path = ep.path.clone();
    for p in ep.parameters.iter().filter(|p| p.location == ParamLocation::Path) {
        path = path.replace(&format!("{{{}}}", p.name), &sample_value(p));
    }
    // Undeclared template variables still need a value.
    while let (Some(a), Some(b)) = (path.find('{'), path.find('}')) {
        if b < a {
            break;
        }
        path.replace_range(a..=b, "1");
    }
    let query: Vec<String> = ep
        .parameters
        .iter()
        .filter(|p| p.location == ParamLocation::Query && p.required)
        .map(|p| format!("{}={}", p.name, sample_value(p)))
        .collect();
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query.join("&"));
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gets_that_change_state_are_recognised() {
        let mut ep = Endpoint::discovered("GET", "/api/admin/reset-db");
        assert!(state_changing_reason(&ep).is_some());
        ep.path = "/api/v1/keys".into();
        assert!(state_changing_reason(&ep).is_none());
        ep.operation_id = Some("purgeCache".into());
        assert!(state_changing_reason(&ep).unwrap().contains("purge"));
        let post = Endpoint::discovered("POST", "/api/v1/keys");
        assert!(state_changing_reason(&post).is_some());
    }

    #[test]
    fn words_split_camel_and_snake_case() {
        assert_eq!(words("resetPassword_now/x-y"), ["reset", "password", "now", "x", "y"]);
        // "running" is not "run": whole words only.
        assert!(state_changing_reason(&Endpoint::discovered("GET", "/jobs/running")).is_none());
    }

    #[test]
    fn templates_are_filled() {
        let mut ep = Endpoint::discovered("GET", "/users/{id}/keys/{kid}");
        ep.parameters.push(Parameter {
            name: "id".into(),
            location: ParamLocation::Path,
            required: true,
            schema_type: Some("integer".into()),
            format: None,
            example: None,
        });
        assert_eq!(concrete_path(&ep), "/users/1/keys/1");
    }
}
