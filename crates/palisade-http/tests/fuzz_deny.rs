//! Fuzz-style property tests for the deny-list matcher:
//! `DenyRule::new(operation, template, reason).matches(path)`.
//!
//! Hostile input modelled: templates come from the target's own spec (triage
//! turns a state-changing operation's path into a rule), and the paths being
//! matched are built by checks, discovery and redirects, often from target
//! data (`Location` headers, links, ids). So both sides are arbitrary text:
//! broken percent-escapes, invalid UTF-8 once decoded, huge paths, odd
//! separators. The matcher must never panic and must stay fast.
//!
//! And because the deny-list is the last guard before a request that could
//! wipe the target's data, it must not be fooled by another spelling of a
//! denied path: for any template of literal segments, a path built from it by
//! random case changes, `%XX` (and `%25XX`) encoding of letters, doubled
//! slashes, `.` segments, matrix parameters, a trailing slash and a random
//! query string or fragment still matches. The converse is checked too: a
//! path with a segment added, removed or changed does not.
//!
//! Runtime: about a second in a debug build; set `PALISADE_FUZZ_SCALE=N` to
//! run N times as many cases.

use palisade_http::{DenyList, DenyRule};
use proptest::prelude::*;
use proptest::sample::Index;
use std::time::{Duration, Instant};

fn config(default_cases: u32) -> ProptestConfig {
    palisade_testkit::fuzz::config(default_cases, 512)
}

fn rule(template: &str) -> DenyRule {
    DenyRule::new(format!("GET {template}"), template, "fuzz")
}

/// Text a path may contain, weighted towards what the matcher parses.
fn path_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        4 => "[a-zA-Z0-9_-]{1,8}",
        3 => prop::sample::select(vec![
            "/", "//", "\\", "/./", "/../", ".", "..", ";", ";jsessionid=1", "?", "#", "&",
            "%", "%%", "%2", "%2f", "%2F", "%5c", "%25", "%252F", "%2e", "%00", "%ff", "%fe%ff",
            "%c3", "%c3%a9", "%e2%82", "%ed%a0%80", "{", "}", "{id}", "{}", "{{x}}", " ", "\t",
            "\u{0}", "\u{A0}", "é", "É", "İ", "ß", "ﬃ", "\u{212A}", "😀", "\u{202E}",
        ]).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    prop::collection::vec(fragment, 0..24).prop_map(|parts| parts.concat())
}

/// Literal segments (RFC 3986 unreserved characters, not `.` alone).
fn literal_segments() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,11}", 1..6)
}

/// One way of spelling a character of a literal segment.
#[derive(Clone, Copy, Debug)]
enum Spelling {
    AsIs,
    Upper,
    Lower,
    /// `%XX`, upper- or lower-case hex.
    Percent(bool),
    /// `%25XX`: decoded twice by a double-decoding proxy.
    DoublePercent,
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop_oneof![
        4 => Just(Spelling::AsIs),
        2 => Just(Spelling::Upper),
        1 => Just(Spelling::Lower),
        2 => any::<bool>().prop_map(Spelling::Percent),
        1 => Just(Spelling::DoublePercent),
    ]
}

fn spell(c: char, how: Spelling) -> String {
    match how {
        Spelling::AsIs => c.to_string(),
        Spelling::Upper => c.to_ascii_uppercase().to_string(),
        Spelling::Lower => c.to_ascii_lowercase().to_string(),
        Spelling::Percent(upper) if c.is_ascii_alphabetic() => {
            if upper {
                format!("%{:02X}", c as u8)
            } else {
                format!("%{:02x}", c as u8)
            }
        }
        Spelling::DoublePercent if c.is_ascii_alphabetic() => format!("%25{:02X}", c as u8),
        _ => c.to_string(),
    }
}

/// What goes between two segments.
fn separator() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        6 => Just("/"),
        2 => Just("//"),
        1 => Just("///"),
        1 => Just("/./"),
        1 => Just("\\"),
        1 => Just("%2F"),
        1 => Just("%2f"),
        1 => Just("%5C"),
        1 => Just("%252F"),
    ]
}

