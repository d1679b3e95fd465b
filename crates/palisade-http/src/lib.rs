//! Palisade's HTTP engine: the only place the scanner sends requests.
//!
//! A scanner pointed at production must be safe by construction, so every
//! guard lives here, in one place, and no check can go around it:
//!
//! - **Method policy** ([`MethodPolicy`], [`CheckedMethod`]): by default only
//!   GET, HEAD and OPTIONS leave the process, because they must not change
//!   state. A request can only be built from a [`CheckedMethod`].
//! - **Scope** ([`Scope`]): only the target's scheme+host+port (plus origins
//!   the operator added) is contacted. Out-of-scope URLs are refused before a
//!   connection opens, and redirects are followed by hand so that a hostile
//!   `Location` cannot lead the scanner to another system.
//! - **Deny-list** ([`deny`]): operations the scan judged state-changing
//!   (a `GET /createdb` that wipes the database) are refused for every
//!   caller, method, query string, spelling and redirect hop.
//! - **Bounds** ([`EngineConfig`]): concurrency (a semaphore), rate (slots
//!   spread at `1/rate`), a per-request timeout covering headers *and* body,
//!   a cap on the decompressed body (so a 100 MB body or a gzip bomb costs at
//!   most the cap), and whole-scan budgets of time and requests. A target can
//!   slow the scan down but never make it unbounded.
//! - **Retry-After**: a 429/503 with Retry-After pauses the whole engine (the
//!   server asked us to back off, not just this request) and is retried once.
//! - **Cache**: identical read-only requests are sent once per engine, and
//!   concurrent identical requests share one flight, so many checks looking
//!   at the same URL do not multiply load on the target.
//! - **Recording**: every exchange, each redirect hop included, is kept as a
//!   [`palisade_core::Exchange`] with secrets masked (credentials always,
//!   other values by name), so evidence never carries a full secret.
//! - **TLS probes** ([`tls`], [`Engine::tls_probe`]): the raw handshakes and
//!   hand-built ClientHellos of TLS inspection go through the same scope,
//!   budgets, rate limit, timeout, health counters and exchange log as HTTP
//!   requests; no check opens a connection of its own.
//! - **Health**: timeouts, connection errors, 5xx and rate limiting are
//!   counted in [`palisade_core::ScanHealth`]; they describe the scan, they
//!   are not findings.
//! - **Giving up** ([`give_up`]): 20 timeouts or connection failures in a
//!   row, 40 of the first 50 requests failing, 30 s without an answer (3
//!   failures in a row), or a `Retry-After` longer than the scan time left
//!   put the engine in a given-up state: every later request fails at once
//!   with [`HttpError::GivenUp`] and the reason is `health.aborted`.

mod config;
mod credentials;
pub mod deny;
mod engine;
mod error;
pub mod give_up;
mod limits;
mod policy;
pub mod refresh;
mod request;
mod response;
mod scope;
pub mod tls;

pub use config::{is_privileged_name, EngineConfig, DEFAULT_IDENTITY, DEFAULT_MAX_REQUESTS};
pub use credentials::{AuthMode, Credentials};
pub use deny::{DenyList, DenyRule};
pub use engine::Engine;
pub use error::HttpError;
pub use give_up::GiveUpPolicy;
pub use policy::{CheckedMethod, MethodPolicy, TEXT_POST_MAX_BODY, TEXT_POST_MAX_PER_URL, TEXT_POST_MAX_PER_URL_DEEP};
pub use refresh::{CredentialRefresher, RefreshEvent, RefreshHook};
pub use request::ProbeRequest;
pub use response::Response;
pub use scope::Scope;
pub use tls::{HelloAnswer, PeerHandshake, TlsAnswer, TlsHandshake, TlsProbe};
pub use url::Url;
