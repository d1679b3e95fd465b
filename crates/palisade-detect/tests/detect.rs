//! The detector on realistic API traffic: JSON responses, error pages, logs
//! and .env files, plus redaction, streaming and robustness.

use palisade_core::{Confidence, Context, Severity};
use palisade_detect::{DetectError, Detector, Kind, Match, ScanOptions, StreamScanner};
use proptest::prelude::*;

fn scan(text: &str) -> Vec<Match> {
    Detector::builtin().scan(text.as_bytes())
}

fn ids(matches: &[Match]) -> Vec<&str> {
    matches.iter().map(|m| m.rule_id.as_str()).collect()
}

fn span<'a>(text: &'a str, m: &Match) -> &'a str {
    &text[m.start..m.end]
}

// 64 hex chars as produced by `os.urandom(32).hex()`.
const SEED_KEY: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

#[test]
fn seed_flask_key_response_is_found_with_key_context() {
    let body = format!(r#"{{"key": "{SEED_KEY}", "key_id": "ak_live_abc123", "message": "Key created successfully"}}"#);
    let found = scan(&body);
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0];
    assert_eq!(m.rule_id, "generic-secret-by-context");
    assert_eq!(m.kind, Kind::Secret);
    assert_eq!(m.context.as_deref(), Some("key"));
    assert_eq!(span(&body, m), SEED_KEY);
    assert_eq!(m.masked, "9f86…0a08");
    assert_eq!((m.line, m.column), (1, 10));
    assert!(!format!("{m:?}").contains(SEED_KEY));
}

