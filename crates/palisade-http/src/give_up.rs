//! Giving up on a hopeless target.
//!
//! A target that never answers, trickles a byte a second, or answers every
//! request `429 Retry-After: 3600` would otherwise keep a scan busy until
//! `max_time`, and the report would say nothing useful. The engine watches
//! the outcome of every request it sends; when one of the rules below trips,
//! it *gives up*: every later request (and TLS probe) fails at once with
//! [`crate::HttpError::GivenUp`], requests in flight are abandoned, and the
//! reason, in plain words, becomes `health.aborted`.
//!
//! Only requests that got no answer count as failures: a timeout or a
//! connection error. Any HTTP answer, a 404, a 429 or a 500 included, is an
//! answer and resets the run, so a healthy API that 404s a lot or rate-limits
//! briefly is never given up on.

use std::time::Duration;
use tokio::time::Instant;

/// Timeouts or connection failures in a row, with no answer in between,
/// after which the target is taken to have stopped answering (default 20).
pub const CONSECUTIVE_FAILURES: u32 = 20;

/// The first this many requests of a scan are judged as a whole (default 50)…
pub const EARLY_WINDOW: u32 = 50;

/// …and the scan gives up as soon as this many of them failed (default 40,
/// i.e. 80 % of [`EARLY_WINDOW`]).
pub const EARLY_FAILURES: u32 = 40;

/// No answer at all for this long (since the last answer, or since the
/// engine started)… (default 30 s)
pub const SILENCE: Duration = Duration::from_secs(30);

/// …while at least this many requests in a row failed (default 3). Catches
/// phases that send one request at a time (spec discovery), where 20 timeouts
/// in a row would take 20 request timeouts.
pub const SILENT_FAILURES: u32 = 3;

/// When the engine gives up on a target. A `Retry-After` longer than the
/// scan time left always gives up (the engine would otherwise wait out the
/// whole scan), whatever these thresholds are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GiveUpPolicy {
    /// See [`CONSECUTIVE_FAILURES`]; 0 disables the rule.
    pub consecutive_failures: u32,
    /// See [`EARLY_WINDOW`]; 0 disables the rule.
    pub early_window: u32,
    /// See [`EARLY_FAILURES`].
    pub early_failures: u32,
    /// See [`SILENCE`].
    pub silence: Duration,
    /// See [`SILENT_FAILURES`]; 0 disables the rule.
    pub silent_failures: u32,
}

impl Default for GiveUpPolicy {
    fn default() -> Self {
        Self {
            consecutive_failures: CONSECUTIVE_FAILURES,
            early_window: EARLY_WINDOW,
            early_failures: EARLY_FAILURES,
            silence: SILENCE,
            silent_failures: SILENT_FAILURES,
        }
    }
}

impl GiveUpPolicy {
    /// Never give up on failures (a `Retry-After` beyond the scan still gives up).
    pub fn never() -> Self {
        Self { consecutive_failures: 0, early_window: 0, early_failures: 0, silence: SILENCE, silent_failures: 0 }
    }
}

/// How a request that got no answer failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    Timeout,
    Connect,
}

/// Outcomes seen so far; decides when to give up.
#[derive(Debug)]
pub(crate) struct Tracker {
    policy: GiveUpPolicy,
    /// Failures since the last answer, by kind.
    run_timeouts: u32,
    run_connects: u32,
    /// Outcomes and failures among the first `early_window` requests.
    early_seen: u32,
    early_timeouts: u32,
    early_connects: u32,
    last_answer: Instant,
}

impl Tracker {
    pub(crate) fn new(policy: GiveUpPolicy, started: Instant) -> Self {
        Self { policy, run_timeouts: 0, run_connects: 0, early_seen: 0, early_timeouts: 0, early_connects: 0, last_answer: started }
    }

    /// The target answered (any status).
    pub(crate) fn answered(&mut self, now: Instant) {
        self.run_timeouts = 0;
        self.run_connects = 0;
        if self.early_seen < self.policy.early_window {
            self.early_seen += 1;
        }
        self.last_answer = self.last_answer.max(now);
    }

    /// A request got no answer; `Some(reason)` when that is one too many.
    pub(crate) fn failed(&mut self, failure: Failure, now: Instant) -> Option<String> {
        match failure {
            Failure::Timeout => self.run_timeouts += 1,
            Failure::Connect => self.run_connects += 1,
        }
        if self.early_seen < self.policy.early_window {
            self.early_seen += 1;
            match failure {
                Failure::Timeout => self.early_timeouts += 1,
                Failure::Connect => self.early_connects += 1,
            }
        }
        let run = self.run_timeouts + self.run_connects;
        let p = &self.policy;
        if p.consecutive_failures > 0 && run >= p.consecutive_failures {
            return Some(format!("target stopped answering: {}", failures(run, self.run_timeouts, self.run_connects, "consecutive ")));
        }
        let early = self.early_timeouts + self.early_connects;
        if p.early_window > 0 && p.early_failures > 0 && early >= p.early_failures {
            return Some(format!(
                "most requests failed: {} of the first {} {}",
                early,
                self.early_seen,
                how(self.early_timeouts, self.early_connects)
            ));
        }
        let silent = now.saturating_duration_since(self.last_answer);
        if p.silent_failures > 0 && run >= p.silent_failures && silent >= p.silence {
            return Some(format!(
                "target stopped answering: no answer for {} s ({})",
                silent.as_secs(),
                failures(run, self.run_timeouts, self.run_connects, "consecutive ")
            ));
        }
        None
    }
}

