//! One message about one invoice: compose it (the preview the admin sees and may edit), queue
//! it through the outbox, follow its state, list an invoice's messages.

use super::{
    statement::{self as statements, Addressee, Bodies, addressees, day_start, render},
    template, templates,
};
use crate::{
    domain::{
        billing::InvoiceStatus,
        messages::{InvoiceFacts, PaymentFacts, TemplateKind, receipt_vars},
        sending::{ItemState, JobKind, JobState, Pacing},
    },
    dto::messages::{Compose, MessageRow, Queued, SendState},
    server::messages::MessageError,
    server::{
        AppState,
        billing::{
            clock::{self, local},
            invoices,
        },
        engine::outbox::{self, NewItem, NewJob},
        entity::send_items,
        settings, waha,
    },
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Longest message WhatsApp accepts comfortably; a template can produce no more.
pub const MAX_BODY: usize = 4_096;

/// The facts of one invoice for a message, with the detail the modal shows.
pub async fn facts(
    state: &AppState,
    invoice_id: i32,
) -> Result<(InvoiceFacts, crate::dto::invoices::InvoiceDetail), MessageError> {
    let tz = state.config.timezone;
    let today = clock::today(tz);
    let d = invoices::detail(&state.db, invoice_id, today, tz).await?;
    let f = InvoiceFacts {
        customer_name: d.customer_name.clone(),
        customer_code: d.customer_code.clone(),
        wa_number: d.wa_number.clone(),
        address: d.address.clone(),
        number: d.number.clone(),
        period: d.period.clone(),
        due_date: d.due_date,
        amount: d.amount,
        discount: d.discount,
        paid: d.paid,
        arrears_now: d.other_open,
        package_name: d.package_name.clone(),
        package_speed_mbps: d.package_speed_mbps,
    };
    Ok((f, d))
}

/// The customer's statement and reach, for the invoice the admin clicked.
async fn addressee_of(
    state: &AppState,
    invoice_id: i32,
) -> Result<(crate::dto::invoices::InvoiceDetail, Addressee), MessageError> {
    let tz = state.config.timezone;
    let d = invoices::detail(&state.db, invoice_id, clock::today(tz), tz).await?;
    if matches!(d.status, InvoiceStatus::Void | InvoiceStatus::Draft) {
        return Err(MessageError::InvoiceVoid);
    }
    let a = addressees(&state.db, &[d.customer_id])
        .await?
        .remove(&d.customer_id)
        .ok_or(MessageError::NotFound)?;
    Ok((d, a))
}

/// The message as it would be sent: the customer's statement (every open invoice and what
/// they owe now), with the template its oldest open invoice calls for (or the one asked for).
pub async fn compose(
    state: &AppState,
    invoice_id: i32,
    kind: Option<TemplateKind>,
) -> Result<Compose, MessageError> {
    let (d, a) = addressee_of(state, invoice_id).await?;
    let tz = state.config.timezone;
    let today = clock::today(tz);
    let st = &a.statement;
    let sent = statements::history(&state.db, &[st.customer_id], day_start(today, tz)).await?;
    let suggested = sent.kind_for(st, today);
    let kind = kind.unwrap_or(suggested);
    if kind == TemplateKind::Receipt {
        return Err(MessageError::field(
            "kind",
            "Bukti pembayaran dikirim dari pencatatan pembayaran.",
        ));
    }
    let problem = if st.is_settled() {
        Some("Pelanggan ini tidak punya tagihan terbuka saat ini. Yang bisa dikirim hanya bukti pembayaran, dari pencatatan pembayaran.".to_owned())
    } else {
        a.reach.problem().map(str::to_owned)
    };
    let text = if st.is_settled() {
        String::new()
    } else {
        let company = settings::company(&state.db).await?;
        render(
            &state.db,
            &mut Bodies::default(),
            &[(st, kind)],
            &company,
            today,
        )
        .await?
    };
    Ok(Compose {
        invoice_id,
        invoice_number: d.number.clone(),
        period_label: d.period_label.clone(),
        customer_name: st.customer_name.clone(),
        customer_code: st.customer_code.clone(),
        wa_number: a.wa_number.clone(),
        total: st.owed(),
        due_now: st.owed(),
        open_months: st.months() as u32,
        kind,
        suggested,
        text,
        problem,
        sent_recently: sent
            .sent_today_at(st.customer_id, kind)
            .map(|t| local(t, tz)),
    })
}

fn check_body(text: &str) -> Result<String, MessageError> {
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(MessageError::field("text", "Pesan tidak boleh kosong."));
    }
    if text.chars().count() > MAX_BODY {
        return Err(MessageError::field(
            "text",
            format!("Pesan terlalu panjang (maksimal {MAX_BODY} karakter)."),
        ));
    }
    Ok(text)
}

/// One statement the admin asked to send from an invoice row.
#[derive(Debug, Clone, Copy)]
pub struct SendRequest<'a> {
    pub invoice_id: i32,
    pub kind: TemplateKind,
    /// The text as previewed, perhaps edited.
    pub text: &'a str,
    /// Send even though this customer got this stage today already.
    pub confirm: bool,
}

