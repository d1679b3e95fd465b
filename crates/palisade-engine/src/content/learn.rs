//! Paths learned from the target itself: robots.txt, sitemaps, HTML links,
//! JavaScript bundles and `Link` headers.
//!
//! A site names its own hidden corners more often than any word list does
//! (robots.txt "Disallow: /logs/" is an invitation). Everything here reads
//! hostile input, so every function reads a bounded prefix, returns a bounded,
//! deduplicated list in order of first appearance, and never panics.
//!
//! Learned values that read as an action (`/logout`, `/admin/deleteUser`,
//! `?action=reset`) are dropped: the driver GETs whatever we return, on a
//! target we do not own. See [`reads_as_action`].

use std::collections::HashSet;

/// Most values any one function returns.
pub const MAX_LEARNED: usize = 200;
/// How much of a robots.txt is read (Google reads 500 KiB).
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;
/// How much of a sitemap, HTML page or JavaScript bundle is read.
pub const MAX_DOCUMENT_BYTES: usize = 2 * 1024 * 1024;
/// How many `Link` header values are read, and how much of each.
const MAX_LINK_HEADER_VALUES: usize = 64;
const MAX_LINK_HEADER_BYTES: usize = 8 * 1024;
/// Longest URL or path kept from robots, sitemaps, HTML and headers.
const MAX_VALUE_LEN: usize = 2048;
/// Longest string literal considered in JavaScript.
const MAX_JS_LITERAL_LEN: usize = 200;

/// Words that say a request changes state. Matched against whole words of the
/// path and query (`resetPassword`, `reset_password`, `/reset-db` all match
/// `reset`), never as substrings, so `/runtime` or `/address` stay.
const ACTION_WORDS: &[&str] = &[
    "activate",
    "add",
    "approve",
    "ban",
    "cancel",
    "checkout",
    "clear",
    "confirm",
    "create",
    "deactivate",
    "delete",
    "deploy",
    "destroy",
    "disable",
    "drop",
    "enable",
    "erase",
    "exec",
    "execute",
    "flush",
    "generate",
    "impersonate",
    "import",
    "init",
    "initialize",
    "install",
    "invoke",
    "kill",
    "lock",
    "logoff",
    "logout",
    "migrate",
    "pay",
    "publish",
    "purge",
    "reboot",
    "rebuild",
    "refresh",
    "regenerate",
    "reindex",
    "reject",
    "reload",
    "remove",
    "reset",
    "restart",
    "revert",
    "revoke",
    "rollback",
    "rotate",
    "run",
    "seed",
    "send",
    "setup",
    "shutdown",
    "signout",
    "start",
    "stop",
    "submit",
    "subscribe",
    "sync",
    "toggle",
    "transfer",
    "trigger",
    "truncate",
    "uninstall",
    "unlock",
    "unpublish",
    "unsubscribe",
    "update",
    "upgrade",
    "verify",
    "vote",
    "wipe",
];

/// Extensions of static assets: never worth a discovery request.
const ASSET_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "avif", "tif", "tiff", "woff", "woff2", "ttf", "otf", "eot", "css", "scss", "sass",
    "less", "mp4", "webm", "mp3", "wav", "ogg", "mov",
];

/// True when a path or URL reads as an action that may change state.
///
/// The scheme and host of an absolute URL are ignored; the path and the query
/// are split into words (camelCase, snake_case, kebab-case) and each word is
/// compared with a list of verbs.
pub fn reads_as_action(path_or_url: &str) -> bool {
    words(strip_origin(path_or_url)).any(|word| ACTION_WORDS.contains(&word.as_str()))
}

