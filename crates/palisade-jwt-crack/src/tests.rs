use super::*;

const INPUT: &[u8] = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ";

fn token(alg: Alg, secret: &[u8]) -> Token {
    Token::new(alg.name(), INPUT.to_vec(), alg.sign(secret, INPUT)).unwrap()
}

fn builtin_at(i: usize) -> &'static [u8] {
    builtin_list()[i]
}

#[test]
fn builtin_list_is_large_distinct_and_starts_with_jwt_secrets() {
    let list = builtin_list();
    assert!(list.len() >= 100_000, "{}", list.len());
    let distinct: HashSet<&[u8]> = list.iter().copied().collect();
    assert_eq!(distinct.len(), list.len(), "duplicates in the built-in list");
    assert_eq!(list[0], b"secret");
    assert!(list.contains(&&b"keyboard cat"[..]));
    assert!(list.iter().all(|e| !e.is_empty() && !e.starts_with(b"#") && e.len() <= 64));
}

#[test]
fn finds_secrets_from_the_middle_and_the_end_of_the_builtin_list() {
    let candidates = Candidates::builtin();
    let n = builtin_list().len();
    for i in [0, n / 2, n - 1] {
        let secret = builtin_at(i);
        let outcome = crack(&token(Alg::Hs256, secret), &candidates, Budget::time(Duration::from_secs(120)));
        assert_eq!(outcome.secret().map(Secret::as_bytes), Some(secret), "{i}: {outcome:?}");
        assert!(outcome.tried() >= 1);
    }
}

#[test]
fn the_empty_secret_is_always_tried_even_without_time() {
    let outcome = crack(&token(Alg::Hs256, b""), &Candidates::builtin(), Budget::time(Duration::ZERO));
    assert!(outcome.secret().is_some_and(Secret::is_empty), "{outcome:?}");
}

#[test]
fn target_word_mutations_are_found() {
    let candidates = Candidates::builtin().with_target_words(["acme"]);
    for secret in ["acme_jwt_secret", "Acme-Secret", "ACMEKEY", "acme2026", "jwt_secret_acme", "acme"] {
        assert!(candidates.position(secret.as_bytes()).is_some_and(|p| p < 1000), "{secret}");
        let outcome = crack(&token(Alg::Hs256, secret.as_bytes()), &candidates, Budget::default());
        assert_eq!(outcome.secret().and_then(Secret::to_str), Some(secret), "{outcome:?}");
    }
    // Without the word, `acme_jwt_secret` is not a candidate.
    let outcome = crack(&token(Alg::Hs256, b"acme_jwt_secret"), &Candidates::only(["acme"]), Budget::default());
    assert!(matches!(outcome, Outcome::Exhausted { tried, .. } if tried == 2), "{outcome:?}");
    // Empty and over-long words are skipped, odd ones survive.
    let c = Candidates::only::<_, &str>([]).with_target_words(["", "  ", &"x".repeat(65), "Über"]);
    assert!(c.position("über_secret".as_bytes()).is_some() && c.position("ÜBER".as_bytes()).is_some());
    assert!(c.position(&[b'x'; 65]).is_none());
}

#[test]
fn a_tiny_budget_runs_out_of_time() {
    let strong = token(Alg::Hs256, b"9b1f0c7e4d2a8b6c5e3f1a0d9c8b7a6e");
    let outcome = crack(&strong, &Candidates::builtin(), Budget::time(Duration::from_micros(1)));
    assert!(matches!(outcome, Outcome::OutOfTime { .. }), "{outcome:?}");
    assert!(outcome.tried() < builtin_list().len() as u64);
    // Given time, the same search ends Exhausted, having tried everything.
    let candidates = Candidates::builtin();
    let outcome = crack(&strong, &candidates, Budget::time(Duration::from_secs(120)));
    assert_eq!(outcome, Outcome::Exhausted { tried: candidates.len() as u64, elapsed: outcome.elapsed() });
}

