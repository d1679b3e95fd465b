//! `Engine::tls_probe` against a real TLS server on 127.0.0.1: an rcgen
//! certificate chain (test CA → leaf for 127.0.0.1) behind a tokio-rustls
//! acceptor, which also answers a chosen legacy version or weak suite with a
//! canned ServerHello (what an old server does). Every probe passes the same
//! gates as an HTTP request: scope (refused before any connection), the
//! request and time budgets, the rate limiter, health counters, and the
//! exchange log and event stream.

use palisade_core::exchange::TLS_PROBE_METHOD;
use palisade_core::ScanEvent;
use palisade_http::tls::cert;
use palisade_http::{Engine, EngineConfig, HttpError, ProbeRequest, TlsAnswer, TlsProbe, Url};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A test CA and a leaf it signed for 127.0.0.1 (DER each), and the leaf's key (DER, PKCS#8).
struct Certs {
    ca: Vec<u8>,
    leaf: Vec<u8>,
    leaf_key: Vec<u8>,
}

fn certs() -> Certs {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "Palisade HTTP Test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
    let ca_der = ca.self_signed(&ca_key).unwrap().der().to_vec();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    leaf.distinguished_name.push(DnType::CommonName, "probe.test");
    let leaf_der = leaf.signed_by(&key, &issuer).unwrap().der().to_vec();
    Certs { ca: ca_der, leaf: leaf_der, leaf_key: key.serialize_der() }
}

/// Replays bytes already read, so a ClientHello can be inspected and still handed to rustls.
struct Rewind {
    prefix: Vec<u8>,
    inner: tokio::net::TcpStream,
}

impl tokio::io::AsyncRead for Rewind {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if !self.prefix.is_empty() {
            let n = self.prefix.len().min(buf.remaining());
            let head: Vec<u8> = self.prefix.drain(..n).collect();
            buf.put_slice(&head);
            return std::task::Poll::Ready(Ok(()));
        }
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Rewind {
    fn poll_write(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>, buf: &[u8]) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A ServerHello record choosing `version` and `suite`, with a 32-byte session id.
fn canned_server_hello(version: u16, suite: u16) -> Vec<u8> {
    let mut body = version.to_be_bytes().to_vec();
    body.extend_from_slice(&[0x5a; 32]);
    body.push(32);
    body.extend_from_slice(&[0x11; 32]);
    body.extend_from_slice(&suite.to_be_bytes());
    body.push(0);
    let mut hs = vec![0x02, 0x00, 0x00, body.len() as u8];
    hs.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01, 0x00, hs.len() as u8];
    record.extend_from_slice(&hs);
    record
}

/// Cipher suites a ClientHello record body offers.
fn offered_suites(record: &[u8]) -> Vec<u16> {
    let Some(&sid) = record.get(38) else { return vec![] };
    let at = 39 + sid as usize;
    let Some(len) = record.get(at..at + 2).map(|l| u16::from_be_bytes([l[0], l[1]]) as usize) else { return vec![] };
    record.get(at + 2..at + 2 + len).map(|s| s.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect()).unwrap_or_default()
}

/// The loopback TLS server: its URL and the number of connections it accepted.
struct Server {
    url: Url,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// rustls (TLS 1.2/1.3) with the leaf and CA as its chain; a ClientHello
/// whose client_version is `legacy` gets a canned ServerHello for it, one
/// offering `weak` gets a canned TLS 1.2 ServerHello choosing it.
async fn tls_server(certs: &Certs, legacy: Option<u16>, weak: Option<u16>) -> Server {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let chain = vec![CertificateDer::from(certs.leaf.clone()), CertificateDer::from(certs.ca.clone())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certs.leaf_key.clone()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("https://{}/", listener.local_addr().unwrap())).unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    let task = tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let mut header = [0u8; 5];
                if tcp.read_exact(&mut header).await.is_err() {
                    return;
                }
                let mut record = vec![0u8; u16::from_be_bytes([header[3], header[4]]) as usize];
                if tcp.read_exact(&mut record).await.is_err() {
                    return;
                }
                let client_version = record.get(4..6).map(|v| u16::from_be_bytes([v[0], v[1]]));
                if legacy.is_some() && legacy == client_version {
                    let _ = tcp.write_all(&canned_server_hello(legacy.unwrap_or_default(), 0x002f)).await;
                    return;
                }
                if let Some(w) = weak.filter(|w| offered_suites(&record).contains(w)) {
                    let _ = tcp.write_all(&canned_server_hello(0x0303, w)).await;
                    return;
                }
                let mut prefix = header.to_vec();
                prefix.extend_from_slice(&record);
                let Ok(mut tls) = acceptor.accept(Rewind { prefix, inner: tcp }).await else { return };
                let mut buf = [0u8; 256];
                let _ = tls.read(&mut buf).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    Server { url, connections, task }
}

fn engine_for(url: &Url, tweak: impl FnOnce(&mut EngineConfig)) -> Engine {
    let mut cfg = EngineConfig { request_timeout: Duration::from_secs(5), ..EngineConfig::for_target(url) };
    tweak(&mut cfg);
    Engine::new(cfg).unwrap()
}

#[tokio::test]
async fn a_handshake_captures_the_chain_version_and_suite_and_is_recorded() {
    let certs = certs();
    let server = tls_server(&certs, None, None).await;
    let engine = engine_for(&server.url, |_| {});
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    engine.set_events(tx);

    let shake = engine.tls_probe(&server.url, TlsProbe::Handshake).await.unwrap();
    let peer = shake.peer().expect("handshake facts");
    assert_eq!(peer.chain, vec![certs.leaf.clone(), certs.ca.clone()], "the chain as the server sent it");
    assert_eq!(peer.version, "TLSv1_3");
    assert!(peer.cipher.starts_with("TLS13_"), "{}", peer.cipher);
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);

