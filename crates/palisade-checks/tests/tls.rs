//! TLS inspection (EN004–EN007) and HSTS (EN002) over real TLS on loopback,
//! with certificates generated at test time by rcgen (a test CA, leaves
//! expired / expiring / for the wrong name / self-signed), and the issue's
//! done-when: the hardened demo served over HTTPS with a certificate from a
//! CA passed as an extra root grades A with nothing above low.

use palisade_checks::{active_checks, passive_checks, Rule};
use palisade_core::{Category, Grade, Report, Severity};
use palisade_demo::{DemoConfig, DemoServer};
use palisade_engine::{Check, PassiveCheck};
use palisade_http::Url;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

mod finding_snap;
mod support;
mod tls_fixture;
use tls_fixture::Rewind;

/// A public test certificate made with `openssl req -x509 -newkey rsa:1024 -sha1`
/// (SAN IP 127.0.0.1): a 1024-bit RSA key signed with SHA-1. Its private key
/// was discarded; the fixture server presents it next to an unrelated
/// signing key, which only a client that accepts any certificate (our probe)
/// tolerates.
const WEAK_CERT_PEM: &str = "-----BEGIN CERTIFICATE-----
MIICFTCCAX6gAwIBAgIUNGGps+BDolmZcBFpwhXOt7r8XlIwDQYJKoZIhvcNAQEF
BQAwFDESMBAGA1UEAwwJd2Vhay50ZXN0MB4XDTI2MTEyOTA1NTAxMloXDTM2MTEy
NjA1NTAxMlowFDESMBAGA1UEAwwJd2Vhay50ZXN0MIGfMA0GCSqGSIb3DQEBAQUA
A4GNADCBiQKBgQCqhBflpk/AiknPY12KmQM2FBVwDRpCDo5kGbkzMBvRdN8TS3ks
ZZFGNy8z8gqDLco6hd0QCCioedMaRRHv9+ieDLXeiO9uqkVACF2wrto78sEjhgXx
jjocZbXcCzjgPFLek7p9Qx3m/BZrpv2LxtWx3I/IpENoB/uZnLXlRONKvwIDAQAB
o2QwYjAdBgNVHQ4EFgQUyB2AwY9PRrenAb4WAT34dKL6PwQwHwYDVR0jBBgwFoAU
yB2AwY9PRrenAb4WAT34dKL6PwQwDwYDVR0TAQH/BAUwAwEB/zAPBgNVHREECDAG
hwR/AAABMA0GCSqGSIb3DQEBBQUAA4GBAGYaUuarKHixsvc7oiCxQk/Lk0rF6ssk
5SOpvbcNL/MQrp7AsXsH/Uo1UCykdiHaTZ6um/4YohwkXNRBrTSymmVAkxVwuoqz
EIhDu6oquWSN2SJ8kWFlyFk0gKw/zFcHC+TOWJI5yKmtFHmpnCAGpI8m1E26n1V8
DbYm8HPWdOAp
-----END CERTIFICATE-----";

struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    der: Vec<u8>,
}

fn test_ca() -> TestCa {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, "Palisade Test CA");
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let cert = params.self_signed(&key).unwrap();
    TestCa { der: cert.der().to_vec(), issuer: Issuer::new(params, key) }
}

/// A leaf for `names`, valid from `from` to `until` (relative to now); signed by `ca` or self-signed. (cert PEM, key PEM)
fn leaf(names: &[&str], from: Duration, until: Duration, ca: Option<&TestCa>) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names.first().copied().unwrap_or("leaf"));
    let now = OffsetDateTime::now_utc();
    params.not_before = now + from;
    params.not_after = now + until;
    let cert = match ca {
        Some(ca) => params.signed_by(&key, &ca.issuer).unwrap(),
        None => params.self_signed(&key).unwrap(),
    };
    (cert.pem(), key.serialize_pem())
}

fn valid(names: &[&str], ca: Option<&TestCa>) -> (String, String) {
    leaf(names, -Duration::days(1), Duration::days(365), ca)
}

