//! Fuzz-style property tests for the Data Exposure detector: `Detector::scan`,
//! `scan_with`, `redact`, `StreamScanner`, `looks_placeholder` and
//! `shannon_entropy` over the built-in rules.
//!
//! Hostile input modelled: every response body, header and log line the
//! scanner reads is chosen by the target. A hostile target can send random
//! bytes, invalid UTF-8 next to multi-byte characters, rule keywords packed
//! densely enough to merge every regex window, rule examples cut and spliced
//! into each other, the same fragment repeated thousands of times (to find
//! super-linear work), and real-looking secrets in arbitrary surroundings.
//!
//! Properties: the detector never panics and returns in bounded time; every
//! match is a sane span (inside the input, sorted, line/column consistent,
//! char-aligned on UTF-8, no overlaps within a class, bounded count); no
//! `Match::masked` and no `redact` output ever contains a planted secret (an
//! AWS access key id, a Stripe `sk_live_` key, a GitHub `ghp_` token or a
//! GitLab `glpat-` token: formats the built-in rules detect); `scan_with` only
//! filters; and streaming in random chunks finds what one scan finds.
//!
//! Runtime: case counts keep this file around 20 s in a debug build on two
//! cores; set `PALISADE_FUZZ_SCALE=N` to run N times as many cases.

use palisade_core::{Context, Severity};
use palisade_detect::{looks_placeholder, shannon_entropy, Detector, Kind, Match, ScanOptions, StreamScanner};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Material from the built-in rules: keywords and examples.
// ---------------------------------------------------------------------------

struct RuleMaterial {
    keywords: Vec<String>,
    /// Positive and negative examples of every rule.
    examples: Vec<String>,
    ids: Vec<String>,
}

fn material() -> &'static RuleMaterial {
    static MATERIAL: OnceLock<RuleMaterial> = OnceLock::new();
    MATERIAL.get_or_init(|| {
        let mut keywords = Vec::new();
        let mut examples = Vec::new();
        for (file, yaml) in Detector::builtin_sources() {
            let doc: Value = serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("{file} does not parse as YAML: {e}"));
            for rule in doc["rules"].as_array().into_iter().flatten() {
                for k in rule["keywords"].as_array().into_iter().flatten() {
                    keywords.extend(k.as_str().map(str::to_string));
                }
                for e in rule["examples"].as_array().into_iter().flatten() {
                    examples.extend(e["input"].as_str().map(str::to_string));
                }
                for e in rule["negative_examples"].as_array().into_iter().flatten() {
                    examples.extend(e.as_str().map(str::to_string));
                }
            }
        }
        assert!(keywords.len() > 50 && examples.len() > 200, "rule files changed shape");
        let ids = Detector::builtin().rules().iter().map(|r| r.id.clone()).collect();
        RuleMaterial { keywords, examples, ids }
    })
}

fn keyword() -> impl Strategy<Value = String> {
    any::<Index>().prop_map(|i| {
        let k = &material().keywords;
        k[i.index(k.len())].clone()
    })
}

fn example() -> impl Strategy<Value = String> {
    any::<Index>().prop_map(|i| {
        let e = &material().examples;
        e[i.index(e.len())].clone()
    })
}

// ---------------------------------------------------------------------------
// The oracle.
// ---------------------------------------------------------------------------

/// Slowest acceptable scan of one input here (at most 64 KiB, debug build, busy box).
const MAX_SCAN_TIME: Duration = Duration::from_secs(5);
/// Longest `masked` value: an 80-byte excerpt plus an ellipsis, or a masked secret.
const MAX_MASKED_CHARS: usize = 81;

fn config(default_cases: u32) -> ProptestConfig {
    palisade_testkit::fuzz::config(default_cases, 256)
}

fn timed_scan(input: &[u8]) -> Result<Vec<Match>, TestCaseError> {
    let started = Instant::now();
    let found = Detector::builtin().scan(input);
    let elapsed = started.elapsed();
    prop_assert!(elapsed < MAX_SCAN_TIME, "scan of {} bytes took {elapsed:?}", input.len());
    Ok(found)
}

