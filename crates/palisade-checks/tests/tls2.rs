//! EN010 weak cipher suites over real sockets on loopback: a server that
//! answers a ClientHello offering a chosen weak suite with a canned
//! ServerHello picking it (what an old server does), and the real rustls
//! server, which offers no weak suite and answers with an alert. An optional
//! test runs `openssl s_server` limited to a CBC-SHA1 suite when the binary is
//! present (CI does not depend on it).

use palisade_checks::checks::encryption::tls::{
    chosen_suite, suites_of, TlsInspection, WeakClass, LEGACY_VERSIONS, MAX_TLS_CONNECTIONS, WEAK_SUITE_PROBES,
};
use palisade_checks::Rule;
use palisade_core::{Report, Severity};
use palisade_engine::Check;
use palisade_http::Url;
use rcgen::{CertificateParams, KeyPair};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod finding_snap;
mod support;
mod tls_fixture;
use tls_fixture::Rewind;

/// A self-signed certificate for 127.0.0.1: (cert PEM, key PEM).
fn cert() -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    (params.self_signed(&key).unwrap().pem(), key.serialize_pem())
}

async fn scan_tls(base: &str) -> Report {
    let checks: Vec<Arc<dyn Check>> = vec![Arc::new(TlsInspection)];
    // Excerpts left unmasked, as this test always had them.
    let scanner = support::scanner(base).settings_with(|s| s.crawl_limit = 10).checks(checks, vec![]).redact_with(|s| s.to_string());
    support::run(scanner).await
}

/// An engine scoped to `target`'s origin with `timeout` per connection, for probing it directly.
fn probe_engine(target: &Url, timeout: std::time::Duration) -> palisade_http::Engine {
    palisade_http::Engine::new(palisade_http::EngineConfig { request_timeout: timeout, ..palisade_http::EngineConfig::for_target(target) }).unwrap()
}

/// A TLS 1.2 ServerHello choosing `suite`, with a 32-byte session id.
fn canned_server_hello(suite: u16) -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&[0x5a; 32]);
    body.push(32);
    body.extend_from_slice(&[0x11; 32]);
    body.extend_from_slice(&suite.to_be_bytes());
    body.push(0); // null compression
    let mut hs = vec![0x02, 0x00, 0x00, body.len() as u8];
    hs.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x03, 0x00, hs.len() as u8];
    record.extend_from_slice(&hs);
    record
}

/// Cipher suites a ClientHello record body offers.
fn offered_suites(record: &[u8]) -> Vec<u16> {
    // handshake header (4), version (2), random (32), session id.
    let Some(&sid) = record.get(38) else { return vec![] };
    let at = 39 + sid as usize;
    let Some(len) = record.get(at..at + 2).map(|l| u16::from_be_bytes([l[0], l[1]]) as usize) else { return vec![] };
    record.get(at + 2..at + 2 + len).map(|s| s.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect()).unwrap_or_default()
}

/// A TLS server on loopback. A ClientHello that offers `weak` gets a canned
/// ServerHello choosing it; every other ClientHello goes to rustls (TLS
/// 1.2/1.3, AEAD suites only), which completes modern handshakes and answers
/// weak-only offers with an alert. Counts ClientHellos offering no AEAD
/// suite (the scanner's hand-made legacy and weak-suite probes).
async fn weak_tls_server(weak: Option<u16>) -> (String, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let (cert_pem, key_pem) = cert();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes()).collect::<Result<_, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    let task = tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut header = [0u8; 5];
                if tcp.read_exact(&mut header).await.is_err() {
                    return;
                }
                let mut record = vec![0u8; u16::from_be_bytes([header[3], header[4]]) as usize];
                if tcp.read_exact(&mut record).await.is_err() {
                    return;
                }
                let offered = offered_suites(&record);
                // TLS 1.3 suites and ECDHE AES-GCM / ChaCha20 suites: what rustls clients offer.
                let aead = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9];
                if !offered.iter().any(|s| aead.contains(s)) {
                    counted.fetch_add(1, Ordering::SeqCst);
                }
                if let Some(w) = weak {
                    if offered.contains(&w) {
                        let _ = tcp.write_all(&canned_server_hello(w)).await;
                        return;
                    }
                }
                let mut prefix = header.to_vec();
                prefix.extend_from_slice(&record);
                let Ok(mut tls) = acceptor.accept(Rewind { prefix, inner: tcp }).await else { return };
                let mut buf = [0u8; 1024];
                let _ = tls.read(&mut buf).await;
                let _ = tls.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (base, connections, task)
}

fn en010(report: &Report) -> Vec<(Severity, String, Option<String>)> {
    report.findings.iter().filter(|f| f.rule == "EN010").map(|f| (f.severity, f.message.clone(), f.detail.clone())).collect()
}

