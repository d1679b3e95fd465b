//! HMAC-SHA-2 for many keys over one message, on the bare compression
//! functions.
//!
//! HMAC(K, m) = H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)). The key block comes first,
//! so nothing of the hash can be shared between keys; but everything after
//! it is fixed per token: the message blocks, with their padding and length
//! already in place, and the layout of the outer block. Per guess this leaves
//! two XORed key blocks, one call to the compression function for the inner
//! hash and one for the outer (SHA-NI runs the blocks back to back), and a
//! comparison of state words against the signature: no buffering, no
//! allocation. Keys longer than a block (hashed first, per RFC 2104) go the
//! ordinary way, through the `hmac` crate.

use hmac::digest::consts::{U128, U64};
use hmac::digest::generic_array::GenericArray;

type Block64 = GenericArray<u8, U64>;
type Block128 = GenericArray<u8, U128>;

const IV256: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const IV384: [u64; 8] = [
    0xcbbb9d5dc1059ed8,
    0x629a292a367cd507,
    0x9159015a3070dd17,
    0x152fecd8f70e5939,
    0x67332667ffc00b31,
    0x8eb44a8768581511,
    0xdb0c2e0d64f98fa7,
    0x47b5481dbefa4fa4,
];
const IV512: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

/// `message` followed by SHA-2 padding for a hash that has already absorbed
/// one `block`-byte key block: 0x80, zeros, then the bit length of
/// key block + message in `len_bytes` big-endian bytes.
fn padded_tail(message: &[u8], block: usize, len_bytes: usize) -> Vec<u8> {
    let bits = ((block + message.len()) as u128) * 8;
    let mut out = message.to_vec();
    out.push(0x80);
    let zeros = (block - (out.len() + len_bytes) % block) % block;
    out.resize(out.len() + zeros, 0);
    out.extend_from_slice(&bits.to_be_bytes()[16 - len_bytes..]);
    out
}

/// HMAC-SHA-256 of one message, for any key of at most 64 bytes.
pub(crate) struct Sha256Keys {
    tail: Vec<Block64>,
    /// The outer block: digest slot, then padding for 64 + 32 bytes.
    outer: Block64,
    expected: [u32; 8],
}

impl Sha256Keys {
    pub(crate) fn new(message: &[u8], signature: &[u8]) -> Sha256Keys {
        let tail = padded_tail(message, 64, 8).chunks_exact(64).map(|c| *Block64::from_slice(c)).collect();
        let mut outer = Block64::default();
        outer[..64].copy_from_slice(&padded_tail(&[0; 32], 64, 8));
        let mut expected = [0u32; 8];
        for (w, c) in expected.iter_mut().zip(signature.chunks_exact(4)) {
            *w = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        Sha256Keys { tail, outer, expected }
    }

    /// Whether `key` (at most 64 bytes) signs the message.
    #[inline]
    pub(crate) fn matches(&self, key: &[u8]) -> bool {
        debug_assert!(key.len() <= 64);
        let (mut ipad, mut opad) = ([0x36u8; 64], [0x5cu8; 64]);
        for (i, b) in key.iter().enumerate() {
            ipad[i] ^= b;
            opad[i] ^= b;
        }
        let mut inner = IV256;
        sha2::compress256(&mut inner, std::slice::from_ref(Block64::from_slice(&ipad)));
        sha2::compress256(&mut inner, &self.tail);
        let mut outer_blocks = [*Block64::from_slice(&opad), self.outer];
        for (i, w) in inner.iter().enumerate() {
            outer_blocks[1][i * 4..i * 4 + 4].copy_from_slice(&w.to_be_bytes());
        }
        let mut outer = IV256;
        sha2::compress256(&mut outer, &outer_blocks);
        outer == self.expected
    }
}

/// HMAC-SHA-384 or HMAC-SHA-512 of one message, for any key of at most 128 bytes.
pub(crate) struct Sha512Keys {
    iv: [u64; 8],
    /// Digest words: 6 (SHA-384) or 8 (SHA-512).
    words: usize,
    tail: Vec<Block128>,
    outer: Block128,
    expected: [u64; 8],
}

impl Sha512Keys {
    pub(crate) fn new_384(message: &[u8], signature: &[u8]) -> Sha512Keys {
        Sha512Keys::new(IV384, 6, message, signature)
    }

    pub(crate) fn new_512(message: &[u8], signature: &[u8]) -> Sha512Keys {
        Sha512Keys::new(IV512, 8, message, signature)
    }

    fn new(iv: [u64; 8], words: usize, message: &[u8], signature: &[u8]) -> Sha512Keys {
        let tail = padded_tail(message, 128, 16).chunks_exact(128).map(|c| *Block128::from_slice(c)).collect();
        let mut outer = Block128::default();
        outer[..128].copy_from_slice(&padded_tail(&vec![0; words * 8], 128, 16));
        let mut expected = [0u64; 8];
        for (w, c) in expected.iter_mut().zip(signature.chunks_exact(8)) {
            *w = u64::from_be_bytes(c.try_into().unwrap_or([0; 8]));
        }
        Sha512Keys { iv, words, tail, outer, expected }
    }

    /// Whether `key` (at most 128 bytes) signs the message.
    #[inline]
    pub(crate) fn matches(&self, key: &[u8]) -> bool {
        debug_assert!(key.len() <= 128);
        let (mut ipad, mut opad) = ([0x36u8; 128], [0x5cu8; 128]);
        for (i, b) in key.iter().enumerate() {
            ipad[i] ^= b;
            opad[i] ^= b;
        }
        let mut inner = self.iv;
        sha2::compress512(&mut inner, std::slice::from_ref(Block128::from_slice(&ipad)));
        sha2::compress512(&mut inner, &self.tail);
        let mut outer_blocks = [*Block128::from_slice(&opad), self.outer];
        for (i, w) in inner.iter().take(self.words).enumerate() {
            outer_blocks[1][i * 8..i * 8 + 8].copy_from_slice(&w.to_be_bytes());
        }
        let mut outer = self.iv;
        sha2::compress512(&mut outer, &outer_blocks);
        outer[..self.words] == self.expected[..self.words]
    }
}
