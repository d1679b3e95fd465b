//! The built-in rules pass their own examples (and, in release, speed floors).

use palisade_detect::{Detector, Kind};

#[test]
fn builtin_rules_pass_self_check() {
    let failures = Detector::builtin().check_rules();
    let listing: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(failures.is_empty(), "{} rule check failures:\n{}", failures.len(), listing.join("\n"));
}

#[test]
fn builtin_rules_cover_required_families() {
    let rules = Detector::builtin().rules();
    let secrets = rules.iter().filter(|r| r.kind == Kind::Secret).count();
    assert!(secrets >= 60, "only {secrets} secret rules");
    for kind in Kind::ALL {
        assert!(rules.iter().any(|r| r.kind == kind), "no {kind:?} rule");
    }
    assert!(rules.iter().all(|r| r.examples >= 2 && r.negative_examples >= 2));
}
