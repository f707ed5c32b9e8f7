//! Messages: templates, the values they are rendered with, and sending one message.

pub mod bulk;
pub mod error;
pub mod queue;
pub mod receipt;
pub mod recheck;
pub mod send;
pub mod statement;
pub mod template;
pub mod templates;
pub mod vars;

pub use error::MessageError;
