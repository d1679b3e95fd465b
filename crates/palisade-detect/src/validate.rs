//! Post-regex checks: placeholders, entropy and named validators.

use palisade_core::{Confidence, Severity};

/// Validator names accepted in the `validator:` field of a rule.
pub(crate) const KNOWN_VALIDATORS: &[&str] = &[
    "luhn",
    "iban-mod97",
    "ssn-range",
    "jwt",
    "aws-pair",
    "json-key-context",
    "password-field",
    "ipv4-private",
    "email",
    "url-credentials",
    "basic-auth",
    "phone",
    "not-placeholder-context",
];

/// What a validator concluded about an accepted match.
#[derive(Default)]
pub(crate) struct Verdict {
    pub confidence: Option<Confidence>,
    pub severity: Option<Severity>,
    pub context: Option<String>,
}

/// What a validator sees of a candidate match.
pub(crate) struct Candidate<'a> {
    pub input: &'a [u8],
    /// The sensitive span as text (lossy for non-UTF-8).
    pub value: &'a str,
    pub start: usize,
    pub end: usize,
    /// The `ctx` capture, e.g. a JSON field name.
    pub ctx: Option<&'a str>,
}

/// Shannon entropy of `s` in bits per byte.
pub fn shannon_entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether a candidate secret is a documentation placeholder, a template
/// variable, an already-masked value or otherwise obviously not a live secret.
pub fn looks_placeholder(value: &str) -> bool {
    const MARKERS: &[&str] = &[
        "example",
        "xxxx",
        "your_",
        "your-",
        "yourapi",
        "yourkey",
        "yoursecret",
        "yourtoken",
        "<",
        ">",
        "${",
        "{{",
        "}}",
        "%s",
        "%(",
        "changeme",
        "change_me",
        "change-me",
        "redacted",
        "****",
        "…",
        "...",
        "placeholder",
        "dummy",
        "insert_",
        "insert-",
        "replace_me",
        "replaceme",
        "todo",
        "fixme",
        "notreal",
        "not_real",
        "not-real",
        "0000000000",
        "1234567890",
        "abcdefgh",
        "qwerty",
        "secret_here",
        "key_here",
        "token_here",
        "here_",
        "####",
        "____",
        "----------",
    ];
    let lower = value.to_ascii_lowercase();
    if MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if matches!(lower.as_str(), "null" | "none" | "nil" | "undefined" | "true" | "false" | "string" | "n/a" | "na" | "tbd") {
        return true;
    }
    // Few distinct characters: "aaaaaaaa", "abababab", "********".
    let mut seen = [false; 256];
    let mut distinct = 0;
    for &b in value.as_bytes() {
        if !seen[b as usize] {
            seen[b as usize] = true;
            distinct += 1;
        }
    }
    value.len() >= 6 && distinct <= 3
}