#[test]
fn seed_remediated_response_is_clean() {
    assert!(scan(r#"{"key_id": "ak_live_abc123", "message": "Key created"}"#).is_empty());
}

#[test]
fn provider_rule_beats_generic_context_on_same_span() {
    let body = r#"{"api_key": "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "user": {"id": 7}}"#;
    let found = scan(body);
    assert_eq!(ids(&found), ["stripe-secret-key"]);
    assert_eq!(found[0].severity, Severity::Critical);
}

#[test]
fn json_api_response_with_many_exposures() {
    let body = r#"{
  "user": {"id": 42, "email": "maria.lopez@globex-mail.com", "phone": "+1 415 555 0198", "date_of_birth": "1984-11-02"},
  "billing": {"card_number": "4556 7375 8689 9855", "iban": "GB82 WEST 1234 5698 7654 32"},
  "integrations": {"github_token": "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", "slack": "https://hooks.slack.com/services/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"},
  "debug": {"db": "postgres://api:S3cr3tPassw0rd9@orders-db.prod.internal:5432/orders", "upstream": "10.20.30.40"}
}"#;
    let found = scan(body);
    let got = ids(&found);
    for want in [
        "email-address",
        "phone-number",
        "date-of-birth",
        "payment-card-number",
        "iban",
        "github-pat",
        "slack-webhook-url",
        "postgres-url-password",
        "internal-hostname",
        "private-ip-address",
    ] {
        assert!(got.contains(&want), "missing {want} in {got:?}");
    }
    let pg = found.iter().find(|m| m.rule_id == "postgres-url-password").unwrap();
    assert_eq!(span(body, pg), "S3cr3tPassw0rd9");
    assert_eq!(pg.line, 5);
    // Sorted by start and non-overlapping.
    assert!(found.windows(2).all(|w| w[0].end <= w[1].start));
}

#[test]
fn werkzeug_debugger_page_is_critical() {
    let page = r#"<!doctype html>
<html lang=en>
  <head>
    <title>KeyError: 'X-API-Key' // Werkzeug Debugger</title>
    <link rel="stylesheet" href="?__debugger__=yes&amp;cmd=resource&amp;f=style.css">
    <script src="?__debugger__=yes&amp;cmd=resource&amp;f=debugger.js"></script>
  </head>
  <body style="background-color: #fff">
    <div class="debugger">
<h1>KeyError</h1>
<div class="traceback">
  <h3>Traceback <em>(most recent call last)</em></h3>
  <pre>Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/flask/app.py", line 1498, in __call__
  File "/app/api/resources.py", line 14, in get_resource
    api_key = request.headers["X-API-Key"]</pre>
</div>
<div class="footer">Brought to you by <strong class="arthur">DON'T PANIC</strong>, your friendly Werkzeug powered traceback interpreter.</div>
<div class="pin-prompt"><div class="inner"><h3>Console Locked</h3><p>The console is locked and needs to be unlocked by entering the PIN.</p></div></div>
</body></html>"#;
    let found = scan(page);
    let werkzeug: Vec<&Match> = found.iter().filter(|m| m.rule_id == "werkzeug-debugger").collect();
    assert!(werkzeug.len() >= 3, "{found:?}");
    assert!(werkzeug.iter().all(|m| m.severity == Severity::Critical && m.context.as_deref() == Some("werkzeug-debugger")));
    let got = ids(&found);
    for want in ["python-traceback", "flask-debug-mode", "server-file-path"] {
        assert!(got.contains(&want), "missing {want} in {got:?}");
    }
    // Debug and internal matches do not compete: the framework frame is both
    // a flask-debug-mode leak and a server path.
    let paths: Vec<&str> = found.iter().filter(|m| m.rule_id == "server-file-path").map(|m| m.masked.as_str()).collect();
    assert!(paths.contains(&"/app/api/resources.py"), "{paths:?}");
    assert!(paths.contains(&"/usr/local/lib/python3.12/site-packages/flask/app.py"), "{paths:?}");
}

#[test]
fn django_debug_page_and_sql_error() {
    let page = "<title>ProgrammingError at /api/keys/</title>\n<pre class=\"exception_value\">relation &quot;keys&quot; does not exist</pre>\n<p>psycopg2.errors.UndefinedTable: relation \"api_keys\" does not exist</p>\n<p>\n      You&#x27;re seeing this error because you have <code>DEBUG = True</code> in\n      your Django settings file.</p>";
    let found = scan(page);
    let got = ids(&found);
    assert!(got.contains(&"django-debug-page"), "{got:?}");
    assert!(got.contains(&"postgres-error"), "{got:?}");
    let dj = found.iter().find(|m| m.rule_id == "django-debug-page").unwrap();
    assert_eq!(dj.kind, Kind::Debug);
    assert_eq!(dj.line, 5);
}

#[test]
fn stack_traces_of_other_frameworks() {
    let cases = [
        ("java.lang.IllegalStateException: boom\n\tat com.acme.keys.KeyService.issue(KeyService.java:88)\n", "java-stack-trace"),
        ("<h1>Whitelabel Error Page</h1><div>There was an unexpected error (type=Internal Server Error, status=500).</div>", "spring-whitelabel-error"),
        ("<h1>Server Error in '/' Application.</h1>", "dotnet-yellow-screen"),
        (r"   at Api.KeysController.Get() in C:\build\Api\KeysController.cs:line 31", "dotnet-stack-frame"),
        ("Error: boom\n    at Object.<anonymous> (/srv/api/index.js:10:11)\n", "node-stack-frame"),
        ("<b>Fatal error</b>:  Uncaught PDOException: could not find driver in /var/www/html/db.php:12\nStack trace:\n#0 /var/www/html/db.php(12): PDO-&gt;__construct()", "php-stack-trace"),
        ("app/models/key.rb:17:in `rotate!'", "ruby-stack-frame"),
        ("panic: assignment to entry in nil map\n\ngoroutine 1 [running]:\nmain.main()\n", "go-panic"),
        ("You have an error in your SQL syntax; check the manual", "mysql-error"),
        ("sqlite3.OperationalError: no such column: keyz", "sqlite-error"),
        ("ORA-00942: table or view does not exist", "oracle-error"),
        ("Unclosed quotation mark after the character string 'abc'.", "mssql-error"),
    ];
    for (text, rule) in cases {
        let got = scan(text);
        assert!(got.iter().any(|m| m.rule_id == rule), "{rule} not found in {text:?}: {:?}", ids(&got));
    }
}

#[test]
fn log_lines_and_env_file() {
    let log = "\
203.0.113.5 - - [12/Mar/2024:10:00:01 +0000] \"GET /v1/me?api_key=Zx81kQ0pLmN3vB7cT5rY2wE9 HTTP/1.1\" 200 512
2024-03-12T10:00:02Z INFO  auth header Authorization: Bearer aK9fP2mX7qL4vB8nR3tY6wZ1cD5e
2024-03-12T10:00:03Z ERROR upstream 172.16.4.20 refused; retrying orders.svc.cluster.local
";
    let found = scan(log);
    let q = found.iter().find(|m| m.rule_id == "generic-secret-by-context").expect("query key");
    assert_eq!(span(log, q), "Zx81kQ0pLmN3vB7cT5rY2wE9");
    assert_eq!(q.context.as_deref(), Some("api_key"));
    assert_eq!(q.line, 1);
    let bearer = found.iter().find(|m| m.rule_id == "http-bearer-token").expect("bearer");
    assert_eq!(bearer.line, 2);
    assert!(ids(&found).contains(&"private-ip-address"));

    let env = "\
# production settings
AWS_ACCESS_KEY_ID=AKIAZ3MSJV4WWNKWVNJ6
AWS_SECRET_ACCESS_KEY=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
DB_PASSWORD=hunter2-prod!
OPENAI_API_KEY=sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0T3BlbkFJu1V2w3X4y5Z6a7B8c9D0e1F2g3H4
";
    let found = scan(env);
    let got = ids(&found);
    for want in ["aws-access-key-id", "aws-secret-access-key", "password-in-field", "openai-api-key"] {
        assert!(got.contains(&want), "missing {want} in {got:?}");
    }
    let pair = found.iter().find(|m| m.rule_id == "aws-secret-access-key").unwrap();
    assert_eq!(pair.confidence, Confidence::High, "AKIA id nearby makes a pair");
    assert_eq!(pair.line, 3);
    let pw = found.iter().find(|m| m.rule_id == "password-in-field").unwrap();
    assert_eq!(pw.severity, Severity::Medium);
}

#[test]
fn jwt_reports_algorithm_and_sensitive_claims() {
    // {"alg":"none","typ":"JWT"} . {"sub":"1","email":"a@b.io","role":"admin"} . (empty)
    let token = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwiZW1haWwiOiJhQGIuaW8iLCJyb2xlIjoiYWRtaW4ifQ.";
    let body = format!(r#"{{"id_token": "{token}"}}"#);
    let found = scan(&body);
    let jwt = found.iter().find(|m| m.rule_id == "jwt").expect("jwt");
    let ctx = jwt.context.as_deref().unwrap();
    assert!(ctx.contains("alg=none") && ctx.contains("email") && ctx.contains("role"), "{ctx}");
    assert_eq!(jwt.severity, Severity::High);
}

#[test]
fn precision_negatives_stay_silent() {
    let quiet = [
        r#"{"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}"#,
        r#"{"api_key": "YOUR_API_KEY", "token": "<token>", "secret": "${TOKEN}", "password": "changeme"}"#,
        r#"{"client_secret": "redacted", "api_key": "****", "stripe": "sk_live_****4242", "key": "abcd…wxyz"}"#,
        r#"{"key_id": "ak_live_abc123", "request_id": "550e8400-e29b-41d4-a716-446655440000"}"#,
        r#"{"sha": "3f786850e387550fdab836ed7e6dc881de23001b", "commit": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", "etag": "W/\"5d41402abc4b2a76b9719d911017c592\"", "integrity": "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="}"#,
        r#"<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">"#,
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA8xK2 deploy@ci\n-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----",
        r#"{"password": "", "new_password": "********", "token": "xxxxxxxxxxxxxxxxxxxxxxxx"}"#,
    ];
    for text in quiet {
        let secrets: Vec<Match> = scan(text).into_iter().filter(|m| m.kind == Kind::Secret).collect();
        assert!(secrets.is_empty(), "false positive in {text:?}: {secrets:?}");
    }
}

#[test]
fn pem_private_key_in_json_is_found() {
    let body = r#"{"private_key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naFDrBz9vFqU4yU8sUvT5vJ2p7Q3kN8jH1mL6wR0tY9cX4bZ2aE7gF5hI3jK1lM0n\n-----END RSA PRIVATE KEY-----\n"}"#;
    let found = scan(body);
    let pem = found.iter().find(|m| m.rule_id == "pem-private-key").expect("pem");
    assert_eq!(pem.context.as_deref(), Some("RSA PRIVATE KEY"));
    assert!(span(body, pem).starts_with("MIIEow"));
}

#[test]
fn redact_removes_every_planted_secret() {
    let planted = [
        SEED_KEY,
        "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",
        "S3cr3tPassw0rd9",
        "maria.lopez@globex-mail.com",
        "4556 7375 8689 9855",
        "xoxb-263594206564-2343594206574-aB3dE5gH7jK9mN1pQ3sT5vW7",
    ];
    let text = format!(
        "{{\"key\": \"{}\", \"gh\": \"{}\"}}\nDATABASE_URL=postgres://api:{}@db:5432/x\ncontact {} card {}\nSLACK={}\n",
        planted[0], planted[1], planted[2], planted[3], planted[4], planted[5]
    );
    let red = Detector::builtin().redact(&text);
    for p in planted {
        assert!(!red.contains(p), "{p} survived redaction: {red}");
    }
    assert!(red.contains("9f86…0a08"), "{red}");
    assert!(red.contains("DATABASE_URL=postgres://api:"), "non-secret text kept: {red}");
}

#[test]
fn scan_with_filters_kinds_and_raises_pii_for_medical() {
    let body = r#"{"email": "p.jones@clinic-mail.org", "token": "Zx81kQ0pLmN3vB7cT5rY2wE9", "note": "Traceback (most recent call last):"}"#;
    let d = Detector::builtin();
    let only_pii = d.scan_with(body.as_bytes(), &ScanOptions { kinds: Some(vec![Kind::Pii]), ..ScanOptions::default() });
    assert_eq!(ids(&only_pii), ["email-address"]);
    assert_eq!(only_pii[0].severity, Severity::Low);
    let medical = d.scan_with(body.as_bytes(), &ScanOptions { context: Context::Medical, ..ScanOptions::default() });
    let email = medical.iter().find(|m| m.kind == Kind::Pii).unwrap();
    assert_eq!(email.severity, Severity::Medium);
    let high = d.scan_with(body.as_bytes(), &ScanOptions { min_severity: Severity::High, ..ScanOptions::default() });
    assert!(high.iter().all(|m| m.severity >= Severity::High) && !high.is_empty());
    assert!(!ids(&high).contains(&"email-address"));
}

#[test]
fn stream_scanner_finds_secret_split_across_chunks_once() {
    let d = Detector::builtin();
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!("2024-03-12T10:00:00Z INFO request {i} served in 3ms\n"));
    }
    let secret_line = text.matches('\n').count() + 1;
    text.push_str("config dump: {\"stripe_key\": \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"}\n");
    for i in 0..20_000 {
        text.push_str(&format!("2024-03-12T10:00:01Z INFO request {i} served in 4ms\n"));
    }
    let bytes = text.as_bytes();
    let secret_at = text.find("sk_live_").unwrap();
    let whole = d.scan(bytes);
    assert_eq!(whole.len(), 1);
    // Cut right through the middle of the key, with chunk sizes from tiny to large.
    for chunk in [4096usize, 65_536, 1 << 20] {
        let mut s = StreamScanner::new(d);
        let mut found = Vec::new();
        let mut pos = 0;
        let first_cut = secret_at + 10;
        found.extend(s.feed(&bytes[..first_cut]));
        pos = pos.max(first_cut);
        while pos < bytes.len() {
            let end = (pos + chunk).min(bytes.len());
            found.extend(s.feed(&bytes[pos..end]));
            pos = end;
        }
        found.extend(s.finish());
        assert_eq!(found.len(), 1, "chunk {chunk}: {found:?}");
        assert_eq!(found[0].rule_id, "stripe-secret-key");
        assert_eq!((found[0].start, found[0].end), (whole[0].start, whole[0].end));
        assert_eq!(found[0].line, secret_line);
        assert_eq!(found[0].column, whole[0].column);
    }
}

