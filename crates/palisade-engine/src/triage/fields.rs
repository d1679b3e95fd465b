//! Reading each field of an operation for signs that it changes state, and
//! for signs that it only reads.

use super::lexicon::{analyze, is_determiner, is_object, is_read, is_read_head, lookup, phrasal, Class, Form, Hit, Token};
use super::{vocab, words, Field};

/// Only this much of each field is read, so huge specs cost bounded time.
const MAX_PATH: usize = 2048;
const MAX_SEGMENTS: usize = 64;
const MAX_SEGMENT_WORDS: usize = 8;
const MAX_QUERY_PAIRS: usize = 16;
const MAX_OPERATION_ID: usize = 256;
const MAX_IDENTIFIER_WORDS: usize = 16;
const MAX_SUMMARY: usize = 1024;
const MAX_DESCRIPTION: usize = 4096;
const MAX_SENTENCE_WORDS: usize = 64;
const MAX_TAGS: usize = 32;
const MAX_TAG: usize = 128;

/// One sign that an operation changes state.
pub(crate) struct Signal {
    pub field: Field,
    pub word: String,
    pub reason: String,
    /// A weak signal gives way to a read verb in the operation's main fields.
    pub strong: bool,
}

/// What the fields say, in field order.
#[derive(Default)]
pub(crate) struct Reading {
    pub signals: Vec<Signal>,
    /// The path's action, the operationId or the summary names a read ("get",
    /// "list", "export"), or the description says it is read-only.
    pub read: bool,
}

