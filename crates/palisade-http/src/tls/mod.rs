//! Raw TLS probes: the only TLS connections the scanner opens outside an
//! HTTP request, sent through the same gates as [`Engine::send`].
//!
//! TLS inspection needs what no HTTP client exposes: the certificate chain
//! as the server sent it (accepting any certificate, to judge it afterwards),
//! and answers to ClientHellos rustls would never send (TLS 1.0/1.1, weak
//! cipher suites). [`Engine::tls_probe`] opens one connection per probe:
//!
//! - [`TlsProbe::Handshake`]: a full rustls handshake (TLS 1.2/1.3) that
//!   accepts any certificate and captures the chain, the negotiated version
//!   and cipher suite, then closes. No HTTP request is sent.
//! - [`TlsProbe::LegacyVersion`]: a hand-built ClientHello offering only a
//!   legacy version ([`wire::legacy_client_hello`]); the first
//!   [`LEGACY_READ_LIMIT`] bytes of the answer say whether a ServerHello for
//!   that version came back.
//! - [`TlsProbe::CipherSuites`]: a hand-built ClientHello offering exactly
//!   the given suites ([`wire::client_hello`]); at most [`SUITE_READ_LIMIT`]
//!   bytes are read, enough for the ServerHello's chosen suite.
//!
//! Every probe is checked against the [`crate::Scope`] (refused before a
//! connection opens), then waits for the same admission as an HTTP request
//! (time and request budgets, a concurrency permit, Retry-After pause, rate
//! slot), runs within the request timeout (shortened to what is left of
//! `max_time`), reads a bounded number of bytes, is counted in scan health
//! and recorded as an exchange of its own kind
//! ([`palisade_core::exchange::TLS_PROBE_METHOD`]), which emits a
//! `ScanEvent::Request` like any other request.
//!
//! [`wire`] (ClientHello/ServerHello bytes) and [`cert`] (X.509 facts,
//! chain verification, hostname match) are pure functions the checks use to
//! judge what a probe brought back.

pub mod cert;
pub mod wire;

use crate::{Engine, HttpError};
use palisade_core::exchange::TLS_PROBE_METHOD;
use palisade_core::mask::mask_url;
use palisade_core::{Exchange, ExchangeId};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Instant;
use url::Url;

/// Most bytes read from the answer to a [`TlsProbe::LegacyVersion`] hello
/// (the ServerHello's version is within the first 11).
pub const LEGACY_READ_LIMIT: usize = 16;
/// Most bytes read from the answer to a [`TlsProbe::CipherSuites`] hello
/// (a ServerHello's suite is within the first 78).
pub const SUITE_READ_LIMIT: usize = 96;
/// Most bytes read from the server during a [`TlsProbe::Handshake`]
/// (its whole first flight, certificate chain included).
pub const HANDSHAKE_READ_LIMIT: usize = 256 * 1024;

/// One TLS probe: what [`Engine::tls_probe`] sends on its connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsProbe {
    /// A full rustls handshake (TLS 1.2/1.3, rustls' default suites) that
    /// accepts any certificate; answered with [`TlsAnswer::Handshake`].
    Handshake,
    /// A ClientHello offering only `version` (e.g. 0x0301 for TLS 1.0) and
    /// [`wire::LEGACY_SUITES`]; answered with [`TlsAnswer::Hello`].
    LegacyVersion { version: u16 },
    /// A ClientHello with `version` as client_version offering exactly
    /// `suites` (at most [`wire::MAX_OFFERED_SUITES`]); answered with
    /// [`TlsAnswer::Hello`].
    CipherSuites { version: u16, suites: Vec<u16> },
}

impl TlsProbe {
    /// What is sent, for the exchange log: `ClientHello TLS 1.0`.
    pub fn describe(&self) -> String {
        match self {
            TlsProbe::Handshake => "TLS handshake".into(),
            TlsProbe::LegacyVersion { version } => format!("ClientHello {}", wire::version_label(*version)),
            TlsProbe::CipherSuites { version, suites } => {
                let n = suites.len().min(wire::MAX_OFFERED_SUITES);
                format!("ClientHello {} offering {n} suite{}", wire::version_label(*version), if n == 1 { "" } else { "s" })
            }
        }
    }
}

/// What a completed rustls handshake showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerHandshake {
    /// The certificates (DER), leaf first, as the server sent them.
    pub chain: Vec<Vec<u8>>,
    /// The negotiated version as rustls names it: `TLSv1_3`, `TLSv1_2`.
    pub version: String,
    /// The negotiated suite as rustls names it: `TLS13_AES_128_GCM_SHA256`.
    pub cipher: String,
}

