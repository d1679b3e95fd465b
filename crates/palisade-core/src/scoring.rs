//! The score: 0–100, a letter grade, and a score per category.
//!
//! The formula is documented in `docs/scoring.md`; keep the two in step.
//! It is deterministic: the same findings always give the same score.

use crate::{Category, CategoryScore, Confidence, Finding, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
    F,
}

impl Grade {
    pub fn from_score(score: u8) -> Grade {
        match score {
            90..=100 => Grade::A,
            80..=89 => Grade::B,
            70..=79 => Grade::C,
            60..=69 => Grade::D,
            _ => Grade::F,
        }
    }

    /// Lowest score that earns this grade.
    pub fn floor(self) -> u8 {
        match self {
            Grade::A => 90,
            Grade::B => 80,
            Grade::C => 70,
            Grade::D => 60,
            Grade::F => 0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::F => "F",
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Grade {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" => Ok(Grade::A),
            "B" => Ok(Grade::B),
            "C" => Ok(Grade::C),
            "D" => Ok(Grade::D),
            "F" => Ok(Grade::F),
            _ => Err(format!("unknown grade '{s}' (expected A, B, C, D or F)")),
        }
    }
}

/// What the API handles; changes category weights (see `docs/scoring.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Context {
    #[default]
    General,
    Financial,
    Medical,
    Public,
    Internal,
}

impl FromStr for Context {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "general" | "default" => Ok(Context::General),
            "financial" => Ok(Context::Financial),
            "medical" => Ok(Context::Medical),
            "public" => Ok(Context::Public),
            "internal" => Ok(Context::Internal),
            _ => Err(format!("unknown context '{s}' (expected financial, medical, public, internal or general)")),
        }
    }
}

/// Points one finding takes off its category score before confidence and
/// repetition are applied.
pub fn severity_penalty(s: Severity) -> f64 {
    match s {
        Severity::Critical => 40.0,
        Severity::High => 20.0,
        Severity::Medium => 8.0,
        Severity::Low => 3.0,
        Severity::Info => 0.0,
    }
}

pub fn confidence_factor(c: Confidence) -> f64 {
    match c {
        Confidence::High => 1.0,
        Confidence::Medium => 0.7,
        Confidence::Low => 0.4,
    }
}

/// Base weight of each category in the overall score (sums to 100).
pub fn base_weight(c: Category) -> f64 {
    match c {
        Category::Authentication => 12.0,
        Category::Bola => 12.0,
        Category::Bfla => 9.0,
        Category::PropertyAuthorization => 8.0,
        Category::InputValidation => 8.0,
        Category::RateLimiting => 6.0,
        Category::DataExposure => 12.0,
        Category::Encryption => 8.0,
        Category::Ssrf => 7.0,
        Category::InventoryManagement => 6.0,
        Category::UnsafeConsumption => 5.0,
        Category::LlmSecurity => 7.0,
    }
}

/// Category weight after the `--context` multiplier.
pub fn weight(c: Category, ctx: Context) -> f64 {
    use Category::*;
    let m = match (ctx, c) {
        (Context::Financial, DataExposure | Authentication | Bola | Encryption) => 1.5,
        (Context::Medical, DataExposure | PropertyAuthorization | Encryption | Bola) => 1.5,
        (Context::Public, RateLimiting | InventoryManagement | Authentication) => 1.5,
        (Context::Internal, Encryption | InventoryManagement | RateLimiting) => 0.5,
        _ => 1.0,
    };
    base_weight(c) * m
}

/// Highest overall score allowed while a finding of this severity is open:
/// a single critical caps the grade at D, a high at B.
pub fn severity_cap(s: Severity) -> u8 {
    match s {
        Severity::Critical => 64,
        Severity::High => 84,
        _ => 100,
    }
}

/// The result of scoring a set of findings.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub score: u8,
    pub grade: Grade,
    pub categories: Vec<CategoryScore>,
}

