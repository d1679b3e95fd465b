//! Errors of the HTTP engine. Every message is one line and never holds a
//! full secret: URLs pass through `mask_url`, and transport errors are
//! described without the URL the transport library would print.

/// Why a request was not answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The method policy does not permit this method.
    #[error("method {method} is not allowed by the method policy (use --allow-method or --active)")]
    MethodNotAllowed { method: String },
    /// The URL is outside the scan scope; nothing was sent.
    #[error("{url} is out of scope; nothing was sent")]
    OutOfScope { url: String },
    /// The URL reaches an operation judged state-changing; nothing was sent.
    #[error("{url} reaches {operation}, judged state-changing; nothing was sent")]
    Denied { url: String, operation: String },
    /// No complete response within the request timeout.
    #[error("request to {url} timed out")]
    Timeout { url: String },
    /// The connection failed (refused, reset, TLS, protocol error).
    #[error("could not reach {url}: {reason}")]
    Connect { url: String, reason: String },
    /// More redirects than `max_redirects`.
    #[error("too many redirects starting at {url}")]
    TooManyRedirects { url: String },
    /// A redirect pointed back to a URL already visited.
    #[error("redirect loop at {url}")]
    RedirectLoop { url: String },
    /// A scan bound (max time, max requests) was reached; nothing was sent.
    #[error("scan budget exhausted: {reason}")]
    Budget { reason: String },
    /// The engine gave up on the target (it stopped answering, or asked to
    /// wait longer than the scan has left); nothing was sent.
    #[error("gave up on the target ({reason}); nothing was sent")]
    GivenUp { reason: String },
    /// The URL could not be parsed or used.
    #[error("invalid URL {url}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// Anything else (bad header value, client construction failure).
    #[error("{reason}")]
    Other { reason: String },
}

/// One-line description of a transport error and its causes, without the URL.
pub(crate) fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut parts = vec![err.to_string()];
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    let line = parts.join(": ").replace(['\n', '\r'], " ");
    line.chars().take(300).collect()
}
