//! The `palisade` binary: argument parsing, configuration, and wiring of the
//! engine, checks, writers and demo. All logic lives in the library crates.

mod auth_command;
mod cli;
mod config;
mod detect;
mod detect_out;
mod memory;
mod progress;
mod scan;

use clap::{CommandFactory, Parser};
use cli::{Cli, Command};
use std::io::Write;
use std::process::ExitCode;

/// An error the user can act on: one line, a hint, and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Failure { code: 2, message: message.into(), hint: Some(hint.into()) }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        // `{:#}` prints the context chain on one line.
        Failure { code: 2, message: format!("{e:#}"), hint: None }
    }
}

fn main() -> ExitCode {
    memory::keep_large_buffers_out_of_the_heap();
    // reqwest is built without a crypto provider of its own: ring is the only one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(Failure { code: 3, message: format!("cannot start the runtime: {e}"), hint: None }),
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Scan(args) => scan::scan_command(*args).await,
            Command::Demo(args) => scan::demo_command(args).await,
            Command::Checks(args) => checks_command(args),
            Command::Detect(a) => detect::detect_command(detect::DetectArgs {
                paths: a.paths,
                format: a.format,
                output: a.output,
                fail_on: detect::parse_severity(&a.fail_on)?,
                min_severity: detect::parse_severity(&a.min_severity)?,
                kinds: detect::parse_kinds(&a.kinds)?,
                baseline: a.baseline,
            }),
            Command::Rules { command } => rules_command(command),
            Command::Completions { shell } => {
                clap_complete::generate(shell, &mut Cli::command(), "palisade", &mut std::io::stdout());
                Ok(0)
            }
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => fail(f),
    }
}

fn fail(f: Failure) -> ExitCode {
    let mut err = std::io::stderr();
    let _ = writeln!(err, "error: {}", f.message);
    if let Some(h) = f.hint {
        let _ = writeln!(err, "hint: {h}");
    }
    ExitCode::from(f.code)
}

fn checks_command(args: cli::ChecksArgs) -> Result<u8, Failure> {
    let rules = palisade_checks::RULES;
    let mut out = std::io::stdout().lock();
    if args.markdown {
        let _ = write!(out, "{}", palisade_report::rules_markdown(rules));
    } else if args.json {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(rules).map_err(|e| anyhow::anyhow!(e))?);
    } else {
        let _ = writeln!(out, "{:<6} {:<24} {:<9} TITLE", "CODE", "CATEGORY", "SEVERITY");
        let _ = writeln!(out, "{}", rule_lines(rules));
        let implemented = palisade_checks::implemented_categories();
        let _ = writeln!(out, "{} rules in {} of 12 categories.", rules.len(), implemented.len());
    }
    Ok(0)
}

fn rule_lines(rules: &[palisade_core::RuleMeta]) -> String {
    let mut lines = Vec::new();
    for r in rules {
        lines.push(format!("{:<6} {:<24} {:<9} {}", r.code, r.category.title(), r.default_severity.as_str(), r.title));
    }
    lines.join("\n")
}

fn rules_command(command: cli::RulesCommand) -> Result<u8, Failure> {
    let detector = palisade_detect::Detector::builtin();
    match command {
        cli::RulesCommand::List => {
            for r in detector.rules() {
                println!("{:<36} {:<9} {:<9} {}", r.id, r.kind.as_str(), r.severity.as_str(), r.name);
            }
            println!("{} rules.", detector.rules().len());
            Ok(0)
        }
        cli::RulesCommand::Check => {
            let failures = detector.check_rules();
            for f in &failures {
                println!("FAIL {f}");
            }
            let n = detector.rules().len();
            println!("{} rules checked, {} failed.", n, failures.len());
            Ok(if failures.is_empty() { 0 } else { 1 })
        }
    }
}
