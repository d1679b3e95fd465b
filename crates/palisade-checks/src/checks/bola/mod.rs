//! BOLA (BO…): object-level authorization — enumerable ids, cross-identity reads, id path traversal.

pub mod object_ids;
pub mod traversal;