#[test]
fn hs384_and_hs512_work_on_one_or_many_threads() {
    let secret = builtin_at(builtin_list().len() / 3);
    for alg in [Alg::Hs384, Alg::Hs512] {
        for threads in [1, 3] {
            let outcome = crack(&token(alg, secret), &Candidates::builtin(), Budget::time(Duration::from_secs(120)).threads(threads));
            assert_eq!(outcome.secret().map(Secret::as_bytes), Some(secret), "{alg} x{threads}");
        }
    }
}

#[test]
fn non_hmac_tokens_are_refused_with_a_clear_error() {
    for alg in ["RS256", "ES256", "PS512", "none", "hs256", ""] {
        let err = Token::new(alg, INPUT.to_vec(), vec![0; 32]).unwrap_err();
        assert!(matches!(err, Error::UnsupportedAlg(_)), "{alg}: {err}");
        assert!(err.to_string().contains("not HMAC"), "{err}");
    }
}

#[test]
fn hostile_input_is_refused_or_searched_without_panic() {
    // Wrong signature lengths.
    for len in [0, 1, 31, 33, 64, 10_000] {
        let err = Token::new("HS256", INPUT.to_vec(), vec![0xAA; len]).unwrap_err();
        assert_eq!(err, Error::SignatureLength { alg: Alg::Hs256, expected: 32, got: len });
    }
    // Garbage signature of the right length: nothing verifies.
    let garbage = Token::new("HS512", b"\xff\x00not even base64".to_vec(), vec![0x5A; 64]).unwrap();
    let outcome = crack(&garbage, &Candidates::only(["a", "b"]), Budget::default());
    assert!(matches!(outcome, Outcome::Exhausted { .. }));
    // Oversized input is refused; a large one is searched within the budget.
    let err = Token::new("HS256", vec![b'a'; MAX_SIGNING_INPUT + 1], vec![0; 32]).unwrap_err();
    assert!(matches!(err, Error::SigningInputTooLong(_)));
    let big = Token::new("HS256", vec![b'a'; MAX_SIGNING_INPUT], vec![0; 32]).unwrap();
    let outcome = crack(&big, &Candidates::builtin(), Budget::time(Duration::from_millis(200)));
    assert!(matches!(outcome, Outcome::OutOfTime { .. }), "{outcome:?}");
    assert!(outcome.elapsed() < Duration::from_secs(5), "{outcome:?}");
    assert!(format!("{big:?}").contains("signing_input_len"));
}

#[test]
fn a_secret_never_prints_itself() {
    let outcome = crack(&token(Alg::Hs256, b"keyboard cat"), &Candidates::builtin(), Budget::default());
    assert_eq!(outcome.secret().and_then(Secret::to_str), Some("keyboard cat"));
    let shown = format!("{outcome:?}");
    assert!(!shown.contains("keyboard") && shown.contains("12 bytes"), "{shown}");
}

#[test]
fn the_fast_path_agrees_with_the_hmac_crate_for_every_key_and_input_length() {
    // Message lengths around the block boundaries, keys from empty to past a block.
    for len in [0, 1, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 200, 1000] {
        let input: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        for alg in [Alg::Hs256, Alg::Hs384, Alg::Hs512] {
            for klen in [0, 1, 31, 32, 63, 64, 65, 127, 128, 129, 300] {
                let key: Vec<u8> = (0..klen).map(|i| (i * 13 + 1) as u8).collect();
                let t = Token::new(alg.name(), input.clone(), alg.sign(&key, &input)).unwrap();
                assert!(t.verifies(&key), "reference {alg} {len} {klen}");
                let mut wrong = key.clone();
                wrong.push(b'!');
                let outcome = crack(&t, &Candidates::only([wrong.as_slice(), key.as_slice()]), Budget::default().threads(1));
                assert_eq!(outcome.secret().map(Secret::as_bytes), Some(key.as_slice()), "fast {alg} input {len} key {klen}");
            }
        }
    }
}
