//! LLM/AI Security (AI…): prompt probes against detected AI endpoints and their judges.

pub mod profiles;
pub mod prompts;
