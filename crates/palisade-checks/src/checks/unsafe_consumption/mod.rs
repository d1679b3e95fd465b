//! Unsafe Consumption (UC…): upstream passthrough, plaintext upstreams, unsigned webhooks.

pub mod spec_review;
