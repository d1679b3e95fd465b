//! `--ca-cert`: a scan of the hardened demo served over HTTPS with a
//! certificate from a test CA reports the chain as untrusted (EN005) until
//! that CA is given with `--ca-cert`.

use palisade_demo::{DemoConfig, DemoServer};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use serde_json::Value;
use std::process::Command;

fn rules(report: &Value) -> Vec<String> {
    report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

#[test]
fn ca_cert_makes_a_private_ca_trusted_and_a_bad_file_is_a_usage_error() {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "Palisade CLI Test CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
    let ca_pem = ca_params.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap().signed_by(&leaf_key, &issuer).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let ca_path = dir.path().join("ca.pem");
    std::fs::write(&ca_path, &ca_pem).unwrap();
    let bad_path = dir.path().join("bad.pem");
    std::fs::write(&bad_path, "not a certificate").unwrap();

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let server = rt.block_on(DemoServer::start_tls(DemoConfig { hardened: true }, &leaf.pem(), &leaf_key.serialize_pem())).unwrap();
    let url = server.base_url();
    let scan = |extra: &[&str]| {
        let mut args =
            vec!["scan", url.as_str(), "-f", "json", "--no-progress", "--max-time", "60", "--checks", "EN004,EN005,EN006,EN007,EN008,EN002"];
        args.extend_from_slice(extra);
        Command::new(env!("CARGO_BIN_EXE_palisade")).args(&args).env("NO_COLOR", "1").output().expect("run palisade")
    };

    let out = scan(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rules(&report), ["EN005"], "untrusted without --ca-cert");

    let ca = ca_path.to_str().unwrap();
    let out = scan(&["--ca-cert", ca]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rules(&report).is_empty(), "trusted with --ca-cert: {:?}", report["findings"]);

    let out = scan(&["--ca-cert", bad_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "a bad --ca-cert is a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--ca-cert"));
    rt.block_on(server.shutdown());
}