/// Whether `v` is a UUID (8-4-4-4-12 hex).
pub(crate) fn is_uuid(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Split a field name into lowercase words: `clientSecret` → client, secret;
/// `AWS_SECRET_ACCESS_KEY` → aws, secret, access, key.
pub(crate) fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Whether a field name says its value is a secret (`key`, `api_key`,
/// `clientSecret`, `X-Auth-Token`...), judged by its last word(s) so that
/// `key_id`, `token_type`, `secret_name` or `public_key` are not.
pub(crate) fn is_secret_field_name(name: &str) -> bool {
    let words = name_words(name);
    let Some(last) = words.last() else {
        return false;
    };
    let prev = words.len().checked_sub(2).map(|i| words[i].as_str());
    if matches!(
        prev,
        Some(
            "public"
                | "pub"
                | "publishable"
                | "idempotency"
                | "cache"
                | "sort"
                | "partition"
                | "primary"
                | "foreign"
                | "page"
                | "next"
                | "continuation"
                | "csrf"
                | "xsrf"
        )
    ) {
        return false;
    }
    match last.as_str() {
        "key" | "apikey" | "secret" | "token" | "credential" | "credentials" | "auth" | "passphrase" | "pat" | "privatekey" | "secretkey"
        | "accesskey" | "accesstoken" | "refreshtoken" | "authtoken" | "sessiontoken" | "clientsecret" | "signingkey" | "masterkey"
        | "webhooksecret" => true,
        "id" | "ids" | "type" | "name" | "url" | "uri" | "count" | "length" | "expires" | "expiry" | "at" | "hint" => false,
        _ => false,
    }
}

/// Whether a field name says its value is a phone number: one of its words is
/// `phone`, `mobile`, `tel`... (so `hotel_id` or `cell_count` are not), and it
/// does not end in a word that names something else (`phone_id`, `fax_enabled`).
pub(crate) fn is_phone_field_name(name: &str) -> bool {
    let words = name_words(name);
    let phoneish = |w: &str| {
        matches!(
            w,
            "phone"
                | "phones"
                | "phonenumber"
                | "mobile"
                | "mobilephone"
                | "mobilenumber"
                | "tel"
                | "telephone"
                | "telno"
                | "cell"
                | "cellphone"
                | "fax"
                | "msisdn"
        )
    };
    words.iter().any(|w| phoneish(w))
        && !matches!(
            words.last().map(String::as_str),
            Some("id" | "ids" | "count" | "type" | "verified" | "enabled" | "confirmed" | "country" | "ext")
        )
}

/// Whether a field name says its value is a password.
pub(crate) fn is_password_field_name(name: &str) -> bool {
    let words = name_words(name);
    matches!(words.last().map(String::as_str), Some("password" | "passwd" | "pwd" | "pass" | "passphrase" | "userpassword" | "dbpassword"))
        && !matches!(words.first().map(String::as_str), Some("forgot" | "reset" | "confirm" | "show" | "has" | "is"))
}

/// Run validator `name`; `None` rejects the candidate.
pub(crate) fn run(name: &str, c: &Candidate<'_>) -> Option<Verdict> {
    match name {
        "luhn" => luhn(c.value).then(Verdict::default),
        "iban-mod97" => iban_mod97(c.value).then(Verdict::default),
        "ssn-range" => ssn_range(c.value).then(Verdict::default),
        "jwt" => jwt(c.value),
        "aws-pair" => Some(aws_pair(c)),
        "json-key-context" => json_key_context(c),
        "password-field" => password_field(c),
        "ipv4-private" => ipv4_private(c).then(Verdict::default),
        "email" => email(c.value).then(Verdict::default),
        "url-credentials" => url_credentials(c),
        "basic-auth" => basic_auth(c.value),
        "phone" => (c.ctx.is_none_or(is_phone_field_name) && phone(c.value)).then(Verdict::default),
        "not-placeholder-context" => (!c.ctx.is_some_and(looks_placeholder)).then(Verdict::default),
        _ => None,
    }
}

fn luhn(v: &str) -> bool {
    let digits: Vec<u32> = v.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    // Published test cards (4111 1111..., 4242 4242...) and other
    // few-distinct-digit numbers are documentation, not customer data.
    let mut seen = [false; 10];
    digits.iter().for_each(|&d| seen[d as usize] = true);
    if seen.iter().filter(|&&s| s).count() < 4 {
        return false;
    }
    let joined: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
    const TEST_CARDS: &[&str] = &[
        "4000056655665556",
        "5555555555554444",
        "5200828282828210",
        "5105105105105100",
        "378282246310005",
        "371449635398431",
        "6011111111111117",
        "6011000990139424",
        "4012888888881881",
        "4000000000003220",
    ];
    if TEST_CARDS.contains(&joined.as_str()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.rem_euclid(10) == 0
}

fn iban_mod97(v: &str) -> bool {
    let s: Vec<u8> = v.bytes().filter(|b| !b.is_ascii_whitespace()).map(|b| b.to_ascii_uppercase()).collect();
    if !(15..=34).contains(&s.len()) || !s[..2].iter().all(u8::is_ascii_uppercase) || !s[2..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let rearranged = s[4..].iter().chain(&s[..4]);
    let mut rem: u32 = 0;
    for &b in rearranged {
        let n = match b {
            b'0'..=b'9' => (b - b'0') as u32,
            b'A'..=b'Z' => (b - b'A') as u32 + 10,
            _ => return false,
        };
        rem = if n >= 10 { (rem * 100 + n) % 97 } else { (rem * 10 + n) % 97 };
    }
    rem == 1
}

fn ssn_range(v: &str) -> bool {
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 9 {
        return false;
    }
    let (area, group, serial) = (&digits[..3], &digits[3..5], &digits[5..]);
    let area_n: u32 = area.parse().unwrap_or(0);
    // The last three are numbers published in advertising and documentation.
    !(area == "000"
        || area == "666"
        || area_n >= 900
        || group == "00"
        || serial == "0000"
        || matches!(digits.as_str(), "078051120" | "219099999" | "123456789"))
}

/// Decode unpadded or padded base64 / base64url; `None` on invalid input.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut buf = 0u32;
    let mut bits = 0;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        buf = (buf << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn jwt(v: &str) -> Option<Verdict> {
    let mut parts = v.split('.');
    let header = base64_decode(parts.next()?)?;
    let payload = base64_decode(parts.next()?)?;
    let header: serde_json::Value = serde_json::from_slice(&header).ok()?;
    let payload: serde_json::Value = serde_json::from_slice(&payload).ok()?;
    let alg = header.get("alg")?.as_str()?.to_string();
    let claims = payload.as_object()?;
    const SENSITIVE: &[&str] = &[
        "email",
        "name",
        "phone",
        "phone_number",
        "role",
        "roles",
        "admin",
        "is_admin",
        "scope",
        "scopes",
        "groups",
        "permissions",
        "password",
        "ssn",
        "address",
        "birthdate",
        "api_key",
        "secret",
    ];
    let sensitive: Vec<&str> = SENSITIVE.iter().copied().filter(|k| claims.contains_key(*k)).collect();
    let mut context = format!("jwt alg={alg}");
    if alg.eq_ignore_ascii_case("none") {
        context.push_str(" (unsigned: alg none)");
    }
    if !sensitive.is_empty() {
        context.push_str(&format!("; sensitive claims: {}", sensitive.join(", ")));
    }
    let severity = alg.eq_ignore_ascii_case("none").then_some(Severity::High);
    Some(Verdict { confidence: Some(Confidence::High), severity, context: Some(context) })
}

fn aws_pair(c: &Candidate<'_>) -> Verdict {
    let lo = c.start.saturating_sub(1024);
    let hi = (c.end + 1024).min(c.input.len());
    let near = &c.input[lo..hi];
    let has_id = near.windows(4).any(|w| w == b"AKIA" || w == b"ASIA");
    Verdict {
        confidence: Some(if has_id { Confidence::High } else { Confidence::Medium }),
        context: Some(if has_id { "aws key pair".into() } else { "aws secret key".into() }),
        ..Verdict::default()
    }
}

fn json_key_context(c: &Candidate<'_>) -> Option<Verdict> {
    let name = c.ctx?;
    if !is_secret_field_name(name) {
        return None;
    }
    let v = c.value;
    if is_uuid(v) || v.starts_with("http") || v.starts_with('/') || v.starts_with("data:") || v.contains("://") {
        return None;
    }
    let b = v.as_bytes();
    let has_digit = b.iter().any(u8::is_ascii_digit);
    let has_upper = b.iter().any(u8::is_ascii_uppercase);
    let has_lower = b.iter().any(u8::is_ascii_lowercase);
    // Identifiers such as "refresh_token_expired" or "ENABLED" are not secrets.
    if !(has_digit && (has_lower || has_upper) || has_upper && has_lower && v.len() >= 20) {
        return None;
    }
    if b.iter().all(|x| x.is_ascii_digit() || *x == b'.' || *x == b'-') {
        return None;
    }
    Some(Verdict { context: Some(name.to_string()), ..Verdict::default() })
}

fn password_field(c: &Candidate<'_>) -> Option<Verdict> {
    let name = c.ctx?;
    if !is_password_field_name(name) {
        return None;
    }
    let v = c.value;
    let lower = v.to_ascii_lowercase();
    if v.chars().count() < 4
        || looks_placeholder(v)
        || lower == name.to_ascii_lowercase()
        || matches!(lower.as_str(), "password" | "required" | "optional" | "hidden" | "masked" | "secret" | "empty" | "unset")
        || v.bytes().all(|b| b == b'*' || b == b'.' || b == b'x' || b == b'X' || b == b'#' || b == b'-')
        || v.starts_with('$')
    {
        return None;
    }
    Some(Verdict { context: Some(name.to_string()), ..Verdict::default() })
}

fn ipv4_private(c: &Candidate<'_>) -> bool {
    let before = c.start.checked_sub(1).map(|i| c.input[i]);
    let after = c.input.get(c.end).copied();
    let after2 = c.input.get(c.end + 1).copied();
    if before.is_some_and(|b| b.is_ascii_digit() || b == b'.')
        || after.is_some_and(|b| b.is_ascii_digit())
        || (after == Some(b'.') && after2.is_some_and(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let octets: Vec<u32> = c.value.split('.').filter_map(|p| p.parse().ok()).collect();
    if octets.len() != 4 || octets.iter().any(|&o| o > 255) {
        return false;
    }
    match (octets[0], octets[1]) {
        (10, _) => true,
        (172, b) => (16..=31).contains(&b),
        (192, 168) => true,
        _ => false,
    }
}

fn email(v: &str) -> bool {
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_ascii_lowercase();
    let tld = domain.rsplit('.').next().unwrap_or("");
    const RESERVED: &[&str] = &["example.com", "example.org", "example.net", "domain.com", "email.com", "test.com"];
    !(local.is_empty()
        || RESERVED.iter().any(|r| domain == *r || domain.ends_with(&format!(".{r}")))
        || matches!(tld, "test" | "invalid" | "localhost" | "example" | "png" | "jpg" | "jpeg" | "gif" | "svg" | "webp" | "js" | "css")
        || looks_placeholder(local)
        || matches!(local.to_ascii_lowercase().as_str(), "user" | "username" | "name" | "email" | "you" | "someone"))
}

fn phone(v: &str) -> bool {
    let digits: Vec<u8> = v.bytes().filter(u8::is_ascii_digit).collect();
    (7..=15).contains(&digits.len()) && !digits.iter().all(|&d| d == digits[0]) && !digits.windows(7).any(|w| w == b"1234567" || w == b"5555555")
}

fn url_credentials(c: &Candidate<'_>) -> Option<Verdict> {
    let v = c.value;
    let lower = v.to_ascii_lowercase();
    if looks_placeholder(v)
        || v.starts_with('$')
        || v.starts_with('%')
        || matches!(lower.as_str(), "password" | "pass" | "passwd" | "pwd" | "secret" | "pw" | "user" | "username")
    {
        return None;
    }
    Some(Verdict { context: c.ctx.map(str::to_string), ..Verdict::default() })
}

fn basic_auth(v: &str) -> Option<Verdict> {
    let decoded = base64_decode(v)?;
    let text = std::str::from_utf8(&decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    if user.is_empty() || pass.is_empty() || text.chars().any(char::is_control) || looks_placeholder(pass) {
        return None;
    }
    Some(Verdict { context: Some("authorization: basic".into()), confidence: Some(Confidence::High), ..Verdict::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_valid_and_rejects_invalid() {
        assert!(luhn("4556 7375 8689 9855"));
        assert!(luhn("5425-2334-3010-9903"));
        assert!(!luhn("4111 1111 1111 1111"));
        assert!(!luhn("4111111111111112"));
        assert!(!luhn("0000000000000000"));
    }

    #[test]
    fn iban_mod97_checks() {
        assert!(iban_mod97("GB82 WEST 1234 5698 7654 32"));
        assert!(iban_mod97("DE89370400440532013000"));
        assert!(!iban_mod97("DE89370400440532013001"));
    }

    #[test]
    fn ssn_ranges() {
        assert!(ssn_range("536-22-4187"));
        assert!(!ssn_range("000-22-4187"));
        assert!(!ssn_range("666-22-4187"));
        assert!(!ssn_range("912-22-4187"));
        assert!(!ssn_range("536-00-4187"));
        assert!(!ssn_range("536-22-0000"));
    }

    #[test]
    fn phone_field_names() {
        for yes in ["phone", "mobile_number", "contactPhone", "tel", "TELEPHONE", "fax", "msisdn"] {
            assert!(is_phone_field_name(yes), "{yes}");
        }
        for no in ["hotel_id", "cell_count", "phone_id", "intel", "telemetry", "fax_enabled"] {
            assert!(!is_phone_field_name(no), "{no}");
        }
    }

    #[test]
    fn field_names() {
        assert!(is_secret_field_name("key"));
        assert!(is_secret_field_name("api_key"));
        assert!(is_secret_field_name("clientSecret"));
        assert!(is_secret_field_name("X-Auth-Token"));
        assert!(!is_secret_field_name("key_id"));
        assert!(!is_secret_field_name("token_type"));
        assert!(!is_secret_field_name("public_key"));
        assert!(!is_secret_field_name("monkey"));
        assert!(is_password_field_name("db_password"));
        assert!(!is_password_field_name("password_hint"));
    }

    #[test]
    fn entropy_of_hex_is_near_four() {
        let e = shannon_entropy(b"0123456789abcdef0123456789abcdef");
        assert!((e - 4.0).abs() < 1e-9);
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
    }

    #[test]
    fn base64url_roundtrip_of_known_value() {
        assert_eq!(base64_decode("eyJhbGciOiJIUzI1NiJ9").unwrap(), br#"{"alg":"HS256"}"#);
        assert_eq!(base64_decode("dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert!(base64_decode("a b").is_none());
    }
}