impl Reading {
    fn push(&mut self, field: Field, word: impl Into<String>, reason: String, strong: bool) {
        self.signals.push(Signal { field, word: word.into(), reason, strong });
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn head(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

fn capped_words(text: &str, max: usize) -> Vec<String> {
    let mut ws = words(text);
    ws.truncate(max);
    ws
}

// ---------------------------------------------------------------------------
// Path segments and tags

/// Where a name sits, which decides how much a noun-like verb counts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The last static path segment, possibly followed by `{param}`s.
    Last { after_param: bool, at_end: bool },
    /// The method of a dotted RPC segment (`chat.postMessage`), verbs by convention.
    Rpc,
    /// Any other static path segment: a namespace unless it is clearly an action.
    Middle,
    /// A tag: a group name, read like a middle segment.
    Tag,
}

/// An action found in a name.
struct Action {
    word: String,
    /// "reads as the verb 'create' (compound 'create'+'db')".
    how: String,
    /// False for a lone word that is also a noun (`/repos/{repo}/import`,
    /// `/gists/{id}/star`): it gives way to a read verb elsewhere ("Get an
    /// import status").
    strong: bool,
}

fn reads_as(word: &str, t: &Token) -> Action {
    let strong = t.split.is_some() || matches!(t.hit.verb.class, Class::Verb | Class::Adjective);
    Action { word: word.to_string(), how: format!("reads as the verb '{}'{}", t.hit.verb.base, t.detail()), strong }
}

/// Whether a plain base form counts in this role.
fn base_counts(class: Class, role: Role) -> bool {
    match role {
        Role::Last { after_param, at_end } => class != Class::MostlyNoun || (after_param && at_end),
        Role::Rpc => true,
        Role::Middle | Role::Tag => class == Class::Verb,
    }
}

/// The action a segment or tag names, if any. `text` is the name as written,
/// `ws` its words.
fn action(text: &str, ws: &[String], role: Role) -> Option<Action> {
    if ws.is_empty() {
        return None;
    }
    if let Some(t) = analyze(&ws.concat()) {
        // "runs", "running", "sent", "migrations": nouns and adjectives.
        let counts = t.hit.form == Form::Base && (t.split.is_some() || base_counts(t.hit.verb.class, role));
        if counts {
            return Some(reads_as(text, &t));
        }
        if ws.len() == 1 {
            return None;
        }
    }
    if ws.len() < 2 {
        return None;
    }
    // A leading verb with an object: "execute-solution", "mark-as-read". Path
    // names are nouns first, so a verb before a noun of its own is a noun
    // phrase: "init-status", "delete-preview".
    if let Some(hit) = lookup(&ws[0]).filter(|h| h.form == Form::Base) {
        let next = ws[1].as_str();
        let counts = !is_read_head(next)
            && match hit.verb.class {
                Class::Verb => true,
                Class::Adjective => is_object(next) || role == Role::Rpc,
                Class::NounLike => is_object(next) || vocab::PARTICLES.contains(&next) || role == Role::Rpc,
                Class::MostlyNoun => is_object(next) || next == "as" || role == Role::Rpc,
            };
        if counts {
            let how = format!("starts with the verb '{}'", hit.verb.base);
            return Some(Action { word: ws[0].clone(), how, strong: true });
        }
    }
    // A never-noun verb closing the last segment: "force-delete".
    if matches!(role, Role::Last { .. } | Role::Rpc) {
        let last = ws.last().map(String::as_str).unwrap_or_default();
        if let Some(hit) = lookup(last).filter(|h| h.form == Form::Base && h.verb.class == Class::Verb) {
            let how = format!("ends with the verb '{}'", hit.verb.base);
            return Some(Action { word: last.to_string(), how, strong: true });
        }
    }
    None
}

fn names_read(ws: &[String]) -> bool {
    ws.first().is_some_and(|w| is_read(w)) || ws.last().is_some_and(|w| is_read(w)) || is_read(&ws.concat())
}

enum Seg<'a> {
    Param,
    /// A file name (`backup.zip`): not an action.
    File,
    Static {
        /// The part judged.
        text: &'a str,
        /// The segment as written, for the reason.
        shown: &'a str,
        note: String,
        rpc: bool,
    },
}

fn is_param(seg: &str) -> bool {
    seg.starts_with(['{', ':', '<', '*', '$']) || seg.contains(['{', '<'])
}

/// Classify one `/`-separated piece of a path.
fn classify<'a>(seg: &'a str, out: &mut Vec<Seg<'a>>) {
    let plain = |text: &'a str| Seg::Static { text, shown: seg, note: String::new(), rpc: false };
    // Custom methods: `{name}:cancel`, `jobs:run`.
    if let Some((left, method)) = seg.rsplit_once(':') {
        if !method.is_empty() && method.chars().all(|c| c.is_ascii_alphanumeric()) && !left.is_empty() {
            out.push(if is_param(left) { Seg::Param } else { plain(left) });
            out.push(plain(method));
            return;
        }
    }
    if is_param(seg) {
        out.push(Seg::Param);
        return;
    }
    if let Some((stem, ext)) = seg.rsplit_once('.') {
        let lower = ext.to_ascii_lowercase();
        if vocab::STATIC_EXTENSIONS.contains(&lower.as_str()) {
            out.push(Seg::File);
        } else if vocab::SCRIPT_EXTENSIONS.contains(&lower.as_str()) {
            out.push(Seg::Static { text: stem, shown: seg, note: format!(" (script extension '.{ext}' stripped)"), rpc: false });
        } else if stem.is_empty() || ext.is_empty() {
            out.push(plain(seg));
        } else {
            // `chat.postMessage`: a namespace and a method.
            out.push(Seg::Static { text: ext, shown: seg, note: String::new(), rpc: true });
        }
        return;
    }
    out.push(plain(seg));
}

