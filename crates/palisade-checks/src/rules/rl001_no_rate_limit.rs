use palisade_core::{Category, RuleMeta, Severity};

/// RL001: a burst of requests is neither refused nor metered.
pub const RULE: RuleMeta = RuleMeta {
    code: "RL001",
    name: "no-rate-limiting",
    title: "No rate limiting observed",
    category: Category::RateLimiting,
    default_severity: Severity::Medium,
    owasp: "API4:2023",
    cwe: &[770, 799],
    pci_dss: "6.4.2",
    soc2: "A1.1",
    what: "Sends a bounded burst of 20 identical GET requests to one cheap endpoint (the target itself), never faster than the scan's `--rate`, and stops at the first 429. Reports medium when no answer is a 429, none carries `RateLimit-*`, `X-RateLimit-*` or `Retry-After`, and the engine was not asked to back off; reports low when rate-limit headers are present but contradict themselves (remaining above the limit, unparseable values, or a remaining count that never goes down).",
    why: "Without a limit, one client can brute-force credentials and API keys, scrape every record, and exhaust the service or its paid upstreams (SMS, e-mail, LLM tokens) at no cost. Headers that do not count are worse than none: clients and operators believe a limit exists.",
    example: "20 x GET / within one second -> 20 x 200, no RateLimit-Limit, X-RateLimit-Remaining or Retry-After header",
    remediation: "Enforce per-client (key, user and IP) request quotas at the gateway or in the application, answer 429 with `Retry-After` when they are exceeded, and advertise the policy with the `RateLimit-Limit`/`RateLimit-Remaining`/`RateLimit-Reset` headers computed from the real counters.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/",
        "https://cwe.mitre.org/data/definitions/770.html",
    ],
    active: false,
};
