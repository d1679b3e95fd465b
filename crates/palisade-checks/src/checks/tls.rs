//! TLS inspection (EN004–EN007): one handshake of our own to the target's
//! host and port that accepts any certificate, captures the chain the server
//! presents and the negotiated version and cipher, then judges the chain
//! offline: validity window, trust (webpki roots plus `--ca-cert` roots),
//! hostname, key size and signature algorithm; plus one hand-made TLS 1.0 and
//! one TLS 1.1 ClientHello (rustls cannot offer them) to see whether the
//! server still answers with a ServerHello (EN008); plus two hand-made TLS 1.2
//! ClientHellos offering only weak cipher suites, whose ServerHello names the
//! suite the server picked (EN010). No HTTP request is sent.

use crate::rules::{
    en004_certificate_expiry, en005_untrusted_certificate, en006_hostname_mismatch, en007_weak_certificate_crypto, en008_legacy_tls_protocol,
    en010_weak_cipher_suite,
};
use async_trait::async_trait;
use palisade_core::{Category, Evidence, Finding, RuleMeta, Severity};
use palisade_engine::{Check, CheckFailure, ScanContext};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use x509_parser::prelude::{FromDer, X509Certificate};

/// TLS connections this check opens per scan: one full handshake, one TLS 1.0
/// and one TLS 1.1 ClientHello, and one TLS 1.2 ClientHello per weak-suite
/// probe (each closed after the server's first record).
pub const MAX_TLS_CONNECTIONS: usize = 1 + LEGACY_VERSIONS.len() + WEAK_SUITE_PROBES.len();
/// Legacy versions probed for EN008.
pub const LEGACY_VERSIONS: [(u16, &str); 2] = [(0x0301, "TLS 1.0"), (0x0302, "TLS 1.1")];
/// Most bytes read from the server's answer to a legacy ClientHello.
const LEGACY_READ_LIMIT: usize = 16;
/// A certificate expiring sooner than this is reported (medium).
pub const EXPIRY_WARNING: Duration = Duration::from_secs(30 * 24 * 3600);
/// Shortest acceptable RSA/DSA modulus.
pub const MIN_RSA_BITS: usize = 2048;
/// Shortest acceptable EC key.
pub const MIN_EC_BITS: usize = 256;

/// What one handshake showed.
#[derive(Clone, Debug)]
pub struct TlsFacts {
    /// Leaf first, as the server sent it.
    pub chain: Vec<CertificateDer<'static>>,
    /// `TLSv1_3`, ...
    pub version: String,
    /// `TLS13_AES_128_GCM_SHA256`, ...
    pub cipher: String,
}

/// Accepts every certificate: the probe inspects the chain afterwards
/// instead of refusing to connect.
#[derive(Debug)]
struct AcceptAny(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(&self, _m: &[u8], _c: &CertificateDer<'_>, _d: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(&self, _m: &[u8], _c: &CertificateDer<'_>, _d: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The server name the target is reached at (IP literals without brackets).
fn server_name(target: &url::Url) -> Option<ServerName<'static>> {
    match target.host()? {
        url::Host::Domain(d) => ServerName::try_from(d.to_string()).ok(),
        url::Host::Ipv4(ip) => Some(ServerName::IpAddress(std::net::IpAddr::V4(ip).into())),
        url::Host::Ipv6(ip) => Some(ServerName::IpAddress(std::net::IpAddr::V6(ip).into())),
    }
}

/// One TLS handshake with `target`'s host and port, accepting any certificate.
pub async fn probe(target: &url::Url, timeout: Duration) -> Result<TlsFacts, String> {
    let name = server_name(target).ok_or_else(|| "the target has no usable host name".to_string())?;
    let host = target.host_str().ok_or_else(|| "the target has no host".to_string())?;
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let port = target.port_or_known_default().unwrap_or(443);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAny(provider)))
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let handshake = async {
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await.map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
        let mut tls = connector.connect(name, tcp).await.map_err(|e| format!("TLS handshake with {host}:{port} failed: {e}"))?;
        let conn = tls.get_ref().1;
        let facts = TlsFacts {
            chain: conn.peer_certificates().map(|c| c.to_vec()).unwrap_or_default(),
            version: conn.protocol_version().map(|v| format!("{v:?}")).unwrap_or_default(),
            cipher: conn.negotiated_cipher_suite().map(|c| format!("{:?}", c.suite())).unwrap_or_default(),
        };
        let _ = tokio::io::AsyncWriteExt::shutdown(&mut tls).await;
        Ok::<_, String>(facts)
    };
    tokio::time::timeout(timeout, handshake).await.map_err(|_| format!("TLS handshake with {host}:{port} timed out"))?
}

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

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn date(ts: i64) -> String {
    x509_parser::time::ASN1Time::from_timestamp(ts).map(|t| t.to_string()).unwrap_or_else(|_| ts.to_string())
}

