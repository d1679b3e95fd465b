#!/usr/bin/env python3
"""Deterministic generator of Palisade's labelled Data Exposure corpus.

    python3 tests/corpus/generate.py            # rewrites tests/corpus/data + labels.jsonl

Every planted value is FAKE: random characters in the provider's public
format (prefix, length, alphabet), produced by a seeded PRNG. None is a real
credential; checksummed formats (GitHub's CRC32 suffix, etc.) are not
computed, so provider-side validators reject them.

Output:
  data/**            realistic files (JSON API responses, HTML error pages,
                     web-server and application logs, .env / YAML / properties
                     config, HAR captures)
  labels.jsonl       one JSON object per labelled region:
                     {"file", "line", "end_line", "kind", "family", "rule",
                      "label": "positive" | "negative", "note"}
                     `line`..`end_line` (1-based, inclusive) is the region where
                     the value sits (a PEM block or a stack trace spans lines).

Scoring (see scripts/eval-corpus.py): a tool's prediction is a distinct
(file, line, kind); it is correct when it falls inside a positive region of
the same kind in the same file. Every other prediction is a false positive,
whether it hits a labelled hard negative or an unlabelled line.
Recall = positive regions with at least one correct prediction / positives.
"""

import base64
import hashlib
import json
import os
import random
import shutil
import string
import sys
import zlib

SEED = 20261129
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")

R = random.Random(SEED)

UP = string.ascii_uppercase
LO = string.ascii_lowercase
DG = string.digits
AN = UP + LO + DG
HEX = "0123456789abcdef"
B64 = AN + "+/"
URLSAFE = AN + "-_"

# Mirrors the detector's placeholder markers: a random value that happens to
# contain one would be a placeholder, not a planted secret, so redraw.
MARKERS = ["example", "xxxx", "your", "changeme", "redacted", "dummy", "todo", "fixme",
           "qwerty", "abcdefgh", "1234567890", "0000000000", "notreal", "insert",
           "replace", "here_", "placeholder", "test"]


