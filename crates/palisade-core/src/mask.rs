//! Masking and fingerprinting of secrets.
//!
//! The scanner must not be guilty of the exposure it reports: whatever leaves
//! the process (report, log line, database row, error message) carries at most
//! a short prefix and suffix of a secret plus a keyed fingerprint.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Key for fingerprints when `PALISADE_FINGERPRINT_KEY` is unset. Fingerprints
/// must be stable across scans (baselines depend on it), so the default is a
/// constant; teams that share reports outside their trust boundary set their
/// own key so a fingerprint cannot be used to confirm a guessed secret.
const DEFAULT_FINGERPRINT_KEY: &[u8] = b"palisade-fingerprint-v1";

/// `abcd…wxyz`: at most 4 characters each side, fewer for short values, and
/// never more than a third of the value in total. Values of 6 characters or
/// fewer are fully hidden.
pub fn mask_secret(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n <= 6 {
        return "*".repeat(n.max(3));
    }
    let side = (n / 6).clamp(1, 4);
    let prefix: String = chars[..side].iter().collect();
    let suffix: String = chars[n - side..].iter().collect();
    format!("{prefix}…{suffix}")
}

/// Keyed, truncated HMAC-SHA256 of `value` (hex, 16 chars). The same value
/// gives the same fingerprint in every scan run with the same key.
pub fn fingerprint(value: &str) -> String {
    let key = std::env::var("PALISADE_FINGERPRINT_KEY").ok();
    fingerprint_with_key(key.as_deref().map(str::as_bytes).unwrap_or(DEFAULT_FINGERPRINT_KEY), value)
}

pub fn fingerprint_with_key(key: &[u8], value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(value.as_bytes());
    let digest = mac.finalize().into_bytes();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Header names whose values are always masked when an exchange is recorded.
pub fn is_sensitive_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(n.as_str(), "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "x-api-key" | "x-auth-token" | "x-csrf-token")
        || ["key", "token", "secret", "password", "passwd", "session", "signature", "credential"].iter().any(|w| n.contains(w))
}

/// Mask a header or parameter value when its name says it is sensitive.
/// `Authorization: Bearer abc…` keeps its scheme so the report stays readable.
pub fn mask_named_value(name: &str, value: &str) -> String {
    if !is_sensitive_name(name) {
        return value.to_string();
    }
    if let Some((scheme, rest)) = value.split_once(' ') {
        if ["bearer", "basic", "token", "digest", "apikey"].contains(&scheme.to_ascii_lowercase().as_str()) {
            return format!("{scheme} {}", mask_secret(rest.trim()));
        }
    }
    if name.eq_ignore_ascii_case("cookie") || name.eq_ignore_ascii_case("set-cookie") {
        return mask_cookie(value);
    }
    mask_secret(value)
}

fn mask_cookie(value: &str) -> String {
    value
        .split(';')
        .map(|part| {
            let part = part.trim();
            match part.split_once('=') {
                Some((k, v)) if !is_cookie_attribute(k) => format!("{k}={}", mask_secret(v)),
                _ => part.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn is_cookie_attribute(k: &str) -> bool {
    ["path", "domain", "expires", "max-age", "samesite"].contains(&k.trim().to_ascii_lowercase().as_str())
}

/// Mask sensitive query-parameter values in a URL string, leaving the rest.
pub fn mask_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let masked: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if is_sensitive_name(k) || k.eq_ignore_ascii_case("key") => {
                format!("{k}={}", mask_secret(v))
            }
            _ => pair.to_string(),
        })
        .collect();
    let mut out = format!("{base}?{}", masked.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn masks_long_values_to_four_each_side() {
        let v = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
        assert_eq!(mask_secret(v), "a1b2…8f90");
    }

    #[test]
    fn short_values_are_fully_hidden() {
        assert_eq!(mask_secret("hunter"), "******");
        assert_eq!(mask_secret("ab"), "***");
    }

    #[test]
    fn bearer_keeps_scheme() {
        assert_eq!(mask_named_value("Authorization", "Bearer abcdefghijklmnopqrstuvwx"), "Bearer abcd…uvwx");
        assert_eq!(mask_named_value("Accept", "application/json"), "application/json");
    }

    #[test]
    fn url_query_secrets_are_masked() {
        let m = mask_url("http://127.0.0.1:1/x?api_key=supersecretvalue123&page=2");
        assert_eq!(m, "http://127.0.0.1:1/x?api_key=sup…123&page=2");
    }

    #[test]
    fn fingerprints_are_stable_and_keyed() {
        assert_eq!(fingerprint_with_key(b"k", "v"), fingerprint_with_key(b"k", "v"));
        assert_ne!(fingerprint_with_key(b"k", "v"), fingerprint_with_key(b"other", "v"));
        assert_eq!(fingerprint_with_key(b"k", "v").len(), 16);
    }

    proptest! {
        /// A mask never reveals more than a third of the value.
        #[test]
        fn mask_reveals_at_most_a_third(v in "[a-zA-Z0-9]{0,200}") {
            let m = mask_secret(&v);
            let shown = m.chars().filter(|c| *c != '…' && *c != '*').count();
            prop_assert!(shown * 3 <= v.chars().count());
            if v.len() > 8 { prop_assert!(!m.contains(&v)); }
        }
    }
}