    // Recorded as an exchange of its own kind, and announced on the event stream.
    let exchanges = engine.exchanges();
    assert_eq!(exchanges.len(), 1);
    let ex = &exchanges[0];
    assert_eq!(ex.id, shake.exchange_id);
    assert!(ex.is_tls_probe() && ex.method == TLS_PROBE_METHOD, "{ex:?}");
    assert_eq!(ex.url, server.url.origin().ascii_serialization());
    assert_eq!(ex.status, None);
    assert!(ex.error.is_none(), "{ex:?}");
    assert!(ex.body_excerpt.starts_with("TLS handshake → TLSv1_3 TLS13_"), "{}", ex.body_excerpt);
    assert!(ex.body_excerpt.ends_with("2 certificates"), "{}", ex.body_excerpt);
    assert!(ex.body_len as usize > certs.leaf.len() + certs.ca.len(), "the server's flight was counted: {}", ex.body_len);
    match rx.try_recv() {
        Ok(ScanEvent::Request { method, url, status, .. }) => {
            assert_eq!((method.as_str(), url.as_str(), status), (TLS_PROBE_METHOD, ex.url.as_str(), None));
        }
        other => panic!("expected a request event, got {other:?}"),
    }
    let health = engine.health();
    assert_eq!((health.requests_sent, health.connection_errors, health.timeouts), (1, 0, 0), "{health:?}");

