use palisade_core::{Category, RuleMeta, Severity};

/// SS003: a URL parameter fetched an internal address (metadata, loopback) and showed it.
pub const RULE: RuleMeta = RuleMeta {
    code: "SS003",
    name: "ssrf-internal-address",
    title: "Server-side request forgery reaches internal addresses",
    category: Category::Ssrf,
    default_severity: Severity::High,
    owasp: "API7:2023",
    cwe: &[918],
    pci_dss: "6.2.4",
    soc2: "CC6.6",
    what: "Only with `--ssrf-internal`: sets URL-accepting query parameters of read-only operations (the same ones SS001 probes) to internal addresses one at a time: cloud metadata (`http://169.254.169.254/latest/meta-data/`, the GCP `computeMetadata/v1/` and Azure `metadata/instance` paths), `localhost`, `127.0.0.1`, `[::1]`, `0.0.0.0`, decimal/hex/octal spellings of loopback, and the target's own host on other ports. Each parameter is also sent one control URL on a name that never resolves (`.invalid`). Reports when the answer shows metadata-shaped content (`ami-id`, `instance-id`, `computeMetadata`, `vmId`, ...) or an internal service banner that the control's answer does not, or when the internal address is answered with success where the control fails. The evidence is the pair of exchanges. Payloads go only to the target; Palisade itself never connects to them.",
    why: "A fetcher that reaches the cloud metadata service hands out the instance's temporary credentials; one that reaches loopback or the host's other ports exposes admin interfaces, caches and databases that trust the local network. This is the impact of SSRF, proven without any out-of-band listener.",
    example: "GET /api/v1/fetch?url=http://169.254.169.254/latest/meta-data/ -> 200 {\"body\":\"ami-id\\ninstance-id\\n...\"}; control ?url=http://palisade-control.invalid/ -> 502",
    remediation: "Resolve the destination and refuse loopback, private, link-local (169.254.0.0/16, fe80::/10), unique-local and unspecified addresses, in every spelling (decimal, hex, octal, IPv4-mapped IPv6), after DNS resolution and on every redirect; prefer an allowlist of hosts. Require IMDSv2 (session tokens) or the `Metadata-Flavor`/`Metadata` headers on cloud metadata, and run fetchers in a network segment without access to it.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa7-server-side-request-forgery/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html",
    ],
    active: false,
};
