//! JUnit XML: one test suite "palisade", one test case per rule of an
//! assessed category; a rule with findings is a failure listing them.

use crate::text::{one_line, sorted_findings};
use crate::{ReportError, ReportWriter, WriteOptions};
use palisade_core::{Finding, Report, RuleMeta, Severity};
use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

pub(crate) struct JunitWriter;

impl ReportWriter for JunitWriter {
    fn write(&self, report: &Report, rules: &[RuleMeta], _opts: &WriteOptions, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        let junit = build(report, rules);
        let xml = junit.to_string().map_err(|e| ReportError::Encode(e.to_string()))?;
        out.write_all(xml.as_bytes())?;
        Ok(())
    }
}

fn build(report: &Report, rules: &[RuleMeta]) -> JunitReport {
    let assessed: Vec<_> = report.categories.iter().filter(|c| c.assessed).map(|c| c.category).collect();
    let mut catalogue: Vec<&RuleMeta> = rules.iter().filter(|r| assessed.contains(&r.category)).collect();
    catalogue.sort_by_key(|r| r.code);
    let findings = sorted_findings(report);

    let mut suite = TestSuite::new("palisade");
    suite.set_time(Duration::from_millis(report.duration_ms));
    suite.add_property(("target", report.target.as_str()));
    suite.add_property(("score", report.score.to_string().as_str()));
    suite.add_property(("grade", report.grade.as_str()));
    for rule in catalogue {
        let of_rule: Vec<&Finding> = findings.iter().copied().filter(|f| f.rule == rule.code).collect();
        suite.add_test_case(test_case(rule.category.id(), &format!("{} {}", rule.code, rule.title), &of_rule));
    }
    // Findings of rules missing from the catalogue still fail the build.
    let mut orphans: Vec<&str> = findings.iter().filter(|f| !rules.iter().any(|r| r.code == f.rule)).map(|f| f.rule.as_str()).collect();
    orphans.sort_unstable();
    orphans.dedup();
    for code in orphans {
        let of_rule: Vec<&Finding> = findings.iter().copied().filter(|f| f.rule == code).collect();
        suite.add_test_case(test_case(of_rule[0].category.id(), &format!("{code} {}", of_rule[0].title), &of_rule));
    }

    let mut junit = JunitReport::new("palisade");
    junit.add_test_suite(suite);
    junit
}

fn test_case(classname: &str, name: &str, findings: &[&Finding]) -> TestCase {
    let status = if findings.is_empty() {
        TestCaseStatus::success()
    } else {
        let worst = findings.iter().map(|f| f.severity).max().unwrap_or(Severity::Info);
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let noun = if findings.len() == 1 { "finding" } else { "findings" };
        status.set_message(format!("{} {noun} (worst: {worst})", findings.len()));
        status.set_type(worst.as_str());
        let lines: Vec<String> = findings
            .iter()
            .map(|f| {
                let excerpt = one_line(&f.evidence.excerpt, 200);
                if excerpt.is_empty() {
                    format!("[{}] {}: {}", f.severity, f.endpoint, f.message)
                } else {
                    format!("[{}] {}: {} | evidence: {excerpt}", f.severity, f.endpoint, f.message)
                }
            })
            .collect();
        status.set_description(lines.join("\n"));
        status
    };
    let mut case = TestCase::new(name, status);
    case.set_classname(classname);
    case
}