/// "20 consecutive timeouts", "3 consecutive connection failures",
/// "20 consecutive failures (12 timeouts, 8 connection failures)".
fn failures(n: u32, timeouts: u32, connects: u32, adjective: &str) -> String {
    match (timeouts, connects) {
        (_, 0) => format!("{n} {adjective}{}", plural(n, "timeout", "timeouts")),
        (0, _) => format!("{n} {adjective}{}", plural(n, "connection failure", "connection failures")),
        _ => format!(
            "{n} {adjective}failures ({timeouts} {}, {connects} {})",
            plural(timeouts, "timeout", "timeouts"),
            plural(connects, "connection failure", "connection failures")
        ),
    }
}

/// "timed out", "could not connect", "timed out or could not connect".
fn how(timeouts: u32, connects: u32) -> &'static str {
    match (timeouts, connects) {
        (_, 0) => "timed out",
        (0, _) => "could not connect",
        _ => "timed out or could not connect",
    }
}

fn plural(n: u32, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The reason to give up when the target asks to wait `wait` with `left` of
/// the scan time to go, if the wait is longer.
pub(crate) fn retry_after_beyond(wait: Duration, left: Duration) -> Option<String> {
    (wait > left).then(|| format!("target asked to retry after {} s, longer than the {} s left", wait.as_secs(), left.as_secs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracker() -> (Tracker, Instant) {
        let now = Instant::now();
        (Tracker::new(GiveUpPolicy::default(), now), now)
    }

    #[test]
    fn twenty_timeouts_in_a_row_give_up() {
        let (mut t, now) = tracker();
        for _ in 0..5 {
            t.answered(now);
        }
        for i in 1..CONSECUTIVE_FAILURES {
            assert_eq!(t.failed(Failure::Timeout, now), None, "after {i}");
        }
        assert_eq!(t.failed(Failure::Timeout, now).as_deref(), Some("target stopped answering: 20 consecutive timeouts"));
    }

    #[test]
    fn an_answer_resets_the_run() {
        let (mut t, now) = tracker();
        // Past the early window, so only runs count.
        for _ in 0..EARLY_WINDOW {
            t.answered(now);
        }
        for _ in 0..200 {
            for _ in 0..CONSECUTIVE_FAILURES - 1 {
                assert_eq!(t.failed(Failure::Connect, now), None);
            }
            t.answered(now);
            t.answered(now);
            t.answered(now);
            t.answered(now);
            t.answered(now);
        }
    }

    #[test]
    fn most_of_the_first_requests_failing_gives_up() {
        let (mut t, now) = tracker();
        let mut reason = None;
        for i in 0..EARLY_WINDOW {
            if i % 5 == 0 {
                t.answered(now);
            } else {
                reason = reason.or(t.failed(if i % 2 == 0 { Failure::Timeout } else { Failure::Connect }, now));
            }
        }
        assert_eq!(reason.as_deref(), Some("most requests failed: 40 of the first 50 timed out or could not connect"));
    }

    #[test]
    fn failures_after_the_early_window_only_count_in_runs() {
        let (mut t, now) = tracker();
        for _ in 0..EARLY_WINDOW {
            t.answered(now);
        }
        for _ in 0..100 {
            for _ in 0..10 {
                assert_eq!(t.failed(Failure::Timeout, now), None);
            }
            t.answered(now);
        }
    }

    #[test]
    fn silence_with_a_few_failures_gives_up() {
        let (mut t, start) = tracker();
        t.answered(start);
        assert_eq!(t.failed(Failure::Timeout, start + Duration::from_secs(10)), None);
        assert_eq!(t.failed(Failure::Timeout, start + Duration::from_secs(20)), None);
        assert_eq!(
            t.failed(Failure::Timeout, start + Duration::from_secs(30)).as_deref(),
            Some("target stopped answering: no answer for 30 s (3 consecutive timeouts)")
        );
    }

    #[test]
    fn a_long_quiet_pause_without_failures_is_not_silence() {
        let (mut t, start) = tracker();
        t.answered(start + Duration::from_secs(100));
        assert_eq!(t.failed(Failure::Timeout, start + Duration::from_secs(101)), None);
        assert_eq!(t.failed(Failure::Timeout, start + Duration::from_secs(102)), None);
        assert_eq!(t.failed(Failure::Timeout, start + Duration::from_secs(103)), None);
    }

    #[test]
    fn disabled_rules_never_trip() {
        let now = Instant::now();
        let mut t = Tracker::new(GiveUpPolicy::never(), now);
        for i in 0..500 {
            assert_eq!(t.failed(Failure::Timeout, now + Duration::from_secs(i)), None);
        }
    }

    #[test]
    fn retry_after_longer_than_the_time_left() {
        assert_eq!(
            retry_after_beyond(Duration::from_secs(3600), Duration::from_millis(287_400)).as_deref(),
            Some("target asked to retry after 3600 s, longer than the 287 s left")
        );
        assert_eq!(retry_after_beyond(Duration::from_secs(1), Duration::from_secs(287)), None);
    }
}
