//! `palisade.toml`: the same options as the `scan` flags. Flags win.

use crate::cli::ScanArgs;
use anyhow::{Context as _, Result};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub scan: ScanConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScanConfig {
    pub spec: Option<String>,
    pub format: Option<String>,
    pub output: Option<String>,
    #[serde(default)]
    pub checks: Vec<String>,
    pub fail_under: Option<String>,
    pub fail_on: Option<String>,
    /// `--min-coverage`: least share of operations tested, in percent.
    pub min_coverage: Option<f64>,
    pub baseline: Option<String>,
    pub context: Option<String>,
    pub concurrency: Option<usize>,
    pub rate: Option<f64>,
    pub timeout: Option<u64>,
    pub max_time: Option<u64>,
    pub max_requests: Option<u64>,
    pub max_body: Option<usize>,
    /// `--max-spec-bytes`: largest spec accepted.
    pub max_spec_bytes: Option<usize>,
    /// `--jwt-crack-time`: longest search for one JWT's secret, in seconds.
    pub jwt_crack_time: Option<f64>,
    /// `--max-identity-requests`: operations crawled as each identity after the first.
    pub max_identity_requests: Option<usize>,
    /// `--llm-probes`: quick, standard or deep.
    pub llm_probes: Option<String>,
    /// `--discovery`: off, quick or standard.
    pub discovery: Option<String>,
    #[serde(default)]
    pub allow_methods: Vec<String>,
    pub active: Option<bool>,
    #[serde(default)]
    pub scope: Vec<String>,
    /// Non-secret headers only; put credentials in PALISADE_* variables.
    #[serde(default)]
    pub headers: Vec<String>,
    pub api_key_in: Option<String>,
    /// Named identities, same syntax as `--identity`: `NAME=Header: value` or
    /// `ROLE:NAME=Header: value`. Keep a file holding credentials out of version control.
    #[serde(default)]
    pub identity: Vec<String>,
    /// `--auth-command`: `NAME=shell command` printing a fresh `Header: value` line.
    #[serde(default)]
    pub auth_command: Vec<String>,
    /// `--oob-listen`: where the SSRF canary listener binds (IP:PORT).
    pub oob_listen: Option<String>,
    /// `--oob-url`: the externally reachable base URL forwarding to the listener.
    pub oob_url: Option<String>,
    /// `--ssrf-internal`: send internal-address SSRF payloads (SS003).
    pub ssrf_internal: Option<bool>,
}

/// The identity name (`NAME` or `ROLE:NAME`) of an `--identity` value.
fn identity_name(spec: &str) -> &str {
    spec.split_once('=').map_or(spec, |(n, _)| n).trim()
}

/// Load the config file named by `--config`, else `./palisade.toml` if it exists.
pub fn load(explicit: Option<&Path>) -> Result<ConfigFile> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let default = Path::new("palisade.toml");
            if !default.exists() {
                return Ok(ConfigFile::default());
            }
            default.to_path_buf()
        }
    };
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
}

