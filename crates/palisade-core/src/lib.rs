//! Palisade's shared vocabulary.
//!
//! Every other crate speaks in these types: the twelve [`Category`]s, rule
//! metadata ([`RuleMeta`]), [`Finding`]s, recorded HTTP [`Exchange`]s, the
//! endpoint [`Inventory`], scan [`ScanEvent`]s, the final [`Report`], and the
//! two functions that must be the same everywhere: [`mask::mask_secret`] (we
//! never write a full secret) and [`scoring::score`] (one documented formula).
//!
//! This crate does no I/O, so it can be used by the detector, the HTTP engine,
//! the writers and the server alike.

pub mod category;
pub mod coverage;
pub mod event;
pub mod exchange;
pub mod finding;
pub mod inventory;
pub mod mask;
pub mod report;
pub mod rule;
pub mod scoring;
pub mod severity;

pub use category::Category;
pub use coverage::Coverage;
pub use event::ScanEvent;
pub use exchange::{Exchange, ExchangeId, HeaderList};
pub use finding::{Evidence, Finding};
pub use inventory::{Endpoint, EndpointSource, Inventory, ParamLocation, Parameter, SecurityScheme};
pub use report::{CategoryScore, CheckError, Report, ScanHealth, SkippedOperation};
pub use rule::RuleMeta;
pub use scoring::{Context, Grade};
pub use severity::{Confidence, Severity};
