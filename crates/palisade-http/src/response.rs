//! What the engine hands back to a check.

use bytes::Bytes;
use palisade_core::mask::{mask_named_value, mask_url};
use palisade_core::{ExchangeId, HeaderList};
use std::time::Duration;
use url::Url;

/// A response as read by the engine: body decompressed and capped.
#[derive(Clone, PartialEq)]
pub struct Response {
    /// Id of the recorded exchange of the final hop.
    pub exchange_id: ExchangeId,
    pub status: u16,
    /// Raw, unmasked headers; in memory only, never written out.
    pub headers: HeaderList,
    /// Decompressed body, at most `max_body_bytes`.
    pub body: Bytes,
    /// True when the body was longer than the cap and the rest discarded.
    pub truncated: bool,
    /// Final URL (after redirects), without identity query parameters.
    pub url: Url,
    /// URLs redirected to, in order.
    pub redirects: Vec<Url>,
    /// Time of the final hop.
    pub duration: Duration,
}

/// Header values are masked by name and the body is summarised, so a
/// `{:?}` that reaches a log never carries a secret.
impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, String)> = self.headers.iter().map(|(k, v)| (k.as_str(), mask_named_value(k, v))).collect();
        f.debug_struct("Response")
            .field("exchange_id", &self.exchange_id)
            .field("status", &self.status)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .field("truncated", &self.truncated)
            .field("url", &mask_url(self.url.as_str()))
            .field("redirects", &self.redirects.iter().map(|u| mask_url(u.as_str())).collect::<Vec<_>>())
            .field("duration", &self.duration)
            .finish()
    }
}

impl Response {
    /// This response with its body cut to `max` bytes, copied so the cut
    /// copy does not keep the full body's allocation alive; marked truncated
    /// when cut. For answers kept for later (a phase's exchanges waiting for
    /// the passive checks), so what is kept is bounded whatever the target sends.
    pub fn retained(&self, max: usize) -> Response {
        let mut kept = self.clone();
        if kept.body.len() > max {
            kept.body = Bytes::copy_from_slice(&self.body[..max]);
            kept.truncated = true;
        }
        kept
    }

    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every header with this name (case-insensitive), in order.
    pub fn headers_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.iter().filter(move |(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Body as text; invalid UTF-8 is replaced, never an error.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Body parsed as JSON, if it is JSON. A truncated body is never whole
    /// JSON, and parsing one would build the tree of everything before the
    /// cut (tens of MiB for a 2 MiB array) only to fail at its end.
    pub fn json(&self) -> Option<serde_json::Value> {
        if self.truncated {
            return None;
        }
        serde_json::from_slice(&self.body).ok()
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}
