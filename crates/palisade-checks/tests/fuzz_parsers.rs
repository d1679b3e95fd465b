//! Fuzz-style property tests for the parsers in palisade-checks that read
//! target-controlled bytes, through their public functions:
//!
//! * JSON id harvesting: `bola::list_ids` (BO002, BO003 take object ids from
//!   list responses) and `mass_assignment_active::sample_from_schema` /
//!   `key_reveal::key_material_property` (walk spec schemas).
//! * GraphQL answers: `graphql::is_batch_answer` (IV011). The error/suggestion
//!   parsing (`error_messages`, `typename`) is private and only reachable
//!   through a scan: `tests/fuzz_graphql_scan.rs` covers it end to end.
//! * JWTs found in responses: `jwt::find_jwts`, `Jwt::parse`, `Jwt::crack`,
//!   `Jwt::forged_none`.
//! * Error and answer judging: `injection::error_signals`, `html_context`,
//!   `Shape::of`, `boolean_signal`, `ssrf::judge_internal`,
//!   `key_reveal::forbids_storage`, `creation_reveal_finding`.
//!
//! Hostile input modelled: a target answers with anything. Bodies are random
//! bytes, JSON nested to the parser's limit, lists whose "ids" are objects,
//! huge numbers or long strings, GraphQL answers with the wrong shape, text
//! packed with `eyJ` so every position looks like a token start, and headers
//! with arbitrary values. A panic would kill a check (and lose its findings);
//! slow parsing would stall the scan. So every property asserts: no panic, a
//! bounded time, and a bounded, well-formed result.
//!
//! Runtime: a few seconds in a debug build; set `PALISADE_FUZZ_SCALE=N` to
//! run N times as many cases.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use palisade_checks::checks::authentication::jwt::{find_jwts, Jwt};
use palisade_checks::checks::data_exposure::key_reveal::{creation_reveal_finding, forbids_storage, key_material_property};
use palisade_checks::checks::input_validation::graphql::is_batch_answer;
use palisade_checks::checks::input_validation::injection::{boolean_signal, error_signals, html_context, Shape};
use palisade_checks::checks::property_authorization::mass_assignment::sample_from_schema;
use palisade_checks::checks::ssrf::probes::{judge_internal, InternalEvidence};
use palisade_checks::checks::support::list_ids;
use palisade_http::{ProbeRequest, Response, Url};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

fn config(default_cases: u32) -> ProptestConfig {
    palisade_testkit::fuzz::config(default_cases, 256)
}

/// Slowest acceptable call on one (at most ~100 KiB) input, debug build, busy box.
const MAX_TIME: Duration = Duration::from_secs(3);
/// Budget for one `crack`, under [`MAX_TIME`].
const CRACK_TIME: Duration = Duration::from_secs(2);

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    let started = Instant::now();
    let out = f();
    let elapsed = started.elapsed();
    prop_assert!(elapsed < MAX_TIME, "{what} took {elapsed:?}");
    Ok(out)
}

// ---------------------------------------------------------------------------
// JSON generators.
// ---------------------------------------------------------------------------

