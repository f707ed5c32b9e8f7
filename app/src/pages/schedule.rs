//! Jadwal (the month's automation: next runs with what they would send now, recent runs with
//! their results, "Jalankan sekarang", "Lewati", the switch, the settings) and Tinjau tagihan
//! (the monthly run's drafts: edit an amount, remove one, add a missing customer, then
//! "Terbitkan & kirim").

use crate::{
    api::schedule::{
        AddDraft, PublishDrafts, RemoveDraft, SaveSchedule, ScheduleRunNow, ScheduleSkip,
        SetDraftAmount, SetScheduleEnabled, load_drafts, load_schedule,
    },
    components::form::{Field, FormAlert, field_error, form_error},
    domain::{
        dates::{format_date, format_local},
        money::{rupiah, thousands},
        schedule::RunMode,
    },
    dto::schedule::{NextRun, RunView},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

fn status_label(status: &str) -> &'static str {
    match status {
        "done" => "Selesai",
        "skipped" => "Dilewati",
        "missed" => "Terlewat",
        "running" => "Berjalan",
        _ => "—",
    }
}

fn action_label(kind: &str, stage: Option<&str>) -> String {
    match stage {
        Some(s) => format!("Pengingat {s}"),
        None if kind == "invoice_run" => "Tagihan bulanan".to_owned(),
        None => kind.to_owned(),
    }
}

