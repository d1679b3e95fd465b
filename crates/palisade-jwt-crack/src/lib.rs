//! Offline search for the HMAC secret of a JWT (Palisade rule AU003).
//!
//! A token signed with `HS256`, `HS384` or `HS512` can be checked against a
//! candidate secret without talking to anyone: recompute the HMAC over the
//! signing input (`header.payload`) and compare it with the signature. If a
//! common secret verifies, anyone can mint tokens the API accepts. This crate
//! does only that search, fast (HMAC key setup dominates, so each guess is a
//! few SHA-2 compressions and no allocation), on all cores, and bounded by a
//! time budget so a scan never stalls on it.
//!
//! Candidates are, in order: the empty secret, mutations of words from the
//! target itself (spec title, host name, app name: see
//! [`Candidates::with_target_words`]), then the built-in list of about 175,000
//! common secrets (`data/common-secrets.txt`: JWT-specific secrets, common
//! passwords by popularity, names, dictionary words; sources and licences in
//! its header).
//!
//! ```
//! use palisade_jwt_crack::{crack, Budget, Candidates, Outcome, Token};
//! # use hmac::{Hmac, Mac};
//! let input = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0";
//! # let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"acme_jwt_secret").unwrap();
//! # mac.update(input);
//! # let signature = mac.finalize().into_bytes().to_vec();
//! let token = Token::new("HS256", input.to_vec(), signature).unwrap();
//! let candidates = Candidates::builtin().with_target_words(["Acme"]);
//! match crack(&token, &candidates, Budget::default()) {
//!     Outcome::Cracked { secret, .. } => assert_eq!(secret.as_bytes(), b"acme_jwt_secret"),
//!     other => panic!("{other:?}"),
//! }
//! ```
//!
//! A cracked [`Secret`] never prints itself: its `Debug` shows only its
//! length, so it cannot leak into logs by accident. Callers show it masked.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

mod fast;

/// The built-in candidate list, one per line, `#` lines are comments. See
/// `data/build-wordlist.py` for how it is made.
pub const COMMON_SECRETS: &str = include_str!("../data/common-secrets.txt");

/// Longest signing input accepted. Real tokens are a few hundred bytes; the
/// cap keeps one guess (one pass of SHA-2 over the input) cheap enough for
/// the deadline to be checked often.
pub const MAX_SIGNING_INPUT: usize = 1 << 20;

/// Default time budget: a few seconds per token.
pub const DEFAULT_TIME: Duration = Duration::from_secs(3);

/// Longest target word mutated (longer ones are not names anyone types).
const MAX_WORD_LEN: usize = 64;
/// Most target words used; the rest are ignored.
const MAX_WORDS: usize = 64;
/// Words joined to each target word.
const AFFIXES: &[&[&str]] = &[
    &["secret"],
    &["key"],
    &["jwt"],
    &["token"],
    &["jwt", "secret"],
    &["jwt", "key"],
    &["secret", "key"],
    &["token", "secret"],
    &["api", "key"],
    &["auth", "secret"],
    &["123"],
    &["2024"],
    &["2025"],
    &["2026"],
];
const SEPARATORS: &[&str] = &["_", "-", ""];

/// Why a token cannot be searched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Only HMAC-signed tokens have a secret to guess; RS/ES/PS tokens are
    /// signed with a private key and `none` has no signature at all.
    #[error("alg `{0}` is not HMAC (HS256, HS384 or HS512): there is no shared secret to guess")]
    UnsupportedAlg(String),
    /// The signature cannot be an HMAC of this algorithm, so no secret can match.
    #[error("a {alg} signature is {expected} bytes, this one is {got}")]
    SignatureLength { alg: Alg, expected: usize, got: usize },
    /// The signing input is over [`MAX_SIGNING_INPUT`].
    #[error("signing input of {0} bytes is over the {MAX_SIGNING_INPUT}-byte limit")]
    SigningInputTooLong(usize),
}

/// The HMAC algorithms a JWT can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    Hs256,
    Hs384,
    Hs512,
}

impl Alg {
    /// The JOSE name (`HS256`, ...), matched exactly as RFC 7518 spells it.
    pub fn from_name(name: &str) -> Result<Alg, Error> {
        match name {
            "HS256" => Ok(Alg::Hs256),
            "HS384" => Ok(Alg::Hs384),
            "HS512" => Ok(Alg::Hs512),
            other => Err(Error::UnsupportedAlg(other.chars().take(32).collect())),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Alg::Hs256 => "HS256",
            Alg::Hs384 => "HS384",
            Alg::Hs512 => "HS512",
        }
    }

