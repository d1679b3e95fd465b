//! `palisade scan` and `palisade demo`.

use crate::cli::{DemoArgs, OutputArgs, ScanArgs};
use crate::{config, progress, Failure};
use palisade_core::{Category, Context, Report, Severity};
use palisade_engine::{run_scan, ScanError, ScanOptions, SpecInput};
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
    let engine = engine_config(args, &target)?;
    let spec = match &args.spec {
        None => None,
        Some(s) if s.starts_with("http://") || s.starts_with("https://") => {
            let url = Url::parse(s).map_err(|e| Failure::usage(format!("invalid --spec URL: {e}"), "give a full URL or a file path"))?;
            Some(SpecInput::Url(url))
        }
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| Failure::usage(format!("cannot read spec file {path}: {e}"), "check the --spec path"))?;
            Some(SpecInput::Bytes { bytes, source: path.clone() })
        }
    };
    let (categories, selected_rules) = selection(&args.checks)?;
    let checks = palisade_checks::active_checks(categories.as_deref());
    let passive = palisade_checks::passive_checks(categories.as_deref());

    let opts = ScanOptions {
        target,
        spec,
        context,
        engine,
        selected_rules,
        crawl_limit: 200,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let show_progress = !args.output.no_progress;
    let consumer = tokio::spawn(progress::consume(rx, show_progress));
    let detector = palisade_detect::Detector::builtin();
    let redact = |s: &str| detector.redact(s);
    let result = run_scan(opts, checks, passive, Some(tx), &redact).await;
    let _ = consumer.await;
    result.map_err(|e| match e {
        ScanError::Unreachable(m) => Failure {
            code: 3,
            message: format!("target unreachable: {m}"),
            hint: Some("check the URL, that the API is running, and --timeout".into()),
        },
        ScanError::Spec(m) => Failure::usage(format!("could not load the spec: {m}"), "pass a valid OpenAPI 3.x or Swagger 2.0 document"),
        ScanError::Config(m) => Failure::usage(m, "see palisade scan --help"),
    })
}

fn parse_target(s: &str) -> Result<Url, Failure> {
    let url = Url::parse(s).map_err(|e| Failure::usage(format!("invalid target URL '{s}': {e}"), "give a full URL such as https://api.example.test/"))?;
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
        let u = Url::parse(s).map_err(|e| Failure::usage(format!("invalid --scope '{s}': {e}"), "give an origin such as https://auth.example.test"))?;
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
        if !(r > 0.0) {
            return Err(Failure::usage("--rate must be above 0", "e.g. --rate 20"));
        }
        cfg.rate_per_sec = r;
    }
    if let Some(t) = args.timeout {
        cfg.request_timeout = Duration::from_secs(t.max(1));
    }
    cfg.max_time = Some(Duration::from_secs(args.max_time.unwrap_or(300).max(1)));
    cfg.max_requests = Some(args.max_requests.unwrap_or(5000));
    if let Some(b) = args.max_body {
        cfg.max_body_bytes = b.max(1024);
    }
    Ok(cfg)
}

/// `--identity NAME='Header: value'`, grouped by name (a repeated name adds headers).
fn named_identities(specs: &[String]) -> Result<BTreeMap<String, Credentials>, Failure> {
    let mut out: BTreeMap<String, Credentials> = BTreeMap::new();
    for spec in specs {
        let usage = || Failure::usage("invalid --identity (expected NAME='Header: value')", "e.g. --identity alice='Authorization: Bearer $ALICE_TOKEN'");
        let (name, header) = spec.split_once('=').ok_or_else(usage)?;
        let name = name.trim();
        let (h, v) = header.split_once(':').ok_or_else(usage)?;
        if name.is_empty() || name == "default" || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            return Err(Failure::usage(
                format!("invalid identity name '{name}'"),
                "use letters, digits, '-', '_' or '.' (and not 'default', which --bearer/--header set)",
            ));
        }
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
        let (name, value) = h
            .split_once(':')
            .ok_or_else(|| Failure::usage("invalid --header (expected 'Name: value')", "e.g. -H 'X-Tenant: acme'"))?;
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
        let (name, value) = kv
            .split_once('=')
            .ok_or_else(|| Failure::usage("invalid --api-key (expected NAME=VALUE)", "e.g. --api-key X-API-Key=$KEY"))?;
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
        Some(f) => Format::from_str(f).map_err(|_| Failure::usage(format!("unknown format '{f}'"), "use pretty, json, sarif, junit, markdown or html"))?,
        None => Format::Pretty,
    };
    let to_terminal = out.output.is_none() && std::io::stdout().is_terminal();
    let color = format == Format::Pretty && to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let opts = WriteOptions { color, max_findings_pretty: None };
    let rendered = palisade_report::render_to_string(format, report, palisade_checks::RULES, &opts)
        .map_err(|e| Failure { code: 2, message: format!("cannot render the report: {e}"), hint: None })?;
    match &out.output {
        Some(path) => std::fs::write(path, rendered)
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display()), "check the --output path"))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(rendered.as_bytes());
        }
    }
    Ok(())
}

/// Exit code from the gates, then scan health.
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
    if failed {
        return Ok(1);
    }
    if report.health.is_degraded() {
        let why = report.health.aborted.clone().unwrap_or_else(|| "most requests failed".into());
        eprintln!("scan incomplete: {why}");
        return Ok(3);
    }
    Ok(0)
}

/// Parsed `--fail-under` (as a minimum score) and `--fail-on`.
fn gate_threshold(args: &ScanArgs) -> Result<(Option<u8>, Option<Severity>), Failure> {
    let threshold = match &args.fail_under {
        None => None,
        Some(gate) => Some(match gate.trim().parse::<u8>() {
            Ok(n) if n <= 100 => n,
            _ => palisade_core::Grade::from_str(gate)
                .map_err(|e| Failure::usage(e, "use a grade A-F or a score 0-100, e.g. --fail-under B"))?
                .floor(),
        }),
    };
    let fail_on = match &args.fail_on {
        None => None,
        Some(s) => Some(Severity::from_str(s).map_err(|e| Failure::usage(e, "e.g. --fail-on high"))?),
    };
    Ok((threshold, fail_on))
}