#[component]
pub fn SchedulePage() -> impl IntoView {
    let save = ServerAction::<SaveSchedule>::new();
    let switch = ServerAction::<SetScheduleEnabled>::new();
    let run_now = ServerAction::<ScheduleRunNow>::new();
    let skip = ServerAction::<ScheduleSkip>::new();
    let page = Resource::new(
        move || {
            (
                save.version().get(),
                switch.version().get(),
                run_now.version().get(),
                skip.version().get(),
            )
        },
        |_| load_schedule(),
    );
    let saved = save.value();
    let run_error = form_error(run_now.value());
    let skip_error = form_error(skip.value());
    let switch_error = form_error(switch.value());

    view! {
        <Title text="Jadwal" />
        <section class="page">
            <header class="page-header">
                <h1>"Jadwal"</h1>
                <p class="page-sub">
                    "Tagih menjalankan bulan sendiri: tagihan dibuat pada tanggal yang ditentukan, lalu pengingat dikirim bertahap kepada pelanggan yang belum membayar."
                </p>
            </header>
            <Show when=move || matches!(run_now.value().get(), Some(Ok(_)))>
                <div class="alert alert-ok" role="status">
                    {move || run_now.value().get().and_then(Result::ok)}
                </div>
            </Show>
            <FormAlert error=run_error />
            <FormAlert error=skip_error />
            <FormAlert error=switch_error />
            <Transition fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    Ok(p) => {
                        let on = p.settings.enabled;
                        let s = p.settings.clone();
                        let stages_text = s
                            .stages
                            .iter()
                            .map(|x| x.0.to_string())
                            .collect::<Vec<_>>()
                            .join(", ");
                        view! {
                            <div class="card schedule-switch" data-enabled=on.to_string()>
                                <p>
                                    <strong>{if on { "Penjadwal menyala." } else { "Penjadwal mati." }}</strong>
                                    " "
                                    {p.last_tick.as_ref().map(|t| format!("Terakhir berjalan {}.", format_local(t)))}
                                    {p.disabled_by_env.then_some(" Server ini tidak menjalankan penjadwal (TAGIH_SCHEDULER=off).")}
                                </p>
                                <button type="button" class="btn btn-sm" class:btn-primary=!on
                                    disabled=move || switch.pending().get()
                                    on:click=move |_| { switch.dispatch(SetScheduleEnabled { on: !on }); }>
                                    {if on { "Matikan penjadwal" } else { "Nyalakan penjadwal" }}
                                </button>
                            </div>
                            {(p.drafts > 0).then(|| view! {
                                <div class="alert alert-warn" role="status">
                                    {format!("{} draf tagihan menunggu ditinjau. ", p.drafts)}
                                    <A href="/tagihan/tinjau">"Tinjau tagihan"</A>
                                </div>
                            })}
                            <h2>"Berikutnya"</h2>
                            <div class="table-card">
                                <table class="table" data-testid="next-runs">
                                    <thead><tr>
                                        <th>"Jadwal"</th><th>"Waktu"</th><th class="num">"Pelanggan"</th>
                                        <th class="row-actions"><span class="sr-only">"Aksi"</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {p.next.into_iter().map(|n| next_row(n, run_now, skip)).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <h2>"Riwayat"</h2>
                            {if p.recent.is_empty() {
                                view! { <p class="muted">"Belum ada yang dijalankan."</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-card">
                                        <table class="table" data-testid="recent-runs">
                                            <thead><tr>
                                                <th>"Jadwal"</th><th>"Tanggal"</th><th>"Status"</th>
                                                <th class="num">"Dikirim"</th><th class="num">"Dilewati"</th>
                                                <th>"Keterangan"</th>
                                            </tr></thead>
                                            <tbody>{p.recent.into_iter().map(recent_row).collect_view()}</tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }}
                            <h2>"Pengaturan jadwal"</h2>
                            <div class="card">
                                <ActionForm action=save attr:class="form" attr:novalidate=true>
                                    <FormAlert error=form_error(saved) />
                                    <Field label="Tanggal tagihan dibuat (1–28)" name="form[run_day]"
                                        value=s.run_day.to_string() error=field_error(saved, "run_day") />
                                    <Field label="Jam tagihan dibuat" name="form[run_time]"
                                        value=s.run_time.format("%H:%M").to_string() hint="Contoh: 08:00"
                                        error=field_error(saved, "run_time") />
                                    <div class="field">
                                        <label for="f-run_mode">"Setelah dibuat"</label>
                                        <select id="f-run_mode" name="form[run_mode]">
                                            <option value="drafts" selected=s.run_mode == RunMode::Drafts>
                                                "Draf: saya tinjau dulu, lalu terbitkan & kirim"
                                            </option>
                                            <option value="issue_and_send" selected=s.run_mode == RunMode::IssueAndSend>
                                                "Langsung terbitkan dan kirim"
                                            </option>
                                        </select>
                                    </div>
                                    <Field label="Tahap pengingat (hari dari jatuh tempo)" name="form[stages]"
                                        value=stages_text
                                        hint="Contoh: -3, 0, 3, 7 (H-3, hari H, H+3, H+7)"
                                        error=field_error(saved, "stages") />
                                    <Field label="Kirim mulai jam" name="form[window_start]"
                                        value=s.window_start.format("%H:%M").to_string()
                                        error=field_error(saved, "window_start") />
                                    <Field label="Kirim sampai jam" name="form[window_end]"
                                        value=s.window_end.format("%H:%M").to_string()
                                        error=field_error(saved, "window_end") />
                                    <div class="form-actions">
                                        <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                                            "Simpan jadwal"
                                        </button>
                                    </div>
                                    <Show when=move || matches!(saved.get(), Some(Ok(_)))>
                                        <p class="muted" role="status">"Jadwal disimpan."</p>
                                    </Show>
                                </ActionForm>
                            </div>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

fn next_row(
    n: NextRun,
    run_now: ServerAction<ScheduleRunNow>,
    skip: ServerAction<ScheduleSkip>,
) -> impl IntoView {
    let key = (
        n.kind.clone(),
        n.stage.clone().unwrap_or_default(),
        n.day.to_string(),
    );
    let key2 = key.clone();
    view! {
        <tr data-kind=n.kind.clone() data-stage=n.stage.clone().unwrap_or_default()>
            <td data-label="Jadwal">{action_label(&n.kind, n.stage.as_deref())}</td>
            <td data-label="Waktu">{n.summary.clone()}</td>
            <td data-label="Pelanggan" class="num">{n.customers}</td>
            <td class="row-actions">
                <button type="button" class="btn btn-ghost btn-sm"
                    disabled=move || run_now.pending().get()
                    on:click=move |_| {
                        let (kind, stage, day) = key.clone();
                        run_now.dispatch(ScheduleRunNow { kind, stage, day });
                    }>"Jalankan sekarang"</button>
                <button type="button" class="btn btn-ghost btn-sm"
                    on:click=move |_| {
                        let (kind, stage, day) = key2.clone();
                        skip.dispatch(ScheduleSkip { kind, stage, day });
                    }>"Lewati"</button>
            </td>
        </tr>
    }
}

fn recent_row(r: RunView) -> impl IntoView {
    view! {
        <tr data-status=r.status.clone()>
            <td data-label="Jadwal">{action_label(&r.kind, r.stage.as_deref())}</td>
            <td data-label="Tanggal">{format_date(r.day)}</td>
            <td data-label="Status">{status_label(&r.status)}</td>
            <td data-label="Dikirim" class="num">{r.queued}</td>
            <td data-label="Dilewati" class="num">{r.skipped}</td>
            <td data-label="Keterangan">
                {r.detail.clone()}
                {r.job_id.map(|j| view! { " " <A href=format!("/pengiriman/{j}")>"Lihat pengiriman"</A> })}
            </td>
        </tr>
    }
}

#[component]
pub fn DraftReviewPage() -> impl IntoView {
    let amount = ServerAction::<SetDraftAmount>::new();
    let remove = ServerAction::<RemoveDraft>::new();
    let add = ServerAction::<AddDraft>::new();
    let publish = ServerAction::<PublishDrafts>::new();
    let (period, set_period) = signal(String::new());
    let review = Resource::new(
        move || {
            (
                period.get(),
                amount.version().get(),
                remove.version().get(),
                add.version().get(),
                publish.version().get(),
            )
        },
        |(p, ..)| load_drafts(p),
    );
    let amount_value = amount.value();
    let added = add.value();

    view! {
        <Title text="Tinjau tagihan" />
        <section class="page">
            <header class="page-header">
                <h1>"Tinjau tagihan"</h1>
                <p class="page-sub">
                    "Draf dari pembuatan tagihan bulanan. Draf belum menjadi tagihan: tidak dihitung di mana pun sampai diterbitkan."
                </p>
            </header>
            {move || publish.value().get().map(|r| match r {
                Ok(r) => view! {
                    <div class="alert alert-ok" role="status" data-testid="published">
                        {format!("{} tagihan diterbitkan ({}). {} pesan diantrekan", r.issued, rupiah(r.total_amount), r.queued)}
                        {(r.not_sent > 0).then(|| format!(", {} pelanggan tidak bisa dikirimi", r.not_sent))}
                        ". "
                        {r.job_id.map(|j| view! { <A href=format!("/pengiriman/{j}")>"Lihat pengiriman"</A> })}
                    </div>
                }.into_any(),
                Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
            })}
            <FormAlert error=form_error(remove.value()) />
            <FormAlert error=form_error(amount_value) />
            <FormAlert error=field_error(amount_value, "amount") />
            <Transition fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || review.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    Ok(r) if r.rows.is_empty() && r.period.is_empty() => view! {
                        <div class="empty-state card">
                            <p class="empty-title">"Tidak ada draf."</p>
                            <p>"Draf dibuat otomatis pada tanggal tagihan di halaman " <A href="/jadwal">"Jadwal"</A> "."</p>
                        </div>
                    }.into_any(),
                    Ok(r) => {
                        let p = r.period.clone();
                        let p2 = r.period.clone();
                        let count = r.rows.len();
                        view! {
                            {(r.periods.len() > 1).then(|| view! {
                                <div class="field">
                                    <label for="draft-period">"Periode"</label>
                                    <select id="draft-period" on:change=move |ev| set_period.set(event_target_value(&ev))>
                                        {r.periods.iter().map(|x| view! {
                                            <option value=x.clone() selected=*x == r.period>{x.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                            })}
                            <div class="card draft-summary">
                                <p>
                                    <strong>{format!("{} draf tagihan {}", count, r.period_label)}</strong>
                                    {format!(" · total {}", rupiah(r.total_amount))}
                                </p>
                                <button type="button" class="btn btn-primary" data-testid="publish"
                                    disabled=move || publish.pending().get() || count == 0
                                    on:click=move |_| { publish.dispatch(PublishDrafts { period: p.clone() }); }>
                                    "Terbitkan & kirim"
                                </button>
                            </div>
                            <div class="table-card">
                                <table class="table" data-testid="drafts">
                                    <thead><tr>
                                        <th>"Pelanggan"</th><th>"Paket"</th><th>"Jatuh tempo"</th>
                                        <th class="num">"Jumlah"</th><th class="row-actions"><span class="sr-only">"Aksi"</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {r.rows.into_iter().map(|d| {
                                            let id = d.id;
                                            view! {
                                                <tr data-customer=d.customer_code.clone()>
                                                    <td data-label="Pelanggan">
                                                        <strong>{d.customer_name.clone()}</strong>
                                                        <br /><span class="muted">{d.customer_code.clone()}</span>
                                                        {(!d.reachable).then(|| view! { <br /><span class="badge badge-muted">"Tanpa WhatsApp"</span> })}
                                                    </td>
                                                    <td data-label="Paket">{d.package_name.clone().unwrap_or_default()}</td>
                                                    <td data-label="Jatuh tempo">{format_date(d.due_date)}</td>
                                                    <td data-label="Jumlah" class="num">
                                                        <ActionForm action=amount attr:class="inline-form">
                                                            <input type="hidden" name="id" value=id.to_string() />
                                                            <input name="amount" class="input-money" aria-label="Jumlah"
                                                                value=thousands(d.amount) />
                                                            <button type="submit" class="btn btn-ghost btn-sm">"Simpan"</button>
                                                        </ActionForm>
                                                    </td>
                                                    <td class="row-actions">
                                                        <button type="button" class="btn btn-ghost btn-sm btn-danger-text"
                                                            on:click=move |_| { remove.dispatch(RemoveDraft { id }); }>
                                                            "Hapus"
                                                        </button>
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {(!r.missing.is_empty()).then(|| view! {
                                <h2>"Pelanggan aktif tanpa draf"</h2>
                                <div class="card">
                                    <ActionForm action=add attr:class="form" attr:novalidate=true>
                                        <FormAlert error=form_error(added) />
                                        <input type="hidden" name="period" value=p2.clone() />
                                        <div class="field" class:has-error=move || field_error(added, "customer_id").with(Option::is_some)>
                                            <label for="f-customer_id">"Pelanggan"</label>
                                            <select id="f-customer_id" name="customer_id">
                                                {r.missing.iter().map(|m| view! {
                                                    <option value=m.id.to_string()>
                                                        {format!("{} · {}{}", m.code, m.name,
                                                            m.price.map(|p| format!(" · {}", rupiah(p))).unwrap_or_default())}
                                                    </option>
                                                }).collect_view()}
                                            </select>
                                            <p class="field-error">{move || field_error(added, "customer_id").get()}</p>
                                        </div>
                                        <Field label="Jumlah (kosong: harga paket)" name="amount" value=String::new()
                                            error=field_error(added, "amount") />
                                        <div class="form-actions">
                                            <button type="submit" class="btn">"Tambah draf"</button>
                                        </div>
                                    </ActionForm>
                                </div>
                            })}
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}