const KEYS: &[&str] = &[
    "id",
    "uuid",
    "user_id",
    "key",
    "data",
    "items",
    "results",
    "errors",
    "message",
    "path",
    "extensions",
    "locations",
    "__typename",
    "type",
    "properties",
    "example",
    "default",
    "enum",
    "allOf",
    "oneOf",
    "anyOf",
    "readOnly",
    "minItems",
    "minimum",
    "format",
    "token",
    "client_secret",
    "password",
    "role",
    "",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        Just(json!(u64::MAX)),
        Just(json!(f64::MAX)),
        Just(json!("")),
        "[a-z0-9_-]{0,12}".prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        (0usize..1000).prop_map(|n| Value::from("x".repeat(n))),
        Just(json!("object")),
        Just(json!("array")),
        Just(json!("string")),
        Just(json!("integer")),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((prop_oneof![prop::sample::select(KEYS).prop_map(str::to_string), "[a-z]{1,6}"], inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// `depth` nested arrays or objects around `leaf`, as text (a `Value` this
/// deep would be dropped recursively by the test itself).
fn nested_text(depth: usize, objects: bool, leaf: &str) -> String {
    if objects {
        format!("{}{leaf}{}", "{\"id\":".repeat(depth), "}".repeat(depth))
    } else {
        format!("{}{leaf}{}", "[".repeat(depth), "]".repeat(depth))
    }
}

/// Bodies a target might send: valid JSON, mutated JSON, deep JSON, bytes.
fn body_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => json_value().prop_map(|v| v.to_string().into_bytes()),
        2 => (json_value(), any::<Index>(), prop::collection::vec(any::<u8>(), 0..8)).prop_map(|(v, at, junk)| {
            let mut b = v.to_string().into_bytes();
            let i = at.index(b.len() + 1);
            b.splice(i..i, junk);
            b
        }),
        1 => (json_value(), any::<Index>()).prop_map(|(v, at)| {
            let b = v.to_string().into_bytes();
            b[..at.index(b.len() + 1)].to_vec()
        }),
        1 => (1usize..300, any::<bool>()).prop_map(|(d, o)| nested_text(d, o, "1").into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

// ---------------------------------------------------------------------------
// bola::list_ids
// ---------------------------------------------------------------------------

/// Total elements of every array in `v` (an upper bound on harvested ids).
fn array_elements(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.len() + a.iter().map(array_elements).sum::<usize>(),
        Value::Object(m) => m.values().map(array_elements).sum(),
        _ => 0,
    }
}

fn check_ids(body: &Value, field: &str) -> Result<Vec<String>, TestCaseError> {
    let ids = timed("list_ids", || list_ids(body, field))?;
    prop_assert!(ids.len() <= array_elements(body), "{} ids from {} elements", ids.len(), array_elements(body));
    for id in &ids {
        prop_assert!(!id.is_empty() && id.len() <= 200, "id of {} bytes", id.len());
    }
    Ok(ids)
}

/// An id as a list may carry it, and what `list_ids` should make of it.
fn id_value() -> impl Strategy<Value = (Value, Option<String>)> {
    prop_oneof![
        "[A-Za-z0-9_-]{1,40}".prop_map(|s| (Value::from(s.clone()), Some(s))),
        any::<String>().prop_map(|s| {
            let keep = (!s.is_empty() && s.len() <= 200).then(|| s.clone());
            (Value::from(s), keep)
        }),
        (190usize..400).prop_map(|n| {
            let s = "7".repeat(n);
            let keep = (n <= 200).then(|| s.clone());
            (Value::from(s), keep)
        }),
        any::<i64>().prop_map(|n| (json!(n), Some(n.to_string()))),
        any::<u64>().prop_map(|n| (json!(n), Some(n.to_string()))),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| {
            let v = json!(f);
            let s = v.to_string();
            (v, Some(s))
        }),
        Just((Value::Null, None)),
        Just((json!(""), None)),
        Just((json!(true), None)),
        Just((json!({"id": 1}), None)),
        Just((json!([1, 2]), None)),
    ]
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn list_ids_on_arbitrary_json(body in json_value(), field in prop_oneof![prop::sample::select(KEYS).prop_map(str::to_string), any::<String>()]) {
        check_ids(&body, &field)?;
    }

    #[test]
    fn list_ids_on_bodies_as_the_check_parses_them(bytes in body_bytes(), field in prop::sample::select(KEYS)) {
        // The check does `resp.json().map(|b| list_ids(&b, field))`.
        if let Ok(body) = serde_json::from_slice::<Value>(&bytes) {
            check_ids(&body, field)?;
        }
    }

    #[test]
    fn list_ids_takes_exactly_the_usable_ids(
        items in prop::collection::vec((id_value(), any::<bool>()), 0..20),
        field in prop::sample::select(vec!["id", "user_id", "key"]),
        wrapped in prop::option::of(prop::sample::select(vec!["data", "items", "results"])),
        noise in prop::collection::vec(("[a-z]{1,5}", scalar()), 0..3),
    ) {
        // Some items carry the id under `field`, the others under `id`.
        let mut expected = Vec::new();
        let list: Vec<Value> = items
            .iter()
            .map(|((v, keep), under_field)| {
                expected.extend(keep.clone());
                let key = if *under_field { field } else { "id" };
                json!({key: v, "name": "n"})
            })
            .collect();
        let body = match wrapped {
            None => Value::Array(list),
            Some(w) => {
                // Scalars before the list must not be mistaken for it.
                let mut m: Map<String, Value> = noise.into_iter().collect();
                m.insert(w.to_string(), Value::Array(list));
                Value::Object(m)
            }
        };
        let got = check_ids(&body, field)?;
        prop_assert_eq!(got, expected);
    }
}

// ---------------------------------------------------------------------------
// Spec schema walkers (spec text is target-controlled when fetched).
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn schema_walkers_on_arbitrary_json(schema in json_value()) {
        let found = timed("key_material_property", || key_material_property(&schema))?;
        if let Some(path) = &found {
            prop_assert!(!path.is_empty());
            prop_assert!(path.len() <= schema.to_string().len());
        }
        let sample = timed("sample_from_schema", || sample_from_schema(&schema, 0))?;
        // The sample copies examples and defaults, so it is bounded by the
        // schema, plus a fixed placeholder per property.
        let (s, out) = (schema.to_string().len(), sample.to_string().len());
        prop_assert!(out <= 64 * (s + 1), "a {s}-byte schema sampled to {out} bytes");
    }

    #[test]
    fn schema_walkers_on_deep_schemas(depth in 1usize..127, via in prop::sample::select(vec!["properties", "items", "allOf", "oneOf"])) {
        // Deep but within serde_json's recursion limit, as a spec would deliver it.
        let text = match via {
            "properties" => format!("{}{{\"type\":\"string\"}}{}", "{\"properties\":{\"token\":".repeat(depth / 2), "}}".repeat(depth / 2)),
            "items" => format!("{}{{\"type\":\"string\"}}{}", "{\"type\":\"array\",\"minItems\":1,\"items\":".repeat(depth), "}".repeat(depth)),
            other => format!("{}{{\"type\":\"string\"}}{}", format!("{{\"{other}\":[").repeat(depth / 2), "]}".repeat(depth / 2)),
        };
        let Ok(schema) = serde_json::from_str::<Value>(&text) else { return Ok(()) };
        timed("key_material_property", || key_material_property(&schema))?;
        timed("sample_from_schema", || sample_from_schema(&schema, 0))?;
    }
}

// ---------------------------------------------------------------------------
// graphql::is_batch_answer
// ---------------------------------------------------------------------------

fn batch_item() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => Just(json!({"data": {"__typename": "Query"}})),
        1 => Just(json!({"data": null})),
        1 => Just(json!({"errors": [{"message": "batching is disabled"}]})),
        1 => Just(json!({"data": {"__typename": "Query"}, "errors": []})),
        1 => json_value().prop_map(|v| json!({"data": v})),
        1 => json_value(),
    ]
}

