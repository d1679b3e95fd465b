//! A recorded request/response pair: the evidence behind a finding.

use serde::{Deserialize, Serialize};

/// Index of an exchange in the scan's exchange log.
pub type ExchangeId = u64;

/// Ordered header list; names keep the case they were sent/received with.
pub type HeaderList = Vec<(String, String)>;

/// The `method` of an exchange that records a raw TLS probe (a handshake or
/// a hand-built ClientHello sent by `palisade-http`'s `Engine::tls_probe`)
/// instead of an HTTP request. Such an exchange has no status and no
/// headers; its `body_excerpt` says what was sent and what came back
/// (`ClientHello TLS 1.0 → ServerHello TLS 1.0`) and `body_len` counts the
/// bytes the server sent.
pub const TLS_PROBE_METHOD: &str = "TLS";

/// One HTTP exchange as recorded by the engine. Sensitive header values and
/// query parameters are masked before the record is made; body excerpts are
/// passed through the detector's redaction before a report is written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Exchange {
    pub id: ExchangeId,
    pub method: String,
    pub url: String,
    pub request_headers: HeaderList,
    /// `None` when no response arrived (timeout, connection error).
    pub status: Option<u16>,
    pub response_headers: HeaderList,
    pub duration_ms: u64,
    /// Bytes of the body we read (after decompression), at most the cap.
    pub body_len: u64,
    /// True when the body was longer than the cap and the rest discarded.
    pub truncated: bool,
    /// First few KiB of the body, lossily decoded as UTF-8.
    pub body_excerpt: String,
    /// Transport error, if the exchange failed.
    pub error: Option<String>,
}

impl Exchange {
    /// True for the record of a raw TLS probe (see [`TLS_PROBE_METHOD`]).
    pub fn is_tls_probe(&self) -> bool {
        self.method == TLS_PROBE_METHOD
    }

    /// Case-insensitive lookup of the first response header with this name.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        self.response_headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}
