//! Behaviour shared by all writers: format names, masking, colour, limits.

mod common;

use common::{render, rules, sample_report, EXCHANGE_BODY_SENTINEL, REQUEST_HEADER_SENTINEL};
use palisade_report::{render_to_string, rules_markdown, writer, Format, ReportError, WriteOptions};

#[test]
fn format_names_parse() {
    for (name, format) in [
        ("pretty", Format::Pretty),
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("junit", Format::Junit),
        ("markdown", Format::Markdown),
        ("md", Format::Markdown),
        ("html", Format::Html),
        (" HTML ", Format::Html),
    ] {
        assert_eq!(name.parse::<Format>(), Ok(format), "{name}");
    }
    for f in Format::ALL {
        assert_eq!(f.as_str().parse::<Format>(), Ok(f));
    }
    let err = "xml".parse::<Format>().unwrap_err();
    assert!(err.to_string().contains("'xml'") && err.to_string().contains("sarif"), "{err}");
}

/// Exchanges are masked by contract; still, only the JSON record carries
/// their request headers and bodies. Every other writer cites a finding's own
/// (masked) excerpt and never dumps an exchange.
#[test]
fn only_json_prints_exchange_headers_and_bodies() {
    let report = sample_report();
    for format in Format::ALL {
        let out = render(format, &report);
        let dumped = out.contains(REQUEST_HEADER_SENTINEL) || out.contains(EXCHANGE_BODY_SENTINEL);
        assert_eq!(dumped, format == Format::Json, "{format}: exchange headers/body dumped = {dumped}");
    }
}

#[test]
fn every_writer_shows_every_finding() {
    let report = sample_report();
    for format in Format::ALL {
        let out = render(format, &report);
        for f in &report.findings {
            assert!(out.contains(&f.rule), "{format} misses {}", f.rule);
        }
    }
}

#[test]
fn pretty_colour_only_when_asked() {
    let report = sample_report();
    let plain = render(Format::Pretty, &report);
    assert!(!plain.contains('\x1b'));
    let opts = WriteOptions { color: true, ..Default::default() };
    let coloured = render_to_string(Format::Pretty, &report, &rules(), &opts).unwrap();
    assert!(coloured.contains("\x1b["));
    // Colour must not change the text itself.
    let stripped = strip_ansi(&coloured);
    assert_eq!(stripped, plain);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn pretty_caps_the_findings_table() {
    let report = sample_report();
    let opts = WriteOptions { max_findings_pretty: Some(2), ..Default::default() };
    let out = render_to_string(Format::Pretty, &report, &rules(), &opts).unwrap();
    assert!(out.contains("DE001") && out.contains("AU001"), "the two most severe are shown");
    assert!(!out.contains("IN001"), "the least severe is cut");
    assert!(out.contains("4 more findings not shown"));
}

#[test]
fn pretty_lines_fit_the_fixed_width() {
    let out = render(Format::Pretty, &sample_report());
    for line in out.lines() {
        assert!(line.chars().count() <= 120, "too wide: {line}");
    }
}

#[test]
fn unassessed_categories_say_so() {
    let out = render(Format::Pretty, &sample_report());
    let bola = out.lines().find(|l| l.trim_start().starts_with("BOLA")).unwrap();
    assert!(bola.contains("not assessed"), "{bola}");
    let md = render(Format::Markdown, &sample_report());
    assert!(md.contains("| BOLA | – | not assessed | – |"));
}

#[test]
fn markdown_escapes_markup_and_table_breaks() {
    let mut report = sample_report();
    report.findings[0].title = "a | b <script>x</script>".into();
    report.findings[0].message = "*bold* [link](javascript:alert(1))".into();
    let md = render(Format::Markdown, &report);
    assert!(!md.contains("<script>"));
    assert!(md.contains("a \\| b &lt;script&gt;"));
    assert!(!md.contains("[link](javascript"));
}

#[test]
fn markdown_fence_survives_backticks_in_evidence() {
    let mut report = sample_report();
    report.findings[0].evidence.excerpt = "before ``` after".into();
    let md = render(Format::Markdown, &report);
    assert!(md.contains("````text\nbefore ``` after\n````"));
}

#[test]
fn io_errors_surface_as_report_errors() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let report = sample_report();
    for format in Format::ALL {
        let err = writer(format).write(&report, &rules(), &WriteOptions::default(), &mut Broken).unwrap_err();
        assert!(matches!(err, ReportError::Io(_)), "{format}: {err:?}");
    }
}

#[test]
fn empty_report_renders_in_every_format() {
    let mut report = sample_report();
    report.findings.clear();
    report.exchanges.clear();
    report.skipped.clear();
    report.health = Default::default();
    for format in Format::ALL {
        let out = render(format, &report);
        assert!(!out.is_empty(), "{format}");
    }
    assert!(render(Format::Pretty, &report).contains("No findings"));
    assert!(render(Format::Markdown, &report).contains("No findings"));
}

#[test]
fn rules_catalogue_lists_every_rule_by_category() {
    let md = rules_markdown(&rules());
    for r in rules() {
        assert!(md.contains(&format!("### {} {}", r.code, r.name)), "{}", r.code);
    }
    let au = md.find("## Authentication").unwrap();
    let de = md.find("## Data Exposure").unwrap();
    assert!(au < de, "categories in Category::ALL order");
    for section in ["#### What it does", "#### Why it matters", "#### Example", "#### Remediation", "#### References"] {
        assert_eq!(md.matches(section).count(), rules().len(), "{section}");
    }
    assert!(md.contains("| CWE | CWE-200, CWE-312 |"));
    // Order of the input does not matter.
    let mut reversed = rules();
    reversed.reverse();
    assert_eq!(rules_markdown(&reversed), md);
}

#[test]
fn markdown_fits_a_github_comment_with_thousands_of_findings() {
    let mut report = sample_report();
    let template = report.findings[0].clone();
    report.findings = (0..3000)
        .map(|i| {
            let mut f = template.clone();
            f.endpoint = format!("GET /api/v1/items/{i}");
            f.fingerprint = format!("{i:016x}");
            f
        })
        .collect();
    let md = render(Format::Markdown, &report);
    assert!(md.chars().count() < 65_536, "{} chars", md.chars().count());
    assert!(md.contains("more findings: see the full"));
    assert!(md.contains("### Scan health"), "the tail sections survive the cap");
}

#[test]
fn pretty_wraps_hostile_long_values_within_width() {
    let mut report = sample_report();
    report.findings[0].endpoint = format!("GET /{}", "a".repeat(400));
    report.findings[0].title = "T".repeat(300);
    let out = render(Format::Pretty, &report);
    for line in out.lines() {
        assert!(line.chars().count() <= 120, "too wide ({}): {line}", line.chars().count());
    }
}
