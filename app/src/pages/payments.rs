//! Pembayaran: what came in over a date range (default this month), by method, by who
//! recorded it and by day, with a CSV for the bookkeeper. Reversed payments stay listed,
//! marked, and are not counted as received.

use crate::{
    api::payments::list_payments,
    components::billing::{Pager, page_param, param, query_string},
    domain::{
        billing::PaymentMethod,
        dates::{format_date, format_date_short, format_local, parse_iso_date},
        money::rupiah,
    },
    dto::payments::{PaymentPage, PaymentQuery, Tally},
};
use chrono::{Datelike, Days, NaiveDate};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::{A, Form},
    hooks::use_query_map,
};

fn pairs(q: &PaymentQuery) -> Vec<(&'static str, String)> {
    vec![
        ("from", q.from.clone()),
        ("to", q.to.clone()),
        ("method", q.method.clone()),
        ("user", q.user.clone()),
        ("q", q.q.clone()),
        (
            "page",
            if q.page > 1 {
                q.page.to_string()
            } else {
                String::new()
            },
        ),
    ]
}

fn href(q: &PaymentQuery) -> String {
    format!("/pembayaran{}", query_string(&pairs(q)))
}

/// The quick ranges: label, from, to.
fn ranges(today: NaiveDate) -> Vec<(&'static str, NaiveDate, NaiveDate)> {
    let day = |n: u64| today.checked_sub_days(Days::new(n)).unwrap_or(today);
    let month_start = today.with_day(1).unwrap_or(today);
    let last_month_end = month_start.pred_opt().unwrap_or(month_start);
    let last_month_start = last_month_end.with_day(1).unwrap_or(last_month_end);
    vec![
        ("Hari ini", today, today),
        ("Kemarin", day(1), day(1)),
        ("7 hari", day(6), today),
        ("Bulan ini", month_start, today),
        ("Bulan lalu", last_month_start, last_month_end),
    ]
}

