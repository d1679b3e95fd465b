//! `palisade scan` and `palisade demo`.

use crate::cli::{DemoArgs, OutputArgs, ScanArgs};
use crate::{config, progress, Failure};
use palisade_core::{Category, Context, Report, Severity};
use palisade_engine::{ScanError, ScanSettings, SpecInput};
use palisade_http::{Credentials, EngineConfig, MethodPolicy, Scope, Url};
use palisade_report::{Format, WriteOptions};
use std::collections::{BTreeMap, HashSet};
use std::io::{IsTerminal, Write};
use std::str::FromStr;
use std::time::Duration;

pub async fn scan_command(args: ScanArgs) -> Result<u8, Failure> {
    let cfg = config::load(args.config.as_deref())?;
    let args = config::merge(args, cfg.scan);
    // Reject bad gate values before sending a single request.
    gate_threshold(&args)?;
    check_min_coverage(&args)?;
    let report = run(&args).await?;
    write_report(&report, &args.output)?;
    gates(&report, &args)
}

pub async fn demo_command(args: DemoArgs) -> Result<u8, Failure> {
    let cfg = palisade_demo::DemoConfig { hardened: args.hardened };
    let server = match args.port {
        Some(port) => palisade_demo::DemoServer::start_on(([127, 0, 0, 1], port).into(), cfg).await,
        None => palisade_demo::DemoServer::start(cfg).await,
    }
    .map_err(|e| Failure { code: 3, message: format!("cannot start the demo API: {e}"), hint: Some("try another --port".into()) })?;
    let kind = if args.hardened { "hardened" } else { "deliberately vulnerable" };
    if args.serve {
        eprintln!("Serving the {kind} demo API at {} (Ctrl-C to stop).", server.base_url());
        eprintln!("Scan it with: palisade scan {}", server.base_url());
        let _ = tokio::signal::ctrl_c().await;
        server.shutdown().await;
        return Ok(0);
    }
    eprintln!("Scanning the built-in {kind} demo API at {} ...", server.base_url());
    let scan = ScanArgs { url: server.base_url(), output: args.output.clone(), ..Default::default() };
    let report = run(&scan).await;
    server.shutdown().await;
    write_report(&report?, &args.output)?;
    Ok(0)
}

