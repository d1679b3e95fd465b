//! `--auth-command 'NAME=shell command'`: refresh an identity's credential
//! when its session expires mid-scan.
//!
//! The HTTP engine notices the switch from success to 401/419/440 and asks a
//! [`CredentialRefresher`]; this is the binary's one: it runs the command with
//! `sh -c` (no stdin, at most [`COMMAND_TIMEOUT`], killed when late), and its
//! stdout must be exactly one `Header: value` line. The library never spawns
//! processes itself.

use crate::Failure;
use palisade_http::refresh::{parse_header_line, FreshHeader};
use palisade_http::CredentialRefresher;
use std::future::Future;
use std::pin::Pin;
use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

/// Longest an auth command may run.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);
/// Most stdout bytes read from an auth command.
const MAX_OUTPUT: usize = 64 * 1024;

/// The configured commands, and what they did (for the end-of-scan summary).
pub struct AuthCommands {
    /// (identity name as given, command).
    commands: Vec<(String, String)>,
    /// (identity, Ok(()) or the error), in order.
    runs: Mutex<Vec<(String, Result<(), String>)>>,
}

/// True when identity key `key` (`alice`, `user:alice`, `default`) is called `name`.
fn names(key: &str, name: &str) -> bool {
    key == name || key.rsplit_once(':').is_some_and(|(_, n)| n == name)
}

impl AuthCommands {
    /// Parse `NAME=command` values; every NAME must be a configured identity
    /// (`default` for the --bearer/--api-key/... credentials).
    pub fn parse<'a>(specs: &[String], identities: impl Iterator<Item = &'a String> + Clone) -> Result<Option<AuthCommands>, Failure> {
        if specs.is_empty() {
            return Ok(None);
        }
        let hint = "e.g. --identity alice='Authorization: Bearer …' --auth-command 'alice=./get-token.sh alice' (the command prints one `Header: value` line)";
        let mut commands = Vec::new();
        for spec in specs {
            let Some((name, command)) = spec.split_once('=') else {
                return Err(Failure::usage("invalid --auth-command (expected NAME='shell command')", hint));
            };
            let (name, command) = (name.trim(), command.trim());
            if name.is_empty() || command.is_empty() {
                return Err(Failure::usage("invalid --auth-command (expected NAME='shell command')", hint));
            }
            if !identities.clone().any(|k| names(k, name)) {
                let shown: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
                return Err(Failure::usage(format!("--auth-command names identity '{shown}', which is not configured"), hint));
            }
            if commands.iter().any(|(n, _)| n == name) {
                return Err(Failure::usage(format!("--auth-command given twice for identity '{name}'"), hint));
            }
            commands.push((name.to_string(), command.to_string()));
        }
        Ok(Some(AuthCommands { commands, runs: Mutex::new(Vec::new()) }))
    }

    fn command_for(&self, identity: &str) -> Option<&str> {
        self.commands.iter().find(|(n, _)| names(identity, n)).map(|(_, c)| c.as_str())
    }

    /// One line per identity for stderr after the scan; failures are warnings.
    pub fn summary(&self) -> Vec<String> {
        let runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        for (name, _) in &self.commands {
            let mine: Vec<&Result<(), String>> = runs.iter().filter(|(i, _)| names(i, name)).map(|(_, r)| r).collect();
            let ok = mine.iter().filter(|r| r.is_ok()).count();
            if ok > 0 {
                out.push(format!("note: credentials of identity '{name}' refreshed {ok} time(s) by --auth-command"));
            }
            for err in mine.iter().filter_map(|r| r.as_ref().err()) {
                out.push(format!("warning: --auth-command for identity '{name}' failed: {err}"));
            }
        }
        out
    }
}

/// Run `command` with `sh -c` and read one `Header: value` line from it.
pub async fn run_command(command: &str, identity: &str) -> Result<FreshHeader, String> {
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("PALISADE_IDENTITY", identity)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start `sh -c`: {e}"))?;
    let output = match tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output()).await {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => return Err(format!("cannot read its output: {e}")),
        Err(_) => return Err(format!("did not finish within {} s (stopped)", COMMAND_TIMEOUT.as_secs())),
    };
    if !output.status.success() {
        return Err(match output.status.code() {
            Some(c) => format!("exited with status {c}"),
            None => "was killed by a signal".to_string(),
        });
    }
    if output.stdout.len() > MAX_OUTPUT {
        return Err(format!("printed more than {MAX_OUTPUT} bytes (expected one `Header: value` line)"));
    }
    let text = String::from_utf8(output.stdout).map_err(|_| "printed output that is not UTF-8".to_string())?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    match lines.as_slice() {
        [line] => parse_header_line(line).map_err(|e| format!("printed an invalid line: {e}")),
        _ => Err(format!("printed {} non-empty lines (expected one `Header: value` line)", lines.len())),
    }
}

impl CredentialRefresher for AuthCommands {
    fn covers(&self, identity: &str) -> bool {
        self.command_for(identity).is_some()
    }

    fn refresh<'a>(&'a self, identity: &'a str) -> Pin<Box<dyn Future<Output = Result<FreshHeader, String>> + Send + 'a>> {
        Box::pin(async move {
            let command = self.command_for(identity).ok_or_else(|| format!("no --auth-command for identity '{identity}'"))?;
            let result = run_command(command, identity).await;
            self.runs.lock().unwrap_or_else(|e| e.into_inner()).push((identity.to_string(), result.as_ref().map(|_| ()).map_err(Clone::clone)));
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_must_be_configured_identities() {
        let keys = ids(&["default", "user:alice"]);
        let ok = AuthCommands::parse(&ids(&["alice=echo x", "default=echo y"]), keys.iter()).unwrap().unwrap();
        assert!(ok.covers("user:alice") && ok.covers("default") && !ok.covers("bob"));
        for bad in ["bob=echo", "alice=", "=echo", "noequals", "alice=a"] {
            let specs = if bad == "alice=a" { ids(&["alice=a", "alice=b"]) } else { ids(&[bad]) };
            assert!(AuthCommands::parse(&specs, keys.iter()).is_err(), "{bad}");
        }
        assert!(AuthCommands::parse(&[], keys.iter()).unwrap().is_none());
    }

    #[tokio::test]
    async fn commands_must_print_one_header_line_in_time() {
        assert_eq!(run_command("printf 'Authorization: Bearer t1\\n'", "a").await.unwrap(), ("Authorization".into(), "Bearer t1".into()));
        assert!(run_command("exit 3", "a").await.unwrap_err().contains("status 3"));
        assert!(run_command("echo one: 1; echo two: 2", "a").await.unwrap_err().contains("2 non-empty lines"));
        assert!(run_command("echo not-a-header", "a").await.unwrap_err().contains("invalid line"));
        let err = run_command("echo 'X-Token: secret-value-123' | cut -c1-3", "a").await.unwrap_err();
        assert!(!err.contains("secret-value-123"), "{err}");
    }
}
