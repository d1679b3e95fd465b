//! Triage's vocabulary, as data. Every word is lower-case ASCII; verbs are
//! listed in their base form and [`super::lexicon`] derives the inflections.
//!
//! The verb groups say what kind of state an operation changes; every verb
//! in them is a state change wherever it acts as a verb. [`PROSE_STRONG`] says
//! which of them are a red flag even in passing, in the middle of a
//! description ("... and wipes the cache").

/// Destroys or discards data.
pub(crate) const DESTRUCTIVE: &[&str] = &[
    "delete", "del", "remove", "drop", "purge", "wipe", "erase", "truncate", "destroy", "nuke", "flush", "clear",
    "empty", "prune", "clean", "cleanup", "discard", "trash", "overwrite", "revoke", "invalidate", "evict",
    "uninstall", "unregister", "deregister", "unlink", "detach", "teardown", "reset", "factoryreset",
];

/// Builds, seeds or rebuilds state from scratch: database set-up, fixtures, migrations.
pub(crate) const REBUILD: &[&str] = &[
    "populate", "repopulate", "prepopulate", "seed", "reseed", "initialize", "initialise", "init", "reinitialize",
    "reinitialise", "reinit", "setup", "install", "reinstall", "bootstrap", "migrate", "rebuild", "recreate",
    "reindex", "regenerate", "restore", "rollback", "revert", "reload", "provision", "deprovision", "reformat",
];

/// Creates, changes or moves records.
pub(crate) const WRITE: &[&str] = &[
    "create", "add", "insert", "upsert", "update", "modify", "change", "save", "write", "set", "assign", "unassign",
    "rename", "move", "undelete", "undo", "redo", "increment", "decrement", "bump", "generate", "import", "sync",
    "synchronize", "synchronise", "refresh", "recompute", "recalculate", "reprocess", "enqueue", "dequeue", "load",
    "mark", "toggle", "archive", "unarchive", "post", "publish", "unpublish", "submit", "complete", "finish", "close",
    "reopen", "commit", "fork", "clone", "backup", "finalize", "finalise", "void", "evaluate", "eval",
];

/// Sends something to someone outside the API.
pub(crate) const MESSAGING: &[&str] = &["send", "resend", "notify", "broadcast", "dispatch", "invite", "remind"];

/// Moves money or changes what a customer pays for.
pub(crate) const MONEY: &[&str] = &[
    "charge", "pay", "checkout", "purchase", "buy", "refund", "withdraw", "deposit", "transfer", "capture", "redeem",
    "claim", "subscribe", "unsubscribe", "upgrade", "downgrade", "renew",
];

/// Sessions, accounts, access and membership.
pub(crate) const ACCESS: &[&str] = &[
    "logout", "signout", "logoff", "optout", "impersonate", "grant", "rotate", "activate", "deactivate", "reactivate",
    "enable", "disable", "lock", "unlock", "ban", "unban", "block", "unblock", "suspend", "unsuspend", "freeze",
    "unfreeze", "kick", "mute", "unmute", "verify", "confirm", "approve", "reject", "deny", "decline", "accept",
    "promote", "demote", "enroll", "enrol", "unenroll", "join", "leave", "follow", "unfollow", "vote", "end", "checkin",
    "star", "unstar", "pin", "unpin", "favorite", "favourite", "unfavorite", "unfavourite", "bookmark", "unlike",
];

/// Runs, stops or steers processes and jobs.
pub(crate) const CONTROL: &[&str] = &[
    "run", "rerun", "exec", "execute", "trigger", "start", "restart", "stop", "pause", "resume", "retry", "replay",
    "kill", "terminate", "abort", "halt", "shutdown", "reboot", "poweroff", "spawn", "launch", "deploy", "undeploy",
    "drain", "cordon", "uncordon", "attach", "schedule", "reschedule", "cancel", "snooze", "dismiss", "ack",
    "acknowledge", "build", "quit", "exit",
];

/// Every group.
pub(crate) const GROUPS: &[&[&str]] = &[DESTRUCTIVE, REBUILD, WRITE, MESSAGING, MONEY, ACCESS, CONTROL];

