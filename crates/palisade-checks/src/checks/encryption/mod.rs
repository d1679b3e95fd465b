//! Encryption (EN…): TLS inspection, transport headers and cookie flags.

pub mod tls;
pub mod tls_judge;
pub mod transport;