/// A query string or fragment; it never matters.
fn tail() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just(String::new()),
        2 => "\\?[a-z]{1,6}=[^#]{0,20}".prop_map(|s| s),
        1 => "\\?[ -~]{0,30}".prop_map(|s| s),
        1 => "#[ -~]{0,20}".prop_map(|s| s),
        1 => Just("?x=/admin/../createdb&y=%2F".to_string()),
        1 => any::<String>().prop_map(|s| format!("?{s}")),
    ]
}

/// A spelling of `segments` the server would route to the same handler.
#[derive(Clone, Debug)]
struct Variant {
    spellings: Vec<Vec<Spelling>>,
    separators: Vec<&'static str>,
    leading: &'static str,
    matrix: Vec<Option<String>>,
    trailing_slash: bool,
    tail: String,
}

fn variant(segments: &[String]) -> impl Strategy<Value = Variant> {
    let n = segments.len();
    let lens: Vec<usize> = segments.iter().map(|s| s.chars().count()).collect();
    (
        lens.into_iter().map(|l| prop::collection::vec(spelling(), l)).collect::<Vec<_>>(),
        prop::collection::vec(separator(), n),
        prop_oneof![Just("/"), Just("//"), Just("/./"), Just("\\")],
        prop::collection::vec(prop::option::weighted(0.2, "[a-z]{0,6}=?[a-zA-Z0-9]{0,8}"), n),
        any::<bool>(),
        tail(),
    )
        .prop_map(|(spellings, separators, leading, matrix, trailing_slash, tail)| Variant {
            spellings,
            separators,
            leading,
            matrix,
            trailing_slash,
            tail,
        })
}

fn render(segments: &[String], v: &Variant) -> String {
    let mut out = String::from(v.leading);
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            out.push_str(v.separators[i]);
        }
        for (c, how) in seg.chars().zip(&v.spellings[i]) {
            out.push_str(&spell(c, *how));
        }
        if let Some(m) = &v.matrix[i] {
            out.push(';');
            out.push_str(m);
        }
    }
    if v.trailing_slash {
        out.push('/');
    }
    out.push_str(&v.tail);
    out
}

fn template_and_variant() -> impl Strategy<Value = (Vec<String>, String)> {
    literal_segments().prop_flat_map(|segs| {
        let s = segs.clone();
        variant(&segs).prop_map(move |v| (s.clone(), render(&s, &v)))
    })
}

/// Assert the matcher answered quickly (it reads at most 8 KiB of a path).
fn timed_match(r: &DenyRule, path: &str) -> Result<bool, TestCaseError> {
    let started = Instant::now();
    let hit = r.matches(path);
    prop_assert!(started.elapsed() < Duration::from_secs(1), "matching a {}-byte path took {:?}", path.len(), started.elapsed());
    Ok(hit)
}

