//! Loads an OpenAPI 3.0 / 3.1 or Swagger 2.0 document (JSON or YAML) into
//! Palisade's endpoint model, [`palisade_core::Inventory`].
//!
//! This crate does no I/O: the caller fetches the bytes and calls [`load`].
//! Discovery can call [`looks_like_spec`] on probed responses first.
//!
//! Hostile documents are expected. Every stage is bounded: input size
//! ([`LoadOptions::max_bytes`]), nesting (serde_json's recursion limit of 128;
//! the same depth for YAML), YAML anchors/aliases (serde-saphyr budget and
//! alias-replay limits, so a "billion laughs" document fails fast), `$ref`
//! chains ([`LoadOptions::max_ref_depth`]), cycles (left as
//! `{"$ref": ..., "x-palisade-cycle": true}`) and the size of everything that
//! resolution produces ([`LoadOptions::max_nodes`], and its string bytes,
//! [`LoadOptions::max_output_bytes`]). Remote `$ref`s are never
//! fetched; they stay as `{"$ref": ...}` with a warning.
//!
//! # Why not the `roas` typed model
//!
//! The document is mapped from a `serde_json::Value`, not through `roas`
//! (0.21, features `v2`/`v3_0`/`v3_1`). Measured in `tests/roas_comparison.rs`:
//! - roas reads our three clean fixtures, but its strict typed models reject
//!   the *whole* document for one deviation that real APIs publish: a missing
//!   `info`, a response without `description`, an operation without
//!   `responses`, a Swagger-style `type: file` or `in: body` left in a 3.0
//!   document. We load each of those with its endpoint intact.
//! - roas keeps `$ref`s as typed references and has no bounded resolver that
//!   yields plain JSON schemas (what [`Inventory`] stores); its validator even
//!   reports existing-but-cyclic targets (`X -> Y -> X`) as "not found". The
//!   cycle/depth/size-bounded resolver had to be written anyway.
//! - Version detection and the Swagger 2 mapping we need (`body`/`formData`,
//!   `produces`, `host`/`basePath`) are a few dozen lines on the raw value.
//!
//! roas is therefore only a dev-dependency, for that comparison test.

mod convert;
mod parse;
mod resolve;
mod sniff;

use palisade_core::Inventory;

pub use resolve::{CYCLE_MARKER, REF_DEPTH_MARKER, TRUNCATED_MARKER, UNRESOLVED_MARKER};

/// Default for [`LoadOptions::max_bytes`] and the scanner's `--max-spec-bytes`: 64 MiB.
pub const DEFAULT_MAX_SPEC_BYTES: usize = 64 * 1024 * 1024;

/// Limits and metadata for [`load`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Largest accepted document, in bytes. Default [`DEFAULT_MAX_SPEC_BYTES`] (64 MiB).
    pub max_bytes: usize,
    /// Longest chain of nested `$ref`s followed while resolving one value. Default 32.
    pub max_ref_depth: usize,
    /// Bound on the JSON nodes produced by schema resolution over the whole
    /// load; the excess becomes `{"x-palisade-truncated": "max_nodes"}`. Default 1 000 000.
    pub max_nodes: usize,
    /// Bound on the string bytes (keys and values) the inventory copies out of
    /// `$ref` targets and resolved schemas over the whole load, so one large
    /// string behind a `$ref` used by every operation cannot multiply. The
    /// budget is this value or twice the document's size, whichever is larger
    /// (a document that copies each of its strings once always fits); the
    /// excess becomes `{"x-palisade-truncated": "max_output_bytes"}` (schemas)
    /// or is left out (descriptions, examples). Default 16 MiB.
    pub max_output_bytes: usize,
    /// File path or URL the document came from, copied to `Inventory::spec_source`.
    pub source: Option<String>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions { max_bytes: DEFAULT_MAX_SPEC_BYTES, max_ref_depth: 32, max_nodes: 1_000_000, max_output_bytes: 16 * 1024 * 1024, source: None }
    }
}

/// `1.5 MB`, `640 kB`, `12 bytes`: a size for an error line (decimal units).
pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 10_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{b} bytes"),
    }
}

/// A limit as the user would have written it: `64 MiB`, `100 KiB`, or bytes.
pub fn human_limit(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    match bytes {
        b if b >= MIB && b & (MIB - 1) == 0 => format!("{} MiB", b / MIB),
        b if b >= 1024 && b & 1023 == 0 => format!("{} KiB", b / 1024),
        b if b >= MIB => format!("{b} bytes ({:.1} MiB)", b as f64 / MIB as f64),
        b => format!("{b} bytes"),
    }
}

/// Why a document could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The input is larger than [`LoadOptions::max_bytes`] (the scanner's `--max-spec-bytes`).
    #[error("spec is {}, over --max-spec-bytes {}", human_size(*size as u64), human_limit(*limit as u64))]
    TooLarge {
        /// Input size in bytes.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The document was cut at the limit while it was read (a download that
    /// stopped at `--max-spec-bytes`): its full size is unknown, and the
    /// partial bytes are never parsed as if they were the whole document.
    #[error("spec is larger than --max-spec-bytes {} (reading stopped at the limit)", human_limit(*limit as u64))]
    Truncated {
        /// The limit the read stopped at.
        limit: usize,
    },
    /// The bytes are not valid JSON/YAML, not UTF-8, too deeply nested, or
    /// exceed the YAML parser's budget.
    #[error("cannot parse spec as {format}: {message}")]
    Parse {
        /// `"JSON"` or `"YAML"`.
        format: &'static str,
        /// One line, with line/column when the parser knows them.
        message: String,
    },
    /// Valid JSON/YAML without a top-level `openapi` or `swagger` key.
    #[error("document is not an OpenAPI or Swagger spec (no top-level `openapi` or `swagger` key)")]
    NotASpec,
    /// An `openapi`/`swagger` version this crate does not read (not 3.x or 2.0).
    #[error("unsupported spec version: {0}")]
    UnsupportedVersion(String),
    /// A structural problem that prevents reading the document at all.
    #[error("invalid spec: {0}")]
    Invalid(String),
}

/// Parses `bytes` (JSON or YAML, detected from the first significant byte),
/// detects the OpenAPI/Swagger version and builds the endpoint inventory.
///
/// Non-fatal problems (remote or dangling refs, cycles, truncation, skipped
/// malformed operations) are listed in `Inventory::warnings`.
pub fn load(bytes: &[u8], opts: &LoadOptions) -> Result<Inventory, SpecError> {
    let document = parse::parse_document(bytes, opts)?;
    convert::build_inventory(&document, opts, bytes.len())
}

/// Cheap sniff for discovery: true when the bytes have a top-level `openapi`
/// or `swagger` key (JSON object key at depth one, or a YAML key at column 0
/// followed by a version). Does not parse or allocate; a `true` can still fail to [`load`].
pub fn looks_like_spec(bytes: &[u8]) -> bool {
    sniff::looks_like_spec(bytes)
}
