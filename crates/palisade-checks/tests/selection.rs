//! Rule selection runs only the checks a selected rule needs. The proof is
//! counted where it cannot be faked: at a loopback TLS server, by a proxy that
//! reads every ClientHello before passing the bytes on. `--checks EN003`
//! (cookie flags, judged from responses) must open no TLS probe; the same
//! scan selecting EN008 must. The scanner's own HTTPS client always offers
//! ALPN (`http/1.1`); the TLS probes (certificate, legacy versions, weak
//! suites) never do, which is how the proxy tells them apart.

use palisade_core::Report;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod support;

/// What the proxy saw of one ClientHello.
#[derive(Debug, Clone)]
struct Hello {
    client_version: u16,
    offers_alpn: bool,
}

/// Extension types of a ClientHello handshake body (after the 4-byte header).
fn hello_extensions(hs: &[u8]) -> Option<Vec<u16>> {
    let body = hs.get(4..)?;
    let mut at = 2 + 32; // client_version, random
    at += 1 + *body.get(at)? as usize; // session id
    at += 2 + u16::from_be_bytes([*body.get(at)?, *body.get(at + 1)?]) as usize; // cipher suites
    at += 1 + *body.get(at)? as usize; // compression methods
    let total = u16::from_be_bytes([*body.get(at)?, *body.get(at + 1)?]) as usize;
    at += 2;
    let end = (at + total).min(body.len());
    let mut types = Vec::new();
    while at + 4 <= end {
        types.push(u16::from_be_bytes([body[at], body[at + 1]]));
        at += 4 + u16::from_be_bytes([body[at + 2], body[at + 3]]) as usize;
    }
    Some(types)
}

/// A TCP proxy on loopback in front of `upstream` that records every ClientHello.
async fn counting_proxy(upstream: std::net::SocketAddr) -> (String, Arc<Mutex<Vec<Hello>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut header = [0u8; 5];
                if client.read_exact(&mut header).await.is_err() {
                    return;
                }
                let mut record = vec![0u8; u16::from_be_bytes([header[3], header[4]]) as usize];
                if client.read_exact(&mut record).await.is_err() {
                    return;
                }
                if header[0] == 0x16 && record.first() == Some(&1) {
                    let client_version = record.get(4..6).map(|v| u16::from_be_bytes([v[0], v[1]])).unwrap_or(0);
                    let offers_alpn = hello_extensions(&record).is_some_and(|t| t.contains(&0x0010));
                    log.lock().unwrap().push(Hello { client_version, offers_alpn });
                }
                let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await else { return };
                if server.write_all(&header).await.is_err() || server.write_all(&record).await.is_err() {
                    return;
                }
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (base, seen)
}

fn test_ca() -> (Issuer<'static, KeyPair>, Vec<u8>) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, "Palisade Selection Test CA");
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let cert = params.self_signed(&key).unwrap();
    (Issuer::new(params, key), cert.der().to_vec())
}

/// Scans the vulnerable demo over HTTPS, through the counting proxy, with
/// only `rule` selected: the report and the ClientHellos the server received.
async fn scan_selecting(rule: &str) -> (Report, Vec<Hello>) {
    let (ca, ca_der) = test_ca();
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, "127.0.0.1");
    let cert = params.signed_by(&key, &ca).unwrap();
    let server =
        palisade_demo::DemoServer::start_tls(palisade_demo::DemoConfig { hardened: false }, &cert.pem(), &key.serialize_pem()).await.unwrap();
    let upstream: std::net::SocketAddr = server.base_url().trim_start_matches("https://").trim_end_matches('/').parse().unwrap();
    let (base, seen) = counting_proxy(upstream).await;
    let report = support::run(support::scanner(&base).engine_with(|e| e.extra_roots = vec![ca_der]).select_rules([rule])).await;
    server.shutdown().await;
    let hellos = seen.lock().unwrap().clone();
    (report, hellos)
}

fn probes(hellos: &[Hello]) -> Vec<&Hello> {
    hellos.iter().filter(|h| !h.offers_alpn).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selecting_en003_sends_no_tls_probe_and_selecting_en008_does() {
    let (report, hellos) = scan_selecting("EN003").await;
    assert!(report.findings.iter().any(|f| f.rule == "EN003"), "the demo's cookie must still be judged: {:?}", report.findings);
    assert!(report.findings.iter().all(|f| f.rule == "EN003"), "only the selected rule is reported");
    assert!(!hellos.is_empty(), "the scan reached the server over TLS");
    assert!(probes(&hellos).is_empty(), "--checks EN003 opened TLS probes: {hellos:?}");

    let (_, hellos) = scan_selecting("EN008").await;
    let probes = probes(&hellos);
    assert!(probes.len() >= 2, "EN008 probes TLS 1.0 and 1.1 with hellos of their own: {hellos:?}");
    assert!(probes.iter().any(|h| h.client_version == 0x0301) && probes.iter().any(|h| h.client_version == 0x0302), "{probes:?}");
}
