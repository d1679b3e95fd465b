//! SSRF (SS…): out-of-band and internal-address fetches, open redirects.

pub mod probes;
