//! Pengiriman: every send job, its live progress, the report per recipient and the controls.
//! The work runs on the server; this page only watches it.

use crate::{
    api::sending::{ControlJob, ResolveItem, get_job, job_items, list_jobs},
    components::{poll::use_tick, progress::JobProgressBar},
    domain::{
        dates::format_local,
        sending::{ItemState, JobAction, JobState, tick_label},
    },
    dto::sending::{ItemView, JobView},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

#[component]
pub fn SendingPage() -> impl IntoView {
    let tick = use_tick(3000);
    let jobs = Resource::new(move || tick.get(), |_| list_jobs());
    view! {
        <Title text="Pengiriman" />
        <section class="page">
            <header class="page-header">
                <h1>"Pengiriman"</h1>
                <p class="page-sub">
                    "Pesan WhatsApp dikirim oleh server. Menutup halaman ini tidak menghentikan pengiriman."
                </p>
            </header>
            <Transition fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || {
                    jobs.get()
                        .map(|r| match r {
                            Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                            Ok(list) if list.is_empty() => {
                                view! {
                                    <div class="card empty-state">
                                        <p class="empty-title">"Belum ada pengiriman."</p>
                                        <p>
                                            "Kirim tagihan dari halaman Tagihan: satu per satu dengan tombol WhatsApp, atau semuanya dengan “Kirim Semua via WhatsApp”."
                                        </p>
                                    </div>
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <ul class="job-list">
                                        {list
                                            .into_iter()
                                            .map(|j| {
                                                let href = format!("/pengiriman/{}", j.id);
                                                view! {
                                                    <li>
                                                        <A href=href attr:class="job-link">
                                                            <JobSummary job=j />
                                                        </A>
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
        </section>
    }
}

fn job_class(state: JobState) -> &'static str {
    match state {
        JobState::Running => "badge badge-info",
        JobState::Queued => "badge",
        JobState::Paused => "badge badge-warn",
        JobState::Done => "badge badge-ok",
        JobState::Cancelled => "badge badge-muted",
    }
}

fn item_class(state: ItemState) -> &'static str {
    match state {
        ItemState::Sending => "badge badge-info",
        ItemState::Pending => "badge",
        ItemState::Unknown => "badge badge-warn",
        ItemState::Sent => "badge badge-ok",
        ItemState::Failed => "badge badge-danger",
        ItemState::Cancelled | ItemState::Skipped => "badge badge-muted",
    }
}

#[component]
fn JobSummary(job: JobView) -> impl IntoView {
    let c = job.counts;
    view! {
        <div class="card job-card" data-job=job.id>
            <div class="job-head">
                <strong>{format!("{} #{}", job.template_label(), job.id)}</strong>
                <span class=job_class(job.state)>{job.state.label()}</span>
            </div>
            <p class="muted job-meta">
                {format_local(&job.created_at)} " · " {format!("{} penerima", c.total())} " · "
                {job.pacing.label()}
            </p>
            <JobProgressBar counts=c />
            {job.eta_label().map(|e| view! { <p class="muted">"Perkiraan selesai dalam " {e}</p> })}
            {job.hold.clone().map(|h| view! { <p class="alert alert-warn">{h.describe()}</p> })}
            {job
                .pause_detail
                .clone()
                .filter(|_| job.state == JobState::Paused)
                .map(|d| {
                    let note = if job.auto_resume {
                        " Akan dilanjutkan otomatis setelah WhatsApp aktif kembali."
                    } else {
                        ""
                    };
                    view! { <p class="alert alert-warn">"Dijeda: " {d} {note}</p> }
                })}
        </div>
    }
}

/// The report's filter choices; `None` = every state.
const FILTERS: [Option<ItemState>; 7] = [
    None,
    Some(ItemState::Sent),
    Some(ItemState::Failed),
    Some(ItemState::Unknown),
    Some(ItemState::Pending),
    Some(ItemState::Cancelled),
    Some(ItemState::Skipped),
];

#[component]
pub fn SendJobPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let tick = use_tick(2000);
    let control = ServerAction::<ControlJob>::new();
    let resolve = ServerAction::<ResolveItem>::new();
    let (filter, set_filter) = signal(None::<ItemState>);
    let (page, set_page) = signal(1u64);
    let (confirm_cancel, set_confirm_cancel) = signal(false);

    let job = Resource::new(
        move || {
            (
                id(),
                tick.get(),
                control.version().get(),
                resolve.version().get(),
            )
        },
        |(id, _, _, _)| get_job(id),
    );
    let items = Resource::new(
        move || {
            (
                id(),
                filter.get(),
                page.get(),
                tick.get(),
                control.version().get(),
                resolve.version().get(),
            )
        },
        |(id, f, p, _, _, _)| job_items(id, f, p),
    );
    let last_action = RwSignal::new(None::<JobAction>);
    let act = move |action: JobAction| {
        last_action.set(Some(action));
        control.dispatch(ControlJob { id: id(), action });
    };
    let message = move || {
        let action = last_action.get();
        control.value().get().map(|r| match r {
            Ok(n) => {
                let m = action.map(|a| a.done_message(n)).unwrap_or_default();
                view! { <div class="alert alert-ok" role="status">{m}</div> }.into_any()
            }
            Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }
                .into_any(),
        })
    };

    view! {
        <Title text="Detail pengiriman" />
        <section class="page">
            <header class="page-header">
                <h1>"Pengiriman #" {id}</h1>
                <A href="/pengiriman" attr:class="btn btn-ghost">
                    "← Semua pengiriman"
                </A>
            </header>
            {message}
            <Transition fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || {
                    job.get()
                        .map(|r| match r {
                            Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                            Ok(j) => {
                                let state = j.state;
                                let failed = j.counts.failed;
                                let active = j.is_active();
                                let csv = format!("/pengiriman/{}/laporan.csv", j.id);
                                view! {
                                    <JobSummary job=j />
                                    <div class="toolbar">
                                        <Show when=move || matches!(state, JobState::Queued | JobState::Running)>
                                            <button class="btn" on:click=move |_| act(JobAction::Pause)>
                                                "Jeda"
                                            </button>
                                        </Show>
                                        <Show when=move || state == JobState::Paused>
                                            <button class="btn btn-primary" on:click=move |_| act(JobAction::Resume)>
                                                "Lanjutkan"
                                            </button>
                                        </Show>
                                        <Show when=move || active>
                                            <Show
                                                when=move || confirm_cancel.get()
                                                fallback=move || {
                                                    view! {
                                                        <button class="btn btn-ghost" on:click=move |_| set_confirm_cancel.set(true)>
                                                            "Batalkan"
                                                        </button>
                                                    }
                                                }
                                            >
                                                <span class="confirm">
                                                    "Batalkan semua pesan yang belum terkirim? "
                                                    <button
                                                        class="btn btn-danger"
                                                        on:click=move |_| {
                                                            set_confirm_cancel.set(false);
                                                            act(JobAction::Cancel);
                                                        }
                                                    >
                                                        "Ya, batalkan"
                                                    </button>
                                                    <button class="btn btn-ghost" on:click=move |_| set_confirm_cancel.set(false)>
                                                        "Tidak"
                                                    </button>
                                                </span>
                                            </Show>
                                        </Show>
                                        <Show when=move || { failed > 0 }>
                                            <button class="btn" on:click=move |_| act(JobAction::ResendFailed)>
                                                "Kirim ulang yang gagal"
                                            </button>
                                        </Show>
                                        <a class="btn btn-ghost" href=csv.clone() download="" rel="external">
                                            "Unduh laporan (CSV)"
                                        </a>
                                    </div>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>

            <div class="card report">
                <div class="report-head">
                    <h2>"Laporan per penerima"</h2>
                    <label class="inline-field">
                        "Tampilkan "
                        <select
                            aria-label="Saring status"
                            on:change=move |ev| {
                                set_filter.set(ItemState::parse(&event_target_value(&ev)));
                                set_page.set(1);
                            }
                        >
                            {FILTERS
                                .iter()
                                .map(|f| {
                                    let (value, label) = f.map_or(("", "Semua"), |s| (s.as_str(), s.label()));
                                    view! { <option value=value>{label}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                </div>
                <Transition fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                    {move || {
                        items.get()
                            .map(|r| match r {
                                Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                                Ok(p) if p.items.is_empty() => {
                                    view! { <p class="muted">"Tidak ada penerima dengan status ini."</p> }.into_any()
                                }
                                Ok(p) => {
                                    let pages = p.total.div_ceil(p.per_page).max(1);
                                    let current = p.page;
                                    view! {
                                        <table class="table report-table">
                                            <thead>
                                                <tr>
                                                    <th>"Pelanggan"</th>
                                                    <th>"Nomor"</th>
                                                    <th>"Status"</th>
                                                    <th>"Alasan"</th>
                                                    <th>"ID pesan"</th>
                                                    <th>"Tanda terima"</th>
                                                    <th>"Waktu"</th>
                                                    <th></th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {p.items
                                                    .into_iter()
                                                    .map(|i| view! { <ItemRow item=i resolve /> })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                        <div class="pager">
                                            <button
                                                class="btn btn-ghost"
                                                disabled={current <= 1}
                                                on:click=move |_| set_page.update(|p| *p = p.saturating_sub(1).max(1))
                                            >
                                                "← Sebelumnya"
                                            </button>
                                            <span>{format!("Halaman {current} dari {pages} · {} penerima", p.total)}</span>
                                            <button
                                                class="btn btn-ghost"
                                                disabled={current >= pages}
                                                on:click=move |_| set_page.update(|p| *p += 1)
                                            >
                                                "Berikutnya →"
                                            </button>
                                        </div>
                                    }
                                        .into_any()
                                }
                            })
                    }}
                </Transition>
            </div>
        </section>
    }
}

#[component]
fn ItemRow(item: ItemView, resolve: ServerAction<ResolveItem>) -> impl IntoView {
    let id = item.id;
    let unknown = item.state == ItemState::Unknown;
    view! {
        <tr data-item=id data-state=item.state.as_str()>
            <td data-label="Pelanggan">
                {item.customer.clone().unwrap_or_else(|| "—".into())}
                {item.customer_code.clone().map(|c| view! { <span class="muted">" " {c}</span> })}
            </td>
            <td data-label="Nomor">{item.wa_number.clone()}</td>
            <td data-label="Status">
                <span class=item_class(item.state)>{item.state.label()}</span>
            </td>
            <td data-label="Alasan">
                {item.reason.clone().unwrap_or_default()}
                {item.note.clone().map(|n| view! { <span class="small note" data-testid="item-note">{n}</span> })}
            </td>
            <td data-label="ID pesan" class="mono">
                {item.wa_message_id.clone().unwrap_or_default()}
            </td>
            <td data-label="Tanda terima">{tick_label(item.ack).unwrap_or_default()}</td>
            <td data-label="Waktu">{item.sent_at.as_ref().map(format_local).unwrap_or_default()}</td>
            <td>
                <Show when=move || unknown>
                    <span class="row-actions">
                        <button
                            class="btn btn-small"
                            on:click=move |_| {
                                resolve.dispatch(ResolveItem { item_id: id, resend: true });
                            }
                        >
                            "Kirim ulang"
                        </button>
                        <button
                            class="btn btn-small btn-ghost"
                            on:click=move |_| {
                                resolve.dispatch(ResolveItem { item_id: id, resend: false });
                            }
                        >
                            "Sudah diterima"
                        </button>
                    </span>
                </Show>
            </td>
        </tr>
    }
}
