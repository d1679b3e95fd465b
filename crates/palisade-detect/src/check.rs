//! Rule self-check (examples and speed) and the synthetic benchmark corpus.

use crate::engine::Engine;
use palisade_core::mask::mask_secret;
use std::fmt;
use std::time::Instant;

/// Throughput floor for one rule alone, release builds only.
const MIN_RULE_MIB_PER_S: f64 = 50.0;

/// One way a rule failed its self-check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleCheckFailure {
    pub rule_id: String,
    /// What went wrong; example secrets appear masked only.
    pub problem: String,
}

impl fmt::Display for RuleCheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule_id, self.problem)
    }
}

pub(crate) fn check_rules(engine: &Engine) -> Vec<RuleCheckFailure> {
    let mut failures = Vec::new();
    for (idx, rule) in engine.rules.iter().enumerate() {
        let def = &rule.def;
        let mut fail = |problem: String| failures.push(RuleCheckFailure { rule_id: def.id.clone(), problem });
        if def.examples.len() < 2 {
            fail(format!("has {} positive examples, needs at least 2", def.examples.len()));
        }
        if def.negative_examples.len() < 2 {
            fail(format!("has {} negative examples, needs at least 2", def.negative_examples.len()));
        }
        for (n, ex) in def.examples.iter().enumerate() {
            let Some(start) = ex.input.find(&ex.secret) else {
                fail(format!("example {}: expected span {} does not occur in its input", n + 1, mask_secret(&ex.secret)));
                continue;
            };
            let end = start + ex.secret.len();
            let found: Vec<(usize, usize)> =
                engine.scan_raw(ex.input.as_bytes()).into_iter().filter(|m| m.rule as usize == idx).map(|m| (m.start, m.end)).collect();
            if !found.contains(&(start, end)) {
                fail(format!("example {}: expected span {start}..{end} ({}), found {found:?}", n + 1, mask_secret(&ex.secret)));
            }
        }
        for (n, neg) in def.negative_examples.iter().enumerate() {
            let hits: Vec<(usize, usize)> =
                engine.scan_raw(neg.as_bytes()).into_iter().filter(|m| m.rule as usize == idx).map(|m| (m.start, m.end)).collect();
            if !hits.is_empty() {
                fail(format!("negative example {} matched at {hits:?}", n + 1));
            }
        }
    }
    if !cfg!(debug_assertions) {
        let corpus = synthetic_corpus(1 << 20, 7);
        for (id, mib_s) in rule_throughput(engine, &corpus) {
            if mib_s < MIN_RULE_MIB_PER_S {
                failures
                    .push(RuleCheckFailure { rule_id: id, problem: format!("alone scans {mib_s:.0} MiB/s, floor is {MIN_RULE_MIB_PER_S} MiB/s") });
            }
        }
    }
    failures
}

pub(crate) fn rule_throughput(engine: &Engine, corpus: &[u8]) -> Vec<(String, f64)> {
    engine
        .rules
        .iter()
        .filter_map(|r| {
            let single = Engine::compile(vec![r.def.clone()]).ok()?;
            // Best of three, to be robust against a busy machine.
            let best = (0..3)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(single.scan_raw(corpus));
                    t.elapsed().as_secs_f64()
                })
                .fold(f64::INFINITY, f64::min);
            Some((r.def.id.clone(), corpus.len() as f64 / (1024.0 * 1024.0) / best.max(1e-9)))
        })
        .collect()
}

