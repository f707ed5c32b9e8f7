//! "Kirim Semua via WhatsApp": the invoice table's current filter, who is ready and who is not,
//! the template, the pace, the first message exactly as it will go, then the job's progress.
//! The job runs on the server: closing this changes nothing.

use crate::{
    api::{
        messages::{SendBulk, plan_bulk},
        sending::get_job,
        whatsapp::wa_status,
    },
    components::{
        form::{FormAlert, form_error},
        modal::Modal,
        poll::use_tick,
        progress::JobProgressBar,
        wa_preview::WaPreview,
    },
    domain::{
        messages::TemplateKind,
        sending::{JobState, format_duration},
    },
    dto::{
        invoices::InvoiceQuery,
        messages::{BulkRequest, TemplateChoice},
    },
    error::AppError,
};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn BulkSendButton(#[prop(into)] query: Signal<InvoiceQuery>) -> impl IntoView {
    let (open, set_open) = signal(false);
    view! {
        <button type="button" class="btn btn-wa" on:click=move |_| set_open.set(true)>
            "Kirim Semua via WhatsApp"
        </button>
        <Show when=move || open.get()>
            <BulkSendModal query=query.get_untracked() on_close=Callback::new(move |_| set_open.set(false)) />
        </Show>
    }
}

fn template_choice(code: &str) -> TemplateChoice {
    TemplateKind::parse(code)
        .map(TemplateChoice::Kind)
        .unwrap_or(TemplateChoice::Auto)
}

