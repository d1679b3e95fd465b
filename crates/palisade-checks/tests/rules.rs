//! Every rule against real servers on loopback: the vulnerable demo API must
//! trigger it (positive fixture), the hardened twin must not (negative
//! fixture), and the vulnerable findings are pinned by a snapshot.
//!
//! A rule the demo cannot show (it needs TLS, two identities, active mode, a
//! spec the demo does not have ...) is covered ruff style by its own test
//! instead: a positive fixture through `support::assert_fires(&report,
//! Rule::CODE)`, a negative (fixed) fixture through
//! `support::assert_quiet(&report, Rule::CODE)`, and a snapshot of its
//! finding, `tests/snapshots/<test file>__<CODE>_<what>.snap`. There is no
//! list of those rules: [`OwnFixtures`] reads the calls and the snapshots
//! from the tree, and the test says which part is missing for which code.

use palisade_checks::{Rule, RULES};
use palisade_core::{Report, Severity};
use palisade_demo::{DemoConfig, DemoServer};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod support;

/// Rules the hardened twin may still trigger, and why that is right.
const EXPECTED_ON_HARDENED: &[(Rule, &str)] = &[
    // Both demo modes are served over plain HTTP on loopback.
    (Rule::EN001, "loopback demo has no TLS"),
    // The hardened twin still publishes its spec on purpose (low: it lists no
    // admin/internal operations and nothing the twin does not serve).
    (Rule::IN001, "spec published deliberately"),
];

async fn scan(cfg: DemoConfig) -> (Report, String) {
    let server = DemoServer::start(cfg).await.unwrap();
    let base = server.base_url();
    let report = support::scan(&base, None, None).await;
    server.shutdown().await;
    (report, base)
}

fn rules_of(report: &Report) -> BTreeSet<&str> {
    report.findings.iter().map(|f| f.rule.as_str()).collect()
}

/// Which rules have their own fixture pair and snapshot, read from the tree:
/// the `Rule::CODE`s passed to `assert_fires(` and `assert_quiet(` in
/// `tests/*.rs` (by file), and `tests/snapshots/*__CODE_*.snap`.
struct OwnFixtures {
    fires: BTreeMap<String, BTreeSet<String>>,
    quiet: BTreeMap<String, BTreeSet<String>>,
    snapshots: BTreeMap<String, BTreeSet<String>>,
}

impl OwnFixtures {
    fn of_the_tree() -> Self {
        let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
        let mut own = OwnFixtures { fires: BTreeMap::new(), quiet: BTreeMap::new(), snapshots: BTreeMap::new() };
        for (name, path) in dir_entries(&tests) {
            if !name.ends_with(".rs") || !path.is_file() {
                continue;
            }
            let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for (helper, found) in [("assert_fires", &mut own.fires), ("assert_quiet", &mut own.quiet)] {
                for code in rule_codes_passed_to(&src, helper) {
                    found.entry(code).or_default().insert(name.clone());
                }
            }
        }
        for (name, _) in dir_entries(&tests.join("snapshots")) {
            let Some(stem) = name.strip_suffix(".snap") else { continue };
            let Some((_, rest)) = stem.split_once("__") else { continue };
            if let Some(code) = rest.get(..5).filter(|c| is_rule_code(c) && rest[5..].starts_with('_')) {
                own.snapshots.entry(code.to_string()).or_default().insert(name.clone());
            }
        }
        own
    }

    /// What `rule` lacks to be covered by its own tests; `None` when nothing.
    fn gaps(&self, rule: Rule) -> Option<String> {
        let code = rule.code();
        let parts = [
            ("a positive fixture", format!("support::assert_fires(&report, Rule::{code}) in tests/*.rs"), &self.fires),
            ("a negative fixture", format!("support::assert_quiet(&report, Rule::{code}) in tests/*.rs"), &self.quiet),
            ("a snapshot of its finding", format!("tests/snapshots/<test file>__{code}_<what>.snap"), &self.snapshots),
        ];
        let mut missing = Vec::new();
        let mut has = Vec::new();
        for (what, how, by_code) in parts {
            match by_code.get(code) {
                Some(files) => has.push(format!("{what} in {}", files.iter().cloned().collect::<Vec<_>>().join(", "))),
                None => missing.push(format!("{what} ({how})")),
            }
        }
        if missing.is_empty() {
            return None;
        }
        let has = if has.is_empty() { "none of them".to_string() } else { has.join("; ") };
        Some(format!(
            "{code} ({}) does not fire on the vulnerable demo, and its own tests lack {} [has: {has}]",
            rule.meta().name,
            missing.join(" and ")
        ))
    }
}

/// (file name, path) of every entry of `dir`, sorted.
fn dir_entries(dir: &Path) -> Vec<(String, std::path::PathBuf)> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let e = e.ok()?;
            Some((e.file_name().into_string().ok()?, e.path()))
        })
        .collect();
    entries.sort();
    entries
}