/// Fill every flag the user did not give from the config file.
pub fn merge(mut args: ScanArgs, cfg: ScanConfig) -> ScanArgs {
    args.spec = args.spec.or(cfg.spec);
    args.output.format = args.output.format.or(cfg.format);
    args.output.output = args.output.output.or(cfg.output.map(Into::into));
    if args.checks.is_empty() {
        args.checks = cfg.checks;
    }
    args.fail_under = args.fail_under.or(cfg.fail_under);
    args.fail_on = args.fail_on.or(cfg.fail_on);
    args.min_coverage = args.min_coverage.or(cfg.min_coverage);
    args.baseline = args.baseline.or(cfg.baseline.map(Into::into));
    args.context = args.context.or(cfg.context);
    args.concurrency = args.concurrency.or(cfg.concurrency);
    args.rate = args.rate.or(cfg.rate);
    args.timeout = args.timeout.or(cfg.timeout);
    args.max_time = args.max_time.or(cfg.max_time);
    args.max_requests = args.max_requests.or(cfg.max_requests);
    args.max_body = args.max_body.or(cfg.max_body);
    args.max_spec_bytes = args.max_spec_bytes.or(cfg.max_spec_bytes);
    args.jwt_crack_time = args.jwt_crack_time.or(cfg.jwt_crack_time);
    args.max_identity_requests = args.max_identity_requests.or(cfg.max_identity_requests);
    args.llm_probes = args.llm_probes.or(cfg.llm_probes);
    args.discovery = args.discovery.or(cfg.discovery);
    if args.allow_methods.is_empty() {
        args.allow_methods = cfg.allow_methods;
    }
    args.active = args.active || cfg.active.unwrap_or(false);
    if args.scope.is_empty() {
        args.scope = cfg.scope;
    }
    args.headers.extend(cfg.headers);
    args.api_key_in = args.api_key_in.or(cfg.api_key_in);
    args.oob_listen = args.oob_listen.or(cfg.oob_listen);
    args.oob_url = args.oob_url.or(cfg.oob_url);
    args.ssrf_internal = args.ssrf_internal || cfg.ssrf_internal.unwrap_or(false);
    // Identities: a name given by a flag replaces that name's lines in the file.
    let from_flags: Vec<String> = args.identities.iter().map(|s| identity_name(s).to_string()).collect();
    let mut identities: Vec<String> = cfg.identity.into_iter().filter(|s| !from_flags.iter().any(|n| n == identity_name(s))).collect();
    identities.append(&mut args.identities);
    args.identities = identities;
    // Auth commands: likewise, a flag for a name replaces the file's line for it.
    let from_flags: Vec<String> = args.auth_commands.iter().map(|s| identity_name(s).to_string()).collect();
    let mut commands: Vec<String> = cfg.auth_command.into_iter().filter(|s| !from_flags.iter().any(|n| n == identity_name(s))).collect();
    commands.append(&mut args.auth_commands);
    args.auth_commands = commands;
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file() {
        let cfg: ConfigFile = toml::from_str("[scan]\nconcurrency = 2\nrate = 5.0\nfail-on = \"high\"\n").unwrap();
        let args = ScanArgs { concurrency: Some(4), ..Default::default() };
        let merged = merge(args, cfg.scan);
        assert_eq!(merged.concurrency, Some(4));
        assert_eq!(merged.rate, Some(5.0));
        assert_eq!(merged.fail_on.as_deref(), Some("high"));
    }

    #[test]
    fn identities_come_from_the_file_and_flags_win_per_name() {
        let cfg: ConfigFile = toml::from_str(
            "[scan]\nidentity = [\"alice=Authorization: Bearer file-a\", \"admin:root=Authorization: Bearer file-r\", \"admin:root=X-Tenant: t1\"]\n",
        )
        .unwrap();
        assert_eq!(cfg.scan.identity.len(), 3);
        let args = ScanArgs { identities: vec!["admin:root=Authorization: Bearer flag-r".into()], ..Default::default() };
        let merged = merge(args, cfg.scan);
        assert_eq!(merged.identities, vec!["alice=Authorization: Bearer file-a".to_string(), "admin:root=Authorization: Bearer flag-r".to_string()]);

        let cfg: ConfigFile = toml::from_str("[scan]\nidentity = [\"bob=Cookie: s=1\"]\n").unwrap();
        let merged = merge(ScanArgs::default(), cfg.scan);
        assert_eq!(merged.identities, vec!["bob=Cookie: s=1".to_string()]);
    }

    #[test]
    fn jwt_crack_time_comes_from_the_file_unless_flagged() {
        let cfg: ConfigFile = toml::from_str("[scan]\njwt-crack-time = 0.5\n").unwrap();
        assert_eq!(merge(ScanArgs::default(), cfg.scan).jwt_crack_time, Some(0.5));
        let cfg: ConfigFile = toml::from_str("[scan]\njwt-crack-time = 0.5\n").unwrap();
        assert_eq!(merge(ScanArgs { jwt_crack_time: Some(10.0), ..Default::default() }, cfg.scan).jwt_crack_time, Some(10.0));
    }

    #[test]
    fn unknown_keys_are_an_error() {
        assert!(toml::from_str::<ConfigFile>("[scan]\nconcurency = 2\n").is_err());
    }
}