/// Queues the statement (the text the admin saw, perhaps edited) as a one-item job. The same
/// stage to the same customer on the same local day needs `confirm`, whichever job or button
/// sent the first. Just before it goes, the engine checks the statement again.
pub async fn queue(
    state: &AppState,
    user_id: i32,
    req: SendRequest<'_>,
) -> Result<Queued, MessageError> {
    let text = check_body(req.text)?;
    let (d, a) = addressee_of(state, req.invoice_id).await?;
    if !a.reach.is_ready() {
        return Err(MessageError::Unreachable(a.reach));
    }
    let st = &a.statement;
    if st.is_settled() {
        return Err(MessageError::NothingOwed);
    }
    let tz = state.config.timezone;
    let today = clock::today(tz);
    if !req.confirm
        && let Some(at) = statements::history(&state.db, &[st.customer_id], day_start(today, tz))
            .await?
            .sent_today_at(st.customer_id, req.kind)
    {
        return Ok(Queued::NeedsConfirmation {
            last: local(at, tz),
        });
    }
    enqueue_one(
        state,
        user_id,
        One {
            invoice_id: req.invoice_id,
            kind: req.kind,
            text,
            statement_total: Some(st.owed()),
            addressee: &a,
            description: format!("{} · {}", d.number, st.customer_name),
        },
    )
    .await
}

/// One message to queue as its own job.
struct One<'a> {
    invoice_id: i32,
    kind: TemplateKind,
    text: String,
    statement_total: Option<i64>,
    addressee: &'a Addressee,
    description: String,
}

async fn enqueue_one(state: &AppState, user_id: i32, one: One<'_>) -> Result<Queued, MessageError> {
    let a = one.addressee;
    let (Some(number), Some(chat_id)) = (a.wa_number.clone(), a.chat_id.clone()) else {
        return Err(MessageError::Unreachable(a.reach));
    };
    let session = waha::settings::load(&state.db, &state.config)
        .await?
        .session;
    let customer = a.statement.customer_id;
    let job = outbox::enqueue(
        &state.db,
        NewJob {
            kind: JobKind::Single,
            template_kind: one.kind.code().to_owned(),
            wa_session: session,
            pacing: Pacing::ORIGINAL,
            description: Some(one.description),
            created_by: Some(user_id),
            items: vec![NewItem {
                invoice_id: Some(one.invoice_id),
                customer_id: Some(customer),
                wa_number: number,
                chat_id,
                body: one.text,
                statement_total: one.statement_total,
                customers: vec![customer],
            }],
        },
    )
    .await?;
    state.engine.wake();
    let item = send_items::Entity::find()
        .filter(send_items::Column::JobId.eq(job.id))
        .one(&state.db)
        .await?
        .ok_or(MessageError::NotFound)?;
    Ok(Queued::Queued {
        job_id: job.id,
        item_id: item.id,
    })
}

/// Queues the payment receipt for a payment just recorded (not a statement: it says what was
/// received, and is sent as written).
pub async fn queue_receipt(
    state: &AppState,
    user_id: i32,
    invoice_id: i32,
    payment: PaymentFacts,
) -> Result<Queued, MessageError> {
    let (f, d) = facts(state, invoice_id).await?;
    let (_, a) = addressee_of(state, invoice_id).await?;
    if !a.reach.is_ready() {
        return Err(MessageError::Unreachable(a.reach));
    }
    let company = settings::company(&state.db).await?;
    let (body, _) = templates::body(&state.db, TemplateKind::Receipt).await?;
    let vars = receipt_vars(&f, &payment, &company, d.today);
    let text = template::render(&body, &vars).map_err(|error| MessageError::Template {
        kind: TemplateKind::Receipt,
        error,
    })?;
    enqueue_one(
        state,
        user_id,
        One {
            invoice_id,
            kind: TemplateKind::Receipt,
            text: check_body(&text)?,
            statement_total: None,
            addressee: &a,
            description: format!("Bukti bayar · {} · {}", d.number, d.customer_name),
        },
    )
    .await
}

/// Where one queued message is: the modal polls this until it is sent or failed.
pub async fn item_state(
    db: &impl ConnectionTrait,
    item_id: i32,
) -> Result<SendState, MessageError> {
    let i = send_items::Entity::find_by_id(item_id)
        .one(db)
        .await?
        .ok_or(MessageError::NotFound)?;
    let job = crate::server::entity::send_jobs::Entity::find_by_id(i.job_id)
        .one(db)
        .await?
        .ok_or(MessageError::NotFound)?;
    let state = ItemState::parse(&i.state).unwrap_or(ItemState::Failed);
    let waiting = match (state, JobState::parse(&job.state)) {
        (ItemState::Pending, Some(JobState::Paused)) => {
            job.pause_detail.map(|d| format!("Pengiriman dijeda: {d}"))
        }
        (ItemState::Pending, _) if i.attempts > 0 => i.error.clone().map(|e| {
            format!(
                "Percobaan {} gagal ({e}); dicoba lagi otomatis.",
                i.attempts
            )
        }),
        _ => None,
    };
    Ok(SendState {
        item_id,
        job_id: i.job_id,
        state,
        wa_message_id: i.wa_message_id,
        error: i.error,
        waiting,
        ack: i.ack,
    })
}

/// Every message about an invoice, newest first.
pub async fn history(
    db: &impl ConnectionTrait,
    tz: chrono_tz::Tz,
    invoice_id: i32,
) -> Result<Vec<MessageRow>, MessageError> {
    let rows = send_items::Entity::find()
        .filter(send_items::Column::InvoiceId.eq(invoice_id))
        .order_by_desc(send_items::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| MessageRow {
            item_id: r.id,
            job_id: r.job_id,
            when: local(r.sent_at.unwrap_or(r.created_at), tz),
            template: TemplateKind::parse(&r.template_kind),
            state: ItemState::parse(&r.state).unwrap_or(ItemState::Failed),
            ack: r.ack,
            error: r.error,
            wa_message_id: r.wa_message_id,
            body: r.body,
        })
        .collect())
}