#[test]
fn stream_scanner_memory_stays_flat() {
    let d = Detector::builtin();
    let mut s = StreamScanner::new(d);
    let chunk = vec![b'a'; 1 << 20];
    let mut total = 0;
    for _ in 0..16 {
        total += s.feed(&chunk).len();
    }
    total += s.finish().len();
    assert_eq!(total, 0);
}

#[test]
fn custom_rules_and_clear_errors() {
    let yaml = r#"
rules:
  - id: acme-token
    name: Acme token
    kind: secret
    severity: high
    pattern: '(?P<secret>acme_[a-z0-9]{20})'
    keywords: [acme_]
    examples:
      - input: 'x acme_q8lm2ztr7ywe4cab3xkq y'
        secret: 'acme_q8lm2ztr7ywe4cab3xkq'
      - input: '{"t": "acme_9lm2ztr7ywe4cab3xkq1"}'
        secret: 'acme_9lm2ztr7ywe4cab3xkq1'
    negative_examples: ['acme_short', 'acme_xxxxxxxxxxxxxxxxxxxx']
"#;
    let d = Detector::from_yaml(&[("acme.yaml", yaml)]).unwrap();
    assert!(d.check_rules().is_empty());
    assert_eq!(d.scan(b"acme_q8lm2ztr7ywe4cab3xkq").len(), 1);

    let bad_regex = yaml.replace("[a-z0-9]{20})", "[a-z0-9]{20}");
    assert!(matches!(Detector::from_yaml(&[("acme.yaml", &bad_regex)]), Err(DetectError::Regex { .. })));
    assert!(matches!(Detector::from_yaml(&[("x.yaml", "rules: [1, 2")]), Err(DetectError::Yaml { .. })));
    assert!(matches!(Detector::from_yaml(&[("a.yaml", yaml), ("b.yaml", yaml)]), Err(DetectError::DuplicateId { .. })));
    let bad_validator = yaml.replace("keywords: [acme_]", "keywords: [acme_]\n    validator: nope");
    let err = Detector::from_yaml(&[("acme.yaml", &bad_validator)]).err().unwrap();
    assert!(err.to_string().contains("unknown validator 'nope'"), "{err}");
    // A failing example is reported, with the secret masked.
    let wrong = yaml.replace("secret: 'acme_q8lm2ztr7ywe4cab3xkq'", "secret: 'q8lm2ztr7ywe4cab3xkq'");
    let failures = Detector::from_yaml(&[("acme.yaml", &wrong)]).unwrap().check_rules();
    assert_eq!(failures.len(), 1);
    assert!(!failures[0].problem.contains("q8lm2ztr7ywe4cab3xkq"));
}