/// `EN004`: two capital letters and three digits.
fn is_rule_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5 && b[..2].iter().all(u8::is_ascii_uppercase) && b[2..].iter().all(u8::is_ascii_digit)
}

/// The codes of the calls `helper(<report>, Rule::CODE)` in Rust source `src`,
/// in order, however the call is laid out (line breaks, spaces, a trailing
/// comma, a path such as `support::` or `palisade_checks::Rule::`). Comments
/// and string literals do not count, nor does the helper's definition, nor a
/// call whose rule is not written as `Rule::CODE` at the call.
fn rule_codes_passed_to(src: &str, helper: &str) -> Vec<String> {
    let text = code_only(src);
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(helper) {
        let start = from + at;
        from = start + helper.len();
        if text[..start].ends_with(is_ident) || text[from..].starts_with(is_ident) {
            continue; // part of a longer name
        }
        if text[..start].trim_end().strip_suffix("fn").is_some_and(|b| !b.ends_with(is_ident)) {
            continue; // the definition
        }
        let Some(args) = text[from..].trim_start().strip_prefix('(').and_then(call_arguments) else { continue };
        let [_, rule] = args.as_slice() else { continue };
        let rule: String = rule.chars().filter(|c| !c.is_whitespace()).collect();
        let Some((path, code)) = rule.rsplit_once("Rule::") else { continue };
        if (path.is_empty() || path.ends_with("::")) && path.chars().all(|c| is_ident(c) || c == ':') && is_rule_code(code) {
            found.push(code.to_string());
        }
    }
    found
}

/// The top-level arguments of a call, given the text after its `(`, up to the
/// matching `)`; a trailing comma adds no argument. `None` if unbalanced.
fn call_arguments(text: &str) -> Option<Vec<String>> {
    let (mut args, mut current, mut depth) = (Vec::new(), String::new(), 0usize);
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => {
                if !current.trim().is_empty() {
                    args.push(current);
                }
                return Some(args);
            }
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    None
}

