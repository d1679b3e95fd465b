//! One snapshot per writer of the shared sample report (review changes by eye).

mod common;

use common::{render, rules, sample_report};
use palisade_report::{rules_markdown, Format};

#[test]
fn pretty_snapshot() {
    insta::assert_snapshot!(render(Format::Pretty, &sample_report()));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(render(Format::Json, &sample_report()));
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!(render(Format::Sarif, &sample_report()));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(render(Format::Junit, &sample_report()));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(render(Format::Markdown, &sample_report()));
}

#[test]
fn html_snapshot() {
    insta::assert_snapshot!(render(Format::Html, &sample_report()));
}

#[test]
fn rules_markdown_snapshot() {
    insta::assert_snapshot!(rules_markdown(&rules()));
}
