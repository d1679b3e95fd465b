//! Command-line interface definition.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "palisade", version, about = "Black-box API security scanner", long_about = None)]
#[command(
    after_help = "Exit codes: 0 scan done and gates passed; 1 a gate failed (--fail-under, --fail-on, --min-coverage);\n2 usage or configuration error; 3 target unreachable or scan aborted."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan an API.
    Scan(Box<ScanArgs>),
    /// List every rule (code, category, severity, title).
    Checks(ChecksArgs),
    /// Start the built-in vulnerable API on loopback and scan it.
    Demo(DemoArgs),
    /// Find secrets, PII and debug leaks in files, directories, logs, HAR captures or stdin (-).
    Detect(DetectCliArgs),
    /// Detector rules: `palisade rules check` verifies every rule against its examples.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Args, Debug, Default, Clone)]
pub struct OutputArgs {
    /// Output format: pretty, json, sarif, junit, markdown, html.
    #[arg(short, long)]
    pub format: Option<String>,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Do not show the progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Args, Debug, Default, Clone)]
pub struct ScanArgs {
    /// Base URL of the API, e.g. https://api.example.test/
    pub url: String,

    /// OpenAPI/Swagger document (file path or URL on the target).
    #[arg(long, value_name = "FILE|URL")]
    pub spec: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Only these rules or categories (comma-separated codes like DE001, or ids like data_exposure).
    #[arg(long, value_delimiter = ',')]
    pub checks: Vec<String>,

    /// Fail (exit 1) when the grade is below GRADE or the score below SCORE, e.g. B or 80.
    #[arg(long, value_name = "GRADE|SCORE")]
    pub fail_under: Option<String>,

    /// Fail (exit 1) when a finding at or above SEVERITY exists.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,

    /// Fail (exit 1) when the scan tested less than PERCENT of the API's operations (spec and
    /// undocumented; see the report's coverage line), e.g. 90.
    #[arg(long, value_name = "PERCENT")]
    pub min_coverage: Option<f64>,

    /// Suppress findings whose fingerprints are in FILE (a previous `-f json` report); gates and score ignore them.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// What the API handles: financial, medical, public, internal or general (changes weights).
    #[arg(long)]
    pub context: Option<String>,

    /// Configuration file (default: ./palisade.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Requests in flight at once [default: 8].
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Requests per second [default: 50].
    #[arg(long)]
    pub rate: Option<f64>,
    /// Per-request timeout in seconds [default: 10].
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Whole-scan time limit in seconds [default: 300].
    #[arg(long, value_name = "SECS")]
    pub max_time: Option<u64>,
    /// Most requests the scan may send [default: 20000: one crawl request per safe operation and identity for 5,000 operations, plus checks].
    #[arg(long)]
    pub max_requests: Option<u64>,
    /// Most response-body bytes read per request, after decompression [default: 2097152].
    #[arg(long, value_name = "BYTES")]
    pub max_body: Option<usize>,
    /// Largest spec accepted, fetched (--spec URL, well-known locations) or read from a file [default: 67108864, 64 MiB].
    #[arg(long, value_name = "BYTES")]
    pub max_spec_bytes: Option<usize>,
    /// Most operations crawled as each identity after the first (--identity), in priority order [default: 5000].
    #[arg(long, value_name = "N")]
    pub max_identity_requests: Option<usize>,
    /// Longest offline search for one HS256/384/512 JWT's secret (AU003), on all cores, in seconds [default: 3].
    #[arg(long, value_name = "SECS")]
    pub jwt_crack_time: Option<f64>,
    /// Prompts sent to each detected AI/LLM endpoint: quick (6), standard (12) or deep (19) [default: quick].
    #[arg(long, value_name = "quick|standard|deep")]
    pub llm_probes: Option<String>,
    /// Content discovery of paths the spec does not list (debug pages, logs, backups, admin): off, quick (≤ 120 requests) or standard (≤ 400) [default: standard].
    #[arg(long, value_name = "off|quick|standard")]
    pub discovery: Option<String>,