/// The start of the server's answer to a hand-built ClientHello.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HelloAnswer {
    /// `server_version` of a ServerHello at the start of the answer
    /// ([`wire::server_hello_version`]).
    pub server_version: Option<u16>,
    /// `(server_version, cipher_suite)` when the ServerHello was read as far
    /// as its suite ([`wire::server_hello_choice`]; never for
    /// [`TlsProbe::LegacyVersion`], which reads too little).
    pub choice: Option<(u16, u16)>,
    /// The alert description when the server answered with an alert.
    pub alert: Option<u8>,
    /// Bytes of the answer read (at most the probe's read limit); fewer
    /// when the server closed the connection or a read failed.
    pub bytes_read: usize,
}

impl HelloAnswer {
    /// Whether a ServerHello choosing `version` came back.
    pub fn is_server_hello_for(&self, version: u16) -> bool {
        self.server_version == Some(version)
    }
}

/// What a probe brought back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsAnswer {
    /// Of [`TlsProbe::Handshake`].
    Handshake(PeerHandshake),
    /// Of [`TlsProbe::LegacyVersion`] and [`TlsProbe::CipherSuites`].
    Hello(HelloAnswer),
}

/// One probe's outcome and the exchange that records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsHandshake {
    /// The probe's record in the exchange log.
    pub exchange_id: ExchangeId,
    pub duration: Duration,
    pub answer: TlsAnswer,
}

impl TlsHandshake {
    /// The handshake facts, for a [`TlsProbe::Handshake`].
    pub fn peer(&self) -> Option<&PeerHandshake> {
        match &self.answer {
            TlsAnswer::Handshake(p) => Some(p),
            TlsAnswer::Hello(_) => None,
        }
    }

    /// The hello answer, for the hand-built ClientHello probes.
    pub fn hello(&self) -> Option<&HelloAnswer> {
        match &self.answer {
            TlsAnswer::Hello(h) => Some(h),
            TlsAnswer::Handshake(_) => None,
        }
    }
}

/// The server name `target` is reached at (IP literals without brackets).
pub(crate) fn server_name(target: &Url) -> Option<ServerName<'static>> {
    match target.host()? {
        url::Host::Domain(d) => ServerName::try_from(d.to_string()).ok(),
        url::Host::Ipv4(ip) => Some(ServerName::IpAddress(std::net::IpAddr::V4(ip).into())),
        url::Host::Ipv6(ip) => Some(ServerName::IpAddress(std::net::IpAddr::V6(ip).into())),
    }
}

