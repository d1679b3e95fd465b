//! Properties of GET triage over generated names and arbitrary input.

use palisade_core::Endpoint;
use palisade_engine::triage::{judge, Field};
use proptest::prelude::*;
use std::time::{Duration, Instant};

/// Read actions: never a reason to skip.
const READ_VERBS: &[&str] = &[
    "get", "list", "search", "find", "show", "export", "download", "read", "retrieve", "fetch", "view", "describe", "query", "count", "lookup",
    "preview", "browse",
];

/// Resources, including ones spelled like verb forms.
const NOUNS: &[&str] = &[
    "users",
    "runs",
    "imports",
    "jobs",
    "settings",
    "payments",
    "payouts",
    "charges",
    "sessions",
    "tokens",
    "db",
    "database",
    "cache",
    "notifications",
    "migrations",
    "triggers",
    "locks",
    "reports",
    "orders",
    "keys",
    "data",
    "runtime",
    "builds",
    "deployments",
    "events",
    "invoices",
    "subscriptions",
    "refunds",
    "transfers",
    "updates",
    "backups",
    "commits",
    "messages",
    "logs",
    "metrics",
    "schedule",
    "archive",
    "posts",
    "resets",
    "installations",
];

/// Base forms that are actions as the last path segment.
const UNSAFE_STEMS: &[&str] = &[
    "create",
    "populate",
    "initialize",
    "init",
    "initdb",
    "seed",
    "setup",
    "install",
    "migrate",
    "reset",
    "restore",
    "clear",
    "empty",
    "rebuild",
    "reindex",
    "sync",
    "synchronize",
    "import",
    "generate",
    "send",
    "notify",
    "charge",
    "pay",
    "checkout",
    "logout",
    "signout",
    "unsubscribe",
    "approve",
    "cancel",
    "toggle",
    "lock",
    "unlock",
    "ban",
    "kill",
    "exec",
    "execute",
    "run",
    "trigger",
    "refresh",
    "delete",
    "remove",
    "drop",
    "purge",
    "destroy",
    "revoke",
    "rotate",
    "disable",
    "enable",
    "activate",
    "deactivate",
    "truncate",
    "wipe",
    "flush",
    "shutdown",
    "restart",
    "reboot",
    "update",
    "modify",
    "save",
    "write",
    "add",
    "insert",
    "upsert",
    "assign",
    "grant",
    "transfer",
    "withdraw",
    "refund",
    "purchase",
    "buy",
    "upgrade",
    "downgrade",
    "start",
    "stop",
    "pause",
    "resume",
    "retry",
    "rerun",
    "replay",
    "accept",
    "reject",
    "confirm",
    "verify",
    "invite",
    "subscribe",
    "follow",
    "unfollow",
    "vote",
    "close",
    "submit",
    "publish",
    "deploy",
    "provision",
    "suspend",
    "terminate",
    "regenerate",
    "recreate",
    "resend",
    "evaluate",
    "eval",
    "unblock",
    "unban",
    "uninstall",
];

/// Base forms that are mostly nouns: actions only right after an id.
const MOSTLY_NOUN_STEMS: &[&str] = &["post", "set", "mark", "block", "archive", "complete", "void", "star", "pin"];

/// Objects that make compounds, and nouns that make noun phrases.
const OBJECT_AND_HEAD_WORDS: &[&str] = &["now", "all", "password", "db", "cache", "status", "history"];

/// Path segments that name nothing.
const SAFE_PREFIX: &[&str] = &["api", "v1", "v2", "admin", "internal", "users", "{id}", "jobs", "{job_id}", "accounts", "items"];

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(list)
}