/// `Allow:` and `Disallow:` paths of a robots.txt, wildcards cut off
/// (`/logs/*.log` → `/logs/`), query strings dropped, `/` alone skipped.
pub fn robots_paths(text: &str) -> Vec<String> {
    let mut out = Collector::new(MAX_LEARNED);
    for (field, value) in robots_fields(head(text, MAX_ROBOTS_BYTES)) {
        let is_rule = field.eq_ignore_ascii_case("allow") || field.eq_ignore_ascii_case("disallow");
        if !is_rule || reads_as_action(value) {
            continue;
        }
        if let Some(path) = robots_rule_prefix(value) {
            out.push(path);
        }
        if out.is_full() {
            break;
        }
    }
    out.finish()
}

/// `Sitemap:` values of a robots.txt, as written (absolute URLs or paths).
pub fn robots_sitemaps(text: &str) -> Vec<String> {
    let mut out = Collector::new(MAX_LEARNED);
    for (field, value) in robots_fields(head(text, MAX_ROBOTS_BYTES)) {
        if field.eq_ignore_ascii_case("sitemap") && is_clean_value(value) {
            out.push(value.to_string());
        }
        if out.is_full() {
            break;
        }
    }
    out.finish()
}

/// `<loc>` values of a sitemap or sitemap index (URLs; the caller scopes them).
pub fn sitemap_paths(xml: &str) -> Vec<String> {
    let xml = head(xml, MAX_DOCUMENT_BYTES);
    let lower = xml.to_ascii_lowercase();
    let mut out = Collector::new(MAX_LEARNED);
    let mut pos = 0;
    while !out.is_full() {
        let Some(found) = lower[pos..].find("loc>") else {
            break;
        };
        let name_end = pos + found;
        let value_start = name_end + "loc>".len();
        pos = value_start;
        if !is_loc_open_tag(lower.as_bytes(), name_end) {
            continue;
        }
        let Some((raw, next)) = element_text(xml, value_start) else {
            break;
        };
        pos = next;
        let value = decode_entities(raw.trim());
        if is_clean_value(&value) {
            out.push(value);
        }
    }
    out.finish()
}

/// Raw `href`, `src` and `action` values of an HTML page, directory listings
/// included (`<a href="api-2026-11-30.log">`). The caller resolves them against
/// the page URL. Fragments, `?sort` links, `javascript:`/`mailto:`/`data:`
/// values and `src` of images, fonts and stylesheets are skipped.
pub fn html_links(html: &str) -> Vec<String> {
    let mut out = Collector::new(MAX_LEARNED);
    for_each_attribute(head(html, MAX_DOCUMENT_BYTES), |_tag, attr, value| {
        let wanted = match attr {
            "href" | "action" => true,
            "src" => !has_asset_extension(value),
            _ => false,
        };
        if wanted && is_followable_link(value) {
            out.push(value.to_string());
        }
        !out.is_full()
    });
    out.finish()
}

/// `src` values of `<script>` tags only: the bundles worth reading with [`js_paths`].
pub fn script_srcs(html: &str) -> Vec<String> {
    let mut out = Collector::new(MAX_LEARNED);
    for_each_attribute(head(html, MAX_DOCUMENT_BYTES), |tag, attr, value| {
        if tag == "script" && attr == "src" && is_followable_link(value) {
            out.push(value.to_string());
        }
        !out.is_full()
    });
    out.finish()
}