fn is_self_signed(cert: &X509Certificate<'_>) -> bool {
    cert.subject().as_raw() == cert.issuer().as_raw()
}

/// Judges a captured chain for `target`, trusting the webpki roots plus `extra_roots` (DER).
pub fn assess(facts: &TlsFacts, target: &url::Url, extra_roots: &[Vec<u8>], now: i64) -> Vec<TlsIssue> {
    let mut issues = Vec::new();
    let Some(leaf_der) = facts.chain.first() else { return issues };
    let Ok((_, leaf)) = X509Certificate::from_der(leaf_der.as_ref()) else {
        issues.push(TlsIssue {
            rule: en005_untrusted_certificate::RULE.code,
            severity: Severity::Medium,
            message: "The server's TLS certificate cannot be parsed as X.509.".into(),
            key: "unparsable".into(),
            excerpt: format!("{} bytes", leaf_der.len()),
        });
        return issues;
    };
    let subject = leaf.subject().to_string();
    let not_before = leaf.validity().not_before.timestamp();
    let not_after = leaf.validity().not_after.timestamp();
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

    // EN005: trust, judged at a moment inside the leaf's validity so that expiry is EN004's alone.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
    roots.add_parsable_certificates(extra_roots.iter().map(|d| CertificateDer::from(d.clone())));
    let judged_at = if (not_before..=not_after).contains(&now) { now } else { not_before + (not_after - not_before) / 2 };
    let name = server_name(target);
    if let (Some(name), Ok(verifier)) = (&name, rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider).build()) {
        let at = UnixTime::since_unix_epoch(Duration::from_secs(judged_at.max(0) as u64));
        match verifier.verify_server_cert(leaf_der, &facts.chain[1..], name, &[], at) {
            Ok(_) => {}
            Err(rustls::Error::InvalidCertificate(CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. })) => {}
            Err(e) => {
                let self_signed = is_self_signed(&leaf) && facts.chain.len() == 1;
                let message = if self_signed {
                    "The TLS certificate is self-signed: no client can verify it against a trusted root.".to_string()
                } else {
                    format!("The TLS certificate chain does not verify against the trusted roots ({e}).")
                };
                issues.push(TlsIssue {
                    rule: en005_untrusted_certificate::RULE.code,
                    severity: Severity::Medium,
                    message,
                    key: if self_signed { "self-signed".into() } else { "untrusted".into() },
                    excerpt: format!("subject '{subject}', issuer '{}', chain of {}", leaf.issuer(), facts.chain.len()),
                });
            }
        }
    }

    // EN006: hostname.
    if let Some(name) = &name {
        let ok = rustls::server::ParsedCertificate::try_from(leaf_der).and_then(|p| rustls::client::verify_server_name(&p, name)).is_ok();
        if !ok {
            let sans: Vec<String> = leaf
                .subject_alternative_name()
                .ok()
                .flatten()
                .map(|ext| ext.value.general_names.iter().map(|g| g.to_string()).collect())
                .unwrap_or_default();
            let host = target.host_str().unwrap_or("");
            issues.push(TlsIssue {
                rule: en006_hostname_mismatch::RULE.code,
                severity: Severity::Medium,
                message: format!("The TLS certificate does not name {host}."),
                key: String::new(),
                excerpt: crate::checks::clip(&format!("subject '{subject}', subjectAltName [{}]", sans.join(", ")), 200),
            });
        }
    }

    // EN007: key size of the leaf, signature algorithms of every certificate but a self-signed root.
    if let Ok(key) = leaf.public_key().parsed() {
        use x509_parser::public_key::PublicKey;
        let (kind, bits, min) = match &key {
            PublicKey::RSA(k) => ("RSA", k.key_size(), MIN_RSA_BITS),
            PublicKey::DSA(_) => ("DSA", key.key_size(), MIN_RSA_BITS),
            PublicKey::EC(k) => ("EC", k.key_size(), MIN_EC_BITS),
            _ => ("", 0, 0),
        };
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
        let Ok((_, cert)) = X509Certificate::from_der(der.as_ref()) else { continue };
        if i > 0 && is_self_signed(&cert) {
            continue;
        }
        if let Some(alg) = weak_signature(&cert.signature_algorithm.algorithm.to_id_string()) {
            issues.push(TlsIssue {
                rule: en007_weak_certificate_crypto::RULE.code,
                severity: Severity::Medium,
                message: format!("A certificate in the chain (#{i}, '{}') is signed with {alg}.", cert.subject()),
                key: format!("signature-{i}"),
                excerpt: format!("certificate #{i}: signatureAlgorithm {alg}"),
            });
        }
    }
    issues
}

