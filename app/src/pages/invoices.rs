//! Tagihan: the invoice table (server-side filters, sort, paging), the monthly run with its
//! preview, payments, and the invoice page.

use crate::{
    api::invoices::{
        EditAmount, PreviewRun, ReversePayment, RunInvoices, SetDiscount, UndoRun, VoidInvoice,
        get_invoice, list_invoices, list_runs, load_invoice_periods,
    },
    components::{
        billing::{InvoiceBadge, Pager, PhoneBadge, flag, page_param, param, query_string},
        form::{Field, FormAlert, TextAreaField, field_error, form_error},
        payment::{PaymentDialog, payment_summary},
        wa_bulk::BulkSendButton,
        wa_send::{InvoiceMessages, ReceiptOffer, WaSendButton, use_invoice_messages},
    },
    domain::{
        aging::AgingBucket,
        dates::{Period, format_date, format_date_short, format_local},
        money::{rupiah, thousands},
    },
    dto::invoices::{InvoiceQuery, InvoiceRow, SortKey},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::{A, Form},
    hooks::{use_params_map, use_query_map},
};

/// The table's state as it is in the URL (so a link reproduces the view).
#[derive(Debug, Clone, PartialEq, Eq)]
struct View {
    /// Empty = this month; `all` = every period.
    period: String,
    status: String,
    overdue: bool,
    wa: bool,
    /// A Piutang bucket (`31-60`): the open invoices of that bucket's debtors.
    aging: String,
    q: String,
    sort: String,
    desc: bool,
    page: u32,
}

impl View {
    fn query(&self) -> InvoiceQuery {
        InvoiceQuery {
            period: match self.period.as_str() {
                "" => "current".into(),
                "all" => String::new(),
                p => p.to_owned(),
            },
            status: self.status.clone(),
            overdue: self.overdue,
            has_wa: self.wa,
            aging: self.aging.clone(),
            q: self.q.clone(),
            sort: self.sort.clone(),
            desc: self.desc,
            page: self.page,
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("period", self.period.clone()),
            ("status", self.status.clone()),
            (
                "overdue",
                if self.overdue {
                    "1".into()
                } else {
                    String::new()
                },
            ),
            ("wa", if self.wa { "1".into() } else { String::new() }),
            ("aging", self.aging.clone()),
            ("q", self.q.clone()),
            ("sort", self.sort.clone()),
            ("desc", if self.desc { "1".into() } else { String::new() }),
            (
                "page",
                if self.page > 1 {
                    self.page.to_string()
                } else {
                    String::new()
                },
            ),
        ]
    }

    fn href(&self) -> String {
        format!("/tagihan{}", query_string(&self.pairs()))
    }

