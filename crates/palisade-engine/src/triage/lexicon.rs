//! Word forms: which verb a word is a form of, and how a word splits into a
//! verb and an object.
//!
//! Forms are generated forward from each base form (e-drop, consonant
//! doubling, y → ies/ied, irregulars) into one table built on first use, so a
//! word is recognised only if it is exactly an inflection of a listed verb:
//! "creation" is "create", "runes" is not "run".

use super::vocab;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// How a verb's base form behaves in names and prose; see [`vocab`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Never a noun: "delete", "wipe", "populate".
    Verb,
    /// Also an adjective: "clear", "empty".
    Adjective,
    /// Also a common noun: "run", "import", "sync".
    NounLike,
    /// Mostly a noun: "post", "set", "block".
    MostlyNoun,
}

/// Which form of its verb a word is. The order is the preference when one
/// spelling is two forms ("reset" is a base form before it is a past).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Form {
    /// "create"
    Base,
    /// "creates"
    Third,
    /// "creating"
    Gerund,
    /// "created", "sent"
    Past,
    /// "creation", "notifications"
    Noun,
}

#[derive(Debug)]
pub(crate) struct Verb {
    pub base: &'static str,
    pub class: Class,
    /// Its third-person form is a red flag anywhere in prose.
    pub strong_in_prose: bool,
}

/// A word recognised as a form of a verb.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    pub verb: &'static Verb,
    pub form: Form,
    /// A derived noun that names a one-off process ("creation").
    pub process: bool,
}

impl Hit {
    /// Whether this form reads as a verb even mid-sentence: a third-person
    /// form that is not also a plural noun ("creates", not "runs").
    pub fn unambiguous_third(&self) -> bool {
        self.form == Form::Third && matches!(self.verb.class, Class::Verb | Class::Adjective)
    }
}

struct Lexicon {
    verbs: Vec<Verb>,
    forms: HashMap<String, (usize, Form, bool)>,
    phrasal: HashMap<(String, &'static str), (usize, Form)>,
    reads: HashSet<String>,
    objects: HashSet<&'static str>,
}

fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(build)
}

