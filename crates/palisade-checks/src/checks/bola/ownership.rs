//! Who owns what, learned from answers alone (BO002's model).
//!
//! APIs say who owns an object in many ways, and none can be assumed:
//! * an owner-like field (`owner`, `user_id`, `created_by`, nested
//!   `user.id` …) equal to a value that describes the identity (its "self":
//!   JWT claims, the answer of `/me`-like endpoints);
//! * the object *is* the identity's self (an account addressed by the uuid
//!   `/whoami` returned);
//! * the object is in the identity's list and not in the other identities'
//!   lists of the same endpoint.
//!
//! Objects are harvested from every JSON answer: list items, nested
//! objects, and same-origin links (`"self": "/orders/ord_7Hq2"`, redirect
//! targets). A path parameter is filled from a field with a matching name
//! (`book_title` fills `{book_title}`; `uuid` under `account` fills
//! `{account_uuid}`; a generic `id` fills `{note_id}` only for items of the
//! `…/notes` answer), never from spec examples alone.

use palisade_core::{Endpoint, ParamLocation};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Objects taken from one answer.
pub const MAX_OBJECTS_PER_ANSWER: usize = 200;
/// How deep an answer is walked.
const MAX_DEPTH: usize = 8;
/// Longest scalar value kept (longer strings are text, not ids).
const MAX_VALUE_LEN: usize = 200;

/// Field names (normalised by [`norm`]) that say who owns an object.
const OWNER_FIELDS: &[&str] = &[
    "owner",
    "ownerid",
    "ownername",
    "owneremail",
    "user",
    "userid",
    "username",
    "useremail",
    "uid",
    "accountid",
    "account",
    "createdby",
    "createdbyid",
    "author",
    "authorid",
    "tenant",
    "tenantid",
    "customer",
    "customerid",
    "member",
    "memberid",
    "login",
    "email",
    "sub",
    "profileid",
];

/// Field names that describe an identity in its self answer or its token.
const SELF_FIELDS: &[&str] = &[
    "id",
    "uuid",
    "guid",
    "sub",
    "uid",
    "username",
    "user",
    "userid",
    "login",
    "email",
    "accountid",
    "accountuuid",
    "customerid",
    "memberid",
    "profileid",
    "handle",
    "preferredusername",
];

/// Field names that identify an object but say nothing of its kind: they
/// fill a parameter only for items of the answer the parameter's path lists.
const GENERIC_FIELDS: &[&str] = &["id", "uuid", "guid", "key", "slug", "ref", "reference", "name", "title", "code", "number", "handle"];

pub use crate::checks::support::norm;

/// A scalar as text, if it can be an id or an owner value.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() && s.len() <= MAX_VALUE_LEN => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One object found in an answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object {
    /// Scalar fields as (normalised name, value); a nested object's fields
    /// also appear under the parent's name (`account` + `uuid` → `accountuuid`).
    pub fields: Vec<(String, String)>,
    /// Values of owner-like fields, nested ones included (`user: {id: 42}` → `42`).
    pub owner_values: Vec<String>,
    /// Same-origin paths the object links to.
    pub links: Vec<String>,
}

impl Object {
    pub fn value_of(&self, field: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == field).map(|(_, v)| v.as_str())
    }
}

/// Every object in `answer`, outermost first, at most [`MAX_OBJECTS_PER_ANSWER`].
pub fn objects(answer: &Value) -> Vec<Object> {
    let mut out = Vec::new();
    walk(answer, 0, &mut out);
    out
}

fn walk(v: &Value, depth: usize, out: &mut Vec<Object>) {
    if depth > MAX_DEPTH || out.len() >= MAX_OBJECTS_PER_ANSWER {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| walk(i, depth + 1, out)),
        Value::Object(map) => {
            let object = describe(map);
            if !object.fields.is_empty() || !object.links.is_empty() {
                out.push(object);
            }
            map.values().filter(|c| c.is_array() || c.is_object()).for_each(|c| walk(c, depth + 1, out));
        }
        _ => {}
    }
}