/// Build everything from the arguments and run the scan.
async fn run(args: &ScanArgs) -> Result<Report, Failure> {
    let target = parse_target(&args.url)?;
    let context = match &args.context {
        Some(c) => Context::from_str(c).map_err(|e| Failure::usage(e, "use --context financial|medical|public|internal"))?,
        None => Context::General,
    };
    let mut engine = engine_config(args, &target)?;
    let auth_commands = crate::auth_command::AuthCommands::parse(&args.auth_commands, engine.identities.keys())?.map(std::sync::Arc::new);
    if let Some(a) = &auth_commands {
        engine.credential_refresh = Some(palisade_http::RefreshHook::new(a.clone()));
    }
    // Before anything is sent: an active scan needs the target confirmed.
    if let Some(warning) = active_guard(args, &target)? {
        eprintln!("{warning}");
    }
    let max_spec_bytes = args.max_spec_bytes.unwrap_or(palisade_spec::DEFAULT_MAX_SPEC_BYTES).max(1024);
    let spec = match &args.spec {
        None => None,
        Some(s) if s.starts_with("http://") || s.starts_with("https://") => {
            let url = Url::parse(s).map_err(|e| Failure::usage(format!("invalid --spec URL: {e}"), "give a full URL or a file path"))?;
            Some(SpecInput::Url(url))
        }
        Some(path) => {
            // The file obeys --max-spec-bytes too, checked before it is read.
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            if size > max_spec_bytes as u64 {
                let e = palisade_spec::SpecError::TooLarge { size: usize::try_from(size).unwrap_or(usize::MAX), limit: max_spec_bytes };
                return Err(spec_failure(format!("could not load the spec: {path}: {e}")));
            }
            let bytes = std::fs::read(path).map_err(|e| Failure::usage(format!("cannot read spec file {path}: {e}"), "check the --spec path"))?;
            Some(SpecInput::Bytes { bytes, source: path.clone() })
        }
    };
    let (categories, selected_rules) = selection(&args.checks)?;
    let llm_probes = match &args.llm_probes {
        Some(p) => p.parse().map_err(|e: String| Failure::usage(e, "use --llm-probes quick|standard|deep"))?,
        None => palisade_checks::checks::llm::prompts::LlmProbeProfile::default(),
    };
    let discovery = match &args.discovery {
        Some(p) => palisade_engine::DiscoveryProfile::parse(p)
            .ok_or_else(|| Failure::usage(format!("unknown --discovery profile {p:?}"), "use --discovery off|quick|standard"))?,
        None => palisade_engine::DiscoveryProfile::default(),
    };
    let checks = palisade_checks::checks::llm::prompts::with_profile(palisade_checks::active_checks(categories.as_deref()), llm_probes);
    let passive = palisade_checks::passive_checks(categories.as_deref());
    let baseline = match &args.baseline {
        Some(path) => crate::detect::load_baseline(path)?,
        None => HashSet::new(),
    };
    let (oob_listen, oob_url) = oob_settings(args)?;
    let jwt_crack_time = match args.jwt_crack_time {
        Some(secs) => std::time::Duration::try_from_secs_f64(secs)
            .map_err(|_| Failure::usage(format!("invalid --jwt-crack-time {secs}"), "give a number of seconds, e.g. --jwt-crack-time 3"))?,
        None => ScanSettings::default().jwt_crack_time,
    };
    let settings = ScanSettings {
        context,
        discovery,
        oob_listen,
        oob_url,
        ssrf_internal: args.ssrf_internal,
        max_spec_bytes,
        jwt_crack_time,
        max_identity_requests: args.max_identity_requests.unwrap_or(palisade_engine::DEFAULT_MAX_IDENTITY_REQUESTS),
        ..ScanSettings::default()
    };

    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let show_progress = !args.output.no_progress;
    let consumer = tokio::spawn(progress::consume(rx, show_progress));
    let mut scanner = palisade_checks::scanner(target)
        .engine(engine)
        .checks(checks, passive)
        .selected_rules(selected_rules)
        .settings(settings)
        .baseline(baseline)
        .on_event(tx);
    if let Some(spec) = spec {
        scanner = scanner.spec(spec);
    }
    let result = scanner.run().await;
    let _ = consumer.await;
    for line in auth_commands.iter().flat_map(|a| a.summary()) {
        eprintln!("{line}");
    }
    result.map_err(|e| match e {
        ScanError::Unreachable(m) => Failure {
            code: 3,
            message: format!("target unreachable: {m}"),
            hint: Some("check the URL, that the API is running, and --timeout".into()),
        },
        ScanError::Spec(m) => spec_failure(format!("could not load the spec: {m}")),
        ScanError::Config(m) => Failure::usage(m, "see palisade scan --help"),
    })
}

/// A spec that cannot be used (exit 2), with the hint that fits: raise the
/// limit for a spec over --max-spec-bytes, otherwise fix the document.
fn spec_failure(message: String) -> Failure {
    let hint = if message.contains("--max-spec-bytes") {
        "raise the limit, e.g. --max-spec-bytes 268435456 (or max-spec-bytes in palisade.toml)"
    } else {
        "pass a valid OpenAPI 3.x or Swagger 2.0 document"
    };
    Failure::usage(message, hint)
}

/// `host:port` of a URL, lower case, with the scheme's default port filled in.
fn host_port(url: &Url) -> Option<String> {
    Some(format!("{}:{}", url.host_str()?.to_ascii_lowercase(), url.port_or_known_default()?))
}

