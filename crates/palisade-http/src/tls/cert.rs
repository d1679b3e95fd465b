//! Facts about certificate chains a TLS probe captured: the X.509 fields a
//! check judges, verification against the webpki roots plus extra CA roots,
//! and the hostname match. Pure functions over DER bytes; what counts as
//! expired, weak or untrusted is the checks' judgement, not this module's.

use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::{CertificateError, RootCertStore};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use url::Url;
use x509_parser::prelude::{FromDer, X509Certificate};

/// The public key algorithm of a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    Rsa,
    Dsa,
    Ec,
    /// Anything else (Ed25519, GOST, unknown OIDs).
    Other,
}

impl KeyAlgorithm {
    /// `RSA`, `DSA`, `EC`, or empty for [`KeyAlgorithm::Other`].
    pub fn label(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa => "RSA",
            KeyAlgorithm::Dsa => "DSA",
            KeyAlgorithm::Ec => "EC",
            KeyAlgorithm::Other => "",
        }
    }
}

/// A certificate's public key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKeyFacts {
    pub algorithm: KeyAlgorithm,
    /// Modulus or curve size in bits, as x509-parser reports it (0 when unknown).
    pub bits: usize,
}

/// What one certificate says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateFacts {
    /// The subject name as printed by x509-parser (`CN=api.example.test`).
    pub subject: String,
    /// The issuer name, printed the same way.
    pub issuer: String,
    /// Subject and issuer are byte-for-byte the same name (self-issued).
    pub self_signed: bool,
    /// notBefore, seconds since the Unix epoch.
    pub not_before: i64,
    /// notAfter, seconds since the Unix epoch.
    pub not_after: i64,
    /// subjectAltName entries as printed by x509-parser (`DNSName(api.example.test)`).
    pub subject_alt_names: Vec<String>,
    /// `None` when the key cannot be parsed.
    pub public_key: Option<PublicKeyFacts>,
    /// The signatureAlgorithm OID, dotted (`1.2.840.113549.1.1.11`).
    pub signature_algorithm: String,
}

/// The facts of one DER certificate; `None` when it is not X.509.
pub fn parse_certificate(der: &[u8]) -> Option<CertificateFacts> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let public_key = cert.public_key().parsed().ok().map(|key| {
        use x509_parser::public_key::PublicKey;
        match &key {
            PublicKey::RSA(k) => PublicKeyFacts { algorithm: KeyAlgorithm::Rsa, bits: k.key_size() },
            PublicKey::DSA(_) => PublicKeyFacts { algorithm: KeyAlgorithm::Dsa, bits: key.key_size() },
            PublicKey::EC(k) => PublicKeyFacts { algorithm: KeyAlgorithm::Ec, bits: k.key_size() },
            _ => PublicKeyFacts { algorithm: KeyAlgorithm::Other, bits: key.key_size() },
        }
    });
    let subject_alt_names =
        cert.subject_alternative_name().ok().flatten().map(|ext| ext.value.general_names.iter().map(|g| g.to_string()).collect()).unwrap_or_default();
    Some(CertificateFacts {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        subject_alt_names,
        public_key,
        signature_algorithm: cert.signature_algorithm.algorithm.to_id_string(),
    })
}

/// A certificate time as X.509 tools print it (`Oct 25 07:39:09 2026 +00:00`);
/// the number itself when it is out of range.
pub fn display_time(ts: i64) -> String {
    x509_parser::time::ASN1Time::from_timestamp(ts).map(|t| t.to_string()).unwrap_or_else(|_| ts.to_string())
}

/// The webpki roots, parsed once per process.
fn webpki_roots() -> &'static RootCertStore {
    static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut roots = RootCertStore::empty();
        roots.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
        roots
    })
}

/// Whether `chain` (leaf first) verifies for `target` at `at` (Unix seconds)
/// against the webpki roots plus `extra_roots` (DER; unparsable ones are
/// ignored). A certificate that does not name the host still verifies here:
/// names are [`names_host`]'s. `None` when `target` has no host a
/// certificate could be issued for, or the chain is empty; `Some(Err)`
/// holds rustls' reason.
pub fn verify_chain(chain: &[Vec<u8>], target: &Url, extra_roots: &[Vec<u8>], at: i64) -> Option<Result<(), String>> {
    let (leaf, intermediates) = chain.split_first()?;
    let name = super::server_name(target)?;
    let mut roots = webpki_roots().clone();
    roots.add_parsable_certificates(extra_roots.iter().map(|d| CertificateDer::from(d.clone())));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider).build().ok()?;
    let intermediates: Vec<CertificateDer<'_>> = intermediates.iter().map(|d| CertificateDer::from(d.as_slice())).collect();
    let at = UnixTime::since_unix_epoch(Duration::from_secs(at.max(0) as u64));
    Some(match verifier.verify_server_cert(&CertificateDer::from(leaf.as_slice()), &intermediates, &name, &[], at) {
        Ok(_) => Ok(()),
        Err(rustls::Error::InvalidCertificate(CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. })) => Ok(()),
        Err(e) => Err(e.to_string()),
    })
}

/// Whether the leaf certificate (DER) names `target`'s host (DNS name or IP
/// address, wildcards as RFC 6125 allows). `None` when the target has no
/// host a certificate could name; `Some(false)` for a leaf that cannot be parsed.
pub fn names_host(leaf: &[u8], target: &Url) -> Option<bool> {
    let name = super::server_name(target)?;
    let der = CertificateDer::from(leaf);
    Some(rustls::server::ParsedCertificate::try_from(&der).and_then(|p| rustls::client::verify_server_name(&p, &name)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_no_certificate_and_no_panic() {
        assert_eq!(parse_certificate(&[]), None);
        assert_eq!(parse_certificate(&[0x30, 0x82, 0xff]), None);
        let target = Url::parse("https://127.0.0.1:8443/").unwrap();
        assert!(matches!(verify_chain(&[vec![0x30, 0x82, 0xff]], &target, &[vec![1, 2, 3]], 0), Some(Err(_))));
        assert_eq!(verify_chain(&[], &target, &[], 0), None);
        assert_eq!(names_host(&[1, 2, 3], &target), Some(false));
        assert_eq!(display_time(0), "Jan  1 00:00:00 1970 +00:00");
    }
}