/// Paths and absolute URLs in the string literals of a JavaScript bundle.
///
/// Literals that look like API paths (`/api`, `/v2`, `/graphql`, `/internal`,
/// `/admin`, `/debug`, ...) come first, then other plausible paths, then other
/// absolute URLs (the caller keeps only those on the target). Regex-looking
/// strings, date formats, `/` alone and paths of images, fonts and stylesheets
/// are dropped; query strings and fragments are cut off.
pub fn js_paths(js: &str) -> Vec<String> {
    let js = head(js, MAX_DOCUMENT_BYTES);
    let bytes = js.as_bytes();
    let mut api = Collector::new(MAX_LEARNED);
    let mut other_paths = Collector::new(MAX_LEARNED);
    let mut other_urls = Collector::new(MAX_LEARNED);
    for (open, &byte) in bytes.iter().enumerate() {
        if !matches!(byte, b'\'' | b'"' | b'`') || !may_open_path_literal(&bytes[open + 1..]) {
            continue;
        }
        let Some(literal) = js_literal_at(bytes, open) else {
            continue;
        };
        let Some(candidate) = js_candidate(&literal) else {
            continue;
        };
        match candidate {
            JsCandidate::Path(p) if has_api_marker(&p) => api.push(p),
            JsCandidate::Url { url, path_start } if has_api_marker(&url[path_start..]) => api.push(url),
            JsCandidate::Path(p) => other_paths.push(p),
            JsCandidate::Url { url, .. } => other_urls.push(url),
        }
        if api.is_full() {
            break;
        }
    }
    let mut out = api;
    for value in other_paths.finish().into_iter().chain(other_urls.finish()) {
        if out.is_full() {
            break;
        }
        out.push(value);
    }
    out.finish()
}

/// `<...>` targets of `Link` header values (`<https://x/api?page=2>; rel="next"`).
pub fn link_header_paths(values: &[&str]) -> Vec<String> {
    let mut out = Collector::new(MAX_LEARNED);
    for value in values.iter().take(MAX_LINK_HEADER_VALUES) {
        let mut rest = head(value, MAX_LINK_HEADER_BYTES);
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('>') else { break };
            let target = after[..close].trim();
            if is_clean_value(target) {
                out.push(target.to_string());
            }
            rest = &after[close + 1..];
        }
        if out.is_full() {
            break;
        }
    }
    out.finish()
}

/// Deduplicates in order of first appearance, drops actions, stops at a cap.
struct Collector {
    seen: HashSet<String>,
    out: Vec<String>,
    cap: usize,
}

impl Collector {
    fn new(cap: usize) -> Collector {
        Collector { seen: HashSet::new(), out: Vec::new(), cap }
    }

    fn push(&mut self, value: String) {
        if self.is_full() || reads_as_action(&value) || self.seen.contains(&value) {
            return;
        }
        self.seen.insert(value.clone());
        self.out.push(value);
    }

    fn is_full(&self) -> bool {
        self.out.len() >= self.cap
    }

