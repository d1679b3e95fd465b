//! A recorded request/response pair: the evidence behind a finding.

use serde::{Deserialize, Serialize};

/// Index of an exchange in the scan's exchange log.
pub type ExchangeId = u64;

/// Ordered header list; names keep the case they were sent/received with.
pub type HeaderList = Vec<(String, String)>;

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
    /// Case-insensitive lookup of the first response header with this name.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
