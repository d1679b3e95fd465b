//! Check logic, one folder per category (like a ruff rule family), with
//! helpers shared across categories in [`support`].

pub mod authentication;
pub mod bfla;
pub mod bola;
pub mod data_exposure;
pub mod encryption;
pub mod input_validation;
pub mod inventory;
pub mod llm;
pub mod property_authorization;
pub mod rate_limiting;
pub mod ssrf;
pub mod support;
pub mod unsafe_consumption;
