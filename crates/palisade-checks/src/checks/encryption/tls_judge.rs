//! The judgement of TLS inspection (EN004–EN008, EN010), as pure functions
//! over the facts `palisade-http` gathers (a handshake's chain, version and
//! suite; certificate fields and chain verification from
//! `palisade_http::tls::cert`; the start of a ServerHello): what counts as
//! expired or expiring, untrusted or self-signed, not naming the host, a weak
//! key or signature, a legacy protocol version, a weak cipher suite. No
//! connection is opened here; the probes are in [`super::tls`].

use crate::rules::{en004_certificate_expiry, en005_untrusted_certificate, en006_hostname_mismatch, en007_weak_certificate_crypto};
use palisade_core::Severity;
use palisade_http::tls::cert::{self, KeyAlgorithm};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Legacy versions probed for EN008.
pub const LEGACY_VERSIONS: [(u16, &str); 2] = [(0x0301, "TLS 1.0"), (0x0302, "TLS 1.1")];
/// A certificate expiring sooner than this is reported (medium).
pub const EXPIRY_WARNING: Duration = Duration::from_secs(30 * 24 * 3600);
/// Shortest acceptable RSA/DSA modulus.
pub const MIN_RSA_BITS: usize = 2048;
/// Shortest acceptable EC key.
pub const MIN_EC_BITS: usize = 256;

/// What one handshake showed: the chain (DER, leaf first, as the server sent
/// it), the negotiated version (`TLSv1_3`) and cipher (`TLS13_AES_128_GCM_SHA256`).
pub type TlsFacts = palisade_http::tls::PeerHandshake;

/// One problem found in a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsIssue {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Distinguishes two issues of one rule.
    pub key: String,
    pub excerpt: String,
}

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn date(ts: i64) -> String {
    cert::display_time(ts)
}

/// Judges a captured chain for `target`, trusting the webpki roots plus `extra_roots` (DER).
pub fn assess(facts: &TlsFacts, target: &url::Url, extra_roots: &[Vec<u8>], now: i64) -> Vec<TlsIssue> {
    let mut issues = Vec::new();
    let Some(leaf_der) = facts.chain.first() else { return issues };
    let Some(leaf) = cert::parse_certificate(leaf_der) else {
        issues.push(TlsIssue {
            rule: en005_untrusted_certificate::RULE.code,
            severity: Severity::Medium,
            message: "The server's TLS certificate cannot be parsed as X.509.".into(),
            key: "unparsable".into(),
            excerpt: format!("{} bytes", leaf_der.len()),
        });
        return issues;
    };
    let subject = &leaf.subject;
    let (not_before, not_after) = (leaf.not_before, leaf.not_after);
    let window = format!("subject '{subject}', notBefore {}, notAfter {}", date(not_before), date(not_after));

    // EN004: validity window.
    if now > not_after {
        let days = (now - not_after) / 86_400;
        issues.push(TlsIssue {
            rule: en004_certificate_expiry::RULE.code,
            severity: Severity::High,
            message: format!("The TLS certificate expired on {} ({days} days ago).", date(not_after)),
            key: "expired".into(),
            excerpt: window.clone(),
        });
    } else if now < not_before {
        issues.push(TlsIssue {
            rule: en004_certificate_expiry::RULE.code,
            severity: Severity::High,
            message: format!("The TLS certificate is not valid before {}.", date(not_before)),
            key: "not-yet-valid".into(),
            excerpt: window.clone(),
        });
    } else if not_after - now < EXPIRY_WARNING.as_secs() as i64 {
        let days = (not_after - now) / 86_400;
        issues.push(TlsIssue {
            rule: en004_certificate_expiry::RULE.code,
            severity: Severity::Medium,
            message: format!("The TLS certificate expires on {} (in {days} days).", date(not_after)),
            key: "expiring".into(),
            excerpt: window.clone(),
        });
    }

    // EN005: trust, judged at a moment inside the leaf's validity so that expiry is EN004's alone
    // (and names are EN006's: the verification ignores them).
    let judged_at = if (not_before..=not_after).contains(&now) { now } else { not_before + (not_after - not_before) / 2 };
    if let Some(Err(reason)) = cert::verify_chain(&facts.chain, target, extra_roots, judged_at) {
        let self_signed = leaf.self_signed && facts.chain.len() == 1;
        let message = if self_signed {
            "The TLS certificate is self-signed: no client can verify it against a trusted root.".to_string()
        } else {
            format!("The TLS certificate chain does not verify against the trusted roots ({reason}).")
        };
        issues.push(TlsIssue {
            rule: en005_untrusted_certificate::RULE.code,
            severity: Severity::Medium,
            message,
            key: if self_signed { "self-signed".into() } else { "untrusted".into() },
            excerpt: format!("subject '{subject}', issuer '{}', chain of {}", leaf.issuer, facts.chain.len()),
        });
    }

    // EN006: hostname.
    if cert::names_host(leaf_der, target) == Some(false) {
        let host = target.host_str().unwrap_or("");
        issues.push(TlsIssue {
            rule: en006_hostname_mismatch::RULE.code,
            severity: Severity::Medium,
            message: format!("The TLS certificate does not name {host}."),
            key: String::new(),
            excerpt: crate::checks::support::clip(&format!("subject '{subject}', subjectAltName [{}]", leaf.subject_alt_names.join(", ")), 200),
        });
    }

    // EN007: key size of the leaf, signature algorithms of every certificate but a self-signed root.
    if let Some(key) = leaf.public_key {
        let min = match key.algorithm {
            KeyAlgorithm::Rsa | KeyAlgorithm::Dsa => MIN_RSA_BITS,
            KeyAlgorithm::Ec => MIN_EC_BITS,
            KeyAlgorithm::Other => 0,
        };
        let (kind, bits) = (key.algorithm.label(), key.bits);
        if bits > 0 && bits < min {
            issues.push(TlsIssue {
                rule: en007_weak_certificate_crypto::RULE.code,
                severity: Severity::Medium,
                message: format!("The TLS certificate has a {bits}-bit {kind} key (minimum {min})."),
                key: "key".into(),
                excerpt: format!("subject '{subject}', {kind} {bits} bits"),
            });
        }
    }
    for (i, der) in facts.chain.iter().enumerate() {
        let Some(cert) = cert::parse_certificate(der) else { continue };
        if i > 0 && cert.self_signed {
            continue;
        }
        if let Some(alg) = weak_signature(&cert.signature_algorithm) {
            issues.push(TlsIssue {
                rule: en007_weak_certificate_crypto::RULE.code,
                severity: Severity::Medium,
                message: format!("A certificate in the chain (#{i}, '{}') is signed with {alg}.", cert.subject),
                key: format!("signature-{i}"),
                excerpt: format!("certificate #{i}: signatureAlgorithm {alg}"),
            });
        }
    }
    issues
}

