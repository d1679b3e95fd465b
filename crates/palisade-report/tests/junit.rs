//! JUnit output parses as XML and has one test case per rule of an assessed
//! category, failing exactly for the rules with findings.

mod common;

use common::{render, rules, sample_report};
use palisade_report::Format;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::BTreeMap;

#[derive(Debug, Default)]
struct Case {
    classname: String,
    name: String,
    failure_message: Option<String>,
    failure_text: String,
}

#[derive(Debug, Default)]
struct Parsed {
    suites: Vec<BTreeMap<String, String>>,
    cases: Vec<Case>,
}

fn attrs(e: &quick_xml::events::BytesStart) -> BTreeMap<String, String> {
    e.attributes()
        .map(|a| {
            let a = a.expect("well-formed attribute");
            (String::from_utf8(a.key.as_ref().to_vec()).unwrap(), a.unescape_value().unwrap().into_owned())
        })
        .collect()
}

fn parse(xml: &str) -> Parsed {
    let mut reader = Reader::from_str(xml);
    let mut parsed = Parsed::default();
    let mut in_failure = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testsuite" => parsed.suites.push(attrs(&e)),
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testcase" => {
                let a = attrs(&e);
                parsed.cases.push(Case { classname: a["classname"].clone(), name: a["name"].clone(), ..Default::default() });
            }
            Event::Start(e) if e.name().as_ref() == b"failure" => {
                in_failure = true;
                parsed.cases.last_mut().unwrap().failure_message = Some(attrs(&e)["message"].clone());
            }
            Event::Empty(e) if e.name().as_ref() == b"failure" => {
                parsed.cases.last_mut().unwrap().failure_message = Some(attrs(&e)["message"].clone());
            }
            Event::End(e) if e.name().as_ref() == b"failure" => in_failure = false,
            Event::Text(t) if in_failure => parsed.cases.last_mut().unwrap().failure_text.push_str(&t.unescape().unwrap()),
            Event::Eof => break,
            _ => {}
        }
    }
    parsed
}

#[test]
fn one_suite_with_a_case_per_assessed_rule() {
    let report = sample_report();
    let parsed = parse(&render(Format::Junit, &report));
    assert_eq!(parsed.suites.len(), 1);
    assert_eq!(parsed.suites[0]["name"], "palisade");

    let assessed: Vec<_> = report.categories.iter().filter(|c| c.assessed).map(|c| c.category).collect();
    let expected: Vec<String> = {
        let mut r: Vec<_> = rules().into_iter().filter(|r| assessed.contains(&r.category)).collect();
        r.sort_by_key(|r| r.code);
        r.iter().map(|r| format!("{} {}", r.code, r.title)).collect()
    };
    let names: Vec<String> = parsed.cases.iter().map(|c| c.name.clone()).collect();
    assert_eq!(names, expected);
    // BO001 belongs to an unassessed category: no test case.
    assert!(!names.iter().any(|n| n.starts_with("BO001")));
    assert_eq!(parsed.suites[0]["tests"], expected.len().to_string());
}

#[test]
fn rules_with_findings_fail_and_list_them() {
    let report = sample_report();
    let parsed = parse(&render(Format::Junit, &report));
    let failed: Vec<&Case> = parsed.cases.iter().filter(|c| c.failure_message.is_some()).collect();
    let mut rules_with_findings: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    rules_with_findings.sort_unstable();
    rules_with_findings.dedup();
    assert_eq!(failed.len(), rules_with_findings.len());
    assert_eq!(parsed.suites[0]["failures"], failed.len().to_string());

    let en002 = parsed.cases.iter().find(|c| c.name.starts_with("EN002")).unwrap();
    assert!(en002.failure_message.is_none(), "a rule without findings passes");
    assert_eq!(en002.classname, "encryption");

    let de001 = parsed.cases.iter().find(|c| c.name.starts_with("DE001")).unwrap();
    assert_eq!(de001.classname, "data_exposure");
    assert_eq!(de001.failure_message.as_deref(), Some("1 finding (worst: critical)"));
    assert!(de001.failure_text.contains("GET /api/v1/config"), "{}", de001.failure_text);
    assert!(de001.failure_text.contains("wJal…EKEY"), "masked excerpt listed: {}", de001.failure_text);
}

#[test]
fn several_findings_of_one_rule_are_one_failure() {
    let mut report = sample_report();
    let mut second = report.findings[0].clone();
    second.endpoint = "GET /api/v1/settings".into();
    second.fingerprint = "ffff000011112222".into();
    report.findings.push(second);
    let parsed = parse(&render(Format::Junit, &report));
    let de001 = parsed.cases.iter().find(|c| c.name.starts_with("DE001")).unwrap();
    assert_eq!(de001.failure_message.as_deref(), Some("2 findings (worst: critical)"));
    assert!(de001.failure_text.contains("GET /api/v1/config") && de001.failure_text.contains("GET /api/v1/settings"));
}

#[test]
fn markup_in_findings_stays_well_formed() {
    let mut report = sample_report();
    report.findings[0].message = "</failure><injected attr=\"x\"> & ]]>".into();
    let xml = render(Format::Junit, &report);
    let parsed = parse(&xml);
    let de001 = parsed.cases.iter().find(|c| c.name.starts_with("DE001")).unwrap();
    assert!(de001.failure_text.contains("</failure><injected attr=\"x\"> & ]]>"));
    assert!(!xml.contains("<injected"));
}
