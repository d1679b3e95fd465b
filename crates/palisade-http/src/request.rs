//! What a check asks the engine to send.

use crate::AuthMode;
use bytes::Bytes;
use palisade_core::mask::{mask_named_value, mask_url};
use palisade_core::HeaderList;
use url::Url;

/// A request as a check describes it. The engine adds credentials, the
/// user agent, and enforces policy, scope and bounds when it is sent.
#[derive(Clone, PartialEq)]
pub struct ProbeRequest {
    /// Method name; checked against the method policy when sent.
    pub method: String,
    pub url: Url,
    /// Extra headers, sent after the identity's headers.
    pub headers: HeaderList,
    pub body: Option<Bytes>,
    pub auth: AuthMode,
    /// Follow in-scope redirects (default true).
    pub follow_redirects: bool,
    /// Answer from / store into the engine's cache (default true; only
    /// GET, HEAD and OPTIONS are ever cached).
    pub use_cache: bool,
    /// Body cap for this request instead of `EngineConfig::max_body_bytes`
    /// (`None`, the default): the spec fetch reads up to `--max-spec-bytes`.
    pub max_body: Option<usize>,
}

/// Header values are masked by name, so a logged request never carries a secret.
impl std::fmt::Debug for ProbeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, String)> = self.headers.iter().map(|(k, v)| (k.as_str(), mask_named_value(k, v))).collect();
        f.debug_struct("ProbeRequest")
            .field("method", &self.method)
            .field("url", &mask_url(self.url.as_str()))
            .field("headers", &headers)
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .field("auth", &self.auth)
            .field("follow_redirects", &self.follow_redirects)
            .field("use_cache", &self.use_cache)
            .field("max_body", &self.max_body)
            .finish()
    }
}

impl ProbeRequest {
    /// A GET with default auth, redirects followed, cache used.
    pub fn get(url: Url) -> Self {
        Self::new("GET", url)
    }

    /// A request with any method name (checked when sent).
    pub fn new(method: &str, url: Url) -> Self {
        Self {
            method: method.trim().to_ascii_uppercase(),
            url,
            headers: Vec::new(),
            body: None,
            auth: AuthMode::Default,
            follow_redirects: true,
            use_cache: true,
            max_body: None,
        }
    }

    /// Add a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Choose which credentials to send.
    pub fn auth(mut self, auth: AuthMode) -> Self {
        self.auth = auth;
        self
    }

    /// Return 3xx responses as they are instead of following them.
    pub fn no_redirects(mut self) -> Self {
        self.follow_redirects = false;
        self
    }

    /// Set the request body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Read at most `bytes` of this response's (decompressed) body instead of
    /// the engine's per-response cap; past it the body is cut and `truncated` set.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = Some(bytes);
        self
    }

    /// Always send, never answer from the cache.
    pub fn no_cache(mut self) -> Self {
        self.use_cache = false;
        self
    }
}