/// The object's own fields, its owner values and links (one level of nesting).
fn describe(map: &Map<String, Value>) -> Object {
    let mut o = Object::default();
    for (key, value) in map {
        let k = norm(key);
        if let Some(text) = scalar(value) {
            if let Some(path) = link_path(&text) {
                o.links.push(path);
            } else {
                if OWNER_FIELDS.contains(&k.as_str()) {
                    o.owner_values.push(text.clone());
                }
                o.fields.push((k, text));
            }
        } else if let Value::Object(child) = value {
            let owner_like = OWNER_FIELDS.contains(&k.as_str());
            for (ck, cv) in child {
                let Some(text) = scalar(cv) else { continue };
                if let Some(path) = link_path(&text) {
                    o.links.push(path);
                    continue;
                }
                let ck = norm(ck);
                if owner_like && SELF_FIELDS.contains(&ck.as_str()) {
                    o.owner_values.push(text.clone());
                }
                o.fields.push((format!("{k}{ck}"), text));
            }
        }
    }
    o
}

/// `text` as an origin-relative path when it is a same-origin link
/// (`/orders/7`, or an `http(s)://` URL whose path is taken; the scope guard
/// still decides whether it is sent).
pub fn link_path(text: &str) -> Option<String> {
    let path = if let Some(rest) = text.strip_prefix("http://").or_else(|| text.strip_prefix("https://")) { &rest[rest.find('/')?..] } else { text };
    let plain = path.starts_with('/') && !path.starts_with("//") && path.len() > 1 && !path.contains(char::is_whitespace);
    (plain && path.len() <= MAX_VALUE_LEN).then(|| path.to_string())
}

/// Values that describe one identity.
#[derive(Clone, Debug, Default)]
pub struct SelfValues {
    values: BTreeSet<String>,
}

impl SelfValues {
    /// From JWT claims or a self answer: the self-describing fields, top
    /// level and one level down (`{"account": {"uuid": …}}`, `{"user": {…}}`).
    pub fn learn(&mut self, answer: &Value) {
        let Value::Object(map) = answer else { return };
        for (key, value) in map {
            let k = norm(key);
            match value {
                Value::Object(child) => {
                    for (ck, cv) in child {
                        let ck = norm(ck);
                        if SELF_FIELDS.contains(&ck.as_str()) || SELF_FIELDS.contains(&format!("{k}{ck}").as_str()) {
                            self.values.extend(scalar(cv));
                        }
                    }
                }
                _ if SELF_FIELDS.contains(&k.as_str()) => self.values.extend(scalar(value)),
                _ => {}
            }
        }
    }

    pub fn contains(&self, value: &str) -> bool {
        self.values.contains(value)
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.values.iter()
    }

    /// Drop values another identity shares (a tenant id, a role name): they
    /// tell nobody apart.
    pub fn without(&mut self, shared: &BTreeSet<String>) {
        self.values.retain(|v| !shared.contains(v));
    }
}

/// The identity owning `object` by its owner fields or by being its self:
/// the one identity whose self values match, if exactly one does.
pub fn owner_of<'a>(object: &Object, selves: &'a BTreeMap<String, SelfValues>) -> Option<(&'a str, String)> {
    let by_field: Vec<(&str, &String)> =
        selves.iter().filter_map(|(name, s)| object.owner_values.iter().find(|v| s.contains(v)).map(|v| (name.as_str(), v))).collect();
    if let [(name, value)] = by_field[..] {
        return Some((name, format!("owner field = {value}")));
    }
    if !by_field.is_empty() {
        return None;
    }
    // The object is the identity itself: its id-like fields are self values.
    let by_self: Vec<(&str, &String)> = selves
        .iter()
        .filter_map(|(name, s)| {
            object
                .fields
                .iter()
                .filter(|(k, _)| SELF_FIELDS.contains(&k.as_str()) || k.ends_with("uuid"))
                .map(|(_, v)| v)
                .find(|v| s.contains(v))
                .map(|v| (name.as_str(), v))
        })
        .collect();
    match by_self[..] {
        [(name, value)] => Some((name, format!("the identity's own id {value}"))),
        _ => None,
    }
}