/// Score a set of findings. `assessed` lists the categories whose checks ran;
/// the rest are reported as not assessed and left out of the overall score.
pub fn score(findings: &[Finding], assessed: &[Category], ctx: Context) -> Score {
    // Penalties per rule, largest first, so repetition discounts the smaller ones.
    let mut per_rule: BTreeMap<(&str, Category), Vec<f64>> = BTreeMap::new();
    for f in findings {
        let p = severity_penalty(f.severity) * confidence_factor(f.confidence);
        per_rule.entry((f.rule.as_str(), f.category)).or_default().push(p);
    }
    let mut penalty: BTreeMap<Category, f64> = BTreeMap::new();
    for ((_, cat), mut ps) in per_rule {
        ps.sort_by(|a, b| b.total_cmp(a));
        // k-th repeat of a rule counts 1/2^k: ten copies of one issue weigh
        // less than two different issues.
        let sum: f64 = ps.iter().enumerate().map(|(k, p)| p / 2f64.powi(k as i32)).sum();
        *penalty.entry(cat).or_default() += sum;
    }

    let mut categories = Vec::with_capacity(12);
    let (mut weighted, mut total_weight) = (0.0, 0.0);
    for cat in Category::ALL {
        let is_assessed = assessed.contains(&cat);
        let s = (100.0 - penalty.get(&cat).copied().unwrap_or(0.0)).clamp(0.0, 100.0);
        let s = s.round() as u8;
        let count = findings.iter().filter(|f| f.category == cat).count();
        let mut grade = Grade::from_score(s);
        if let Some(worst) = findings.iter().filter(|f| f.category == cat).map(|f| f.severity).max() {
            grade = grade.max(Grade::from_score(severity_cap(worst)));
        }
        if is_assessed {
            weighted += weight(cat, ctx) * s as f64;
            total_weight += weight(cat, ctx);
        }
        categories.push(CategoryScore { category: cat, score: s, grade, findings: count, assessed: is_assessed });
    }

    let mut overall = if total_weight > 0.0 { (weighted / total_weight).round() as u8 } else { 100 };
    if let Some(worst) = findings.iter().map(|f| f.severity).max() {
        overall = overall.min(severity_cap(worst));
    }
    Score { score: overall, grade: Grade::from_score(overall), categories }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleMeta;

    const DE: RuleMeta = RuleMeta {
        code: "DE001",
        name: "t",
        title: "t",
        category: Category::DataExposure,
        default_severity: Severity::High,
        owasp: "API3:2023",
        cwe: &[200],
        pci_dss: "",
        soc2: "",
        what: "",
        why: "",
        example: "",
        remediation: "",
        references: &[],
        active: false,
    };

    fn f(sev: Severity, n: &str) -> Finding {
        Finding::new(&DE, n, "m", n).severity(sev)
    }

    #[test]
    fn no_findings_is_a_perfect_a() {
        let s = score(&[], &Category::ALL, Context::General);
        assert_eq!((s.score, s.grade), (100, Grade::A));
    }

    #[test]
    fn a_single_critical_caps_the_grade_at_d() {
        let s = score(&[f(Severity::Critical, "a")], &Category::ALL, Context::General);
        assert_eq!(s.score, 64);
        assert_eq!(s.grade, Grade::D);
    }

    #[test]
    fn repeats_have_diminishing_returns() {
        let one = score(&[f(Severity::Medium, "a")], &Category::ALL, Context::General);
        let ten: Vec<_> = (0..10).map(|i| f(Severity::Medium, &i.to_string())).collect();
        let ten = score(&ten, &Category::ALL, Context::General);
        let de = |s: &Score| s.categories.iter().find(|c| c.category == Category::DataExposure).unwrap().score;
        assert_eq!(de(&one), 92);
        // 8 * (1 + 1/2 + 1/4 + ...) < 16
        assert_eq!(de(&ten), 84);
    }

    #[test]
    fn financial_context_weighs_data_exposure_more() {
        let fs = [f(Severity::Medium, "a"), f(Severity::Low, "b")];
        let g = score(&fs, &Category::ALL, Context::General).score;
        let fin = score(&fs, &Category::ALL, Context::Financial).score;
        assert!(fin <= g, "{fin} should not exceed {g}");
    }

    #[test]
    fn unassessed_categories_do_not_count() {
        let s = score(&[], &[Category::DataExposure], Context::General);
        assert_eq!(s.categories.iter().filter(|c| c.assessed).count(), 1);
    }
}
