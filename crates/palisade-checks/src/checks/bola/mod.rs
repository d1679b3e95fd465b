//! BOLA (BO…): object-level authorization — enumerable ids, cross-identity reads, id path traversal.

pub mod cross_identity;
pub mod object_ids;
pub mod ownership;
pub mod traversal;
