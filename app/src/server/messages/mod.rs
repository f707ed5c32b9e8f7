//! Messages: templates and the values they are rendered with.

pub mod template;
pub mod templates;
pub mod vars;
