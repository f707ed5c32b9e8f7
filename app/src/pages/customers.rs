//! Pelanggan: the customer list (server-side search and paging), the customer form, and the
//! CSV import.

use crate::{
    api::{
        customers::{
            ImportCustomers, RotateStatementLink, SaveCustomer, SetCustomerStatus, get_customer,
            list_customers, statement_link,
        },
        packages::list_packages,
    },
    components::{
        billing::{
            CustomerBadge, InvoiceBadge, Pager, PhoneBadge, page_param, param, query_string,
        },
        form::{Field, FormAlert, SelectField, TextAreaField, field_error, form_error},
        payment::{PaymentDialog, payment_summary},
    },
    domain::{
        billing::{BILLING_DAY_MAX, CustomerStatus},
        dates::{Period, format_date},
        money::{rupiah, thousands},
        phone::{self, PhoneStatus},
    },
    dto::customers::{CustomerQuery, ImportReport, RowIssue},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::{A, Form},
    hooks::{use_navigate, use_params_map, use_query_map},
};

#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let current = move || {
        query.with(|q| CustomerQuery {
            q: param(q, "q"),
            status: param(q, "status"),
            phone: param(q, "phone"),
            debt: param(q, "debt"),
            sort: param(q, "sort"),
            page: page_param(q),
        })
    };
    let customers = Resource::new(current, list_customers);
    let status_options = move |selected: String| {
        let mut v = vec![(String::new(), "Semua status".to_owned())];
        v.extend(
            CustomerStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
        );
        (v, selected)
    };
    view! {
        <Title text="Pelanggan" />
        <section class="page">
            <header class="page-header">
                <h1>"Pelanggan"</h1>
                <div class="header-actions">
                    <A href="/pelanggan/baru" attr:class="btn btn-primary">"Tambah pelanggan"</A>
                    <A href="/pelanggan/impor" attr:class="btn btn-ghost">"Impor CSV"</A>
                    <a href="/ekspor/pelanggan.csv" class="btn btn-ghost" rel="external" download="">
                        "Ekspor CSV"
                    </a>
                </div>
            </header>
            {move || {
                let q = current();
                let (statuses, selected) = status_options(q.status.clone());
                let phones: Vec<(String, String)> = std::iter::once((String::new(), "Semua nomor".to_owned()))
                    .chain(PhoneStatus::ALL.iter().map(|p| (p.as_str().to_owned(), p.label().to_owned())))
                    .collect();
                view! {
                    <Form method="GET" action="" attr:class="filters card" attr:role="search">
                        <div class="field filter-q">
                            <label for="f-q">"Cari"</label>
                            <input id="f-q" type="search" name="q" value=q.q.clone()
                                placeholder="Nama, kode, alamat atau nomor HP" />
                        </div>
                        <div class="field">
                            <label for="f-status">"Status"</label>
                            <select id="f-status" name="status">
                                {statuses.into_iter().map(|(v, l)| {
                                    let sel = v == selected;
                                    view! { <option value=v selected=sel>{l}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="f-phone">"Nomor WhatsApp"</label>
                            <select id="f-phone" name="phone">
                                {phones.into_iter().map(|(v, l)| {
                                    let sel = v == q.phone;
                                    view! { <option value=v selected=sel>{l}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="f-sort">"Urutkan"</label>
                            <select id="f-sort" name="sort">
                                <option value="" selected=!q.by_owed()>"Nama"</option>
                                <option value="owed" selected=q.by_owed()>"Tunggakan terbesar"</option>
                            </select>
                        </div>
                        <div class="checks">
                            <label class="check">
                                <input type="checkbox" name="debt" value="1" checked=q.only_debtors() />
                                "Punya tunggakan"
                            </label>
                        </div>
                        <div class="filter-actions">
                            <button type="submit" class="btn btn-primary">"Cari"</button>
                        </div>
                    </Form>
                }
            }}
            <Transition fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || {
                    customers.get().map(|r| match r {
                        Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                        Ok(page) if page.rows.is_empty() => view! {
                            <div class="card empty-state">
                                <p class="empty-title">"Tidak ada pelanggan yang cocok."</p>
                                <p>"Tambahkan pelanggan atau impor dari file CSV."</p>
                            </div>
                        }.into_any(),
                        Ok(page) => {
                            let q = current();
                            let href = move |p: u32| format!("/pelanggan{}", query_string(&[
                                ("q", q.q.clone()),
                                ("status", q.status.clone()),
                                ("phone", q.phone.clone()),
                                ("debt", q.debt.clone()),
                                ("sort", q.sort.clone()),
                                ("page", if p > 1 { p.to_string() } else { String::new() }),
                            ]));
                            view! {
                                <div class="table-card">
                                    <table class="table">
                                        <thead>
                                            <tr>
                                                <th>"Kode"</th>
                                                <th>"Nama"</th>
                                                <th>"WhatsApp"</th>
                                                <th>"Paket"</th>
                                                <th class="num">"Biaya/bulan"</th>
                                                <th class="num">"Tgl tagih"</th>
                                                <th class="num">"Tunggakan"</th>
                                                <th class="num">"Bulan"</th>
                                                <th>"Status"</th>
                                                <th class="row-actions"><span class="sr-only">"Aksi"</span></th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {page.rows.into_iter().map(|r| { let (c, owed, months) = (r.customer, r.owed, r.open_months); view! {
                                                <tr data-customer=c.code.clone() class:row-late={owed > 0}>
                                                    <td data-label="Kode" class="code">{c.code.clone()}</td>
                                                    <td data-label="Nama"><strong>{c.name.clone()}</strong></td>
                                                    <td data-label="WhatsApp">
                                                        <PhoneBadge status=c.phone_status number=c.wa_number.clone() />
                                                    </td>
                                                    <td data-label="Paket">{c.package_name.clone().unwrap_or_else(|| "—".into())}</td>
                                                    <td data-label="Biaya/bulan" class="num money">
                                                        {c.monthly_price.map(rupiah).unwrap_or_else(|| "—".into())}
                                                    </td>
                                                    <td data-label="Tgl tagih" class="num">{c.billing_day}</td>
                                                    <td data-label="Tunggakan" class="num money" data-testid="customer-list-owed">
                                                        {if owed > 0 { rupiah(owed) } else { "—".to_owned() }}
                                                    </td>
                                                    <td data-label="Bulan" class="num">
                                                        {if months > 0 { months.to_string() } else { "—".to_owned() }}
                                                    </td>
                                                    <td data-label="Status"><CustomerBadge status=c.status /></td>
                                                    <td class="row-actions">
                                                        <A href=format!("/pelanggan/{}", c.id) attr:class="btn btn-ghost btn-sm">"Buka"</A>
                                                    </td>
                                                </tr>
                                            }}).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <Pager page=page.page per_page=page.per_page total=page.total href=href />
                            }.into_any()
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

/// `/pelanggan/baru` and `/pelanggan/:id`: the form, plus status, what they owe and
/// "record payment" for an existing customer.
#[component]
pub fn CustomerEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i32>().ok()));
    let save = ServerAction::<SaveCustomer>::new();
    let set_status = ServerAction::<SetCustomerStatus>::new();
    let (paid, set_paid) = signal(0u32);
    let (paying, set_paying) = signal(false);
    let (notice, set_notice) = signal(None::<String>);
    let packages = Resource::new(|| (), |_| list_packages());
    let customer = Resource::new(
        move || (id(), set_status.version().get(), paid.get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => get_customer(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(c)) = save.value().get() {
            navigate(
                &format!("/pelanggan/{}?disimpan=1", c.id),
                Default::default(),
            );
        }
    });
    let query = use_query_map();
    let saved = move || query.with(|q| q.get("disimpan").is_some());
    let value = save.value();

    view! {
        <Title text="Pelanggan" />
        <section class="page">
            <header class="page-header">
                <h1>{move || if id().is_some() { "Ubah pelanggan" } else { "Pelanggan baru" }}</h1>
                <div class="header-actions">
                    <A href="/pelanggan" attr:class="btn btn-ghost">"‹ Daftar pelanggan"</A>
                </div>
            </header>
            <Show when=move || saved() && !save.value().with(|v| matches!(v, Some(Err(_))))>
                <div class="alert alert-ok" role="status">"Data pelanggan disimpan."</div>
            </Show>
            <Show when=move || notice.get().is_some()>
                <div class="alert alert-ok" role="status">{move || notice.get()}</div>
            </Show>
            <Suspense fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || {
                    let (Some(c), Some(pk)) = (customer.get(), packages.get()) else { return None };
                    let body = match (c, pk) {
                        (Err(e), _) | (_, Err(e)) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                        (Ok(detail), Ok(pkgs)) => {
                            let row = detail.as_ref().map(|d| d.customer.clone());
                            let mut package_options = vec![(String::new(), "— Tanpa paket —".to_owned())];
                            package_options.extend(pkgs.iter()
                                .filter(|p| p.active || row.as_ref().is_some_and(|r| r.package_id == Some(p.id)))
                                .map(|p| (p.id.to_string(), format!("{} · {}", p.name, rupiah(p.price)))));
                            let status_options: Vec<(String, String)> = CustomerStatus::ALL.iter()
                                .map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect();
                            let r = row.clone();
                            let get = move |f: fn(&crate::dto::customers::CustomerRow) -> Option<String>| r.as_ref().and_then(f).unwrap_or_default();
                            let (phone_preview, set_phone_preview) = signal(row.as_ref().and_then(|r| r.phone.clone()).unwrap_or_default());
                            view! {
                                <div class="split">
                                    <div class="card">
                                        {row.as_ref().map(|r| view! {
                                            <p class="muted">"Kode " <strong class="code">{r.code.clone()}</strong></p>
                                        })}
                                        <ActionForm action=save attr:class="form" attr:novalidate=true>
                                            <FormAlert error=form_error(value) />
                                            {row.as_ref().map(|r| view! { <input type="hidden" name="id" value=r.id.to_string() /> })}
                                            <Field label="Nama" name="name" autocomplete="off"
                                                value=get(|r| Some(r.name.clone())) error=field_error(value, "name") />
                                            <div class="field" class:has-error=move || field_error(value, "phone").with(Option::is_some)>
                                                <label for="f-phone">"Nomor HP / WhatsApp"</label>
                                                <input id="f-phone" name="phone" type="tel" inputmode="tel"
                                                    value=get(|r| r.phone.clone())
                                                    aria-describedby="f-phone-err f-phone-check"
                                                    aria-invalid=move || field_error(value, "phone").with(Option::is_some).then_some("true")
                                                    on:input=move |ev| set_phone_preview.set(event_target_value(&ev)) />
                                                <p class="field-hint" id="f-phone-check" aria-live="polite">
                                                    {move || phone_hint(&phone_preview.get())}
                                                </p>
                                                <p class="field-error" id="f-phone-err" aria-live="polite">
                                                    {move || field_error(value, "phone").get()}
                                                </p>
                                            </div>
                                            <TextAreaField label="Alamat" name="address"
                                                value=get(|r| r.address.clone()) error=field_error(value, "address") />
                                            <SelectField label="Paket" name="package_id" options=package_options
                                                selected=get(|r| r.package_id.map(|p| p.to_string()))
                                                error=field_error(value, "package_id") />
                                            <Field label="Harga khusus (Rp, opsional)" name="price_override"
                                                value=get(|r| r.price_override.map(thousands))
                                                hint="Kosongkan untuk memakai harga paket."
                                                error=field_error(value, "price_override") />
                                            <Field label="Tanggal tagih" name="billing_day" kind="number"
                                                value=row.as_ref().map(|r| r.billing_day.to_string()).unwrap_or_else(|| "10".into())
                                                hint=format!("1–{BILLING_DAY_MAX}. Tanggal 29–31 menjadi tanggal terakhir di bulan yang lebih pendek.")
                                                error=field_error(value, "billing_day") />
                                            <Field label="Tanggal mulai berlangganan (opsional)" name="start_date" kind="date"
                                                value=get(|r| r.start_date.map(|d| d.to_string()))
                                                hint="Tidak ditagih untuk bulan sebelum tanggal ini."
                                                error=field_error(value, "start_date") />
                                            <SelectField label="Status" name="status" options=status_options
                                                selected=row.as_ref().map(|r| r.status.as_str().to_owned()).unwrap_or_else(|| "active".into())
                                                hint="Hanya pelanggan aktif yang dibuatkan tagihan bulanan."
                                                error=field_error(value, "status") />
                                            <TextAreaField label="Catatan" name="notes"
                                                value=get(|r| r.notes.clone()) error=field_error(value, "notes") />
                                            <div class="form-actions">
                                                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                                                    {move || if save.pending().get() { "Menyimpan…" } else { "Simpan" }}
                                                </button>
                                            </div>
                                        </ActionForm>
                                    </div>
                                    {detail.map(|d| {
                                        let cid = d.customer.id;
                                        let today = d.today;
                                        let status = d.customer.status;
                                        view! {
                                            <div class="stack">
                                                <div class="card">
                                                    <h2>"Status"</h2>
                                                    <p><CustomerBadge status=status /></p>
                                                    <div class="button-row">
                                                        {CustomerStatus::ALL.into_iter().filter(|s| *s != status).map(|s| {
                                                            let label = match s {
                                                                CustomerStatus::Active => "Aktifkan",
                                                                CustomerStatus::Suspended => "Tangguhkan",
                                                                CustomerStatus::Terminated => "Berhentikan",
                                                            };
                                                            view! {
                                                                <button type="button" class="btn btn-ghost" on:click=move |_| {
                                                                    set_notice.set(Some(format!("Status diubah: {}.", s.label())));
                                                                    set_status.dispatch(SetCustomerStatus { id: cid, status: s.as_str().to_owned() });
                                                                }>{label}</button>
                                                            }
                                                        }).collect_view()}
                                                    </div>
                                                </div>
                                                <div class="card">
                                                    <h2>"Tagihan terbuka"</h2>
                                                    {if d.open_invoices.is_empty() {
                                                        view! { <p class="muted">"Tidak ada tagihan terbuka."</p> }.into_any()
                                                    } else {
                                                        view! {
                                                            <ul class="plain-list">
                                                                {d.open_invoices.clone().into_iter().map(|i| view! {
                                                                    <li>
                                                                        <A href=format!("/tagihan/{}", i.id)>{i.number}</A>
                                                                        " · " {Period::parse(&i.period).map(Period::label).unwrap_or_default()}
                                                                        " · jatuh tempo " {format_date(i.due_date)}
                                                                        " · " <strong class="money">{rupiah(i.outstanding)}</strong>
                                                                        " " <InvoiceBadge status=i.status />
                                                                    </li>
                                                                }).collect_view()}
                                                            </ul>
                                                        }.into_any()
                                                    }}
                                                    {(d.credit > 0).then(|| view! {
                                                        <p data-testid="customer-credit">"Saldo (kelebihan bayar): " <strong class="money">{rupiah(d.credit)}</strong>
                                                            <br /><span class="muted small">"Dipakai otomatis untuk tagihan berikutnya."</span></p>
                                                    })}
                                                    <p data-testid="customer-owed">"Yang harus dibayar sekarang: " <strong class="money">{rupiah(d.owed)}</strong></p>
                                                    // Paying in advance is allowed: the money waits as credit.
                                                    <button type="button" class="btn btn-primary" on:click=move |_| set_paying.set(true)>
                                                        "Catat pembayaran"
                                                    </button>
                                                </div>
                                                <StatementLinkCard customer_id=cid />
                                                <crate::pages::invoices::MoneyLog rows=d.money_log.clone() />
                                                <Show when=move || paying.get()>
                                                    <PaymentDialog
                                                        customer_id=cid
                                                        today=today
                                                        on_close=move |_| set_paying.set(false)
                                                        on_done=move |r| {
                                                            set_notice.set(Some(payment_summary(&r)));
                                                            set_paying.set(false);
                                                            set_paid.update(|n| *n += 1);
                                                        }
                                                    />
                                                </Show>
                                            </div>
                                        }
                                    })}
                                </div>
                            }.into_any()
                        }
                    };
                    Some(body)
                }}
            </Suspense>
        </section>
    }
}

/// The customer's own statement page: the link to give them, and a new one when the old one
/// went where it should not.
#[component]
fn StatementLinkCard(customer_id: i32) -> impl IntoView {
    let rotate = ServerAction::<RotateStatementLink>::new();
    let link = Resource::new(
        move || rotate.version().get(),
        move |_| statement_link(customer_id),
    );
    let confirm = RwSignal::new(false);
    view! {
        <div class="card" data-testid="statement-link">
            <h2>"Halaman tagihan pelanggan"</h2>
            <p class="muted small">
                "Pelanggan bisa melihat tagihan, jumlah yang harus dibayar dan cara bayar lewat tautan ini tanpa masuk. Tautan yang sama ada di pesan ({{ link_tagihan }})."
            </p>
            <Suspense fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || link.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                    Ok(l) => view! {
                        <div class="field">
                            <label for="f-statement-link">"Tautan"</label>
                            <input id="f-statement-link" readonly value=l.url.clone()
                                on:focus=move |ev| {
                                    #[cfg(feature = "hydrate")]
                                    {
                                        use wasm_bindgen::JsCast;
                                        if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                            i.select();
                                        }
                                    }
                                    #[cfg(not(feature = "hydrate"))]
                                    let _ = ev;
                                } />
                            {(!l.public).then(|| view! {
                                <p class="field-hint">"TAGIH_PUBLIC_URL belum diatur: tautan ini hanya jalan dari jaringan Tagih, dan pesan tidak memuatnya."</p>
                            })}
                        </div>
                        <div class="button-row">
                            <a class="btn btn-ghost" href=l.url.clone() target="_blank" rel="noopener">"Buka"</a>
                            <button type="button" class="btn btn-ghost" on:click=move |_| confirm.set(true)>"Ganti tautan"</button>
                        </div>
                    }.into_any(),
                })}
            </Suspense>
            <Show when=move || confirm.get()>
                <div class="alert alert-warn" role="alert">
                    <p>"Tautan lama langsung tidak berlaku. Lanjutkan?"</p>
                    <div class="button-row">
                        <button type="button" class="btn btn-primary" disabled=move || rotate.pending().get()
                            on:click=move |_| { confirm.set(false); rotate.dispatch(RotateStatementLink { customer_id }); }>
                            "Ya, ganti tautan"
                        </button>
                        <button type="button" class="btn btn-ghost" on:click=move |_| confirm.set(false)>"Batal"</button>
                    </div>
                </div>
            </Show>
            <FormAlert error=form_error(rotate.value()) />
            <Show when=move || matches!(rotate.value().get(), Some(Ok(_)))>
                <p class="saved" role="status">"Tautan baru dibuat; tautan lama tidak berlaku lagi."</p>
            </Show>
        </div>
    }
}

/// What the number will become, as the admin types (the same rules the server applies).
fn phone_hint(raw: &str) -> String {
    let check = phone::normalise(raw);
    match (check.status, check.digits.as_deref()) {
        (PhoneStatus::Missing, _) => "Boleh kosong. Contoh: 0812-3456-7890.".into(),
        (PhoneStatus::Valid, Some(d)) => format!("WhatsApp: {} ✓", phone::display(d)),
        (PhoneStatus::Warning, Some(d)) => {
            format!(
                "WhatsApp: {} — {}",
                phone::display(d),
                check.note.unwrap_or_default()
            )
        }
        _ => check.note.unwrap_or("Nomor tidak valid.").to_owned(),
    }
}

/// `/pelanggan/impor`: CSV import with a per-row report.
#[component]
pub fn CustomerImportPage() -> impl IntoView {
    let import = ServerAction::<ImportCustomers>::new();
    let (text, set_text) = signal(None::<(String, String)>);
    let (read_error, set_read_error) = signal(None::<String>);
    let value = import.value();
    let file_error = field_error(value, "file");
    let other_error = form_error(value);

    let on_file = move |ev: leptos::ev::Event| {
        set_read_error.set(None);
        import.value().set(None);
        set_text.set(None);
        crate::components::form::read_chosen_file(&ev, 5_000_000.0, move |r| match r {
            Ok(file) => set_text.set(Some(file)),
            Err(e) => set_read_error.set(Some(e)),
        });
    };
    let submit = move |only_valid: bool| {
        if let Some((_, csv)) = text.get_untracked() {
            import.dispatch(ImportCustomers { csv, only_valid });
        }
    };

    view! {
        <Title text="Impor pelanggan" />
        <section class="page">
            <header class="page-header">
                <h1>"Impor pelanggan"</h1>
                <div class="header-actions">
                    <A href="/pelanggan" attr:class="btn btn-ghost">"‹ Daftar pelanggan"</A>
                </div>
            </header>
            <div class="card stack">
                <p>
                    "File CSV (UTF-8), dipisah koma atau titik koma. Baris pertama berisi judul kolom. Kolom yang dikenali: "
                    <code>"nama"</code> " (wajib), " <code>"no_hp"</code> ", " <code>"alamat"</code> ", "
                    <code>"paket"</code> " (nama paket yang sudah ada), " <code>"harga"</code> " (harga khusus), "
                    <code>"tanggal_tagih"</code> ", " <code>"status"</code> " (aktif / ditangguhkan / berhenti), "
                    <code>"catatan"</code> ". Judul dalam bahasa Inggris (name, phone, address, package, …) juga dikenali. Kode pelanggan dibuat otomatis."
                </p>
                <p class="muted">"Setiap baris diperiksa dulu. Bila ada kesalahan, tidak ada yang disimpan sampai Anda memilih untuk mengimpor baris yang benar saja."</p>
                <div class="field" class:has-error=move || file_error.with(Option::is_some) || read_error.with(Option::is_some)>
                    <label for="f-file">"File CSV"</label>
                    <input id="f-file" type="file" accept=".csv,text/csv,text/plain" on:change=on_file
                        aria-describedby="f-file-err" />
                    <p class="field-error" id="f-file-err" aria-live="polite">
                        {move || read_error.get().or_else(|| file_error.get())}
                    </p>
                </div>
                <FormAlert error=other_error />
                <div class="form-actions">
                    <button type="button" class="btn btn-primary"
                        disabled=move || text.with(Option::is_none) || import.pending().get()
                        on:click=move |_| submit(false)>
                        {move || if import.pending().get() { "Memeriksa…" } else { "Periksa dan impor" }}
                    </button>
                </div>
            </div>
            {move || value.get().and_then(Result::ok).map(|r| view! { <ImportResult report=r on_only_valid=Callback::new(move |_| submit(true)) pending=import.pending() /> })}
        </section>
    }
}

#[component]
fn ImportResult(
    report: ImportReport,
    on_only_valid: Callback<()>,
    pending: Memo<bool>,
) -> impl IntoView {
    let r = report;
    let blocked = r.invalid_rows > 0 && r.imported == 0;
    view! {
        <div class="card stack" id="import-report">
            {if r.imported > 0 {
                view! {
                    <div class="alert alert-ok" role="status">
                        {format!("{} pelanggan diimpor.", r.imported)}
                        {(r.invalid_rows > 0).then(|| format!(" {} baris dengan kesalahan dilewati.", r.invalid_rows))}
                    </div>
                }.into_any()
            } else if blocked {
                view! {
                    <div class="alert alert-error" role="alert">
                        {format!(
                            "Tidak ada yang diimpor: {} dari {} baris bermasalah. Perbaiki file lalu unggah lagi, atau impor hanya {} baris yang benar.",
                            r.invalid_rows, r.rows, r.valid
                        )}
                    </div>
                }.into_any()
            } else {
                view! { <div class="alert alert-warn">"Tidak ada baris yang bisa diimpor."</div> }.into_any()
            }}
            {(blocked && r.valid > 0).then(|| view! {
                <div class="form-actions">
                    <button type="button" class="btn btn-primary" disabled=move || pending.get()
                        on:click=move |_| on_only_valid.run(())>
                        {format!("Impor hanya {} baris yang benar", r.valid)}
                    </button>
                </div>
            })}
            {(!r.ignored_columns.is_empty()).then(|| view! {
                <p class="muted">{format!("Kolom diabaikan: {}.", r.ignored_columns.join(", "))}</p>
            })}
            {issue_table("Kesalahan", "issues-errors", r.errors)}
            {issue_table("Perlu diperiksa (tetap diimpor)", "issues-warnings", r.warnings)}
            {(r.more_issues > 0).then(|| view! {
                <p class="muted">{format!("…dan {} catatan lain tidak ditampilkan.", r.more_issues)}</p>
            })}
        </div>
    }
}

fn issue_table(
    title: &'static str,
    id: &'static str,
    issues: Vec<RowIssue>,
) -> Option<impl IntoView> {
    (!issues.is_empty()).then(|| {
        view! {
            <h2>{title}</h2>
            <table class="table report-table" id=id>
                <thead>
                    <tr>
                        <th class="num">"Baris"</th>
                        <th>"Kolom"</th>
                        <th>"Isi"</th>
                        <th>"Masalah"</th>
                    </tr>
                </thead>
                <tbody>
                    {issues.into_iter().map(|i| view! {
                        <tr>
                            <td data-label="Baris" class="num">{i.row}</td>
                            <td data-label="Kolom">{i.column}</td>
                            <td data-label="Isi" class="code">{i.value}</td>
                            <td data-label="Masalah">{i.reason}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}