/// Weak cipher suites need a TLS server that chooses one, which the demo
/// (plain HTTP in the demo snapshot's scan, rustls otherwise) never does.
/// Positive: the canned-ServerHello fixture choosing each weak suite;
/// negative: the same fixture without one, every offer going to rustls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weak_suites_chosen_by_the_server_are_reported_by_name_and_severity() {
    for (suite, name, severity) in [
        (0x000au16, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", Severity::Medium),
        (0x0005, "TLS_RSA_WITH_RC4_128_SHA", Severity::Medium),
        (0x0002, "TLS_RSA_WITH_NULL_SHA", Severity::High),
        (0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", Severity::High),
        (0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", Severity::Low),
    ] {
        let (base, connections, task) = weak_tls_server(Some(suite)).await;
        let report = scan_tls(&base).await;
        task.abort();
        let found = support::assert_fires(&report, Rule::EN010);
        assert_eq!(found.len(), 1, "{name}: {:?}", report.findings);
        let f = found[0];
        assert_eq!(f.severity, severity, "{name}");
        assert!(f.message.contains(name) && f.message.contains(&format!("0x{suite:04x}")), "{:?}", f.message);
        assert_eq!(f.detail.as_deref(), Some(name));
        assert_eq!(f.evidence.location, "tls.handshake");
        assert!(f.evidence.excerpt.contains(name), "{}", f.evidence.excerpt);
        let text = finding_snap::render(&report.findings, "EN010", &[(base.as_str(), "<origin>")]);
        insta::assert_snapshot!(format!("EN010_weak_cipher_suite_{name}"), text);
        // Only EN010 here: the modern handshake to the same server is clean (self-signed aside).
        assert!(report.findings.iter().all(|f| f.rule == "EN010" || f.rule == "EN005"), "{:?}", report.findings);
        // Two legacy-version hellos (EN008) and one per weak-suite probe, within the documented bound.
        let n = connections.load(Ordering::SeqCst);
        assert_eq!(n, LEGACY_VERSIONS.len() + WEAK_SUITE_PROBES.len(), "{name}");
        assert!(n < MAX_TLS_CONNECTIONS);
    }

    // Fixed: the same server choosing no weak suite; rustls refuses every weak-only offer.
    let (base, connections, task) = weak_tls_server(None).await;
    let report = scan_tls(&base).await;
    task.abort();
    support::assert_quiet(&report, Rule::EN010);
    let n = connections.load(Ordering::SeqCst);
    assert_eq!(n, LEGACY_VERSIONS.len() + WEAK_SUITE_PROBES.len(), "the same probes were sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rustls_refusing_weak_only_offers_with_an_alert_is_not_reported() {
    let (base, connections, task) = weak_tls_server(None).await;
    let target = Url::parse(&base).unwrap();
    let engine = probe_engine(&target, std::time::Duration::from_secs(5));
    for (probe, classes) in WEAK_SUITE_PROBES {
        let choice = chosen_suite(&engine, &target, &suites_of(classes)).await;
        assert_eq!(choice, Ok(None), "{probe}: rustls has no weak suite and must answer with an alert");
    }
    let report = scan_tls(&base).await;
    task.abort();
    assert!(en010(&report).is_empty(), "{:?}", report.findings);
    assert_eq!(connections.load(Ordering::SeqCst), 2 * WEAK_SUITE_PROBES.len() + LEGACY_VERSIONS.len());
    // An unreachable port is no finding and no panic.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let gone = Url::parse(&format!("https://{closed}/")).unwrap();
    let engine = probe_engine(&gone, std::time::Duration::from_secs(2));
    assert!(chosen_suite(&engine, &gone, &suites_of(&[WeakClass::TripleDes])).await.is_err());
    assert_eq!(engine.health().connection_errors, 1, "an unreachable port is counted like any failed connection");
}

/// Optional: a real OpenSSL server with an ECDSA certificate allowing TLS 1.3,
/// one AEAD TLS 1.2 suite and ECDHE-ECDSA-AES128-SHA (CBC with SHA-1).
/// Skipped when `openssl` is not installed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_s_server_with_a_cbc_sha1_suite_is_reported_when_openssl_is_available() {
    let Ok(out) = std::process::Command::new("openssl").arg("version").output() else {
        eprintln!("openssl not installed: skipped");
        return;
    };
    if !out.status.success() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("palisade-tls2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert_pem, key_pem) = cert();
    std::fs::write(dir.join("cert.pem"), cert_pem).unwrap();
    std::fs::write(dir.join("key.pem"), key_pem).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = std::process::Command::new("openssl")
        .args(["s_server", "-quiet", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0", "-www", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(dir.join("cert.pem"))
        .arg("-key")
        .arg(dir.join("key.pem"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("https://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let report = if up { Some(scan_tls(&base).await) } else { None };
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let Some(report) = report else {
        eprintln!("openssl s_server did not start: skipped");
        return;
    };
    let found = en010(&report);
    assert_eq!(found.len(), 1, "{:?}", report.findings);
    assert_eq!(found[0].0, Severity::Low);
    assert!(found[0].1.contains("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"), "{}", found[0].1);
}