/// Accepts every certificate: the probe captures the chain so that checks
/// judge it afterwards, instead of refusing to connect.
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
    fn verify_tls12_signature(
        &self,
        _m: &[u8],
        _c: &CertificateDer<'_>,
        _d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _m: &[u8],
        _c: &CertificateDer<'_>,
        _d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A socket that counts the bytes it reads and fails every read once
/// `limit` have arrived (one read may overshoot by at most its buffer).
struct Capped<S> {
    inner: S,
    read: usize,
    limit: usize,
}

impl<S: AsyncRead + Unpin> AsyncRead for Capped<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        if self.read >= self.limit {
            return Poll::Ready(Err(std::io::Error::other(format!("the server sent more than {} bytes", self.limit))));
        }
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = poll {
            self.read += buf.filled().len() - before;
        }
        poll
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Capped<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Why a probe's connection failed, before it is turned into an [`HttpError`].
enum Failure {
    Connect(String),
    Handshake(String),
}

/// Where a probe connects: host (no brackets), port, SNI name.
struct Peer {
    host: String,
    port: u16,
    /// The SNI of the hand-built hellos: the host when it is a name.
    sni: Option<String>,
    name: ServerName<'static>,
}

impl Engine {
    /// Open one TLS connection to `target`'s host and port and run `probe`
    /// on it. Refused without a connection when `target` is out of scope
    /// ([`HttpError::OutOfScope`]), not `https`, or when a budget is spent
    /// ([`HttpError::Budget`]); otherwise waits for a concurrency permit,
    /// any Retry-After pause and a rate slot like [`Engine::send`], runs
    /// within the request timeout (cut to what is left of `max_time`) and is
    /// recorded as a `TLS` exchange. A server that answers a hand-built
    /// hello with an alert or closes is an answer ([`HelloAnswer`]), not an
    /// error; failing to connect, a failed handshake ([`HttpError::Connect`])
    /// and the timeout ([`HttpError::Timeout`]) are errors, counted in health.
    pub async fn tls_probe(&self, target: &Url, probe: TlsProbe) -> Result<TlsHandshake, HttpError> {
        let shown = mask_url(&target.origin().ascii_serialization());
        if !self.config().scope.contains(target) {
            self.count(|h| h.refused += 1);
            return Err(HttpError::OutOfScope { url: mask_url(target.as_str()) });
        }
        let peer = peer_of(target).map_err(|reason| {
            self.count(|h| h.refused += 1);
            HttpError::InvalidUrl { url: mask_url(target.as_str()), reason }
        })?;
        let _permit = self.admit().await?;
        let timeout = self.bounded_timeout();
        self.count(|h| h.requests_sent += 1);
        let started = Instant::now();
        let outcome = tokio::time::timeout(timeout, run(&peer, &probe)).await;
        let duration = started.elapsed();
        let label = probe.describe();
        let mut record = Exchange {
            id: 0,
            method: TLS_PROBE_METHOD.to_string(),
            url: shown.clone(),
            request_headers: Vec::new(),
            status: None,
            response_headers: Vec::new(),
            duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
            body_len: 0,
            truncated: false,
            body_excerpt: String::new(),
            error: None,
        };
        let result = match outcome {
            Err(_elapsed) => {
                self.count(|h| h.timeouts += 1);
                Err(HttpError::Timeout { url: shown.clone() })
            }
            Ok(Err(failure)) => {
                self.count(|h| h.connection_errors += 1);
                let reason = match failure {
                    Failure::Connect(e) => format!("cannot connect to {}:{}: {e}", peer.host, peer.port),
                    Failure::Handshake(e) => format!("TLS handshake with {}:{} failed: {e}", peer.host, peer.port),
                };
                Err(HttpError::Connect { url: shown.clone(), reason: one_line(&reason) })
            }
            Ok(Ok((answer, read, limit))) => {
                record.body_len = read as u64;
                record.truncated = read >= limit;
                record.body_excerpt = format!("{label} → {}", describe_answer(&answer));
                Ok(answer)
            }
        };
        if let Err(e) = &result {
            record.body_excerpt = format!("{label} → no answer");
            record.error = Some(e.to_string());
        }
        let exchange_id = self.record(record);
        result.map(|answer| TlsHandshake { exchange_id, duration, answer })
    }
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ").chars().take(300).collect()
}

fn peer_of(target: &Url) -> Result<Peer, String> {
    if target.scheme() != "https" {
        return Err("a TLS probe needs an https URL".into());
    }
    let name = server_name(target).ok_or_else(|| "the target has no usable host name".to_string())?;
    let host = target.host_str().ok_or_else(|| "the target has no host".to_string())?;
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let port = target.port_or_known_default().unwrap_or(443);
    let sni = match target.host() {
        Some(url::Host::Domain(d)) => Some(d.to_string()),
        _ => None,
    };
    Ok(Peer { host, port, sni, name })
}

/// The probe on its own connection: the answer, bytes read, the read limit.
async fn run(peer: &Peer, probe: &TlsProbe) -> Result<(TlsAnswer, usize, usize), Failure> {
    let tcp = TcpStream::connect((peer.host.as_str(), peer.port)).await.map_err(|e| Failure::Connect(e.to_string()))?;
    match probe {
        TlsProbe::Handshake => {
            let (facts, read) = handshake(peer, tcp).await?;
            Ok((TlsAnswer::Handshake(facts), read, HANDSHAKE_READ_LIMIT))
        }
        TlsProbe::LegacyVersion { version } => {
            let hello = wire::legacy_client_hello(*version, peer.sni.as_deref());
            // The version is within the first 11 bytes: stop there.
            let answer = exchange_hello(tcp, &hello, LEGACY_READ_LIMIT, |a| a.len() >= 11).await?;
            let n = answer.bytes_read;
            Ok((TlsAnswer::Hello(answer), n, LEGACY_READ_LIMIT))
        }
        TlsProbe::CipherSuites { version, suites } => {
            let hello = wire::client_hello(*version, suites, peer.sni.as_deref());
            // Stop at a ServerHello read as far as its suite, or at anything but a ServerHello.
            let done = |a: &[u8]| wire::server_hello_choice(a).is_some() || (a.len() >= 6 && (a[0] != 0x16 || a[5] != 0x02));
            let answer = exchange_hello(tcp, &hello, SUITE_READ_LIMIT, done).await?;
            let n = answer.bytes_read;
            Ok((TlsAnswer::Hello(answer), n, SUITE_READ_LIMIT))
        }
    }
}

/// Send `hello`, read at most `limit` bytes until `done` or the end of the stream, close.
async fn exchange_hello(mut tcp: TcpStream, hello: &[u8], limit: usize, done: impl Fn(&[u8]) -> bool) -> Result<HelloAnswer, Failure> {
    tcp.write_all(hello).await.map_err(|e| Failure::Connect(e.to_string()))?;
    let mut answer = Vec::with_capacity(limit);
    let mut buf = vec![0u8; limit];
    while answer.len() < limit && !done(&answer) {
        match tcp.read(&mut buf[..limit - answer.len()]).await {
            // A close or a reset ends the answer; what arrived is judged.
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    let _ = tcp.shutdown().await;
    Ok(HelloAnswer {
        server_version: wire::server_hello_version(&answer),
        choice: wire::server_hello_choice(&answer),
        alert: wire::alert_description(&answer),
        bytes_read: answer.len(),
    })
}

/// A rustls handshake accepting any certificate; its facts and the bytes read.
async fn handshake(peer: &Peer, tcp: TcpStream) -> Result<(PeerHandshake, usize), Failure> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Failure::Handshake(format!("TLS configuration: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAny(provider)))
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let capped = Capped { inner: tcp, read: 0, limit: HANDSHAKE_READ_LIMIT };
    let mut tls = connector.connect(peer.name.clone(), capped).await.map_err(|e| Failure::Handshake(e.to_string()))?;
    let (socket, conn) = tls.get_ref();
    let read = socket.read;
    let facts = PeerHandshake {
        chain: conn.peer_certificates().map(|c| c.iter().map(|d| d.as_ref().to_vec()).collect()).unwrap_or_default(),
        version: conn.protocol_version().map(|v| format!("{v:?}")).unwrap_or_default(),
        cipher: conn.negotiated_cipher_suite().map(|c| format!("{:?}", c.suite())).unwrap_or_default(),
    };
    let _ = tls.shutdown().await;
    Ok((facts, read))
}

/// What came back, for the exchange log: `ServerHello TLS 1.0`.
fn describe_answer(answer: &TlsAnswer) -> String {
    match answer {
        TlsAnswer::Handshake(p) => {
            let n = p.chain.len();
            format!("{} {}, {n} certificate{}", p.version, p.cipher, if n == 1 { "" } else { "s" })
        }
        TlsAnswer::Hello(h) => match (h.choice, h.server_version, h.alert) {
            (Some((v, suite)), _, _) => format!("ServerHello {}, suite 0x{suite:04x}", wire::version_label(v)),
            (None, Some(v), _) => format!("ServerHello {}", wire::version_label(v)),
            (None, None, Some(alert)) => format!("alert {alert}"),
            (None, None, None) if h.bytes_read == 0 => "closed without answering".into(),
            (None, None, None) => format!("{} bytes, not a ServerHello", h.bytes_read),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn capped_reads_stop_at_the_limit() {
        let endless = vec![0x16u8; 64 * 1024];
        let mut capped = Capped { inner: &endless[..], read: 0, limit: 1000 };
        let mut out = Vec::new();
        let err = capped.read_to_end(&mut out).await.unwrap_err();
        assert!(err.to_string().contains("more than 1000 bytes"), "{err}");
        assert!(capped.read >= 1000 && out.len() == capped.read, "{} read", capped.read);
        let mut small = Capped { inner: &endless[..10], read: 0, limit: 1000 };
        let mut out = Vec::new();
        assert_eq!(small.read_to_end(&mut out).await.unwrap(), 10);
    }

    #[test]
    fn probes_and_answers_are_described_for_the_log() {
        assert_eq!(TlsProbe::LegacyVersion { version: 0x0302 }.describe(), "ClientHello TLS 1.1");
        assert_eq!(TlsProbe::CipherSuites { version: 0x0303, suites: vec![1; 5000] }.describe(), "ClientHello TLS 1.2 offering 1024 suites");
        let closed = TlsAnswer::Hello(HelloAnswer::default());
        assert_eq!(describe_answer(&closed), "closed without answering");
        let junk = TlsAnswer::Hello(HelloAnswer { bytes_read: 7, ..Default::default() });
        assert_eq!(describe_answer(&junk), "7 bytes, not a ServerHello");
        assert!(peer_of(&Url::parse("http://127.0.0.1/").unwrap()).is_err());
        let peer = peer_of(&Url::parse("https://[::1]:8443/").unwrap()).unwrap();
        assert_eq!((peer.host.as_str(), peer.port, peer.sni), ("::1", 8443, None));
        let peer = peer_of(&Url::parse("https://api.example.test/").unwrap()).unwrap();
        assert_eq!((peer.port, peer.sni.as_deref()), (443, Some("api.example.test")));
    }
}