    fn finish(self) -> Vec<String> {
        self.out
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char boundary.
fn head(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Lower-case words of `text`, split at non-alphanumerics and camelCase humps.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut current = String::new();
    let mut prev_lower = false;
    let mut chars = text.chars();
    std::iter::from_fn(move || loop {
        let Some(c) = chars.next() else {
            return (!current.is_empty()).then(|| std::mem::take(&mut current));
        };
        let hump = c.is_uppercase() && prev_lower;
        prev_lower = c.is_lowercase();
        if !c.is_alphanumeric() || hump {
            let word = std::mem::take(&mut current);
            if c.is_alphanumeric() {
                current.extend(c.to_lowercase());
            }
            if !word.is_empty() {
                return Some(word);
            }
        } else {
            current.extend(c.to_lowercase());
        }
    })
}

/// `https://host:8080/a/b?q` → `/a/b?q`; anything else unchanged.
fn strip_origin(value: &str) -> &str {
    let Some(scheme_end) = value.find("://") else {
        return value;
    };
    let authority = &value[scheme_end + 3..];
    match authority.find(['/', '?', '#']) {
        Some(i) => &authority[i..],
        None => "",
    }
}

/// `(field, value)` pairs of robots.txt lines, comments removed.
fn robots_fields(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines().filter_map(|line| {
        let line = line.split('#').next().unwrap_or_default();
        let (field, value) = line.split_once(':')?;
        Some((field.trim().trim_start_matches('\u{feff}'), value.trim()))
    })
}

/// The literal part of a robots rule, before any `*` or `$` wildcard, without
/// its query; `None` for `/` alone, empty rules and values that are not paths.
fn robots_rule_prefix(value: &str) -> Option<String> {
    let literal = value.split(['*', '$']).next().unwrap_or_default();
    let path = literal.split(['?', '#']).next().unwrap_or_default().trim();
    if path.is_empty() || path == "/" || !is_clean_value(path) || path.contains("://") {
        return None;
    }
    Some(if path.starts_with('/') { path.to_string() } else { format!("/{path}") })
}

/// Short, single-token values: no whitespace, no control characters.
fn is_clean_value(value: &str) -> bool {
    !value.is_empty() && value.len() <= MAX_VALUE_LEN && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Links a crawler may follow: not a fragment, sort link or pseudo-scheme.
fn is_followable_link(value: &str) -> bool {
    const PSEUDO_SCHEMES: &[&str] = &["javascript:", "mailto:", "tel:", "data:", "about:", "blob:", "sms:"];
    let lower = value.get(..12).unwrap_or(value).to_ascii_lowercase();
    is_clean_value(value) && !value.starts_with('#') && !value.starts_with('?') && !PSEUDO_SCHEMES.iter().any(|s| lower.starts_with(s))
}

fn has_asset_extension(value: &str) -> bool {
    let path = value.split(['?', '#']).next().unwrap_or_default();
    let file = path.rsplit('/').next().unwrap_or_default();
    match file.rsplit_once('.') {
        Some((_, ext)) => ASSET_EXTENSIONS.iter().any(|a| ext.eq_ignore_ascii_case(a)),
        None => false,
    }
}

/// True when `loc>` at `name_end` closes `<loc` or `<prefix:loc`, not `</loc`
/// or `<location`-like names.
fn is_loc_open_tag(lower: &[u8], name_end: usize) -> bool {
    let Some(mut i) = name_end.checked_sub(1) else {
        return false;
    };
    if lower[i] == b'<' {
        return true;
    }
    if lower[i] != b':' {
        return false;
    }
    // Walk back over a namespace prefix, at most a few dozen bytes.
    let stop = i.saturating_sub(32);
    while i > stop {
        i -= 1;
        match lower[i] {
            b'<' => return true,
            c if c.is_ascii_alphanumeric() || c == b'-' || c == b'_' => {}
            _ => return false,
        }
    }
    false
}

/// Text of an element starting at `start`: up to the next `<`, or the content
/// of a CDATA section. Returns the text and where scanning continues.
fn element_text(xml: &str, start: usize) -> Option<(&str, usize)> {
    let rest = &xml[start..];
    let trimmed = rest.trim_start();
    let skipped = rest.len() - trimmed.len();
    if let Some(cdata) = trimmed.strip_prefix("<![CDATA[") {
        let end = cdata.find("]]>")?;
        let text_start = start + skipped + "<![CDATA[".len();
        return Some((&cdata[..end], text_start + end + "]]>".len()));
    }
    let end = rest.find('<')?;
    Some((&rest[..end], start + end))
}

/// Decode the entities that occur in URLs inside HTML and XML.
fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    const ENTITIES: &[(&str, &str)] = &[
        ("&amp;", "&"),
        ("&quot;", "\""),
        ("&apos;", "'"),
        ("&#39;", "'"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&#47;", "/"),
        ("&#x2f;", "/"),
        ("&#x2F;", "/"),
    ];
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match ENTITIES.iter().find(|(entity, _)| rest.starts_with(entity)) {
            Some((entity, text)) => {
                out.push_str(text);
                rest = &rest[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Calls `visit(tag, attribute, value)` for every attribute with a value of
/// every start tag, names lower-cased, values entity-decoded and trimmed. Tags
/// inside comments count too: commented-out links are worth knowing. Stops
/// early when `visit` returns false. One pass over the input.
fn for_each_attribute(html: &str, mut visit: impl FnMut(&str, &str, &str) -> bool) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        i += offset + 1;
        if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_start = i;
        while bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':')) {
            i += 1;
        }
        let tag = html[name_start..i].to_ascii_lowercase();
        match scan_attributes(html, i, |attr, value| visit(&tag, attr, value)) {
            TagEnd::At(next) => i = next,
            TagEnd::Stop => return,
        }
    }
}

enum TagEnd {
    /// Scanning continues at this byte offset.
    At(usize),
    /// The input ended inside the tag, or the visitor asked to stop.
    Stop,
}

/// Reads `name=value` pairs from `start` to the tag's closing `>`.
fn scan_attributes(html: &str, start: usize, mut visit: impl FnMut(&str, &str) -> bool) -> TagEnd {
    let bytes = html.as_bytes();
    let mut i = start;
    loop {
        while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace() || *b == b'/') {
            i += 1;
        }
        match bytes.get(i) {
            None => return TagEnd::Stop,
            Some(b'>') => return TagEnd::At(i + 1),
            Some(_) => {}
        }
        let name_start = i;
        while bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/')) {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            continue; // an attribute without a value
        }
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let (raw, next) = match bytes.get(i) {
            Some(&quote @ (b'"' | b'\'')) => {
                // A quoted value runs to its closing quote, like in a browser; with
                // none left the rest of the document is inside it.
                let Some(len) = bytes[i + 1..].iter().position(|&b| b == quote) else {
                    return TagEnd::Stop;
                };
                (&html[i + 1..i + 1 + len], i + len + 2)
            }
            _ => {
                let len = bytes[i..].iter().position(|b| b.is_ascii_whitespace() || *b == b'>').unwrap_or(bytes.len() - i);
                (&html[i..i + len], i + len)
            }
        };
        i = next;
        if raw.len() > MAX_VALUE_LEN {
            continue;
        }
        let value = decode_entities(raw.trim());
        if !visit(&name, &value) {
            return TagEnd::Stop;
        }
    }
}

/// Cheap test on the bytes after a quote: could this literal be a path or URL?
fn may_open_path_literal(after_quote: &[u8]) -> bool {
    match after_quote {
        [b'/', b'/', ..] | [b'\\', b'/', b'\\', b'/', ..] => false,
        [b'/', ..] | [b'\\', b'/', ..] => true,
        [b'h' | b'H', b't' | b'T', b't' | b'T', b'p' | b'P', ..] => true,
        _ => false,
    }
}

/// The content of the string literal opened at `open`, with `\/` unescaped.
/// `None` for literals that are too long, span lines, hold other escapes,
/// non-ASCII text or `${` interpolation.
fn js_literal_at(bytes: &[u8], open: usize) -> Option<String> {
    let quote = bytes[open];
    let mut out = String::new();
    let mut i = open + 1;
    loop {
        let c = *bytes.get(i)?;
        if c == quote {
            return Some(out);
        }
        match c {
            b'\\' if bytes.get(i + 1) == Some(&b'/') => {
                out.push('/');
                i += 2;
            }
            b'$' if quote == b'`' && bytes.get(i + 1) == Some(&b'{') => return None,
            0x21..=0x7e if c != b'\\' => {
                out.push(char::from(c));
                i += 1;
            }
            _ => return None,
        }
        if out.len() > MAX_JS_LITERAL_LEN {
            return None;
        }
    }
}

enum JsCandidate {
    Path(String),
    Url { url: String, path_start: usize },
}

fn js_candidate(literal: &str) -> Option<JsCandidate> {
    let without_query = literal.split(['?', '#']).next().unwrap_or_default();
    let lower = without_query.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let after_scheme = without_query.find("://")? + 3;
        let host_len = without_query[after_scheme..].find('/').unwrap_or(without_query.len() - after_scheme);
        let host = &without_query[after_scheme..after_scheme + host_len];
        let path = &without_query[after_scheme + host_len..];
        let host_ok = !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
        let path_ok = path.is_empty() || path == "/" || is_plausible_path(path);
        return (host_ok && path_ok).then(|| JsCandidate::Url { url: without_query.to_string(), path_start: after_scheme + host_len });
    }
    is_plausible_path(without_query).then(|| JsCandidate::Path(without_query.to_string()))
}