async fn scan_with(base: &str, extra_roots: Vec<Vec<u8>>, active: Vec<Arc<dyn Check>>, passive: Vec<Arc<dyn PassiveCheck>>) -> Report {
    support::run(support::scanner(base).engine_with(|e| e.extra_roots = extra_roots).checks(active, passive)).await
}

/// Encryption checks only (fast), against the hardened demo served with this
/// certificate: the report and the origin it scanned (for snapshots).
async fn tls_report(cert: &(String, String), extra_roots: Vec<Vec<u8>>) -> (Report, String) {
    let server = DemoServer::start_tls(DemoConfig { hardened: true }, &cert.0, &cert.1).await.unwrap();
    let cats = [Category::Encryption];
    let base = server.base_url();
    let report = scan_with(&base, extra_roots, active_checks(Some(&cats)), passive_checks(Some(&cats))).await;
    server.shutdown().await;
    (report, base)
}

/// The snapshot text of `rule`'s findings in a `tls_report`.
fn tls_snap((report, base): &(Report, String), rule: &str) -> String {
    finding_snap::render(&report.findings, rule, &[(base.as_str(), "<origin>")])
}

/// TLS inspection (EN004–EN008) needs HTTPS targets with rcgen certificates;
/// the demo snapshot's scan is plain HTTP. Positive: the hardened demo served
/// with an expired and an expiring certificate; negative: with a valid one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_and_expiring_certificates_are_reported_and_a_valid_one_is_not() {
    let ca = test_ca();
    let expired = leaf(&["127.0.0.1"], -Duration::days(400), -Duration::days(35), Some(&ca));
    let snap = tls_report(&expired, vec![ca.der.clone()]).await;
    insta::assert_snapshot!("EN004_certificate_expired", tls_snap(&snap, "EN004"));
    let en004 = support::assert_fires(&snap.0, Rule::EN004);
    assert_eq!(en004[0].severity, Severity::High, "{en004:?}");
    // Expiry is EN004's alone: the chain is otherwise trusted and names the host.
    support::assert_quiet(&snap.0, Rule::EN005);
    support::assert_quiet(&snap.0, Rule::EN006);

    let expiring = leaf(&["127.0.0.1"], -Duration::days(60), Duration::days(10), Some(&ca));
    let snap = tls_report(&expiring, vec![ca.der.clone()]).await;
    insta::assert_snapshot!("EN004_certificate_expiring", tls_snap(&snap, "EN004"));
    let en004 = support::assert_fires(&snap.0, Rule::EN004);
    assert_eq!(en004[0].severity, Severity::Medium, "{en004:?}");

    let (report, _) = tls_report(&valid(&["127.0.0.1"], Some(&ca)), vec![ca.der.clone()]).await;
    support::assert_quiet(&report, Rule::EN004);
    assert!(report.findings.is_empty(), "valid certificate from a trusted CA: {:?}", report.findings);
}

/// TLS inspection needs HTTPS targets with rcgen certificates; the demo
/// snapshot's scan is plain HTTP. Positive: the hardened demo served with a
/// self-signed certificate and with one from a CA the scan does not trust;
/// negative: that CA passed as an extra root.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_signed_and_unknown_ca_certificates_are_untrusted_unless_the_ca_is_an_extra_root() {
    let snap = tls_report(&valid(&["127.0.0.1"], None), vec![]).await;
    let en005 = support::assert_fires(&snap.0, Rule::EN005);
    assert_eq!(en005[0].severity, Severity::Medium, "{en005:?}");
    assert!(en005.iter().any(|f| f.message.contains("self-signed")), "{en005:?}");
    insta::assert_snapshot!("EN005_self_signed_certificate", tls_snap(&snap, "EN005"));

    let ca = test_ca();
    let cert = valid(&["127.0.0.1"], Some(&ca));
    let (report, _) = tls_report(&cert, vec![]).await;
    let en005 = support::assert_fires(&report, Rule::EN005);
    assert_eq!(en005[0].severity, Severity::Medium, "CA not trusted without --ca-cert: {en005:?}");
    // The CA passed as an extra root.
    let (report, _) = tls_report(&cert, vec![ca.der.clone()]).await;
    support::assert_quiet(&report, Rule::EN005);
}

