//! Authentication (AU…): credentials enforced, JWT handling, bypass variants, lockout signals and credentials in transit.

pub mod bypass;
pub mod credentials_in_transit;
pub mod enforcement;
pub mod jwt;
pub mod jwt_expired;
pub mod jwt_header;
pub mod lockout;
