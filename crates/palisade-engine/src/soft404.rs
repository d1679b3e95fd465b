//! Soft-404 calibration: learn what "not found" looks like on this target.
//!
//! Catch-all servers (SPAs, API gateways) answer 200 with the same page for
//! every unknown path. A probe of `/.env` that gets that page is not an
//! exposed `.env`. We request two random paths, remember the answers' status
//! and shape, and compare every later probe against them.

use palisade_http::{HttpError, ProbeRequest, Response, Url};
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq)]
struct Sample {
    status: u16,
    len: usize,
    shape: [u8; 32],
    location: Option<String>,
}

/// What "not found" looks like on the target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Soft404 {
    samples: Vec<Sample>,
}

impl Soft404 {
    /// Calibrate by requesting two random paths at the target's root and under
    /// its base path. Failures leave the calibration empty (only real 404s then
    /// count as not found).
    pub async fn calibrate<F, Fut>(target: &Url, mut send: F) -> Soft404
    where
        F: FnMut(ProbeRequest) -> Fut,
        Fut: std::future::Future<Output = Result<Response, HttpError>>,
    {
        let mut samples = Vec::new();
        let mut rng = rand::rng();
        let bases = [target.join("/").ok(), Some(target.clone())];
        for base in bases.into_iter().flatten() {
            let token = Alphanumeric.sample_string(&mut rng, 16).to_lowercase();
            let path = format!("{}/palisade-{token}", base.path().trim_end_matches('/'));
            let Ok(url) = base.join(&path) else { continue };
            if let Ok(resp) = send(ProbeRequest::get(url).no_redirects()).await {
                samples.push(Sample::of(&resp, &token));
            }
        }
        samples.dedup();
        Soft404 { samples }
    }

    /// What "not found" looks like from one answer to a random path
    /// (`token` is the random part), e.g. for one directory and extension.
    pub fn from_answer(resp: &Response, token: &str) -> Soft404 {
        Soft404 { samples: vec![Sample::of(resp, token)] }
    }

    /// This calibration and `other`'s, together.
    pub fn merged(&self, other: &Soft404) -> Soft404 {
        let mut samples = self.samples.clone();
        for s in &other.samples {
            if !samples.contains(s) {
                samples.push(s.clone());
            }
        }
        Soft404 { samples }
    }

    /// True when `resp` means "nothing here": a 404/410, or an answer shaped
    /// like the calibrated not-found answers. `probe_token` is the part of the
    /// probed path that a catch-all page might echo back (e.g. the file name).
    pub fn is_not_found(&self, resp: &Response, probe_token: &str) -> bool {
        if matches!(resp.status, 404 | 410) {
            return true;
        }
        let s = Sample::of(resp, probe_token);
        self.samples.iter().any(|base| {
            base.status == s.status
                && (base.shape == s.shape
                    || (base.location.is_some() && base.location == s.location)
                    || (base.len > 0 && within_percent(base.len, s.len, 5)))
        })
    }

    /// True when the target answered the random paths with a success status.
    pub fn is_catch_all(&self) -> bool {
        self.samples.iter().any(|s| (200..400).contains(&s.status))
    }
}

impl Sample {
    /// The answer's shape, hashed straight from the body: an 8 MiB body
    /// costs no copy of itself.
    fn of(resp: &Response, token: &str) -> Sample {
        let body = &resp.body[..];
        let mut hasher = Sha256::new();
        // Remove what varies between two not-found pages: the probed name, digits (timestamps, ids).
        let mut feed = |segment: &[u8]| segment.split(u8::is_ascii_digit).for_each(|run| hasher.update(run));
        let mut start = 0;
        if !token.is_empty() {
            for at in memchr::memmem::find_iter(body, token.as_bytes()) {
                feed(&body[start..at]);
                start = at + token.len();
            }
        }
        feed(&body[start..]);
        Sample { status: resp.status, len: body.len(), shape: hasher.finalize().into(), location: resp.header("location").map(str::to_string) }
    }
}

fn within_percent(a: usize, b: usize, pct: usize) -> bool {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    (hi - lo) * 100 <= hi * pct
}