/// The property `is_batch_answer` decides, written out independently.
fn is_batch_oracle(body: &[u8]) -> bool {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) => items.len() == 2 && items.iter().all(|i| matches!(i.get("data"), Some(d) if !d.is_null())),
        _ => false,
    }
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn batch_answers_of_any_shape(items in prop::collection::vec(batch_item(), 0..4), mutate in prop::option::of((any::<Index>(), prop::collection::vec(any::<u8>(), 0..4)))) {
        let mut body = Value::Array(items).to_string().into_bytes();
        if let Some((at, junk)) = mutate {
            let i = at.index(body.len() + 1);
            body.splice(i..i, junk);
        }
        let got = timed("is_batch_answer", || is_batch_answer(&body))?;
        prop_assert_eq!(got, is_batch_oracle(&body));
    }

    #[test]
    fn batch_answer_on_any_body(body in body_bytes()) {
        let got = timed("is_batch_answer", || is_batch_answer(&body))?;
        prop_assert_eq!(got, is_batch_oracle(&body));
    }
}

// ---------------------------------------------------------------------------
// JWTs in response text.
// ---------------------------------------------------------------------------

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

/// A well-formed (unverified) JWT with random claims.
fn jwt_token() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["HS256", "HS384", "HS512", "RS256", "none", "None", ""]),
        prop::collection::vec(("[a-z_]{1,8}", scalar()), 0..5),
        prop::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(|(alg, claims, sig)| {
            let header = json!({"alg": alg, "typ": "JWT"});
            let claims = Value::Object(claims.into_iter().collect());
            format!("{}.{}.{}", b64(&header), b64(&claims), URL_SAFE_NO_PAD.encode(sig))
        })
}

fn jwt_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => jwt_token(),
            3 => prop::sample::select(vec![
                "eyJ", "eyJhbGciOiJub25lIn0", ".", "..", "=", "==", "-", "_", " ", "\"", "Bearer ",
                "token=", "\n", "é", "😀", "eyJ.eyJ.", "xeyJ", ".eyJ", "%2E",
            ]).prop_map(str::to_string),
            2 => "[A-Za-z0-9_=-]{0,40}",
            1 => any::<String>(),
        ],
        0..24,
    )
    .prop_map(|p| p.concat())
}

