//! Byte-level prefilters for the keyword-less rules (cards, IBANs).
//!
//! Both look at the input in blocks of [`BLOCK`] candidate start positions.
//! A branch-free test over fixed-size byte arrays (which the compiler turns
//! into SIMD without `unsafe`) rejects a block that cannot hold a candidate
//! start; only the rare remaining blocks go through the exact scalar check.
//! The result is identical to the plain byte loops kept in the tests as a
//! reference.

/// Candidate start positions tested per block. Large blocks let the byte
/// arrays below reach the cache before they are re-read at an offset
/// (small ones stall on store forwarding).
const BLOCK: usize = 256;
/// Bytes read per block: the starts plus look-ahead, rounded so every loop
/// below runs a multiple of 16 iterations.
const SPAN: usize = BLOCK + 48;

#[inline]
fn is_run(b: u8) -> bool {
    b.is_ascii_digit() || b == b' ' || b == b'-'
}

/// Windows around runs of 13+ digits with single space/dash separators
/// (payment cards), as `(lo, hi)` byte ranges.
pub(crate) fn digit_windows(input: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let n = input.len();
    let mut pos = 0;
    while pos < n {
        if pos + SPAN <= n {
            let block: &[u8; SPAN] = input[pos..pos + SPAN].try_into().expect("SPAN bytes");
            if !block_may_start_digit_run(block) {
                pos += BLOCK;
                continue;
            }
        }
        // Exact: the first start in this block that is a digit followed by
        // 12 more run bytes (every run of 13+ digits has one).
        let limit = (pos + BLOCK).min(n);
        let Some(p) = (pos..limit).find(|&p| input[p].is_ascii_digit() && p + 13 <= n && input[p..p + 13].iter().all(|&b| is_run(b))) else {
            pos = limit;
            continue;
        };
        let mut s = p;
        while s > 0 && is_run(input[s - 1]) {
            s -= 1;
        }
        let e = input[p..].iter().position(|&b| !is_run(b)).map_or(n, |q| p + q);
        digit_runs(input, s, e, &mut out);
        pos = e + 1;
    }
    out
}

/// Whether some start `k < BLOCK` has a digit at `k` and run bytes at `k..k+13`.
#[inline]
fn block_may_start_digit_run(b: &[u8; SPAN]) -> bool {
    let mut r = [0u8; SPAN];
    for (x, &c) in r.iter_mut().zip(b.iter()) {
        *x = (c.wrapping_sub(b'0') < 10) as u8 | (c == b' ') as u8 | (c == b'-') as u8;
    }
    // a2[k]: run bytes at k..k+2; a4[k]: at k..k+4.
    let mut a2 = [0u8; BLOCK + 32];
    for k in 0..BLOCK + 32 {
        a2[k] = r[k] & r[k + 1];
    }
    let mut a4 = [0u8; BLOCK + 16];
    for k in 0..BLOCK + 16 {
        a4[k] = a2[k] & a2[k + 2];
    }
    let mut any = 0u8;
    for k in 0..BLOCK {
        let digit = (b[k].wrapping_sub(b'0') < 10) as u8;
        any |= digit & a4[k] & a4[k + 4] & a4[k + 8] & r[k + 12];
    }
    any != 0
}

/// Windows around runs of 13+ digits (single space/dash separators) in `input[lo..hi]`.
pub(crate) fn digit_runs(input: &[u8], lo: usize, hi: usize, out: &mut Vec<(usize, usize)>) {
    let (mut run_start, mut digits, mut last_digit) = (lo, 0usize, lo);
    for (i, &b) in input.iter().enumerate().take(hi).skip(lo) {
        if b.is_ascii_digit() {
            if digits == 0 {
                run_start = i;
            }
            digits += 1;
            last_digit = i;
        } else if digits > 0 && last_digit + 1 != i {
            if digits >= 13 {
                out.push((run_start.saturating_sub(1), (last_digit + 2).min(input.len())));
            }
            digits = 0;
        }
    }
    if digits >= 13 {
        out.push((run_start.saturating_sub(1), (last_digit + 2).min(input.len())));
    }
}

