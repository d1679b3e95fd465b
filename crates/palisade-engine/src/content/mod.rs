//! Bounded content discovery: find what the spec leaves out (`/debug`, log
//! folders named in `robots.txt`, `.env`, actuator endpoints) and judge every
//! answer by its content.
//!
//! Status codes prove nothing here. Catch-all servers and SPAs answer 200 with
//! the same page for every path, API gateways answer 401 or 403 for paths that
//! do not exist, and soft-404 pages come back as 200. A hit counts only when
//! its body has the signature of something sensitive (an env dump, a log file,
//! a stack trace, a git config, ...), see [`signature::classify`].
//!
//! - [`list`]: the built-in list of paths APIs leak (`paths.txt`).
//! - [`learn`]: paths the target names itself (robots.txt, sitemaps, HTML, JS, `Link`).
//! - [`signature`]: what a body is, and whether serving it is a finding.

pub mod learn;
pub mod list;
pub mod signature;

mod discover;

pub(crate) use discover::dir_and_ext;
pub use discover::{discover, ContentDiscovery, DiscoveryHit, DiscoveryProfile, HitSource, RETAINED_BODY_BYTES, RETAINED_BODY_PREFIX};
pub use learn::{html_links, js_paths, link_header_paths, reads_as_action, robots_paths, robots_sitemaps, script_srcs, sitemap_paths};
pub use list::{builtin, ListedPath, LOG_FILE_NAMES};
pub use signature::{classify, ContentKind, Signature};
