//! The scan engine.
//!
//! A scan runs in phases, all over one shared [`palisade_http::Engine`]:
//!
//! 1. **Discovery** ([`discovery`]): load the user's spec or find one at a
//!    well-known location, follow links one level, and build the
//!    [`palisade_core::Inventory`].
//! 2. **Calibration** ([`soft404`]): learn what "not found" looks like on this
//!    target, so probes of well-known paths do not produce false findings on
//!    catch-all servers.
//! 3. **Triage** ([`triage`]): decide which operations are safe to call. GET is
//!    not always safe: operations that say they change state are skipped and
//!    listed in the report.
//! 4. **Crawl**: GET every safe operation once. Every response of the scan,
//!    crawl or probe, is shown once to each [`PassiveCheck`].
//! 5. **Checks**: every [`Check`] runs concurrently; a failing check is
//!    reported as a scan-health error and does not abort the scan.
//!
//! Progress is published as [`palisade_core::ScanEvent`]s on a channel; the
//! progress bar, the writers, the database and webhooks are consumers.

pub mod check;
pub mod content;
pub mod coverage;
pub mod discovery;
pub mod oob;
pub mod scan;
mod scanner;
pub mod soft404;
pub mod triage;

pub use check::{Check, CheckFailure, FindingSink, PassiveCheck, ScanContext};
pub use content::{DiscoveryHit, DiscoveryProfile};
pub use scan::{ScanError, SpecInput};
pub use scanner::{ScanSettings, Scanner, DEFAULT_MAX_IDENTITY_REQUESTS};
pub use soft404::Soft404;