/// Verbs whose third-person form is strong evidence anywhere in prose: they
/// are transitive and destructive, so "... then truncates" is never an aside.
/// Verbs that are often intransitive or incidental ("the counter resets",
/// "removes internal fields", "the device reboots") are weak there and give
/// way to a read verb elsewhere.
pub(crate) const PROSE_STRONG: &[&str] = &[
    "delete", "purge", "wipe", "erase", "truncate", "destroy", "nuke", "flush", "populate", "repopulate",
    "prepopulate", "initialize", "initialise", "reinitialize", "reinitialise", "recreate", "rebuild", "reindex",
    "migrate", "uninstall", "factoryreset", "teardown", "deprovision", "reformat", "overwrite", "revoke",
];

/// Base forms that are also adjectives ("an empty list", "clear text"). In a
/// sentence they are verbs only before an object or a determiner; in the
/// middle of a path they are not actions.
pub(crate) const ADJECTIVES: &[&str] = &["clear", "empty", "clean", "close"];

/// Base forms that are also common nouns ("a run", "the import", "sync
/// status"). They are actions as the last segment of a path or as the leading
/// word of an operationId, but not in the middle of a path ("/checkout/sessions")
/// or as a tag, and their -s form is a plural noun ("/runs", "Imports").
pub(crate) const NOUN_LIKE: &[&str] = &[
    "run", "import", "sync", "setup", "checkout", "install", "refresh", "seed", "trigger", "reset", "restore",
    "update", "upgrade", "downgrade", "transfer", "charge", "pay", "start", "stop", "pause", "resume", "retry",
    "replay", "invite", "vote", "change", "toggle", "lock", "ban", "exec", "eval", "build", "backup", "commit",
    "fork", "clone", "capture", "claim", "launch", "dispatch", "broadcast", "rollback", "cleanup", "teardown",
    "bootstrap", "reload", "move", "finish", "kick", "join", "leave", "deposit", "refund", "purchase", "checkin",
    "ack", "grant", "shutdown", "logout", "exit",
];

/// Base forms that are mostly nouns ("a post", "a set", "a block", "the
/// schedule"). They count only with an object ("setPassword", "post-message",
/// "Mark as read") or, in a path, as a sub-action right after an id
/// ("/users/{id}/block"), never alone ("/api/post/{id}", "/schedule").
pub(crate) const MOSTLY_NOUNS: &[&str] = &[
    "post", "set", "mark", "block", "end", "load", "schedule", "archive", "complete", "void", "trash", "star", "pin",
    "favorite", "favourite", "bookmark",
];

/// Irregular past tenses and participles.
pub(crate) const IRREGULAR: &[(&str, &str)] = &[
    ("ran", "run"),
    ("reran", "rerun"),
    ("sent", "send"),
    ("resent", "resend"),
    ("paid", "pay"),
    ("built", "build"),
    ("rebuilt", "rebuild"),
    ("wrote", "write"),
    ("written", "write"),
    ("overwrote", "overwrite"),
    ("overwritten", "overwrite"),
    ("froze", "freeze"),
    ("frozen", "freeze"),
    ("unfroze", "unfreeze"),
    ("unfrozen", "unfreeze"),
    ("undid", "undo"),
    ("undone", "undo"),
    ("redid", "redo"),
    ("redone", "redo"),
    ("bought", "buy"),
    ("withdrew", "withdraw"),
    ("withdrawn", "withdraw"),
    ("left", "leave"),
];

/// Multi-syllable verbs whose last consonant doubles ("submitted", "cancelled").
/// Monosyllables like "run" and "drop" are recognised by their shape.
pub(crate) const DOUBLING: &[&str] =
    &["submit", "commit", "rerun", "unban", "transfer", "reset", "cancel", "factoryreset", "enrol"];