    // Certificate facts of what came back.
    let leaf = cert::parse_certificate(&peer.chain[0]).unwrap();
    assert_eq!(leaf.subject, "CN=probe.test");
    assert_eq!(leaf.issuer, "CN=Palisade HTTP Test CA");
    assert!(!leaf.self_signed);
    assert_eq!(leaf.public_key.map(|k| (k.algorithm, k.bits)), Some((cert::KeyAlgorithm::Ec, 256)));
    assert_eq!(leaf.signature_algorithm, "1.2.840.10045.4.3.2", "ecdsa-with-SHA256");
    assert_eq!(leaf.subject_alt_names, ["IPAddress(7f:00:00:01)"]);
    assert!(leaf.not_before < leaf.not_after);
    assert!(cert::parse_certificate(&peer.chain[1]).unwrap().self_signed, "the CA is self-issued");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert_eq!(
        cert::verify_chain(&peer.chain, &server.url, std::slice::from_ref(&certs.ca), now),
        Some(Ok(())),
        "trusted with the CA as an extra root"
    );
    assert!(matches!(cert::verify_chain(&peer.chain, &server.url, &[], now), Some(Err(_))), "unknown to the webpki roots");
    assert_eq!(cert::names_host(&peer.chain[0], &server.url), Some(true));
    let other = Url::parse(&format!("https://localhost:{}/", server.url.port().unwrap())).unwrap();
    assert_eq!(cert::names_host(&peer.chain[0], &other), Some(false));
    assert_eq!(cert::verify_chain(&peer.chain, &other, std::slice::from_ref(&certs.ca), now), Some(Ok(())), "names are names_host's alone");
}

#[tokio::test]
async fn hand_built_hellos_read_the_server_hello_or_the_alert() {
    let certs = certs();
    let server = tls_server(&certs, Some(0x0301), Some(0x000a)).await;
    let engine = engine_for(&server.url, |_| {});

    let old = engine.tls_probe(&server.url, TlsProbe::LegacyVersion { version: 0x0301 }).await.unwrap();
    let hello = old.hello().unwrap();
    assert!(hello.is_server_hello_for(0x0301), "{hello:?}");
    assert_eq!(hello.choice, None, "a legacy probe reads only the first bytes");
    assert!(hello.bytes_read <= palisade_http::tls::LEGACY_READ_LIMIT);

    // TLS 1.1 reaches rustls, which never speaks it: an answer, not an error.
    let refused = engine.tls_probe(&server.url, TlsProbe::LegacyVersion { version: 0x0302 }).await.unwrap();
    let hello = refused.hello().unwrap();
    assert!(!hello.is_server_hello_for(0x0302), "{hello:?}");

    let weak = engine.tls_probe(&server.url, TlsProbe::CipherSuites { version: 0x0303, suites: vec![0x0005, 0x000a, 0x00ff] }).await.unwrap();
    assert_eq!(weak.hello().unwrap().choice, Some((0x0303, 0x000a)));
    assert!(weak.hello().unwrap().bytes_read <= palisade_http::tls::SUITE_READ_LIMIT);
    let rustls_only = engine.tls_probe(&server.url, TlsProbe::CipherSuites { version: 0x0303, suites: vec![0x0005] }).await.unwrap();
    assert_eq!(rustls_only.hello().unwrap().choice, None, "rustls has no RC4 suite");
    assert!(matches!(rustls_only.answer, TlsAnswer::Hello(ref h) if h.alert.is_some()));

    let log: Vec<String> = engine.exchanges().iter().map(|e| format!("{} {}", e.method, e.body_excerpt)).collect();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0], "TLS ClientHello TLS 1.0 → ServerHello TLS 1.0");
    assert!(log[1].starts_with("TLS ClientHello TLS 1.1 → ") && !log[1].contains("ServerHello TLS 1.1"), "{}", log[1]);
    assert_eq!(log[2], "TLS ClientHello TLS 1.2 offering 3 suites → ServerHello TLS 1.2, suite 0x000a");
    assert!(log[3].starts_with("TLS ClientHello TLS 1.2 offering 1 suite → alert "), "{}", log[3]);
    assert_eq!(server.connections.load(Ordering::SeqCst), 4);
    assert_eq!(engine.health().requests_sent, 4);
}

#[tokio::test]
async fn out_of_scope_or_non_https_probes_are_refused_without_a_connection() {
    let certs = certs();
    let server = tls_server(&certs, None, None).await;
    let port = server.url.port().unwrap();
    // In scope: only another port of the same host.
    let elsewhere = Url::parse(&format!("https://127.0.0.1:{}/", port.wrapping_add(1).max(1))).unwrap();
    let engine = engine_for(&elsewhere, |_| {});
    for target in [
        server.url.clone(),
        Url::parse(&format!("https://localhost:{port}/")).unwrap(),
        Url::parse(&format!("https://u:p@127.0.0.1:{port}/")).unwrap(),
    ] {
        let err = engine.tls_probe(&target, TlsProbe::Handshake).await.unwrap_err();
        assert!(matches!(err, HttpError::OutOfScope { .. }), "{target}: {err:?}");
    }
    let err = engine.tls_probe(&server.url, TlsProbe::LegacyVersion { version: 0x0301 }).await.unwrap_err();
    assert!(matches!(err, HttpError::OutOfScope { .. }), "{err:?}");
    // An in-scope origin that is not HTTPS is not a TLS target either.
    let plain = Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let engine_plain = engine_for(&plain, |_| {});
    let err = engine_plain.tls_probe(&plain, TlsProbe::Handshake).await.unwrap_err();
    assert!(matches!(err, HttpError::InvalidUrl { .. }), "{err:?}");

    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.connections.load(Ordering::SeqCst), 0, "nothing reached the server");
    assert_eq!(engine.health().refused, 4);
    assert_eq!(engine.health().requests_sent + engine_plain.health().requests_sent, 0);
    assert!(engine.exchanges().is_empty() && engine_plain.exchanges().is_empty());
}