/// MD2/MD5/SHA-1 signature algorithm OIDs.
pub fn weak_signature(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.3.14.3.2.29" => "sha1WithRSASignature",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10040.4.3" => "dsa-with-sha1",
        _ => return None,
    })
}

/// Why a cipher suite is weak (worst first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WeakClass {
    /// No encryption.
    Null,
    /// 40/56-bit export keys.
    Export,
    /// No server authentication.
    Anonymous,
    /// Single DES (56-bit).
    Des,
    /// RC4 (RFC 7465).
    Rc4,
    /// 3DES (64-bit blocks, SWEET32).
    TripleDes,
    /// CBC with an SHA-1 MAC (MAC-then-encrypt).
    CbcSha1,
}

impl WeakClass {
    pub fn severity(self) -> Severity {
        match self {
            WeakClass::Null | WeakClass::Export | WeakClass::Anonymous | WeakClass::Des => Severity::High,
            WeakClass::Rc4 | WeakClass::TripleDes => Severity::Medium,
            WeakClass::CbcSha1 => Severity::Low,
        }
    }
    pub fn describe(self) -> &'static str {
        match self {
            WeakClass::Null => "a NULL suite (no encryption)",
            WeakClass::Export => "an EXPORT suite (40/56-bit keys)",
            WeakClass::Anonymous => "an anonymous suite (no server authentication)",
            WeakClass::Des => "a single-DES suite (56-bit key)",
            WeakClass::Rc4 => "an RC4 suite (RFC 7465 forbids RC4)",
            WeakClass::TripleDes => "a 3DES suite (64-bit blocks, SWEET32)",
            WeakClass::CbcSha1 => "a CBC suite with an SHA-1 MAC",
        }
    }
}