/// Nouns derived from verbs: (noun, verb, whether it names a one-off process).
/// In a path or a list they are resources ("/notifications", "/migrations");
/// a short summary ending in a process noun ("Database creation") names the
/// action the operation performs.
pub(crate) const DERIVED_NOUNS: &[(&str, &str, bool)] = &[
    ("creation", "create", true),
    ("deletion", "delete", true),
    ("removal", "remove", true),
    ("population", "populate", true),
    ("repopulation", "repopulate", true),
    ("initialization", "initialize", true),
    ("initialisation", "initialise", true),
    ("reinitialization", "reinitialize", true),
    ("reinitialisation", "reinitialise", true),
    ("destruction", "destroy", true),
    ("truncation", "truncate", true),
    ("erasure", "erase", true),
    ("regeneration", "regenerate", true),
    ("invalidation", "invalidate", true),
    ("revocation", "revoke", true),
    ("termination", "terminate", true),
    ("deactivation", "deactivate", true),
    ("reinstallation", "reinstall", true),
    ("migration", "migrate", false),
    ("installation", "install", false),
    ("notification", "notify", false),
    ("execution", "execute", false),
    ("cancellation", "cancel", false),
    ("cancelation", "cancel", false),
    ("activation", "activate", false),
    ("approval", "approve", false),
    ("submission", "submit", false),
    ("payment", "pay", false),
    ("deployment", "deploy", false),
    ("rotation", "rotate", false),
    ("generation", "generate", false),
    ("invitation", "invite", false),
    ("confirmation", "confirm", false),
    ("verification", "verify", false),
    ("modification", "modify", false),
    ("rejection", "reject", false),
    ("acceptance", "accept", false),
    ("subscription", "subscribe", false),
    ("suspension", "suspend", false),
    ("restoration", "restore", false),
    ("synchronization", "synchronize", false),
    ("synchronisation", "synchronise", false),
    ("insertion", "insert", false),
    ("assignment", "assign", false),
    ("withdrawal", "withdraw", false),
    ("evaluation", "evaluate", false),
    ("publication", "publish", false),
    ("promotion", "promote", false),
    ("demotion", "demote", false),
    ("impersonation", "impersonate", false),
    ("enrollment", "enroll", false),
    ("enrolment", "enrol", false),
    ("attachment", "attach", false),
    ("closure", "close", false),
    ("completion", "complete", false),
    ("resumption", "resume", false),
    ("dismissal", "dismiss", false),
    ("acknowledgement", "acknowledge", false),
    ("acknowledgment", "acknowledge", false),
    ("provisioning", "provision", true),
];

/// Two-word verbs in prose: (head, particle, the verb they make).
pub(crate) const PHRASAL: &[(&str, &str, &str)] = &[
    ("log", "out", "logout"),
    ("log", "off", "logoff"),
    ("sign", "out", "signout"),
    ("opt", "out", "optout"),
    ("shut", "down", "shutdown"),
    ("tear", "down", "teardown"),
    ("set", "up", "setup"),
    ("check", "out", "checkout"),
    ("check", "in", "checkin"),
    ("clean", "up", "cleanup"),
    ("back", "up", "backup"),
    ("roll", "back", "rollback"),
    ("power", "off", "poweroff"),
    ("kick", "off", "start"),
];

/// Irregular forms of phrasal heads.
pub(crate) const PHRASAL_IRREGULAR: &[(&str, &str)] = &[("tore", "tear"), ("torn", "tear")];

/// Read actions: an operation whose action is one of these only reads.
pub(crate) const READ_VERBS: &[&str] = &[
    "get", "list", "search", "find", "show", "export", "download", "status", "health", "read", "retrieve", "fetch",
    "view", "describe", "query", "count", "lookup", "ping", "preview", "browse", "check", "return", "display",
    "inspect", "watch", "validate", "compare", "render", "calculate", "compute", "estimate", "resolve", "suggest",
    "autocomplete", "index", "info", "stat", "stats", "poll", "stream", "diff", "echo", "whoami", "healthz",
    "readyz", "livez",
];

/// Nouns that, after a noun-like verb, make a noun phrase rather than an
/// order: "Run history", "Import status", "Setup guide", "Stop words" is not
/// here but fails the object test instead.
pub(crate) const READ_HEADS: &[&str] = &[
    "status", "statuses", "history", "histories", "details", "detail", "info", "information", "list", "lists", "log",
    "logs", "result", "results", "report", "reports", "summary", "summaries", "progress", "metadata", "count",
    "counts", "stats", "statistics", "overview", "page", "pages", "form", "options", "option", "id", "ids", "type",
    "types", "preview", "previews", "dashboard", "view", "views", "health", "errors", "error", "definition",
    "definitions", "template", "templates", "rule", "rules", "policy", "policies", "price", "prices", "pricing",
    "wizard", "guide", "docs", "documentation", "help", "faq", "instructions", "url", "urls", "link", "links",
    "button", "screen", "date", "dates", "time", "times", "timestamp", "duration", "interval", "frequency",
    "analytics", "insights", "trends", "chart", "graph", "feed", "timeline", "calendar", "number", "name", "names",
    "code", "codes", "window", "limit", "limits",
];

