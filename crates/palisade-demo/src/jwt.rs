//! Just enough JWT for the demo: HS256 signing, and a verifier that is
//! deliberately broken in vulnerable mode (accepts `alg: none`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

fn hs256(secret: &[u8], signing_input: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(signing_input.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// An HS256 token carrying `claims`.
pub(crate) fn sign_hs256(claims: &Value, secret: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    let signature = hs256(secret, &input);
    format!("{input}.{signature}")
}

fn decode_part(part: &str) -> Option<Value> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?).ok()
}

/// The claims of `token` if it verifies. `accept_none` reproduces the classic
/// flaw: an unsigned `alg: none` token is trusted as is.
pub(crate) fn verify(token: &str, secret: &[u8], accept_none: bool) -> Option<Value> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
    if parts.next().is_some() {
        return None;
    }
    let alg = decode_part(header)?.get("alg")?.as_str()?.to_string();
    let claims = decode_part(payload)?;
    match alg.to_ascii_lowercase().as_str() {
        "none" if accept_none => Some(claims),
        "hs256" if alg == "HS256" => {
            let expected = hs256(secret, &format!("{header}.{payload}"));
            // Length check first; then compare every byte so timing says nothing.
            let equal = expected.len() == signature.len() && expected.bytes().zip(signature.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
            equal.then_some(claims)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hs256_round_trip_and_none_handling() {
        let token = sign_hs256(&json!({"sub": "u1"}), b"secret");
        assert_eq!(verify(&token, b"secret", false).unwrap()["sub"], "u1");
        assert!(verify(&token, b"other", false).is_none());
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#), URL_SAFE_NO_PAD.encode(br#"{"sub":"admin"}"#));
        assert_eq!(verify(&none, b"secret", true).unwrap()["sub"], "admin");
        assert!(verify(&none, b"secret", false).is_none());
        assert!(verify("garbage", b"secret", true).is_none());
    }
}
