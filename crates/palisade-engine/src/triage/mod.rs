//! Which operations a default scan may call, and how to fill their parameters.
//!
//! # Why GET triage reads words
//!
//! A GET is supposed to be safe, and many are not: `GET /createdb` ("Creates
//! and populates the database with dummy data") wiped a target's database
//! because the old triage matched whole words against a short list. Triage now
//! reads every field an operation has (path, operationId, summary, description,
//! tags) the way a person skimming the spec would, and skips the operation if
//! any of them says it changes state. A skipped operation costs a little
//! coverage; a wrong call can cost someone their data, so **when in doubt,
//! skip**, and say why in the report.
//!
//! The rules:
//!
//! * **Stems, not words.** Each verb in [`vocab`] is listed once in its base
//!   form; its inflections are generated with English spelling rules (e-drop,
//!   consonant doubling, y → ies/ied, irregulars) and derived nouns are listed.
//!   So `creates`, `created`, `creating` and `creation` are all `create`, and
//!   `runes` is not `run`.
//! * **Compounds need an object.** `createdb`, `dbinit`, `flushall`,
//!   `resetpassword` are a verb glued to a word from a small object dictionary
//!   (db, data, all, password, cache, ...). A verb glued to anything else is
//!   some other word: `runtime`, `sendgrid`, `dropbox`, `payouts`, `settings`.
//! * **Nouns that look like verbs.** Many verbs are also nouns (`run`, `import`,
//!   `sync`, `checkout`) or adjectives (`clear`, `empty`). A stem counts only
//!   where it acts as a verb:
//!   - in a path, as the *action segment*: the last static segment, possibly
//!     followed by `{param}`s, in base form (`/admin/sync`, `/import/{id}`,
//!     `/cache/clear`). Plurals, -ing and past forms there are resources or
//!     states (`/runs`, `/jobs/running`, `/messages/sent`, `/migrations`). A
//!     middle segment is usually a namespace (`/checkout/sessions`,
//!     `/sync/status`) and counts only as a compound (`/admin/reset-db/...`) or
//!     a verb that is never a noun (`/delete/...`). Mostly-noun verbs (`post`,
//!     `set`, `block`) count only as a sub-action after an id
//!     (`/users/{id}/block`). File names (`backup.zip`) are not actions; script
//!     names are (`/install.php`). Dotted RPC methods (`chat.postMessage`) are
//!     read like operationIds.
//!   - in an operationId, as the leading word after any module prefix
//!     (`api_views.main.populate_db` → `populate`), or as a Django-REST style
//!     trailing action (`runs_create`, `jobs_run`) when the leading word is not
//!     a read verb. A noun-like verb followed by a noun of its own
//!     (`importStatus`, `runHistory`) is a noun phrase.
//!   - in prose, as the leading verb of a sentence or clause after filler ("This
//!     endpoint will ..."), in base or third-person form. Noun-like verbs need
//!     an object, a determiner or nothing after them ("Run the job", "Sync now",
//!     but not "Run history", "Stop words"). Anywhere in prose, a few phrases
//!     ("dummy data", "cannot be undone", "side effects", "drops the") and
//!     third-person forms that are not also plural nouns ("wipes", "creates",
//!     not "runs", "charges") count too, as does the passive of a destructive
//!     verb ("all data will be deleted"), unless negated ("no side effects").
//!   - in a tag, only a compound or a never-noun verb (`db-init`), since a tag
//!     names a group of operations rather than this one.
//! * **Reads stay reads.** Unknown verbs are allowed. An operation whose action
//!   is a read verb (get, list, export, status, health, ...) is not skipped on
//!   a *weak* signal from another field: a tag, or a non-destructive verb in the
//!   middle of the description ("... removes internal fields"), since those
//!   usually describe the group or a detail. A strong signal wins over a read
//!   verb anywhere (`GET /users/{id}/delete` with operationId `getUser` is
//!   skipped): a path, an operationId or a summary that says "delete" is rarely
//!   wrong about it, and the cost of believing the read verb instead is data.
//!
//! Every field is read only up to a bound (a few KiB of description, 64 words
//! a sentence), so triage takes bounded time on any spec.

mod fields;
mod lexicon;
// Word tables read best packed, not one word a line.
#[rustfmt::skip]
mod vocab;

use palisade_core::{Endpoint, ParamLocation, Parameter};
use std::fmt;

/// The field of an operation a triage verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Method,
    Path,
    OperationId,
    Summary,
    Description,
    Tag,
}

