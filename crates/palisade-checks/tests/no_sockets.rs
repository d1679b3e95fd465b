//! `palisade-http` is the only crate that touches the network: no check may
//! open a socket, speak TLS or parse certificates itself (TLS inspection goes
//! through `Engine::tls_probe`, certificate facts through
//! `palisade_http::tls::cert`), or its connections would escape the scope,
//! budgets, rate limit, timeouts, health counters and exchange log.
//!
//! Walks every `.rs` file under `crates/palisade-checks/src` and fails on any
//! mention of a socket or TLS API in code. Comments (line, block, doc) are
//! ignored, so documentation may name what it does not use; string literals
//! count as code. A name matches where it starts an identifier or path
//! (`tokio::net::TcpStream`, `use rustls::...`, `x509_parser::`), whatever follows.

use std::path::{Path, PathBuf};

const FORBIDDEN: &[&str] = &["TcpStream", "UdpSocket", "TcpListener", "tokio::net", "std::net::Tcp", "rustls", "x509_parser", "tokio_rustls"];

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `source` with every comment replaced by spaces (newlines kept, so line
/// numbers stay right). Strings, raw strings, byte strings and char literals
/// are kept as they are, and comment markers inside them are not comments.
fn strip_comments(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev_ident = i > 0 && is_ident(chars[i - 1]);
        match (c, next) {
            ('/', Some('/')) => {
                while i < chars.len() && chars[i] != '\n' {
                    out.push(' ');
                    i += 1;
                }
            }
            ('/', Some('*')) => {
                let mut depth = 0usize;
                while i < chars.len() {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        out.push_str("  ");
                        i += 2;
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        out.push_str("  ");
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        out.push(blank(chars[i]));
                        i += 1;
                    }
                }
            }
            ('"', _) => {
                out.push('"');
                i += 1;
                while i < chars.len() {
                    out.push(chars[i]);
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        out.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    if chars[i - 1] == '"' {
                        break;
                    }
                }
            }
            // Raw strings: r"..", r#".."#, br#".."#.
            ('r', Some('"' | '#')) if !prev_ident || (i >= 1 && chars[i - 1] == 'b' && (i < 2 || !is_ident(chars[i - 2]))) => {
                let mut j = i + 1;
                let mut hashes = 0;
                while chars.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if chars.get(j) != Some(&'"') {
                    out.push(c);
                    i += 1;
                    continue;
                }
                let closing: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
                let body_start = j + 1;
                let rest: String = chars[body_start..].iter().collect();
                let end = rest.find(&closing).map_or(chars.len(), |at| body_start + rest[..at].chars().count() + closing.chars().count());
                out.extend(&chars[i..end]);
                i = end;
            }
            // Char literals ('"', '\'', '\u{..}'); a lone quote is a lifetime.
            ('\'', Some('\\')) => {
                // Past the backslash and the escaped character (which may be a quote).
                let mut j = i + 3;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                let end = (j + 1).min(chars.len());
                out.extend(&chars[i..end]);
                i = end;
            }
            ('\'', Some(_)) if chars.get(i + 2) == Some(&'\'') => {
                out.extend(&chars[i..i + 3]);
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// `(line, name)` of every forbidden name in `code` (comments already stripped).
fn mentions(code: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        for name in FORBIDDEN {
            let mut from = 0;
            while let Some(at) = line[from..].find(name) {
                let start = from + at;
                if !line[..start].chars().next_back().is_some_and(is_ident) {
                    found.push((n + 1, *name));
                }
                from = start + name.len();
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_check_opens_a_socket_or_speaks_tls_itself() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "only {} files under {}", files.len(), src.display());
    assert!(files.iter().any(|f| f.ends_with("checks/encryption/tls.rs")), "the TLS check is scanned");
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (line, name) in mentions(&strip_comments(&text)) {
            offences.push(format!("{}:{line}: {name}", file.strip_prefix(&src).unwrap_or(file).display()));
        }
    }
    assert!(
        offences.is_empty(),
        "palisade-checks must reach the network only through palisade-http (Engine::send, Engine::tls_probe):\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_scanner_sees_code_and_skips_comments() {
    let flagged = |src: &str| mentions(&strip_comments(src)).into_iter().map(|(_, n)| n).collect::<Vec<_>>();
    assert_eq!(flagged("use tokio::net::TcpStream;"), ["TcpStream", "tokio::net"]);
    assert_eq!(flagged("let s = std::net::TcpListener::bind(a);"), ["TcpListener", "std::net::Tcp"]);
    assert_eq!(flagged("use tokio_rustls::TlsConnector;"), ["tokio_rustls"]);
    assert_eq!(flagged("let (_, c) = x509_parser::parse_x509_certificate(d)?;"), ["x509_parser"]);
    assert_eq!(flagged("rustls::ClientConfig::builder()"), ["rustls"]);
    // Comments of every kind are not code.
    assert!(flagged("// a TcpStream\n/// rustls cannot offer TLS 1.0\n//! x509_parser\nfn f() {}").is_empty());
    assert!(flagged("/* outer /* nested TcpStream */ still a comment: rustls */ fn f() {}").is_empty());
    // Comment markers inside strings and char literals do not hide code.
    assert_eq!(flagged(r#"let u = "http://x"; let s: TcpStream;"#), ["TcpStream"]);
    assert_eq!(flagged("let q = '\"'; let s: UdpSocket; // \"TcpListener"), ["UdpSocket"]);
    assert_eq!(flagged("let r = r#\"/* \"# ; use rustls;"), ["rustls"]);
    assert_eq!(flagged("fn f<'a>(x: &'a str) { let c = '\\''; } // rustls"), Vec::<&str>::new());
    // Other identifiers that merely contain a name are not mentions of it.
    assert!(flagged("let untrustls_ok = 1; struct MyTcpStreamLike;").is_empty());
    // Line numbers survive stripping.
    assert_eq!(mentions(&strip_comments("/* a\nb */\n// c\nuse rustls;")), [(4, "rustls")]);
}