#[component]
fn BulkSendModal(query: InvoiceQuery, on_close: Callback<()>) -> impl IntoView {
    let template = RwSignal::new(String::from("auto"));
    // The safe pacing unless the admin chooses otherwise (the 2 s preset says what it risks).
    let pacing = RwSignal::new(String::from("safe"));
    let delay = RwSignal::new(String::from("5"));
    let jitter = RwSignal::new(String::from("5"));
    let combine = RwSignal::new(true);
    let request = Memo::new(move |_| BulkRequest {
        query: InvoiceQuery {
            page: 1,
            ..query.clone()
        },
        template: template_choice(&template.get()),
        pacing: pacing.get(),
        delay_secs: delay.get(),
        jitter_secs: jitter.get(),
        combine_shared: combine.get(),
    });
    let plan = Resource::new(move || request.get(), plan_bulk);
    // Live from WAHA, refreshed while the modal is open: the send button follows it.
    let wa_tick = use_tick(5000);
    let wa = Resource::new(move || wa_tick.get(), |_| wa_status());
    let send = ServerAction::<SendBulk>::new();
    let job = Signal::derive(move || send.value().get().and_then(Result::ok));
    let working = Signal::derive(move || {
        wa.get()
            .and_then(Result::ok)
            .and_then(|s| s.status)
            .is_some_and(|s| s.is_working())
    });
    let wa_label = Signal::derive(move || {
        wa.get()
            .and_then(Result::ok)
            .map(|s| s.label())
            .unwrap_or_else(|| "belum diketahui".into())
    });
    let plan_error = Signal::derive(move || match plan.get() {
        Some(Err(AppError::Validation(f))) => f.0.first().map(|e| e.message.clone()),
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    });
    let ready = Signal::derive(move || {
        plan.get()
            .and_then(Result::ok)
            .map(|p| (p.ready, p.messages))
            .unwrap_or((0, 0))
    });
    let close = move |_| on_close.run(());

    view! {
        <Modal title="Kirim Semua via WhatsApp" title_id="bulk-title" wide=true on_close>
            {move || match job.get() {
                Some(id) => view! { <JobProgress job_id=id /> }.into_any(),
                None => {
                    view! {
                        <div class="bulk-form">
                            <p class="muted">
                                "Satu pesan per pelanggan dari tagihan yang tampil dengan saringan saat ini: "
                                "semua tagihan yang belum lunas dan total yang harus dibayar sekarang."
                            </p>
                            <Transition fallback=|| view! { <p class="muted">"Menghitung…"</p> }>
                                {move || plan.get().and_then(Result::ok).map(|p| view! {
                                    <p class="bulk-summary" data-testid="bulk-summary">
                                        <b data-stat="ready">{p.ready}</b>" pelanggan, "
                                        <b data-stat="ready_invoices">{p.ready_invoices}</b>" tagihan"
                                        {(p.messages != p.ready).then(|| view! {
                                            <span>" · "<b data-stat="messages">{p.messages}</b>" pesan"</span>
                                        })}
                                        <span class="muted">{format!(" (dari {} tagihan terpilih, {} pelanggan)", p.selected_invoices, p.customers)}</span>
                                    </p>
                                    <ul class="bulk-stats">
                                        <li><b data-stat="no_number">{p.no_number}</b>" tanpa nomor"</li>
                                        <li><b data-stat="invalid">{p.invalid}</b>" nomor tidak valid"</li>
                                        <li><b data-stat="not_on_whatsapp">{p.not_on_whatsapp}</b>" tidak terdaftar di WhatsApp"</li>
                                        <li><b data-stat="sent_today">{p.sent_today}</b>" sudah dikirimi pesan yang sama hari ini"</li>
                                        <li><b data-stat="closed">{p.closed}</b>" tidak punya tagihan terbuka"</li>
                                    </ul>
                                    {(p.shared_numbers > 0 || !p.combine_shared).then(|| view! {
                                        <p class="muted" data-testid="bulk-shared">
                                            {if p.combine_shared {
                                                format!("{} nomor dipakai bersama oleh {} pelanggan: masing-masing menerima satu pesan berisi tagihan semua pelanggannya.", p.shared_numbers, p.shared_customers)
                                            } else {
                                                "Pelanggan dengan nomor yang sama menerima pesan masing-masing.".to_owned()
                                            }}
                                        </p>
                                    })}
                                    {(!p.skipped.is_empty()).then(|| {
                                        let n = p.skipped.len();
                                        view! {
                                            <details class="bulk-skipped">
                                                <summary>{format!("Tidak dikirimi ({n}{})", if n >= 100 { "+" } else { "" })}</summary>
                                                <ul class="plain-list">
                                                    {p.skipped.iter().map(|s| view! {
                                                        <li>{format!("{} ({}) — {}", s.customer_name, s.customer_code, s.reason.label())}</li>
                                                    }).collect_view()}
                                                </ul>
                                            </details>
                                        }
                                    })}
                                })}
                            </Transition>
                            <p>
                                "WhatsApp: "
                                <span class=move || if working.get() { "badge badge-ok" } else { "badge badge-warn" }>
                                    {move || wa_label.get()}
                                </span>
                            </p>
                            <Show when=move || !working.get()>
                                <div class="alert alert-warn" role="alert">
                                    "Pesan hanya bisa dikirim saat WhatsApp Aktif. "
                                    <a href="/whatsapp">"Buka halaman WhatsApp"</a>
                                </div>
                            </Show>
                            <label class="field">
                                <span>"Template"</span>
                                <select name="template" on:change=move |ev| template.set(event_target_value(&ev))>
                                    <option value="auto" selected=true>"Otomatis: tagihan, pengingat atau peringatan terlambat sesuai jatuh tempo"</option>
                                    {[TemplateKind::Invoice, TemplateKind::Reminder, TemplateKind::Overdue]
                                        .into_iter()
                                        .map(|k| view! { <option value=k.code()>{k.label()}</option> })
                                        .collect_view()}
                                </select>
                            </label>
                            <label class="check">
                                <input
                                    type="checkbox"
                                    name="combine_shared"
                                    prop:checked=move || combine.get()
                                    on:change=move |ev| combine.set(event_target_checked(&ev))
                                />
                                " Satukan pesan untuk pelanggan yang memakai nomor WhatsApp yang sama"
                            </label>
                            <fieldset class="pacing">
                                <legend>"Jeda antar pesan"</legend>
                                <PacingOption value="safe" current=pacing label="Aman: acak 30–60 detik (saran WAHA untuk menghindari blokir)" />
                                <PacingOption value="original" current=pacing label="2 detik, seperti sistem lama: cepat, tetapi berisiko nomor diblokir bila pesannya banyak" />
                                <PacingOption value="custom" current=pacing label="Atur sendiri" />
                                <Show when=move || pacing.get() == "custom">
                                    <div class="field-row">
                                        <label class="field">
                                            <span>"Jeda (detik)"</span>
                                            <input name="delay_secs" inputmode="decimal" prop:value=move || delay.get()
                                                on:change=move |ev| delay.set(event_target_value(&ev)) />
                                        </label>
                                        <label class="field">
                                            <span>"Tambahan acak hingga (detik)"</span>
                                            <input name="jitter_secs" inputmode="decimal" prop:value=move || jitter.get()
                                                on:change=move |ev| jitter.set(event_target_value(&ev)) />
                                        </label>
                                    </div>
                                </Show>
                            </fieldset>
                            {move || plan_error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
                            <Transition fallback=|| ()>
                                {move || plan.get().and_then(Result::ok).map(|p| view! {
                                    <p class="muted">
                                        {format!("Perkiraan waktu: {}.", format_duration(chrono::Duration::seconds(p.eta_secs)))}
                                        {p.waves.map(|w| format!(" Termasuk {} (Pengaturan).", w.label()))}
                                        {p.daily_cap.map(|c| format!(" Batas harian {c} pesan."))}
                                        {p.quiet.map(|q| format!(" Jam tenang {}: pesan ditahan lalu dikirim setelahnya.", q.label()))}
                                    </p>
                                    {p.held_now.clone().map(|h| view! { <p class="alert alert-warn">{h.describe()}</p> })}
                                    {p.warmup.clone().map(|w| view! {
                                        <p class="alert alert-warn" data-testid="bulk-warmup">
                                            {w} ": pesan di atas batas ditahan sampai besok, lalu dikirim otomatis."
                                        </p>
                                    })}
                                    {p.first_preview.clone().map(|text| view! {
                                        <div class="bulk-preview">
                                            <span class="preview-title">
                                                "Pesan pertama, untuk " {p.first_to.clone().unwrap_or_default()}
                                            </span>
                                            <WaPreview text=Signal::derive(move || text.clone()) />
                                        </div>
                                    })}
                                })}
                            </Transition>
                            <FormAlert error=form_error(send.value()) />
                            <div class="modal-actions">
                                <button type="button" class="btn btn-ghost" on:click=close>"Batal"</button>
                                <button
                                    type="button"
                                    class="btn btn-wa"
                                    disabled=move || !working.get() || ready.get().0 == 0 || send.pending().get()
                                    on:click=move |_| {
                                        send.dispatch(SendBulk { request: request.get_untracked() });
                                    }
                                >
                                    {move || {
                                        let (customers, messages) = ready.get();
                                        if customers == messages {
                                            format!("Kirim ke {customers} Pelanggan")
                                        } else {
                                            format!("Kirim {messages} Pesan ke {customers} Pelanggan")
                                        }
                                    }}
                                </button>
                            </div>
                        </div>
                    }
                        .into_any()
                }
            }}
        </Modal>
    }
}

#[component]
fn PacingOption(
    value: &'static str,
    current: RwSignal<String>,
    label: &'static str,
) -> impl IntoView {
    view! {
        <label class="radio">
            <input
                type="radio"
                name="pacing"
                value=value
                prop:checked=move || current.get() == value
                on:change=move |_| current.set(value.to_owned())
            />
            " " {label}
        </label>
    }
}

/// The job's live progress (from the database), with a link to its full report.
#[component]
pub fn JobProgress(job_id: i32) -> impl IntoView {
    let tick = use_tick(1500);
    let job = Resource::new(move || tick.get(), move |_| get_job(job_id));
    view! {
        <div class="bulk-progress" data-job=job_id>
            <p class="muted">
                "Pengiriman berjalan di server. Menutup jendela ini atau halaman ini tidak menghentikannya."
            </p>
            <Transition fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || job.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                    Ok(j) => {
                        let c = j.counts;
                        view! {
                            <JobProgressBar counts=c />
                            <p class="muted">
                                {j.state.label()}
                                {j.eta_label().map(|e| format!(" · selesai dalam ± {e}"))}
                            </p>
                            {j.hold.clone().map(|h| view! { <p class="alert alert-warn">{h.describe()}</p> })}
                            {j.pause_detail.clone().filter(|_| j.state == JobState::Paused).map(|d| view! {
                                <p class="alert alert-warn">"Dijeda: " {d}</p>
                            })}
                        }
                            .into_any()
                    }
                })}
            </Transition>
            <div class="modal-actions">
                <A href=format!("/pengiriman/{job_id}") attr:class="btn btn-primary">"Lihat laporan lengkap"</A>
            </div>
        </div>
    }
}
