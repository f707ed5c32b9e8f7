//! Cocokkan mutasi: the bank's statement export in, payments out. Tagih proposes a customer for
//! each credit line (by unique transfer code, or by exact amount and name); the admin checks the
//! list and records every chosen line in one step, then sends the receipts.

use crate::{
    api::{
        messages::SendReceipt,
        payments::{MutationConfirm, MutationPreview as Preview},
    },
    components::form::{FormAlert, field_error, form_error},
    domain::money::rupiah,
    dto::mutation::{
        ColumnMap, MatchKind, MutationChoice, MutationPreview, MutationResult, MutationUpload,
        Preset,
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn MutationPage() -> impl IntoView {
    let preview = ServerAction::<Preview>::new();
    let confirm = ServerAction::<MutationConfirm>::new();
    let (text, set_text) = signal(None::<(String, String)>);
    let (read_error, set_read_error) = signal(None::<String>);
    let preset = RwSignal::new(Preset::Auto);
    let (col_date, col_desc, col_credit) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let file_error = field_error(preview.value(), "file");
    let upload = move || MutationUpload {
        csv: text.get_untracked().map(|(_, t)| t).unwrap_or_default(),
        preset: preset.get_untracked(),
        columns: ColumnMap {
            date: col_date.get_untracked(),
            description: col_desc.get_untracked(),
            credit: col_credit.get_untracked(),
        },
    };

    let on_file = move |ev: leptos::ev::Event| {
        set_read_error.set(None);
        preview.value().set(None);
        confirm.value().set(None);
        set_text.set(None);
        crate::components::form::read_chosen_file(&ev, 5_000_000.0, move |r| match r {
            Ok(file) => set_text.set(Some(file)),
            Err(e) => set_read_error.set(Some(e)),
        });
    };

    view! {
        <Title text="Cocokkan mutasi" />
        <section class="page">
            <header class="page-header">
                <h1>"Cocokkan mutasi"</h1>
                <div class="header-actions">
                    <A href="/pembayaran" attr:class="btn btn-ghost">"‹ Pembayaran"</A>
                </div>
            </header>
            <p class="page-sub">
                "Unggah mutasi rekening dari internet banking (CSV). Setiap uang masuk dicocokkan dengan pelanggan: lewat kode unik transfer, atau jumlah tagihan yang tepat dan nama di keterangan. Periksa daftarnya, lalu catat sekaligus."
            </p>
            <div class="card stack">
                <div class="stack">
                    <div class="field">
                        <label for="f-preset">"Bank / format"</label>
                        <select id="f-preset" name="preset"
                            on:change=move |ev| {
                                preset.set(Preset::parse(&event_target_value(&ev)).unwrap_or_default());
                                preview.value().set(None);
                            }>
                            {Preset::CHOICES.into_iter().map(|p| view! {
                                <option value=p.code() selected=move || preset.get() == p>{p.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field" class:has-error=move || file_error.with(Option::is_some) || read_error.with(Option::is_some)>
                        <label for="f-file">"File mutasi (CSV)"</label>
                        <input id="f-file" type="file" accept=".csv,text/csv,text/plain" on:change=on_file
                            aria-describedby="f-file-err" />
                        <p class="field-error" id="f-file-err" aria-live="polite">
                            {move || read_error.get().or_else(|| file_error.get())}
                        </p>
                    </div>
                </div>
                <Show when=move || preset.get() == Preset::Generic>
                    <p class="muted small">"Tulis judul kolom persis seperti di baris judul file."</p>
                    <div class="field-row">
                        <ColumnField label="Kolom tanggal" id="f-col-date" value=col_date />
                        <ColumnField label="Kolom keterangan" id="f-col-desc" value=col_desc />
                        <ColumnField label="Kolom kredit (uang masuk)" id="f-col-credit" value=col_credit />
                    </div>
                </Show>
                <FormAlert error=form_error(preview.value()) />
                <div class="form-actions">
                    <button type="button" class="btn btn-primary"
                        disabled=move || text.with(Option::is_none) || preview.pending().get()
                        on:click=move |_| {
                            confirm.value().set(None);
                            preview.dispatch(Preview { upload: upload() });
                        }>
                        {move || if preview.pending().get() { "Memeriksa…" } else { "Periksa mutasi" }}
                    </button>
                </div>
            </div>
            {move || preview.value().get().and_then(Result::ok).map(|p| view! {
                <Proposals preview=p confirm=confirm upload=Callback::new(move |_| upload()) />
            })}
        </section>
    }
}

#[component]
fn ColumnField(label: &'static str, id: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

fn badge(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Code | MatchKind::NameAndAmount => "badge badge-ok",
        MatchKind::NameOnly | MatchKind::Pending => "badge badge-warn",
        MatchKind::AlreadyRecorded => "badge",
        MatchKind::None => "badge badge-danger",
    }
}

#[component]
fn Proposals(
    preview: MutationPreview,
    confirm: ServerAction<MutationConfirm>,
    upload: Callback<(), MutationUpload>,
) -> impl IntoView {
    // Chosen lines: the confident matches to begin with.
    let chosen = RwSignal::new(
        preview
            .proposals
            .iter()
            .filter(|p| p.kind.confident())
            .map(|p| p.key.clone())
            .collect::<Vec<_>>(),
    );
    let proposals = StoredValue::new(preview.proposals.clone());
    let count = move || chosen.with(Vec::len);
    let total = move || {
        proposals.with_value(|ps| {
            chosen.with(|c| {
                ps.iter()
                    .filter(|p| c.contains(&p.key))
                    .map(|p| p.amount)
                    .sum::<i64>()
            })
        })
    };
    let record = move |_| {
        let choices: Vec<MutationChoice> = proposals.with_value(|ps| {
            chosen.with_untracked(|c| {
                ps.iter()
                    .filter(|p| c.contains(&p.key))
                    .filter_map(|p| {
                        p.customer_id.map(|customer_id| MutationChoice {
                            key: p.key.clone(),
                            customer_id,
                        })
                    })
                    .collect()
            })
        });
        confirm.dispatch(MutationConfirm {
            upload: upload.run(()),
            choices,
        });
    };
    let credits = preview.proposals.len();
    view! {
        <div class="card" data-testid="mutation-summary">
            <p>
                {format!("{} uang masuk", credits)}
                {(preview.debits > 0).then(|| format!(", {} uang keluar (diabaikan)", preview.debits))}
                {format!(" · format: {}", preview.preset.label())}
            </p>
        </div>
        <div class="table-card">
            <table class="table mutation-table">
                <thead>
                    <tr>
                        <th>"Catat"</th>
                        <th>"Tanggal"</th>
                        <th>"Keterangan"</th>
                        <th class="num">"Jumlah"</th>
                        <th>"Pelanggan"</th>
                        <th>"Hasil"</th>
                    </tr>
                </thead>
                <tbody>
                    {preview.proposals.into_iter().map(|p| {
                        let key = p.key.clone();
                        let key2 = p.key.clone();
                        let can = p.customer_id.is_some()
                            && !matches!(p.kind, MatchKind::AlreadyRecorded | MatchKind::Pending);
                        view! {
                            <tr data-kind=format!("{:?}", p.kind) data-line=p.line>
                                <td data-label="Catat">
                                    <input type="checkbox" disabled=!can
                                        aria-label=format!("Catat baris {}", p.line)
                                        prop:checked=move || chosen.with(|c| c.contains(&key))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            chosen.update(|c| {
                                                c.retain(|k| *k != key2);
                                                if on { c.push(key2.clone()); }
                                            });
                                        } />
                                </td>
                                <td data-label="Tanggal">
                                    {chrono::NaiveDate::parse_from_str(&p.date, "%Y-%m-%d")
                                        .map(crate::domain::dates::format_date_short)
                                        .unwrap_or_else(|_| "Belum dibukukan".to_owned())}
                                </td>
                                <td data-label="Keterangan"><span class="small">{p.description.clone()}</span></td>
                                <td data-label="Jumlah" class="num money"><span class="amount">{rupiah(p.amount)}</span></td>
                                <td data-label="Pelanggan">
                                    {match (p.customer_id, p.customer_name.clone()) {
                                        (Some(id), Some(name)) => view! {
                                            <span>
                                                <A href=format!("/pelanggan/{id}")>{name}</A>
                                                {p.owed.map(|o| view! { <span class="muted small">{format!(" · tagihan {}", rupiah(o))}</span> })}
                                            </span>
                                        }.into_any(),
                                        _ => view! { <span class="muted">"—"</span> }.into_any(),
                                    }}
                                </td>
                                <td data-label="Hasil"><span class=badge(p.kind)>{p.kind.label()}</span></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <div class="card stack">
            <FormAlert error=form_error(confirm.value()) />
            <div class="form-actions">
                <button type="button" class="btn btn-primary"
                    disabled=move || count() == 0 || confirm.pending().get()
                    on:click=record>
                    {move || format!("Catat {} pembayaran ({})", count(), rupiah(total()))}
                </button>
            </div>
            {move || confirm.value().get().and_then(Result::ok).map(|r| view! { <Recorded result=r /> })}
        </div>
    }
}

/// What was recorded, with the receipts offered.
#[component]
fn Recorded(result: MutationResult) -> impl IntoView {
    let receipt = ServerAction::<SendReceipt>::new();
    let sent = RwSignal::new(Vec::<i32>::new());
    let ids: Vec<i32> = result.recorded.iter().map(|r| r.payment_id).collect();
    let all = StoredValue::new(ids);
    let send_all = move |_| {
        for id in all.get_value() {
            if !sent.with_untracked(|s| s.contains(&id)) {
                sent.update(|s| s.push(id));
                receipt.dispatch(SendReceipt { payment_id: id });
            }
        }
    };
    let n = result.recorded.len();
    view! {
        <div class="alert alert-ok" role="status" data-testid="mutation-recorded">
            <p>
                {format!("{n} pembayaran dicatat.")}
                {(result.already > 0).then(|| format!(" {} baris sudah dicatat sebelumnya, tidak dicatat lagi.", result.already))}
            </p>
        </div>
        <ul class="plain-list">
            {result.recorded.into_iter().map(|r| {
                let id = r.payment_id;
                view! {
                    <li>
                        <A href=format!("/pelanggan/{}", r.customer_id)>{r.customer_name.clone()}</A>
                        " · " <strong class="money">{rupiah(r.amount)}</strong>
                        {(r.written_off > 0).then(|| view! { <span class="muted small">{format!(" (kode unik {} dihapuskan)", rupiah(r.written_off))}</span> })}
                        " "
                        <button type="button" class="btn btn-ghost btn-sm"
                            disabled=move || sent.with(|s| s.contains(&id))
                            on:click=move |_| { sent.update(|s| s.push(id)); receipt.dispatch(SendReceipt { payment_id: id }); }>
                            {move || if sent.with(|s| s.contains(&id)) { "Bukti dikirim" } else { "Kirim bukti" }}
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
        {(n > 1).then(|| view! {
            <button type="button" class="btn btn-primary" on:click=send_all
                disabled=move || sent.with(|s| s.len()) >= n>
                "Kirim semua bukti pembayaran lewat WhatsApp"
            </button>
        })}
        <FormAlert error=form_error(receipt.value()) />
    }
}