/// Windows around IBAN starts: two capitals then two digits at a word start.
pub(crate) fn iban_windows(input: &[u8]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let n = input.len();
    let mut pos = 0;
    while pos + 4 <= n {
        if pos + SPAN <= n {
            let block: &[u8; SPAN] = input[pos..pos + SPAN].try_into().expect("SPAN bytes");
            if !block_may_start_iban(block) {
                pos += BLOCK;
                continue;
            }
        }
        let limit = (pos + BLOCK).min(n - 3);
        for i in pos..limit {
            let w = &input[i..i + 4];
            if w[0].is_ascii_uppercase()
                && w[1].is_ascii_uppercase()
                && w[2].is_ascii_digit()
                && w[3].is_ascii_digit()
                && (i == 0 || !input[i - 1].is_ascii_alphanumeric())
            {
                let hi = (i + 48).min(n);
                match out.last_mut() {
                    Some((_, end)) if *end >= i => *end = hi,
                    _ => out.push((i.saturating_sub(1), hi)),
                }
            }
        }
        pos = limit;
    }
    out
}

/// Whether some start `k < BLOCK` has capital, capital, digit, digit at `k..k+4`.
#[inline]
fn block_may_start_iban(b: &[u8; SPAN]) -> bool {
    let mut up = [0u8; BLOCK + 16];
    let mut dg = [0u8; BLOCK + 16];
    for k in 0..BLOCK + 16 {
        up[k] = (b[k].wrapping_sub(b'A') < 26) as u8;
        dg[k] = (b[k].wrapping_sub(b'0') < 10) as u8;
    }
    let mut any = 0u8;
    for k in 0..BLOCK {
        any |= up[k] & up[k + 1] & dg[k + 2] & dg[k + 3];
    }
    any != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The straightforward byte loops the block versions must agree with.
    fn digit_windows_ref(input: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < input.len() {
            if !is_run(input[i]) {
                i += 1;
                continue;
            }
            let end = input[i..].iter().position(|&b| !is_run(b)).map_or(input.len(), |p| i + p);
            digit_runs(input, i, end, &mut out);
            i = end + 1;
        }
        out
    }

    fn iban_windows_ref(input: &[u8]) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = Vec::new();
        for i in 0..input.len().saturating_sub(3) {
            let w = &input[i..i + 4];
            if w[0].is_ascii_uppercase()
                && w[1].is_ascii_uppercase()
                && w[2].is_ascii_digit()
                && w[3].is_ascii_digit()
                && (i == 0 || !input[i - 1].is_ascii_alphanumeric())
            {
                let hi = (i + 48).min(input.len());
                match out.last_mut() {
                    Some((_, end)) if *end >= i => *end = hi,
                    _ => out.push((i.saturating_sub(1), hi)),
                }
            }
        }
        out
    }

    /// Inputs dense in the bytes that matter, so runs straddle block edges.
    fn dense() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                6 => b'0'..=b'9',
                2 => Just(b' '),
                1 => Just(b'-'),
                2 => b'A'..=b'Z',
                1 => Just(b'x'),
                1 => Just(b'\n'),
            ],
            0..1500,
        )
    }

    /// Long filler with short dense pieces: most blocks are rejected, the
    /// few candidates sit anywhere relative to block edges.
    fn sparse() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                (0usize..300).prop_map(|n| vec![b'x'; n]),
                proptest::collection::vec(prop_oneof![6 => b'0'..=b'9', 1 => Just(b' '), 1 => Just(b'-'), 2 => b'A'..=b'Z'], 0..24,),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn sparse_windows_match_the_byte_loop(input in sparse()) {
            prop_assert_eq!(digit_windows(&input), digit_windows_ref(&input));
            prop_assert_eq!(iban_windows(&input), iban_windows_ref(&input));
        }

        #[test]
        fn digit_windows_match_the_byte_loop(input in dense()) {
            prop_assert_eq!(digit_windows(&input), digit_windows_ref(&input));
        }

        #[test]
        fn iban_windows_match_the_byte_loop(input in dense()) {
            prop_assert_eq!(iban_windows(&input), iban_windows_ref(&input));
        }
    }

    #[test]
    fn finds_a_card_straddling_a_block_edge() {
        for offset in (200..300).chain(500..530) {
            let mut input = vec![b'a'; offset];
            input.extend_from_slice(b" 4556 7375 8689 9855 ");
            input.extend(vec![b'z'; 100]);
            let w = digit_windows(&input);
            assert_eq!(w, vec![(offset, offset + 21)], "offset {offset}");
        }
    }
}