/// Suites the legacy ClientHellos offer: ECDHE-RSA/ECDSA and RSA CBC suites,
/// 3DES, what TLS 1.0/1.1 servers speak (and the renegotiation SCSV).
pub const LEGACY_SUITES: [u16; 8] = [0xc013, 0xc014, 0xc009, 0xc00a, 0x002f, 0x0035, 0x000a, 0x00ff];

/// A minimal ClientHello offering only `version` (no supported_versions
/// extension, so a TLS 1.3 server must answer with its highest legacy
/// version or an alert), with SNI when the host is a name.
pub fn legacy_client_hello(version: u16, sni: Option<&str>) -> Vec<u8> {
    client_hello(version, &LEGACY_SUITES, sni)
}

/// A minimal ClientHello with `version` as client_version (no
/// supported_versions extension), offering exactly `suites`, with SNI when
/// the host is a name, supported_groups and ec_point_formats, and for TLS 1.2
/// signature_algorithms (SHA-2 and SHA-1 schemes, so old servers can answer).
pub fn client_hello(version: u16, suites: &[u16], sni: Option<&str>) -> Vec<u8> {
    let suites = &suites[..suites.len().min(1024)];
    let mut ext = Vec::new();
    if let Some(name) = sni.filter(|n| !n.is_empty() && n.len() < 256) {
        let n = name.as_bytes();
        ext.extend_from_slice(&[0x00, 0x00]);
        ext.extend_from_slice(&((n.len() + 5) as u16).to_be_bytes());
        ext.extend_from_slice(&((n.len() + 3) as u16).to_be_bytes());
        ext.push(0);
        ext.extend_from_slice(&(n.len() as u16).to_be_bytes());
        ext.extend_from_slice(n);
    }
    // supported_groups: x25519, secp256r1, secp384r1; ec_point_formats: uncompressed.
    ext.extend_from_slice(&[0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18]);
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    if version >= 0x0303 {
        // rsa_pkcs1 sha256/384/512, ecdsa p256/p384, rsa_pss_rsae sha256, rsa_pkcs1_sha1, ecdsa_sha1, dsa_sha1.
        const SCHEMES: [u16; 10] = [0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0804, 0x0201, 0x0203, 0x0202, 0x0402];
        ext.extend_from_slice(&[0x00, 0x0d]);
        ext.extend_from_slice(&((SCHEMES.len() * 2 + 2) as u16).to_be_bytes());
        ext.extend_from_slice(&((SCHEMES.len() * 2) as u16).to_be_bytes());
        for scheme in SCHEMES {
            ext.extend_from_slice(&scheme.to_be_bytes());
        }
    }
    let mut body = Vec::new();
    body.extend_from_slice(&version.to_be_bytes());
    let random: [u8; 32] = rand::random();
    body.extend_from_slice(&random);
    body.push(0); // no session id
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[0x01, 0x00]); // null compression
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut hs = vec![0x01];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    record.extend_from_slice(&hs);
    record
}