/// Whether `field` (normalised) of an item found in the answer to
/// `source_path` may fill path parameter `param` of `template`.
pub fn fills(param: &str, field: &str, template: &str, source_path: &str) -> bool {
    let p = norm(param);
    if p == field && !GENERIC_FIELDS.contains(&field) {
        return true;
    }
    // `{account_uuid}` from a nested `account.uuid`, `{bookTitle}` from `book_title`.
    if !GENERIC_FIELDS.contains(&field) && field.len() >= 4 && p.ends_with(field) && p.len() - field.len() <= 12 {
        return true;
    }
    if !GENERIC_FIELDS.contains(&field) {
        return false;
    }
    // A generic field: the item must come from the collection the parameter
    // addresses (`/api/notes` items fill `/api/notes/{note_id}`), and the
    // parameter must name that kind of field (`note_id`, `id`, `noteRef` ← `ref`).
    let collection = template.split_once(&format!("{{{param}}}")).map_or("", |(before, _)| before).trim_end_matches('/');
    let same_collection = !collection.is_empty() && source_path.trim_end_matches('/') == collection;
    let kind = collection.rsplit('/').next().map(norm).unwrap_or_default();
    let singular = kind.strip_suffix('s').unwrap_or(&kind);
    let named_like = p == field || p == format!("{singular}{field}") || p == format!("{kind}{field}") || (field == "id" && p.ends_with("id"));
    same_collection && named_like
}

/// The path parameters of `ep` (declared ones, else the `{…}` in its path).
pub fn path_params(ep: &Endpoint) -> Vec<String> {
    let declared: Vec<String> = ep.parameters.iter().filter(|p| p.location == ParamLocation::Path).map(|p| p.name.clone()).collect();
    let mut names: Vec<String> = Vec::new();
    let mut rest = ep.path.as_str();
    while let Some(a) = rest.find('{') {
        let Some(b) = rest[a..].find('}') else { break };
        names.push(rest[a + 1..a + b].to_string());
        rest = &rest[a + b + 1..];
    }
    names.retain(|n| declared.is_empty() || declared.contains(n));
    names
}

/// `template` with every parameter replaced (values percent-encoded as one
/// path segment).
pub fn fill(template: &str, values: &BTreeMap<String, String>) -> String {
    let mut path = template.to_string();
    for (name, value) in values {
        let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>().replace('+', "%20");
        path = path.replace(&format!("{{{name}}}"), &encoded);
    }
    path
}