    /// Signature length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Alg::Hs256 => 32,
            Alg::Hs384 => 48,
            Alg::Hs512 => 64,
        }
    }

    /// HMAC of `input` under `key` ([`Alg::output_len`] bytes): signs test
    /// tokens, and lets callers re-sign a token once its secret is known.
    pub fn sign(self, key: &[u8], input: &[u8]) -> Vec<u8> {
        fn mac<M: Mac + KeyInit>(key: &[u8], input: &[u8]) -> Vec<u8> {
            let mut m = <M as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
            m.update(input);
            m.finalize().into_bytes().to_vec()
        }
        match self {
            Alg::Hs256 => mac::<Hmac<sha2::Sha256>>(key, input),
            Alg::Hs384 => mac::<Hmac<sha2::Sha384>>(key, input),
            Alg::Hs512 => mac::<Hmac<sha2::Sha512>>(key, input),
        }
    }
}

impl std::fmt::Display for Alg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What is needed to test a guess: the signed bytes, the signature, the alg.
/// Decoding the compact JWT is the caller's job (it already has the parts).
#[derive(Clone)]
pub struct Token {
    alg: Alg,
    signing_input: Vec<u8>,
    signature: Vec<u8>,
}

impl Token {
    /// `alg` is the header's `alg` string; `signing_input` the ASCII bytes of
    /// `header.payload`; `signature` the base64url-decoded third part.
    /// Refuses non-HMAC algs, impossible signature lengths and oversized inputs.
    pub fn new(alg: &str, signing_input: impl Into<Vec<u8>>, signature: impl Into<Vec<u8>>) -> Result<Token, Error> {
        let alg = Alg::from_name(alg)?;
        let (signing_input, signature) = (signing_input.into(), signature.into());
        if signature.len() != alg.output_len() {
            return Err(Error::SignatureLength { alg, expected: alg.output_len(), got: signature.len() });
        }
        if signing_input.len() > MAX_SIGNING_INPUT {
            return Err(Error::SigningInputTooLong(signing_input.len()));
        }
        Ok(Token { alg, signing_input, signature })
    }

    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// Whether `secret` signs this token.
    pub fn verifies(&self, secret: &[u8]) -> bool {
        match self.alg {
            Alg::Hs256 => matches::<Hmac<sha2::Sha256>>(secret, &self.signing_input, &self.signature),
            Alg::Hs384 => matches::<Hmac<sha2::Sha384>>(secret, &self.signing_input, &self.signature),
            Alg::Hs512 => matches::<Hmac<sha2::Sha512>>(secret, &self.signing_input, &self.signature),
        }
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token").field("alg", &self.alg).field("signing_input_len", &self.signing_input.len()).finish_non_exhaustive()
    }
}

/// One guess: HMAC key setup, one pass over the input, compare. Everything on
/// the stack; the comparison need not be constant-time (this is offline).
#[inline]
fn matches<M: Mac + KeyInit>(key: &[u8], input: &[u8], sig: &[u8]) -> bool {
    let Ok(mut mac) = <M as KeyInit>::new_from_slice(key) else { return false };
    mac.update(input);
    mac.finalize().into_bytes().as_slice() == sig
}

/// The built-in list, split once per process.
fn builtin_list() -> &'static [&'static [u8]] {
    static LIST: OnceLock<Vec<&'static [u8]>> = OnceLock::new();
    LIST.get_or_init(|| COMMON_SECRETS.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::as_bytes).collect())
}

/// The secrets to try, in order: the empty secret, target-word mutations,
/// any extra words, then (unless built with [`Candidates::only`]) the
/// built-in list. Cheap to build; the built-in list is shared, not copied.
#[derive(Clone)]
pub struct Candidates {
    /// Tried first, in order; starts with the empty secret.
    first: Vec<Box<[u8]>>,
    builtin: &'static [&'static [u8]],
}

impl Candidates {
    /// The empty secret and the built-in list.
    pub fn builtin() -> Candidates {
        Candidates { first: vec![Box::default()], builtin: builtin_list() }
    }