/// Whether the server's first bytes are a ServerHello choosing `version`.
pub fn is_server_hello_for(answer: &[u8], version: u16) -> bool {
    // record: type 0x16, version, length; handshake: type 0x02, 3-byte length, server_version.
    answer.len() >= 11 && answer[0] == 0x16 && answer[5] == 0x02 && u16::from_be_bytes([answer[9], answer[10]]) == version
}

/// One raw connection: send a legacy ClientHello, read the first record's start, close.
pub async fn accepts_legacy(target: &url::Url, version: u16, timeout: Duration) -> Result<bool, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = target.host_str().ok_or_else(|| "the target has no host".to_string())?;
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let port = target.port_or_known_default().unwrap_or(443);
    let sni = match target.host() {
        Some(url::Host::Domain(d)) => Some(d.to_string()),
        _ => None,
    };
    let attempt = async {
        let mut tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await.map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
        tcp.write_all(&legacy_client_hello(version, sni.as_deref())).await.map_err(|e| e.to_string())?;
        let mut answer = Vec::with_capacity(LEGACY_READ_LIMIT);
        let mut buf = [0u8; LEGACY_READ_LIMIT];
        while answer.len() < 11 {
            match tcp.read(&mut buf[..LEGACY_READ_LIMIT - answer.len()]).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
        let _ = tcp.shutdown().await;
        Ok::<_, String>(is_server_hello_for(&answer, version))
    };
    tokio::time::timeout(timeout, attempt).await.map_err(|_| format!("legacy TLS probe of {host}:{port} timed out"))?
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
    (
        "broken",
        &[WeakClass::Null, WeakClass::Export, WeakClass::Anonymous, WeakClass::Des, WeakClass::Rc4, WeakClass::TripleDes],
    ),
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

/// `(server_version, cipher_suite)` of a ServerHello at the start of `answer`.
pub fn server_hello_choice(answer: &[u8]) -> Option<(u16, u16)> {
    // record header (5), handshake type 0x02 + length (4), version (2), random (32), session id.
    if answer.len() < 44 || answer[0] != 0x16 || answer[5] != 0x02 {
        return None;
    }
    let version = u16::from_be_bytes([answer[9], answer[10]]);
    let sid = answer[43] as usize;
    if sid > 32 {
        return None;
    }
    let at = 44 + sid;
    let suite = answer.get(at..at + 2)?;
    Some((version, u16::from_be_bytes([suite[0], suite[1]])))
}

/// `TLS 1.2` for 0x0303, ...
pub fn version_label(version: u16) -> String {
    match version {
        0x0300 => "SSL 3.0".into(),
        0x0301 => "TLS 1.0".into(),
        0x0302 => "TLS 1.1".into(),
        0x0303 => "TLS 1.2".into(),
        v => format!("0x{v:04x}"),
    }
}

/// Most bytes read from the server's answer to a weak-suite ClientHello (a
/// ServerHello's suite is within the first 78).
const WEAK_READ_LIMIT: usize = 96;

/// One raw connection: a TLS 1.2 ClientHello offering only `suites`; the
/// server's `(version, suite)` when it answers with a ServerHello, `None`
/// for an alert or a close.
pub async fn chosen_suite(target: &url::Url, suites: &[u16], timeout: Duration) -> Result<Option<(u16, u16)>, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = target.host_str().ok_or_else(|| "the target has no host".to_string())?;
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let port = target.port_or_known_default().unwrap_or(443);
    let sni = match target.host() {
        Some(url::Host::Domain(d)) => Some(d.to_string()),
        _ => None,
    };
    let attempt = async {
        let mut tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await.map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
        tcp.write_all(&client_hello(0x0303, suites, sni.as_deref())).await.map_err(|e| e.to_string())?;
        let mut answer = Vec::with_capacity(WEAK_READ_LIMIT);
        let mut buf = [0u8; WEAK_READ_LIMIT];
        while answer.len() < WEAK_READ_LIMIT && server_hello_choice(&answer).is_none() {
            match tcp.read(&mut buf[..WEAK_READ_LIMIT - answer.len()]).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
            if answer.len() >= 6 && (answer[0] != 0x16 || answer[5] != 0x02) {
                break; // an alert or anything but a ServerHello
            }
        }
        let _ = tcp.shutdown().await;
        Ok::<_, String>(server_hello_choice(&answer))
    };
    tokio::time::timeout(timeout, attempt).await.map_err(|_| format!("weak cipher suite probe of {host}:{port} timed out"))?
}