/// Whether a 2xx answer is still a refusal or nothing: an error envelope
/// (`{"status":"fail"}`, `{"success":false}`, `{"error":…}` alone), an
/// empty object or list, or a short "not found"/"denied" text.
pub fn is_empty_or_refusal(body: &[u8]) -> bool {
    let trimmed = body.trim_ascii();
    if trimmed.is_empty() {
        return true;
    }
    match serde_json::from_slice::<Value>(trimmed) {
        Ok(Value::Object(m)) => {
            if m.is_empty() {
                return true;
            }
            let word = |k: &str| m.get(k).and_then(Value::as_str).map(str::to_ascii_lowercase);
            let failed = ["status", "result", "outcome"].iter().filter_map(|k| word(k)).any(|w| {
                matches!(
                    w.as_str(),
                    "fail" | "failed" | "failure" | "error" | "denied" | "forbidden" | "unauthorized" | "unauthorised" | "not_found" | "notfound"
                )
            });
            let negative = ["success", "ok"].iter().any(|k| m.get(*k) == Some(&Value::Bool(false)));
            let only_error = (m.contains_key("error") || m.contains_key("errors")) && m.len() <= 3;
            let empty_data = m.get("data").is_some_and(|d| d.is_null() || d.as_array().is_some_and(Vec::is_empty)) && m.len() <= 2;
            failed || negative || only_error || empty_data
        }
        Ok(Value::Array(a)) => a.is_empty(),
        Ok(Value::Null) => true,
        Ok(_) => false,
        Err(_) => {
            let text = String::from_utf8_lossy(trimmed).to_ascii_lowercase();
            text.len() < 400 && ["not found", "forbidden", "denied", "unauthorized", "not allowed", "no permission"].iter().any(|w| text.contains(w))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn selves(pairs: &[(&str, Value)]) -> BTreeMap<String, SelfValues> {
        pairs
            .iter()
            .map(|(n, v)| {
                let mut s = SelfValues::default();
                s.learn(v);
                (n.to_string(), s)
            })
            .collect()
    }

    #[test]
    fn owner_fields_nested_objects_and_links_are_harvested() {
        let answer = json!({"data": {"items": [
            {"links": {"self": "/orders/ord_7Hq2"}, "customer": {"id": 42}, "total": 10},
            {"book_title": "t1", "owner": "alice", "href": "https://api.example/books/t1"}
        ]}});
        let objs = objects(&answer);
        let order = objs.iter().find(|o| o.value_of("customerid") == Some("42")).unwrap();
        assert_eq!(order.owner_values, vec!["42"]);
        assert_eq!(order.links, vec!["/orders/ord_7Hq2"]);
        let book = objs.iter().find(|o| o.value_of("booktitle") == Some("t1")).unwrap();
        assert_eq!(book.owner_values, vec!["alice"]);
        assert_eq!(book.links, vec!["/books/t1"]);
    }

    #[test]
    fn the_owner_is_the_one_identity_whose_self_matches() {
        let s = selves(&[("alice", json!({"sub": "alice", "uid": 7})), ("bob", json!({"user": {"id": 42, "username": "bob"}}))]);
        let of = |v: Value| objects(&v).into_iter().next().and_then(|o| owner_of(&o, &s).map(|(n, _)| n.to_string()));
        assert_eq!(of(json!({"book_title": "x", "owner": "alice"})), Some("alice".into()));
        assert_eq!(of(json!({"id": 9, "customer": {"id": 42}})), Some("bob".into()));
        assert_eq!(of(json!({"id": 9, "owner": "carol"})), None);
        // The self object itself, addressed by its uuid.
        let s = selves(&[("alice", json!({"account": {"uuid": "u-a"}})), ("bob", json!({"account": {"uuid": "u-b"}}))]);
        let o = objects(&json!({"uuid": "u-b", "plan": "pro"})).remove(0);
        assert_eq!(owner_of(&o, &s).map(|(n, _)| n), Some("bob"));
    }

    #[test]
    fn parameters_are_filled_by_name_not_by_position() {
        assert!(fills("book_title", "booktitle", "/books/v1/{book_title}", "/books/v1"));
        assert!(fills("account_uuid", "accountuuid", "/v2/accounts/{account_uuid}", "/v2/whoami"));
        assert!(fills("note_id", "id", "/api/notes/{note_id}", "/api/notes"));
        assert!(!fills("note_id", "id", "/api/notes/{note_id}", "/api/users"), "a generic id from another collection");
        assert!(!fills("user_id", "orderid", "/users/{user_id}", "/orders"));
        assert!(fills("orderRef", "ref", "/orders/{orderRef}", "/orders"));
    }

    #[test]
    fn refusals_with_200_are_not_objects() {
        for body in [
            &br#"{"status":"fail","message":"not yours"}"#[..],
            b"{}",
            b"[]",
            br#"{"success": false}"#,
            br#"{"error":"forbidden"}"#,
            b"Access denied",
            b"",
        ] {
            assert!(is_empty_or_refusal(body), "{}", String::from_utf8_lossy(body));
        }
        for body in [&br#"{"book_title":"t","owner":"alice","secret":"s"}"#[..], br#"{"status":"active","id":3}"#, br#"[{"id":1}]"#] {
            assert!(!is_empty_or_refusal(body), "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn templates_are_filled_with_encoded_values() {
        let values = BTreeMap::from([("book_title".to_string(), "my book/1".to_string())]);
        assert_eq!(fill("/books/v1/{book_title}", &values), "/books/v1/my%20book%2F1");
    }
}
