//! The built-in list of paths worth asking for, kept as data in `paths.txt`.
//!
//! The list is data rather than code so that adding a path is a one-line,
//! reviewable change with its reason next to it (each group's comment says why
//! the group exists). It is parsed once, on first use.

use std::sync::OnceLock;

/// One entry of the built-in list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListedPath {
    /// Starts with `/`; a trailing `/` marks a folder.
    pub path: &'static str,
    /// Name of the group the entry belongs to (`debug`, `logs`, `config`, ...).
    pub group: &'static str,
    /// Part of the quick profile (the ~100 most valuable entries).
    pub quick: bool,
}

/// Common file names to try inside a log folder (`/logs/` + name).
pub const LOG_FILE_NAMES: &[&str] = &[
    "access.log",
    "error.log",
    "app.log",
    "application.log",
    "debug.log",
    "server.log",
    "api.log",
    "requests.log",
    "request.log",
    "production.log",
    "development.log",
    "laravel.log",
    "out.log",
    "stdout.log",
    "stderr.log",
    "combined.log",
    "gunicorn.log",
    "audit.log",
];

/// The tag that marks an entry for the quick profile.
const QUICK_TAG: &str = "quick";

/// The built-in list, in file order.
pub fn builtin() -> &'static [ListedPath] {
    static BUILTIN: OnceLock<Vec<ListedPath>> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        // The file is compiled in and validated by the unit tests below, so a
        // parse error can only be a bug introduced by editing the file.
        parse(include_str!("paths.txt")).expect("content/paths.txt is malformed; run the content::list tests").paths
    })
}

/// A group header: `# group NAME: why the group exists`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    name: &'static str,
    #[cfg_attr(not(test), allow(dead_code))]
    why: &'static str,
}

#[derive(Debug)]
struct Parsed {
    paths: Vec<ListedPath>,
    // Only the tests read the groups: they check that every group says why it exists.
    #[cfg_attr(not(test), allow(dead_code))]
    groups: Vec<Group>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
enum ListError {
    #[error("line {line}: entry before the first `# group NAME: why` header")]
    EntryOutsideGroup { line: usize },
    #[error("line {line}: a path must start with `/`")]
    NotAPath { line: usize },
    #[error("line {line}: unknown tag `{tag}` (only `quick` is allowed)")]
    UnknownTag { line: usize, tag: String },
    #[error("line {line}: group header needs a name and a reason: `# group NAME: why`")]
    BadGroupHeader { line: usize },
}

fn parse(text: &'static str) -> Result<Parsed, ListError> {
    let mut paths = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(header) = comment.trim().strip_prefix("group ") {
                groups.push(parse_group_header(header, line_no)?);
            }
            continue;
        }
        let group = groups.last().ok_or(ListError::EntryOutsideGroup { line: line_no })?;
        paths.push(parse_entry(line, group.name, line_no)?);
    }
    Ok(Parsed { paths, groups })
}

fn parse_group_header(header: &'static str, line: usize) -> Result<Group, ListError> {
    let (name, why) = header.split_once(':').ok_or(ListError::BadGroupHeader { line })?;
    let (name, why) = (name.trim(), why.trim());
    if name.is_empty() || name.contains(char::is_whitespace) || why.is_empty() {
        return Err(ListError::BadGroupHeader { line });
    }
    Ok(Group { name, why })
}

