//! Data Exposure (DE…): secrets and personal data in responses, debug output and endpoints, key reflection and reveal.

pub mod discovered_content;
pub mod key_reveal;
pub mod responses;