/// Methods beyond GET/HEAD/OPTIONS the arguments unlock (sorted, upper case).
fn state_changing_methods(args: &ScanArgs) -> Vec<String> {
    let mut out: Vec<String> = if args.active {
        MethodPolicy::active().methods().map(str::to_string).collect()
    } else {
        args.allow_methods.iter().map(|m| m.trim().to_ascii_uppercase()).collect()
    };
    out.retain(|m| !["GET", "HEAD", "OPTIONS"].contains(&m.as_str()));
    out.sort();
    out.dedup();
    out
}

/// The `--active` guard: a scan that may send state-changing methods is
/// refused unless `--confirm-target` names the target's `host:port`. Returns
/// the one-line warning to print when the scan is allowed to be active.
fn active_guard(args: &ScanArgs, target: &Url) -> Result<Option<String>, Failure> {
    let methods = state_changing_methods(args);
    if methods.is_empty() {
        return Ok(None);
    }
    let Some(expected) = host_port(target) else {
        return Err(Failure::usage("cannot determine the target's host:port", "give a full URL such as https://api.example.test/"));
    };
    let what = if args.active { "--active".to_string() } else { format!("--allow-method {}", methods.join(",")) };
    match args.confirm_target.as_deref().map(|c| c.trim().to_ascii_lowercase()) {
        None => Err(Failure::usage(
            format!("{what} may change data on the target and needs --confirm-target"),
            format!("only against a target you own: add --confirm-target {expected}"),
        )),
        Some(given) if given != expected => Err(Failure::usage(
            format!("--confirm-target '{}' does not match the target {expected}", clip_arg(&given)),
            format!("pass --confirm-target {expected} if you own this target"),
        )),
        Some(_) => Ok(Some(format!("warning: active scan of {expected}: {} requests may change data on the target", methods.join("/")))),
    }
}

/// A user-supplied value, shortened for an error line.
fn clip_arg(s: &str) -> String {
    s.chars().take(80).collect()
}

fn parse_target(s: &str) -> Result<Url, Failure> {
    let url =
        Url::parse(s).map_err(|e| Failure::usage(format!("invalid target URL '{s}': {e}"), "give a full URL such as https://api.example.test/"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Failure::usage(format!("unsupported target '{s}'"), "the target must be an http:// or https:// URL"));
    }
    Ok(url)
}

fn engine_config(args: &ScanArgs, target: &Url) -> Result<EngineConfig, Failure> {
    let mut policy = if args.active { MethodPolicy::active() } else { MethodPolicy::read_only() };
    for m in &args.allow_methods {
        let m = m.trim().to_ascii_uppercase();
        if !["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE"].contains(&m.as_str()) {
            return Err(Failure::usage(format!("unknown method '{m}' in --allow-method"), "use POST, PUT, PATCH, DELETE or TRACE"));
        }
        policy = policy.allow(&m);
    }
    let mut scope = Scope::for_target(target);
    for s in &args.scope {
        let u =
            Url::parse(s).map_err(|e| Failure::usage(format!("invalid --scope '{s}': {e}"), "give an origin such as https://auth.example.test"))?;
        scope.add(&u);
    }
    let mut identities = BTreeMap::new();
    if let Some(creds) = credentials(args)? {
        identities.insert("default".to_string(), creds);
    }
    for (name, creds) in named_identities(&args.identities)? {
        identities.insert(name, creds);
    }
    let mut cfg = EngineConfig { policy, scope, identities, ..EngineConfig::default() };
    if let Some(c) = args.concurrency {
        cfg.concurrency = c.clamp(1, 256);
    }
    if let Some(r) = args.rate {
        if r.is_nan() || r <= 0.0 {
            return Err(Failure::usage("--rate must be above 0", "e.g. --rate 20"));
        }
        cfg.rate_per_sec = r;
    }
    if let Some(t) = args.timeout {
        cfg.request_timeout = Duration::from_secs(t.max(1));
    }
    cfg.max_time = Some(Duration::from_secs(args.max_time.unwrap_or(300).max(1)));
    cfg.max_requests = Some(args.max_requests.unwrap_or(palisade_http::DEFAULT_MAX_REQUESTS));
    if let Some(b) = args.max_body {
        cfg.max_body_bytes = b.max(1024);
    }
    for path in &args.ca_certs {
        cfg.extra_roots.extend(read_ca_certs(path)?);
    }
    Ok(cfg)
}

