//! Sending one invoice over WhatsApp from its row: compose (preview, editable for this send),
//! queue through the outbox, follow the result; the invoice's message history; receipts.

use crate::domain::{
    dates::LocalTime,
    messages::TemplateKind,
    sending::{ItemState, QuietHours, Waves},
};
use serde::{Deserialize, Serialize};

/// What the WhatsApp modal shows before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compose {
    pub invoice_id: i32,
    pub invoice_number: String,
    pub period_label: String,
    pub customer_name: String,
    pub customer_code: String,
    pub wa_number: Option<String>,
    /// What the customer owes now (every open month).
    pub total: i64,
    pub due_now: i64,
    /// Months with something still open (the statement lists them all).
    pub open_months: u32,
    /// The template of this message, and the one the statement's oldest invoice suggests.
    pub kind: TemplateKind,
    pub suggested: TemplateKind,
    /// The rendered message, exactly as it will be sent unless edited.
    pub text: String,
    /// Why it cannot be sent to this customer (no usable number, not on WhatsApp).
    pub problem: Option<String>,
    /// When this customer last got this stage today (any job or button).
    pub sent_recently: Option<LocalTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Queued {
    Queued {
        job_id: i32,
        item_id: i32,
    },
    /// The same template went to this invoice at `last` (within 24 h): ask first.
    NeedsConfirmation {
        last: LocalTime,
    },
}

/// A queued message's progress, for the modal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendState {
    pub item_id: i32,
    pub job_id: i32,
    pub state: ItemState,
    pub wa_message_id: Option<String>,
    pub error: Option<String>,
    /// Why it is still waiting (retrying, paused, ...).
    pub waiting: Option<String>,
    /// WhatsApp's delivery tick (`tick_label` reads it).
    pub ack: Option<i16>,
}

impl SendState {
    /// Nothing more will happen to it without the admin.
    pub fn finished(&self) -> bool {
        self.state.is_final()
    }
}

/// One message in an invoice's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRow {
    pub item_id: i32,
    pub job_id: i32,
    /// Sent, or else queued.
    pub when: LocalTime,
    pub template: Option<TemplateKind>,
    pub state: ItemState,
    pub ack: Option<i16>,
    pub error: Option<String>,
    pub wa_message_id: Option<String>,
    pub body: String,
}

/// Which template a bulk send uses: by each invoice's due state, or one for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateChoice {
    Auto,
    Kind(TemplateKind),
}

/// "Kirim Semua via WhatsApp" with the table's current filter: one statement per customer
/// whose invoices the filter selects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRequest {
    pub query: crate::dto::invoices::InvoiceQuery,
    pub template: TemplateChoice,
    /// `original` (2 s), `safe` (random 30–60 s) or `custom`.
    pub pacing: String,
    pub delay_secs: String,
    pub jitter_secs: String,
    /// Customers who share one WhatsApp number get one message covering each statement.
    #[serde(default = "yes")]
    pub combine_shared: bool,
}

fn yes() -> bool {
    true
}

/// Why a selected customer gets no message in a bulk send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SkipReason {
    /// Owes nothing now.
    Settled,
    NoNumber,
    Invalid,
    NotOnWhatsApp,
    /// Got this stage of statement today already (any job or button).
    SentToday,
}

impl SkipReason {
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::Settled => "Tidak ada tagihan terbuka",
            SkipReason::NoNumber => "Belum ada nomor WhatsApp",
            SkipReason::Invalid => "Nomor tidak valid",
            SkipReason::NotOnWhatsApp => "Nomor tidak terdaftar di WhatsApp",
            SkipReason::SentToday => "Sudah dikirimi pesan yang sama hari ini",
        }
    }
}

/// A customer left out of a bulk send, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub customer_code: String,
    pub customer_name: String,
    pub reason: SkipReason,
}

/// What a bulk send would do, for the modal. Counts are of customers unless named otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkPlan {
    /// Invoices the filter selects.
    pub selected_invoices: u64,
    /// Their customers.
    pub customers: u64,
    /// Customers who will get their statement.
    pub ready: u64,
    /// Open invoices those statements list (every open month, not only the selected ones).
    pub ready_invoices: u64,
    /// Messages to send: fewer than `ready` when customers share a number.
    pub messages: u64,
    /// Numbers shared by more than one ready customer, and those customers.
    pub shared_numbers: u64,
    pub shared_customers: u64,
    pub combine_shared: bool,
    /// Owe nothing now.
    pub closed: u64,
    pub no_number: u64,
    pub invalid: u64,
    pub not_on_whatsapp: u64,
    /// Already got this stage of statement today.
    pub sent_today: u64,
    /// Who is left out, and why (the first 100).
    pub skipped: Vec<Skipped>,
    pub first_preview: Option<String>,
    pub first_to: Option<String>,
    /// Seconds to send them all at the chosen pace.
    pub eta_secs: i64,
    pub daily_cap: Option<u32>,
    pub quiet: Option<QuietHours>,
    /// Rests between waves (counted in `eta_secs`).
    pub waves: Option<Waves>,
    /// Quiet hours / daily cap holding messages back right now.
    pub held_now: Option<crate::dto::sending::HoldView>,
    /// The sending number's warm-up today, in words (it caps today's messages).
    pub warmup: Option<String>,
}