/// A path a server might answer: path characters only, at least two
/// alphanumerics, no empty or dot segments, not a date format, not an asset.
fn is_plausible_path(path: &str) -> bool {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~/%:@{}".contains(&b);
    path.starts_with('/')
        && path != "/"
        && !path.contains("//")
        && path.bytes().all(allowed)
        && path.bytes().filter(u8::is_ascii_alphanumeric).count() >= 2
        && path.bytes().any(|b| b.is_ascii_alphabetic())
        && !path.split('/').any(|s| s == "." || s == "..")
        && !is_date_format(path)
        && !has_asset_extension(path)
}

/// `/yyyy/mm/dd`, `/DD/MM/YYYY` and the like: formats, not paths.
fn is_date_format(path: &str) -> bool {
    const DATE_TOKENS: &[&str] = &["y", "yy", "yyyy", "m", "mm", "mmm", "mmmm", "d", "dd", "ddd", "dddd", "h", "hh", "s", "ss"];
    path.split('/').filter(|s| !s.is_empty()).all(|s| DATE_TOKENS.iter().any(|t| s.eq_ignore_ascii_case(t)))
}

/// Segments that mark a path as part of an API or an app's back office.
fn has_api_marker(path: &str) -> bool {
    const MARKERS: &[&str] = &[
        "graphql",
        "gql",
        "internal",
        "admin",
        "debug",
        "rest",
        "rpc",
        "jsonrpc",
        "private",
        "auth",
        "oauth",
        "oauth2",
        "config",
        "env",
        "logs",
        "log",
        "metrics",
        "actuator",
        "management",
        "backend",
        "service",
        "services",
        "ws",
    ];
    path.split('/').any(|segment| {
        let s = segment.to_ascii_lowercase();
        s.starts_with("api") || is_version_segment(&s) || MARKERS.contains(&s.as_str())
    })
}

