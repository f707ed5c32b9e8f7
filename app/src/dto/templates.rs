//! Template: edit the message texts, preview them against a real invoice, save or reset.

use crate::domain::messages::TemplateKind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub kind: TemplateKind,
    pub body: String,
    /// The admin's own text (false: the built-in default).
    pub custom: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub text: String,
    pub chars: usize,
    /// What the preview was rendered with (an invoice number, or "contoh").
    pub source: String,
}
