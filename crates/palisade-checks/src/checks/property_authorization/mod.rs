//! Property Authorization (PA…): sensitive and undeclared properties, mass assignment.

pub mod mass_assignment;
pub mod properties;
