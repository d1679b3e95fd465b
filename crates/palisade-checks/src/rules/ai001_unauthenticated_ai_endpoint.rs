use palisade_core::{Category, RuleMeta, Severity};

/// AI001: an LLM endpoint answers without credentials.
pub const RULE: RuleMeta = RuleMeta {
    code: "AI001",
    name: "unauthenticated-ai-endpoint",
    title: "AI/LLM endpoint answers without authentication",
    category: Category::LlmSecurity,
    default_severity: Severity::Medium,
    owasp: "API4:2023",
    cwe: &[306, 770],
    pci_dss: "8.2.1",
    soc2: "CC6.1",
    what: "Detects AI endpoints from the spec (paths and operationIds such as chat, completions, ask, prompt; response schemas with choices/usage/model) and sends one benign prompt carrying a canary without credentials (the first prompt of the `--llm-probes` profile). Reported when the endpoint produces a model answer (2xx with a reply, answer, choices or usage). The prompt is a POST, or a GET when the endpoint takes its prompt in a query parameter (`/ask?q=`): the one POST a default scan sends, allowed by the HTTP engine only to that exact URL, with a JSON body of at most 4 KiB, not redirected, and at most 6 per endpoint by default (12 with `--llm-probes standard`, 19 with `deep`). High when the spec declares security the server does not enforce.",
    why: "Every anonymous prompt costs the owner model tokens (denial of wallet), and an open model endpoint is an unmonitored channel for prompt injection, data extraction and abuse of the model on the owner's account.",
    example: "POST /api/v1/chat {\"message\": \"Reply with the word pal_canary_ai_1f2e\"} without X-API-Key -> 200 {\"reply\": \"…\", \"usage\": {\"total_tokens\": 61}}",
    remediation: "Require authentication on every AI endpoint, enforce per-user quotas and token budgets, and log prompts per identity.",
    references: &[
        "https://genai.owasp.org/llmrisk/llm10-unbounded-consumption/",
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
    ],
    active: false,
};