#[test]
fn hostile_inputs_are_bounded() {
    let d = Detector::builtin();
    // Many keyword hits with long values, invalid UTF-8, and huge single tokens.
    let mut evil = Vec::new();
    for _ in 0..2000 {
        evil.extend_from_slice(b"\"key\": \"");
        evil.extend(std::iter::repeat_n(b'A', 700));
        evil.extend_from_slice(b"\xff\xfe\"");
    }
    let _ = d.scan(&evil);
    let _ = d.scan(&vec![b'@'; 1 << 20]);
    let _ = d.scan(&b"-----BEGIN RSA PRIVATE KEY-----\n".repeat(10_000));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn scan_never_panics_on_bytes(input in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let found = Detector::builtin().scan(&input);
        for m in &found {
            prop_assert!(m.start < m.end && m.end <= input.len());
        }
    }

    #[test]
    fn offsets_are_char_boundaries_for_utf8(
        parts in proptest::collection::vec(prop_oneof![
            Just("\"key\": \"".to_string()),
            Just("ünï©ødé ".to_string()),
            Just("sk_live_".to_string()),
            Just("@".to_string()),
            Just("10.0.".to_string()),
            "[a-zA-Z0-9é€ -]{0,40}",
        ], 0..40)
    ) {
        let text: String = parts.concat();
        for m in Detector::builtin().scan(text.as_bytes()) {
            prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        }
        let _ = Detector::builtin().redact(&text);
    }
}

#[test]
fn secret_inside_error_line_is_reported_and_excerpt_is_masked() {
    let line = "PHP Fatal error:  Uncaught Exception: bad key sk_live_4eC39HqLyjWDarjtT1zdp7dc in /srv/app/api.php on line 17";
    let found = scan(line);
    let php = found.iter().find(|m| m.rule_id == "php-error").expect("php error");
    assert!(found.iter().any(|m| m.rule_id == "stripe-secret-key"));
    assert!(!php.masked.contains("sk_live_4eC39HqLyjWDarjtT1zdp7dc"), "{}", php.masked);
    assert!(php.masked.contains("sk_l…"), "{}", php.masked);
}