/// Weak TLS 1.2 cipher suites by IANA code.
pub const WEAK_SUITES: &[(u16, &str, WeakClass)] = &[
    (0x0001, "TLS_RSA_WITH_NULL_MD5", WeakClass::Null),
    (0x0002, "TLS_RSA_WITH_NULL_SHA", WeakClass::Null),
    (0x003b, "TLS_RSA_WITH_NULL_SHA256", WeakClass::Null),
    (0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", WeakClass::Null),
    (0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA", WeakClass::Null),
    (0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", WeakClass::Export),
    (0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", WeakClass::Export),
    (0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", WeakClass::Export),
    (0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", WeakClass::Export),
    (0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", WeakClass::Export),
    (0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", WeakClass::Anonymous),
    (0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", WeakClass::Anonymous),
    (0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", WeakClass::Anonymous),
    (0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA", WeakClass::Anonymous),
    (0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", WeakClass::Anonymous),
    (0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", WeakClass::Anonymous),
    (0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", WeakClass::Anonymous),
    (0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", WeakClass::Anonymous),
    (0x0009, "TLS_RSA_WITH_DES_CBC_SHA", WeakClass::Des),
    (0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", WeakClass::Des),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5", WeakClass::Rc4),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA", WeakClass::Rc4),
    (0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", WeakClass::Rc4),
    (0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", WeakClass::Rc4),
    (0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", WeakClass::TripleDes),
    (0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", WeakClass::TripleDes),
    (0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", WeakClass::TripleDes),
    (0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", WeakClass::TripleDes),
    (0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", WeakClass::CbcSha1),
    (0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", WeakClass::CbcSha1),
    (0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", WeakClass::CbcSha1),
    (0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", WeakClass::CbcSha1),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", WeakClass::CbcSha1),
    (0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", WeakClass::CbcSha1),
    (0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", WeakClass::CbcSha1),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", WeakClass::CbcSha1),
];

/// The EN010 probes: a name and the classes each ClientHello offers. The
/// broken suites go first so a server preferring CBC-SHA1 cannot hide them.
pub const WEAK_SUITE_PROBES: [(&str, &[WeakClass]); 2] = [
    ("broken", &[WeakClass::Null, WeakClass::Export, WeakClass::Anonymous, WeakClass::Des, WeakClass::Rc4, WeakClass::TripleDes]),
    ("cbc-sha1", &[WeakClass::CbcSha1]),
];

/// Name and class of a weak suite.
pub fn weak_suite(code: u16) -> Option<(&'static str, WeakClass)> {
    WEAK_SUITES.iter().find(|(c, ..)| *c == code).map(|(_, n, k)| (*n, *k))
}

/// The suite codes of `classes` (plus the renegotiation SCSV).
pub fn suites_of(classes: &[WeakClass]) -> Vec<u16> {
    let mut out: Vec<u16> = WEAK_SUITES.iter().filter(|(_, _, k)| classes.contains(k)).map(|(c, ..)| *c).collect();
    out.push(0x00ff);
    out
}

/// The EN010 judgement of a ServerHello's choice: the weak suite's name and
/// class when the server picked one of the classes this probe offered.
pub fn weak_choice(code: u16, offered: &[WeakClass]) -> Option<(&'static str, WeakClass)> {
    weak_suite(code).filter(|(_, k)| offered.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use palisade_http::tls::wire::client_hello;

    #[test]
    fn weak_suite_hellos_offer_exactly_their_classes() {
        for (_, classes) in WEAK_SUITE_PROBES {
            let suites = suites_of(classes);
            let hello = client_hello(0x0303, &suites, Some("api.example.test"));
            assert_eq!(u16::from_be_bytes([hello[3], hello[4]]) as usize, hello.len() - 5);
            assert_eq!(u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize, hello.len() - 9);
            assert_eq!(u16::from_be_bytes([hello[9], hello[10]]), 0x0303);
            let n = u16::from_be_bytes([hello[44], hello[45]]) as usize / 2;
            let offered: Vec<u16> = (0..n).map(|i| u16::from_be_bytes([hello[46 + 2 * i], hello[47 + 2 * i]])).collect();
            assert_eq!(offered, suites);
            for code in offered.iter().filter(|c| **c != 0x00ff) {
                assert!(classes.contains(&weak_suite(*code).unwrap().1));
            }
            assert!(hello.windows(2).any(|w| w == [0x00, 0x0d]), "signature_algorithms");
        }
        assert!(!suites_of(WEAK_SUITE_PROBES[0].1).contains(&0x002f), "CBC-SHA1 has its own probe");
        assert_eq!(weak_suite(0x1301), None, "TLS_AES_128_GCM_SHA256");
        assert_eq!(weak_suite(0x000a).unwrap().1.severity(), Severity::Medium);
        assert_eq!(weak_suite(0x002f).unwrap().1.severity(), Severity::Low);
        assert_eq!(weak_suite(0x0002).unwrap().1.severity(), Severity::High);
        assert_eq!(weak_choice(0x002f, WEAK_SUITE_PROBES[0].1), None, "a suite the probe did not offer");
        assert_eq!(weak_choice(0x002f, WEAK_SUITE_PROBES[1].1).map(|c| c.0), Some("TLS_RSA_WITH_AES_128_CBC_SHA"));
    }

    #[test]
    fn garbage_or_empty_chains_yield_no_panic() {
        let target = url::Url::parse("https://127.0.0.1:8443/").unwrap();
        let empty = TlsFacts { chain: vec![], version: String::new(), cipher: String::new() };
        assert!(assess(&empty, &target, &[], 0).is_empty());
        let junk = TlsFacts { chain: vec![vec![0x30, 0x82, 0xff]], version: String::new(), cipher: String::new() };
        let issues = assess(&junk, &target, &[vec![1, 2, 3]], unix_now());
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].rule, "EN005");
    }

    #[test]
    fn weak_signature_oids_are_named() {
        assert_eq!(weak_signature("1.2.840.113549.1.1.5"), Some("sha1WithRSAEncryption"));
        assert_eq!(weak_signature("1.2.840.113549.1.1.11"), None, "sha256WithRSAEncryption");
    }
}