fn build() -> Lexicon {
    let mut verbs: Vec<Verb> = Vec::new();
    for group in vocab::GROUPS {
        for &base in *group {
            if verbs.iter().any(|v| v.base == base) {
                continue;
            }
            let class = if vocab::MOSTLY_NOUNS.contains(&base) {
                Class::MostlyNoun
            } else if vocab::NOUN_LIKE.contains(&base) {
                Class::NounLike
            } else if vocab::ADJECTIVES.contains(&base) {
                Class::Adjective
            } else {
                Class::Verb
            };
            verbs.push(Verb { base, class, strong_in_prose: vocab::PROSE_STRONG.contains(&base) });
        }
    }
    let mut forms: HashMap<String, (usize, Form, bool)> = HashMap::new();
    let mut insert = |word: String, entry: (usize, Form, bool)| match forms.get(&word) {
        Some(old) if old.1 <= entry.1 => {}
        _ => {
            forms.insert(word, entry);
        }
    };
    for (i, v) in verbs.iter().enumerate() {
        for (word, form) in inflections(v.base) {
            insert(word, (i, form, false));
        }
    }
    let index = |base: &str| verbs.iter().position(|v| v.base == base);
    for &(form, base) in vocab::IRREGULAR {
        if let Some(i) = index(base) {
            insert(form.to_string(), (i, Form::Past, false));
        }
    }
    for &(noun, base, process) in vocab::DERIVED_NOUNS {
        if let Some(i) = index(base) {
            insert(noun.to_string(), (i, Form::Noun, process));
            insert(format!("{noun}s"), (i, Form::Noun, false));
        }
    }
    let mut phrasal = HashMap::new();
    for &(head, particle, verb) in vocab::PHRASAL {
        let Some(i) = index(verb) else { continue };
        let irregular = vocab::PHRASAL_IRREGULAR.iter().filter(|(_, h)| *h == head).map(|(f, _)| (f.to_string(), Form::Past));
        for (word, form) in inflections(head).into_iter().chain(irregular) {
            phrasal.entry((word, particle)).or_insert((i, form));
        }
    }
    let mut reads = HashSet::new();
    for &r in vocab::READ_VERBS {
        for (word, form) in inflections(r) {
            if matches!(form, Form::Base | Form::Third | Form::Gerund) {
                reads.insert(word);
            }
        }
    }
    Lexicon { verbs, forms, phrasal, reads, objects: vocab::OBJECTS.iter().copied().collect() }
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Whether the final consonant doubles before -ed/-ing ("run" → "running").
fn doubles(base: &str) -> bool {
    if vocab::DOUBLING.contains(&base) {
        return true;
    }
    let s = base.as_bytes();
    let n = s.len();
    if n < 3 {
        return false;
    }
    let (c0, v, c1) = (s[n - 3], s[n - 2], s[n - 1]);
    let cvc = !is_vowel(c0) && is_vowel(v) && !is_vowel(c1) && !matches!(c1, b'w' | b'x' | b'y');
    let syllables = s.iter().enumerate().filter(|(i, &c)| is_vowel(c) && (*i == 0 || !is_vowel(s[i - 1]))).count();
    cvc && syllables == 1
}

/// Every regular form of a base: base, third person, gerund, past, with both
/// spellings where the consonant may double.
fn inflections(base: &str) -> Vec<(String, Form)> {
    let b = base.as_bytes();
    let n = b.len();
    let last = b[n - 1];
    let consonant_y = last == b'y' && n >= 2 && !is_vowel(b[n - 2]);
    let stem = &base[..n - 1];
    let mut out = vec![(base.to_string(), Form::Base)];
    let third = if ["s", "x", "z", "ch", "sh"].iter().any(|e| base.ends_with(e)) || (last == b'o' && !base.ends_with("oo")) {
        format!("{base}es")
    } else if consonant_y {
        format!("{stem}ies")
    } else {
        format!("{base}s")
    };
    out.push((third, Form::Third));
    if base.ends_with("ie") {
        out.push((format!("{}ying", &base[..n - 2]), Form::Gerund));
    } else if last == b'e' && !["ee", "ye", "oe"].iter().any(|e| base.ends_with(e)) {
        out.push((format!("{stem}ing"), Form::Gerund));
    } else {
        out.push((format!("{base}ing"), Form::Gerund));
    }
    if last == b'e' {
        out.push((format!("{base}d"), Form::Past));
    } else if consonant_y {
        out.push((format!("{stem}ied"), Form::Past));
    } else {
        out.push((format!("{base}ed"), Form::Past));
    }
    if doubles(base) {
        let c = last as char;
        out.push((format!("{base}{c}ing"), Form::Gerund));
        out.push((format!("{base}{c}ed"), Form::Past));
    }
    out
}

/// The verb `word` is a form of, if any.
pub(crate) fn lookup(word: &str) -> Option<Hit> {
    let lex = lexicon();
    lex.forms.get(word).map(|&(i, form, process)| Hit { verb: &lex.verbs[i], form, process })
}

/// The verb of a two-word phrasal verb ("logs out"), if any.
pub(crate) fn phrasal(head: &str, particle: &str) -> Option<Hit> {
    let lex = lexicon();
    let particle = vocab::PHRASAL.iter().find(|p| p.1 == particle)?.1;
    lex.phrasal.get(&(head.to_string(), particle)).map(|&(i, form)| Hit { verb: &lex.verbs[i], form, process: false })
}

/// A read action in base, third-person or -ing form ("get", "lists").
pub(crate) fn is_read(word: &str) -> bool {
    lexicon().reads.contains(word)
}

pub(crate) fn is_object(word: &str) -> bool {
    lexicon().objects.contains(word)
}

pub(crate) fn is_read_head(word: &str) -> bool {
    vocab::READ_HEADS.contains(&word)
}

pub(crate) fn is_determiner(word: &str) -> bool {
    vocab::DETERMINERS.contains(&word)
}

/// One word read as an action: a form of a verb, alone or glued to objects.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub hit: Hit,
    /// For a compound, its verb and object parts in order ("create", "db").
    pub split: Option<(String, String)>,
}

impl Token {
    /// " (compound 'create'+'db')", or nothing for a plain word.
    pub fn detail(&self) -> String {
        match &self.split {
            Some((a, b)) => format!(" (compound '{a}'+'{b}')"),
            None => String::new(),
        }
    }
}