#[tokio::test]
async fn the_request_budget_is_shared_with_http_and_stops_probes() {
    let certs = certs();
    let server = tls_server(&certs, None, None).await;
    let engine = engine_for(&server.url, |c| c.max_requests = Some(2));
    engine.tls_probe(&server.url, TlsProbe::Handshake).await.unwrap();
    engine.tls_probe(&server.url, TlsProbe::LegacyVersion { version: 0x0301 }).await.unwrap();
    let err = engine.tls_probe(&server.url, TlsProbe::Handshake).await.unwrap_err();
    assert!(matches!(err, HttpError::Budget { .. }), "{err:?}");
    let err = engine.send(ProbeRequest::get(server.url.clone())).await.unwrap_err();
    assert!(matches!(err, HttpError::Budget { .. }), "HTTP shares the budget: {err:?}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
    let health = engine.health();
    assert_eq!((health.requests_sent, health.dropped), (2, 2), "{health:?}");
    assert_eq!(engine.exchanges().len(), 2);

    // And an HTTP request taken first leaves one probe.
    let engine = engine_for(&server.url, |c| c.max_requests = Some(2));
    let _ = engine.send(ProbeRequest::get(server.url.clone())).await;
    engine.tls_probe(&server.url, TlsProbe::Handshake).await.unwrap();
    assert!(matches!(engine.tls_probe(&server.url, TlsProbe::Handshake).await, Err(HttpError::Budget { .. })));
}

#[tokio::test]
async fn a_silent_server_costs_at_most_the_time_left_and_then_nothing() {
    // Accepts and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("https://{}/", listener.local_addr().unwrap())).unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counted = accepted.clone();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            held.push(tcp);
        }
    });
    let engine = engine_for(&url, |c| {
        c.request_timeout = Duration::from_secs(30);
        c.max_time = Some(Duration::from_millis(600));
    });
    let started = Instant::now();
    let err = engine.tls_probe(&url, TlsProbe::CipherSuites { version: 0x0303, suites: vec![0x000a] }).await.unwrap_err();
    assert!(matches!(err, HttpError::Timeout { .. }) && err.to_string().contains("timed out"), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "the probe is cut to what is left of max_time: {:?}", started.elapsed());
    tokio::time::sleep(Duration::from_millis(700).saturating_sub(started.elapsed())).await;
    let err = engine.tls_probe(&url, TlsProbe::Handshake).await.unwrap_err();
    assert!(matches!(err, HttpError::Budget { .. }), "{err:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    let health = engine.health();
    assert_eq!((health.requests_sent, health.timeouts, health.dropped), (1, 1, 1), "{health:?}");
    let ex = &engine.exchanges()[0];
    assert!(ex.is_tls_probe() && ex.error.as_deref().is_some_and(|e| e.contains("timed out")), "{ex:?}");
    task.abort();
}

#[tokio::test]
async fn probes_wait_for_the_rate_limiter_and_failed_connects_are_counted() {
    let certs = certs();
    let server = tls_server(&certs, None, None).await;
    let engine = engine_for(&server.url, |c| c.rate_per_sec = 10.0);
    let started = Instant::now();
    for _ in 0..3 {
        engine.tls_probe(&server.url, TlsProbe::LegacyVersion { version: 0x0301 }).await.unwrap();
    }
    assert!(started.elapsed() >= Duration::from_millis(190), "3 probes at 10/s: {:?}", started.elapsed());

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let gone = Url::parse(&format!("https://{closed}/")).unwrap();
    let engine = engine_for(&gone, |_| {});
    let err = engine.tls_probe(&gone, TlsProbe::Handshake).await.unwrap_err();
    assert!(matches!(err, HttpError::Connect { .. }), "{err:?}");
    assert_eq!(engine.health().connection_errors, 1);
    assert!(engine.exchanges()[0].error.is_some());
}