proptest! {
    #![proptest_config(config(4096))]

    #[test]
    fn arbitrary_templates_and_paths_never_panic(template in path_text(), path in path_text()) {
        let r = rule(&template);
        timed_match(&r, &path)?;
        timed_match(&r, &template)?;
        let mut list = DenyList::default();
        list.add(r.clone());
        list.add(rule(&path));
        prop_assert!(list.len() <= 2);
        let _ = list.matching(&path);
    }

    #[test]
    fn arbitrary_unicode_never_panics(template in any::<String>(), path in any::<String>()) {
        let r = rule(&template);
        timed_match(&r, &path)?;
    }

    /// Whatever the template, a request for the template's own text is denied:
    /// both sides are normalised the same way, and `{x}` matches itself.
    #[test]
    fn a_template_matches_its_own_text(template in path_text()) {
        prop_assert!(timed_match(&rule(&template), &template)?, "{template:?}");
    }

    #[test]
    fn spellings_of_a_literal_template_match((segments, path) in template_and_variant()) {
        let template = format!("/{}", segments.join("/"));
        prop_assert!(
            timed_match(&rule(&template), &path)?,
            "template {template:?} does not match {path:?}"
        );
    }

    #[test]
    fn spellings_of_an_uppercase_template_match((segments, path) in template_and_variant()) {
        // The template's case does not matter either.
        let template = format!("/{}/", segments.join("/").to_ascii_uppercase());
        prop_assert!(timed_match(&rule(&template), &path)?, "template {template:?} does not match {path:?}");
    }

    #[test]
    fn params_match_any_one_segment(
        segments in literal_segments(),
        slot in any::<Index>(),
        value in "[A-Za-z0-9_~-][A-Za-z0-9._~%-]{0,15}",
        name in "[a-z_]{1,8}",
    ) {
        let i = slot.index(segments.len());
        let mut template_segments = segments.clone();
        template_segments[i] = format!("{{{name}}}");
        let template = format!("/{}", template_segments.join("/"));
        let mut path_segments = segments;
        path_segments[i] = value.clone();
        let path = format!("/{}", path_segments.join("/"));
        // A value that decodes to a separator, `.` or matrix start makes another path.
        let decoded = percent_encoding::percent_decode_str(&value).decode_utf8_lossy().into_owned();
        let decoded = percent_encoding::percent_decode_str(&decoded).decode_utf8_lossy().into_owned();
        prop_assume!(!decoded.contains(['/', '\\', ';', '?', '#']) && decoded.trim() != "." && !decoded.trim().is_empty());
        prop_assert!(timed_match(&rule(&template), &path)?, "template {template:?} does not match {path:?}");
    }

    #[test]
    fn other_paths_do_not_match(
        segments in literal_segments(),
        change in 0u8..3,
        at in any::<Index>(),
        extra in "[a-z0-9]{1,6}",
    ) {
        let template = format!("/{}", segments.join("/"));
        let mut other = segments.clone();
        let i = at.index(other.len());
        match change {
            // Removing the only segment would leave `/`: insert instead.
            1 if other.len() > 1 => {
                other.remove(i);
            }
            0 | 1 => other.insert(i, extra),
            _ => other[i] = format!("{}{extra}", other[i]),
        }
        // `.` segments vanish; a removal or insertion next to one may not change the path.
        prop_assume!(other.iter().all(|s| s != "."));
        let normalised = |v: &[String]| v.iter().filter(|s| s.as_str() != ".").map(|s| s.to_ascii_lowercase()).collect::<Vec<_>>();
        prop_assume!(normalised(&other) != normalised(&segments));
        let path = format!("/{}", other.join("/"));
        prop_assert!(!timed_match(&rule(&template), &path)?, "template {template:?} matches {path:?}");
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn huge_paths_are_bounded(unit in path_text(), times in 1usize..20_000, template in path_text()) {
        let path = unit.repeat(times.min(200_000 / unit.len().max(1)));
        timed_match(&rule(&template), &path)?;
        timed_match(&rule(&path), &template)?;
    }
}

// ---------------------------------------------------------------------------
// Open bug found by this file, minimised. `#[ignore]`d so CI stays green; run
// it with `cargo test -p palisade-http --test fuzz_deny -- --ignored`.
// ---------------------------------------------------------------------------

/// The matcher decodes twice and drops matrix parameters (`..;` becomes `..`)
/// but never resolves the `..` segments that decoding produces. URL parsing
/// folds a literal `../` or `%2e%2e/` away before the engine asks, but not
/// these encoded spellings, and servers that decode after routing (the very
/// behaviour BO003 looks for) or Tomcat-style `..;` handling serve the
/// denied operation for them. They are exactly `bola_traversal::VARIANTS`.
/// (BO003 itself fetches B directly first, which is denied, so it does not
/// reach this; a redirect `Location` or any other probe could.)
#[test]
#[ignore = "bypass: encoded `..` spellings (`..;/`, `..%2f`, `%2e%2e%2f`, `..%252f`, `%2f..%2f`, `..%5c`) of a denied path are not matched"]
fn encoded_parent_segments_of_a_denied_path_match() {
    let r = rule("/items/purge");
    for path in [
        "/items/1/..;/purge",
        "/items/1/..%2fpurge",
        "/items/1/%2e%2e%2fpurge",
        "/items/1/..%252fpurge",
        "/items/1%2f..%2fpurge",
        "/items/1/..%5cpurge",
    ] {
        // What the engine matches: the path as URL parsing keeps it.
        let url = url::Url::parse(&format!("http://127.0.0.1{path}")).unwrap();
        assert_eq!(url.path(), path, "URL parsing keeps {path}");
        assert!(r.matches(url.path()), "{path} reaches /items/purge on a decoding server but is not denied");
    }
}
