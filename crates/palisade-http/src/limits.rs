//! Rate limiting and Retry-After parsing.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// Spreads request starts at one per `1/rate` seconds. A plain schedule of
/// slots, not a token bucket: a scanner has no reason to burst.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    interval: Option<Duration>,
    next_slot: Mutex<Instant>,
}

impl RateLimiter {
    pub(crate) fn new(rate_per_sec: f64) -> Self {
        let interval = (rate_per_sec.is_finite() && rate_per_sec > 0.0)
            .then(|| Duration::try_from_secs_f64(1.0 / rate_per_sec).unwrap_or(Duration::from_secs(3600)));
        Self { interval, next_slot: Mutex::new(Instant::now()) }
    }

    /// Wait for this caller's slot.
    pub(crate) async fn wait(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let slot = {
            let mut next = self.next_slot.lock().unwrap_or_else(|e| e.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// `Retry-After` as a delay from now: delta-seconds or an HTTP-date.
/// Unparsable values give `None`; dates in the past give zero.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds() {
        assert_eq!(parse_retry_after(" 7 ", SystemTime::now()), Some(Duration::from_secs(7)));
    }

    #[test]
    fn retry_after_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), Some(Duration::from_secs(10)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:27 GMT", now), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_garbage_is_none() {
        assert_eq!(parse_retry_after("soon", SystemTime::now()), None);
        assert_eq!(parse_retry_after("-5", SystemTime::now()), None);
    }

    #[test]
    fn extreme_rates_do_not_panic() {
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-300, 1e300] {
            let _ = RateLimiter::new(rate);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn slots_are_spread_by_the_interval() {
        let limiter = RateLimiter::new(10.0);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.wait().await;
        }
        // Paused clock: elapsed time is exactly the scheduled slots, not wall time.
        assert_eq!(start.elapsed(), Duration::from_millis(400));
    }
}