/// `--oob-listen` and `--oob-url`, checked together.
fn oob_settings(args: &ScanArgs) -> Result<(Option<std::net::SocketAddr>, Option<Url>), Failure> {
    use palisade_engine::oob::{parse_oob_listen, parse_oob_url, OobConfig};
    let hint = "e.g. --oob-listen 0.0.0.0:8099 --oob-url https://collab.example.test/ (the URL must forward to that port)";
    let listen = args.oob_listen.as_deref().map(parse_oob_listen).transpose().map_err(|e| Failure::usage(e.to_string(), hint))?;
    let url = args.oob_url.as_deref().map(parse_oob_url).transpose().map_err(|e| Failure::usage(e.to_string(), hint))?;
    let checked = OobConfig::new(listen, url.as_ref()).map_err(|e| Failure::usage(e.to_string(), hint))?;
    Ok((listen.map(|_| checked.listen), checked.public_url))
}

/// `--ca-cert FILE`: every certificate of a PEM file, or one DER certificate, as DER.
fn read_ca_certs(path: &std::path::Path) -> Result<Vec<Vec<u8>>, Failure> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let shown = path.display();
    let hint = "give a CA certificate as PEM (-----BEGIN CERTIFICATE-----) or DER";
    let bytes = std::fs::read(path).map_err(|e| Failure::usage(format!("cannot read --ca-cert {shown}: {e}"), hint))?;
    if bytes.first() == Some(&0x30) {
        return Ok(vec![bytes]);
    }
    let certs: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(&bytes)
        .map(|c| c.map(|c| c.to_vec()))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::usage(format!("invalid --ca-cert {shown}: {e}"), hint))?;
    if certs.is_empty() {
        return Err(Failure::usage(format!("no certificate in --ca-cert {shown}"), hint));
    }
    Ok(certs)
}

/// `--identity NAME='Header: value'`, grouped by name (a repeated name adds headers).
fn named_identities(specs: &[String]) -> Result<BTreeMap<String, Credentials>, Failure> {
    let mut out: BTreeMap<String, Credentials> = BTreeMap::new();
    for spec in specs {
        let usage = || {
            Failure::usage(
                "invalid --identity (expected NAME='Header: value' or ROLE:NAME='Header: value')",
                "e.g. --identity alice='Authorization: Bearer $ALICE_TOKEN'",
            )
        };
        let (name, header) = spec.split_once('=').ok_or_else(usage)?;
        let name = name.trim();
        let (h, v) = header.split_once(':').ok_or_else(usage)?;
        // `ROLE:NAME` (e.g. admin:root, user:alice) is kept as the identity's key.
        let (role, bare) = match name.split_once(':') {
            Some((r, n)) => (Some(r.trim().to_ascii_lowercase()), n.trim()),
            None => (None, name),
        };
        let ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok(bare) || bare == "default" || role.as_deref().is_some_and(|r| !ok(r)) {
            return Err(Failure::usage(
                format!("invalid identity name '{}'", clip_arg(name)),
                "use NAME or ROLE:NAME with letters, digits, '-', '_' or '.' (and not 'default', which --bearer/--header set)",
            ));
        }
        let name = match &role {
            Some(r) => format!("{r}:{bare}"),
            None => bare.to_string(),
        };
        let name = name.as_str();
        if h.trim().is_empty() || v.trim().is_empty() {
            return Err(usage());
        }
        let creds = out.remove(name).unwrap_or_default().header(h.trim(), v.trim());
        out.insert(name.to_string(), creds);
    }
    Ok(out)
}