    fn export_href(&self) -> String {
        let q = self.query();
        format!(
            "/ekspor/tagihan.csv{}",
            query_string(&[
                ("period", q.period),
                ("status", q.status),
                (
                    "overdue",
                    if q.overdue {
                        "true".into()
                    } else {
                        String::new()
                    }
                ),
                (
                    "has_wa",
                    if q.has_wa {
                        "true".into()
                    } else {
                        String::new()
                    }
                ),
                ("aging", q.aging),
                ("q", q.q),
                ("sort", q.sort),
                ("desc", if q.desc { "true".into() } else { String::new() }),
            ])
        )
    }
}

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let query = use_query_map();
    let view_state = Memo::new(move |_| {
        query.with(|q| View {
            period: param(q, "period"),
            status: param(q, "status"),
            overdue: flag(q, "overdue"),
            wa: flag(q, "wa"),
            aging: param(q, "aging"),
            q: param(q, "q"),
            sort: param(q, "sort"),
            desc: flag(q, "desc"),
            page: page_param(q),
        })
    });
    let run = ServerAction::<RunInvoices>::new();
    let (paid, set_paid) = signal(0u32);
    let invoices = Resource::new(
        move || (view_state.get(), run.version().get(), paid.get()),
        |(v, _, _)| list_invoices(v.query()),
    );
    let periods = Resource::new(move || run.version().get(), |_| load_invoice_periods());
    let (show_run, set_show_run) = signal(false);
    let (paying, set_paying) = signal(None::<InvoiceRow>);
    let (notice, set_notice) = signal(None::<String>);
    let (receipt, set_receipt) = signal(None::<i32>);

    view! {
        <Title text="Tagihan" />
        <section class="page">
            <header class="page-header">
                <h1>"Tagihan"</h1>
                <div class="header-actions">
                    <button type="button" class="btn btn-primary" on:click=move |_| set_show_run.update(|s| *s = !*s)>
                        "Buat tagihan"
                    </button>
                    <BulkSendButton query=Signal::derive(move || view_state.get().query()) />
                    <a class="btn btn-ghost" rel="external" download="" href=move || view_state.with(View::export_href)>
                        "Ekspor CSV"
                    </a>
                </div>
            </header>
            <Show when=move || notice.get().is_some()>
                <div class="alert alert-ok" role="status">
                    {move || notice.get()}
                    {move || receipt.get().map(|payment_id| view! { <ReceiptOffer payment_id /> })}
                </div>
            </Show>
            <Show when=move || show_run.get()>
                <Suspense fallback=|| ()>
                    {move || periods.get().and_then(Result::ok).map(|p| view! {
                        <RunPanel current=p.current run=run on_close=Callback::new(move |_| set_show_run.set(false)) />
                    })}
                </Suspense>
            </Show>
            <Filters view_state=view_state periods=periods />
            <Transition fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || invoices.get().map(|r| match r {
                    // A bad filter in the URL: say which one.
                    Err(e) => view! {
                        <div class="alert alert-error" role="alert">
                            {e.field_errors().and_then(|f| f.0.first()).map(|f| f.message.clone()).unwrap_or_else(|| e.to_string())}
                        </div>
                    }.into_any(),
                    Ok(page) => {
                        let v = view_state.get_untracked();
                        let counts = page.counts.clone();
                        let chip = {
                            let v = v.clone();
                            move |label: &'static str, status: &'static str, overdue: bool, n: u64| {
                                let target = View { status: status.into(), overdue, page: 1, ..v.clone() };
                                let current = v.status == status && v.overdue == overdue;
                                view! {
                                    <a href=target.href() class="chip" class:chip-on=current
                                        aria-current=current.then_some("true")>
                                        {label} " " <span class="chip-n">{n}</span>
                                    </a>
                                }
                            }
                        };
                        let today = page.today;
                        let pager_v = v.clone();
                        let aging_note = AgingBucket::parse(&v.aging).map(|b| {
                            let without = View { aging: String::new(), page: 1, ..v.clone() };
                            view! {
                                <div class="alert alert-warn filter-note" data-testid="aging-filter">
                                    <span>
                                        "Piutang: " <strong>{b.label()}</strong>
                                        " — tagihan terbuka pelanggan dalam kelompok ini. \"Kirim Semua\" mengirim satu rincian per pelanggan."
                                    </span>
                                    " " <a href=without.href()>"Hapus saringan"</a>
                                </div>
                            }
                        });
                        view! {
                            {aging_note}
                            <nav class="chips" aria-label="Status">
                                {chip("Semua", "", false, counts.all)}
                                {chip("Belum bayar", "unpaid", false, counts.unpaid)}
                                {chip("Sebagian", "partial", false, counts.partial)}
                                {chip("Lunas", "paid", false, counts.paid)}
                                {chip("Terlambat", "", true, counts.overdue)}
                                {chip("Dibatalkan", "void", false, counts.void)}
                            </nav>
                            {if page.rows.is_empty() {
                                view! {
                                    <div class="card empty-state">
                                        <p class="empty-title">"Tidak ada tagihan yang cocok."</p>
                                        <p>"Ubah filter, atau buat tagihan bulan ini dengan tombol \"Buat tagihan\"."</p>
                                    </div>
                                }.into_any()
                            } else {
                                view! {
                                    <div class="table-card">
                                        <table class="table invoice-table">
                                            <thead>
                                                <tr>
                                                    <th>{sort_link(&v, SortKey::Number)}</th>
                                                    <th>{sort_link(&v, SortKey::Customer)}</th>
                                                    <th>{sort_link(&v, SortKey::DueDate)}</th>
                                                    <th class="num">{sort_link(&v, SortKey::Total)}</th>
                                                    <th class="num">"Sisa"</th>
                                                    <th>{sort_link(&v, SortKey::Status)}</th>
                                                    <th class="row-actions"><span class="sr-only">"Aksi"</span></th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {page.rows.into_iter().map(|r| {
                                                    let pay_row = r.clone();
                                                    let open = r.status.is_open();
                                                    let number = r.number.clone();
                                                    let href = format!("/tagihan/{}", r.id);
                                                    view! {
                                                        <tr data-invoice=r.number.clone() class:row-late=r.overdue>
                                                            <td data-label="No. tagihan">
                                                                <span class="cell">
                                                                    <A href=href.clone() attr:class="code">{number}</A>
                                                                    <br />
                                                                    <span class="muted small">
                                                                        {Period::parse(&r.period).map(Period::label).unwrap_or_else(|_| r.period.clone())}
                                                                    </span>
                                                                </span>
                                                            </td>
                                                            <td data-label="Pelanggan">
                                                                <span class="cell">
                                                                    <strong>{r.customer_name.clone()}</strong>
                                                                    " "
                                                                    <span class="muted code">{r.customer_code.clone()}</span>
                                                                    <br />
                                                                    <PhoneBadge status=r.phone_status number=r.wa_number.clone() />
                                                                </span>
                                                            </td>
                                                            <td data-label="Jatuh tempo">
                                                                <span class="cell">
                                                                    <span class="nowrap">{format_date_short(r.due_date)}</span>
                                                                    {(r.overdue).then(|| view! {
                                                                        <br />
                                                                        <span class="muted small">{format!("lewat {} hari", (today - r.due_date).num_days())}</span>
                                                                    })}
                                                                </span>
                                                            </td>
                                                            <td data-label="Tagihan" class="num money">{rupiah(r.billed())}</td>
                                                            <td data-label="Sisa" class="num money">
                                                                <span class="cell">
                                                                    {rupiah(r.outstanding)}
                                                                    // What the customer owes now over every open month, when
                                                                    // that is more than this invoice: never summed into the row.
                                                                    {(r.open_months > 1 && r.owed_now != r.outstanding).then(|| view! {
                                                                        <br /><span class="muted small" data-testid="owed-now">
                                                                            {format!("total pelanggan {} ({} bulan)", rupiah(r.owed_now), r.open_months)}
                                                                        </span>
                                                                    })}
                                                                </span>
                                                            </td>
                                                            <td data-label="Status"><InvoiceBadge status=r.status overdue=r.overdue /></td>
                                                            <td class="row-actions">
                                                                {open.then(|| view! {
                                                                    <button type="button" class="btn btn-primary btn-sm" on:click=move |_| {
                                                                        set_notice.set(None);
                                                                        set_receipt.set(None);
                                                                        set_paying.set(Some(pay_row.clone()));
                                                                    }>"Bayar"</button>
                                                                })}
                                                                <A href=href attr:class="btn btn-ghost btn-sm">"Detail"</A>
                                                                {(r.status != crate::domain::billing::InvoiceStatus::Void).then(|| view! {
                                                                    <WaSendButton invoice_id=r.id usable=r.wa_ok />
                                                                })}
                                                            </td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }}
                            <Pager page=page.page per_page=page.per_page total=page.total
                                href=move |p| View { page: p, ..pager_v.clone() }.href() />
                        }.into_any()
                    }
                })}
            </Transition>
            {move || paying.get().map(|r| view! {
                <Suspense fallback=|| ()>
                    {move || {
                        let r = r.clone();
                        periods.get().and_then(Result::ok).map(|p| view! {
                            <PaymentDialog
                                customer_id=r.customer_id
                                invoice_id=r.id
                                period=r.period.clone()
                                today=p.today
                                on_close=move |_| set_paying.set(None)
                                on_done=move |res| {
                                    set_notice.set(Some(payment_summary(&res)));
                                    set_receipt.set(Some(res.payment_id));
                                    set_paying.set(None);
                                    set_paid.update(|n| *n += 1);
                                }
                            />
                        })
                    }}
                </Suspense>
            })}
        </section>
    }
}

/// A column header that sorts by its column (again: the other way round).
fn sort_link(v: &View, key: SortKey) -> impl IntoView {
    let current = SortKey::parse(&v.sort) == key;
    let desc = current && !v.desc;
    let target = View {
        sort: if key == SortKey::Number {
            String::new()
        } else {
            key.as_str().into()
        },
        desc,
        page: 1,
        ..v.clone()
    };
    let arrow = match (current, v.desc) {
        (true, false) => " ▲",
        (true, true) => " ▼",
        _ => "",
    };
    view! {
        <a href=target.href() class="sort-link" aria-sort=current.then_some(if v.desc { "descending" } else { "ascending" })>
            {key.label()} {arrow}
        </a>
    }
}

#[component]
fn Filters(
    view_state: Memo<View>,
    periods: Resource<Result<crate::dto::invoices::InvoicePeriods, crate::error::AppError>>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let v = view_state.get();
                let p = periods.get().and_then(Result::ok);
                let (current, mut list) = p.map(|p| (p.current, p.periods)).unwrap_or_default();
                if !current.is_empty() && !list.contains(&current) {
                    list.insert(0, current.clone());
                }
                let selected = if v.period.is_empty() { current.clone() } else { v.period.clone() };
                if selected != "all" && !selected.is_empty() && !list.contains(&selected) {
                    list.push(selected.clone());
                }
                view! {
                    <Form method="GET" action="" attr:class="filters card" attr:role="search">
                        // Kept while the other filters change; removed by its own link.
                        {(!v.aging.is_empty()).then(|| view! { <input type="hidden" name="aging" value=v.aging.clone() /> })}
                        <div class="field">
                            <label for="f-period">"Periode"</label>
                            <select id="f-period" name="period">
                                <option value="all" selected=selected == "all">"Semua periode"</option>
                                {list.into_iter().map(|p| {
                                    let label = Period::parse(&p).map(Period::label).unwrap_or_else(|_| p.clone());
                                    let sel = p == selected;
                                    view! { <option value=p selected=sel>{label}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="f-status">"Status"</label>
                            <select id="f-status" name="status">
                                {[("", "Semua"), ("open", "Belum lunas"), ("unpaid", "Belum bayar"), ("partial", "Sebagian"), ("paid", "Lunas"), ("void", "Dibatalkan")]
                                    .into_iter().map(|(val, label)| {
                                        let sel = v.status == val;
                                        view! { <option value=val selected=sel>{label}</option> }
                                    }).collect_view()}
                            </select>
                        </div>
                        <div class="field filter-q">
                            <label for="f-q">"Cari"</label>
                            <input id="f-q" type="search" name="q" value=v.q.clone()
                                placeholder="Nama, kode PLG-… atau nomor INV-…" />
                        </div>
                        <div class="field">
                            <label for="f-sort">"Urutkan"</label>
                            <select id="f-sort" name="sort">
                                {SortKey::ALL.into_iter().map(|k| {
                                    let val = if k == SortKey::Number { "" } else { k.as_str() };
                                    let sel = SortKey::parse(&v.sort) == k;
                                    view! { <option value=val selected=sel>{k.label()}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="checks">
                            <label class="check"><input type="checkbox" name="desc" value="1" checked=v.desc />" Terbalik"</label>
                            <label class="check"><input type="checkbox" name="overdue" value="1" checked=v.overdue />" Terlambat"</label>
                            <label class="check"><input type="checkbox" name="wa" value="1" checked=v.wa />" Punya WhatsApp"</label>
                        </div>
                        <div class="filter-actions">
                            <button type="submit" class="btn btn-primary">"Terapkan"</button>
                            <a href="/tagihan" class="btn btn-ghost">"Reset"</a>
                        </div>
                    </Form>
                }
            }}
        </Suspense>
    }
}

/// Generate invoices: choose a period, see the preview, confirm.
#[component]
fn RunPanel(
    current: String,
    run: ServerAction<RunInvoices>,
    on_close: Callback<()>,
) -> impl IntoView {
    let preview = ServerAction::<PreviewRun>::new();
    let (period, set_period) = signal(current);
    let preview_value = preview.value();
    let run_value = run.value();
    view! {
        <div class="card stack run-panel" id="run-panel">
            <h2>"Buat tagihan bulanan"</h2>
            <p class="muted">
                "Satu tagihan per pelanggan aktif untuk periode yang dipilih. Pelanggan yang sudah punya tagihan periode itu dilewati, jadi aman dijalankan lagi."
            </p>
            <div class="field" class:has-error=move || field_error(preview_value, "period").with(Option::is_some)>
                <label for="f-run-period">"Periode"</label>
                <input id="f-run-period" type="month" value=move || period.get()
                    aria-describedby="f-run-period-err"
                    on:input=move |ev| {
                        set_period.set(event_target_value(&ev));
                        preview.value().set(None);
                        run.value().set(None);
                    } />
                <p class="field-error" id="f-run-period-err" aria-live="polite">
                    {move || field_error(preview_value, "period").get().or_else(|| field_error(run_value, "period").get())}
                </p>
            </div>
            <FormAlert error=form_error(preview_value) />
            <FormAlert error=form_error(run_value) />
            <div class="form-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| on_close.run(())>"Tutup"</button>
                <button type="button" class="btn btn-primary" disabled=move || preview.pending().get()
                    on:click=move |_| {
                        run.value().set(None);
                        preview.dispatch(PreviewRun { period: period.get_untracked() });
                    }>
                    {move || if preview.pending().get() { "Menghitung…" } else { "Pratinjau" }}
                </button>
            </div>
            {move || preview_value.get().and_then(Result::ok).map(|p| {
                let confirm_period = p.period.clone();
                let past = p.past;
                let (confirmed, set_confirmed) = signal(false);
                view! {
                    <div class="preview" id="run-preview">
                        <p class="preview-main">
                            <strong>{format!("{} tagihan", p.to_create)}</strong>
                            {format!(" akan dibuat untuk {}, total {}.", p.period_label, rupiah(p.total_amount))}
                        </p>
                        {p.first_number.clone().map(|n| view! { <p class="muted">"Nomor pertama: " <span class="code">{n}</span></p> })}
                        <p class="muted small" data-testid="run-rule">{p.rule.clone()}</p>
                        {(p.late_due > 0).then(|| view! {
                            <p>{format!("{} pelanggan ditagih terlambat: jatuh temponya dihitung dari hari ini.", p.late_due)}</p>
                        })}
                        {(p.prorata > 0).then(|| view! {
                            <p>{format!("{} pelanggan baru ditagih per hari untuk bulan pertamanya.", p.prorata)}</p>
                        })}
                        {(p.existing > 0).then(|| view! {
                            <p>{format!("{} pelanggan aktif sudah punya tagihan periode ini (dilewati).", p.existing)}</p>
                        })}
                        {(p.no_price_count > 0).then(|| view! {
                            <div class="alert alert-warn">
                                {format!("{} pelanggan aktif tanpa paket atau harga (dilewati):", p.no_price_count)}
                                <ul class="plain-list">
                                    {p.no_price.iter().map(|c| view! {
                                        <li><A href=format!("/pelanggan/{}", c.id)>{format!("{} · {}", c.code, c.name)}</A></li>
                                    }).collect_view()}
                                </ul>
                            </div>
                        })}
                        {(past && p.to_create > 0).then(|| {
                            let more = p.to_create.saturating_sub(p.who.len() as u64);
                            view! {
                                <div class="alert alert-warn" id="run-past">
                                    <p>{format!("{} sudah lewat. Tagihan ini akan dibuat untuk:", p.period_label)}</p>
                                    <ul class="plain-list">
                                        {p.who.iter().map(|c| view! { <li>{format!("{} · {}", c.code, c.name)}</li> }).collect_view()}
                                        {(more > 0).then(|| view! { <li>{format!("dan {more} pelanggan lainnya")}</li> })}
                                    </ul>
                                    <label class="check">
                                        <input type="checkbox" id="f-confirm-past"
                                            on:change=move |ev| set_confirmed.set(event_target_checked(&ev)) />
                                        {format!(" Ya, buat {} tagihan untuk periode yang sudah lewat", p.to_create)}
                                    </label>
                                    <p class="field-error" aria-live="polite">{move || field_error(run_value, "confirm_past").get()}</p>
                                </div>
                            }
                        })}
                        {(p.to_create > 0).then(|| view! {
                            <div class="form-actions">
                                <button type="button" class="btn btn-primary"
                                    disabled=move || run.pending().get() || (past && !confirmed.get())
                                    on:click=move |_| {
                                        run.dispatch(RunInvoices {
                                            period: confirm_period.clone(),
                                            confirm_past: confirmed.get_untracked(),
                                        });
                                    }>
                                    {move || if run.pending().get() { "Membuat…".to_owned() } else { format!("Buat {} tagihan", p.to_create) }}
                                </button>
                            </div>
                        })}
                    </div>
                }
            })}
            {move || run_value.get().and_then(Result::ok).map(|r| view! {
                <div class="alert alert-ok" role="status" id="run-result">
                    {if r.created > 0 {
                        format!(
                            "{} tagihan {} dibuat ({} – {}), total {}.",
                            r.created,
                            r.period_label,
                            r.first_number.clone().unwrap_or_default(),
                            r.last_number.clone().unwrap_or_default(),
                            rupiah(r.total_amount)
                        )
                    } else {
                        format!("Tidak ada tagihan baru untuk {}.", r.period_label)
                    }}
                    {(r.skipped_existing > 0).then(|| format!(" {} dilewati karena sudah ada.", r.skipped_existing))}
                    {(r.skipped_no_price > 0).then(|| format!(" {} tanpa paket/harga.", r.skipped_no_price))}
                    {(r.credit_applied > 0).then(|| format!(" Saldo pelanggan {} langsung dipakai.", rupiah(r.credit_applied)))}
                </div>
            })}
            <RecentRuns run=run />
        </div>
    }
}

/// The latest runs, each with "Batalkan run" while it can still be undone.
#[component]
fn RecentRuns(run: ServerAction<RunInvoices>) -> impl IntoView {
    let undo = ServerAction::<UndoRun>::new();
    let runs = Resource::new(
        move || (run.version().get(), undo.version().get()),
        |_| list_runs(),
    );
    let undo_value = undo.value();
    view! {
        <Transition fallback=|| ()>
            {move || runs.get().and_then(Result::ok).filter(|r| !r.is_empty()).map(|list| view! {
                <div class="stack" id="recent-runs">
                    <h3>"Run terakhir"</h3>
                    <FormAlert error=form_error(undo_value) />
                    {move || undo_value.get().and_then(Result::ok).map(|n| view! {
                        <p class="alert alert-ok" role="status">{format!("Run dibatalkan: {n} tagihan dibatalkan dengan alasan \"run dibatalkan\".")}</p>
                    })}
                    <ul class="plain-list">
                        {list.into_iter().map(|r| {
                            let id = r.id;
                            let label = format!("{} · {} tagihan · {}", r.period_label, r.created, rupiah(r.total_amount));
                            let when = format!("{}{}", format_local(&r.at), r.by.map(|b| format!(" oleh {b}")).unwrap_or_default());
                            view! {
                                <li class="run-line" data-run=id>
                                    <span>{label}<br /><span class="muted small">{when}</span></span>
                                    {match r.undone_at {
                                        Some(t) => view! { <span class="muted small">{format!("dibatalkan {}", format_local(&t))}</span> }.into_any(),
                                        None => view! {
                                            <button type="button" class="btn btn-ghost btn-sm" disabled=move || undo.pending().get()
                                                on:click=move |_| {
                                                    let ok = window()
                                                        .confirm_with_message("Batalkan run ini? Semua tagihannya dibatalkan dengan alasan \"run dibatalkan\".")
                                                        .unwrap_or(false);
                                                    if ok {
                                                        undo.dispatch(UndoRun { run_id: id });
                                                    }
                                                }>"Batalkan run"</button>
                                        }.into_any(),
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            })}
        </Transition>
    }
}

/// `/tagihan/:id`: one invoice, its payments, void and discount.
#[component]
pub fn InvoiceDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let void = ServerAction::<VoidInvoice>::new();
    let discount = ServerAction::<SetDiscount>::new();
    let reverse = ServerAction::<ReversePayment>::new();
    let edit = ServerAction::<EditAmount>::new();
    let (paid, set_paid) = signal(0u32);
    // The payment whose cancellation is being confirmed.
    let (reversing, set_reversing) = signal(None::<(i32, i64)>);
    let (paying, set_paying) = signal(false);
    let (notice, set_notice) = signal(None::<String>);
    let (receipt, set_receipt) = signal(None::<i32>);
    let invoice = Resource::new(
        move || {
            (
                id(),
                void.version().get(),
                discount.version().get(),
                reverse.version().get(),
                edit.version().get(),
                paid.get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_invoice(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let messages = use_invoice_messages(id, paid.into());
    let void_value = void.value();
    let discount_value = discount.value();
    let reverse_value = reverse.value();
    let edit_value = edit.value();
    // A confirmed reversal closes the form.
    Effect::new(move |_| {
        if reverse_value.with(|v| matches!(v, Some(Ok(())))) {
            set_reversing.set(None);
        }
    });
    view! {
        <Title text="Tagihan" />
        <section class="page">
            <header class="page-header">
                <h1>"Tagihan"</h1>
                <div class="header-actions">
                    <A href="/tagihan" attr:class="btn btn-ghost">"‹ Daftar tagihan"</A>
                </div>
            </header>
            <Show when=move || notice.get().is_some()>
                <div class="alert alert-ok" role="status">
                    {move || notice.get()}
                    {move || receipt.get().map(|payment_id| view! { <ReceiptOffer payment_id /> })}
                </div>
            </Show>
            <Suspense fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || invoice.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    Ok(d) => {
                        let open = d.status.is_open();
                        let void_ok = d.status != crate::domain::billing::InvoiceStatus::Void;
                        let inv_id = d.id;
                        let customer_id = d.customer_id;
                        let period = d.period.clone();
                        let today = d.today;
                        view! {
                            <div class="split">
                                <div class="stack">
                                    <div class="card invoice-card">
                                        <p class="invoice-number code">{d.number.clone()}</p>
                                        <p><InvoiceBadge status=d.status overdue=d.overdue /></p>
                                        <dl class="facts">
                                            <dt>"Pelanggan"</dt>
                                            <dd>
                                                <A href=format!("/pelanggan/{}", d.customer_id)>{d.customer_name.clone()}</A>
                                                " · " <span class="code">{d.customer_code.clone()}</span>
                                            </dd>
                                            <dt>"WhatsApp"</dt>
                                            <dd><PhoneBadge status=d.phone_status number=d.wa_number.clone() /></dd>
                                            <dt>"Paket"</dt>
                                            <dd>{match (&d.package_name, d.package_speed_mbps) {
                                                (Some(n), Some(s)) => format!("{n} ({s} Mbps)"),
                                                (Some(n), None) => n.clone(),
                                                _ => "—".into(),
                                            }}</dd>
                                            <dt>"Periode"</dt>
                                            <dd>{d.period_label.clone()}</dd>
                                            <dt>"Tanggal tagihan"</dt>
                                            <dd>{format_date(d.issue_date)}</dd>
                                            <dt>"Jatuh tempo"</dt>
                                            <dd>
                                                {format_date(d.due_date)}
                                                {(d.days_late > 0).then(|| format!(" (terlambat {} hari)", d.days_late))}
                                            </dd>
                                        </dl>
                                        <table class="amounts">
                                            <tbody>
                                                <tr><th>"Biaya bulanan"</th><td class="num money">{rupiah(d.amount)}</td></tr>
                                                <tr><th>"Diskon"</th><td class="num money">{rupiah(-d.discount)}</td></tr>
                                                <tr><th>"Tagihan bulan ini"</th><td class="num money">{rupiah(d.billed)}</td></tr>
                                                <tr><th>"Dibayar (tagihan ini)"</th><td class="num money">{rupiah(d.paid)}</td></tr>
                                                <tr><th>"Sisa tagihan ini"</th><td class="num money">{rupiah(d.outstanding)}</td></tr>
                                                {void_ok.then(|| view! {
                                                    <tr><th>"Tagihan lain yang belum lunas"</th><td class="num money">{rupiah(d.other_open)}</td></tr>
                                                    {(d.credit > 0).then(|| view! {
                                                        <tr><th>"Saldo pelanggan"</th><td class="num money">{rupiah(-d.credit)}</td></tr>
                                                    })}
                                                    <tr class="amount-total" data-testid="due-now">
                                                        <th>"Yang harus dibayar sekarang"</th>
                                                        <td class="num money">{rupiah(d.due_now)}</td>
                                                    </tr>
                                                })}
                                            </tbody>
                                        </table>
                                        {(d.arrears > 0).then(|| view! {
                                            <p class="muted small">
                                                {format!("Catatan: saat terbit, tunggakan pelanggan {}. Angka itu hanya catatan; yang dihitung selalu sisa tagihan yang masih terbuka.", rupiah(d.arrears))}
                                            </p>
                                        })}
                                        {d.void_reason.clone().map(|r| view! {
                                            <p class="alert alert-warn">"Dibatalkan: " {r}</p>
                                        })}
                                        <div class="button-row">
                                            {open.then(|| view! {
                                                <button type="button" class="btn btn-primary" on:click=move |_| {
                                                    set_notice.set(None);
                                                    set_paying.set(true);
                                                }>"Catat pembayaran"</button>
                                            })}
                                            {void_ok.then(|| view! {
                                                <WaSendButton invoice_id=d.id usable=d.wa_number.is_some() && d.phone_status.is_usable() && d.wa_exists != Some(false) />
                                            })}
                                        </div>
                                    </div>
                                    <div class="card">
                                        <h2>"Pembayaran"</h2>
                                        {if d.payments.is_empty() {
                                            view! { <p class="muted">"Belum ada pembayaran untuk tagihan ini."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ul class="plain-list payments">
                                                    {d.payments.iter().map(|p| {
                                                        let pid = p.payment_id;
                                                        let whole = p.payment_amount;
                                                        let reversed = p.reversed_at.is_some();
                                                        view! {
                                                            <li class:reversed=reversed>
                                                                <strong class="money">{rupiah(p.amount)}</strong>
                                                                {format!(" · {} · {}", format_date(p.paid_on), p.method.label())}
                                                                {p.reference.clone().map(|r| format!(" · {r}"))}
                                                                {(!reversed && p.payment_amount != p.amount).then(|| format!(" (dari pembayaran {})", rupiah(p.payment_amount)))}
                                                                {p.reversed_at.map(|t| view! {
                                                                    <br /><span class="badge badge-void">"Dibatalkan"</span>
                                                                    <span class="muted small">{format!(" {} · {}", format_local(&t), p.reverse_reason.clone().unwrap_or_default())}</span>
                                                                })}
                                                                {(!reversed).then(|| view! {
                                                                    " "
                                                                    <button type="button" class="btn btn-ghost btn-sm btn-danger-text" on:click=move |_| {
                                                                        set_notice.set(None);
                                                                        reverse.value().set(None);
                                                                        set_reversing.set(Some((pid, whole)));
                                                                    }>"Batalkan pembayaran"</button>
                                                                })}
                                                            </li>
                                                        }
                                                    }).collect_view()}
                                                </ul>
                                            }.into_any()
                                        }}
                                    </div>
                                    {move || reversing.get().map(|(pid, whole)| view! {
                                        <div class="card stack" id="reverse-confirm">
                                            <h2>"Batalkan pembayaran?"</h2>
                                            <p>{format!("Pembayaran {} dibatalkan: tetap tercatat sebagai dibatalkan, dan tagihan yang dibayarnya terbuka lagi.", rupiah(whole))}</p>
                                            <ActionForm action=reverse attr:class="form" attr:novalidate=true>
                                                <input type="hidden" name="payment_id" value=pid.to_string() />
                                                <TextAreaField label="Alasan" name="reason" id="reverse-reason"
                                                    error=field_error(reverse_value, "reason") />
                                                <FormAlert error=form_error(reverse_value) />
                                                <div class="form-actions">
                                                    <button type="button" class="btn btn-ghost" on:click=move |_| set_reversing.set(None)>"Tidak"</button>
                                                    <button type="submit" class="btn btn-danger">"Ya, batalkan pembayaran"</button>
                                                </div>
                                            </ActionForm>
                                        </div>
                                    })}
                                    <InvoiceMessages rows=messages />
                                    <MoneyLog rows=d.money_log.clone() />
                                </div>
                                <div class="stack">
                                    {d.amount_editable.then(|| view! {
                                        <div class="card" id="edit-amount">
                                            <h2>"Ubah jumlah"</h2>
                                            <p class="muted">"Untuk tagihan yang salah hitung dan belum dibayar. Perubahan dicatat dengan alasannya."</p>
                                            <ActionForm action=edit attr:class="form" attr:novalidate=true>
                                                <input type="hidden" name="id" value=inv_id.to_string() />
                                                <Field label="Biaya bulanan (Rp)" name="amount" id="edit-amount-value" value=thousands(d.amount)
                                                    error=field_error(edit_value, "amount") />
                                                <TextAreaField label="Alasan" name="reason" id="edit-amount-reason"
                                                    error=field_error(edit_value, "reason") />
                                                <FormAlert error=form_error(edit_value) />
                                                <div class="form-actions">
                                                    <button type="submit" class="btn btn-ghost">"Simpan jumlah"</button>
                                                </div>
                                            </ActionForm>
                                        </div>
                                    })}
                                    {void_ok.then(|| view! {
                                        <div class="card">
                                            <h2>"Diskon"</h2>
                                            <ActionForm action=discount attr:class="form" attr:novalidate=true>
                                                <input type="hidden" name="id" value=inv_id.to_string() />
                                                <Field label="Diskon (Rp)" name="discount" value=thousands(d.discount)
                                                    error=field_error(discount_value, "discount") />
                                                <FormAlert error=form_error(discount_value) />
                                                <div class="form-actions">
                                                    <button type="submit" class="btn btn-ghost">"Simpan diskon"</button>
                                                </div>
                                            </ActionForm>
                                        </div>
                                        <div class="card">
                                            <h2>"Batalkan tagihan"</h2>
                                            <p class="muted">"Hanya tagihan tanpa pembayaran. Tagihan yang dibatalkan tidak dihitung sebagai tunggakan. Run berikutnya untuk periode ini membuat tagihan baru dengan nomor baru; yang dibatalkan tetap tercatat."</p>
                                            <ActionForm action=void attr:class="form" attr:novalidate=true>
                                                <input type="hidden" name="id" value=inv_id.to_string() />
                                                <TextAreaField label="Alasan" name="reason" id="void-reason" error=field_error(void_value, "reason") />
                                                <FormAlert error=form_error(void_value) />
                                                <div class="form-actions">
                                                    <button type="submit" class="btn btn-danger">"Batalkan tagihan"</button>
                                                </div>
                                            </ActionForm>
                                        </div>
                                    })}
                                </div>
                            </div>
                            <Show when=move || paying.get()>
                                <PaymentDialog
                                    customer_id=customer_id
                                    invoice_id=inv_id
                                    period=period.clone()
                                    today=today
                                    on_close=move |_| set_paying.set(false)
                                    on_done=move |res| {
                                        set_notice.set(Some(payment_summary(&res)));
                                        set_receipt.set(Some(res.payment_id));
                                        set_paying.set(false);
                                        set_paid.update(|n| *n += 1);
                                    }
                                />
                            </Show>
                        }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The money log of an invoice or a customer: every change, newest first.
#[component]
pub fn MoneyLog(rows: Vec<crate::dto::invoices::MoneyLogView>) -> impl IntoView {
    view! {
        <div class="card" id="money-log">
            <h2>"Riwayat perubahan uang"</h2>
            {if rows.is_empty() {
                view! { <p class="muted">"Belum ada perubahan."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list money-log">
                        {rows.into_iter().map(|m| view! {
                            <li>
                                <strong>{m.kind.label()}</strong>
                                {m.invoice_number.map(|n| view! { " · " <span class="code">{n}</span> })}
                                {match (m.before, m.after) {
                                    (Some(b), Some(a)) => format!(" · {} → {}", rupiah(b), rupiah(a)),
                                    _ => String::new(),
                                }}
                                <br />
                                <span class="muted small">
                                    {format_local(&m.at)}
                                    {m.who.map(|w| format!(" · {w}"))}
                                    {m.reason.map(|r| format!(" · {r}"))}
                                </span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}
