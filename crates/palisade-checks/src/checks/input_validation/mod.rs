//! Input Validation (IV…): CORS, methods, injection signals, reflected XSS, content types, GraphQL surface.

pub mod graphql;
pub mod injection;
pub mod surface;