/// `src` without comments and with string and char literals emptied, so
/// that only code is searched.
fn code_only(src: &str) -> String {
    let s: Vec<char> = src.chars().collect();
    let is_ident = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < s.len() {
        let (c, next) = (s[i], s.get(i + 1).copied());
        if c == '/' && next == Some('/') {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < s.len() {
                if s[i] == '/' && s.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if s[i] == '*' && s.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r'
            && (!is_ident(i.checked_sub(1).and_then(|p| s.get(p))) || (s[i - 1] == 'b' && !is_ident(i.checked_sub(2).and_then(|p| s.get(p)))))
            && matches!(s[i + 1..].iter().find(|c| **c != '#'), Some('"'))
        {
            // r"..." / r#"..."# / br"...": ends at `"` followed by as many `#`.
            let hashes = s[i + 1..].iter().take_while(|c| **c == '#').count();
            i += 2 + hashes;
            while i < s.len() && !(s[i] == '"' && s[i + 1..].iter().take(hashes).filter(|c| **c == '#').count() == hashes) {
                i += 1;
            }
            i += 1 + hashes;
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < s.len() && s[i] != '"' {
                i += if s[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && next == Some('\\') {
            // '\n', '\'', '\u{..}'
            i += 3;
            while i < s.len() && s[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else if c == '\'' && s.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The coverage test. For every rule in [`Rule::ALL`], either
/// - it fires on the vulnerable demo (positive fixture) and not on the
///   hardened twin (negative fixture; [`EXPECTED_ON_HARDENED`] aside), its
///   findings pinned by the `vulnerable_demo_findings` snapshot, or
/// - its own test covers it: some `tests/*.rs` calls
///   `support::assert_fires(&report, Rule::CODE)` and
///   `support::assert_quiet(&report, Rule::CODE)`, and
///   `tests/snapshots/*__CODE_*.snap` pins its finding ([`OwnFixtures`]).
///
/// The failure names, per code, exactly what is missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rule_fires_on_the_demo_or_has_its_own_fixture_pair_and_snapshot() {
    let own = OwnFixtures::of_the_tree();
    let (vulnerable, vbase) = scan(DemoConfig { hardened: false }).await;
    let (hardened, _) = scan(DemoConfig { hardened: true }).await;
    let fired = rules_of(&vulnerable);
    let gaps: Vec<String> = Rule::ALL.iter().filter(|rule| !fired.contains(rule.code())).filter_map(|rule| own.gaps(*rule)).collect();
    assert!(
        gaps.is_empty(),
        "every rule must fire on the vulnerable demo or have its own positive fixture, negative fixture and snapshot:\n  {}",
        gaps.join("\n  ")
    );

    // The hardened twin: quiet on every rule but the expected ones, and those stay low.
    for &rule in Rule::ALL {
        if !EXPECTED_ON_HARDENED.iter().any(|(r, _)| *r == rule) {
            support::assert_quiet(&hardened, rule);
        }
    }
    for f in &hardened.findings {
        assert!(f.severity <= Severity::Medium, "hardened twin: {} is {}", f.rule, f.severity);
        if f.rule != Rule::EN001.code() {
            assert!(f.severity <= Severity::Low, "hardened twin: {} is {}", f.rule, f.severity);
        }
    }
    assert!(hardened.score >= 90, "hardened twin scores {} ({})", hardened.score, hardened.grade);
    assert!(vulnerable.score < hardened.score);

    // Pin what the vulnerable demo yields: rule, severity, endpoint and detector rule.
    let lines: BTreeSet<String> = vulnerable
        .findings
        .iter()
        .map(|f| {
            let endpoint = f.endpoint.replace(&vbase, "<demo-origin>");
            format!("{} {:<8} {} {}", f.rule, f.severity.as_str(), endpoint, f.detail.as_deref().unwrap_or("-"))
        })
        .collect();
    insta::assert_snapshot!("vulnerable_demo_findings", lines.into_iter().collect::<Vec<_>>().join("\n"));

    // And the grade they add up to, overall and per category.
    let mut grade = format!("score {} grade {}", vulnerable.score, vulnerable.grade);
    for c in &vulnerable.categories {
        grade.push_str(&format!("\n{:<24} {:>3} {} findings {} assessed {}", c.category.to_string(), c.score, c.grade, c.findings, c.assessed));
    }
    insta::assert_snapshot!("vulnerable_demo_grade", grade);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_cite_recorded_exchanges_without_secrets() {
    let (report, _) = scan(DemoConfig { hardened: false }).await;
    for f in &report.findings {
        if let Some(id) = f.evidence.exchange {
            assert!(report.exchange(id).is_some(), "{} cites exchange {id}, missing from the report", f.rule);
        }
    }
    // The demo's planted Stripe-format key appears masked, never whole.
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("sk_l…"), "masked Stripe key expected in evidence");
    for f in support::assert_fires(&report, Rule::DE001) {
        assert!(f.evidence.excerpt.contains('…'), "unmasked DE001 excerpt: {}", f.evidence.excerpt);
    }
}

#[test]
fn rule_codes_are_unique_well_formed_and_documented() {
    let mut seen = BTreeSet::new();
    for r in RULES {
        assert!(seen.insert(r.code), "duplicate code {}", r.code);
        assert_eq!(&r.code[..2], r.category.code_prefix(), "{} has the wrong prefix for {}", r.code, r.category);
        assert!(r.code[2..].len() == 3 && r.code[2..].chars().all(|c| c.is_ascii_digit()));
        assert!(r.owasp.ends_with(":2023"), "{}", r.code);
        assert!(!r.cwe.is_empty() && !r.pci_dss.is_empty() && !r.soc2.is_empty(), "{} lacks mappings", r.code);
        for (field, text) in [("what", r.what), ("why", r.why), ("example", r.example), ("remediation", r.remediation)] {
            assert!(text.len() > 20, "{}: {field} is too short", r.code);
        }
    }
    let mut sorted: Vec<_> = RULES.iter().map(|r| r.code).collect();
    sorted.sort();
    assert_eq!(sorted, RULES.iter().map(|r| r.code).collect::<Vec<_>>(), "registry must stay in code order");
}

/// The tree scan behind the coverage test reads calls however `cargo fmt`
/// lays them out, and only calls.
#[test]
fn own_fixtures_are_read_from_calls_in_any_layout_and_not_from_comments_or_strings() {
    let src = r##"
        let found = support::assert_fires(&report, Rule::EN004);
        support::assert_fires(
            &tls_report(&cert, vec![ca.der.clone()]).await.0,
            palisade_checks::Rule::EN005,
        );
        support::assert_quiet(&r, Rule :: EN006 );
        support::assert_quiet(&reports[0], Rule::AU002,);
        // support::assert_quiet(&r, Rule::EN007);
        /* assert_quiet(&r, /* nested */ Rule::EN008) */
        let s = "assert_quiet(&r, Rule::EN009)"; let c = '"';
        let raw = r#"assert_quiet(&r, Rule::EN010) " "#;
        for rule in [Rule::BO002] { support::assert_quiet(&r, rule); }
        pub fn assert_quiet(report: &Report, rule: Rule) {}
        my_assert_quiet(&r, Rule::BF003);
        support::assert_quiet(&scan(&base, &["a", "b"]).await, Rule::AU013);
    "##;
    assert_eq!(rule_codes_passed_to(src, "assert_fires"), ["EN004", "EN005"]);
    assert_eq!(rule_codes_passed_to(src, "assert_quiet"), ["EN006", "AU002", "AU013"]);
}

#[test]
fn the_rule_enum_follows_the_registry() {
    assert_eq!(Rule::ALL.len(), RULES.len());
    for (rule, meta) in Rule::ALL.iter().zip(RULES) {
        assert_eq!(rule.code(), meta.code);
        assert_eq!(format!("{rule:?}"), meta.code, "Rule::{rule:?} names the code it stands for");
    }
}