/// Longest word split for compounds; longer words are not split.
const MAX_COMPOUND: usize = 40;

/// `word` as a verb form, or as a compound of a verb's base form and one or
/// two object words, in either order ("createdb", "flushall", "dbinit",
/// "resetalldata"). Object-first compounds do not take mostly-noun verbs
/// ("jobpost" is a noun).
pub(crate) fn analyze(word: &str) -> Option<Token> {
    if word.is_empty() || vocab::LEXICAL_NOUNS.contains(&word) {
        return None;
    }
    if let Some(hit) = lookup(word) {
        return Some(Token { hit, split: None });
    }
    if !word.is_ascii() || word.len() > MAX_COMPOUND {
        return None;
    }
    // Verb first, longest verb first.
    for i in (2..word.len()).rev() {
        let (left, right) = word.split_at(i);
        if let Some(hit) = lookup(left).filter(|h| h.form == Form::Base) {
            if objects(right) {
                return Some(Token { hit, split: Some((left.into(), right.into())) });
            }
        }
    }
    // Object first.
    for i in 1..word.len() - 1 {
        let (left, right) = word.split_at(i);
        if objects(left) {
            if let Some(hit) = lookup(right).filter(|h| h.form == Form::Base && h.verb.class != Class::MostlyNoun) {
                return Some(Token { hit, split: Some((left.into(), right.into())) });
            }
        }
    }
    None
}

/// One object word, or two glued together ("alldata").
fn objects(s: &str) -> bool {
    is_object(s) || (1..s.len()).any(|i| is_object(&s[..i]) && is_object(&s[i..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(w: &str) -> Option<(&'static str, Form)> {
        lookup(w).map(|h| (h.verb.base, h.form))
    }

    #[test]
    fn inflections_follow_english_spelling() {
        assert_eq!(form("creating"), Some(("create", Form::Gerund)));
        assert_eq!(form("creation"), Some(("create", Form::Noun)));
        assert_eq!(form("running"), Some(("run", Form::Gerund)));
        assert_eq!(form("dropped"), Some(("drop", Form::Past)));
        assert_eq!(form("banned"), Some(("ban", Form::Past)));
        assert_eq!(form("notifies"), Some(("notify", Form::Third)));
        assert_eq!(form("notified"), Some(("notify", Form::Past)));
        assert_eq!(form("notifications"), Some(("notify", Form::Noun)));
        assert_eq!(form("empties"), Some(("empty", Form::Third)));
        assert_eq!(form("ran"), Some(("run", Form::Past)));
        assert_eq!(form("sent"), Some(("send", Form::Past)));
        assert_eq!(form("paid"), Some(("pay", Form::Past)));
        assert_eq!(form("rebuilt"), Some(("rebuild", Form::Past)));
        assert_eq!(form("cancelled"), Some(("cancel", Form::Past)));
        assert_eq!(form("canceled"), Some(("cancel", Form::Past)));
        assert_eq!(form("reset"), Some(("reset", Form::Base)));
        assert_eq!(form("flushes"), Some(("flush", Form::Third)));
        assert_eq!(form("undoes"), Some(("undo", Form::Third)));
        assert_eq!(form("runes"), None);
        assert_eq!(form("settings"), None);
        assert!(phrasal("logs", "out").is_some_and(|h| h.verb.base == "logout" && h.form == Form::Third));
        assert!(phrasal("shutting", "down").is_some_and(|h| h.verb.base == "shutdown"));
    }

    #[test]
    fn compounds_need_an_object() {
        let split = |w: &str| analyze(w).and_then(|t| t.split);
        assert_eq!(split("createdb"), Some(("create".into(), "db".into())));
        assert_eq!(split("dbinit"), Some(("db".into(), "init".into())));
        assert_eq!(split("resetpassword"), Some(("reset".into(), "password".into())));
        assert_eq!(split("resetalldata"), Some(("reset".into(), "alldata".into())));
        for w in ["runtime", "runbook", "important", "sendgrid", "dropbox", "settings", "payments", "payouts", "jobpost"] {
            assert!(analyze(w).is_none_or(|t| t.hit.form != Form::Base), "{w}");
        }
    }
}
