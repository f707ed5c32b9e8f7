//! One message about one invoice: compose it (the preview the admin sees and may edit), queue
//! it through the outbox, follow its state, list an invoice's messages.

use super::{template, templates};
use crate::{
    api::messages::{Compose, MessageRow, Queued, SendState},
    api::sending::{item_state_label, tick_label},
    domain::{
        billing::InvoiceStatus,
        messages::{InvoiceFacts, PaymentFacts, TemplateKind, invoice_vars, receipt_vars},
        sending::Pacing,
    },
    error::AppError,
    server::{
        AppState,
        billing::{clock, invoices},
        engine::outbox::{self, NewItem, NewJob, state},
        entity::send_items,
        settings, waha,
    },
};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Longest message WhatsApp accepts comfortably; a template can produce no more.
pub const MAX_BODY: usize = 4_096;

/// The facts of one invoice for a message, with the detail the modal shows.
pub async fn facts(
    state: &AppState,
    invoice_id: i32,
) -> Result<(InvoiceFacts, crate::api::invoices::InvoiceDetail), AppError> {
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
        arrears_now: d.current_arrears,
        package_name: d.package_name.clone(),
        package_speed_mbps: d.package_speed_mbps,
    };
    Ok((f, d))
}

/// Why this customer cannot get a WhatsApp message, in plain Indonesian.
fn unusable(d: &crate::api::invoices::InvoiceDetail) -> Option<String> {
    if d.wa_number.is_none() || !d.phone_status.is_usable() {
        return Some("Pelanggan ini belum punya nomor WhatsApp yang valid. Perbaiki nomornya di data pelanggan.".into());
    }
    if d.wa_exists == Some(false) {
        return Some("Nomor ini tidak terdaftar di WhatsApp (hasil pemeriksaan sebelumnya). Perbaiki nomornya di data pelanggan.".into());
    }
    None
}

/// The same template for the same invoice within 24 hours (queued or sent).
async fn sent_recently(
    db: &impl ConnectionTrait,
    invoice_id: i32,
    kind: TemplateKind,
) -> Result<Option<chrono::DateTime<Utc>>, AppError> {
    let since = Utc::now() - Duration::hours(24);
    let row = send_items::Entity::find()
        .filter(send_items::Column::InvoiceId.eq(invoice_id))
        .filter(send_items::Column::TemplateKind.eq(kind.code()))
        .filter(send_items::Column::State.is_in([
            state::PENDING,
            state::SENDING,
            state::SENT,
            state::UNKNOWN,
        ]))
        .filter(send_items::Column::CreatedAt.gte(since))
        .order_by_desc(send_items::Column::CreatedAt)
        .one(db)
        .await?;
    Ok(row.map(|r| r.created_at))
}

/// The message as it would be sent: the template chosen by the invoice's due state (or the one
/// asked for), rendered with the invoice's values.
pub async fn compose(
    state: &AppState,
    invoice_id: i32,
    kind: Option<TemplateKind>,
) -> Result<Compose, AppError> {
    let (f, d) = facts(state, invoice_id).await?;
    if d.status == InvoiceStatus::Void {
        return Err(AppError::Conflict("Tagihan ini sudah dibatalkan.".into()));
    }
    let invoice_sent = sent_recently_any(&state.db, invoice_id, TemplateKind::Invoice).await?;
    let suggested = TemplateKind::for_invoice(d.days_until_due, invoice_sent);
    let kind = kind.unwrap_or(suggested);
    if kind == TemplateKind::Receipt {
        return Err(AppError::field(
            "kind",
            "Bukti pembayaran dikirim dari pencatatan pembayaran.",
        ));
    }
    let company = settings::company(&state.db).await?;
    let (body, _) = templates::body(&state.db, kind).await?;
    let vars = invoice_vars(&f, &company, d.today);
    let text = template::render(&body, &vars).map_err(|e| {
        AppError::Conflict(format!(
            "Template {} bermasalah: {e}. Perbaiki di halaman Template.",
            kind.label()
        ))
    })?;
    let tz = state.config.timezone;
    Ok(Compose {
        invoice_id,
        invoice_number: d.number.clone(),
        period_label: d.period_label.clone(),
        customer_name: d.customer_name.clone(),
        customer_code: d.customer_code.clone(),
        wa_number: d.wa_number.clone(),
        total: f.amount + f.arrears_now - f.discount,
        due_now: d.due_now,
        kind,
        suggested,
        text,
        problem: unusable(&d),
        sent_recently: sent_recently(&state.db, invoice_id, kind)
            .await?
            .map(|t| t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string()),
    })
}

/// Has any message of this kind ever gone out (or been queued) for the invoice?
async fn sent_recently_any(
    db: &impl ConnectionTrait,
    invoice_id: i32,
    kind: TemplateKind,
) -> Result<bool, AppError> {
    Ok(send_items::Entity::find()
        .filter(send_items::Column::InvoiceId.eq(invoice_id))
        .filter(send_items::Column::TemplateKind.eq(kind.code()))
        .filter(send_items::Column::State.eq(state::SENT))
        .one(db)
        .await?
        .is_some())
}