def rs(alphabet, n):
    while True:
        v = "".join(R.choice(alphabet) for _ in range(n))
        low = v.lower()
        if not any(m in low for m in MARKERS) and len(set(v)) > min(4, n // 2):
            return v


def uuid():
    h = rs(HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# --------------------------------------------------------------------------
# Planted secrets: (rule family, rule id, field name, value maker)
# The field name is what a developer would call it; some rules need it.
# --------------------------------------------------------------------------

def jwt_value():
    header = b64url(json.dumps({"alg": R.choice(["HS256", "RS256"]), "typ": "JWT"}).encode())
    first = R.choice(["Dana", "Lee", "Ana", "Omar", "Kai", "Mina"])
    payload = b64url(json.dumps({
        "sub": str(R.randint(1000, 99999)),
        "email": f"{first.lower()}.{rs(LO, 5)}@acme-mail.io",
        "role": R.choice(["admin", "user", "support"]),
        "iat": 1764300000 + R.randint(0, 99999),
    }, separators=(",", ":")).encode())
    return f"{header}.{payload}.{rs(URLSAFE, 43)}"


def pem_block(label):
    body = base64.b64encode(bytes(R.getrandbits(8) for _ in range(R.choice([160, 220, 300])))).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return [f"-----BEGIN {label}-----"] + lines + [f"-----END {label}-----"]


def azure_sas():
    sig = base64.b64encode(bytes(R.getrandbits(8) for _ in range(32))).decode()
    sig = sig.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    return (f"https://acmestore{rs(DG, 3)}.blob.core.windows.net/exports/report.csv"
            f"?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-31T00:00:00Z&sig={sig}")


SECRETS = [
    ("cloud", "aws-access-key-id", "aws_access_key_id", lambda: "AKIA" + rs(UP + "234567", 16)),
    ("cloud", "aws-secret-access-key", "aws_secret_access_key", lambda: rs(AN + "/+", 40)),
    ("cloud", "aws-session-token", "aws_session_token", lambda: "IQoJb3JpZ2luX2Vj" + rs(AN + "/+", 280)),
    ("cloud", "gcp-api-key", "maps_api_key", lambda: "AIza" + rs(URLSAFE, 35)),
    ("cloud", "azure-storage-account-key", "storage_connection",
     lambda: f"DefaultEndpointsProtocol=https;AccountName=acmestore{rs(DG, 3)};AccountKey={rs(AN + '+/', 86)}==;EndpointSuffix=core.windows.net"),
    ("cloud", "azure-sas-token", "download_url", azure_sas),
    ("cloud", "azure-ad-client-secret", "azure_client_secret", lambda: rs(AN, 3) + R.choice(DG) + "Q~" + rs(AN + "_~.", 34)),
    ("cloud", "digitalocean-token", "do_token", lambda: "dop_v1_" + rs(HEX, 64)),
    ("cloud", "heroku-api-key", "heroku_api_key", uuid),
    ("cloud", "heroku-api-key-v2", "heroku_token", lambda: "HRKU-AA" + rs(URLSAFE, 58)),
    ("cloud", "hashicorp-vault-token", "vault_token", lambda: "hvs." + rs(URLSAFE, 90)),
    ("cloud", "terraform-cloud-token", "tfc_token", lambda: rs(AN, 14) + ".atlasv1." + rs(AN, 67)),
    ("cloud", "pulumi-access-token", "pulumi_access_token", lambda: "pul-" + rs(HEX, 40)),
    ("cloud", "databricks-token", "databricks_token", lambda: "dapi" + rs(HEX, 32)),
    ("cloud", "alibaba-access-key-id", "aliyun_access_key_id", lambda: "LTAI" + rs(AN, 20)),
    ("vcs", "github-pat", "github_token", lambda: "ghp_" + rs(AN, 36)),
    ("vcs", "github-oauth-token", "gh_oauth", lambda: "gho_" + rs(AN, 36)),
    ("vcs", "github-app-token", "installation_token", lambda: "ghs_" + rs(AN, 36)),
    ("vcs", "github-fine-grained-pat", "gh_pat", lambda: "github_pat_" + rs(AN, 22) + "_" + rs(AN, 59)),
    ("vcs", "gitlab-pat", "gitlab_token", lambda: "glpat-" + rs(URLSAFE, 20)),
    ("vcs", "gitlab-runner-token", "runner_token", lambda: "glrt-" + rs(URLSAFE, 20)),
    ("vcs", "bitbucket-app-password", "bitbucket_app_password", lambda: "ATBB" + rs(AN, 32)),
    ("vcs", "npm-access-token", "npm_token", lambda: "npm_" + rs(AN, 36)),
    ("vcs", "pypi-upload-token", "pypi_token", lambda: "pypi-AgEIcHlwaS5vcmc" + rs(URLSAFE, 70)),
    ("payments", "stripe-secret-key", "stripe_secret_key", lambda: "sk_live_" + rs(AN, 24)),
    ("payments", "stripe-restricted-key", "stripe_restricted", lambda: "rk_live_" + rs(AN, 24)),
    ("payments", "stripe-webhook-secret", "webhook_signing_secret", lambda: "whsec_" + rs(AN, 32)),
    ("payments", "square-access-token", "square_token", lambda: "sq0atp-" + rs(URLSAFE, 22)),
    ("payments", "square-oauth-secret", "square_oauth", lambda: "sq0csp-" + rs(URLSAFE, 43)),
    ("payments", "square-production-token", "square_access_token", lambda: "EAAA" + rs(URLSAFE, 60)),
    ("payments", "braintree-access-token", "braintree_token",
     lambda: "access_token$production$" + rs(LO + DG, 16) + "$" + rs(HEX, 32)),
    ("saas", "slack-bot-token", "slack_bot_token", lambda: f"xoxb-{rs(DG, 12)}-{rs(DG, 13)}-{rs(AN, 24)}"),
    ("saas", "slack-user-token", "slack_user_token", lambda: f"xoxp-{rs(DG, 12)}-{rs(DG, 12)}-{rs(DG, 13)}-{rs(HEX, 32)}"),
    ("saas", "slack-webhook-url", "slack_webhook", lambda: f"https://hooks.slack.com/services/T{rs(UP + DG, 10)}/B{rs(UP + DG, 10)}/{rs(AN, 24)}"),
    ("saas", "twilio-account-sid", "twilio_account_sid", lambda: "AC" + rs(HEX, 32)),
    ("saas", "twilio-api-key", "twilio_api_key_sid", lambda: "SK" + rs(HEX, 32)),
    ("saas", "sendgrid-api-key", "sendgrid_key", lambda: f"SG.{rs(URLSAFE, 22)}.{rs(URLSAFE, 43)}"),
    ("saas", "mailgun-api-key", "mailgun_key", lambda: "key-" + rs(HEX, 32)),
    ("saas", "mailchimp-api-key", "mailchimp_key", lambda: rs(HEX, 32) + "-us" + str(R.randint(1, 21))),
    ("saas", "shopify-access-token", "shopify_token", lambda: "shpat_" + rs(HEX, 32)),
    ("saas", "datadog-api-key", "DD_API_KEY", lambda: rs(HEX, 32)),
    ("saas", "newrelic-user-api-key", "newrelic_api_key", lambda: "NRAK-" + rs(UP + DG, 27)),
    ("saas", "sentry-dsn", "sentry_dsn", lambda: f"https://{rs(HEX, 32)}@o{rs(DG, 6)}.ingest.sentry.io/{rs(DG, 7)}"),
    ("saas", "discord-bot-token", "discord_bot_token",
     lambda: R.choice("MNO") + rs(AN, 25) + "." + rs(URLSAFE, 6) + "." + rs(URLSAFE, 38)),
    ("saas", "discord-webhook-url", "discord_webhook",
     lambda: f"https://discord.com/api/webhooks/{rs(DG, 19)}/{rs(URLSAFE, 68)}"),
    ("saas", "telegram-bot-token", "telegram_bot", lambda: f"{rs(DG, 10)}:AA{rs(URLSAFE, 33)}"),
    ("saas", "okta-api-token", "okta_api_token", lambda: "00" + rs(URLSAFE, 40)),
    ("saas", "postman-api-key", "postman_key", lambda: f"PMAK-{rs(HEX, 24)}-{rs(HEX, 34)}"),
    ("saas", "linear-api-key", "linear_key", lambda: "lin_api_" + rs(AN, 40)),
    ("saas", "grafana-service-account-token", "grafana_sa", lambda: f"glsa_{rs(AN, 32)}_{rs(HEX, 8)}"),
    ("saas", "doppler-token", "doppler", lambda: "dp.st." + rs(AN, 43)),
    ("ai", "openai-api-key", "openai_api_key", lambda: f"sk-proj-{rs(URLSAFE, 74)}T3BlbkFJ{rs(URLSAFE, 74)}"),
    ("ai", "anthropic-api-key", "anthropic_api_key", lambda: f"sk-ant-api03-{rs(URLSAFE, 93)}AA"),
    ("ai", "huggingface-token", "hf_token", lambda: "hf_" + rs(UP + LO, 34)),
    ("ai", "replicate-api-token", "replicate_token", lambda: "r8_" + rs(AN, 37)),
    ("ai", "groq-api-key", "groq_key", lambda: "gsk_" + rs(AN, 52)),
    ("crypto", "age-secret-key", "age_identity", lambda: "AGE-SECRET-KEY-1" + rs("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
    ("crypto", "jwt", "session", jwt_value),
    ("generic", "generic-secret-by-context", "key", lambda: rs(HEX, 64)),  # the seed: {"key": "<64 hex>"}
    ("generic", "generic-secret-by-context", "client_secret", lambda: rs(AN, 32)),
    ("generic", "generic-secret-by-context", "signing_key", lambda: rs(AN + "+/", 44)),
    ("generic", "generic-secret-by-context", "api_key", lambda: rs(LO + DG, 40)),
    ("generic", "password-in-field", "password", lambda: rs(LO, 5) + R.choice("!#%&") + rs(DG, 3) + rs(UP, 2)),
    # A password hash in a response is crackable offline: reported (and redacted), not ignored.
    ("crypto", "password-hash", "password_hash", lambda: "$2b$12$" + rs(AN + "./", 53)),
    ("generic", "password-in-field", "db_password", lambda: rs(AN, 14)),
]

# Secrets that need a multi-line block (file family, rule id, PEM label).
PEM_SECRETS = [
    ("crypto", "pem-private-key", "RSA PRIVATE KEY"),
    ("crypto", "pem-private-key", "PRIVATE KEY"),
    ("crypto", "pem-private-key", "EC PRIVATE KEY"),
    ("crypto", "openssh-private-key", "OPENSSH PRIVATE KEY"),
    ("crypto", "pem-encrypted-private-key", "ENCRYPTED PRIVATE KEY"),
]

# --------------------------------------------------------------------------
# PII
# --------------------------------------------------------------------------
FIRST = ["dana", "lee", "ana", "omar", "kai", "mina", "ivan", "sara", "jonas", "priya", "tomas", "eva"]
LAST = ["okafor", "lindqvist", "moreau", "tanaka", "silva", "novak", "haddad", "kowalski", "reyes", "brandt"]
MAILDOMAINS = ["acme-mail.io", "northwind.co", "fastpost.net", "contoso-corp.com", "mailbox.org", "proton.me"]


def email():
    return f"{R.choice(FIRST)}.{R.choice(LAST)}{R.randint(1, 99)}@{R.choice(MAILDOMAINS)}"


def luhn_complete(prefix, length):
    while True:
        body = prefix + "".join(R.choice(DG) for _ in range(length - len(prefix) - 1))
        if len(set(body)) < 5:
            continue
        total = 0
        for i, ch in enumerate(reversed(body)):
            d = int(ch)
            if i % 2 == 0:
                d *= 2
                if d > 9:
                    d -= 9
            total += d
        return body + str((10 - total % 10) % 10)


def card():
    kind = R.choice(["visa", "mc", "amex", "mc2"])
    if kind == "visa":
        n = luhn_complete("4" + R.choice("5689"), 16)
    elif kind == "mc":
        n = luhn_complete("5" + R.choice("1234") + R.choice(DG), 16)
    elif kind == "mc2":
        n = luhn_complete("22" + R.choice("3456"), 16)
    else:
        n = luhn_complete("3" + R.choice("47"), 15)
    if R.random() < 0.4 and len(n) == 16:
        n = " ".join(n[i:i + 4] for i in range(0, 16, 4))
    return n


def iban():
    country, bban_len = R.choice([("DE", 18), ("GB", None), ("FR", 23), ("NL", None)])
    if country == "GB":
        bban = rs(UP, 4) + "".join(R.choice(DG) for _ in range(14))
    elif country == "NL":
        bban = rs(UP, 4) + "".join(R.choice(DG) for _ in range(10))
    else:
        bban = "".join(R.choice(DG) for _ in range(bban_len))
    rearranged = bban + country + "00"
    num = "".join(str(int(c, 36)) for c in rearranged)
    check = 98 - int(num) % 97
    value = f"{country}{check:02d}{bban}"
    if R.random() < 0.5:
        value = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return value


def ssn():
    while True:
        a = R.randint(1, 899)
        if a != 666:
            break
    return f"{a:03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}"


def phone():
    return R.choice([
        lambda: f"+44 20 7946 {R.randint(1000, 9899)}",
        lambda: f"+1 415 {R.randint(200, 989)} {R.randint(1000, 9899)}",
        lambda: f"+49 30 {R.randint(100000, 989999)}",
        lambda: f"(312) {R.randint(200, 989)}-{R.randint(1000, 9899)}",
    ])()


def dob():
    y, m, d = R.randint(1950, 2004), R.randint(1, 12), R.randint(1, 28)
    return R.choice([f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}"])


PII = [
    ("pii", "email-address", "email", email),
    ("pii", "phone-number", "phone", phone),
    ("pii", "payment-card-number", "card_number", card),
    ("pii", "us-ssn", "ssn", ssn),
    ("pii", "iban", "iban", iban),
    ("pii", "date-of-birth", "date_of_birth", dob),
]

# --------------------------------------------------------------------------
# Hard negatives: (kind it could be mistaken for, family, field, value maker, note)
# --------------------------------------------------------------------------
def test_card():
    return R.choice(["4242424242424242", "4111 1111 1111 1111", "5555555555554444", "378282246310005",
                     "4000056655665556", "6011111111111117", "5105105105105100"])


NEGATIVES = [
    ("secret", "doc-example", "aws_access_key_id", lambda: "AKIAIOSFODNN7EXAMPLE", "AWS documentation key id"),
    ("secret", "doc-example", "aws_secret_access_key", lambda: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS documentation secret"),
    ("secret", "placeholder", "api_key", lambda: R.choice(["YOUR_API_KEY", "<your-api-key>", "${API_KEY}", "{{ api_key }}", "changeme", "REPLACE_ME"]), "placeholder"),
    ("secret", "placeholder", "stripe_secret_key", lambda: "sk_live_" + "x" * 24, "x-filled Stripe key"),
    ("secret", "masked", "token", lambda: R.choice(["ghp_…" + rs(AN, 4), "sk_live_****" + rs(DG, 4), "****" + rs(AN, 4), "abcd…wxyz"]), "masked token"),
    ("secret", "opaque-id", "key_id", lambda: "key_" + rs(AN, 24), "key_id is an identifier"),
    ("secret", "opaque-id", "kid", lambda: rs(AN, 22), "JWK key id"),
    ("secret", "uuid", "token", uuid, "UUID in a token field (request correlation)"),
    ("secret", "uuid", "idempotency_key", uuid, "idempotency key"),
    ("secret", "checksum", "commit_sha", lambda: rs(HEX, 40), "commit SHA"),
    ("secret", "checksum", "sha256", lambda: rs(HEX, 64), "checksum"),
    ("secret", "checksum", "etag", lambda: rs(HEX, 32), "etag"),
    ("secret", "checksum", "integrity", lambda: "sha384-" + rs(AN + "+/", 64), "SRI hash"),
    ("secret", "image", "avatar", lambda: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAA" + rs(AN + "+/", 120) + "=", "base64 image"),
    ("secret", "public-key", "public_key", lambda: rs(AN + "+/", 43) + "=", "public key"),
    ("secret", "public-key", "ssh_public_key", lambda: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + rs(AN + "+/", 43) + " deploy@ci", "SSH public key"),
    ("secret", "public-key", "publishable_key", lambda: "pk_live_" + rs(AN, 24), "Stripe publishable key"),
    ("secret", "empty-password", "password", lambda: R.choice(["", "********", "null", "•••••"]), "empty or masked password"),
    ("secret", "identifier", "token_type", lambda: R.choice(["Bearer", "refresh_token", "access_token"]), "token type"),
    ("secret", "identifier", "auth", lambda: R.choice(["oauth2", "required", "none"]), "auth mode"),
    ("secret", "hash", "password_hash_algorithm", lambda: "argon2id", "algorithm name"),
    ("pii", "test-card", "card_number", test_card, "published test card"),
    ("pii", "reserved-email", "email", lambda: R.choice(["user@example.com", "noreply@example.org", "jane@test.com", "ops@service.test"]), "reserved domain"),
    ("pii", "order-number", "order_number", lambda: "".join(R.choice(DG) for _ in range(16)), "16-digit order number"),
    ("pii", "timestamp", "created_ms", lambda: str(1764300000000 + R.randint(0, 10 ** 9)), "epoch millis"),
    ("pii", "phone-like", "hotel_id", lambda: str(R.randint(10 ** 7, 10 ** 9)), "id whose name contains 'tel'"),
    ("pii", "date", "created_at", lambda: "2026-11-%02dT04:12:00Z" % R.randint(1, 28), "timestamp, not a birth date"),
    ("internal", "public-ip", "client_ip", lambda: f"203.0.113.{R.randint(1, 254)}", "documentation IP"),
    ("internal", "api-path", "path", lambda: f"/api/v1/users/{R.randint(1, 9999)}", "API path, not a server path"),
    ("internal", "version", "api_version", lambda: f"{R.randint(1, 4)}.{R.randint(0, 20)}.{R.randint(0, 9)}", "API version"),
    ("internal", "public-host", "host", lambda: R.choice(["api.northwind.co", "cdn.acme-mail.io", "status.contoso-corp.com"]), "public host"),
    ("internal", "os-version", "os_version", lambda: f"10.0.{R.randint(17000, 22631)}.{R.randint(1, 4000)}", "Windows build, not an IP"),
    ("secret", "nonce", "nonce", lambda: rs(HEX, 32), "nonce"),
    ("secret", "url", "token_endpoint", lambda: "https://login.northwind.co/oauth2/token", "OAuth endpoint URL"),
    ("secret", "k8s-ref", "secretName", lambda: f"tls-{R.choice(MODULES)}-cert", "Kubernetes secret reference"),
    ("secret", "identifier", "auth_method", lambda: "client_secret_basic", "auth method name"),
    ("secret", "base64-data", "payload", lambda: base64.b64encode(bytes(R.getrandbits(8) for _ in range(48))).decode(), "opaque base64 payload"),
    ("secret", "jwt-fragment", "jose_header", lambda: "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9", "JOSE header alone"),
    ("debug", "debug-flag", "debug", lambda: "false", "debug disabled"),
    ("debug", "error-message", "error", lambda: R.choice(["Not Found", "Invalid request body", "rate limit exceeded", "Internal Server Error"]), "generic error"),
]


# --------------------------------------------------------------------------
# Debug / internal blocks (multi-line, returned as list of (lines, labels))
# Each returns (lines, [(kind, rule)]) for the whole block.
# --------------------------------------------------------------------------
MODULES = ["orders", "billing", "users", "reports", "auth", "inventory"]


def py_traceback():
    m = R.choice(MODULES)
    root = R.choice(["/srv/app", "/app", "/home/deploy/api", "/opt/service"])
    return [
        "Traceback (most recent call last):",
        f'  File "{root}/{m}/views.py", line {R.randint(10, 400)}, in get_{m}',
        f"    row = db.fetch_one(query, params)",
        f'  File "{root}/{m}/db.py", line {R.randint(10, 400)}, in fetch_one',
        "    return cursor.fetchone()[0]",
        "TypeError: 'NoneType' object is not subscriptable",
    ], [("debug", "python-traceback"), ("internal", "server-file-path")]


def java_trace():
    m = R.choice(MODULES).capitalize()
    return [
        f"java.lang.NullPointerException: Cannot invoke \"{m}.getId()\" because \"entity\" is null",
        f"\tat com.acme.api.{m.lower()}.{m}Service.load({m}Service.java:{R.randint(20, 300)})",
        f"\tat com.acme.api.{m.lower()}.{m}Controller.get({m}Controller.java:{R.randint(20, 300)})",
        "\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
    ], [("debug", "java-stack-trace")]


def node_trace():
    m = R.choice(MODULES)
    return [
        f"TypeError: Cannot read properties of undefined (reading '{m}')",
        f"    at load{m.capitalize()} (/usr/src/app/src/{m}.js:{R.randint(5, 200)}:{R.randint(2, 40)})",
        f"    at Layer.handle [as handle_request] (/usr/src/app/node_modules/express/lib/router/layer.js:95:5)",
    ], [("debug", "node-stack-frame"), ("internal", "server-file-path")]


def go_panic():
    return [
        "panic: runtime error: invalid memory address or nil pointer dereference",
        f"goroutine {R.randint(1, 900)} [running]:",
        f"main.(*Server).handle{R.choice(MODULES).capitalize()}(0xc000{rs(HEX, 6)})",
    ], [("debug", "go-panic")]


def ruby_trace():
    m = R.choice(MODULES)
    return [
        f"NoMethodError (undefined method `{m}' for nil:NilClass):",
        f"app/controllers/{m}_controller.rb:{R.randint(5, 90)}:in `show'",
    ], [("debug", "ruby-stack-frame")]


def dotnet_trace():
    m = R.choice(MODULES).capitalize()
    return [
        "System.NullReferenceException: Object reference not set to an instance of an object.",
        f"   at Acme.Api.Controllers.{m}Controller.Get(Int32 id) in C:\\inetpub\\wwwroot\\Acme.Api\\Controllers\\{m}Controller.cs:line {R.randint(10, 200)}",
    ], [("debug", "dotnet-stack-frame"), ("internal", "windows-server-path")]


def sql_error():
    return R.choice([
        lambda: ([f"ERROR:  syntax error at or near \"{R.choice(['WHERE', 'FROM', 'ORDER'])}\" at character {R.randint(10, 90)}"], [("debug", "postgres-error")]),
        lambda: ([f"SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax near '{R.choice(MODULES)}' at line 1"], [("debug", "mysql-error")]),
        lambda: ([f"sqlite3.OperationalError: no such table: {R.choice(MODULES)}"], [("debug", "sqlite-error")]),
        lambda: ([f"ORA-00942: table or view does not exist"], [("debug", "oracle-error")]),
        lambda: ([f"Unclosed quotation mark after the character string '{R.choice(MODULES)}'."], [("debug", "mssql-error")]),
    ])()


DEBUG_BLOCKS = [py_traceback, java_trace, node_trace, go_panic, ruby_trace, dotnet_trace, sql_error]


# --------------------------------------------------------------------------
# File builder
# --------------------------------------------------------------------------
class Doc:
    def __init__(self, rel):
        self.rel = rel
        self.lines = []
        self.labels = []

    def add(self, text, labels=()):
        """Append one or more lines; each label covers all of them.
        label = (polarity, kind, family, rule, note)."""
        parts = text if isinstance(text, list) else [text]
        start = len(self.lines) + 1
        self.lines.extend(parts)
        for pol, kind, family, rule, note in labels:
            self.labels.append({
                "file": self.rel, "line": start, "end_line": start + len(parts) - 1,
                "kind": kind, "family": family, "rule": rule, "label": pol, "note": note,
            })
        return start

    def write(self, trailing_newline=True):
        path = os.path.join(DATA, self.rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(self.lines) + ("\n" if trailing_newline else ""))
        return self.labels


def pos(kind, family, rule, note=""):
    return ("positive", kind, family, rule, note)


def neg(kind, family, rule, note=""):
    return ("negative", kind, family, rule, note)


class Pools:
    """Round-robin draws so every provider and every negative appears evenly."""

    def __init__(self):
        self.secret_i = R.randrange(len(SECRETS))
        self.pii_i = R.randrange(len(PII))
        self.neg_i = R.randrange(len(NEGATIVES))
        self.dbg_i = 0

    def secret(self):
        s = SECRETS[self.secret_i % len(SECRETS)]
        self.secret_i += 1
        return s

    def pii(self):
        p = PII[self.pii_i % len(PII)]
        self.pii_i += 1
        return p

    def negative(self):
        n = NEGATIVES[self.neg_i % len(NEGATIVES)]
        self.neg_i += 1
        return n

    def debug(self):
        d = DEBUG_BLOCKS[self.dbg_i % len(DEBUG_BLOCKS)]
        self.dbg_i += 1
        return d()


P = Pools()


def json_str(v):
    return json.dumps(v)


# ---------------------------------------------------------------- JSON API
def json_response(i):
    d = Doc(f"api/response_{i:03d}.json")
    d.add("{")
    d.add(f'  "id": "{uuid()}",')
    d.add(f'  "object": "{R.choice(["account", "integration", "customer", "webhook", "deployment"])}",')
    d.add(f'  "created": {1764300000 + R.randint(0, 10 ** 6)},')
    for _ in range(R.randint(2, 3)):
        fam, rule, field, make = P.secret()
        d.add(f"  {json_str(field)}: {json_str(make())},", [pos("secret", fam, rule)])
        nk, nfam, nfield, nmake, note = P.negative()
        d.add(f"  {json_str(nfield)}: {json_str(nmake())},", [neg(nk, nfam, nfield, note)])
    fam, rule, field, make = P.pii()
    d.add(f"  {json_str(field)}: {json_str(make())},", [pos("pii", fam, rule)])
    nk, nfam, nfield, nmake, note = P.negative()
    d.add(f"  {json_str(nfield)}: {json_str(nmake())},", [neg(nk, nfam, nfield, note)])
    if R.random() < 0.5:
        host = f"{R.choice(['db-primary', 'cache-01', 'billing-svc', 'kafka-2'])}.{R.choice(['prod.internal', 'corp', 'svc.cluster.local'])}"
        d.add(f'  "upstream": "{host}",', [pos("internal", "internal", "internal-hostname")])
    else:
        ip = f"10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}"
        d.add(f'  "backend": "{ip}:8080",', [pos("internal", "internal", "private-ip-address")])
    d.add(f'  "livemode": {R.choice(["true", "false"])}')
    d.add("}")
    return d.write()


def json_error_response(i):
    """A 500 response that leaks a traceback as a JSON string array."""
    d = Doc(f"api/error_{i:03d}.json")
    d.add("{")
    d.add('  "status": 500,')
    d.add('  "error": "Internal Server Error",')
    lines, kinds = P.debug()
    block = ['  "trace": ['] + [f"    {json_str(l)}," for l in lines[:-1]] + [f"    {json_str(lines[-1])}"] + ["  ],"]
    d.add(block, [pos(k, "debug" if k == "debug" else "internal", r) for k, r in kinds])
    d.add(f'  "server": "{R.choice(["gunicorn/21.2.0", "Werkzeug/3.0.1 Python/3.11.6", "Kestrel/8.0.1"])}",',
          [pos("internal", "internal", "version-banner")])
    d.add(f'  "request_id": "{uuid()}"')
    d.add("}")
    return d.write()


def json_user_list(i):
    d = Doc(f"api/users_{i:03d}.json")
    d.add('{"data": [')
    n = R.randint(4, 6)
    for j in range(n):
        comma = "," if j < n - 1 else ""
        name = f"{R.choice(FIRST).capitalize()} {R.choice(LAST).capitalize()}"
        fam, rule, field, make = P.pii()
        nk, nfam, nfield, nmake, note = P.negative()
        d.add(f'  {{"id": {R.randint(1, 99999)}, "name": "{name}", {json_str(field)}: {json_str(make())}}}{comma}',
              [pos("pii", fam, rule)])
    d.add("],")
    nk, nfam, nfield, nmake, note = P.negative()
    d.add(f' {json_str(nfield)}: {json_str(nmake())},', [neg(nk, nfam, nfield, note)])
    d.add(f' "next_cursor": "{rs(AN, 16)}"')
    d.add("}")
    return d.write()


# ---------------------------------------------------------------- HTML pages
def html_page(i):
    kind = i % 6
    d = Doc(f"html/error_{i:03d}.html")
    if kind == 0:  # Werkzeug debugger
        d.add(["<!doctype html>", "<html>", "<head>", "<title>TypeError // Werkzeug Debugger</title>"],
              [pos("debug", "debug", "werkzeug-debugger")])
        d.add(['<link rel="stylesheet" href="?__debugger__=yes&amp;cmd=resource&amp;f=style.css">'],
              [pos("debug", "debug", "werkzeug-debugger")])
        d.add("</head><body>")
        d.add("<h1>TypeError</h1>")
        lines, kinds = py_traceback()
        d.add(["<pre>"] + lines + ["</pre>"], [pos(k, "debug" if k == "debug" else "internal", r) for k, r in kinds])
        d.add("<p>The debugger caught an exception in your WSGI application.</p>", [pos("debug", "debug", "werkzeug-debugger")])
        d.add("</body></html>")
    elif kind == 1:  # Django
        d.add(["<!DOCTYPE html>", "<html lang=\"en\">", "<head><title>DoesNotExist at /api/orders/17/</title></head>", "<body>"])
        lines, kinds = py_traceback()
        d.add(["<pre class=\"exception_value\">"] + lines + ["</pre>"], [pos(k, "debug" if k == "debug" else "internal", r) for k, r in kinds])
        # Django masks settings named *KEY*, *SECRET*, *TOKEN*, *PASS*...: those
        # rows are hard negatives; a provider key under another name leaks.
        fam, rule, field, make = P.secret()
        while fam == "generic" or rule in ("aws-secret-access-key", "heroku-api-key", "datadog-api-key",
                                            "twilio-account-sid", "twilio-api-key", "okta-api-token",
                                            "discord-bot-token"):
            fam, rule, field, make = P.secret()
        d.add(f"<tr><td>INTEGRATION_{R.choice(MODULES).upper()}</td><td class=\"code\"><pre>'{make()}'</pre></td></tr>",
              [pos("secret", fam, rule)])
        d.add("<tr><td>SECRET_KEY</td><td class=\"code\"><pre>'********************'</pre></td></tr>",
              [neg("secret", "masked", "generic-secret-by-context", "Django-masked setting")])
        d.add(["<p>", "  You're seeing this error because you have <code>DEBUG = True</code> in your", "  Django settings file."],
              [pos("debug", "debug", "django-debug-page")])
        d.add(["</p>", "</body></html>"])
    elif kind == 2:  # Spring whitelabel
        d.add(["<html><body>", "<h1>Whitelabel Error Page</h1>"], [pos("debug", "debug", "spring-whitelabel-error")])
        d.add("<p>This application has no explicit mapping for /error, so you are seeing this as a fallback.</p>")
        lines, kinds = java_trace()
        d.add(["<div>"] + lines + ["</div>"], [pos(k, "debug", r) for k, r in kinds])
        d.add("</body></html>")
    elif kind == 3:  # .NET yellow screen
        d.add(["<html>", "<head><title>Runtime Error</title></head>", "<body bgcolor=\"white\">"])
        d.add("<h1>Server Error in '/' Application.</h1>", [pos("debug", "debug", "dotnet-yellow-screen")])
        lines, kinds = dotnet_trace()
        d.add(["<pre>"] + lines + ["</pre>"], [pos(k, "debug" if k == "debug" else "internal", r) for k, r in kinds])
        d.add("<b>Version Information:</b> Microsoft .NET Framework Version:4.0.30319; ASP.NET Version:4.8.4645.0")
        d.add("</body></html>")
    elif kind == 4:  # PHP
        m = R.choice(MODULES)
        d.add(["<html><body>"])
        # One uncaught-exception report: a single debug and a single internal item.
        d.add(["<br />",
               f"<b>Fatal error</b>:  Uncaught Error: Call to a member function fetch() on bool in /var/www/html/{m}.php:{R.randint(5, 99)}",
               "Stack trace:", f"#0 /var/www/html/index.php({R.randint(5, 99)}): load_{m}()", "#1 {main}",
               f"  thrown in <b>/var/www/html/{m}.php</b> on line <b>{R.randint(5, 99)}</b><br />"],
              [pos("debug", "debug", "php-error"), pos("internal", "internal", "server-file-path")])
        d.add("</body></html>")
    else:  # clean custom error page: hard negatives only
        d.add(["<!doctype html>", "<html>", "<head><title>Something went wrong</title></head>", "<body>"])
        d.add("<h1>500 - Internal Server Error</h1>", [neg("debug", "generic-error-page", "none", "no framework leak")])
        d.add("<p>Our team has been notified. Reference: " + uuid() + "</p>")
        d.add("<p>Stack traces are disabled in production; set DEBUG = False to keep it that way.</p>",
              [neg("debug", "prose", "none", "mentions debug in prose")])
        d.add("<hr><center>nginx</center>", [neg("internal", "no-version", "version-banner", "server name without version")])
        d.add("<p>Contact support at <a href=\"mailto:support@example.com\">support@example.com</a></p>",
              [neg("pii", "reserved-email", "email-address", "documentation address")])
        d.add("</body></html>")
    return d.write()


# ---------------------------------------------------------------- logs
def ts(i):
    return f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}Z"


def access_log(i):
    d = Doc(f"logs/access_{i:02d}.log")
    for j in range(40):
        ip = f"203.0.113.{R.randint(1, 254)}" if R.random() < 0.5 else f"198.51.100.{R.randint(1, 254)}"
        when = f"[{1 + j % 28:02d}/Nov/2026:{j % 24:02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d} +0000]"
        path = f"/api/v1/{R.choice(MODULES)}?page={R.randint(1, 9)}"
        labels = []
        r = R.random()
        if r < 0.22:
            fam, rule, field, make = P.secret()
            if rule in ("password-in-field",):
                path = f"/login?user=ops&{field}={make()}"
            elif rule in ("azure-storage-account-key", "azure-sas-token", "slack-webhook-url", "discord-webhook-url", "sentry-dsn", "jwt"):
                path = f"/proxy?{field}={make()}"
            else:
                path = f"/api/v1/{R.choice(MODULES)}?{field}={make()}"
            labels = [pos("secret", fam, rule)]
        elif r < 0.30:
            fam, rule, field, make = P.pii()
            path = f"/api/v1/customers/search?{field}={make().replace(' ', '%20')}"
            if rule == "email-address":
                path = f"/api/v1/customers/search?{field}={make()}"
            if " " in path or "%20" in path:
                # URL-encoded spaces break phone/card/iban shapes: use the compact form
                path = path.replace("%20", "")
            labels = [pos("pii", fam, rule)]
        elif r < 0.36:
            nk, nfam, nfield, nmake, note = P.negative()
            v = nmake().replace(" ", "")
            path = f"/api/v1/{R.choice(MODULES)}?{nfield}={v}"
            labels = [neg(nk, nfam, nfield, note)]
        d.add(f'{ip} - - {when} "GET {path} HTTP/1.1" {R.choice([200, 200, 200, 304, 404])} {R.randint(200, 9000)} "-" "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"', labels)
    return d.write()


def app_log(i):
    d = Doc(f"logs/app_{i:02d}.log")
    svc = R.choice(MODULES)
    j = 0
    while j < 45:
        j += 1
        r = R.random()
        head = f"{ts(j)} "
        if r < 0.18:
            fam, rule, field, make = P.secret()
            if rule == "password-in-field":
                d.add(head + f"DEBUG [{svc}] login attempt user=ops {field}={make()}", [pos("secret", fam, rule)])
            elif rule == "generic-secret-by-context" and field == "key":
                d.add(head + f'INFO  [{svc}] provisioned response={{"key": "{make()}", "key_id": "ak_{rs(LO + DG, 10)}"}}',
                      [pos("secret", fam, rule, "seed shape")])
            else:
                d.add(head + f"INFO  [{svc}] loaded config {field}={make()}", [pos("secret", fam, rule)])
        elif r < 0.26:
            fam, rule, field, make = P.pii()
            d.add(head + f"INFO  [{svc}] customer updated {field}={make()}", [pos("pii", fam, rule)])
        elif r < 0.34:
            nk, nfam, nfield, nmake, note = P.negative()
            d.add(head + f"INFO  [{svc}] settings {nfield}={nmake()}", [neg(nk, nfam, nfield, note)])
        elif r < 0.40:
            d.add(head + f"ERROR [{svc}] unhandled exception")
            lines, kinds = P.debug()
            d.add(lines, [pos(k, "debug" if k == "debug" else "internal", rr) for k, rr in kinds])
        elif r < 0.44:
            ip = f"{R.choice(['10', '172.20', '192.168'])}.{R.randint(0, 255)}.{R.randint(1, 254)}"
            if ip.count(".") == 2:
                ip = ip + f".{R.randint(1, 254)}"
            d.add(head + f"WARN  [{svc}] upstream {ip}:5432 timed out after 3000ms", [pos("internal", "internal", "private-ip-address")])
        elif r < 0.47:
            d.add(head + f"INFO  [{svc}] Starting gunicorn 21.2.0 on Python/3.11.{R.randint(1, 9)}",
                  [pos("internal", "internal", "version-banner")])
        else:
            d.add(head + f"INFO  [{svc}] request_id={uuid()} method=GET route=/api/v1/{svc} status=200 duration_ms={R.randint(2, 900)}")
    return d.write()


# ---------------------------------------------------------------- config
def env_file(i):
    d = Doc(f"config/service_{i:02d}.env")
    d.add(f"# {R.choice(MODULES)} service environment")
    d.add(f"APP_ENV=production")
    d.add(f"PORT={R.choice([8080, 3000, 5000])}")
    for _ in range(4):
        fam, rule, field, make = P.secret()
        d.add(f"{field.upper()}={make()}", [pos("secret", fam, rule)])
    for _ in range(3):
        nk, nfam, nfield, nmake, note = P.negative()
        d.add(f"{nfield.upper()}={nmake()}", [neg(nk, nfam, nfield, note)])
    user = R.choice(["app", "svc_orders", "billing"])
    pw = rs(AN, 16)
    scheme, rule = R.choice([("postgres", "postgres-url-password"), ("mysql", "mysql-url-password"),
                             ("mongodb+srv", "mongodb-url-password"), ("redis", "redis-url-password"),
                             ("amqps", "amqp-url-password")])
    d.add(f"DATABASE_URL={scheme}://{user}:{pw}@db.{R.choice(['northwind.co', 'acme-mail.io'])}:5432/{user}",
          [pos("secret", "generic", rule)])
    d.add("DATABASE_URL_TEMPLATE=postgres://app:${DB_PASSWORD}@db.northwind.co:5432/app",
          [neg("secret", "placeholder", "postgres-url-password", "variable reference")])
    d.add("LOG_LEVEL=info")
    return d.write()


def yaml_config(i):
    d = Doc(f"config/settings_{i:02d}.yaml")
    d.add("server:")
    d.add(f"  port: {R.choice([8080, 9000])}")
    d.add("  debug: false", [neg("debug", "debug-flag", "none", "debug off")])
    d.add("integrations:")
    for _ in range(3):
        fam, rule, field, make = P.secret()
        v = make()
        d.add(f"  {field}: \"{v}\"", [pos("secret", fam, rule)])
        nk, nfam, nfield, nmake, note = P.negative()
        d.add(f"  {nfield}: \"{nmake()}\"", [neg(nk, nfam, nfield, note)])
    if i % 2 == 0:
        fam, rule, label = PEM_SECRETS[(i // 2) % len(PEM_SECRETS)]
        d.add("tls:")
        block = pem_block(label)
        # The region starts at the YAML key: YAML-aware tools report block scalars there.
        d.add(["  private_key: |"] + ["    " + l for l in block], [pos("secret", fam, rule)])
        pub = pem_block("PUBLIC KEY")
        d.add("  public_key: |")
        d.add(["    " + l for l in pub], [neg("secret", "public-key", "pem", "public key block")])
    else:
        d.add("gcp:")
        key = "\\n".join(pem_block("PRIVATE KEY")) + "\\n"
        # One secret: the service-account JSON, from its YAML key to the private key line.
        d.add(["  credentials_json: |", "    {", '      "type": "service_account",',
               f'      "project_id": "acme-{rs(LO, 6)}",',
               f'      "private_key_id": "{rs(HEX, 40)}",',
               f'      "private_key": "{key}",'], [pos("secret", "cloud", "gcp-service-account-key")])
        d.add(f'      "client_email": "deployer@acme-{rs(LO, 6)}.iam.gserviceaccount.com"', [pos("pii", "pii", "email-address", "service account email")])
        d.add("    }")
    return d.write()


def properties(i):
    d = Doc(f"config/application_{i:02d}.properties")
    d.add("spring.application.name=" + R.choice(MODULES))
    d.add(f"spring.datasource.url=jdbc:postgresql://{R.choice(['pg-main', 'pg-replica'])}.prod.internal:5432/app",
          [pos("internal", "internal", "internal-hostname")])
    d.add("spring.datasource.username=app")
    d.add(f"spring.datasource.password={rs(AN, 18)}", [pos("secret", "generic", "password-in-field")])
    fam, rule, field, make = P.secret()
    d.add(f"app.{field.replace('_', '-')}={make()}", [pos("secret", fam, rule)])
    d.add("management.endpoints.web.exposure.include=health,info")
    d.add("spring.mail.password=", [neg("secret", "empty-password", "password-in-field", "empty")])
    return d.write()


# ---------------------------------------------------------------- HAR
def har_file(i):
    entries = []
    planted = []  # (text that appears on its own line in the pretty HAR, label)
    for k in range(3):
        fam, rule, field, make = P.secret()
        v = make()
        req_headers = [{"name": "Accept", "value": "application/json"}]
        if rule == "jwt":
            req_headers.append({"name": "Authorization", "value": f"Bearer {v}"})
            needle = f"Bearer {v}"
        else:
            req_headers.append({"name": "X-Debug-Config", "value": f"{field}={v}"})
            needle = f"{field}={v}"
        planted.append((needle, pos("secret", fam, rule)))
        pfam, prule, pfield, pmake = P.pii()
        pv = pmake()
        body = json.dumps({"id": R.randint(1, 9999), pfield: pv})
        planted.append((json.dumps(body)[1:-1], pos("pii", pfam, prule)))
        nk, nfam, nfield, nmake, note = P.negative()
        nv = nmake()
        resp_headers = [{"name": "Content-Type", "value": "application/json"},
                        {"name": "X-Meta", "value": f"{nfield}={nv}"}]
        planted.append((f"{nfield}={nv}", neg(nk, nfam, nfield, note)))
        if k == 1:
            resp_headers.append({"name": "Server", "value": "nginx/1.18.0"})
            planted.append(("nginx/1.18.0", pos("internal", "internal", "version-banner")))
        entries.append({
            "startedDateTime": f"2026-11-29T04:{10 + k:02d}:00.000Z",
            "time": R.randint(5, 300),
            "request": {"method": "GET", "url": f"https://api.northwind.co/v1/{R.choice(MODULES)}/{R.randint(1, 999)}",
                        "httpVersion": "HTTP/1.1", "headers": req_headers, "queryString": [], "cookies": [],
                        "headersSize": -1, "bodySize": 0},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": resp_headers,
                         "cookies": [], "content": {"size": len(body), "mimeType": "application/json", "text": body},
                         "redirectURL": "", "headersSize": -1, "bodySize": len(body)},
            "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 1},
        })
    har = {"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "128.0"}, "entries": entries}}
    text = json.dumps(har, indent=2)
    d = Doc(f"har/session_{i:02d}.har")
    lines = text.split("\n")
    labels_by_line = {}
    for needle, label in planted:
        # Header values are matched as the whole JSON value, bodies as escaped text.
        esc = needle if label[1] == "pii" else '"value": ' + json.dumps(needle)
        idx = next(n for n, l in enumerate(lines) if esc in l)
        labels_by_line.setdefault(idx, []).append(label)
    for n, l in enumerate(lines):
        d.add(l, labels_by_line.get(n, []))
    return d.write()


def main():
    if os.path.isdir(DATA):
        shutil.rmtree(DATA)
    labels = []
    for i in range(24):
        labels += json_response(i)
    for i in range(14):
        labels += json_error_response(i)
    for i in range(8):
        labels += json_user_list(i)
    for i in range(24):
        labels += html_page(i)
    for i in range(6):
        labels += access_log(i)
    for i in range(6):
        labels += app_log(i)
    for i in range(8):
        labels += env_file(i)
    for i in range(8):
        labels += yaml_config(i)
    for i in range(4):
        labels += properties(i)
    for i in range(6):
        labels += har_file(i)
    labels.sort(key=lambda l: (l["file"], l["line"], l["kind"]))
    with open(os.path.join(HERE, "labels.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for l in labels:
            f.write(json.dumps(l, sort_keys=True) + "\n")
    npos = sum(l["label"] == "positive" for l in labels)
    nneg = sum(l["label"] == "negative" for l in labels)
    kinds = {}
    for l in labels:
        kinds.setdefault((l["kind"], l["label"]), 0)
        kinds[(l["kind"], l["label"])] += 1
    print(f"{npos} positive and {nneg} negative regions", file=sys.stderr)
    for k in sorted(kinds):
        print(f"  {k[0]:9} {k[1]:9} {kinds[k]}", file=sys.stderr)


if __name__ == "__main__":
    main()