fn class(kind: Kind) -> usize {
    match kind {
        Kind::Secret | Kind::Pii => 0,
        Kind::Debug => 1,
        Kind::Internal => 2,
    }
}

/// Everything a caller may rely on about `scan`'s output for `input`.
fn check_matches(input: &[u8], found: &[Match]) -> Result<(), TestCaseError> {
    let utf8 = std::str::from_utf8(input).ok();
    // Within a class matches do not overlap, and every span is non-empty.
    prop_assert!(found.len() <= 3 * input.len(), "{} matches", found.len());
    let mut last_end = [0usize; 3];
    let mut last_start = 0;
    for m in found {
        prop_assert!(m.start < m.end && m.end <= input.len(), "{} span {}..{} of {}", m.rule_id, m.start, m.end, input.len());
        prop_assert!(m.start >= last_start, "matches not sorted by start");
        last_start = m.start;
        let c = class(m.kind);
        prop_assert!(m.start >= last_end[c], "{} at {}..{} overlaps another match of its class", m.rule_id, m.start, m.end);
        last_end[c] = m.end;
        prop_assert!(material().ids.contains(&m.rule_id), "unknown rule {}", m.rule_id);
        // 1-based line and byte column of `start`.
        let before = &input[..m.start];
        let line = 1 + before.iter().filter(|b| **b == b'\n').count();
        let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        prop_assert_eq!((m.line, m.column), (line, m.start - line_start + 1));
        prop_assert!(!m.fingerprint.is_empty());
        prop_assert!(m.masked.chars().count() <= MAX_MASKED_CHARS, "masked value of {} chars", m.masked.chars().count());
        prop_assert!(!m.masked.contains('\n'), "multi-line masked value");
        if let Some(text) = utf8 {
            prop_assert!(
                text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
                "{} span {}..{} splits a character",
                m.rule_id,
                m.start,
                m.end
            );
        }
        if m.kind.is_sensitive() {
            let span = String::from_utf8_lossy(&input[m.start..m.end]);
            if span.chars().count() >= 7 {
                prop_assert!(!m.masked.contains(span.as_ref()), "{} masked value shows the whole span", m.rule_id);
            }
        }
    }
    Ok(())
}

fn check_redact(text: &str) -> Result<String, TestCaseError> {
    let started = Instant::now();
    let out = Detector::builtin().redact(text);
    prop_assert!(started.elapsed() < MAX_SCAN_TIME);
    // A masked span is at most a few bytes longer than the span it replaces.
    prop_assert!(out.len() <= text.len() + 4 * (text.len() / 2 + 1), "redacted {} bytes into {}", text.len(), out.len());
    Ok(out)
}

// ---------------------------------------------------------------------------
// Input generators.
// ---------------------------------------------------------------------------