fn check_jwts(text: &str) -> Result<(), TestCaseError> {
    let found = timed("find_jwts", || find_jwts(text))?;
    prop_assert!(found.len() <= 10, "{} tokens from one text", found.len());
    for jwt in &found {
        prop_assert!(text.contains(jwt.raw.as_str()), "token not taken from the text");
        prop_assert_eq!(jwt.raw.matches('.').count(), 2);
        prop_assert!(jwt.raw.len() <= 16 * 1024);
        prop_assert!(jwt.header.get("alg").is_some_and(Value::is_string));
        // Re-parsing what was found gives the same token.
        let again = Jwt::parse(&jwt.raw);
        prop_assert!(again.is_some_and(|j| j.raw == jwt.raw && j.claims == jwt.claims));
        // The alg:none forgery of any found token is itself a token with that alg.
        let forged = Jwt::parse(&jwt.forged_none("none"));
        prop_assert!(forged.is_some_and(|f| f.alg() == "none" && f.claims == jwt.claims));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn jwts_in_arbitrary_text(text in any::<String>()) {
        check_jwts(&text)?;
        let _ = Jwt::parse(&text);
    }

    #[test]
    fn jwts_in_token_soup(text in jwt_soup()) {
        check_jwts(&text)?;
    }

    #[test]
    fn planted_jwt_is_found(before in jwt_soup(), token in jwt_token(), after in jwt_soup(), open in prop::sample::select(vec![" ", "\"", "\n", ":", "Bearer "]), close in prop::sample::select(vec![" ", "\"", "\n", ",", "}"])) {
        let text = format!("{before}{open}{token}{close}{after}");
        check_jwts(&text)?;
        let found = find_jwts(&text);
        // Found, unless ten other tokens came first.
        prop_assume!(found.len() < 10);
        prop_assert!(found.iter().any(|j| j.raw == token), "{token} not found in {text:?}");
    }

    #[test]
    fn arbitrary_parts_never_panic(h in any::<String>(), p in any::<String>(), s in any::<String>()) {
        if let Some(jwt) = Jwt::parse(&format!("{h}.{p}.{s}")) {
            let _ = jwt.alg();
            let _ = jwt.id();
            let _ = jwt.forged_none("NONE");
        }
    }
}

proptest! {
    // `crack` runs the built-in secret list (about 175,000) through HMAC: fewer cases.
    #![proptest_config(config(32))]

    #[test]
    fn crack_on_arbitrary_tokens(token in jwt_token(), key in prop::option::of(prop::sample::select(vec!["", "secret", "changeme", "not-in-the-list-8c1f"]))) {
        let Some(jwt) = Jwt::parse(&token) else { return Ok(()) };
        timed("crack", || jwt.crack(&[], CRACK_TIME))?;
        // Re-signed with a listed secret, HS256 tokens are cracked.
        if let Some(key) = key {
            use hmac::Mac;
            let payload = token.split('.').nth(1).unwrap();
            let input = format!("{}.{payload}", b64(&json!({"alg": "HS256"})));
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
            mac.update(input.as_bytes());
            let signed = format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()));
            let jwt = Jwt::parse(&signed).unwrap();
            let cracked = timed("crack", || jwt.crack(&[], CRACK_TIME))?;
            if key != "not-in-the-list-8c1f" {
                prop_assert_eq!(cracked.as_deref(), Some(key));
            } else {
                prop_assert_eq!(cracked, None);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Response judging: error signals, HTML context, shapes, SSRF, caching.
// ---------------------------------------------------------------------------

const ERROR_TEXT: &[&str] = &[
    "You have an error in your SQL syntax",
    "ERROR:  syntax error at or near",
    "SQLSTATE[42000]",
    "ORA-00933: SQL command not properly ended",
    "sqlite3.OperationalError: unrecognized token",
    "Unclosed quotation mark after the character string",
    "MongoError",
    "CastError: Cast to",
    "unknown operator: $",
    "jinja2.exceptions.",
    "TemplateSyntaxError",
    "Traceback (most recent call last):",
    "SSH-2.0-",
    "redis_version",
    "ami-id",
    "instance-id",
    "computeMetadata",
    "not allowed",
    "error",
];

fn error_body() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(ERROR_TEXT).prop_map(str::to_string),
            2 => "[ -~]{0,30}",
            1 => any::<String>(),
        ],
        0..16,
    )
    .prop_map(|p| p.concat())
}

