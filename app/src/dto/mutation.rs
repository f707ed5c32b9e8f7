//! Cocokkan mutasi: a bank statement export, read and matched to customers.

use serde::{Deserialize, Serialize};

/// The bank's export format. `Auto` recognises the presets by their header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    #[default]
    Auto,
    /// KlikBCA Individual.
    Bca,
    /// KlikBCA Bisnis.
    BcaBisnis,
    /// Mandiri Kopra / MCM "Acc_Statement" (semicolons).
    Mandiri,
    /// Mandiri MCM, the older comma layout.
    MandiriMcm,
    /// BRI internet banking / IBBIZ.
    Bri,
    /// Columns named by the admin.
    Generic,
}

impl Preset {
    pub const CHOICES: [Preset; 7] = [
        Preset::Auto,
        Preset::Bca,
        Preset::BcaBisnis,
        Preset::Mandiri,
        Preset::MandiriMcm,
        Preset::Bri,
        Preset::Generic,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Preset::Auto => "auto",
            Preset::Bca => "bca",
            Preset::BcaBisnis => "bca_bisnis",
            Preset::Mandiri => "mandiri",
            Preset::MandiriMcm => "mandiri_mcm",
            Preset::Bri => "bri",
            Preset::Generic => "generic",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::CHOICES.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::Auto => "Kenali otomatis",
            Preset::Bca => "BCA (KlikBCA Individu)",
            Preset::BcaBisnis => "BCA (KlikBCA Bisnis)",
            Preset::Mandiri => "Mandiri (Kopra / MCM, titik koma)",
            Preset::MandiriMcm => "Mandiri (MCM lama, koma)",
            Preset::Bri => "BRI (Internet Banking / IBBIZ)",
            Preset::Generic => "Lainnya: tentukan kolomnya",
        }
    }
}

/// For [`Preset::Generic`]: the header names of the columns (case does not matter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMap {
    pub date: String,
    pub description: String,
    /// The credit (money in) column.
    pub credit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationUpload {
    pub csv: String,
    pub preset: Preset,
    #[serde(default)]
    pub columns: ColumnMap,
}

/// How a credit line was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The exact amount with a customer's unique transfer code.
    Code,
    /// What a customer owes, exactly, and their name in the description.
    NameAndAmount,
    /// A customer's name, but not the amount they owe: the admin decides.
    NameOnly,
    /// No customer found.
    None,
    /// Recorded by an earlier import of this line.
    AlreadyRecorded,
    /// The bank has not booked it yet (BCA "PEND"): import it again later.
    Pending,
}

impl MatchKind {
    pub fn label(self) -> &'static str {
        match self {
            MatchKind::Code => "Kode unik cocok",
            MatchKind::NameAndAmount => "Nama dan jumlah cocok",
            MatchKind::NameOnly => "Nama cocok, jumlah berbeda",
            MatchKind::None => "Tidak dikenali",
            MatchKind::AlreadyRecorded => "Sudah dicatat",
            MatchKind::Pending => "Belum dibukukan bank",
        }
    }

    /// Proposed for recording without the admin choosing.
    pub fn confident(self) -> bool {
        matches!(self, MatchKind::Code | MatchKind::NameAndAmount)
    }
}

/// One credit line and what Tagih proposes for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Identifies the line across imports (same line, same key).
    pub key: String,
    pub line: usize,
    /// `YYYY-MM-DD`, or empty for a pending line.
    pub date: String,
    pub description: String,
    pub amount: i64,
    pub kind: MatchKind,
    pub customer_id: Option<i32>,
    pub customer_name: Option<String>,
    /// What that customer owes now.
    pub owed: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationPreview {
    pub preset: Preset,
    pub proposals: Vec<Proposal>,
    /// Debit lines (money out), left alone.
    pub debits: usize,
    /// Rows that are not transactions or could not be read, with why.
    pub skipped: Vec<String>,
}

/// The admin's choice for one line: record it for this customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationChoice {
    pub key: String,
    pub customer_id: i32,
}

/// One payment recorded from the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedMutation {
    pub key: String,
    pub payment_id: i32,
    pub customer_id: i32,
    pub customer_name: String,
    pub amount: i64,
    /// Rupiah of the unique code written off (not counted as paid).
    pub written_off: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationResult {
    pub recorded: Vec<RecordedMutation>,
    /// Lines chosen but already recorded (an earlier import, or twice in one request).
    pub already: usize,
}