    /// Only the empty secret and `words` as given (tests, custom lists).
    pub fn only<I, S>(words: I) -> Candidates
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let mut c = Candidates { first: vec![Box::default()], builtin: &[] };
        c.first.extend(words.into_iter().map(|w| Box::from(w.as_ref())));
        c
    }

    /// Adds mutations of words from the target (spec title, host name
    /// labels, app name), tried before the built-in list because teams name
    /// secrets after their product: for each word, as given, lower case,
    /// Capitalised and UPPER case, alone and joined with `secret`, `key`,
    /// `jwt`, `token`, `jwt_secret`, `secret_key`, `api_key`, `123`,
    /// `2024`..`2026` (and a few more) by `_`, `-` or nothing, either side.
    /// Words are trimmed; empty and over-long ones are skipped.
    pub fn with_target_words<I, S>(mut self, words: I) -> Candidates
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut seen: HashSet<Box<[u8]>> = self.first.iter().cloned().collect();
        let mut push = |s: String, out: &mut Vec<Box<[u8]>>| {
            let b: Box<[u8]> = s.into_bytes().into_boxed_slice();
            if seen.insert(b.clone()) {
                out.push(b);
            }
        };
        let mut added = Vec::new();
        for word in words.into_iter().take(MAX_WORDS) {
            let word = word.as_ref().trim();
            if word.is_empty() || word.len() > MAX_WORD_LEN {
                continue;
            }
            for case in [Case::AsIs, Case::Lower, Case::Capital, Case::Upper] {
                let w = case.apply(word);
                push(w.clone(), &mut added);
                for affix in AFFIXES {
                    for sep in SEPARATORS {
                        let parts: Vec<String> = affix.iter().map(|a| case.apply(a)).collect();
                        let tail = parts.join(sep);
                        push(format!("{w}{sep}{tail}"), &mut added);
                        push(format!("{tail}{sep}{w}"), &mut added);
                    }
                }
            }
        }
        self.first.extend(added);
        self
    }

    /// How many guesses a full pass makes.
    pub fn len(&self) -> usize {
        self.first.len() + self.builtin.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th candidate.
    #[inline]
    fn get(&self, i: usize) -> &[u8] {
        match self.first.get(i) {
            Some(c) => c,
            None => self.builtin[i - self.first.len()],
        }
    }

    /// Where `secret` is in the order (for tests and reports).
    pub fn position(&self, secret: &[u8]) -> Option<usize> {
        (0..self.len()).find(|&i| self.get(i) == secret)
    }
}

impl std::fmt::Debug for Candidates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Candidates").field("first", &self.first.len()).field("builtin", &self.builtin.len()).finish()
    }
}

#[derive(Clone, Copy)]
enum Case {
    AsIs,
    Lower,
    Capital,
    Upper,
}

impl Case {
    fn apply(self, w: &str) -> String {
        match self {
            Case::AsIs => w.to_string(),
            Case::Lower => w.to_lowercase(),
            Case::Upper => w.to_uppercase(),
            Case::Capital => {
                let lower = w.to_lowercase();
                let mut chars = lower.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            }
        }
    }
}

/// How long to search and on how many threads.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Wall-clock limit for the whole search.
    pub time: Duration,
    /// Worker threads; `None` = [`std::thread::available_parallelism`].
    pub threads: Option<NonZeroUsize>,
}

impl Budget {
    /// `time` on all cores.
    pub fn time(time: Duration) -> Budget {
        Budget { time, threads: None }
    }

    /// The same budget on `n` threads (at least one).
    pub fn threads(self, n: usize) -> Budget {
        Budget { threads: NonZeroUsize::new(n.max(1)), ..self }
    }
}

impl Default for Budget {
    /// [`DEFAULT_TIME`] on all cores.
    fn default() -> Budget {
        Budget::time(DEFAULT_TIME)
    }
}

/// A found secret. `Debug` shows only its length; read it with
/// [`Secret::as_bytes`] or [`Secret::to_str`] and show it masked.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The secret as text, if it is UTF-8 (every built-in candidate is).
    pub fn to_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret(<{} bytes>)", self.0.len())
    }
}

/// How a search ended. `tried` counts guesses made (all threads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Cracked {
        secret: Secret,
        tried: u64,
        elapsed: Duration,
    },
    /// Every candidate was tried; none verifies.
    Exhausted {
        tried: u64,
        elapsed: Duration,
    },
    /// The budget ran out first.
    OutOfTime {
        tried: u64,
        elapsed: Duration,
    },
}