fn url() -> Url {
    Url::parse("http://127.0.0.1:8080/api/v1/things?id=1").unwrap()
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "text/html",
            "text/html; charset=utf-8",
            "application/json",
            "image/png",
            "TEXT/HTML;",
            "",
            ";",
            "nosniff",
            "NoSniff",
            "no-store",
            "private, no-cache",
            "PRIVATE,NO-CACHE",
            "public, max-age=60",
            "application/json+html",
        ])
        .prop_map(str::to_string),
        any::<String>(),
    ]
}

fn response() -> impl Strategy<Value = Response> {
    (
        any::<u16>(),
        prop::collection::vec(
            (
                prop::sample::select(vec!["Content-Type", "content-type", "X-Content-Type-Options", "Cache-Control", "Set-Cookie", "X"]),
                header_value(),
            ),
            0..5,
        ),
        body_bytes(),
    )
        .prop_map(|(status, headers, body)| Response {
            exchange_id: 1,
            status,
            headers: headers.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            body: body.into(),
            truncated: false,
            url: url(),
            redirects: Vec::new(),
            duration: Duration::ZERO,
        })
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn error_signals_on_hostile_bodies(body in prop_oneof![error_body(), any::<String>()]) {
        let signals = timed("error_signals", || error_signals(&body))?;
        for (kind, text) in &signals {
            prop_assert!(!kind.is_empty());
            prop_assert!(text.chars().count() <= 81, "signal text of {} chars", text.chars().count());
        }
    }

    #[test]
    fn judge_internal_on_hostile_bodies(status in any::<u16>(), body in error_body(), control in prop::option::of(any::<u16>()), control_body in error_body()) {
        timed("judge_internal", || judge_internal(status, &body, control, &control_body))?;
        // A marker present in the control's answer too proves nothing.
        let both = format!("{control_body}{body}");
        let verdict = judge_internal(status, &body, control, &both);
        prop_assert!(
            verdict.as_ref().is_none_or(|e| matches!(e, InternalEvidence::Differential)),
            "{verdict:?}"
        );
    }

    #[test]
    fn answers_are_judged_whatever_their_headers_and_body(r in response(), a in response(), b in response()) {
        let _ = timed("html_context", || html_context(&r))?;
        let shape = timed("Shape::of", || Shape::of(&r))?;
        prop_assert_eq!(shape.len, r.body.len());
        prop_assert!(shape.resembles(&shape));
        prop_assert!(!shape.differs(&shape));
        let (sa, sb) = (Shape::of(&a), Shape::of(&b));
        let _ = boolean_signal(&shape, &sa, &sb);
        let post = ProbeRequest::new("POST", url());
        let finding = timed("creation_reveal_finding", || creation_reveal_finding("POST /api/v1/things", &post, &r))?;
        if finding.is_some() {
            prop_assert!(r.is_success());
        }
        prop_assert!(creation_reveal_finding("GET /x", &ProbeRequest::get(url()), &r).is_none());
    }

    #[test]
    fn forbids_storage_on_any_header(v in prop_oneof![header_value(), any::<String>()]) {
        let lower = v.to_ascii_lowercase();
        prop_assert_eq!(
            forbids_storage(Some(&v)),
            lower.contains("no-store") || (lower.contains("private") && lower.contains("no-cache"))
        );
    }
}

// ---------------------------------------------------------------------------
// Super-linear work: the same fragment repeated.
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn repeated_fragments_stay_fast(
        unit in prop::sample::select(vec!["eyJ", "eyJ.", ".eyJ", "xeyJ", "eyJhbGciOiJub25lIn0.", "eyJhbGciOiJub25lIn0.e30.", "[", "{\"id\":", "SQLSTATE[", "MongoError "]),
        times in 1usize..20_000,
    ) {
        let text = unit.repeat(times);
        check_jwts(&text)?;
        timed("error_signals", || error_signals(&text))?;
        timed("is_batch_answer", || is_batch_answer(text.as_bytes()))?;
        if let Ok(v) = serde_json::from_str::<Value>(&text) {
            check_ids(&v, "id")?;
        }
    }
}
