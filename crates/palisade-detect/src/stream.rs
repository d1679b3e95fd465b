//! Chunked scanning of files and logs with flat memory.

use crate::{redact_excerpts, Detector, LineCounter, Match};

/// New bytes to gather before scanning, so many tiny chunks do not rescan
/// the retained overlap again and again.
const MIN_NEW_BYTES: usize = 256 * 1024;

/// Scans a byte stream fed in chunks of any size. Matches that straddle a
/// chunk border are found exactly once, offsets are absolute and line
/// numbers count from the start of the stream. Memory stays bounded by the
/// largest chunk plus a fixed overlap (about twice the widest rule window).
pub struct StreamScanner<'d> {
    detector: &'d Detector,
    buf: Vec<u8>,
    /// Absolute offset of `buf[0]`.
    base: usize,
    /// Matches starting before this absolute offset were already returned.
    emitted_until: usize,
    /// Line number of `buf[0]`.
    line_at_base: usize,
    /// Bytes between the last newline before `base` and `base`.
    column_at_base: usize,
    /// Context kept before the first unreported byte.
    margin: usize,
}

impl<'d> StreamScanner<'d> {
    /// A scanner for `detector`'s rules.
    pub fn new(detector: &'d Detector) -> Self {
        let margin = 2 * detector.engine().max_window + 1024;
        StreamScanner { detector, buf: Vec::new(), base: 0, emitted_until: 0, line_at_base: 1, column_at_base: 0, margin }
    }

    /// Add the next chunk; returns the matches that are now final.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Match> {
        self.buf.extend_from_slice(chunk);
        if self.buf.len() < 2 * self.margin + MIN_NEW_BYTES {
            return Vec::new();
        }
        // Matches starting before `safe_end` cannot grow with more input.
        let safe_end = self.buf.len() - self.margin;
        let out = self.scan_buffer(safe_end);
        self.emitted_until = self.base + safe_end;
        // Keep `margin` bytes before the first unreported byte for context.
        let keep_from = safe_end - self.margin;
        let dropped = &self.buf[..keep_from];
        let newlines = memchr::memchr_iter(b'\n', dropped).count();
        match memchr::memrchr(b'\n', dropped) {
            Some(last) => {
                self.line_at_base += newlines;
                self.column_at_base = keep_from - last - 1;
            }
            None => self.column_at_base += keep_from,
        }
        self.buf.drain(..keep_from);
        self.base += keep_from;
        out
    }

    /// Flush: the matches in the remaining bytes.
    pub fn finish(mut self) -> Vec<Match> {
        let end = self.buf.len();
        self.scan_buffer(end)
    }

    /// Scan the buffer and return unreported matches starting before `limit` (relative).
    fn scan_buffer(&mut self, limit: usize) -> Vec<Match> {
        let engine = self.detector.engine();
        let mut raw = engine.scan_raw(&self.buf);
        engine.resolve_overlaps(&mut raw);
        let first_new = self.emitted_until - self.base;
        let mut lines = LineCounter::new(&self.buf, self.base, self.line_at_base).with_carry(self.column_at_base);
        // Excerpts are redacted against every match in the buffer, including
        // secrets already returned by an earlier call.
        let mut all: Vec<Match> = raw.into_iter().map(|m| engine.to_match(&self.buf, self.base, m, &mut lines)).collect();
        redact_excerpts(&self.buf, self.base, &mut all);
        let (lo, hi) = (self.base + first_new, self.base + limit);
        all.retain(|m| m.start >= lo && m.start < hi);
        all
    }
}