fn credentials(args: &ScanArgs) -> Result<Option<Credentials>, Failure> {
    let mut c = Credentials::default();
    let mut any = false;
    for h in &args.headers {
        let (name, value) =
            h.split_once(':').ok_or_else(|| Failure::usage("invalid --header (expected 'Name: value')", "e.g. -H 'X-Tenant: acme'"))?;
        c = c.header(name.trim(), value.trim());
        any = true;
    }
    if let Some(t) = &args.bearer {
        c = c.bearer(t);
        any = true;
    }
    if let Some(b) = &args.basic {
        let (u, p) = b.split_once(':').ok_or_else(|| Failure::usage("invalid --basic (expected user:pass)", "e.g. --basic alice:secret"))?;
        c = c.basic(u, p);
        any = true;
    }
    if let Some(k) = &args.cookie {
        c = c.cookie(k);
        any = true;
    }
    if let Some(kv) = &args.api_key {
        let (name, value) =
            kv.split_once('=').ok_or_else(|| Failure::usage("invalid --api-key (expected NAME=VALUE)", "e.g. --api-key X-API-Key=$KEY"))?;
        c = match args.api_key_in.as_deref().unwrap_or("header") {
            "header" => c.api_key_header(name, value),
            "query" => c.api_key_query(name, value),
            other => return Err(Failure::usage(format!("invalid --api-key-in '{other}'"), "use header or query")),
        };
        any = true;
    }
    Ok(any.then_some(c))
}

/// `--checks DE001,encryption` → (categories to run, rule codes to report).
type Selection = (Option<Vec<Category>>, Option<HashSet<String>>);

fn selection(items: &[String]) -> Result<Selection, Failure> {
    if items.is_empty() {
        return Ok((None, None));
    }
    let (mut cats, mut codes) = (Vec::new(), HashSet::new());
    for item in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if let Some(rule) = palisade_checks::rule(item) {
            cats.push(rule.category);
            codes.insert(rule.code.to_string());
        } else if let Ok(cat) = Category::from_str(item) {
            cats.push(cat);
            codes.extend(palisade_checks::RULES.iter().filter(|r| r.category == cat).map(|r| r.code.to_string()));
        } else {
            return Err(Failure::usage(format!("unknown check '{item}'"), "run `palisade checks` for rule codes and categories"));
        }
    }
    cats.sort();
    cats.dedup();
    Ok((Some(cats), Some(codes)))
}

fn write_report(report: &Report, out: &OutputArgs) -> Result<(), Failure> {
    let format = match &out.format {
        Some(f) => {
            Format::from_str(f).map_err(|_| Failure::usage(format!("unknown format '{f}'"), "use pretty, json, sarif, junit, markdown or html"))?
        }
        None => Format::Pretty,
    };
    let to_terminal = out.output.is_none() && std::io::stdout().is_terminal();
    let color = format == Format::Pretty && to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let opts = WriteOptions { color, max_findings_pretty: None };
    let rendered = palisade_report::render_to_string(format, report, palisade_checks::RULES, &opts).map_err(|e| Failure {
        code: 2,
        message: format!("cannot render the report: {e}"),
        hint: None,
    })?;
    match &out.output {
        Some(path) => {
            std::fs::write(path, rendered).map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display()), "check the --output path"))?
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(rendered.as_bytes());
        }
    }
    Ok(())
}