fn capitalised(w: &str) -> String {
    let mut c = w.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// The same words as camelCase, PascalCase, snake_case and kebab-case.
fn spellings(ws: &[&str]) -> [String; 4] {
    let camel = ws.iter().enumerate().map(|(i, w)| if i == 0 { w.to_string() } else { capitalised(w) }).collect();
    let pascal = ws.iter().map(|w| capitalised(w)).collect();
    [camel, pascal, ws.join("_"), ws.join("-")]
}

fn get(path: &str) -> Endpoint {
    Endpoint::discovered("GET", path)
}

fn verdict_of(ep: &Endpoint) -> Option<Field> {
    judge(ep).map(|v| v.field)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn reads_are_never_skipped(
        read in pick(READ_VERBS),
        noun in pick(NOUNS),
        prefix in prop::collection::vec(pick(SAFE_PREFIX), 0..3),
        shape in 0..3usize,
    ) {
        let prefix: String = prefix.iter().map(|s| format!("/{s}")).collect();
        for spelled in spellings(&[read, noun]) {
            let path = match shape {
                0 => format!("{prefix}/{spelled}"),
                1 => format!("{prefix}/{noun}/{read}"),
                _ => format!("{prefix}/{noun}/{{id}}/{read}"),
            };
            let mut ep = get(&path);
            ep.operation_id = Some(spelled.clone());
            ep.summary = Some(format!("{} {noun}", capitalised(read)));
            prop_assert!(judge(&ep).is_none(), "{path} / {spelled}: {:?}", judge(&ep));
            // Each field alone, too.
            let mut op = get("/api/v1/things");
            op.operation_id = Some(spelled.clone());
            prop_assert!(judge(&op).is_none(), "operationId {spelled}: {:?}", judge(&op));
            prop_assert!(judge(&get(&path)).is_none(), "{path}: {:?}", judge(&get(&path)));
        }
    }

    #[test]
    fn an_unsafe_stem_closing_the_path_is_skipped(
        stem in pick(UNSAFE_STEMS),
        prefix in prop::collection::vec(pick(SAFE_PREFIX), 0..4),
        trailing_param in any::<bool>(),
    ) {
        let mut path: String = prefix.iter().map(|s| format!("/{s}")).collect();
        path.push('/');
        path.push_str(stem);
        if trailing_param {
            path.push_str("/{id}");
        }
        let v = judge(&get(&path));
        prop_assert!(v.as_ref().is_some_and(|v| v.field == Field::Path && v.reason.contains("path")), "{path}: {v:?}");
    }

    #[test]
    fn a_mostly_noun_stem_right_after_an_id_is_skipped(stem in pick(MOSTLY_NOUN_STEMS), prefix in pick(SAFE_PREFIX)) {
        let path = format!("/{prefix}/{{id}}/{stem}");
        prop_assert_eq!(verdict_of(&get(&path)), Some(Field::Path), "{}", path);
        // Alone, or before an id, it is a resource.
        let resource = format!("/{prefix}/{stem}/{{id}}");
        prop_assert_eq!(verdict_of(&get(&resource)), None, "{}", resource);
    }

    #[test]
    fn spelling_does_not_change_the_verdict(
        first in prop_oneof![pick(UNSAFE_STEMS), pick(READ_VERBS), pick(NOUNS), pick(MOSTLY_NOUN_STEMS)],
        rest in prop::collection::vec(prop_oneof![pick(NOUNS), pick(OBJECT_AND_HEAD_WORDS)], 1..3),
    ) {
        let mut ws = vec![first];
        ws.extend(rest);
        let names = spellings(&ws);
        let by_op: Vec<Option<Field>> = names.iter().map(|n| {
            let mut ep = get("/api/v1/things");
            ep.operation_id = Some(n.clone());
            verdict_of(&ep)
        }).collect();
        let by_path: Vec<Option<Field>> = names.iter().map(|n| verdict_of(&get(&format!("/api/{n}")))).collect();
        prop_assert!(by_op.iter().all(|v| *v == by_op[0]), "{names:?}: {by_op:?}");
        prop_assert!(by_path.iter().all(|v| *v == by_path[0]), "{names:?}: {by_path:?}");
    }

    #[test]
    fn judge_never_panics_on_arbitrary_input(
        method in prop_oneof![Just("GET".to_string()), Just("HEAD".to_string()), any::<String>()],
        path in prop_oneof![any::<String>(), "[a-zA-Z_./{}:?=&#-]{0,300}"],
        op in any::<Option<String>>(),
        summary in any::<Option<String>>(),
        description in prop_oneof![any::<Option<String>>(), "[a-zA-Z .,;:!?()'\n-]{0,2000}".prop_map(Some)],
        tags in prop::collection::vec(any::<String>(), 0..6),
    ) {
        let mut ep = Endpoint::discovered("GET", &path);
        ep.method = method;
        ep.operation_id = op;
        ep.summary = summary;
        ep.description = description;
        ep.tags = tags;
        if let Some(v) = judge(&ep) {
            prop_assert!(v.reason.contains(v.field.name()) || v.field == Field::Method);
        }
    }
}

#[test]
fn huge_fields_take_bounded_time() {
    let words = "Returns the report and deletes nothing at all whatsoever, honestly ";
    let mut ep = get(&"/api/v1/createdbnowalldatacache".repeat(40_000));
    ep.operation_id = Some("getAndFetchAndList".repeat(50_000));
    ep.summary = Some(words.repeat(50_000));
    ep.description = Some(format!("{} Wipes everything.", "é🦀 ".repeat(2_000_000)));
    ep.tags = (0..100_000).map(|i| format!("tag-{i}-{}", "x".repeat(100))).collect();
    let start = Instant::now();
    for _ in 0..10 {
        let _ = judge(&ep);
    }
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(5), "10 judgements of a huge operation took {elapsed:?}");
}

#[test]
fn only_the_head_of_a_long_description_is_read() {
    let mut ep = get("/api/v1/report");
    ep.description = Some(format!("{} Wipes all tables.", "Returns the report. ".repeat(1_000)));
    assert!(judge(&ep).is_none(), "a signal 20 KiB into the description is past what triage reads");
    ep.description = Some(format!("{} Wipes all tables.", "Returns the report. ".repeat(10)));
    assert_eq!(verdict_of(&ep), Some(Field::Description));
}