impl Field {
    /// The field's name as the OpenAPI document spells it (`operationId`).
    pub fn name(self) -> &'static str {
        match self {
            Field::Method => "method",
            Field::Path => "path",
            Field::OperationId => "operationId",
            Field::Summary => "summary",
            Field::Description => "description",
            Field::Tag => "tag",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why triage judged an operation state-changing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The field that says so.
    pub field: Field,
    /// The word or phrase in that field, as written there (lower-cased).
    pub word: String,
    /// A sentence for the report naming the field and the word.
    pub reason: String,
}

/// Whether an operation changes state, and why; `None` when a default scan may call it.
pub fn judge(ep: &Endpoint) -> Option<Verdict> {
    if !["GET", "HEAD", "OPTIONS"].iter().any(|m| ep.method.eq_ignore_ascii_case(m)) {
        return Some(Verdict { field: Field::Method, word: ep.method.clone(), reason: format!("{} is not a read-only method", ep.method) });
    }
    let method = ep.method.as_str();
    let mut reading = fields::Reading::default();
    fields::path(method, &ep.path, &mut reading);
    if let Some(id) = &ep.operation_id {
        fields::operation_id(method, id, &mut reading);
    }
    if let Some(summary) = &ep.summary {
        fields::prose(method, Field::Summary, summary, &mut reading);
    }
    if let Some(description) = &ep.description {
        fields::prose(method, Field::Description, description, &mut reading);
    }
    fields::tags(method, &ep.tags, &mut reading);
    // Skip on any strong signal, or on a weak one when nothing says the
    // operation reads. Report the first field's signal unless a read verb
    // competes, in which case only a strong one explains the skip.
    let signals = reading.signals;
    let pick = if reading.read { signals.iter().position(|s| s.strong)? } else { 0 };
    let s = signals.into_iter().nth(pick)?;
    Some(Verdict { field: s.field, word: s.word, reason: s.reason })
}

/// The reason an operation must not be called by a default scan, if any.
pub fn state_changing_reason(ep: &Endpoint) -> Option<String> {
    judge(ep).map(|v| v.reason)
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
        assert_eq!(judge(&post).unwrap().field, Field::Method);
        assert_eq!(judge(&post).unwrap().reason, "POST is not a read-only method");
    }

    #[test]
    fn words_split_camel_and_snake_case() {
        assert_eq!(words("resetPassword_now/x-y"), ["reset", "password", "now", "x", "y"]);
        // "running" is a state of the jobs, not an order to run them.
        assert!(state_changing_reason(&Endpoint::discovered("GET", "/jobs/running")).is_none());
    }

    #[test]
    fn the_vampi_createdb_operation_is_skipped_for_its_path() {
        let mut ep = Endpoint::discovered("GET", "/createdb");
        ep.operation_id = Some("api_views.main.populate_db".into());
        ep.summary = Some("Creates and populates the database with dummy data".into());
        ep.tags = vec!["db-init".into()];
        let v = judge(&ep).unwrap();
        assert_eq!(v.field, Field::Path);
        assert_eq!(v.word, "createdb");
        assert_eq!(v.reason, "GET operation whose path segment 'createdb' reads as the verb 'create' (compound 'create'+'db')");
        // Each field alone is enough.
        let mut only = Endpoint::discovered("GET", "/api/v1/thing");
        only.operation_id = ep.operation_id.clone();
        assert_eq!(judge(&only).unwrap().field, Field::OperationId);
        only.operation_id = None;
        only.summary = ep.summary.clone();
        let v = judge(&only).unwrap();
        assert_eq!((v.field, v.reason.as_str()), (Field::Summary, "GET operation whose summary starts with the verb 'creates'"));
        only.summary = None;
        only.tags = ep.tags.clone();
        assert_eq!(judge(&only).unwrap().field, Field::Tag);
    }

    #[test]
    fn weak_signals_give_way_to_a_read_verb() {
        let mut ep = Endpoint::discovered("GET", "/users/{id}");
        ep.description = Some("The record is cached; the handler removes internal fields.".into());
        assert_eq!(judge(&ep).unwrap().field, Field::Description);
        ep.operation_id = Some("getUser".into());
        assert!(judge(&ep).is_none());
        ep.description = Some("Returns the user. Wipes the session cache as a side effect.".into());
        assert_eq!(judge(&ep).unwrap().field, Field::Description);
        ep.description = Some("Returns the user. No side effects.".into());
        assert!(judge(&ep).is_none());
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