/// Exit code: scan health first (an unhealthy scan exits 3, gate failures still printed), then the gates.
fn gates(report: &Report, args: &ScanArgs) -> Result<u8, Failure> {
    let mut failed = false;
    let (threshold, fail_on) = gate_threshold(args)?;
    if let (Some(threshold), Some(gate)) = (threshold, &args.fail_under) {
        if report.score < threshold {
            eprintln!("gate failed: score {} ({}) is below {gate}", report.score, report.grade);
            failed = true;
        }
    }
    if let Some(sev) = fail_on {
        let n = report.findings.iter().filter(|f| f.severity >= sev).count();
        if n > 0 {
            eprintln!("gate failed: {n} finding(s) at or above {sev}");
            failed = true;
        }
    }
    if let Some(min) = args.min_coverage {
        let coverage = &report.coverage;
        if coverage.percent() < min {
            eprintln!("gate failed: coverage {:.1}% is below {min}%: {}", coverage.percent(), coverage.summary());
            failed = true;
        }
    }
    // An aborted or mostly failed scan exits 3 even when a gate failed too:
    // gates judged on a scan that did not happen say nothing.
    if report.health.is_degraded() {
        // The orchestrator always fills `health.aborted` for an unhealthy scan; the fallback is for old reports.
        let why = report.health.aborted.clone().or_else(|| report.health.most_failed()).unwrap_or_else(|| "most requests failed".into());
        eprintln!("scan incomplete: {why}");
        return Ok(3);
    }
    if failed {
        return Ok(1);
    }
    Ok(0)
}

/// `--min-coverage` must be a percentage.
fn check_min_coverage(args: &ScanArgs) -> Result<(), Failure> {
    match args.min_coverage {
        Some(p) if !(0.0..=100.0).contains(&p) => {
            Err(Failure::usage(format!("--min-coverage {p} is not a percentage"), "use 0-100, e.g. --min-coverage 90"))
        }
        _ => Ok(()),
    }
}

