use palisade_core::{Category, RuleMeta, Severity};

/// AI002: responses disclose the model identifier and token accounting.
pub const RULE: RuleMeta = RuleMeta {
    code: "AI002",
    name: "model-usage-disclosure",
    title: "Model identifier or token usage disclosed",
    category: Category::LlmSecurity,
    default_severity: Severity::Low,
    owasp: "API8:2023",
    cwe: &[200],
    pci_dss: "6.2.4",
    soc2: "CC6.1",
    what: "Looks at every JSON response for a `model` field naming a language model (gpt-, claude-, llama, mistral, gemini, …, or a dated model version) or a `system_fingerprint`, and notes raw token accounting (`usage.prompt_tokens`/`total_tokens`) next to it.",
    why: "The exact model and version tells an attacker which jailbreaks and prompt-injection techniques work, and raw provider fields show the API forwards the provider's response without filtering it.",
    example: "POST /api/v1/chat -> 200 {\"model\": \"gpt-4o-mini-2024-07-18\", \"usage\": {\"prompt_tokens\": 52, \"total_tokens\": 61}}",
    remediation: "Return only the fields clients need (the reply), map provider responses to your own schema, and keep model identifiers and token accounting in server-side logs.",
    references: &["https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/"],
    active: false,
};
