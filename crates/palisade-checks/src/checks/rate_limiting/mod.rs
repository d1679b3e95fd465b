//! Rate Limiting (RL…): burst limits, page sizes, pagination and request-size bounds.

pub mod limits;
