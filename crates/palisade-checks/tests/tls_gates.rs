//! TLS inspection's connections go through `palisade-http`, so a scan shows
//! them and bounds them like every HTTP request: each of the at most
//! `MAX_TLS_CONNECTIONS` probes is a `TLS` request on the event stream and
//! counts in health, and a spent `--max-requests` budget stops them before
//! any ClientHello reaches the server.

use palisade_checks::checks::encryption::tls::{TlsInspection, MAX_TLS_CONNECTIONS};
use palisade_core::exchange::TLS_PROBE_METHOD;
use palisade_core::{Report, ScanEvent};
use palisade_engine::Check;
use rcgen::{CertificateParams, KeyPair};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod support;
mod tls_fixture;
use tls_fixture::Rewind;

/// A rustls server on 127.0.0.1 (self-signed certificate) answering every
/// HTTP request with a 404; counts the ClientHellos it receives.
async fn counting_tls_server() -> (String, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap().self_signed(&key).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![CertificateDer::from(cert.der().to_vec())], PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())))
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    let hellos = Arc::new(AtomicUsize::new(0));
    let counted = hellos.clone();
    let task = tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut header = [0u8; 5];
                if tcp.read_exact(&mut header).await.is_err() {
                    return;
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let Ok(mut tls) = acceptor.accept(Rewind { prefix: header.to_vec(), inner: tcp }).await else { return };
                let mut buf = [0u8; 4096];
                while let Ok(n) = tls.read(&mut buf).await {
                    if n == 0 || tls.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n").await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (base, hellos, task)
}

/// A TLS-inspection-only scan of `base` with `max_requests`; the report and the request events.
async fn scan(base: &str, max_requests: Option<u64>) -> (Report, Vec<(String, String)>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let checks: Vec<Arc<dyn Check>> = vec![Arc::new(TlsInspection)];
    let scanner = support::scanner(base).engine_with(|e| e.max_requests = max_requests).checks(checks, vec![]).on_event(tx);
    let report = support::run(scanner).await;
    let mut requests = Vec::new();
    while let Ok(event) = rx.try_recv() {
        if let ScanEvent::Request { method, url, .. } = event {
            requests.push((method, url));
        }
    }
    (report, requests)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tls_probe_is_a_request_of_the_scan() {
    let (base, hellos, task) = counting_tls_server().await;
    let (report, requests) = scan(&base, None).await;
    task.abort();
    let tls: Vec<_> = requests.iter().filter(|(m, _)| m == TLS_PROBE_METHOD).collect();
    assert_eq!(tls.len(), MAX_TLS_CONNECTIONS, "{requests:?}");
    assert!(tls.iter().all(|(_, url)| url == &base), "{tls:?}");
    assert_eq!(report.health.requests_sent as usize, requests.len(), "{:?}", report.health);
    assert!(report.health.check_errors.is_empty(), "{:?}", report.health.check_errors);
    // The probes' ClientHellos, plus the HTTP client's connections.
    assert!(hellos.load(Ordering::SeqCst) >= MAX_TLS_CONNECTIONS);
    assert!(report.findings.iter().all(|f| f.rule == "EN005"), "self-signed only: {:?}", report.findings);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spent_request_budget_stops_the_tls_probes() {
    let (base, hellos, task) = counting_tls_server().await;
    // One request: the reachability GET. Nothing else may reach the server.
    let (report, requests) = scan(&base, Some(1)).await;
    let seen = hellos.load(Ordering::SeqCst);
    task.abort();
    assert!(requests.iter().all(|(m, _)| m != TLS_PROBE_METHOD), "{requests:?}");
    assert_eq!(report.health.requests_sent, 1, "{:?}", report.health);
    assert!(report.health.dropped as usize >= MAX_TLS_CONNECTIONS, "{:?}", report.health);
    assert_eq!(seen, 1, "only the HTTP client's connection reached the server");
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}
