//! Compilation and the two-stage (keyword prefilter, windowed regex) scan.

use crate::keywords::{Hit, KeywordSearcher};
use crate::rules::RuleDef;
use crate::validate::{self, Candidate};
use crate::{DetectError, Kind, LineCounter, Match};
use palisade_core::mask::{fingerprint, mask_secret};
use palisade_core::{Confidence, Severity};
use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, PatternID};
use std::collections::{BTreeMap, HashMap};

/// Default bytes searched before / after a keyword hit.
const DEFAULT_WINDOW: [usize; 2] = [128, 512];
/// Longest excerpt kept for debug and internal matches.
const EXCERPT_MAX: usize = 80;

pub(crate) struct CompiledRule {
    pub def: RuleDef,
    re: Regex,
    secret_group: Option<usize>,
    ctx_group: Option<usize>,
    before: usize,
    after: usize,
    priority: i32,
}

pub(crate) struct Engine {
    pub rules: Vec<CompiledRule>,
    keywords: Option<KeywordSearcher>,
    /// For each keyword pattern, the rules it triggers.
    keyword_rules: Vec<Vec<u32>>,
    /// Rules without keywords: their regex runs over the whole input.
    full_scan: Vec<u32>,
    /// Largest `after` window: how far a match may extend past a keyword.
    pub max_window: usize,
}

/// A validated match before line numbers and masking.
#[derive(Clone, Debug)]
pub(crate) struct RawMatch {
    pub rule: u32,
    pub start: usize,
    pub end: usize,
    pub severity: Severity,
    pub confidence: Confidence,
    pub context: Option<String>,
    pub priority: i32,
}

impl Engine {
    pub(crate) fn compile(defs: Vec<RuleDef>) -> Result<Engine, DetectError> {
        let mut rules = Vec::with_capacity(defs.len());
        let mut keyword_index: HashMap<String, usize> = HashMap::new();
        let mut keyword_list: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<u32>> = Vec::new();
        let mut full_scan = Vec::new();
        let mut max_window = 0;
        for def in defs {
            // Secrets are ASCII: byte-oriented, ASCII-only classes keep every
            // rule on the fast DFA paths (Unicode \b makes DFAs give up on
            // non-ASCII input). Spans are snapped to char boundaries later.
            let re = Regex::builder()
                .syntax(syntax::Config::new().unicode(false).utf8(false))
                .build(&def.pattern)
                .map_err(|e| DetectError::Regex { file: def.source.clone(), rule_id: def.id.clone(), message: e.to_string() })?;
            let secret_group = re.group_info().to_index(PatternID::ZERO, "secret");
            let ctx_group = re.group_info().to_index(PatternID::ZERO, "ctx");
            let [before, after] = def.window.unwrap_or(DEFAULT_WINDOW);
            max_window = max_window.max(before).max(after);
            let idx = rules.len() as u32;
            if def.keywords.is_empty() {
                full_scan.push(idx);
            }
            for kw in &def.keywords {
                let key = kw.to_ascii_lowercase();
                let k = *keyword_index.entry(key.clone()).or_insert_with(|| {
                    keyword_list.push(key);
                    keyword_rules.push(Vec::new());
                    keyword_list.len() - 1
                });
                if !keyword_rules[k].contains(&idx) {
                    keyword_rules[k].push(idx);
                }
            }
            let priority = def.priority();
            rules.push(CompiledRule { def, re, secret_group, ctx_group, before, after, priority });
        }
        let keywords = if keyword_list.is_empty() { None } else { Some(KeywordSearcher::new(&keyword_list).map_err(DetectError::Keywords)?) };
        Ok(Engine { rules, keywords, keyword_rules, full_scan, max_window })
    }

