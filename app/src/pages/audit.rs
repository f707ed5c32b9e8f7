//! Log aktivitas (owner and admin): who did what and when, filterable, exportable as CSV.

use crate::{
    api::audit::audit_list,
    domain::{audit::AuditAction, dates::format_local},
    dto::audit::AuditQuery,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AuditPage() -> impl IntoView {
    let action = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let page = RwSignal::new(0u32);
    let query = Memo::new(move |_| AuditQuery {
        action: action.get(),
        user: user.get(),
        from: from.get(),
        to: to.get(),
        page: page.get(),
    });
    let rows = Resource::new(move || query.get(), audit_list);
    let csv_href = move || {
        format!(
            "/ekspor/log-aktivitas.csv?{}",
            query.get().to_query_string()
        )
    };
    let on = move |s: RwSignal<String>| {
        move |ev: leptos::ev::Event| {
            s.set(event_target_value(&ev));
            page.set(0);
        }
    };

    view! {
        <Title text="Log aktivitas" />
        <section class="page">
            <header class="page-header">
                <h1>"Log aktivitas"</h1>
                <p class="page-sub">
                    "Siapa melakukan apa dan kapan: masuk, pembayaran, pembatalan, diskon, pengiriman, "
                    "perubahan pengaturan, template dan pengguna. Catatan tidak dapat diubah atau dihapus."
                </p>
            </header>
            <div class="card filters">
                <div class="field-row">
                    <div class="field">
                        <label for="f-action">"Tindakan"</label>
                        <select id="f-action" name="action" on:change=on(action)>
                            <option value="">"Semua"</option>
                            {AuditAction::ALL
                                .iter()
                                .map(|a| view! { <option value=a.as_str()>{a.label()}</option> })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="f-user">"Pengguna"</label>
                        <input id="f-user" name="user" placeholder="nama pengguna" on:change=on(user) />
                    </div>
                    <div class="field">
                        <label for="f-from">"Dari tanggal"</label>
                        <input id="f-from" name="from" type="date" on:change=on(from) />
                    </div>
                    <div class="field">
                        <label for="f-to">"Sampai tanggal"</label>
                        <input id="f-to" name="to" type="date" on:change=on(to) />
                    </div>
                </div>
                <a class="btn btn-ghost" href=csv_href rel="external" download="">
                    "Ekspor CSV"
                </a>
            </div>
            <div class="table-card">
                <Transition fallback=|| view! { <p class="muted pad">"Memuat…"</p> }>
                    {move || {
                        rows.get().map(|r| match r {
                            Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                            Ok(p) if p.rows.is_empty() => view! {
                                <p class="muted pad">"Tidak ada catatan untuk saringan ini."</p>
                            }.into_any(),
                            Ok(p) => {
                                let has_more = p.has_more;
                                view! {
                                    <table class="table audit-table">
                                        <thead>
                                            <tr>
                                                <th>"Waktu"</th>
                                                <th>"Pengguna"</th>
                                                <th>"Tindakan"</th>
                                                <th>"Sasaran"</th>
                                                <th>"Rincian"</th>
                                                <th>"Alamat"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {p.rows.into_iter().map(|e| view! {
                                                <tr data-action=e.action.clone()>
                                                    <td data-label="Waktu">{format_local(&e.at)}</td>
                                                    <td data-label="Pengguna">
                                                        {e.username.clone()}
                                                        {(!e.role.is_empty()).then(|| view! { <span class="muted">{format!(" ({})", e.role)}</span> })}
                                                    </td>
                                                    <td data-label="Tindakan">{e.action_label.clone()}</td>
                                                    <td data-label="Sasaran">{e.target.clone()}</td>
                                                    <td data-label="Rincian">{e.detail.clone()}</td>
                                                    <td data-label="Alamat">{e.ip.clone().unwrap_or_default()}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    <div class="pager">
                                        <button type="button" class="btn btn-ghost btn-sm"
                                            disabled=move || page.get() == 0
                                            on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>
                                            "Sebelumnya"
                                        </button>
                                        <span class="muted">{move || format!("Halaman {}", page.get() + 1)}</span>
                                        <button type="button" class="btn btn-ghost btn-sm"
                                            disabled=!has_more
                                            on:click=move |_| page.update(|p| *p += 1)>
                                            "Berikutnya"
                                        </button>
                                    </div>
                                }.into_any()
                            }
                        })
                    }}
                </Transition>
            </div>
        </section>
    }
}