    /// Also allow this HTTP method (repeatable). Default scans send only GET, HEAD and OPTIONS.
    #[arg(long = "allow-method", value_name = "METHOD")]
    pub allow_methods: Vec<String>,
    /// Allow every method (active testing). Only against targets you own; needs --confirm-target.
    #[arg(long)]
    pub active: bool,
    /// Confirm the target of an active scan (--active, or --allow-method beyond GET/HEAD/OPTIONS):
    /// must equal the target URL's HOST:PORT, e.g. api.example.test:443.
    #[arg(long, value_name = "HOST:PORT")]
    pub confirm_target: Option<String>,
    /// Also allow requests to this origin (repeatable), e.g. https://auth.example.test
    #[arg(long = "scope", value_name = "URL")]
    pub scope: Vec<String>,
    /// Also trust this CA certificate (PEM or DER file, repeatable) when judging the target's TLS
    /// certificate (EN005) and in the HTTP client, e.g. an internal CA.
    #[arg(long = "ca-cert", value_name = "FILE")]
    pub ca_certs: Vec<PathBuf>,
    /// Where the SSRF canary listener binds, IP:PORT [default: 127.0.0.1:0, an ephemeral loopback port].
    #[arg(long = "oob-listen", value_name = "ADDR:PORT")]
    pub oob_listen: Option<String>,
    /// Externally reachable base URL that forwards to --oob-listen (a public collaborator or reverse
    /// proxy), embedded in SSRF payloads so remote targets can be probed; needs --oob-listen with a fixed port.
    #[arg(long = "oob-url", value_name = "URL")]
    pub oob_url: Option<String>,
    /// Also send internal-address SSRF payloads (cloud metadata, localhost variants, the target's
    /// other ports) to URL parameters (SS003). Off by default; only against targets you own.
    #[arg(long = "ssrf-internal")]
    pub ssrf_internal: bool,

    /// Extra request header 'Name: value' (repeatable). Values are never printed.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE", env = "PALISADE_HEADER", hide_env_values = true)]
    pub headers: Vec<String>,
    /// Bearer token for Authorization.
    #[arg(long, env = "PALISADE_BEARER", hide_env_values = true)]
    pub bearer: Option<String>,
    /// Basic credentials user:pass.
    #[arg(long, env = "PALISADE_BASIC", hide_env_values = true)]
    pub basic: Option<String>,
    /// Cookie header value.
    #[arg(long, env = "PALISADE_COOKIE", hide_env_values = true)]
    pub cookie: Option<String>,
    /// API key NAME=VALUE, sent as a header (or a query parameter with --api-key-in query).
    #[arg(long, env = "PALISADE_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Where the API key goes: header or query [default: header].
    #[arg(long, value_name = "header|query")]
    pub api_key_in: Option<String>,
    /// A named identity NAME='Header: value' or ROLE:NAME='Header: value' (repeatable; repeat a NAME to add headers).
    /// Two or more identities enable cross-user object access checks (BO002); an `admin:` identity and
    /// another role enable role-based function checks (BF003). Values are never printed.
    #[arg(long = "identity", value_name = "NAME='HEADER: VALUE'")]
    pub identities: Vec<String>,
    /// Refresh an identity whose session expires mid-scan: NAME='shell command' (repeatable; NAME is an
    /// --identity name, or `default` for --bearer/--api-key/...). Run with `sh -c` (10 s at most) when the
    /// identity's requests switch from success to 401/419/440; it must print one 'Header: value' line, which
    /// replaces that header, and the failed request is re-sent once (at most 3 refreshes per identity).
    /// The command gets PALISADE_IDENTITY (the identity's key) in its environment and no stdin.
    #[arg(long = "auth-command", value_name = "NAME='COMMAND'")]
    pub auth_commands: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ChecksArgs {
    /// Print the rule catalogue as Markdown (docs/rules.md).
    #[arg(long)]
    pub markdown: bool,
    /// Print the rules as JSON.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Only serve the demo API (until Ctrl-C) so other tools can be pointed at it.
    #[arg(long)]
    pub serve: bool,
    /// Serve/scan the hardened twin instead of the vulnerable API.
    #[arg(long)]
    pub hardened: bool,
    /// Port for --serve (default: an ephemeral port).
    #[arg(long)]
    pub port: Option<u16>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct DetectCliArgs {
    /// Files or directories (recursive, .gitignore respected, binaries skipped), or - for stdin.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Output format: pretty, json or sarif.
    #[arg(short, long, default_value = "pretty")]
    pub format: String,
    /// Write the findings to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above SEVERITY exists.
    #[arg(long, default_value = "low", value_name = "SEVERITY")]
    pub fail_on: String,
    /// Report only findings at or above SEVERITY.
    #[arg(long, default_value = "info", value_name = "SEVERITY")]
    pub min_severity: String,
    /// Only these kinds: secret, pii, debug, internal (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub kinds: Vec<String>,
    /// Suppress findings whose fingerprints are in FILE (a previous `-f json` output).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// Verify every detector rule against its positive and negative examples (and speed, in release builds).
    Check,
    /// List the detector rules.
    List,
}
