//! Fake but format-valid secrets and identifiers, derived deterministically
//! from a label with SHA-256 so every run of the demo serves the same values
//! (tests can assert on them) without any real or documented example secret.

use sha2::{Digest, Sha256};

/// 32 pseudo-random bytes for `label`.
fn digest(label: &str) -> [u8; 32] {
    Sha256::digest(format!("palisade-demo/{label}").as_bytes()).into()
}

/// `len` characters drawn from `alphabet`, seeded by `label`.
fn from_alphabet(label: &str, alphabet: &[u8], len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut block = 0u32;
    while out.len() < len {
        for byte in digest(&format!("{label}/{block}")) {
            if out.len() == len {
                break;
            }
            out.push(alphabet[usize::from(byte) % alphabet.len()] as char);
        }
        block += 1;
    }
    out
}

/// 64 lowercase hex characters, like the seed's `os.urandom(32).hex()`.
pub(crate) fn hex64(label: &str) -> String {
    digest(label).iter().map(|b| format!("{b:02x}")).collect()
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A Stripe-format live secret key: `sk_live_` + 24 base62 characters.
pub(crate) fn stripe_secret_key(label: &str) -> String {
    format!("sk_live_{}", from_alphabet(label, BASE62, 24))
}

/// An AWS access key id: `AKIA` + 16 characters of `[A-Z2-7]`.
pub(crate) fn aws_access_key_id(label: &str) -> String {
    format!("AKIA{}", from_alphabet(label, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16))
}

/// An AWS secret access key: 40 characters of `[A-Za-z0-9/+]`.
pub(crate) fn aws_secret_access_key(label: &str) -> String {
    from_alphabet(label, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", 40)
}

/// A bcrypt-format password hash (`$2b$12$` + 53 characters).
pub(crate) fn bcrypt_hash(label: &str) -> String {
    format!("$2b$12${}", from_alphabet(label, b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 53))
}

/// A version-4-shaped UUID for `label` (what the hardened twin uses as ids).
pub(crate) fn uuid(label: &str) -> String {
    let mut b = digest(label);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b[..16].iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Fresh, unpredictable 64-hex secret for the hardened twin (its API key and
/// JWT secret): std's randomly seeded hasher plus the clock, through SHA-256.
pub(crate) fn random_hex64() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    hasher.write_u128(nanos);
    let seed = hasher.finish();
    let other = std::collections::hash_map::RandomState::new().build_hasher().finish();
    hex64(&format!("random/{seed:x}/{other:x}/{nanos}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_valid_and_deterministic() {
        let key = hex64("k1");
        assert_eq!(key.len(), 64);
        assert!(key.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(key, hex64("k1"));
        assert_ne!(key, hex64("k2"));
        let stripe = stripe_secret_key("s");
        assert_eq!(stripe.len(), 32);
        assert!(stripe.starts_with("sk_live_") && stripe[8..].chars().all(|c| c.is_ascii_alphanumeric()));
        let akia = aws_access_key_id("a");
        assert_eq!(akia.len(), 20);
        assert!(akia[4..].chars().all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c)));
        assert_eq!(aws_secret_access_key("a").len(), 40);
        assert_eq!(bcrypt_hash("p").len(), 60);
        let id = uuid("u");
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_ne!(random_hex64(), random_hex64());
    }
}