/// `v1` .. `v99`.
fn is_version_segment(segment: &str) -> bool {
    segment.strip_prefix('v').is_some_and(|n| (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) && n != "0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn robots_rules_become_paths_without_wildcards() {
        let robots = "User-agent: *\r\nDisallow: /logs/*.log\nDisallow: /\nDisallow:\nAllow: /public$\n\
                      Disallow: /private/ # staff only\nDISALLOW: /search?q=\nDisallow: /*/admin\n\
                      Disallow: request-logs/\nDisallow: /logs/*.log\n";
        assert_eq!(robots_paths(robots), ["/logs/", "/public", "/private/", "/search", "/request-logs/"]);
    }

    #[test]
    fn robots_rules_that_read_as_actions_are_dropped() {
        let robots = "Disallow: /logout\nDisallow: /index.php?action=delete\nDisallow: /admin/resetPassword\n\
                      Disallow: /runtime/\nDisallow: /address-book/\n";
        assert_eq!(robots_paths(robots), ["/runtime/", "/address-book/"]);
    }

    #[test]
    fn robots_sitemaps_are_returned_separately() {
        let robots = "\u{feff}Sitemap: https://example.com/sitemap.xml\nsitemap: /sitemap-2.xml\nDisallow: /x\n\
                      Sitemap: not a url\n";
        assert_eq!(robots_sitemaps(robots), ["https://example.com/sitemap.xml", "/sitemap-2.xml"]);
        assert_eq!(robots_paths(robots), ["/x"]);
    }

    #[test]
    fn sitemap_locations_are_read_with_cdata_and_entities() {
        let xml = r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>https://example.com/</loc></url>
            <url><LOC> https://example.com/a?x=1&amp;y=2 </LOC></url>
            <url><loc><![CDATA[https://example.com/b]]></loc></url>
            <url><sm:loc>https://example.com/c</sm:loc><location>nope</location></url>
            <url><loc>https://example.com/</loc></url>
            </urlset>"#;
        assert_eq!(sitemap_paths(xml), ["https://example.com/", "https://example.com/a?x=1&y=2", "https://example.com/b", "https://example.com/c"]);
    }

    #[test]
    fn sitemap_without_closing_tag_is_harmless() {
        assert!(sitemap_paths("<loc>https://example.com/a").is_empty());
        assert!(sitemap_paths("<loc><![CDATA[https://x/").is_empty());
        assert!(sitemap_paths("loc><loc>").is_empty());
    }

    #[test]
    fn html_links_include_listing_entries_and_forms() {
        let html = r##"<html><head><link rel=stylesheet href="/s.css"><script src='/static/app.js'></script></head>
            <body><h1>Index of /logs/</h1><a href="?C=N;O=D">Name</a> <a href="../">Parent</a>
            <a href="api-2026-11-30.log">api-2026-11-30.log</a> <A HREF=requests.log>x</A>
            <img src="/logo.png"> <form action="/search" method=get></form>
            <a href="#top">top</a> <a href="javascript:void(0)">js</a> <a href="mailto:a@b.c">m</a>
            <!-- <a href="/internal/status">old</a> -->
            <a href="/a?x=1&amp;y=2">q</a> <a href="/logout">bye</a></body></html>"##;
        assert_eq!(
            html_links(html),
            ["/s.css", "/static/app.js", "../", "api-2026-11-30.log", "requests.log", "/search", "/internal/status", "/a?x=1&y=2"]
        );
    }

    #[test]
    fn script_srcs_are_only_script_tags() {
        let html = r#"<script>var a = "<img src=/x.png>";</script><script defer src="/static/js/main.3f2a.js"></script>
            <img src="/y.js"><SCRIPT type=module SRC=/assets/index.js></SCRIPT><script src="data:text/javascript,1"></script>"#;
        assert_eq!(script_srcs(html), ["/static/js/main.3f2a.js", "/assets/index.js"]);
    }

    #[test]
    fn broken_html_is_harmless() {
        assert!(html_links("<a href=\"/never-closed").is_empty());
        assert!(html_links("<a href=").is_empty());
        assert!(html_links("<<<<a").is_empty());
        assert_eq!(html_links("<a href=/x"), ["/x"]);
        assert_eq!(html_links("<a b c=d href = '/y' >"), ["/y"]);
    }

    #[test]
    fn js_paths_prefer_api_literals() {
        let js = r#"const a="/static/logo.svg",b='/api/v2/users?page=1',c=`/internal/debug`,d="/",
            e=/\w+/g,f="text/html",g="</div>",h="/yyyy/mm/dd",i="https://cdn.example.net/lib.js",
            j="\/api\/orders",k=`/api/users/${id}`,l="/about",m="//cdn.x/y",n="https://target.example/api/v1/me",
            o="/api/v2/users",p="/fonts/x.woff2",q="/users/:id/profile",r="/a b",s="/admin/deleteUser";"#;
        assert_eq!(
            js_paths(js),
            [
                "/api/v2/users",
                "/internal/debug",
                "/api/orders",
                "https://target.example/api/v1/me",
                "/about",
                "/users/:id/profile",
                "https://cdn.example.net/lib.js"
            ]
        );
    }

    #[test]
    fn js_paths_stop_at_the_cap() {
        let js: String = (0..1000).map(|i| format!("\"/api/item{i}\",")).collect();
        let paths = js_paths(&js);
        assert_eq!(paths.len(), MAX_LEARNED);
        assert_eq!(paths[0], "/api/item0");
    }

    #[test]
    fn js_reads_only_the_first_two_mebibytes() {
        let mut js = "x".repeat(MAX_DOCUMENT_BYTES);
        js.push_str("\"/api/late\"");
        assert!(js_paths(&js).is_empty());
    }

    #[test]
    fn link_headers_yield_their_targets() {
        let values = [
            r#"<https://api.example.com/items?page=2>; rel="next", </items?page=9>; rel="last""#,
            "</docs/openapi.json>; rel=\"service-desc\"",
            "<broken",
            "<>; rel=x",
        ];
        assert_eq!(link_header_paths(&values), ["https://api.example.com/items?page=2", "/items?page=9", "/docs/openapi.json"]);
    }

    #[test]
    fn actions_are_recognised_by_whole_words() {
        for action in ["/logout", "/admin/resetPassword", "/db/drop_table", "/x?action=delete", "/api/users/create"] {
            assert!(reads_as_action(action), "{action}");
        }
        for safe in ["/runtime", "/address", "/addons", "/status", "/https://delete.example/x", "/startpage"] {
            assert!(!reads_as_action(safe), "{safe}");
        }
        assert!(!reads_as_action("https://delete.example.com/status"));
        assert!(reads_as_action("https://example.com/user/logout"));
    }

    #[test]
    fn multibyte_input_is_cut_on_a_char_boundary() {
        let text = "é".repeat(MAX_ROBOTS_BYTES);
        assert!(robots_paths(&text).is_empty());
        assert_eq!(head("aé", 2), "a");
    }

    #[test]
    fn hostile_documents_finish_and_stay_bounded() {
        let size = MAX_DOCUMENT_BYTES;
        let hostile = [
            "<a href=\"/x\" ".repeat(size / 12),
            "<a href='".repeat(size / 9),
            "<loc>/a</loc>".repeat(size / 13),
            "<sm:loc>".repeat(size / 8),
            "\"/'/`/".repeat(size / 6),
            format!("'/{}", "a".repeat(size)),
            "\"\\/".repeat(size / 3),
            "<".repeat(size),
        ];
        for text in &hostile {
            for list in [html_links(text), script_srcs(text), sitemap_paths(text), js_paths(text)] {
                assert!(list.len() <= MAX_LEARNED);
            }
        }
        let robots = "Disallow: /a*\n".repeat(MAX_ROBOTS_BYTES / 8);
        assert_eq!(robots_paths(&robots), ["/a"]);
        let huge = "<".repeat(MAX_LINK_HEADER_BYTES * 4);
        assert!(link_header_paths(&[huge.as_str()]).is_empty());
        let values: Vec<String> = (0..1000).map(|i| format!("</p{i}>")).collect();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        assert_eq!(link_header_paths(&values).len(), MAX_LINK_HEADER_VALUES);
    }

    proptest! {
        #[test]
        fn learners_never_panic_and_stay_bounded(text in ".{0,2000}") {
            for list in [
                robots_paths(&text),
                robots_sitemaps(&text),
                sitemap_paths(&text),
                html_links(&text),
                script_srcs(&text),
                js_paths(&text),
                link_header_paths(&[text.as_str()]),
            ] {
                prop_assert!(list.len() <= MAX_LEARNED);
                let unique: HashSet<_> = list.iter().collect();
                prop_assert_eq!(unique.len(), list.len());
            }
        }

        #[test]
        fn markup_soup_never_panics(parts in proptest::collection::vec(
            prop_oneof![
                Just("<a href=".to_string()), Just("\"".to_string()), Just("'".to_string()), Just(">".to_string()),
                Just("<loc>".to_string()), Just("</loc>".to_string()), Just("<![CDATA[".to_string()),
                Just("]]>".to_string()), Just("/api/x".to_string()), Just("\\/".to_string()), Just("`${".to_string()),
                Just("Disallow: ".to_string()), Just("\n".to_string()), Just("é".to_string()), Just("<".to_string()),
                Just("&amp;".to_string()), Just("https://".to_string()),
            ], 0..200)) {
            let text = parts.concat();
            let _ = (html_links(&text), sitemap_paths(&text), js_paths(&text), robots_paths(&text));
            let _ = link_header_paths(&[text.as_str()]);
        }
    }
}