/// MD2/MD5/SHA-1 signature algorithm OIDs.
fn weak_signature(oid: &str) -> Option<&'static str> {
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

/// EN004, EN005, EN006, EN007, EN008, EN010.
pub struct TlsInspection;

#[async_trait]
impl Check for TlsInspection {
    fn name(&self) -> &'static str {
        "encryption/tls-inspection"
    }
    fn category(&self) -> Category {
        Category::Encryption
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[
            &en004_certificate_expiry::RULE,
            &en005_untrusted_certificate::RULE,
            &en006_hostname_mismatch::RULE,
            &en007_weak_certificate_crypto::RULE,
            &en008_legacy_tls_protocol::RULE,
            &en010_weak_cipher_suite::RULE,
        ]
    }

    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        if ctx.target.scheme() != "https" {
            return Ok(());
        }
        let cfg = ctx.engine.config();
        let origin = ctx.origin();
        for (version, label) in LEGACY_VERSIONS {
            // An unreachable or refusing server simply does not accept the version.
            if let Ok(true) = accepts_legacy(&ctx.target, version, cfg.request_timeout).await {
                let r = &en008_legacy_tls_protocol::RULE;
                ctx.report(Finding::new(r, &origin, format!("The server negotiates {label}, deprecated by RFC 8996."), label).evidence(Evidence {
                    location: "tls.handshake".into(),
                    excerpt: format!("{label} ClientHello -> ServerHello version 0x{version:04x}"),
                    ..Default::default()
                }));
            }
        }
        for (probe_name, classes) in WEAK_SUITE_PROBES {
            // An alert, a close or a suite we did not offer is not a finding.
            let Ok(Some((version, code))) = chosen_suite(&ctx.target, &suites_of(classes), cfg.request_timeout).await else { continue };
            let Some((name, class)) = weak_suite(code).filter(|(_, k)| classes.contains(k)) else { continue };
            let r = &en010_weak_cipher_suite::RULE;
            let version = version_label(version);
            ctx.report(
                Finding::new(
                    r,
                    &origin,
                    format!("The server chose {name} (0x{code:04x}), {}, when a {version} client offered only weak suites.", class.describe()),
                    probe_name,
                )
                .severity(class.severity())
                .detail(name)
                .evidence(Evidence {
                    location: "tls.handshake".into(),
                    excerpt: format!("TLS 1.2 ClientHello offering only {probe_name} suites -> ServerHello {version}, cipher {name} (0x{code:04x})"),
                    ..Default::default()
                }),
            );
        }
        let facts = probe(&ctx.target, cfg.request_timeout).await.map_err(CheckFailure::Other)?;
        for issue in assess(&facts, &ctx.target, &cfg.extra_roots, unix_now()) {
            let Some(rule) = crate::rule(issue.rule) else { continue };
            ctx.report(
                Finding::new(rule, &origin, issue.message, &issue.key).severity(issue.severity).evidence(Evidence {
                    location: "tls.certificate".into(),
                    excerpt: format!("{} ({} {})", issue.excerpt, facts.version, facts.cipher),
                    ..Default::default()
                }),
            );
        }
        Ok(())
    }
}


