//! BFLA (BF…): function-level authorization — anonymous state changes and administrative functions.

pub mod admin;
pub mod state_change;
