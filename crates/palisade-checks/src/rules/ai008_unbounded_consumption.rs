use palisade_core::{Category, RuleMeta, Severity};

/// AI008: asked for a very long output, the model produces it with no visible cap.
pub const RULE: RuleMeta = RuleMeta {
    code: "AI008",
    name: "unbounded-consumption",
    title: "Model output is not capped (unbounded consumption)",
    category: Category::LlmSecurity,
    default_severity: Severity::Medium,
    owasp: "API4:2023",
    cwe: &[770, 400],
    pci_dss: "6.2.4",
    soc2: "A1.1",
    what: "The first prompt to each detected AI endpoint asks for the numbers from 1 to 3000, one per line (with `--llm-probes deep`, also for one word repeated 5000 times); it doubles as the benign baseline. Reported when the answer reports at least 2000 completion tokens (`usage.completion_tokens` or `output_tokens`) or its text is at least 12 000 characters, and the response shows no cap (no `finish_reason`/`stop_reason` of `length` or `max_tokens`). Palisade reads at most `--max-body` bytes of it and sends the prompt once: no loops.",
    why: "Every output token costs money and time: an endpoint that writes whatever length a caller asks for lets one user run up the bill (denial of wallet) or tie up the model for everyone.",
    example: "POST /api/v1/chat {\"message\": \"Write the numbers from 1 to 3000, one per line … pal_canary_ai_0b\"} -> 200 {\"reply\": \"1\\n2\\n3 …\", \"usage\": {\"completion_tokens\": 3000}, \"finish_reason\": \"stop\"}",
    remediation: "Set `max_tokens` (or the provider's equivalent) on every model call, enforce per-user token budgets and rate limits, and reject prompts that ask for unbounded output.",
    references: &[
        "https://genai.owasp.org/llmrisk/llm102025-unbounded-consumption/",
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
    ],
    active: false,
};
