//! Credentials and identities the engine attaches to requests.

use palisade_core::mask::mask_secret;
use palisade_core::HeaderList;
use std::fmt;

/// One credential set: headers and query parameters added to every request
/// made with it. Values are never printed: `Debug` masks them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub headers: HeaderList,
    pub query: Vec<(String, String)>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, String)> = self.headers.iter().map(|(k, v)| (k.as_str(), mask_credential(k, v))).collect();
        let query: Vec<(&str, String)> = self.query.iter().map(|(k, v)| (k.as_str(), mask_secret(v))).collect();
        f.debug_struct("Credentials").field("headers", &headers).field("query", &query).finish()
    }
}

impl Credentials {
    /// No credentials.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a header `name: value`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Self {
        self.header("Authorization", format!("Bearer {token}"))
    }

    /// `Authorization: Basic base64(user:pass)`.
    pub fn basic(self, user: &str, pass: &str) -> Self {
        self.header("Authorization", format!("Basic {}", base64_encode(format!("{user}:{pass}").as_bytes())))
    }

    /// `Cookie: <cookies>` (e.g. `session=abc; theme=dark`).
    pub fn cookie(self, cookies: &str) -> Self {
        self.header("Cookie", cookies)
    }

    /// An API key sent in a header, e.g. `X-API-Key`.
    pub fn api_key_header(self, name: &str, value: &str) -> Self {
        self.header(name, value)
    }

    /// An API key sent as a query parameter, e.g. `api_key`.
    pub fn api_key_query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    /// True when nothing would be attached.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.query.is_empty()
    }
}

/// Which credentials a request carries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum AuthMode {
    /// The identity [`crate::EngineConfig::default_identity`] names
    /// (`"default"`, else the least-privileged named identity); none when
    /// no identity is configured.
    #[default]
    Default,
    /// No credentials at all.
    Anonymous,
    /// A named identity from `EngineConfig::identities`.
    Identity(String),
}

/// Mask a credential value whatever its header name is: a credential is a
/// secret even under a name `is_sensitive_name` does not know.
pub(crate) fn mask_credential(name: &str, value: &str) -> String {
    if palisade_core::mask::is_sensitive_name(name) {
        palisade_core::mask::mask_named_value(name, value)
    } else {
        mask_secret(value)
    }
}

/// Standard base64 with padding (RFC 4648), for HTTP Basic credentials.
pub(crate) fn base64_encode(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, expected) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(base64_encode(input.as_bytes()), expected);
        }
    }

    #[test]
    fn basic_encodes_user_and_password() {
        let c = Credentials::new().basic("Aladdin", "open sesame");
        assert_eq!(c.headers, vec![("Authorization".to_string(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".to_string())]);
    }

    #[test]
    fn debug_masks_every_value() {
        let c = Credentials::new()
            .bearer("tok_live_0123456789abcdef")
            .api_key_header("X-Custom", "customsecretvalue42")
            .api_key_query("sig", "querysecretvalue42")
            .cookie("session=cookiesecretvalue42");
        let shown = format!("{c:?}");
        for secret in ["tok_live_0123456789abcdef", "customsecretvalue42", "querysecretvalue42", "cookiesecretvalue42"] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
        assert!(shown.contains("Authorization") && shown.contains("X-Custom") && shown.contains("sig"));
    }
}
