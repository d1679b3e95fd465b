use palisade_core::{Category, RuleMeta, Severity};

/// SS001: the server fetched a URL we supplied, proven by an out-of-band canary.
pub const RULE: RuleMeta = RuleMeta {
    code: "SS001",
    name: "ssrf-confirmed",
    title: "Server-side request forgery confirmed by an out-of-band canary",
    category: Category::Ssrf,
    default_severity: Severity::High,
    owasp: "API7:2023",
    cwe: &[918],
    pci_dss: "6.2.4",
    soc2: "CC6.6",
    what: "Finds URL-accepting query parameters of read-only operations (spec `format: uri`/`url`, names such as url, uri, callback, webhook, redirect, next, image, feed, target, dest, or example values that look like URLs), sets one at a time to a unique canary URL served by Palisade's own listener (`http://127.0.0.1:PORT/palisade-oob/<token>`), and reports SSRF only when the listener receives that exact token within a short, bounded wait. Severity is critical when the target's response also shows the listener's answer (full-read SSRF). The listener binds `127.0.0.1` on an ephemeral port unless `--oob-listen ADDR:PORT` says otherwise, and the probe only runs against targets that can reach the canary: a loopback canary only from targets on the scanning machine. For remote targets, `--oob-url` names a public collaborator or reverse proxy that forwards to the listener; payloads then carry that URL, and confirmations still arrive at the listener.",
    why: "A server that fetches attacker-chosen URLs can be pointed at cloud metadata services (temporary credentials), internal admin interfaces and databases behind the firewall, or used to scan the internal network from a trusted position.",
    example: "GET /api/v1/fetch?url=http://127.0.0.1:40123/palisade-oob/pal_canary_ss_1a2b -> the canary listener receives GET /palisade-oob/pal_canary_ss_1a2b from the API server",
    remediation: "Do not fetch user-supplied URLs. If the feature is needed, resolve and check the destination against an allowlist of hosts and schemes on every request (after DNS resolution and on every redirect), block private, loopback and link-local ranges, and run the fetcher in a network segment without access to internal services or metadata endpoints.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa7-server-side-request-forgery/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
    ],
    active: false,
};
