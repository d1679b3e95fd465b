//! Stable text of a rule's findings for insta snapshots (rules not on the
//! demo snapshot pin their finding in their own test, as
//! `tests/snapshots/<test file>__<CODE>_<what>.snap`; the coverage test in
//! `rules.rs` looks for that file).
//!
//! Each finding of the rule becomes one block: rule, severity, confidence,
//! endpoint, detail, message, evidence location, cited-exchange counts and
//! the (already masked) excerpt. Run-dependent text is replaced: the caller's
//! `scrub` pairs first (e.g. the fixture origin → `<origin>`), then any
//! loopback port left (`127.0.0.1:PORT`, `[::1]:PORT`, `localhost:PORT`) and
//! certificate dates (`Oct 25 07:39:09 2026 +00:00` → `<date>`; certificates
//! are generated relative to now).
//! Blocks are sorted, so the order findings were produced in does not matter.

use palisade_core::Finding;

pub fn render<'a>(findings: impl IntoIterator<Item = &'a Finding>, rule: &str, scrub: &[(&str, &str)]) -> String {
    let mut blocks: Vec<String> = findings
        .into_iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            let text = format!(
                "rule:       {} ({})\nseverity:   {}\nconfidence: {}\nendpoint:   {}\ndetail:     {}\nmessage:    {}\nevidence:   {} (exchange: {}, related: {})\nexcerpt:    {}",
                f.rule,
                f.title,
                f.severity.as_str(),
                f.confidence.as_str(),
                f.endpoint,
                f.detail.as_deref().unwrap_or("-"),
                f.message,
                f.evidence.location,
                if f.evidence.exchange.is_some() { "yes" } else { "no" },
                f.evidence.related.len(),
                f.evidence.excerpt,
            );
            let mut text = text;
            for (from, to) in scrub {
                if !from.is_empty() {
                    text = text.replace(from, to);
                }
            }
            scrub_dates(&scrub_ports(&text))
        })
        .collect();
    blocks.sort();
    assert!(!blocks.is_empty(), "no {rule} finding to snapshot");
    blocks.join("\n\n")
}

/// `127.0.0.1:43817` → `127.0.0.1:<port>` (also `[::1]:` and `localhost:`).
fn scrub_ports(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while !rest.is_empty() {
        for host in ["127.0.0.1:", "[::1]:", "localhost:"] {
            if let Some(after) = rest.strip_prefix(host) {
                let digits = after.bytes().take_while(u8::is_ascii_digit).count();
                if digits > 0 {
                    out.push_str(host);
                    out.push_str("<port>");
                    rest = &after[digits..];
                    continue 'outer;
                }
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `Oct 25 07:39:09 2026 +00:00` / `Dec  9 07:39:10 2026 +00:00` → `<date>`.
fn scrub_dates(text: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    // Shape after the month: " dd hh:mm:ss yyyy +00:00" (d = digit or a padding space).
    const SHAPE: &[u8] = b" _d dd:dd:dd dddd +dd:dd";
    let fits = |rest: &[u8]| {
        rest.len() >= SHAPE.len()
            && SHAPE.iter().zip(rest).all(|(s, c)| match s {
                b'd' => c.is_ascii_digit(),
                b'_' => c.is_ascii_digit() || *c == b' ',
                _ => s == c,
            })
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if MONTHS.iter().any(|m| rest.starts_with(m)) && fits(&rest.as_bytes()[3..]) {
            out.push_str("<date>");
            rest = &rest[3 + SHAPE.len()..];
            continue;
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}
