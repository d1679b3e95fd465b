//! The bytes of the hand-built TLS probes: ClientHellos the engine sends
//! (rustls cannot offer TLS 1.0/1.1 or weak suites) and readers for the
//! start of the server's answer. Pure functions over byte slices: whatever
//! a hostile server sends, they neither panic nor read past what is there
//! (`palisade-checks/tests/fuzz_tls.rs`).

/// Suites the legacy ClientHellos offer: ECDHE-RSA/ECDSA and RSA CBC suites,
/// 3DES, what TLS 1.0/1.1 servers speak (and the renegotiation SCSV).
pub const LEGACY_SUITES: [u16; 8] = [0xc013, 0xc014, 0xc009, 0xc00a, 0x002f, 0x0035, 0x000a, 0x00ff];

/// Most cipher suites one ClientHello offers (the rest are dropped).
pub const MAX_OFFERED_SUITES: usize = 1024;

/// A minimal ClientHello offering only `version` (no supported_versions
/// extension, so a TLS 1.3 server must answer with its highest legacy
/// version or an alert), with SNI when the host is a name.
pub fn legacy_client_hello(version: u16, sni: Option<&str>) -> Vec<u8> {
    client_hello(version, &LEGACY_SUITES, sni)
}

/// A minimal ClientHello with `version` as client_version (no
/// supported_versions extension), offering exactly `suites` (at most
/// [`MAX_OFFERED_SUITES`]), with SNI when the host is a name (shorter than
/// 256 bytes), supported_groups and ec_point_formats, and for TLS 1.2
/// signature_algorithms (SHA-2 and SHA-1 schemes, so old servers can answer).
pub fn client_hello(version: u16, suites: &[u16], sni: Option<&str>) -> Vec<u8> {
    let suites = &suites[..suites.len().min(MAX_OFFERED_SUITES)];
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

/// `server_version` of a ServerHello at the start of `answer`, when the
/// record and handshake headers and the version are all there.
pub fn server_hello_version(answer: &[u8]) -> Option<u16> {
    // record: type 0x16, version, length; handshake: type 0x02, 3-byte length, server_version.
    (answer.len() >= 11 && answer[0] == 0x16 && answer[5] == 0x02).then(|| u16::from_be_bytes([answer[9], answer[10]]))
}

/// Whether the server's first bytes are a ServerHello choosing `version`.
pub fn is_server_hello_for(answer: &[u8], version: u16) -> bool {
    server_hello_version(answer) == Some(version)
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

/// The alert description when `answer` starts with a TLS alert record.
pub fn alert_description(answer: &[u8]) -> Option<u8> {
    (answer.len() >= 7 && answer[0] == 0x15).then(|| answer[6])
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_client_hello_is_well_formed() {
        for version in [0x0301u16, 0x0302] {
            let hello = legacy_client_hello(version, Some("api.example.test"));
            assert_eq!(&hello[..3], &[0x16, 0x03, 0x01]);
            assert_eq!(u16::from_be_bytes([hello[3], hello[4]]) as usize, hello.len() - 5);
            assert_eq!(hello[5], 0x01, "ClientHello");
            assert_eq!(u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize, hello.len() - 9);
            assert_eq!(u16::from_be_bytes([hello[9], hello[10]]), version);
            assert!(hello.windows(16).any(|w| w == b"api.example.test"));
        }
        assert!(!legacy_client_hello(0x0301, None).windows(4).any(|w| w == [0x00, 0x00, 0x00, 0x15]));
        assert_eq!(legacy_client_hello(0x0301, None)[44..46], [0x00, 0x10], "8 legacy suites");
    }

    #[test]
    fn server_answers_are_read_without_panicking() {
        let hello = [0x16, 0x03, 0x01, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x01];
        assert!(is_server_hello_for(&hello, 0x0301));
        assert!(!is_server_hello_for(&hello, 0x0302));
        assert_eq!(server_hello_version(&hello), Some(0x0301));
        let alert = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46];
        assert!(!is_server_hello_for(&alert, 0x0301), "alert");
        assert_eq!(alert_description(&alert), Some(0x46));
        assert!(!is_server_hello_for(&[], 0x0301));
        assert!(!is_server_hello_for(&hello[..10], 0x0301));
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
        for len in 0..120 {
            let junk: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let _ = server_hello_choice(&junk);
            let _ = server_hello_version(&junk);
            let _ = alert_description(&junk);
        }
        assert!(client_hello(0x0303, &[], None).len() > 40);
        assert!(client_hello(0x0303, &vec![0x000a; 5000], Some(&"x".repeat(300))).len() < 4096);
    }
}