impl Outcome {
    pub fn secret(&self) -> Option<&Secret> {
        match self {
            Outcome::Cracked { secret, .. } => Some(secret),
            _ => None,
        }
    }

    pub fn tried(&self) -> u64 {
        match self {
            Outcome::Cracked { tried, .. } | Outcome::Exhausted { tried, .. } | Outcome::OutOfTime { tried, .. } => *tried,
        }
    }

    pub fn elapsed(&self) -> Duration {
        match self {
            Outcome::Cracked { elapsed, .. } | Outcome::Exhausted { elapsed, .. } | Outcome::OutOfTime { elapsed, .. } => *elapsed,
        }
    }
}

/// Guesses a worker claims at a time.
const CHUNK: usize = 2048;

/// Try `candidates` against `token` on `budget.threads` threads until one
/// verifies, all are tried, or `budget.time` is up. The empty secret is
/// always tried, even with a zero budget. Blocks the calling thread.
pub fn crack(token: &Token, candidates: &Candidates, budget: Budget) -> Outcome {
    let (input, sig) = (&token.signing_input[..], &token.signature[..]);
    // Keys up to a block take the fast path; longer ones (hashed first) the `hmac` crate.
    match token.alg {
        Alg::Hs256 => {
            let keys = fast::Sha256Keys::new(input, sig);
            search(token, candidates, budget, |k| if k.len() <= 64 { keys.matches(k) } else { matches::<Hmac<sha2::Sha256>>(k, input, sig) })
        }
        Alg::Hs384 => {
            let keys = fast::Sha512Keys::new_384(input, sig);
            search(token, candidates, budget, |k| if k.len() <= 128 { keys.matches(k) } else { matches::<Hmac<sha2::Sha384>>(k, input, sig) })
        }
        Alg::Hs512 => {
            let keys = fast::Sha512Keys::new_512(input, sig);
            search(token, candidates, budget, |k| if k.len() <= 128 { keys.matches(k) } else { matches::<Hmac<sha2::Sha512>>(k, input, sig) })
        }
    }
}

fn search(token: &Token, candidates: &Candidates, budget: Budget, guess: impl Fn(&[u8]) -> bool + Sync) -> Outcome {
    let started = Instant::now();
    let deadline = started.checked_add(budget.time);
    let total = candidates.len();
    let threads = budget.threads.or_else(|| std::thread::available_parallelism().ok()).map_or(1, NonZeroUsize::get).min(total.div_ceil(CHUNK)).max(1);
    // Look at the clock about every 50 µs of work: often for long inputs.
    let check_every = (256 * 1024 / (token.signing_input.len() + 64)).clamp(1, 256);

    let next = AtomicUsize::new(0);
    let found = AtomicUsize::new(usize::MAX);
    let stop = AtomicBool::new(false);
    let out_of_time = AtomicBool::new(false);
    let tried = AtomicU64::new(0);
    let work = || {
        while !stop.load(Ordering::Relaxed) {
            let start = next.fetch_add(CHUNK, Ordering::Relaxed);
            if start >= total {
                break;
            }
            let end = (start + CHUNK).min(total);
            let mut n = 0u64;
            // Blocks of `check_every` guesses, the clock read between blocks
            // (not before the very first guess: the empty secret is always tried).
            let mut i = start;
            'chunk: while i < end {
                if i != 0 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        out_of_time.store(true, Ordering::Relaxed);
                        stop.store(true, Ordering::Relaxed);
                        break;
                    }
                }
                let block_end = (i + check_every).min(end);
                for j in i..block_end {
                    n += 1;
                    if guess(candidates.get(j)) {
                        found.fetch_min(j, Ordering::Relaxed);
                        stop.store(true, Ordering::Relaxed);
                        break 'chunk;
                    }
                }
                i = block_end;
            }
            tried.fetch_add(n, Ordering::Relaxed);
        }
    };
    if threads == 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(work);
            }
        });
    }

    let (tried, elapsed) = (tried.load(Ordering::Relaxed), started.elapsed());
    match found.load(Ordering::Relaxed) {
        usize::MAX if out_of_time.load(Ordering::Relaxed) => Outcome::OutOfTime { tried, elapsed },
        usize::MAX => Outcome::Exhausted { tried, elapsed },
        i => Outcome::Cracked { secret: Secret(candidates.get(i).to_vec()), tried, elapsed },
    }
}

#[cfg(test)]
mod tests;
