//! The twelve categories every score is broken down into.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A scoring category. The order here is the order reports show them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Authentication,
    Bola,
    Bfla,
    PropertyAuthorization,
    InputValidation,
    RateLimiting,
    DataExposure,
    Encryption,
    Ssrf,
    InventoryManagement,
    UnsafeConsumption,
    LlmSecurity,
}

impl Category {
    pub const ALL: [Category; 12] = [
        Category::Authentication,
        Category::Bola,
        Category::Bfla,
        Category::PropertyAuthorization,
        Category::InputValidation,
        Category::RateLimiting,
        Category::DataExposure,
        Category::Encryption,
        Category::Ssrf,
        Category::InventoryManagement,
        Category::UnsafeConsumption,
        Category::LlmSecurity,
    ];

    /// Human-readable name, as shown in reports.
    pub fn title(self) -> &'static str {
        match self {
            Category::Authentication => "Authentication",
            Category::Bola => "BOLA",
            Category::Bfla => "BFLA",
            Category::PropertyAuthorization => "Property Authorization",
            Category::InputValidation => "Input Validation",
            Category::RateLimiting => "Rate Limiting",
            Category::DataExposure => "Data Exposure",
            Category::Encryption => "Encryption",
            Category::Ssrf => "SSRF",
            Category::InventoryManagement => "Inventory Management",
            Category::UnsafeConsumption => "Unsafe Consumption",
            Category::LlmSecurity => "LLM/AI Security",
        }
    }

    /// Machine id, as used in JSON and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Category::Authentication => "authentication",
            Category::Bola => "bola",
            Category::Bfla => "bfla",
            Category::PropertyAuthorization => "property_authorization",
            Category::InputValidation => "input_validation",
            Category::RateLimiting => "rate_limiting",
            Category::DataExposure => "data_exposure",
            Category::Encryption => "encryption",
            Category::Ssrf => "ssrf",
            Category::InventoryManagement => "inventory_management",
            Category::UnsafeConsumption => "unsafe_consumption",
            Category::LlmSecurity => "llm_security",
        }
    }

    /// The two-letter prefix of every rule code in this category.
    pub fn code_prefix(self) -> &'static str {
        match self {
            Category::Authentication => "AU",
            Category::Bola => "BO",
            Category::Bfla => "BF",
            Category::PropertyAuthorization => "PA",
            Category::InputValidation => "IV",
            Category::RateLimiting => "RL",
            Category::DataExposure => "DE",
            Category::Encryption => "EN",
            Category::Ssrf => "SS",
            Category::InventoryManagement => "IN",
            Category::UnsafeConsumption => "UC",
            Category::LlmSecurity => "AI",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace(['-', ' ', '/'], "_");
        Category::ALL
            .into_iter()
            .find(|c| c.id() == wanted || c.code_prefix().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| format!("unknown category '{s}'"))
    }
}