/// Parsed `--fail-under` (as a minimum score) and `--fail-on`.
fn gate_threshold(args: &ScanArgs) -> Result<(Option<u8>, Option<Severity>), Failure> {
    let threshold = match &args.fail_under {
        None => None,
        Some(gate) => Some(match gate.trim().parse::<u8>() {
            Ok(n) if n <= 100 => n,
            _ => {
                palisade_core::Grade::from_str(gate).map_err(|e| Failure::usage(e, "use a grade A-F or a score 0-100, e.g. --fail-under B"))?.floor()
            }
        }),
    };
    let fail_on = match &args.fail_on {
        None => None,
        Some(s) => Some(Severity::from_str(s).map_err(|e| Failure::usage(e, "e.g. --fail-on high"))?),
    };
    Ok((threshold, fail_on))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_take_an_optional_role_prefix() {
        let ids = named_identities(&[
            "admin:root=Authorization: Bearer a-1".to_string(),
            "User:alice=Authorization: Bearer u-1".to_string(),
            "bob=Cookie: s=1".to_string(),
        ])
        .unwrap();
        assert_eq!(ids.keys().map(String::as_str).collect::<Vec<_>>(), ["admin:root", "bob", "user:alice"]);
        for bad in ["admin:=X: y", ":root=X: y", "a b:root=X: y", "admin:default=X: y", "admin:root=novalue"] {
            assert!(named_identities(&[bad.to_string()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn ca_certs_are_read_from_pem_or_der_and_bad_files_are_usage_errors() {
        use base64::Engine as _;
        let dir = tempfile::tempdir().unwrap();
        // Any DER SEQUENCE bytes stand in for a certificate: trust is judged later by the TLS check.
        let der = vec![0x30, 0x03, 0x02, 0x01, 0x01];
        let pem = format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", base64::engine::general_purpose::STANDARD.encode(&der));
        let (pem_path, der_path, bad_path) = (dir.path().join("ca.pem"), dir.path().join("ca.der"), dir.path().join("bad.txt"));
        std::fs::write(&pem_path, format!("{pem}{pem}")).unwrap();
        std::fs::write(&der_path, &der).unwrap();
        std::fs::write(&bad_path, "not a certificate").unwrap();
        assert_eq!(read_ca_certs(&pem_path).unwrap(), vec![der.clone(), der.clone()]);
        assert_eq!(read_ca_certs(&der_path).unwrap(), vec![der]);
        assert!(read_ca_certs(&bad_path).is_err());
        assert!(read_ca_certs(&dir.path().join("missing.pem")).is_err());
        let target = Url::parse("https://api.example.test/").unwrap();
        let args = ScanArgs { ca_certs: vec![pem_path], ..Default::default() };
        assert_eq!(engine_config(&args, &target).unwrap().extra_roots.len(), 2);
    }

    #[test]
    fn oob_flags_are_validated_together_and_ssrf_internal_is_off_by_default() {
        let with = |listen: Option<&str>, url: Option<&str>| ScanArgs {
            oob_listen: listen.map(str::to_string),
            oob_url: url.map(str::to_string),
            ..Default::default()
        };
        assert_eq!(oob_settings(&with(None, None)).unwrap(), (None, None));
        assert!(!with(None, None).ssrf_internal);
        let (listen, url) = oob_settings(&with(Some("0.0.0.0:8099"), Some("https://collab.example.test"))).unwrap();
        assert_eq!(listen, Some("0.0.0.0:8099".parse().unwrap()));
        assert_eq!(url.unwrap().as_str(), "https://collab.example.test/");
        for (listen, url, says) in [
            (Some("localhost:8099"), None, "invalid --oob-listen"),
            (Some("127.0.0.1"), None, "invalid --oob-listen"),
            (None, Some("https://collab.example.test/"), "needs --oob-listen with a fixed port"),
            (Some("127.0.0.1:0"), Some("https://collab.example.test/"), "needs --oob-listen with a fixed port"),
            (Some("127.0.0.1:8099"), Some("ftp://collab.example.test/"), "invalid --oob-url"),
            (Some("127.0.0.1:8099"), Some("https://u:p@collab.example.test/"), "invalid --oob-url"),
        ] {
            let e = oob_settings(&with(listen, url)).unwrap_err();
            assert_eq!(e.code, 2);
            assert!(e.message.contains(says), "{listen:?} {url:?}: {}", e.message);
        }
        let cfg: crate::config::ConfigFile =
            toml::from_str("[scan]\noob-listen = \"127.0.0.1:8099\"\noob-url = \"http://localhost:8099/\"\nssrf-internal = true\n").unwrap();
        let merged = crate::config::merge(ScanArgs::default(), cfg.scan);
        assert_eq!(merged.oob_listen.as_deref(), Some("127.0.0.1:8099"));
        assert!(merged.ssrf_internal);
        assert!(oob_settings(&merged).unwrap().1.is_some());
    }

    #[test]
    fn active_scans_need_the_targets_host_and_port() {
        let target = Url::parse("https://API.example.test/v1/").unwrap();
        let with = |active: bool, methods: &[&str], confirm: Option<&str>| ScanArgs {
            active,
            allow_methods: methods.iter().map(|m| m.to_string()).collect(),
            confirm_target: confirm.map(str::to_string),
            ..Default::default()
        };
        assert!(active_guard(&with(false, &[], None), &target).unwrap().is_none());
        assert!(active_guard(&with(false, &["get", "HEAD"], None), &target).unwrap().is_none());
        assert!(active_guard(&with(true, &[], None), &target).is_err());
        assert!(active_guard(&with(false, &["post"], None), &target).is_err());
        assert!(active_guard(&with(true, &[], Some("api.example.test:80")), &target).is_err());
        assert!(active_guard(&with(true, &[], Some("api.example.test")), &target).is_err());
        let warning = active_guard(&with(false, &["delete"], Some("api.example.test:443")), &target).unwrap().unwrap();
        assert!(warning.starts_with("warning: active scan of api.example.test:443") && warning.contains("DELETE"), "{warning}");
    }
}