/// TLS inspection needs HTTPS targets with rcgen certificates; the demo
/// snapshot's scan is plain HTTP. Positive: the hardened demo served with a
/// certificate for another name; negative: with one whose SAN matches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostname_mismatch_is_reported_and_a_matching_san_is_not() {
    let ca = test_ca();
    let snap = tls_report(&valid(&["other.example.test"], Some(&ca)), vec![ca.der.clone()]).await;
    let en006 = support::assert_fires(&snap.0, Rule::EN006);
    assert_eq!(en006[0].severity, Severity::Medium, "{en006:?}");
    insta::assert_snapshot!("EN006_hostname_mismatch", tls_snap(&snap, "EN006"));
    // Name problems are EN006's alone.
    support::assert_quiet(&snap.0, Rule::EN005);
    let (report, _) = tls_report(&valid(&["localhost", "127.0.0.1"], Some(&ca)), vec![ca.der.clone()]).await;
    support::assert_quiet(&report, Rule::EN006);
}

/// A canned ServerHello choosing `version` and TLS_RSA_WITH_AES_128_CBC_SHA, as an old server sends.
fn canned_server_hello(version: u16) -> Vec<u8> {
    let mut body = version.to_be_bytes().to_vec();
    body.extend_from_slice(&[0x5a; 32]);
    body.extend_from_slice(&[0x00, 0x00, 0x2f, 0x00]);
    let mut hs = vec![0x02, 0x00, 0x00, body.len() as u8];
    hs.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01, 0x00, hs.len() as u8];
    record.extend_from_slice(&hs);
    record
}

/// A TLS server on loopback presenting `chain` (signed with an unrelated key)
/// and answering every request with a small JSON body and HSTS. Without
/// `legacy` the ClientHello goes to rustls (TLS 1.2/1.3 only); with it, a
/// ClientHello offering exactly that legacy version gets a canned ServerHello.
async fn raw_tls_server(chain_pem: &str) -> (String, tokio::task::JoinHandle<()>) {
    legacy_tls_server(chain_pem, None).await
}

async fn legacy_tls_server(chain_pem: &str, legacy: Option<u16>) -> (String, tokio::task::JoinHandle<()>) {
    tls_server(chain_pem, legacy, None).await
}

