//! The demo's routes, one module per scanner category. Each module's
//! `routes()` is merged into [`crate::app::router`]; its doc comment lists the
//! rule codes its routes exercise and how the hardened twin differs.
//!
//! | Module | Rules |
//! |---|---|
//! | [`authentication`] | AU002-AU006, AU008, AU010, AU011, AU013, AU014 (AU001 on every public route) |
//! | [`bola`] | BO001, BO003 (BO002 on a two-user fixture), PA002 |
//! | [`bfla`] | BF001, BF002, BF003, PA001, RL003 |
//! | [`property_authorization`] | PA004 (PA001-PA003 live with the routes that show them) |
//! | [`input_validation`] | IV004-IV010 (IV001-IV003 in the policy middleware) |
//! | [`rate_limiting`] | RL002, RL004 (RL001 in the policy middleware) |
//! | [`data_exposure`] | DE001, DE003-DE008 (DE002 with the user records) |
//! | [`ssrf`] | SS001, SS002, SS003 |
//! | [`inventory`] | IN001, IN003-IN006, IN008 |
//! | [`unsafe_consumption`] | UC001, UC002 |
//! | [`llm`] | AI001-AI008 |
//!
//! Encryption (EN001-EN010) has no routes of its own: the policy middleware
//! ([`crate::app`]) sets (or omits) HSTS and the session cookie's flags, and
//! [`crate::DemoServer::start_tls`] serves either twin over TLS.

pub(crate) mod authentication;
pub(crate) mod bfla;
pub(crate) mod bola;
pub(crate) mod data_exposure;
pub(crate) mod input_validation;
pub(crate) mod inventory;
pub(crate) mod llm;
pub(crate) mod property_authorization;
pub(crate) mod rate_limiting;
pub(crate) mod ssrf;
pub(crate) mod unsafe_consumption;