/// Bytes that are not UTF-8 or split a character.
const BAD_UTF8: &[&[u8]] = &[b"\xff", b"\xfe", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80", b"\xbf\xbf"];

/// Glue between fragments: separators the rule patterns care about.
const GLUE: &[&str] = &[
    "", " ", "\n", "\r\n", "\t", "\"", "'", "=", ":", ": ", "\": \"", ",", ";", "&", "?", "/", "\\", "\\\"", "@", ".", "-", "_", "(", ")", "[", "]",
    "{", "}", "<", ">", "é", "€", "\u{0}", "\u{2028}", "😀",
];

#[derive(Clone, Debug)]
enum Piece {
    Keyword(String),
    Example(String),
    Glue(&'static str),
    Bad(&'static [u8]),
    Random(Vec<u8>),
    Text(String),
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        4 => keyword().prop_map(Piece::Keyword),
        3 => example().prop_map(Piece::Example),
        4 => prop::sample::select(GLUE).prop_map(Piece::Glue),
        1 => prop::sample::select(BAD_UTF8).prop_map(Piece::Bad),
        1 => prop::collection::vec(any::<u8>(), 0..16).prop_map(Piece::Random),
        2 => "[A-Za-z0-9+/=_.~-]{1,48}".prop_map(Piece::Text),
    ]
}

fn concat(pieces: &[Piece]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in pieces {
        match p {
            Piece::Keyword(s) | Piece::Example(s) | Piece::Text(s) => out.extend_from_slice(s.as_bytes()),
            Piece::Glue(s) => out.extend_from_slice(s.as_bytes()),
            Piece::Bad(b) => out.extend_from_slice(b),
            Piece::Random(b) => out.extend_from_slice(b),
        }
    }
    out
}

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(piece(), 0..64).prop_map(|p| concat(&p))
}

#[derive(Clone, Debug)]
enum Mutation {
    Truncate(Index),
    Insert(Index, Piece),
    Delete(Index, usize),
    Duplicate(Index, usize, usize),
    FlipBit(Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => any::<Index>().prop_map(Mutation::Truncate),
        4 => (any::<Index>(), piece()).prop_map(|(i, p)| Mutation::Insert(i, p)),
        2 => (any::<Index>(), 1usize..16).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => (any::<Index>(), 1usize..64, 1usize..8).prop_map(|(i, n, k)| Mutation::Duplicate(i, n, k)),
        2 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
    ]
}

fn apply(doc: &mut Vec<u8>, m: &Mutation) {
    let len = doc.len();
    match m {
        Mutation::Truncate(i) => doc.truncate(i.index(len + 1)),
        Mutation::Insert(i, p) => {
            let at = i.index(len + 1);
            doc.splice(at..at, concat(std::slice::from_ref(p)));
        }
        Mutation::Delete(i, n) if len > 0 => {
            let at = i.index(len);
            doc.drain(at..(at + n).min(len));
        }
        Mutation::Duplicate(i, n, k) if len > 0 => {
            let at = i.index(len);
            let piece = doc[at..(at + n).min(len)].to_vec();
            for _ in 0..*k {
                doc.splice(at..at, piece.iter().copied());
            }
        }
        Mutation::FlipBit(i, b) if len > 0 => {
            let at = i.index(len);
            doc[at] ^= 1 << b;
        }
        _ => {}
    }
}

/// One to four rule examples joined by glue, then mutated.
fn mutated_examples() -> impl Strategy<Value = Vec<u8>> {
    (prop::collection::vec((example(), prop::sample::select(GLUE)), 1..5), prop::collection::vec(mutation(), 0..6)).prop_map(|(parts, mutations)| {
        let mut doc = Vec::new();
        for (e, g) in parts {
            doc.extend_from_slice(e.as_bytes());
            doc.extend_from_slice(g.as_bytes());
        }
        for m in &mutations {
            apply(&mut doc, m);
        }
        doc
    })
}

/// Up to 64 KiB of one fragment repeated: a search for super-linear work.
fn repetition() -> impl Strategy<Value = Vec<u8>> {
    let unit = prop_oneof![
        keyword().prop_map(String::into_bytes),
        example().prop_map(String::into_bytes),
        (keyword(), prop::sample::select(GLUE)).prop_map(|(k, g)| format!("{k}{g}").into_bytes()),
        prop::sample::select(vec![
            "\"key\": \"",
            "key=",
            "a@b.co ",
            "@",
            "10.0.0.1 ",
            "4556 7375 ",
            "-----BEGIN RSA PRIVATE KEY-----\n",
            "eyJ",
            "eyJhbGciOiJIUzI1NiJ9.",
            "postgres://u:",
            "://a:b@",
            "password=",
            "Traceback (most recent call last):\n",
            "  File \"/app/x.py\", line 1, in f\n",
            "C:\\inetpub\\",
            "GB82 ",
            "sk_live_",
            "AKIA",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
    ];
    (unit, 1usize..4096).prop_map(|(unit, times)| {
        let times = times.min(64 * 1024 / unit.len().max(1)).max(1);
        unit.repeat(times)
    })
}

// ---------------------------------------------------------------------------
// Planted secrets.
// ---------------------------------------------------------------------------

const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn from_alphabet(alphabet: &'static [u8], len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<Index>(), len).prop_map(move |idx| idx.iter().map(|i| alphabet[i.index(alphabet.len())] as char).collect())
}

/// A live-looking secret of a format the built-in rules detect.
fn planted_secret() -> impl Strategy<Value = String> {
    prop_oneof![
        (prop::sample::select(vec!["AKIA", "ASIA"]), from_alphabet(BASE32, 16..17)).prop_map(|(p, s)| format!("{p}{s}")),
        from_alphabet(ALNUM, 24..64).prop_map(|s| format!("sk_live_{s}")),
        from_alphabet(ALNUM, 36..37).prop_map(|s| format!("ghp_{s}")),
        from_alphabet(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", 20..21).prop_map(|s| format!("glpat-{s}")),
    ]
    .prop_filter("placeholder-looking", |s| !looks_placeholder(s))
}

/// Characters that end a token for every planted format.
const SEPARATORS: &[&str] = &[" ", "\"", "'", "\n", "\t", "=", ":", ",", "(", ")", "[", "]", "{", "}", "<", ">", ";", "&", "|", "é"];

/// Surroundings: soup, examples or arbitrary text.
fn surroundings() -> impl Strategy<Value = String> {
    prop_oneof![
        token_soup().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        example(),
        any::<String>(),
        Just(String::new()),
        Just("{\"data\": {\"token\": ".to_string()),
        Just("Traceback (most recent call last):\n  File \"/app/api.py\", line 3, in f\n    key = ".to_string()),
        Just("PHP Fatal error:  Uncaught Exception: bad key ".to_string()),
        Just("postgres://api:".to_string()),
    ]
}

fn planted_text() -> impl Strategy<Value = (String, Vec<String>)> {
    prop::collection::vec((surroundings(), prop::sample::select(SEPARATORS), planted_secret(), prop::sample::select(SEPARATORS)), 1..4).prop_map(
        |parts| {
            let mut text = String::new();
            let mut secrets = Vec::new();
            for (before, open, secret, close) in parts {
                text.push_str(&before);
                // A space first: a secret one separator after another of its rule
                // is a known miss (`adjacent_secrets_are_all_redacted`, ignored).
                text.push(' ');
                text.push_str(open);
                text.push_str(&secret);
                text.push_str(close);
                secrets.push(secret);
            }
            (text, secrets)
        },
    )
}

// ---------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------

#[test]
fn rule_material_is_loaded() {
    let m = material();
    assert!(m.keywords.iter().any(|k| k == "sk_live_"));
    assert!(m.keywords.iter().any(|k| k == "akia"));
    // Every positive example is detected: the seeds exercise the rules.
    let d = Detector::builtin();
    assert!(!d.scan(b"aws_access_key_id = AKIAETDAPGLH4FBCQ36T").is_empty());
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn arbitrary_bytes(input in prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..2048),
        // Large enough for the four-lane keyword search (4096 bytes and up).
        1 => prop::collection::vec(any::<u8>(), 4096..9000),
    ]) {
        let found = timed_scan(&input)?;
        check_matches(&input, &found)?;
    }

    #[test]
    fn arbitrary_strings(text in any::<String>()) {
        let found = timed_scan(text.as_bytes())?;
        check_matches(text.as_bytes(), &found)?;
        check_redact(&text)?;
    }

    #[test]
    fn keyword_and_example_soup(input in token_soup()) {
        let found = timed_scan(&input)?;
        check_matches(&input, &found)?;
        check_redact(&String::from_utf8_lossy(&input))?;
    }

    #[test]
    fn mutated_rule_examples(input in mutated_examples()) {
        let found = timed_scan(&input)?;
        check_matches(&input, &found)?;
        check_redact(&String::from_utf8_lossy(&input))?;
    }

    #[test]
    fn soup_padded_past_the_lane_threshold(input in token_soup(), pad in 4096usize..6000, at in any::<Index>()) {
        // Keywords near the boundaries of the four lanes of the keyword pass.
        let mut doc = vec![b' '; pad];
        let pos = at.index(doc.len() + 1);
        doc.splice(pos..pos, input.iter().copied());
        let found = timed_scan(&doc)?;
        check_matches(&doc, &found)?;
    }

    #[test]
    fn secrets_anywhere_in_a_large_body_are_found(secret in planted_secret(), before in 0usize..9000, after in 0usize..3000, fill in prop::sample::select(vec![" ", "\n", "x ", "é ", "{}"])) {
        // Large bodies take the four-lane keyword pass; the secret's keyword
        // may straddle a lane boundary wherever it sits.
        let text = format!("{} {secret} {}", fill.repeat(before / fill.len()), fill.repeat(after / fill.len()));
        let found = timed_scan(text.as_bytes())?;
        let at = text.find(secret.as_str()).unwrap();
        prop_assert!(
            found.iter().any(|m| m.kind.is_sensitive() && m.start <= at && m.end >= at + secret.len()),
            "{secret} at {at} of {} not found",
            text.len()
        );
        prop_assert!(!Detector::builtin().redact(&text).contains(secret.as_str()));
    }

    #[test]
    fn planted_secrets_never_survive(parts in planted_text()) {
        let (text, secrets) = parts;
        let found = timed_scan(text.as_bytes())?;
        check_matches(text.as_bytes(), &found)?;
        for secret in &secrets {
            for m in &found {
                prop_assert!(!m.masked.contains(secret.as_str()), "{} masked value holds {secret}", m.rule_id);
            }
            // Each planted secret is covered by some sensitive match.
            let at = text.find(secret.as_str()).unwrap();
            prop_assert!(
                found.iter().any(|m| m.kind.is_sensitive() && m.start < at + secret.len() && m.end > at),
                "{secret} not detected in {text:?}"
            );
        }
        let red = check_redact(&text)?;
        for secret in &secrets {
            prop_assert!(!red.contains(secret.as_str()), "{secret} survived redaction: {red:?}");
        }
    }

    #[test]
    fn scan_with_only_filters(input in mutated_examples(), kinds in prop::option::of(prop::sample::subsequence(Kind::ALL.to_vec(), 0..4)), min in prop::sample::select(vec![Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical]), medical in any::<bool>()) {
        let d = Detector::builtin();
        let all = d.scan(&input);
        let opts = ScanOptions {
            kinds: kinds.clone(),
            min_severity: min,
            context: if medical { Context::Medical } else { Context::General },
        };
        let some = d.scan_with(&input, &opts);
        for m in &some {
            prop_assert!(all.iter().any(|a| a.rule_id == m.rule_id && a.start == m.start && a.end == m.end));
            prop_assert!(m.severity >= min);
            if let Some(k) = &kinds {
                prop_assert!(k.contains(&m.kind));
            }
        }
    }

    #[test]
    fn placeholder_and_entropy_helpers(bytes in prop::collection::vec(any::<u8>(), 0..512), text in any::<String>()) {
        let e = shannon_entropy(&bytes);
        prop_assert!(e.is_finite() && (0.0..=8.0 + 1e-9).contains(&e), "entropy {e}");
        let _ = looks_placeholder(&text);
        let _ = looks_placeholder(&String::from_utf8_lossy(&bytes));
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn repeated_fragments_stay_fast(input in repetition()) {
        let found = timed_scan(&input)?;
        check_matches(&input, &found)?;
    }

    #[test]
    fn stream_in_random_chunks_matches_one_scan(input in mutated_examples(), cuts in prop::collection::vec(any::<Index>(), 0..12)) {
        let d = Detector::builtin();
        let whole = d.scan(&input);
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(input.len() + 1)).collect();
        points.push(0);
        points.push(input.len());
        points.sort_unstable();
        let mut s = StreamScanner::new(d);
        let mut got = Vec::new();
        for w in points.windows(2) {
            got.extend(s.feed(&input[w[0]..w[1]]));
        }
        got.extend(s.finish());
        let key = |m: &Match| (m.rule_id.clone(), m.start, m.end, m.line, m.column, m.masked.clone());
        prop_assert_eq!(got.iter().map(key).collect::<Vec<_>>(), whole.iter().map(key).collect::<Vec<_>>());
    }
}

proptest! {
    // Each case scans ~420 KiB twice (whole and streamed): few cases.
    #![proptest_config(config(3))]

    #[test]
    fn stream_past_the_buffer_threshold_matches_one_scan(
        parts in prop::collection::vec(mutated_examples(), 8..24),
        chunk in 1usize..120_000,
    ) {
        // Dense matches spread over more than one stream buffer: a scan is
        // made once 2 margins (2 x (2 x 16 KiB widest window + 1 KiB)) plus
        // 256 KiB are buffered, i.e. at ~322 KiB.
        let mut input = Vec::with_capacity(430 * 1024);
        let mut i = 0;
        while input.len() < 420 * 1024 {
            input.extend_from_slice(&parts[i % parts.len()]);
            input.extend_from_slice(b"\n");
            input.extend(std::iter::repeat_n(b'.', 4096 + i % 997));
            i += 1;
        }
        let d = Detector::builtin();
        let whole = d.scan(&input);
        let mut s = StreamScanner::new(d);
        let mut got = Vec::new();
        for c in input.chunks(chunk) {
            got.extend(s.feed(c));
        }
        got.extend(s.finish());
        let key = |m: &Match| (m.rule_id.clone(), m.start, m.end, m.line, m.column);
        prop_assert_eq!(got.iter().map(key).collect::<Vec<_>>(), whole.iter().map(key).collect::<Vec<_>>());
    }
}

// ---------------------------------------------------------------------------
// Open bugs found by this file, minimised. `#[ignore]`d so CI stays green;
// run them with `cargo test -p palisade-detect --test fuzz_detect -- --ignored`.
// ---------------------------------------------------------------------------

fn scan_time(text: &str) -> Duration {
    let started = Instant::now();
    let found = Detector::builtin().scan(text.as_bytes());
    assert!(!found.is_empty());
    started.elapsed()
}

/// `lib.rs` `redact_excerpts` walks every secret/PII match for every
/// debug/internal match, so a body that mixes the two (here a private IP and
/// an e-mail address, 27 bytes a pair) costs O(debug x sensitive). Measured in
/// a debug build: 216 KB 1.0 s, 432 KB 3.0 s, 864 KB 10.7 s, 1.7 MB 37.7 s,
/// against 0.5 / 0.9 / 1.8 / 3.8 s for the IPs alone. Response bodies are
/// read up to 2 MiB, and the passive response scan runs on every response.
#[test]
#[ignore = "hangs: redact_excerpts is O(debug/internal matches x secret/PII matches); 1.7 MB of `10.1.2.3 k9x2@corp-mail.io ` takes 38 s (debug)"]
fn mixed_internal_and_pii_matches_scan_in_linear_time() {
    let unit = "10.1.2.3 k9x2@corp-mail.io ";
    let small = scan_time(&unit.repeat(8_000));
    let large = scan_time(&unit.repeat(32_000));
    // Four times the input: ~4x the time if linear, ~16x if quadratic.
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
    assert!(ratio < 8.0, "4x the input took {ratio:.1}x the time ({small:?} -> {large:?})");
}

/// A `Match` promises never to hold a full secret. The `ctx` group of
/// `generic-secret-by-context` is the field name, copied verbatim into
/// `Match::context`; when the field name itself contains a secret another rule
/// detects (an AWS access key id before `.key`), that secret is carried in
/// full. data_exposure.rs then quotes the context in the finding message
/// ("under field '...'"); only a later redaction pass over messages masks it.
#[test]
#[ignore = "leaks: generic-secret-by-context copies a field name holding an AWS key id verbatim into Match::context"]
fn match_context_never_holds_a_detected_secret() {
    let body = r#"{"AKIAQYLPMN5HHHKEY7EX.key": "Zx81kQ0pLmN3vB7cT5rY2wE9"}"#;
    let found = Detector::builtin().scan(body.as_bytes());
    assert!(found.iter().any(|m| m.rule_id == "aws-access-key-id"));
    for m in &found {
        let context = m.context.as_deref().unwrap_or("");
        assert!(!context.contains("AKIAQYLPMN5HHHKEY7EX"), "{} context {context:?} holds the AWS key id", m.rule_id);
    }
}

/// Provider rules start with `(?:^|[^A-Za-z0-9_-])`, so in a JSON body a
/// secret right after a string escape (`\n`, `\t`, `\r\n`, `\u0020`: the
/// escape's last byte is a letter or digit) has no boundary and is neither
/// detected nor redacted. JSON bodies carry such escapes all the time (a list
/// of keys joined by newlines, an embedded `.env` or log). Found end to end by
/// `palisade-checks/tests/fuzz_graphql_scan.rs`: the key reached the report's
/// exchange `body_excerpt` unmasked.
#[test]
#[ignore = "leaks: a secret right after a JSON escape (\\n, \\t, \\r\\n, \\u0020) is not detected, so redact() keeps it"]
fn secrets_after_json_escapes_are_redacted() {
    let d = Detector::builtin();
    for (body, secret) in [
        (r#"{"keys": "sk_live_4eC39HqLyjWDarjtT1zdp7dc\nsk_live_V3Y7ydgVER779UEdxWItBL0Q"}"#, "sk_live_V3Y7ydgVER779UEdxWItBL0Q"),
        (r#"{"log": "boot\tAKIAETDAPGLH4FBCQ36T"}"#, "AKIAETDAPGLH4FBCQ36T"),
        (r#"{"env": "x\r\nghp_zug7IVbs5Bnju91zRrlu1cZXkH7iEXZ5TSwT"}"#, "ghp_zug7IVbs5Bnju91zRrlu1cZXkH7iEXZ5TSwT"),
        (r#"{"a": "\u0020sk_live_V3Y7ydgVER779UEdxWItBL0Q"}"#, "sk_live_V3Y7ydgVER779UEdxWItBL0Q"),
    ] {
        let red = d.redact(body);
        assert!(!red.contains(secret), "{secret} survived redaction: {red}");
    }
}

/// Provider patterns consume one boundary character on each side
/// (`(?:^|[^A-Za-z0-9_-])…(?:[^A-Za-z0-9_-]|$)`, no lookaround), and regex
/// matches do not overlap: when two secrets of one rule are separated by a
/// single character, the first match eats that character and the second
/// secret has no leading boundary left. It is neither reported nor redacted.
/// Keys one per line (an `.env` or log dump), comma- or space-separated lists
/// are common. Found by `planted_secrets_never_survive` (minimal input:
/// `export SERVICE_TOKEN=glpat-N5CdqlMMZ0FN7p5kWfcC glpat-AAA85-ARuHbOzt5lkxqC<`).
#[test]
#[ignore = "leaks: a second secret of the same rule one separator after the first (`KEY1 KEY2`, `KEY1,KEY2`, `KEY1\\nKEY2`) is not detected or redacted"]
fn adjacent_secrets_are_all_redacted() {
    let d = Detector::builtin();
    for (body, second) in [
        ("AKIAETDAPGLH4FBCQ36T AKIAV4YIWMRNDG44EJ7I", "AKIAV4YIWMRNDG44EJ7I"),
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc,sk_live_V3Y7ydgVER779UEdxWItBL0Q", "sk_live_V3Y7ydgVER779UEdxWItBL0Q"),
        ("ghp_zug7IVbs5Bnju91zRrlu1cZXkH7iEXZ5TSwT\nghp_VjjM9c9lBniifqEYPOHhh1l1mLWXOqYeC4r1", "ghp_VjjM9c9lBniifqEYPOHhh1l1mLWXOqYeC4r1"),
        ("export SERVICE_TOKEN=glpat-N5CdqlMMZ0FN7p5kWfcC glpat-AAA85-ARuHbOzt5lkxqC<", "glpat-AAA85-ARuHbOzt5lkxqC"),
    ] {
        let red = d.redact(body);
        assert!(!red.contains(second), "{second} survived redaction: {red:?}");
    }
}