/// The path: its action segment, middle segments that are clearly actions,
/// and `?action=` style query values.
pub(crate) fn path(method: &str, path: &str, out: &mut Reading) {
    let raw = head(path, MAX_PATH);
    let (raw, query) = match raw.split_once('?') {
        Some((p, q)) => (p, Some(q.split('#').next().unwrap_or_default())),
        None => (raw.split('#').next().unwrap_or_default(), None),
    };
    let mut segs = Vec::new();
    for s in raw.split('/').filter(|s| !s.is_empty()).take(MAX_SEGMENTS) {
        classify(s, &mut segs);
    }
    let last = segs.iter().rposition(|s| !matches!(s, Seg::Param));
    for (i, seg) in segs.iter().enumerate() {
        let Seg::Static { text, shown, note, rpc } = seg else { continue };
        let ws = capped_words(text, MAX_SEGMENT_WORDS);
        let is_last = Some(i) == last;
        let role = match (is_last, *rpc) {
            (true, true) => Role::Rpc,
            (true, false) => Role::Last { after_param: i > 0 && matches!(segs[i - 1], Seg::Param), at_end: i + 1 == segs.len() },
            (false, _) => Role::Middle,
        };
        if let Some(a) = action(text, &ws, role) {
            let reason = format!("{method} operation whose path segment '{shown}' {}{note}", a.how);
            out.push(Field::Path, a.word, reason, a.strong);
        } else if is_last && names_read(&ws) {
            out.read = true;
        }
    }
    for pair in query.unwrap_or_default().split('&').take(MAX_QUERY_PAIRS) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !vocab::ACTION_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
            continue;
        }
        let ws = capped_words(value, MAX_SEGMENT_WORDS);
        if let Some(a) = action(value, &ws, Role::Last { after_param: true, at_end: true }) {
            let reason = format!("{method} operation whose path query '{pair}' {}", a.how);
            out.push(Field::Path, a.word, reason, a.strong);
        }
    }
}

/// Tags group operations; only a compound or a never-noun verb there says
/// anything about this operation, and only weakly.
pub(crate) fn tags(method: &str, tags: &[String], out: &mut Reading) {
    for tag in tags.iter().take(MAX_TAGS) {
        let tag = head(tag, MAX_TAG);
        let ws = capped_words(tag, MAX_SEGMENT_WORDS);
        if let Some(a) = action(tag, &ws, Role::Tag) {
            let reason = format!("{method} operation whose tag '{tag}' {}", a.how);
            out.push(Field::Tag, a.word, reason, false);
        }
    }
}

// ---------------------------------------------------------------------------
// operationId

/// Whether a token leading an identifier is an order ("deleteUser", "syncNow")
/// rather than a noun ("runsList", "importStatus", "postDetails").
fn leads_identifier(t: &Token, next: Option<&str>, trailing_read: bool) -> bool {
    match t.hit.form {
        Form::Base => {}
        Form::Third => return t.hit.unambiguous_third(),
        _ => return false,
    }
    if t.split.is_some() {
        return true;
    }
    let noun_next = next.is_some_and(is_read_head);
    match t.hit.verb.class {
        Class::Verb => true,
        Class::NounLike | Class::Adjective => !trailing_read && !noun_next,
        Class::MostlyNoun => !trailing_read && next.is_some() && !noun_next,
    }
}

/// The verb leading `ws`, alone or glued to the next word ("signOut", "dbInit").
fn leading_identifier(ws: &[String]) -> Option<(String, Token)> {
    let trailing_read = ws.len() >= 2 && ws.last().is_some_and(|w| is_read(w));
    if let Some(t) = analyze(&ws[0]) {
        if leads_identifier(&t, ws.get(1).map(String::as_str), trailing_read) {
            return Some((ws[0].clone(), t));
        }
    }
    if ws.len() >= 2 {
        let joined = ws[..2].concat();
        if let Some(t) = analyze(&joined) {
            if leads_identifier(&t, ws.get(2).map(String::as_str), trailing_read) {
                return Some((joined, t));
            }
        }
    }
    None
}