/// Most plain-HTTP links quoted per response.
const MAX_LINKS_QUOTED: usize = 3;
/// Body bytes searched per response.
const MIXED_CONTENT_SCAN_BYTES: usize = 256 * 1024;

/// `http://` URLs in `text` whose host is `host` (case-insensitive), at most `max`.
pub fn plaintext_self_links(text: &str, host: &str, max: usize) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("http://") {
        let start = from + i;
        let end = lower[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`' | ',' | ')' | '\\'))
            .map_or(lower.len(), |e| start + e);
        from = start + "http://".len();
        let candidate = &text[start..end];
        let Ok(url) = url::Url::parse(candidate) else { continue };
        let url_host = url.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        if url_host == host && !out.iter().any(|o| o == candidate) {
            out.push(candidate.to_string());
            if out.len() >= max {
                break;
            }
        }
    }
    out
}

/// EN009.
pub struct MixedContent;

impl palisade_engine::PassiveCheck for MixedContent {
    fn name(&self) -> &'static str {
        "encryption/plaintext-self-links"
    }
    fn category(&self) -> Category {
        Category::Encryption
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&crate::rules::en009_plaintext_self_link::RULE]
    }

    fn observe(&self, ctx: &ScanContext, request: &palisade_http::ProbeRequest, response: &palisade_http::Response) {
        if response.url.scheme() != "https" {
            return;
        }
        let Some(host) = response.url.host_str() else { return };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let mut links = Vec::new();
        for name in ["location", "content-location", "link"] {
            for value in response.headers_all(name) {
                for l in plaintext_self_links(value, host, MAX_LINKS_QUOTED) {
                    links.push((format!("response.header.{name}"), l));
                }
            }
        }
        let ct = response.content_type().unwrap_or("").to_ascii_lowercase();
        let textual = ["json", "html", "xml", "text/"].iter().any(|t| ct.contains(t));
        if textual && !response.body.is_empty() {
            let body = &response.body[..response.body.len().min(MIXED_CONTENT_SCAN_BYTES)];
            let text = String::from_utf8_lossy(body);
            // The API description's example values and servers are not links the API hands out.
            let head: String = text.chars().take(400).collect();
            let is_spec = head.contains("\"openapi\"") || head.contains("\"swagger\"") || head.starts_with("openapi:") || head.starts_with("swagger:");
            if !is_spec {
                for l in plaintext_self_links(&text, host, MAX_LINKS_QUOTED) {
                    links.push(("response.body".into(), l));
                }
            }
        }
        let Some((location, _)) = links.first().cloned() else { return };
        links.truncate(MAX_LINKS_QUOTED);
        // Links can carry tokens in their query: quote them masked.
        let quoted: Vec<String> = links.iter().map(|(_, l)| palisade_core::mask::mask_url(l)).collect();
        let r = &crate::rules::en009_plaintext_self_link::RULE;
        // The same plaintext link on many responses (a shared page, a catch-all) is one finding.
        let first_link = links[0].1.split(['?', '#']).next().unwrap_or_default().to_string();
        ctx.report(
            Finding::new(r, ctx.origin(), format!("{} links back to the API over plain HTTP: {}", super::endpoint_label(request), quoted.join(", ")), &first_link).evidence(
                Evidence {
                    exchange: Some(response.exchange_id),
                    location,
                    excerpt: crate::checks::clip(&quoted.join(" "), 240),
                    ..Default::default()
                },
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_client_hello_is_well_formed() {
        for (version, _) in LEGACY_VERSIONS {
            let hello = legacy_client_hello(version, Some("api.example.test"));
            assert_eq!(&hello[..3], &[0x16, 0x03, 0x01]);
            assert_eq!(u16::from_be_bytes([hello[3], hello[4]]) as usize, hello.len() - 5);
            assert_eq!(hello[5], 0x01, "ClientHello");
            assert_eq!(u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize, hello.len() - 9);
            assert_eq!(u16::from_be_bytes([hello[9], hello[10]]), version);
            assert!(hello.windows(16).any(|w| w == b"api.example.test"));
        }
        assert!(!legacy_client_hello(0x0301, None).windows(4).any(|w| w == [0x00, 0x00, 0x00, 0x15]));
    }

    #[test]
    fn weak_suite_hellos_offer_exactly_their_classes_and_choices_are_parsed() {
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
        assert_eq!(legacy_client_hello(0x0301, None)[44..46], [0x00, 0x10], "8 legacy suites");
        assert!(!suites_of(WEAK_SUITE_PROBES[0].1).contains(&0x002f), "CBC-SHA1 has its own probe");
        // A ServerHello with a 32-byte session id choosing 3DES.
        let mut sh = vec![0x16, 0x03, 0x03, 0x00, 0x4a, 0x02, 0x00, 0x00, 0x46, 0x03, 0x03];
        sh.extend_from_slice(&[7; 32]);
        sh.push(32);
        sh.extend_from_slice(&[9; 32]);
        sh.extend_from_slice(&[0x00, 0x0a, 0x00]);
        assert_eq!(server_hello_choice(&sh), Some((0x0303, 0x000a)));
        assert_eq!(server_hello_choice(&sh[..sh.len() - 3]), None, "truncated before the suite");
        let mut bad_sid = sh.clone();
        bad_sid[43] = 200;
        assert_eq!(server_hello_choice(&bad_sid), None);
        assert_eq!(server_hello_choice(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]), None, "alert");
        assert_eq!(weak_suite(0x1301), None, "TLS_AES_128_GCM_SHA256");
        assert_eq!(weak_suite(0x000a).unwrap().1.severity(), Severity::Medium);
        assert_eq!(weak_suite(0x002f).unwrap().1.severity(), Severity::Low);
        assert_eq!(weak_suite(0x0002).unwrap().1.severity(), Severity::High);
        // Hostile answers of every length never panic.
        for len in 0..120 {
            let mut junk: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let _ = server_hello_choice(&junk);
            if len > 5 {
                junk[0] = 0x16;
                junk[5] = 0x02;
            }
            if len > 43 {
                junk[43] = 0xff;
            }
            let _ = server_hello_choice(&junk);
        }
        assert!(client_hello(0x0303, &[], None).len() > 40);
        assert!(client_hello(0x0303, &vec![0x000a; 5000], Some(&"x".repeat(300))).len() < 4096);
    }

    #[test]
    fn server_answers_are_judged_without_panicking() {
        let hello = [0x16, 0x03, 0x01, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x01];
        assert!(is_server_hello_for(&hello, 0x0301));
        assert!(!is_server_hello_for(&hello, 0x0302));
        assert!(!is_server_hello_for(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46], 0x0301), "alert");
        assert!(!is_server_hello_for(&[], 0x0301));
        assert!(!is_server_hello_for(&hello[..10], 0x0301));
    }

    #[test]
    fn garbage_or_empty_chains_yield_no_panic() {
        let target = url::Url::parse("https://127.0.0.1:8443/").unwrap();
        let empty = TlsFacts { chain: vec![], version: String::new(), cipher: String::new() };
        assert!(assess(&empty, &target, &[], 0).is_empty());
        let junk = TlsFacts { chain: vec![CertificateDer::from(vec![0x30, 0x82, 0xff])], version: String::new(), cipher: String::new() };
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
