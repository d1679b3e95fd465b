//! Which HTTP methods the engine may send.

use crate::HttpError;
use std::collections::BTreeSet;

/// Methods every policy treats as safe to send: they must not change server state.
const READ_ONLY: [&str; 3] = ["GET", "HEAD", "OPTIONS"];
/// Everything `--active` unlocks.
const STANDARD: [&str; 9] = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE", "CONNECT"];

/// Most body bytes a POST sent under [`crate::Engine::permit_text_post`] may carry.
pub const TEXT_POST_MAX_BODY: usize = 4096;
/// Most POSTs one [`crate::Engine::permit_text_post`] grant allows to its URL.
pub const TEXT_POST_MAX_PER_URL: u32 = 8;
/// Most POSTs a [`crate::Engine::permit_text_posts`] grant may allow to its URL
/// (the LLM check's `--llm-probes deep` profile).
pub const TEXT_POST_MAX_PER_URL_DEEP: u32 = 24;

/// Which methods may be sent. Default: GET, HEAD, OPTIONS only, because a
/// scan must never change the state of the system it examines unless the
/// operator asked for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MethodPolicy {
    allowed: BTreeSet<String>,
}

impl Default for MethodPolicy {
    fn default() -> Self {
        Self::read_only()
    }
}

impl MethodPolicy {
    /// GET, HEAD and OPTIONS.
    pub fn read_only() -> Self {
        Self { allowed: READ_ONLY.iter().map(|m| m.to_string()).collect() }
    }

    /// Also permit `method` (`--allow-method POST`). Case-insensitive.
    pub fn allow(mut self, method: &str) -> Self {
        self.allowed.insert(method.trim().to_ascii_uppercase());
        self
    }

    /// Every standard method (`--active`).
    pub fn active() -> Self {
        Self { allowed: STANDARD.iter().map(|m| m.to_string()).collect() }
    }

    /// True when `method` (any case) may be sent.
    pub fn permits(&self, method: &str) -> bool {
        self.allowed.contains(&method.trim().to_ascii_uppercase())
    }

    /// The permitted methods, upper case, sorted.
    pub fn methods(&self) -> impl Iterator<Item = &str> {
        self.allowed.iter().map(String::as_str)
    }
}

/// A method that passed the policy: the only way to build a request, so no
/// code path can send a method the policy did not approve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedMethod(http::Method);

impl CheckedMethod {
    /// Check `method` against `policy`. Unknown or malformed method names and
    /// methods outside the policy are refused.
    pub fn check(policy: &MethodPolicy, method: &str) -> Result<Self, HttpError> {
        let upper = method.trim().to_ascii_uppercase();
        if !policy.permits(&upper) {
            return Err(HttpError::MethodNotAllowed { method: clip(&upper) });
        }
        http::Method::from_bytes(upper.as_bytes()).map(CheckedMethod).map_err(|_| HttpError::MethodNotAllowed { method: clip(&upper) })
    }

    /// The method name, upper case.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// True for methods whose responses the engine may cache and share.
    pub fn is_read_only(&self) -> bool {
        READ_ONLY.contains(&self.as_str())
    }

    /// POST sent under an [`crate::Engine::permit_text_post`] grant. Only the
    /// engine builds it, after checking the grant, the URL and the body.
    pub(crate) fn permitted_text_post() -> Self {
        CheckedMethod(http::Method::POST)
    }

    pub(crate) fn to_http(&self) -> http::Method {
        self.0.clone()
    }
}

/// Keep error messages one short line even for hostile method names.
fn clip(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_read_only() {
        let p = MethodPolicy::default();
        assert!(p.permits("get") && p.permits("HEAD") && p.permits("Options"));
        assert!(!p.permits("POST") && !p.permits("DELETE"));
    }

    #[test]
    fn allow_adds_one_method() {
        let p = MethodPolicy::read_only().allow("post");
        assert!(p.permits("POST"));
        assert!(!p.permits("PUT"));
    }

    #[test]
    fn active_permits_standard_methods() {
        let p = MethodPolicy::active();
        for m in STANDARD {
            assert!(p.permits(m), "{m}");
        }
    }

    #[test]
    fn checked_method_refuses_outside_policy() {
        let err = CheckedMethod::check(&MethodPolicy::read_only(), "DELETE").unwrap_err();
        assert!(matches!(err, HttpError::MethodNotAllowed { ref method } if method == "DELETE"));
        assert_eq!(CheckedMethod::check(&MethodPolicy::read_only(), "get").unwrap().as_str(), "GET");
    }

    #[test]
    fn malformed_method_is_an_error_not_a_panic() {
        let p = MethodPolicy::read_only().allow("BAD METHOD\n");
        assert!(CheckedMethod::check(&p, "BAD METHOD\n").is_err());
    }
}