/// Objects a verb acts on. A verb stem glued to one of these ("createdb",
/// "dbinit", "flushall", "resetpassword") is a compound action; a stem glued to
/// anything else ("runtime", "sendgrid", "dropbox", "payouts") is not.
pub(crate) const OBJECTS: &[&str] = &[
    // Storage.
    "db", "dbs", "database", "databases", "data", "table", "tables", "index", "indexes", "indices", "schema",
    "schemas", "row", "rows", "record", "records", "store", "storage", "cache", "caches", "queue", "queues",
    "redis", "sql", "migration", "migrations", "fixture", "fixtures", "seed", "seeds", "state", "memory", "tmp",
    "temp", "counter", "counters", "metadata",
    // Quantifiers and adverbs that complete an order.
    "all", "everything", "now", "me", "self",
    // Demo content.
    "demo", "sample", "samples", "dummy", "test", "tests",
    // Accounts and credentials.
    "user", "users", "account", "accounts", "profile", "profiles", "member", "members", "role", "roles",
    "permission", "permissions", "group", "groups", "team", "teams", "password", "passwords", "pw", "pwd", "token",
    "tokens", "key", "keys", "secret", "secrets", "session", "sessions", "cookie", "cookies", "otp", "mfa", "totp",
    "access", "customer", "customers", "quota", "quotas", "stats", "metrics",
    // Work.
    "job", "jobs", "task", "tasks", "script", "scripts", "command", "commands", "cmd", "query", "queries",
    "build", "builds", "pipeline", "pipelines", "workflow", "workflows", "cron", "crons", "event", "events",
    "webhook", "webhooks", "hook", "hooks", "server", "servers", "service", "services", "system", "app", "apps",
    "pod", "pods", "container", "containers", "instance", "instances", "cluster", "node", "nodes", "vm", "vms",
    "package", "packages", "plugin", "plugins", "project", "projects", "repo", "repos", "repository",
    "config", "configs", "configuration", "settings",
    // Messages and content.
    "email", "emails", "mail", "message", "messages", "notification", "notifications", "comment", "comments",
    "channel", "channels", "room", "rooms", "ticket", "tickets", "file", "files", "upload", "uploads", "item",
    "items", "entry", "entries", "trash",
    // Money.
    "order", "orders", "cart", "invoice", "invoices", "payment", "payments", "card", "cards", "subscription",
    "subscriptions", "plan", "funds", "money", "balance", "transaction", "transactions", "reward", "rewards",
    "device", "devices",
];

/// Words that look like a verb glued to an object but are established nouns.
pub(crate) const LEXICAL_NOUNS: &[&str] =
    &["changelog", "changelogs", "testrun", "testruns", "dataset", "datasets", "postcard", "postcards"];

/// Two-word noun phrases that start with a noun-like verb and are read as nouns in prose.
pub(crate) const NOUN_COMPOUNDS: &[(&str, &str)] = &[
    ("checkout", "session"),
    ("checkout", "sessions"),
    ("refresh", "token"),
    ("refresh", "tokens"),
    ("setup", "intent"),
    ("setup", "intents"),
];

/// Determiners and pronouns: after one of these a noun-like word is a verb ("Run the job").
pub(crate) const DETERMINERS: &[&str] = &[
    "the", "a", "an", "all", "every", "each", "any", "some", "this", "that", "these", "those", "its", "their",
    "your", "my", "our", "his", "her", "it", "them", "me", "us", "one", "both", "selected", "current", "existing",
    "specified", "given", "multiple", "several", "many",
];

/// Particles after which a noun-like verb is still a verb ("Sync from upstream").
/// "from", "into" and "to" also count one word later ("Import contacts from CSV").
pub(crate) const PARTICLES: &[&str] = &["from", "into", "to", "with", "on", "now", "again", "immediately", "manually"];

