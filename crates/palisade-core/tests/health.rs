//! Scan health: an unhealthy scan always has a reason in plain words.

use palisade_core::ScanHealth;

#[test]
fn most_requests_failing_has_a_plain_reason() {
    let h = ScanHealth { requests_sent: 124, timeouts: 92, ..ScanHealth::default() };
    assert!(h.is_degraded());
    assert_eq!(h.most_failed().as_deref(), Some("most requests failed: 92 of 124 timed out"));
    let h = ScanHealth { requests_sent: 10, connection_errors: 9, ..ScanHealth::default() };
    assert_eq!(h.most_failed().as_deref(), Some("most requests failed: 9 of 10 could not connect"));
    let h = ScanHealth { requests_sent: 10, timeouts: 4, connection_errors: 3, ..ScanHealth::default() };
    assert_eq!(h.most_failed().as_deref(), Some("most requests failed: 7 of 10 got no answer (4 timed out, 3 could not connect)"));
}

#[test]
fn a_healthy_scan_has_no_reason() {
    for h in [
        ScanHealth::default(),
        ScanHealth { requests_sent: 3, timeouts: 3, ..ScanHealth::default() },
        ScanHealth { requests_sent: 100, timeouts: 50, ..ScanHealth::default() },
        ScanHealth { requests_sent: 100, server_errors: 100, rate_limited: 100, ..ScanHealth::default() },
    ] {
        assert_eq!(h.most_failed(), None, "{h:?}");
        assert!(!h.is_degraded(), "{h:?}");
    }
    let aborted = ScanHealth { aborted: Some("target stopped answering: 20 consecutive timeouts".into()), ..ScanHealth::default() };
    assert!(aborted.is_degraded());
}
