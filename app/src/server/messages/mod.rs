//! Messages: templates, the values they are rendered with, and sending one message.

pub mod bulk;
pub mod receipt;
pub mod send;
pub mod template;
pub mod templates;
pub mod vars;
