//! The keyword pass: every occurrence (overlapping) of every rule keyword,
//! ASCII case-insensitive.
//!
//! An Aho-Corasick DFA walks one byte per transition, and each transition
//! waits for the previous one (a chain of dependent table loads). To keep
//! the CPU busy, the input is cut into [`LANES`] segments that are walked
//! side by side in one loop: the chains are independent, so their loads
//! overlap. Each segment starts `max_pattern_len - 1` bytes early (from the
//! start state) and keeps only matches ending inside it, so every match is
//! reported exactly once, and the hits come out sorted by end offset, then
//! in the automaton's order for one end: the same sequence as
//! `AhoCorasick::find_overlapping_iter`.

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// Segments walked in parallel.
const LANES: usize = 4;
/// Below this size one lane is used (no segment set-up cost).
const MIN_PARALLEL: usize = 4096;

pub(crate) struct KeywordSearcher {
    dfa: DFA,
    start: aho_corasick::automaton::StateID,
    /// Longest keyword, in bytes.
    max_len: usize,
}

/// One keyword occurrence: `input[start..end]` is keyword `pattern`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub pattern: usize,
}

impl KeywordSearcher {
    pub(crate) fn new(keywords: &[String]) -> Result<KeywordSearcher, String> {
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            // The start state must not be special: no prefilter (a few
            // hundred keywords defeat it anyway).
            .prefilter(false)
            .build(keywords)
            .map_err(|e| e.to_string())?;
        let start = dfa.start_state(Anchored::No).map_err(|e| e.to_string())?;
        let max_len = dfa.max_pattern_len();
        Ok(KeywordSearcher { dfa, start, max_len })
    }

    /// Every keyword occurrence in `input`, sorted by end offset, into `out`
    /// (cleared first).
    pub(crate) fn find_all(&self, input: &[u8], out: &mut Vec<Hit>) {
        out.clear();
        if input.len() < MIN_PARALLEL {
            self.scan_one(input, 0, input.len(), out);
            return;
        }
        let seg = input.len().div_ceil(LANES);
        // Lane l reports matches ending in (bounds[l], bounds[l + 1]].
        let bounds: [usize; LANES + 1] = std::array::from_fn(|l| (l * seg).min(input.len()));
        let mut hits: [Vec<Hit>; LANES] = Default::default();
        // Each lane starts early enough to see every match ending in its segment.
        let mut pos: [usize; LANES] = std::array::from_fn(|l| bounds[l].saturating_sub(self.max_len.saturating_sub(1)));
        let dfa = &self.dfa;
        // Walk all lanes while each still has bytes left in its segment:
        // four plain variables and equal-length slices keep the loop free of
        // bounds checks and spills.
        let steps = (0..LANES).map(|l| bounds[l + 1] - pos[l]).min().unwrap_or(0);
        let (l0, l1, l2, l3) =
            (&input[pos[0]..pos[0] + steps], &input[pos[1]..pos[1] + steps], &input[pos[2]..pos[2] + steps], &input[pos[3]..pos[3] + steps]);
        let (mut s0, mut s1, mut s2, mut s3) = (self.start, self.start, self.start, self.start);
        for i in 0..steps {
            s0 = dfa.next_state(Anchored::No, s0, l0[i]);
            s1 = dfa.next_state(Anchored::No, s1, l1[i]);
            s2 = dfa.next_state(Anchored::No, s2, l2[i]);
            s3 = dfa.next_state(Anchored::No, s3, l3[i]);
            if dfa.is_special(s0) | dfa.is_special(s1) | dfa.is_special(s2) | dfa.is_special(s3) {
                for (l, s) in [s0, s1, s2, s3].into_iter().enumerate() {
                    let end = pos[l] + i + 1;
                    if dfa.is_special(s) && end > bounds[l] {
                        self.push_matches(s, end, &mut hits[l]);
                    }
                }
            }
        }
        for p in &mut pos {
            *p += steps;
        }
        let sid = [s0, s1, s2, s3];
        // Finish each lane alone.
        for l in 0..LANES {
            let mut s = sid[l];
            for (p, &b) in input.iter().enumerate().take(bounds[l + 1]).skip(pos[l]) {
                s = dfa.next_state(Anchored::No, s, b);
                if dfa.is_special(s) && p + 1 > bounds[l] {
                    self.push_matches(s, p + 1, &mut hits[l]);
                }
            }
        }
        for h in &hits {
            out.extend_from_slice(h);
        }
    }

    /// One lane over `input[from..to]` (all matches reported).
    fn scan_one(&self, input: &[u8], from: usize, to: usize, out: &mut Vec<Hit>) {
        let mut s = self.start;
        for (p, &b) in input.iter().enumerate().take(to).skip(from) {
            s = self.dfa.next_state(Anchored::No, s, b);
            if self.dfa.is_special(s) {
                self.push_matches(s, p + 1, out);
            }
        }
    }

    #[inline(never)]
    fn push_matches(&self, s: aho_corasick::automaton::StateID, end: usize, out: &mut Vec<Hit>) {
        if !self.dfa.is_match(s) {
            return;
        }
        for i in 0..self.dfa.match_len(s) {
            let pid = self.dfa.match_pattern(s, i);
            out.push(Hit { start: end - self.dfa.pattern_len(pid), end, pattern: pid.as_usize() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, AhoCorasickKind};
    use proptest::prelude::*;

    fn reference(keywords: &[String], input: &[u8]) -> Vec<Hit> {
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(keywords)
            .unwrap();
        ac.find_overlapping_iter(input).map(|m| Hit { start: m.start(), end: m.end(), pattern: m.pattern().as_usize() }).collect()
    }

    fn keywords() -> Vec<String> {
        ["key", "api_key", "secret", "sk_live_", "@", "ke", "yk", "token", "aaaa"].iter().map(|s| s.to_string()).collect()
    }

    proptest! {
        #[test]
        fn same_hits_as_find_overlapping_iter(
            input in proptest::collection::vec(
                prop_oneof![
                    Just(b"key".to_vec()), Just(b"API_KEY".to_vec()), Just(b"secret".to_vec()),
                    Just(b"sk_live_".to_vec()), Just(b"@".to_vec()), Just(b"aaaa".to_vec()),
                    Just(b"Token".to_vec()), Just(b"x".to_vec()), Just(b" ".to_vec()),
                    (0usize..700).prop_map(|n| vec![b'z'; n]),
                ],
                0..120,
            ).prop_map(|v| v.concat())
        ) {
            let kw = keywords();
            let s = KeywordSearcher::new(&kw).unwrap();
            let mut got = Vec::new();
            s.find_all(&input, &mut got);
            prop_assert_eq!(got, reference(&kw, &input));
        }
    }

    #[test]
    fn matches_across_segment_edges_are_reported_once() {
        let kw = keywords();
        let s = KeywordSearcher::new(&kw).unwrap();
        for len in [4096usize, 4097, 5000, 8191, 10_000] {
            for at in 0..len.saturating_sub(8) {
                if at % 97 != 0 && !(len / 4 - 10..len / 4 + 10).contains(&at) {
                    continue;
                }
                let mut input = vec![b'.'; len];
                input[at..at + 8].copy_from_slice(b"sk_LIVE_");
                let mut got = Vec::new();
                s.find_all(&input, &mut got);
                assert_eq!(got, reference(&kw, &input), "len {len} at {at}");
            }
        }
    }
}
