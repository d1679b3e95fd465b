use palisade_core::{Category, RuleMeta, Severity};

/// IN006: metrics, health details and actuator indexes answered without credentials.
pub const RULE: RuleMeta = RuleMeta {
    code: "IN006",
    name: "public-metrics-endpoint",
    title: "Metrics or health details publicly exposed",
    category: Category::InventoryManagement,
    default_severity: Severity::Low,
    owasp: "API8:2023",
    cwe: &[200, 497],
    pci_dss: "2.2.4",
    soc2: "CC6.1",
    what: "Requests well-known operational endpoints without credentials and confirms each by its content: `/metrics` and `/actuator/prometheus` with Prometheus `# HELP`/`# TYPE` lines (medium), `/actuator` with its `_links` index, `/actuator/metrics` with its metric names, and `/actuator/health` or `/health` with component `details` (low). A bare `{\"status\":\"UP\"}` health answer is fine and not reported.",
    why: "Metrics and health details describe the inside of the service: routes and their traffic, library and runtime versions, database and cache hosts, disk paths. They help an attacker map the system and time an attack, and actuator indexes lead to more dangerous endpoints.",
    example: "GET /metrics -> 200 # HELP http_requests_total Total HTTP requests. app_info{version=\"2.0.1\",db_host=\"db.internal\"} 1",
    remediation: "Serve metrics and detailed health on a separate management port or network, or require authentication for them; expose only a minimal liveness answer publicly (Spring Boot: `management.endpoint.health.show-details=never`).",
    references: &[
        "https://docs.spring.io/spring-boot/reference/actuator/endpoints.html",
        "https://prometheus.io/docs/operating/security/",
    ],
    active: false,
};