fn parse_entry(line: &'static str, group: &'static str, line_no: usize) -> Result<ListedPath, ListError> {
    let mut words = line.split_whitespace();
    let path = words.next().unwrap_or_default();
    if !path.starts_with('/') {
        return Err(ListError::NotAPath { line: line_no });
    }
    let mut quick = false;
    for tag in words {
        if tag != QUICK_TAG {
            return Err(ListError::UnknownTag { line: line_no, tag: tag.to_string() });
        }
        quick = true;
    }
    Ok(ListedPath { path, group, quick })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Words that read as an action. The scanner GETs every entry on targets it
    /// does not own, so none may appear anywhere in a path, even as part of a word.
    const ACTION_WORDS: &[&str] = &[
        "shutdown", "restart", "reset", "install", "setup", "logout", "delete", "drop", "create", "init", "seed", "migrate", "run", "exec", "kill",
        "flush", "purge", "wipe",
    ];

    fn parsed() -> Parsed {
        parse(include_str!("paths.txt")).unwrap()
    }

    #[test]
    fn the_list_is_large_enough() {
        let n = builtin().len();
        assert!(n >= 280, "only {n} paths");
    }

    #[test]
    fn the_quick_profile_has_about_a_hundred_entries() {
        let quick = builtin().iter().filter(|p| p.quick).count();
        assert!((90..=130).contains(&quick), "{quick} quick paths");
    }

    #[test]
    fn no_path_is_listed_twice() {
        let mut seen = HashSet::new();
        for p in builtin() {
            assert!(seen.insert(p.path), "duplicate {}", p.path);
        }
    }

    #[test]
    fn every_path_is_a_clean_absolute_path() {
        for p in builtin() {
            assert!(p.path.starts_with('/'), "{}", p.path);
            assert!(!p.path.contains("//"), "{}", p.path);
            assert!(!p.path.contains(".."), "{}", p.path);
            assert!(!p.path.contains(['?', '#', '*', '\\']), "{}", p.path);
            assert!(p.path.is_ascii() && !p.path.contains(char::is_whitespace), "{}", p.path);
        }
    }

    #[test]
    fn no_path_reads_as_an_action() {
        for p in builtin() {
            let lower = p.path.to_ascii_lowercase();
            for word in ACTION_WORDS {
                assert!(!lower.contains(word), "{} contains `{word}`", p.path);
            }
            assert!(!crate::content::learn::reads_as_action(p.path), "{}", p.path);
        }
    }

    #[test]
    fn every_group_has_a_reason_and_entries() {
        let parsed = parsed();
        let mut names = HashSet::new();
        for g in &parsed.groups {
            assert!(names.insert(g.name), "group {} declared twice", g.name);
            assert!(g.why.len() >= 20, "group {} needs a comment saying why it exists", g.name);
            assert!(parsed.paths.iter().any(|p| p.group == g.name), "group {} is empty", g.name);
        }
        for required in ["debug", "logs", "admin", "config", "docs", "metrics", "cloud"] {
            assert!(names.contains(required), "missing group {required}");
        }
    }

    #[test]
    fn the_paths_from_the_incidents_are_listed() {
        let listed: HashSet<&str> = builtin().iter().map(|p| p.path).collect();
        for path in [
            "/debug",
            "/api/debug",
            "/env",
            "/actuator/env",
            "/actuator/heapdump",
            "/logs/",
            "/log/",
            "/storage/logs/laravel.log",
            "/.env",
            "/.git/config",
            "/.git/HEAD",
            "/.aws/credentials",
            "/graphql",
            "/swagger-ui.html",
            "/metrics",
        ] {
            assert!(listed.contains(path), "{path} is missing");
        }
        let quick: HashSet<&str> = builtin().iter().filter(|p| p.quick).map(|p| p.path).collect();
        for path in ["/debug", "/.env", "/actuator/env", "/logs/", "/.git/config"] {
            assert!(quick.contains(path), "{path} should be quick");
        }
    }

    #[test]
    fn log_file_names_are_plain_unique_names() {
        assert!(LOG_FILE_NAMES.len() >= 16);
        let unique: HashSet<_> = LOG_FILE_NAMES.iter().collect();
        assert_eq!(unique.len(), LOG_FILE_NAMES.len());
        for name in LOG_FILE_NAMES {
            assert!(!name.contains('/') && !name.contains(char::is_whitespace), "{name}");
            assert!(name.ends_with(".log"), "{name}");
        }
    }

    #[test]
    fn entries_outside_a_group_are_rejected() {
        assert_eq!(parse("/debug\n").unwrap_err(), ListError::EntryOutsideGroup { line: 1 });
    }

    #[test]
    fn unknown_tags_and_relative_paths_are_rejected() {
        let err = parse("# group g: a reason long enough\n/a fast\n").unwrap_err();
        assert_eq!(err, ListError::UnknownTag { line: 2, tag: "fast".into() });
        let err = parse("# group g: a reason long enough\ndebug\n").unwrap_err();
        assert_eq!(err, ListError::NotAPath { line: 2 });
    }

    #[test]
    fn group_headers_need_a_reason() {
        assert_eq!(parse("# group debug\n").unwrap_err(), ListError::BadGroupHeader { line: 1 });
        assert_eq!(parse("# group debug:   \n").unwrap_err(), ListError::BadGroupHeader { line: 1 });
    }

    #[test]
    fn the_quick_tag_and_group_are_recorded() {
        let parsed = parse("# intro\n# group g: why it exists\n# more why\n/a quick\n/b\n").unwrap();
        assert_eq!(parsed.paths, vec![ListedPath { path: "/a", group: "g", quick: true }, ListedPath { path: "/b", group: "g", quick: false },]);
    }
}
