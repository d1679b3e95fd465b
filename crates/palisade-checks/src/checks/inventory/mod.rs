//! Inventory Management (IN…): published specs and docs, old versions, metrics, drift, leftover files.

pub mod docs;
pub mod files;
pub mod surface;