    /// Every validated match of every rule, unsorted and with overlaps.
    pub(crate) fn scan_raw(&self, input: &[u8]) -> Vec<RawMatch> {
        let mut out = Vec::new();
        for &r in &self.full_scan {
            match self.rules[r as usize].def.prefilter.as_deref() {
                Some(kind) => {
                    for (lo, hi) in prefilter_windows(kind, input) {
                        self.run_rule(r, input, lo, hi, &mut out);
                    }
                }
                None => self.run_rule(r, input, 0, input.len(), &mut out),
            }
        }
        let Some(searcher) = &self.keywords else { return out };
        let mut hits: Vec<Hit> = Vec::new();
        searcher.find_all(input, &mut hits);
        // Per-rule open window, merged while hits keep overlapping it.
        let mut open: Vec<Option<(usize, usize)>> = vec![None; self.rules.len()];
        let mut windows: Vec<(u32, usize, usize)> = Vec::new();
        // Field-name rules: (rule, name start) of the last anchored attempt.
        let mut last_anchor: Vec<usize> = vec![usize::MAX; self.rules.len()];
        let mut caps_by_rule: Vec<Option<Captures>> = Vec::new();
        for hit in &hits {
            for &r in &self.keyword_rules[hit.pattern] {
                let rule = &self.rules[r as usize];
                if rule.def.anchor_field_name {
                    let start = field_name_start(input, hit.start, rule.before);
                    if last_anchor[r as usize] != start {
                        last_anchor[r as usize] = start;
                        if caps_by_rule.is_empty() {
                            caps_by_rule.resize_with(self.rules.len(), || None);
                        }
                        let caps = caps_by_rule[r as usize].get_or_insert_with(|| rule.re.create_captures());
                        self.run_anchored(r, input, start, caps, &mut out);
                    }
                    continue;
                }
                let lo = hit.start.saturating_sub(rule.before);
                let hi = (hit.end + rule.after).min(input.len());
                match &mut open[r as usize] {
                    Some((wlo, whi)) if lo <= *whi => {
                        *wlo = (*wlo).min(lo);
                        *whi = (*whi).max(hi);
                    }
                    slot => {
                        if let Some((wlo, whi)) = slot.take() {
                            windows.push((r, wlo, whi));
                        }
                        *slot = Some((lo, hi));
                    }
                }
            }
        }
        for (r, slot) in open.into_iter().enumerate() {
            if let Some((lo, hi)) = slot {
                windows.push((r as u32, lo, hi));
            }
        }
        for (r, lo, hi) in windows {
            self.run_rule(r, input, lo, hi, &mut out);
        }
        out
    }

    /// One anchored attempt of rule `r` starting exactly at `start`.
    fn run_anchored(&self, r: u32, input: &[u8], start: usize, caps: &mut Captures, out: &mut Vec<RawMatch>) {
        let rule = &self.rules[r as usize];
        let hi = (start + rule.before + rule.after).min(input.len());
        rule.re.search_captures(&Input::new(input).span(start..hi).anchored(Anchored::Yes), caps);
        if caps.is_match() {
            self.accept(r, input, caps, out);
        }
    }

    /// Run rule `r`'s regex over `input[lo..hi]` (look-around sees the
    /// surrounding bytes) and keep the candidates that pass every check.
    fn run_rule(&self, r: u32, input: &[u8], lo: usize, hi: usize, out: &mut Vec<RawMatch>) {
        let rule = &self.rules[r as usize];
        for caps in rule.re.captures_iter(Input::new(input).span(lo..hi)) {
            self.accept(r, input, &caps, out);
        }
    }

    /// Apply span, length, placeholder, entropy and validator checks to one regex match.
    fn accept(&self, r: u32, input: &[u8], caps: &Captures, out: &mut Vec<RawMatch>) {
        let rule = &self.rules[r as usize];
        let def = &rule.def;
        {
            let Some(whole) = caps.get_match() else {
                return;
            };
            let span = rule.secret_group.and_then(|g| caps.get_group(g)).unwrap_or(whole.span());
            let (start, end) = snap_to_chars(input, span.start, span.end);
            if start >= end {
                return;
            }
            let bytes = &input[start..end];
            if def.min_len.is_some_and(|n| bytes.len() < n) || def.max_len.is_some_and(|n| bytes.len() > n) {
                return;
            }
            let value = String::from_utf8_lossy(bytes);
            if def.kind == Kind::Secret && !def.allow_placeholders && validate::looks_placeholder(&value) {
                return;
            }
            if def.entropy.is_some_and(|floor| validate::shannon_entropy(bytes) < floor) {
                return;
            }
            let ctx_text = rule.ctx_group.and_then(|g| caps.get_group(g)).map(|s| String::from_utf8_lossy(&input[s.start..s.end]).into_owned());
            let mut m = RawMatch {
                rule: r,
                start,
                end,
                severity: def.severity,
                confidence: def.confidence.unwrap_or(Confidence::High),
                context: ctx_text.clone().or_else(|| def.context.clone()),
                priority: rule.priority,
            };
            if let Some(name) = &def.validator {
                let cand = Candidate { input, value: &value, start, end, ctx: ctx_text.as_deref() };
                let Some(verdict) = validate::run(name, &cand) else {
                    return;
                };
                if let Some(c) = verdict.confidence {
                    m.confidence = c;
                }
                if let Some(s) = verdict.severity {
                    m.severity = m.severity.max(s);
                }
                if let Some(c) = verdict.context {
                    m.context = Some(c);
                }
            }
            out.push(m);
        }
    }

