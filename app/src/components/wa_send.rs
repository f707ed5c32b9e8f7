//! The green WhatsApp button on an invoice, its modal (who, which template, the message exactly
//! as it will be sent — editable for this send only — and the WhatsApp status), and the
//! result: sent with WhatsApp's message id, or the failure in plain Indonesian.

use crate::{
    api::{
        messages::{SendMessage, SendReceipt, compose_message, message_state},
        whatsapp::wa_status,
    },
    components::{form::form_error, modal::Modal, wa_preview::WaPreview},
    domain::{
        dates::{format_clock, format_local},
        messages::{TemplateKind, char_count},
        money::rupiah,
        sending::{ItemState, tick_label},
        whatsapp::SessionStatus,
    },
    dto::messages::{Compose, MessageRow, Queued},
    error::AppError,
};
use leptos::prelude::*;

/// The button for a row. `usable`: the customer has a number a message can go to.
#[component]
pub fn WaSendButton(invoice_id: i32, usable: bool) -> impl IntoView {
    let (open, set_open) = signal(false);
    view! {
        <Show
            when=move || usable
            fallback=|| view! { <span class="muted small wa-none" title="Tidak ada nomor WhatsApp">"Tanpa WA"</span> }
        >
            <button
                type="button"
                class="btn btn-wa btn-sm"
                data-testid="wa-button"
                on:click=move |_| set_open.set(true)
            >
                <span aria-hidden="true">"✆"</span>
                " WhatsApp"
            </button>
        </Show>
        <Show when=move || open.get()>
            <WaSendModal invoice_id on_close=Callback::new(move |_| set_open.set(false)) />
        </Show>
    }
}

#[component]
pub fn WaSendModal(invoice_id: i32, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let kind = RwSignal::new(None::<TemplateKind>);
    let composed = Resource::new(move || kind.get(), move |k| compose_message(invoice_id, k));
    // Asked live from WAHA (the cached status may be stale when no webhook is registered), and
    // again every few seconds while the modal is open.
    let tick = crate::components::poll::use_tick(5000);
    let wa = Resource::new(move || tick.get(), |_| wa_status());
    view! {
        <Modal title="Kirim via WhatsApp" title_id="wa-title" wide=true on_close>
            <Transition fallback=|| view! { <p class="muted">"Menyiapkan pesan…"</p> }>
                {move || {
                    composed
                        .get()
                        .map(|r| match r {
                            Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                            Ok(c) => {
                                let status = Signal::derive(move || {
                                    wa.get().and_then(Result::ok).and_then(|s| s.status)
                                });
                                let label = Signal::derive(move || {
                                    wa.get()
                                        .and_then(Result::ok)
                                        .map(|s| s.label())
                                        .unwrap_or_else(|| "belum diketahui".into())
                                });
                                view! { <ComposeForm c kind status label on_close /> }.into_any()
                            }
                        })
                }}
            </Transition>
        </Modal>
    }
}

