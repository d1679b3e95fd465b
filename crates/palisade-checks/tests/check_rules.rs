//! What each check declares it reports (`fn rules()`) is what rule selection
//! runs on (`--checks EN003` runs only the checks that declare EN003), so it
//! must be complete. A rule may be declared twice only when it is judged
//! both from the answers the scan receives (a passive check) and by a
//! check's own probes (an active check), e.g. AU003 on the user's token and
//! on tokens in responses; or when it is listed in [`SHARED`], with the
//! checks that share it and why.

use palisade_checks::{active_checks, passive_checks, registry};
use std::collections::BTreeMap;

/// Rules two active checks report from different evidence.
const SHARED: &[(&str, &[&str], &str)] = &[(
    "AU001",
    &["authentication/declared-auth-not-enforced", "bola/cross-identity"],
    "spec-declared operations with sample ids, and the replay of a real owned object without credentials",
)];

#[test]
fn every_rule_is_declared_by_one_check_or_one_active_and_one_passive() {
    let mut declared: BTreeMap<&str, Vec<(&str, bool)>> = BTreeMap::new();
    for c in active_checks(None) {
        for r in c.rules() {
            declared.entry(r.code).or_default().push((c.name(), false));
        }
    }
    for c in passive_checks(None) {
        for r in c.rules() {
            declared.entry(r.code).or_default().push((c.name(), true));
        }
    }
    let mut problems = Vec::new();
    for rule in registry::RULES {
        match declared.get(rule.code).map(Vec::as_slice) {
            None | Some([]) => problems.push(format!("{}: no check declares it", rule.code)),
            Some([_]) => {}
            Some([(_, a), (_, b)]) if a != b => {}
            Some(many) if SHARED.iter().any(|(code, checks, _)| *code == rule.code && many.iter().map(|(c, _)| *c).eq(checks.iter().copied())) => {}
            Some(many) => problems.push(format!("{}: declared by {many:?}", rule.code)),
        }
    }
    for code in declared.keys() {
        if registry::rule(code).is_none() {
            problems.push(format!("{code}: declared but not in the registry"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