/// The operationId: its leading word after any module prefix, or a trailing
/// Django-REST style action.
pub(crate) fn operation_id(method: &str, id: &str, out: &mut Reading) {
    let raw = head(id, MAX_OPERATION_ID);
    // `api_views.main.populate_db`, `pulls/check-if-merged`, `UserController@destroy`.
    let name = raw.rsplit(['.', '/', ':', '@', '#', '\\']).find(|s| !s.trim().is_empty()).unwrap_or(raw);
    let ws = capped_words(name, MAX_IDENTIFIER_WORDS);
    if ws.is_empty() {
        return;
    }
    if is_read(&ws[0]) {
        out.read = true;
        // "getAndDeleteMessage"
        if ws.len() >= 3 && matches!(ws[1].as_str(), "and" | "then" | "or") {
            if let Some((word, t)) = leading_identifier(&ws[2..]) {
                let reason = format!("{method} operation whose operationId '{name}' goes on with the verb '{word}'{}", t.detail());
                out.push(Field::OperationId, word, reason, true);
            }
        }
        return;
    }
    if let Some((word, t)) = leading_identifier(&ws) {
        let reason = format!("{method} operation whose operationId '{name}' starts with the verb '{word}'{}", t.detail());
        out.push(Field::OperationId, word, reason, true);
        return;
    }
    if ws.len() < 2 {
        return;
    }
    // `runs_create`, `jobs_run`, `jobs_run_now`.
    let last = &ws[ws.len() - 1];
    if is_read(last) {
        out.read = true;
        return;
    }
    let tail2 = ws[ws.len() - 2..].concat();
    for word in [last.as_str(), tail2.as_str()] {
        if let Some(t) = analyze(word) {
            let plain = t.split.is_none() && t.hit.verb.class != Class::MostlyNoun;
            if t.hit.form == Form::Base && (plain || t.split.is_some()) {
                let reason = format!("{method} operation whose operationId '{name}' ends with the action '{word}'{}", t.detail());
                out.push(Field::OperationId, word, reason, true);
                return;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Summary and description

enum Tok {
    Word(String),
    /// A clause break (`:`, brackets, a spaced dash): a new leading verb may follow.
    Break,
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &["etc", "vs", "eg", "ie", "approx", "incl", "cf", "resp"];

/// Split prose into sentences of lower-case word tokens and clause breaks.
fn sentences(text: &str) -> Vec<Vec<Tok>> {
    let mut out = Vec::new();
    let mut cur: Vec<Tok> = Vec::new();
    let mut word = String::new();
    let mut count = 0;
    let chars: Vec<char> = text.chars().collect();
    let flush = |word: &mut String, cur: &mut Vec<Tok>, count: &mut usize| {
        if !word.is_empty() {
            if *count < MAX_SENTENCE_WORDS {
                cur.push(Tok::Word(std::mem::take(word)));
                *count += 1;
            } else {
                word.clear();
            }
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let prev = if i > 0 { chars.get(i - 1).copied() } else { None };
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
            continue;
        }
        if matches!(c, '\'' | '\u{2019}') && !word.is_empty() && next.is_some_and(char::is_alphabetic) {
            word.push('\'');
            continue;
        }
        let abbreviation = c == '.' && (word.chars().count() == 1 || ABBREVIATIONS.contains(&word.as_str()));
        flush(&mut word, &mut cur, &mut count);
        let spaced = next.is_none_or(char::is_whitespace);
        let end = match c {
            '.' | '!' | '?' => spaced && !abbreviation,
            ';' | '\n' => true,
            _ => false,
        };
        if end {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            count = 0;
        } else if matches!(c, ':' | '(' | ')' | '\u{2014}' | '\u{2013}' | '|') || (c == '-' && spaced && prev.is_some_and(char::is_whitespace)) {
            cur.push(Tok::Break);
        }
    }
    flush(&mut word, &mut cur, &mut count);
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Prefixes written with a hyphen ("re-creates", "un-subscribe").
const PREFIXES: &[&str] = &["re", "un", "de", "pre"];

/// The words of a sentence, with the indices where clauses start.
fn clauses(toks: Vec<Tok>) -> (Vec<String>, Vec<usize>) {
    let mut ws: Vec<String> = Vec::new();
    let mut starts = vec![0];
    let mut toks = toks.into_iter().peekable();
    while let Some(tok) = toks.next() {
        match tok {
            Tok::Break => {
                if starts.last() != Some(&ws.len()) {
                    starts.push(ws.len());
                }
            }
            Tok::Word(w) => {
                if PREFIXES.contains(&w.as_str()) {
                    if let Some(Tok::Word(n)) = toks.peek() {
                        let joined = format!("{w}{n}");
                        if lookup(&joined).is_some() {
                            toks.next();
                            ws.push(joined);
                            continue;
                        }
                    }
                }
                ws.push(w);
            }
        }
    }
    (ws, starts)
}

fn skip_fillers(ws: &[String], mut i: usize, end: usize) -> usize {
    for _ in 0..8 {
        let rest = &ws[i..end];
        let Some(f) = vocab::FILLERS.iter().find(|f| rest.len() > f.len() && rest.iter().zip(f.iter()).all(|(a, b)| a == b)) else {
            break;
        };
        i += f.len();
    }
    i
}

/// A verb leading a clause at `i`, if the word there acts as one.
fn leading_verb(ws: &[String], i: usize, end: usize) -> Option<(String, Hit)> {
    let w = ws[i].as_str();
    let next = (i + 1 < end).then(|| ws[i + 1].as_str());
    if let Some(n) = next {
        if let Some(hit) = phrasal(w, n).filter(|h| matches!(h.form, Form::Base | Form::Third)) {
            return Some((format!("{w} {n}"), hit));
        }
        if vocab::NOUN_COMPOUNDS.contains(&(w, n)) {
            return None;
        }
    }
    let hit = lookup(w)?;
    let takes_object = |n: &str| is_determiner(n) || is_object(n);
    let then_particle = (i + 2 < end) && matches!(ws[i + 2].as_str(), "from" | "into" | "to");
    let counts = match (hit.form, hit.verb.class) {
        (Form::Base, Class::Verb) => true,
        (Form::Base, Class::Adjective) => next.is_none_or(takes_object),
        (Form::Base, Class::NounLike) => next.is_none_or(|n| takes_object(n) || vocab::PARTICLES.contains(&n) || (then_particle && !is_read_head(n))),
        (Form::Base, Class::MostlyNoun) => next.is_some_and(|n| takes_object(n) || n == "as"),
        (Form::Third, Class::Verb | Class::Adjective) => true,
        (Form::Third, _) => next.is_some_and(takes_object),
        (Form::Gerund, Class::Verb) => next.is_some_and(takes_object),
        _ => false,
    };
    counts.then(|| (w.to_string(), hit))
}

fn matches_at(ws: &[String], j: usize, phrase: &[&str]) -> bool {
    ws.len() >= j + phrase.len() && ws[j..j + phrase.len()].iter().zip(phrase).all(|(a, b)| a == b)
}

/// Whether the words at `j..j+len` are negated: a negator just before them
/// in the same clause, or "free"/"none" just after ("side-effect free").
fn negated(ws: &[String], clause_start: usize, j: usize, len: usize) -> bool {
    let before = &ws[j.saturating_sub(3).max(clause_start)..j];
    let after = &ws[(j + len).min(ws.len())..(j + len + 2).min(ws.len())];
    before.iter().any(|w| vocab::NEGATORS.contains(&w.as_str())) || after.iter().any(|w| w == "free" || w == "none")
}

/// A summary or description: each sentence's leading verb, phrases anywhere,
/// and unambiguous third-person verbs anywhere.
pub(crate) fn prose(method: &str, field: Field, text: &str, out: &mut Reading) {
    let cap = if field == Field::Summary { MAX_SUMMARY } else { MAX_DESCRIPTION };
    let name = field.name();
    let mut first_words: Option<Vec<String>> = None;
    let mut first_has_verb = false;
    for (si, toks) in sentences(head(text, cap)).into_iter().enumerate() {
        let (ws, starts) = clauses(toks);
        if ws.is_empty() {
            continue;
        }
        let clause_of = |j: usize| starts.iter().rev().find(|&&s| s <= j).copied().unwrap_or(0);
        let mut leading = Vec::new();
        for (ci, &s) in starts.iter().enumerate() {
            let end = starts.get(ci + 1).copied().unwrap_or(ws.len());
            if s >= end {
                continue;
            }
            let mut i = skip_fillers(&ws, s, end);
            let opening = si == 0 && ci == 0;
            let mut verbs = Vec::new();
            if is_read(&ws[i]) && leading_verb(&ws, i, end).is_none() {
                if si == 0 {
                    out.read = true;
                }
                first_has_verb |= opening;
            } else if let Some(v) = leading_verb(&ws, i, end) {
                verbs.push(v);
            } else {
                continue;
            }
            leading.push(i);
            // "Creates and populates ...", "Get and delete ...".
            if i + 2 < end && matches!(ws[i + 1].as_str(), "and" | "then" | "or") {
                i += 2;
                if let Some(v) = leading_verb(&ws, i, end) {
                    leading.push(i);
                    verbs.push(v);
                }
            }
            for (n, (word, hit)) in verbs.into_iter().enumerate() {
                first_has_verb |= opening;
                let strong = opening || (field == Field::Summary && ci == 0) || hit.verb.strong_in_prose;
                let reason = match (opening, n) {
                    (true, 0) => format!("{method} operation whose {name} starts with the verb '{word}'"),
                    (false, 0) => format!("{method} operation whose {name} starts a sentence with the verb '{word}'"),
                    _ => format!("{method} operation whose {name} says '{word}'"),
                };
                out.push(field, word, reason, strong);
            }
        }
        for j in 0..ws.len() {
            let clause = clause_of(j);
            for phrase in vocab::PHRASES {
                if matches_at(&ws, j, phrase) {
                    if negated(&ws, clause, j, phrase.len()) {
                        out.read = true;
                    } else {
                        let said = phrase.join(" ");
                        let reason = format!("{method} operation whose {name} says '{said}'");
                        out.push(field, said, reason, true);
                    }
                }
            }
            for phrase in vocab::READ_PHRASES {
                if matches_at(&ws, j, phrase) && !negated(&ws, clause, j, phrase.len()) {
                    out.read = true;
                }
            }
            // Passive: "All data will be deleted", "the schema is dropped".
            if lookup(&ws[j]).is_some_and(|h| h.form == Form::Past && h.verb.strong_in_prose) {
                let future = j >= 2 && ws[j - 2] == "will" && ws[j - 1] == "be";
                let present = j >= 1 && matches!(ws[j - 1].as_str(), "is" | "are" | "gets" | "get");
                if (future || present) && !negated(&ws, clause, j.saturating_sub(2).max(clause), 1) {
                    let said = format!("{} {}", if future { "will be" } else { ws[j - 1].as_str() }, ws[j]);
                    let reason = format!("{method} operation whose {name} says '{said}'");
                    out.push(field, said, reason, future);
                }
            }
            if leading.contains(&j) {
                continue;
            }
            if let Some(hit) = lookup(&ws[j]).filter(Hit::unambiguous_third) {
                if !negated(&ws, clause, j, 1) {
                    let reason = format!("{method} operation whose {name} says '{}'", ws[j]);
                    out.push(field, ws[j].clone(), reason, hit.verb.strong_in_prose);
                }
            }
        }
        if si == 0 {
            first_words = Some(ws);
        }
    }
    // "Database creation", "Cache flushing": a short noun phrase naming a process.
    if field == Field::Summary && !first_has_verb {
        if let Some(ws) = first_words.filter(|ws| ws.len() <= 5) {
            let last = ws.last().map(String::as_str).unwrap_or_default();
            if let Some(hit) = lookup(last) {
                let process = (hit.form == Form::Noun && hit.process) || (hit.form == Form::Gerund && hit.verb.strong_in_prose);
                if process {
                    let reason = format!("{method} operation whose {name} names the action '{last}' ('{}')", hit.verb.base);
                    out.push(field, last, reason, true);
                }
            }
        }
    }
}