#[component]
pub fn PaymentsPage() -> impl IntoView {
    let query = use_query_map();
    let current = Memo::new(move |_| {
        query.with(|q| PaymentQuery {
            from: param(q, "from"),
            to: param(q, "to"),
            method: param(q, "method"),
            user: param(q, "user"),
            q: param(q, "q"),
            page: page_param(q),
        })
    });
    let payments = Resource::new(move || current.get(), list_payments);
    let export_href = move || {
        let q = PaymentQuery {
            page: 0,
            ..current.get()
        };
        format!("/ekspor/pembayaran.csv{}", query_string(&pairs(&q)))
    };

    view! {
        <Title text="Pembayaran" />
        <section class="page">
            <header class="page-header">
                <h1>"Pembayaran"</h1>
                <div class="header-actions">
                    <A href="/pembayaran/mutasi" attr:class="btn btn-primary">"Cocokkan mutasi"</A>
                    <a class="btn btn-ghost" rel="external" download="" href=export_href>"Ekspor CSV"</a>
                </div>
            </header>
            <p class="page-sub">
                "Uang yang masuk: per hari, per cara bayar dan per petugas. Pembayaran yang dibatalkan tetap tampil, ditandai, dan tidak dihitung."
            </p>
            <Transition fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || payments.get().map(|r| {
                    let q = current.get_untracked();
                    match r {
                        Err(e) => {
                            let field = e.field_errors().and_then(|f| f.0.first()).map(|f| f.message.clone());
                            view! {
                                <Filters q=q users=Vec::new() error=field.clone() />
                                <div class="alert alert-error" role="alert">{field.unwrap_or_else(|| e.to_string())}</div>
                            }.into_any()
                        }
                        Ok(page) => view! {
                            // The date fields show the range in effect (this month by default).
                            <Filters
                                q=PaymentQuery { from: page.from.to_string(), to: page.to.to_string(), ..q.clone() }
                                users=page.users.clone()
                                error=None
                            />
                            <RangeChips q=q.clone() page=page.clone() />
                            <Summary page=page.clone() />
                            <PaymentTable q=q page=page />
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Filters(q: PaymentQuery, users: Vec<String>, error: Option<String>) -> impl IntoView {
    let mut users = users;
    if !q.user.is_empty() && !users.contains(&q.user) {
        users.push(q.user.clone());
    }
    let has_error = error.is_some();
    view! {
        <Form method="GET" action="" attr:class="filters card" attr:role="search">
            <div class="field" class:has-error=has_error>
                <label for="f-from">"Dari tanggal"</label>
                <input id="f-from" type="date" name="from" value=q.from.clone()
                    aria-describedby="f-from-err" />
                <p class="field-error" id="f-from-err" aria-live="polite">{error}</p>
            </div>
            <div class="field">
                <label for="f-to">"Sampai tanggal"</label>
                <input id="f-to" type="date" name="to" value=q.to.clone() />
            </div>
            <div class="field">
                <label for="f-method">"Cara bayar"</label>
                <select id="f-method" name="method">
                    <option value="" selected=q.method.is_empty()>"Semua"</option>
                    {PaymentMethod::ALL.into_iter().map(|m| {
                        let sel = q.method == m.as_str();
                        view! { <option value=m.as_str() selected=sel>{m.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-user">"Dicatat oleh"</label>
                <select id="f-user" name="user">
                    <option value="" selected=q.user.is_empty()>"Semua petugas"</option>
                    {users.into_iter().map(|u| {
                        let sel = q.user == u;
                        view! { <option value=u.clone() selected=sel>{u.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field filter-q">
                <label for="f-q">"Pelanggan"</label>
                <input id="f-q" type="search" name="q" value=q.q.clone() placeholder="Nama atau kode PLG-…" />
            </div>
            <div class="filter-actions">
                <button type="submit" class="btn btn-primary">"Terapkan"</button>
                <a href="/pembayaran" class="btn btn-ghost">"Reset"</a>
            </div>
        </Form>
    }
}

#[component]
fn RangeChips(q: PaymentQuery, page: PaymentPage) -> impl IntoView {
    view! {
        <nav class="chips" aria-label="Rentang tanggal">
            {ranges(page.today).into_iter().map(|(label, from, to)| {
                let on = page.from == from && page.to == to;
                let target = PaymentQuery {
                    from: from.to_string(),
                    to: to.to_string(),
                    page: 1,
                    ..q.clone()
                };
                view! {
                    <a href=href(&target) class="chip" class:chip-on=on aria-current=on.then_some("true")>
                        {label}
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

fn tally_list(title: &'static str, id: &'static str, rows: Vec<Tally>) -> impl IntoView {
    view! {
        <div class="card stack tally" data-testid=id>
            <h2 class="stat-label">{title}</h2>
            {if rows.is_empty() {
                view! { <p class="muted">"—"</p> }.into_any()
            } else {
                view! {
                    <dl class="tally-list">
                        {rows.into_iter().map(|t| view! {
                            <div class="tally-row" data-key=t.key.clone()>
                                <dt>{t.label.clone()} " " <span class="muted">{format!("({})", t.count)}</span></dt>
                                <dd class="money">{rupiah(t.total)}</dd>
                            </div>
                        }).collect_view()}
                    </dl>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn Summary(page: PaymentPage) -> impl IntoView {
    let t = page.totals;
    let range = if page.from == page.to {
        format_date(page.from)
    } else {
        format!(
            "{} – {}",
            format_date_short(page.from),
            format_date_short(page.to)
        )
    };
    let days: Vec<Tally> = t
        .by_day
        .iter()
        .map(|d| Tally {
            label: parse_iso_date(&d.key)
                .map(format_date_short)
                .unwrap_or_else(|| d.key.clone()),
            ..d.clone()
        })
        .collect();
    view! {
        <div class="stat-grid payment-stats">
            <div class="card stat" data-stat="received">
                <span class="stat-label">"Diterima · " {range}</span>
                <span class="stat-value money">{rupiah(t.total)}</span>
                <span class="stat-note">{format!("{} pembayaran", t.count)}</span>
                {(t.reversed_count > 0).then(|| view! {
                    <span class="stat-note" data-testid="reversed-total">
                        {format!("{} dibatalkan ({}), tidak dihitung", t.reversed_count, rupiah(t.reversed_total))}
                    </span>
                })}
            </div>
            {tally_list("Per cara bayar", "by-method", t.by_method)}
            {tally_list("Per petugas", "by-user", t.by_user)}
            {tally_list("Per hari", "by-day", days)}
        </div>
    }
}

#[component]
fn PaymentTable(q: PaymentQuery, page: PaymentPage) -> impl IntoView {
    if page.rows.is_empty() {
        return view! {
            <div class="card empty-state">
                <p class="empty-title">"Tidak ada pembayaran pada rentang ini."</p>
                <p>"Pilih rentang tanggal lain, atau catat pembayaran dari halaman Tagihan."</p>
            </div>
        }
        .into_any();
    }
    let pager_href = move |p: u32| {
        href(&PaymentQuery {
            page: p,
            ..q.clone()
        })
    };
    view! {
        <div class="table-card">
            <table class="table payment-table">
                <thead>
                    <tr>
                        <th>"Waktu"</th>
                        <th>"Pelanggan"</th>
                        <th class="num">"Jumlah"</th>
                        <th>"Cara bayar"</th>
                        <th>"Dicatat oleh"</th>
                        <th>"Untuk tagihan"</th>
                        <th>"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|r| {
                        let reversed = r.reversed.is_some();
                        view! {
                            <tr data-payment=r.id class:row-reversed=reversed>
                                <td data-label="Waktu">{format_local(&r.paid_at)}</td>
                                // One element per cell: on phones each cell is a label-value row.
                                <td data-label="Pelanggan">
                                    <span>
                                        <A href=format!("/pelanggan/{}", r.customer_id)>{r.customer_name.clone()}</A>
                                        " " <span class="muted code">{r.customer_code.clone()}</span>
                                    </span>
                                </td>
                                <td data-label="Jumlah" class="num money"><span class="amount">{rupiah(r.amount)}</span></td>
                                <td data-label="Cara bayar">
                                    <span>
                                        {r.method.label()}
                                        {r.reference.clone().map(|x| view! { " " <span class="muted">{format!("· {x}")}</span> })}
                                    </span>
                                </td>
                                <td data-label="Dicatat oleh">
                                    {if r.recorded_by.is_empty() { "Sistem / impor".to_owned() } else { r.recorded_by.clone() }}
                                </td>
                                <td data-label="Untuk tagihan">
                                    <span class="paid-for">
                                        <span class="code">{if r.invoices.is_empty() { "—".to_owned() } else { r.invoices.join(", ") }}</span>
                                        {(r.credit > 0).then(|| view! {
                                            <span class="muted small">{format!(" + saldo {}", rupiah(r.credit))}</span>
                                        })}
                                    </span>
                                </td>
                                <td data-label="Status">
                                    {match r.reversed.clone() {
                                        None => view! { <span class="badge badge-ok">"Diterima"</span> }.into_any(),
                                        Some(x) => view! {
                                            <span class="reversal-cell">
                                                <span class="badge badge-danger">"Dibatalkan"</span>
                                                <span class="muted small reversal">
                                                    {format!("{} oleh {}: {}", format_local(&x.at), if x.by.is_empty() { "sistem" } else { x.by.as_str() }, x.reason)}
                                                </span>
                                            </span>
                                        }.into_any(),
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page=page.page per_page=page.per_page total=page.matching href=pager_href />
    }
    .into_any()
}