/// With `body`, every request gets `200 OK` and that JSON body instead of `404 {}`.
async fn tls_server(chain_pem: &str, legacy: Option<u16>, body: Option<&'static str>) -> (String, tokio::task::JoinHandle<()>) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use rustls::server::{ClientHello, ResolvesServerCert};
    use rustls::sign::CertifiedKey;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[derive(Debug)]
    struct Fixed(Arc<CertifiedKey>);
    impl ResolvesServerCert for Fixed {
        fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
            Some(self.0.clone())
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let signing_pem = KeyPair::generate().unwrap().serialize_pem();
    let signing = provider.key_provider.load_private_key(PrivateKeyDer::from_pem_slice(signing_pem.as_bytes()).unwrap()).unwrap();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(chain_pem.as_bytes()).collect::<Result<_, _>>().unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(Fixed(Arc::new(CertifiedKey::new(chain, signing)))));
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let mut tcp = tcp;
                let mut header = [0u8; 5];
                if tcp.read_exact(&mut header).await.is_err() {
                    return;
                }
                let mut record = vec![0u8; u16::from_be_bytes([header[3], header[4]]) as usize];
                if tcp.read_exact(&mut record).await.is_err() {
                    return;
                }
                let client_version = record.get(4..6).map(|v| u16::from_be_bytes([v[0], v[1]]));
                if let (Some(v), Some(offered)) = (legacy, client_version) {
                    if v == offered {
                        let _ = tcp.write_all(&canned_server_hello(v)).await;
                        return;
                    }
                }
                let mut prefix = header.to_vec();
                prefix.extend_from_slice(&record);
                let Ok(mut tls) = acceptor.accept(Rewind { prefix, inner: tcp }).await else { return };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16_384 {
                    match tls.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let (status, body) = match body {
                    Some(b) => ("200 OK", b),
                    None => ("404 Not Found", "{}"),
                };
                let resp = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-content-type-options: nosniff\r\nstrict-transport-security: max-age=63072000; includeSubDomains\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(resp.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (base, task)
}

/// TLS inspection needs HTTPS targets; the demo snapshot's scan is plain
/// HTTP. Positive: a TLS fixture presenting a public 1024-bit RSA / SHA-1
/// certificate; negative: the same fixture with a P-256 / SHA-256 one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weak_key_and_sha1_signature_are_reported_and_p256_sha256_is_not() {
    let tls_only = || -> Vec<Arc<dyn Check>> { vec![Arc::new(palisade_checks::checks::encryption::tls::TlsInspection)] };
    let (base, task) = raw_tls_server(WEAK_CERT_PEM).await;
    let report = scan_with(&base, vec![], tls_only(), vec![]).await;
    task.abort();
    let en007 = support::assert_fires(&report, Rule::EN007);
    assert!(en007.iter().any(|f| f.message.contains("1024-bit RSA")), "{:?}", report.findings);
    assert!(en007.iter().any(|f| f.message.contains("sha1WithRSAEncryption")), "{:?}", report.findings);
    insta::assert_snapshot!("EN007_weak_key_and_sha1_signature", tls_snap(&(report, base), "EN007"));

    let ca = test_ca();
    let good = valid(&["127.0.0.1"], Some(&ca));
    let (base, task) = raw_tls_server(&good.0).await;
    let report = scan_with(&base, vec![ca.der.clone()], tls_only(), vec![]).await;
    task.abort();
    support::assert_quiet(&report, Rule::EN007);
}

/// HSTS only means something over TLS, and the demo snapshot's scan is plain
/// HTTP: both twins served over HTTPS with a test-CA certificate, the
/// vulnerable demo (positive) and the hardened twin (negative).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_is_reported_over_tls_on_the_vulnerable_demo_and_not_on_the_hardened_twin() {
    let ca = test_ca();
    let cert = valid(&["127.0.0.1"], Some(&ca));
    let cats = [Category::Encryption];
    for hardened in [false, true] {
        let server = DemoServer::start_tls(DemoConfig { hardened }, &cert.0, &cert.1).await.unwrap();
        assert!(server.base_url().starts_with("https://127.0.0.1:"));
        let report = scan_with(&server.base_url(), vec![ca.der.clone()], active_checks(Some(&cats)), passive_checks(Some(&cats))).await;
        let base = server.base_url();
        server.shutdown().await;
        // HTTPS is not plaintext.
        support::assert_quiet(&report, Rule::EN001);
        if hardened {
            support::assert_quiet(&report, Rule::EN002);
        } else {
            support::assert_fires(&report, Rule::EN002);
            insta::assert_snapshot!("EN002_hsts_missing_over_tls", tls_snap(&(report, base), "EN002"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hardened_demo_over_https_with_a_trusted_certificate_grades_a() {
    let ca = test_ca();
    let cert = valid(&["127.0.0.1"], Some(&ca));
    let server = DemoServer::start_tls(DemoConfig { hardened: true }, &cert.0, &cert.1).await.unwrap();
    let report = scan_with(&server.base_url(), vec![ca.der.clone()], active_checks(None), passive_checks(None)).await;
    server.shutdown().await;
    assert!(
        report.health.requests_sent > 10 && report.health.connection_errors == 0,
        "the scan must actually reach the HTTPS demo: {:?}",
        report.health
    );
    let above_low: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity > Severity::Low)
        .map(|f| format!("{} {} on {}: {}", f.rule, f.severity, f.endpoint, f.message))
        .collect();
    assert!(above_low.is_empty(), "findings above low on a well-configured HTTPS fixture: {above_low:#?}");
    for f in &report.findings {
        assert!(!f.rule.starts_with("EN"), "encryption finding on a well-configured HTTPS fixture: {} {}", f.rule, f.message);
    }
    assert_eq!(report.grade, Grade::A, "score {}: {:?}", report.score, report.findings);
}

/// TLS inspection needs HTTPS targets; the demo snapshot's scan is plain
/// HTTP. Positive: a TLS fixture answering a TLS 1.0 / 1.1 ClientHello with a
/// ServerHello; negative: the hardened demo over rustls, which refuses them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_1_0_and_1_1_answered_with_a_server_hello_are_reported_and_refusal_by_rustls_is_not() {
    let tls_only = || -> Vec<Arc<dyn Check>> { vec![Arc::new(palisade_checks::checks::encryption::tls::TlsInspection)] };
    let ca = test_ca();
    let good = valid(&["127.0.0.1"], Some(&ca));
    for (version, label) in [(0x0301u16, "TLS 1.0"), (0x0302, "TLS 1.1")] {
        let (base, task) = legacy_tls_server(&good.0, Some(version)).await;
        let report = scan_with(&base, vec![ca.der.clone()], tls_only(), vec![]).await;
        task.abort();
        let en008 = support::assert_fires(&report, Rule::EN008);
        assert_eq!(en008.len(), 1, "{label}: {:?}", report.findings);
        assert!(en008[0].message.contains(label), "{en008:?}");
        // The modern handshake to the same server still works and is judged clean.
        assert!(report.findings.iter().all(|f| f.rule == Rule::EN008.code()), "{:?}", report.findings);
        let name = format!("EN008_{}_accepted", label.to_ascii_lowercase().replace([' ', '.'], "_"));
        insta::assert_snapshot!(name, tls_snap(&(report, base), "EN008"));
    }
    // rustls answers a legacy ClientHello with an alert.
    let server = DemoServer::start_tls(DemoConfig { hardened: true }, &good.0, &good.1).await.unwrap();
    let target = Url::parse(&server.base_url()).unwrap();
    let engine = palisade_http::Engine::new(palisade_http::EngineConfig {
        request_timeout: std::time::Duration::from_secs(5),
        ..palisade_http::EngineConfig::for_target(&target)
    })
    .unwrap();
    for (version, _) in palisade_checks::checks::encryption::tls::LEGACY_VERSIONS {
        let accepted = palisade_checks::checks::encryption::tls::accepts_legacy(&engine, &target, version).await;
        assert_eq!(accepted, Ok(false), "version 0x{version:04x}");
    }
    let report = scan_with(&server.base_url(), vec![ca.der.clone()], tls_only(), vec![]).await;
    server.shutdown().await;
    support::assert_quiet(&report, Rule::EN008);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// Only HTTPS responses can carry mixed content, and the demo snapshot's scan
/// is plain HTTP: a canned TLS fixture whose body links back to the API over
/// http:// (positive), and the same fixture with https:// or relative links
/// (negative).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plaintext_links_back_to_the_api_are_reported_and_https_or_relative_links_are_not() {
    let ca = test_ca();
    let good = valid(&["127.0.0.1"], Some(&ca));
    let cats = [Category::Encryption];
    let mixed = r#"{"items":[1,2],"next":"http://127.0.0.1/api/items?page=2&token=tok_mixed_0123456789abcdef","schema":"http://json-schema.org/draft-07/schema#"}"#;
    let (base, task) = tls_server(&good.0, None, Some(mixed)).await;
    let report = scan_with(&base, vec![ca.der.clone()], vec![], passive_checks(Some(&cats))).await;
    task.abort();
    let en009 = support::assert_fires(&report, Rule::EN009);
    assert_eq!(en009[0].severity, Severity::Low);
    assert!(en009[0].evidence.excerpt.contains("http://127.0.0.1/api/items"), "{}", en009[0].evidence.excerpt);
    assert!(en009.iter().all(|f| !f.message.contains("json-schema.org")), "other hosts are not the API's links");
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("tok_mixed_0123456789abcdef"), "link query values are masked");
    insta::assert_snapshot!("EN009_plaintext_link_to_the_api", tls_snap(&(report, base), "EN009"));

    for fixed in [
        r#"{"items":[1,2],"next":"https://127.0.0.1/api/items?page=2"}"#,
        r#"{"items":[1,2],"next":"/api/items?page=2","docs":"http://docs.example.test/"}"#,
    ] {
        let (base, task) = tls_server(&good.0, None, Some(fixed)).await;
        let report = scan_with(&base, vec![ca.der.clone()], vec![], passive_checks(Some(&cats))).await;
        task.abort();
        support::assert_quiet(&report, Rule::EN009);
    }
}
