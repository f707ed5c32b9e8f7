//! Piutang: every customer who owes something now, bucketed by how late their oldest open
//! invoice is. Each bucket opens the Tagihan list filtered to its debtors, where "Kirim Semua"
//! sends each of them one statement.

use crate::{
    api::payments::receivables_aging,
    components::billing::encode,
    domain::{aging::AgingBucket, dates::format_date_short, money::rupiah},
    dto::receivables::AgingSummary,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The Tagihan list of a bucket's debtors: every period, open invoices only (`90+` encoded,
/// or the `+` would read as a space).
pub fn bucket_href(b: AgingBucket) -> String {
    format!(
        "/tagihan?period=all&status=open&aging={}",
        encode(b.as_str())
    )
}

#[component]
pub fn ReceivablesPage() -> impl IntoView {
    let aging = Resource::new(|| (), |_| receivables_aging());
    view! {
        <Title text="Piutang" />
        <section class="page">
            <header class="page-header">
                <h1>"Piutang"</h1>
                <p class="page-sub">
                    "Pelanggan yang masih punya tunggakan, dikelompokkan menurut berapa lama tagihan tertuanya lewat jatuh tempo. "
                    "Buka satu kelompok untuk melihat tagihannya dan mengirim rincian tagihan lewat WhatsApp sekaligus."
                </p>
            </header>
            <Transition fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || aging.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    Ok(s) if s.total_customers == 0 => view! {
                        <div class="card empty-state">
                            <p class="empty-title">"Tidak ada piutang."</p>
                            <p>"Semua pelanggan sudah lunas."</p>
                        </div>
                    }.into_any(),
                    Ok(s) => view! { <Aging s /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Aging(s: AgingSummary) -> impl IntoView {
    let max = s.rows.iter().map(|r| r.owed).max().unwrap_or(0).max(1);
    view! {
        <div class="card stat aging-total" data-stat="owed-total">
            <span class="stat-label">"Total piutang"</span>
            <span class="stat-value money">{rupiah(s.total_owed)}</span>
            <span class="stat-note">{format!("{} pelanggan · per {}", s.total_customers, format_date_short(s.today))}</span>
        </div>
        <ul class="aging-list" aria-label="Umur piutang">
            {s.rows.into_iter().map(|r| {
                let width = (r.owed as f64 / max as f64 * 100.0).round();
                let late = r.bucket != AgingBucket::NotDue;
                view! {
                    <li class="card aging-row" class:aging-late=late data-bucket=r.bucket.as_str()>
                        <div class="aging-head">
                            <span class="aging-label">{r.bucket.label()}</span>
                            <span class="aging-owed money">{rupiah(r.owed)}</span>
                        </div>
                        <span class="meter" aria-hidden="true">
                            <span class="meter-bar" style=format!("width: {width}%")></span>
                        </span>
                        <div class="aging-foot">
                            <span class="muted">
                                {format!("{} pelanggan", r.customers)}
                                {(r.customers > r.reachable).then(|| format!(" · {} tanpa WhatsApp", r.customers - r.reachable))}
                            </span>
                            {(r.customers > 0).then(|| view! {
                                <A href=bucket_href(r.bucket) attr:class="btn btn-ghost btn-sm">"Lihat & kirim"</A>
                            })}
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
        {(!s.top.is_empty()).then(|| view! {
            <h2>"Tunggakan terbesar"</h2>
            <div class="table-card">
                <table class="table debtor-table">
                    <thead>
                        <tr>
                            <th>"Pelanggan"</th>
                            <th class="num">"Tunggakan"</th>
                            <th>"Jatuh tempo tertua"</th>
                            <th class="num">"Terlambat"</th>
                            <th class="row-actions"><span class="sr-only">"Aksi"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {s.top.into_iter().map(|d| view! {
                            <tr data-customer=d.code.clone() class="row-late">
                                <td data-label="Pelanggan">
                                    <span><strong>{d.name.clone()}</strong> " " <span class="muted code">{d.code.clone()}</span></span>
                                </td>
                                <td data-label="Tunggakan" class="num money">{rupiah(d.owed)}</td>
                                <td data-label="Jatuh tempo tertua">{format_date_short(d.oldest_due)}</td>
                                <td data-label="Terlambat" class="num">{format!("{} hari", d.days_late)}</td>
                                <td class="row-actions">
                                    <A href=format!("/pelanggan/{}", d.customer_id) attr:class="btn btn-ghost btn-sm">"Buka"</A>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
}
