//! JWT checks judge every identity's token (issue 11), not only `--bearer`:
//! a scan given two `--identity` credentials, where only the second is an
//! HS256 JWT signed with a common dictionary word (far down the built-in
//! candidate list, outside the old 401-entry list), reports AU003 with the
//! secret masked, and the secret appears nowhere in the report. The fixed
//! twin signs with a random 32-byte secret: no AU003.

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use palisade_checks::Rule;
use palisade_http::Credentials;
use serde_json::json;
use std::collections::BTreeMap;

mod support;

/// A word of the built-in list (data/common-secrets.txt, line 150,000).
const WEAK_SECRET: &str = "seriatim";
const STRONG_SECRET: &str = "Qm9vcC1yYW5kb20tMzItYnl0ZXMtc2VjcmV0LTRmOWE";
const OPAQUE: &str = "op_7f3b9c2d1e5a";

fn hs256(secret: &str, claims: serde_json::Value) -> String {
    let head = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{head}.{body}").as_bytes());
    format!("{head}.{body}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

fn bob_token(secret: &str) -> String {
    hs256(secret, json!({"sub": "bob", "iss": "billing", "aud": "api", "exp": 4_102_444_800u64}))
}

/// `/v1/profile` answers alice's opaque token and bob's JWT; everything else is 404.
async fn serve(secret: &'static str) -> String {
    let bob = format!("Bearer {}", bob_token(secret));
    let app = Router::new()
        .route(
            "/v1/profile",
            axum::routing::get(move |headers: HeaderMap| {
                let bob = bob.clone();
                async move {
                    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
                        Some(v) if v == format!("Bearer {OPAQUE}") => Json(json!({"name": "alice"})).into_response(),
                        Some(v) if v == bob => Json(json!({"name": "bob"})).into_response(),
                        _ => (StatusCode::UNAUTHORIZED, Json(json!({"message": "unauthorized"}))).into_response(),
                    }
                }
            }),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"message": "not found"}))) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

async fn scan(base: &str, secret: &str) -> palisade_core::Report {
    let identities = BTreeMap::from([
        ("alice".to_string(), Credentials::new().bearer(OPAQUE)),
        ("bob".to_string(), Credentials::new().bearer(&bob_token(secret))),
    ]);
    support::run(support::scanner(base).identities(identities).select_rules(["AU003"])).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_identitys_token_is_cracked_and_the_secret_never_shown() {
    let base = serve(WEAK_SECRET).await;
    let report = scan(&base, WEAK_SECRET).await;
    let found = support::assert_fires(&report, Rule::AU003);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].evidence.location, "credential.bearer (bob)");
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains(WEAK_SECRET), "the cracked secret is in the report");
    assert!(!json.contains(&bob_token(WEAK_SECRET)), "the token is in the report");
    assert!(found[0].message.contains(&format!("{} characters", WEAK_SECRET.len())), "{}", found[0].message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_signed_with_a_random_secret_is_not_reported() {
    let base = serve(STRONG_SECRET).await;
    let report = scan(&base, STRONG_SECRET).await;
    support::assert_quiet(&report, Rule::AU003);
}