#[component]
fn ComposeForm(
    c: Compose,
    kind: RwSignal<Option<TemplateKind>>,
    status: Signal<Option<SessionStatus>>,
    label: Signal<String>,
    on_close: Callback<()>,
) -> impl IntoView {
    let text = RwSignal::new(c.text.clone());
    let send = ServerAction::<SendMessage>::new();
    let (confirming, set_confirming) = signal(None::<String>);
    let item = RwSignal::new(None::<i32>);
    Effect::new(move |_| match send.value().get() {
        Some(Ok(Queued::Queued { item_id, .. })) => item.set(Some(item_id)),
        Some(Ok(Queued::NeedsConfirmation { last })) => {
            set_confirming.set(Some(format_local(&last)))
        }
        _ => {}
    });
    let current = c.kind;
    let working = move || status.get().is_some_and(|s| s.is_working());
    let blocked = c.problem.clone();
    let can_send = {
        let blocked = blocked.clone();
        move || working() && blocked.is_none() && !send.pending().get() && item.get().is_none()
    };
    let dispatch = move |confirm: bool| {
        send.dispatch(SendMessage {
            invoice_id: c.invoice_id,
            kind: current,
            text: text.get_untracked(),
            confirm,
        });
    };
    let kinds = [
        TemplateKind::Invoice,
        TemplateKind::Reminder,
        TemplateKind::Overdue,
    ];
    view! {
        <div class="wa-compose">
            <dl class="wa-facts">
                <div>
                    <dt>"Pelanggan"</dt>
                    <dd>{c.customer_name.clone()} <span class="muted">" " {c.customer_code.clone()}</span></dd>
                </div>
                <div>
                    <dt>"Nomor WhatsApp"</dt>
                    <dd>{c.wa_number.clone().unwrap_or_else(|| "—".into())}</dd>
                </div>
                <div>
                    <dt>"Tagihan"</dt>
                    <dd>{c.invoice_number.clone()} " · " {c.period_label.clone()}</dd>
                </div>
                <div>
                    <dt>"Yang harus dibayar sekarang"</dt>
                    <dd data-testid="compose-owed">
                        <b>{rupiah(c.due_now)}</b>
                        {(c.open_months > 1).then(|| view! {
                            <span class="muted">{format!(" · {} bulan belum lunas, semua dalam satu pesan", c.open_months)}</span>
                        })}
                    </dd>
                </div>
                <div>
                    <dt>"WhatsApp"</dt>
                    <dd>
                        <span class=move || if working() { "badge badge-ok" } else { "badge badge-warn" }>
                            {move || label.get()}
                        </span>
                    </dd>
                </div>
            </dl>
            <Show when=move || !working() && item.get().is_none()>
                <div class="alert alert-warn" role="alert">
                    "WhatsApp belum aktif (" {move || label.get()} "), jadi pesan belum bisa dikirim. "
                    <a href="/whatsapp">"Buka halaman WhatsApp"</a>
                    " untuk menghubungkan."
                </div>
            </Show>
            {blocked.clone().map(|p| view! { <div class="alert alert-error" role="alert">{p}</div> })}
            <label class="field">
                <span>"Template"</span>
                <select
                    name="kind"
                    disabled=move || item.get().is_some()
                    on:change=move |ev| {
                        kind.set(TemplateKind::parse(&event_target_value(&ev)));
                    }
                >
                    {kinds
                        .into_iter()
                        .map(|k| {
                            let note = if k == c.suggested { " (sesuai tagihan terlama)" } else { "" };
                            view! {
                                <option value=k.code() selected=k == current>
                                    {format!("{}{note}", k.label())}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            {c.sent_recently.map(|when| view! {
                <p class="alert alert-warn">
                    {format!("Pelanggan ini sudah dikirimi pesan yang sama hari ini pukul {}.", format_clock(&when))}
                </p>
            })}
            <div class="wa-compose-grid">
                <label class="field">
                    <span>"Pesan (dapat diubah untuk pengiriman ini saja)"</span>
                    <textarea
                        name="text"
                        rows="12"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                        disabled=move || item.get().is_some()
                    ></textarea>
                    <span class="muted small">{move || format!("{} karakter", char_count(&text.get()))}</span>
                </label>
                <div>
                    <span class="preview-title">"Yang diterima pelanggan"</span>
                    <WaPreview text=Signal::derive(move || text.get()) />
                </div>
            </div>
            <crate::components::form::FormAlert error=form_error(send.value()) />
            {move || {
                match item.get() {
                    Some(id) => view! { <SendProgress item_id=id /> }.into_any(),
                    None => {
                        match confirming.get() {
                            Some(last) => {
                                view! {
                                    <div class="alert alert-warn" role="alert">
                                        <p>
                                            {format!("Pelanggan ini sudah dikirimi pesan yang sama hari ini ({last}). Kirim lagi?")}
                                        </p>
                                        <button type="button" class="btn btn-wa" on:click=move |_| dispatch(true)>
                                            "Ya, kirim lagi"
                                        </button>
                                        " "
                                        <button type="button" class="btn btn-ghost" on:click=move |_| set_confirming.set(None)>
                                            "Tidak"
                                        </button>
                                    </div>
                                }
                                    .into_any()
                            }
                            None => ().into_any(),
                        }
                    }
                }
            }}
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| on_close.run(())>
                    {move || if item.get().is_some() { "Tutup" } else { "Batal" }}
                </button>
                <Show when=move || item.get().is_none() && confirming.get().is_none()>
                    <button
                        type="button"
                        class="btn btn-wa"
                        disabled={
                            let can = can_send.clone();
                            move || !can()
                        }
                        on:click=move |_| dispatch(false)
                    >
                        {move || if send.pending().get() { "Memasukkan ke antrean…" } else { "Kirim via WhatsApp" }}
                    </button>
                </Show>
            </div>
        </div>
    }
}

/// Follows one queued message until it is sent or has failed.
#[component]
pub fn SendProgress(item_id: i32) -> impl IntoView {
    let tick = crate::components::poll::use_tick(1000);
    let st = Resource::new(move || tick.get(), move |_| message_state(item_id));
    view! {
        <Transition fallback=|| view! { <p class="muted">"Mengantre…"</p> }>
            {move || {
                st.get()
                    .map(|r| match r {
                        Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                        Ok(s) => {
                            let class = match s.state {
                                ItemState::Sent => "alert alert-ok send-result",
                                ItemState::Failed | ItemState::Cancelled => "alert alert-error send-result",
                                _ => "alert alert-warn send-result",
                            };
                            let finished = s.finished();
                            view! {
                                <div class=class role="status" data-state=s.state.as_str()>
                                    <strong>{s.state.label()}</strong>
                                    {s.wa_message_id.clone().map(|id| view! {
                                        <span class="small">" · ID pesan WhatsApp: " <code data-testid="wa-message-id">{id}</code></span>
                                    })}
                                    {tick_label(s.ack).map(|t| view! { <span class="small">" · " {t}</span> })}
                                    {(!finished).then(|| view! { <span class="spinner dark" aria-hidden="true"></span> })}
                                    {s.error.clone().filter(|_| finished).map(|e| view! { <p>{e}</p> })}
                                    {s.waiting.clone().map(|w| view! { <p class="small">{w}</p> })}
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

/// After a payment: offer to send the receipt over WhatsApp.
#[component]
pub fn ReceiptOffer(payment_id: i32) -> impl IntoView {
    let send = ServerAction::<SendReceipt>::new();
    let item = Signal::derive(move || match send.value().get() {
        Some(Ok(Queued::Queued { item_id, .. })) => Some(item_id),
        _ => None,
    });
    let error = Signal::derive(move || match send.value().get() {
        Some(Err(AppError::Conflict(m))) => Some(m),
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    });
    view! {
        <div class="receipt-offer">
            {move || match item.get() {
                Some(id) => view! { <SendProgress item_id=id /> }.into_any(),
                None => {
                    view! {
                        <button
                            type="button"
                            class="btn btn-wa btn-sm"
                            disabled=move || send.pending().get()
                            on:click=move |_| {
                                send.dispatch(SendReceipt { payment_id });
                            }
                        >
                            "Kirim bukti pembayaran via WhatsApp"
                        </button>
                    }
                        .into_any()
                }
            }}
            {move || error.get().map(|e| view! { <p class="field-error">{e}</p> })}
        </div>
    }
}

/// An invoice's messages, polled. Made by the page, not by [`InvoiceMessages`]: that component
/// lives inside the invoice's Suspense, whose re-renders would dispose a resource it owned
/// while the server was still rendering it.
pub fn use_invoice_messages(
    invoice_id: impl Fn() -> Option<i32> + Send + Sync + 'static,
    refresh: Signal<u32>,
) -> Resource<Result<Vec<MessageRow>, crate::error::AppError>> {
    let tick = crate::components::poll::use_tick(5000);
    Resource::new(
        move || (invoice_id(), tick.get(), refresh.get()),
        |(id, ..)| async move {
            match id {
                Some(id) => crate::api::messages::invoice_messages(id).await,
                None => Ok(Vec::new()),
            }
        },
    )
}

/// The messages sent about an invoice: when, which template, state, delivery tick, error.
#[component]
pub fn InvoiceMessages(
    rows: Resource<Result<Vec<MessageRow>, crate::error::AppError>>,
) -> impl IntoView {
    view! {
        <div class="card">
            <h2>"Pesan WhatsApp"</h2>
            <Transition fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || {
                    rows.get()
                        .map(|r| match r {
                            Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                            Ok(list) if list.is_empty() => {
                                view! { <p class="muted">"Belum ada pesan untuk tagihan ini."</p> }.into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <ul class="plain-list message-history">
                                        {list
                                            .into_iter()
                                            .map(|m| {
                                                view! {
                                                    <li data-state=m.state.as_str()>
                                                        <strong>{m.template.map_or("Pesan", TemplateKind::label)}</strong>
                                                        {format!(" · {} · ", format_local(&m.when))}
                                                        <span>{m.state.label()}</span>
                                                        {tick_label(m.ack).map(|t| view! { <span class="small">" · " {t}</span> })}
                                                        {m.error.clone().map(|e| view! { <p class="small field-error">{e}</p> })}
                                                        {if m.body.is_empty() {
                                                            view! {
                                                                <p class="small muted">"Isi pesan sudah dihapus (masa simpan pesan)."</p>
                                                            }
                                                                .into_any()
                                                        } else {
                                                            view! {
                                                                <details>
                                                                    <summary class="small">"Lihat pesan"</summary>
                                                                    <WaPreview text=Signal::derive(move || m.body.clone()) />
                                                                </details>
                                                            }
                                                                .into_any()
                                                        }}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </div>
    }
}