    /// Build the public [`Match`]; `base` is the absolute offset of `input[0]`.
    pub(crate) fn to_match(&self, input: &[u8], base: usize, m: RawMatch, lines: &mut LineCounter<'_>) -> Match {
        let def = &self.rules[m.rule as usize].def;
        let bytes = &input[m.start..m.end];
        let value = String::from_utf8_lossy(bytes);
        let masked = match def.kind {
            Kind::Secret | Kind::Pii => mask_secret(&value),
            Kind::Debug | Kind::Internal => excerpt(&value),
        };
        let (line, column) = lines.locate(base + m.start);
        Match {
            rule_id: def.id.clone(),
            rule_name: def.name.clone(),
            kind: def.kind,
            severity: m.severity,
            start: base + m.start,
            end: base + m.end,
            line,
            column,
            masked,
            fingerprint: fingerprint(&value),
            context: m.context,
            confidence: m.confidence,
        }
    }
}

/// Start of the field name containing a keyword hit at `hit`: walk back over
/// name bytes (`[A-Za-z0-9_.-]`), at most `limit` bytes.
fn field_name_start(input: &[u8], hit: usize, limit: usize) -> usize {
    let floor = hit.saturating_sub(limit);
    let mut p = hit;
    while p > floor && matches!(input[p - 1], b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-') {
        p -= 1;
    }
    p
}

/// Candidate windows for keyword-less rules (see [`crate::prefilter`]):
/// `digits` = runs of 13+ digits with single space/dash separators (cards);
/// `iban` = two capitals then two digits at a word start.
fn prefilter_windows(kind: &str, input: &[u8]) -> Vec<(usize, usize)> {
    match kind {
        "digits" => crate::prefilter::digit_windows(input),
        "iban" => crate::prefilter::iban_windows(input),
        _ => Vec::new(),
    }
}

/// Shrink a span so both ends sit on UTF-8 char boundaries (no-op for ASCII).
fn snap_to_chars(input: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    let is_cont = |b: u8| (0x80..0xC0).contains(&b);
    while start < end && is_cont(input[start]) {
        start += 1;
    }
    while end > start && end < input.len() && is_cont(input[end]) {
        end -= 1;
    }
    (start, end)
}

/// At most [`EXCERPT_MAX`] bytes of `s`, cut on a char boundary, one line.
pub(crate) fn excerpt(s: &str) -> String {
    let mut cut = s.len().min(EXCERPT_MAX);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut e: String = s[..cut].chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if cut < s.len() {
        e.push('…');
    }
    e
}

/// Keep the most specific match among overlapping ones: higher priority,
/// then longer span, then higher severity; result sorted by start.
/// Matches compete only within a class: secrets and PII together, debug
/// alone, internal alone. A key inside a stack-trace line is reported as both
/// a secret and a debug leak, and a server path inside a stack frame as both a
/// debug leak and an internal detail (the two are scored separately).
impl Engine {
    pub(crate) fn resolve_overlaps(&self, found: &mut Vec<RawMatch>) {
        found.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then((b.end - b.start).cmp(&(a.end - a.start)))
                .then(b.severity.cmp(&a.severity))
                .then(a.start.cmp(&b.start))
                .then(a.rule.cmp(&b.rule))
        });
        let mut taken_by_class: [BTreeMap<usize, usize>; 3] = [BTreeMap::new(), BTreeMap::new(), BTreeMap::new()];
        let mut keep = Vec::with_capacity(found.len());
        for m in found.drain(..) {
            let class = match self.rules[m.rule as usize].def.kind {
                Kind::Secret | Kind::Pii => 0,
                Kind::Debug => 1,
                Kind::Internal => 2,
            };
            let taken = &mut taken_by_class[class];
            let before = taken.range(..=m.start).next_back().is_some_and(|(_, &e)| e > m.start);
            let after = taken.range(m.start..).next().is_some_and(|(&s, _)| s < m.end);
            if before || after {
                continue;
            }
            taken.insert(m.start, m.end);
            keep.push(m);
        }
        keep.sort_by_key(|m| (m.start, m.end));
        *found = keep;
    }
}