/// Deterministic mixed API traffic of about `size` bytes: JSON responses,
/// HTML pages, access and application logs, with a few fake secrets, PII
/// and a traceback planted. Used by the rule speed check and the benchmark.
pub fn synthetic_corpus(size: usize, seed: u64) -> Vec<u8> {
    let mut rng = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut out = Vec::with_capacity(size + 4096);
    let mut n = 0u64;
    while out.len() < size {
        n += 1;
        let id = rng.next() % 1_000_000;
        let hex = rng.hex(40);
        let uuid = format!("{}-{}-4{}-a{}-{}", rng.hex(8), rng.hex(4), rng.hex(3), rng.hex(3), rng.hex(12));
        let piece = match rng.next() % 8 {
            0 | 1 => format!(
                r#"{{"id":{id},"uuid":"{uuid}","name":"Widget {id}","sha":"{hex}","created_at":"2024-03-{:02}T10:{:02}:00Z","price":{}.{:02},"tags":["alpha","beta"],"owner":{{"id":{},"display_name":"team-{}"}},"links":{{"self":"/api/v1/widgets/{id}"}},"key_id":"ak_live_{}","token_type":"bearer","etag":"W/\"{}\""}}"#,
                1 + id % 28, id % 60, id % 500, id % 100, id / 7, id % 13, rng.hex(6), rng.hex(16)
            ),
            2 => format!(
                "<!DOCTYPE html><html><head><title>Dashboard {id}</title><link rel=\"stylesheet\" href=\"/static/app.{}.css\"></head><body><div class=\"container\"><h1>Orders</h1><table><tr><td>#{id}</td><td>shipped</td><td>{}.00</td></tr></table><p>Page generated in 12ms.</p></div><script src=\"/static/app.{}.js\"></script></body></html>\n",
                rng.hex(8), id % 900, rng.hex(8)
            ),
            3 => format!(
                "203.0.113.{} - - [12/Mar/2024:10:{:02}:{:02} +0000] \"GET /api/v1/items/{id}?page=2&sort=desc HTTP/1.1\" 200 {} \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" rt=0.0{}\n",
                id % 250, id % 60, (id / 60) % 60, id % 9000, id % 10
            ),
            4 => format!(
                "2024-03-12T10:00:{:02}.{:03}Z INFO  worker[{}] job={uuid} processed batch of {} records in {}ms checksum={hex}\n",
                id % 60, id % 1000, id % 16, id % 500, id % 3000
            ),
            5 => format!(
                "{{\"data\":[{{\"type\":\"article\",\"id\":\"{id}\",\"attributes\":{{\"title\":\"Release notes {}\",\"body\":\"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Version 2.{}.{} fixes caching.\",\"author\":\"editor\",\"image\":\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk{}\"}}}}],\"meta\":{{\"page\":{{\"next\":\"/articles?page[cursor]={}\"}}}}}}\n",
                id % 40, id % 10, id % 7, rng.hex(10), rng.hex(24)
            ),
            6 => format!(
                "DEBUG sqlalchemy.engine SELECT users.id, users.email_verified FROM users WHERE users.id = {id} LIMIT 1; params=() elapsed=0.{:03}s\n",
                id % 1000
            ),
            _ => format!(
                "function h{id}(e){{return e.map(function(t){{return t.id+\"-{}\"}}).filter(Boolean)}};var cfg={{\"apiBase\":\"/api\",\"retries\":3,\"timeoutMs\":{}}};\n",
                rng.hex(6), id % 10000
            ),
        };
        out.extend_from_slice(piece.as_bytes());
        // Roughly one planted finding per 32 pieces.
        if n.rem_euclid(32) == 0 {
            let planted = match rng.next() % 6 {
                0 => format!("{{\"key\": \"{}\", \"key_id\": \"ak_live_abc123\"}}\n", rng.hex(64)),
                1 => format!("{{\"stripe_key\":\"sk_live_{}\"}}\n", rng.alnum(24)),
                2 => format!("{{\"email\":\"jane.doe{id}@acme-mail.io\"}}\n"),
                3 => "Traceback (most recent call last):\n  File \"/app/api/views.py\", line 42, in get\n    raise KeyError(k)\nKeyError: 'x'\n"
                    .to_string(),
                4 => format!("DATABASE_URL=postgres://app:{}@db.internal:5432/app\n", rng.alnum(16)),
                _ => format!("Authorization: Bearer {}\n", rng.alnum(40)),
            };
            out.extend_from_slice(planted.as_bytes());
        }
    }
    out.truncate(size);
    out
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char).collect()
    }

    fn hex(&mut self, len: usize) -> String {
        self.pick(b"0123456789abcdef", len)
    }

    fn alnum(&mut self, len: usize) -> String {
        self.pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", len)
    }
}