fn check_body(text: &str) -> Result<String, AppError> {
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(AppError::field("text", "Pesan tidak boleh kosong."));
    }
    if text.chars().count() > MAX_BODY {
        return Err(AppError::field(
            "text",
            format!("Pesan terlalu panjang (maksimal {MAX_BODY} karakter)."),
        ));
    }
    Ok(text)
}

/// Queues one message (the text the admin saw, perhaps edited) as a one-item job. The same
/// template for the same invoice within 24 h needs `confirm`.
pub async fn queue(
    state: &AppState,
    user_id: i32,
    invoice_id: i32,
    kind: TemplateKind,
    text: &str,
    confirm: bool,
) -> Result<Queued, AppError> {
    let text = check_body(text)?;
    let (f, d) = facts(state, invoice_id).await?;
    if let Some(problem) = unusable(&d) {
        return Err(AppError::Conflict(problem));
    }
    if d.status == InvoiceStatus::Void {
        return Err(AppError::Conflict("Tagihan ini sudah dibatalkan.".into()));
    }
    if !confirm && let Some(at) = sent_recently(&state.db, invoice_id, kind).await? {
        let when = at
            .with_timezone(&state.config.timezone)
            .format("%d/%m/%Y %H:%M")
            .to_string();
        return Ok(Queued::NeedsConfirmation { last: when });
    }
    let number = f.wa_number.clone().unwrap_or_default();
    let chat_id = d
        .wa_chat_id
        .clone()
        .unwrap_or_else(|| crate::domain::phone::chat_id(&number));
    let session = waha::settings::load(&state.db, &state.config)
        .await?
        .session;
    let job = outbox::enqueue(
        &state.db,
        NewJob {
            kind: "single",
            template_kind: kind.code().to_owned(),
            wa_session: session,
            pacing: Pacing::ORIGINAL,
            description: Some(format!("{} · {}", d.number, d.customer_name)),
            created_by: Some(user_id),
            items: vec![NewItem {
                invoice_id: Some(invoice_id),
                customer_id: Some(d.customer_id),
                wa_number: number,
                chat_id,
                body: text,
            }],
        },
    )
    .await?;
    state.engine.wake();
    let item = send_items::Entity::find()
        .filter(send_items::Column::JobId.eq(job.id))
        .one(&state.db)
        .await?
        .ok_or(AppError::Internal)?;
    Ok(Queued::Queued {
        job_id: job.id,
        item_id: item.id,
    })
}

/// Queues the payment receipt for a payment just recorded.
pub async fn queue_receipt(
    state: &AppState,
    user_id: i32,
    invoice_id: i32,
    payment: PaymentFacts,
) -> Result<Queued, AppError> {
    let (f, d) = facts(state, invoice_id).await?;
    if let Some(problem) = unusable(&d) {
        return Err(AppError::Conflict(problem));
    }
    let company = settings::company(&state.db).await?;
    let (body, _) = templates::body(&state.db, TemplateKind::Receipt).await?;
    let vars = receipt_vars(&f, &payment, &company, d.today);
    let text = template::render(&body, &vars)
        .map_err(|e| AppError::Conflict(format!("Template bukti pembayaran bermasalah: {e}.")))?;
    queue(
        state,
        user_id,
        invoice_id,
        TemplateKind::Receipt,
        &text,
        true,
    )
    .await
}

/// Where one queued message is: the modal polls this until it is sent or failed.
pub async fn item_state(db: &impl ConnectionTrait, item_id: i32) -> Result<SendState, AppError> {
    let i = send_items::Entity::find_by_id(item_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let job = crate::server::entity::send_jobs::Entity::find_by_id(i.job_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let waiting = match (i.state.as_str(), job.state.as_str()) {
        (state::PENDING, outbox::state::JOB_PAUSED) => {
            job.pause_detail.map(|d| format!("Pengiriman dijeda: {d}"))
        }
        (state::PENDING, _) if i.attempts > 0 => i.error.clone().map(|e| {
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
        state_label: item_state_label(&i.state).to_owned(),
        finished: matches!(
            i.state.as_str(),
            state::SENT | state::FAILED | state::UNKNOWN | state::CANCELLED
        ),
        state: i.state,
        wa_message_id: i.wa_message_id,
        error: i.error,
        waiting,
        tick: tick_label(i.ack).map(str::to_owned),
    })
}

/// Every message about an invoice, newest first.
pub async fn history(
    db: &impl ConnectionTrait,
    tz: chrono_tz::Tz,
    invoice_id: i32,
) -> Result<Vec<MessageRow>, AppError> {
    let rows = send_items::Entity::find()
        .filter(send_items::Column::InvoiceId.eq(invoice_id))
        .order_by_desc(send_items::Column::Id)
        .all(db)
        .await?;
    let local =
        |t: chrono::DateTime<Utc>| t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string();
    Ok(rows
        .into_iter()
        .map(|r| MessageRow {
            item_id: r.id,
            job_id: r.job_id,
            when: local(r.sent_at.unwrap_or(r.created_at)),
            template: TemplateKind::parse(&r.template_kind)
                .map(|k| k.label().to_owned())
                .unwrap_or_else(|| r.template_kind.clone()),
            state_label: item_state_label(&r.state).to_owned(),
            state: r.state,
            tick: tick_label(r.ack).map(str::to_owned),
            error: r.error,
            wa_message_id: r.wa_message_id,
            body: r.body,
        })
        .collect())
}