/// Openings of a sentence to skip before its leading verb ("This endpoint will ...").
pub(crate) const FILLERS: &[&[&str]] = &[
    &["this", "endpoint"],
    &["this", "operation"],
    &["this", "api"],
    &["this", "route"],
    &["this", "method"],
    &["this", "call"],
    &["this", "request"],
    &["this", "function"],
    &["this", "handler"],
    &["this", "action"],
    &["this", "resource"],
    &["this", "url"],
    &["this"],
    &["it"],
    &["will"],
    &["used", "to"],
    &["is", "used", "to"],
    &["can", "be", "used", "to"],
    &["use", "to"],
    &["please"],
    &["also"],
    &["simply"],
    &["just"],
    &["then"],
    &["we"],
    &["and"],
    &["allows", "you", "to"],
    &["allows", "the", "user", "to"],
    &["allows", "to"],
    &["lets", "you"],
    &["helps", "to"],
    &["endpoint", "to"],
    &["endpoint", "that"],
    &["endpoint", "which"],
    &["endpoint", "for"],
    &["route", "to"],
    &["route", "that"],
    &["api", "to"],
    &["call", "to"],
    &["helper", "to"],
    &["utility", "to"],
    &["admin", "only"],
    &["dev", "only"],
    &["debug", "only"],
    &["automatically"],
    &["immediately"],
    &["internally"],
];

/// Words that negate what follows within a few words ("does not change state").
pub(crate) const NEGATORS: &[&str] = &[
    "not", "never", "no", "without", "nor", "neither", "none", "nothing", "non", "free", "don't", "doesn't", "won't",
    "isn't", "aren't", "didn't", "can't", "cannot", "wouldn't", "shouldn't", "dont", "doesnt", "wont", "isnt",
];

/// Phrases that say an operation changes state wherever they appear in a
/// summary or description. Negated ("no side effects") they say the opposite.
pub(crate) const PHRASES: &[&[&str]] = &[
    &["dummy", "data"],
    &["sample", "data"],
    &["test", "data"],
    &["fake", "data"],
    &["mock", "data"],
    &["seed", "data"],
    &["side", "effect"],
    &["side", "effects"],
    &["sideeffect"],
    &["sideeffects"],
    &["cannot", "be", "undone"],
    &["can't", "be", "undone"],
    &["can", "not", "be", "undone"],
    &["cannot", "be", "reversed"],
    &["irreversible"],
    &["irreversibly"],
    &["destructive"],
    &["dangerous"],
    &["populates"],
    &["wipes"],
    &["drops", "the"],
    &["drops", "all"],
    &["drops", "every"],
    &["deletes", "all"],
    &["deletes", "every"],
    &["resets", "the"],
    &["resets", "all"],
    &["truncates"],
    &["purges"],
    &["recreates"],
    &["changes", "state"],
    &["changes", "the", "state"],
    &["change", "state"],
    &["changes", "server", "state"],
    &["mutates"],
    &["sends", "an"],
    &["sends", "a"],
    &["sends", "email"],
    &["sends", "emails"],
    &["not", "idempotent"],
    &["non", "idempotent"],
    &["use", "with", "caution"],
];

/// Phrases that say an operation only reads.
pub(crate) const READ_PHRASES: &[&[&str]] =
    &[&["read", "only"], &["readonly"], &["idempotent"], &["safe", "to", "call"]];

/// Query keys whose value names the action ("index.php?action=delete").
pub(crate) const ACTION_KEYS: &[&str] =
    &["action", "do", "cmd", "command", "op", "operation", "task", "mode", "method", "act", "func", "function", "exec"];

/// Extensions of files served as they are: a segment with one is a file name, not an action.
pub(crate) const STATIC_EXTENSIONS: &[&str] = &[
    "zip", "gz", "tgz", "tar", "bz2", "xz", "7z", "rar", "log", "sql", "db", "sqlite", "sqlite3", "json", "xml",
    "yaml", "yml", "txt", "csv", "tsv", "html", "htm", "xhtml", "js", "mjs", "css", "map", "png", "jpg", "jpeg",
    "gif", "svg", "ico", "webp", "bmp", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "md", "rst", "bak",
    "old", "orig", "swp", "tmp", "env", "ini", "conf", "cfg", "toml", "lock", "woff", "woff2", "ttf", "eot", "otf",
    "mp3", "mp4", "wav", "webm", "ogg", "iso", "img", "dmg", "exe", "msi", "deb", "rpm", "apk", "jar", "war",
    "whl", "pem", "crt", "cer", "pub", "p12", "pfx", "wasm", "dump", "backup", "bin", "dat", "sh", "py", "rb",
    "ps1", "bat", "git", "svn", "htaccess", "properties",
];

/// Extensions of server-side scripts: stripped, and the stem judged ("/install.php").
pub(crate) const SCRIPT_EXTENSIONS: &[&str] = &[
    "php", "php3", "php4", "php5", "phtml", "asp", "aspx", "ashx", "asmx", "jsp", "jspx", "cgi", "pl", "do",
    "action", "cfm",
];
