//! Pengaturan: the ISP's details and payment info (used by every message), and the sending
//! policy (quiet hours, daily cap).

use crate::{
    api::{
        invoices::{SaveBillingRules, get_billing_rules},
        settings::{
            SaveCompany, SavePolicy, SaveQris, SaveRetention, SaveTransferCode, get_company,
            get_policy, get_qris, get_retention, get_transfer_code,
        },
    },
    components::form::{FormAlert, field_error, form_error},
    domain::{
        billing::BillingRules,
        company::{Account, CompanySettings},
        transfer::{CodeExtra, TransferCodeSettings},
    },
    dto::settings::PolicyForm,
    error::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let company = Resource::new(|| (), |_| get_company());
    let policy = Resource::new(|| (), |_| get_policy());
    let rules = Resource::new(|| (), |_| get_billing_rules());
    let retention = Resource::new(|| (), |_| get_retention());
    let codes = Resource::new(|| (), |_| get_transfer_code());
    let qris = Resource::new(|| (), |_| get_qris());
    view! {
        <Title text="Pengaturan" />
        <section class="page">
            <header class="page-header">
                <h1>"Pengaturan"</h1>
                <p class="page-sub">"Data usaha dan cara pembayaran tampil di setiap pesan WhatsApp."</p>
            </header>
            {loaded(company, |c| view! { <CompanyForm initial=c /> })}
            {loaded(qris, |q| view! { <QrisSection initial=q /> })}
            {loaded(codes, |c| view! { <TransferCodeSection initial=c /> })}
            {loaded(policy, |p| view! { <PolicySection initial=p /> })}
            {loaded(rules, |r| view! { <RulesSection initial=r /> })}
            {loaded(retention, |d| view! { <RetentionSection initial=d /> })}
        </section>
    }
}

/// One section of the page once its settings arrive (or why they did not).
fn loaded<T, V>(r: Resource<Result<T, AppError>>, show: fn(T) -> V) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Memuat…"</p> }>
            {move || {
                r.get().map(|r| match r {
                    Ok(v) => show(v).into_any(),
                    Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                })
            }}
        </Suspense>
    }
}

/// The QRIS image shown on customers' statement pages.
#[component]
fn QrisSection(initial: Option<String>) -> impl IntoView {
    let save = ServerAction::<SaveQris>::new();
    let value = save.value();
    let current = RwSignal::new(initial);
    let (read_error, set_read_error) = signal(None::<String>);
    let qris_error = field_error(value, "qris");
    // Shown once the server kept it (it checks the bytes, not the browser's word).
    let pending = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(())) = value.get() {
            current.set(pending.get_untracked());
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        set_read_error.set(None);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::{JsCast, closure::Closure};
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            if file.size() > 500_000.0 {
                set_read_error.set(Some("Gambar terlalu besar (paling besar 500 KB).".into()));
                return;
            }
            let Ok(reader) = web_sys::FileReader::new() else {
                return;
            };
            let r = reader.clone();
            let done = Closure::once(move || {
                if let Some(url) = r.result().ok().and_then(|v| v.as_string()) {
                    pending.set(Some(url.clone()));
                    save.dispatch(SaveQris { image: url });
                }
            });
            reader.set_onload(Some(done.as_ref().unchecked_ref()));
            done.forget();
            if reader.read_as_data_url(&file).is_err() {
                set_read_error.set(Some("Gambar tidak bisa dibaca.".into()));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <div class="card form settings-form" data-testid="qris">
            <h2>"QRIS"</h2>
            <p class="muted">"Gambar QRIS usaha Anda tampil di halaman tagihan pelanggan, di bawah rekening bank dan e-wallet."</p>
            {move || current.get().map(|src| view! { <img class="qris-preview" src=src alt="QRIS yang tersimpan" /> })}
            <div class="field" class:has-error=move || qris_error.with(Option::is_some) || read_error.with(Option::is_some)>
                <label for="f-qris">"Unggah gambar QRIS (PNG atau JPG, paling besar 500 KB)"</label>
                <input id="f-qris" type="file" accept="image/png,image/jpeg" on:change=on_file aria-describedby="f-qris-err" />
                <p class="field-error" id="f-qris-err" aria-live="polite">
                    {move || read_error.get().or_else(|| qris_error.get())}
                </p>
            </div>
            <Show when=move || current.with(Option::is_some)>
                <button type="button" class="btn btn-ghost" disabled=move || save.pending().get()
                    on:click=move |_| { pending.set(None); save.dispatch(SaveQris { image: String::new() }); }>
                    "Hapus gambar QRIS"
                </button>
            </Show>
        </div>
    }
}

/// The unique transfer code: off by default (customers would see a changed amount).
#[component]
fn TransferCodeSection(initial: TransferCodeSettings) -> impl IntoView {
    let save = ServerAction::<SaveTransferCode>::new();
    let value = save.value();
    let enabled = RwSignal::new(initial.enabled);
    let extra = RwSignal::new(initial.extra);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveTransferCode {
            form: TransferCodeSettings {
                enabled: enabled.get_untracked(),
                extra: extra.get_untracked(),
            },
        });
    };
    view! {
        <form class="card form settings-form" on:submit=submit novalidate data-testid="transfer-code">
            <h2>"Kode unik transfer"</h2>
            <p class="muted">
                "Jumlah yang diminta ditambah kode 1–999 rupiah yang berbeda untuk tiap pelanggan, mis. Rp 150.037. Transfer dengan jumlah tepat itu langsung dikenali saat mutasi bank dicocokkan."
            </p>
            <FormAlert error=form_error(value) />
            <label class="check">
                <input
                    type="checkbox"
                    name="transfer_code_enabled"
                    prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev))
                />
                " Tambahkan kode unik ke jumlah tagihan ({{ total_transfer }} di pesan dan di halaman tagihan)"
            </label>
            <fieldset class="field">
                <legend>"Rupiah dari kode unik"</legend>
                {[CodeExtra::Credit, CodeExtra::WriteOff].into_iter().map(|x| view! {
                    <label class="check">
                        <input type="radio" name="transfer_code_extra"
                            prop:checked=move || extra.get() == x
                            on:change=move |_| extra.set(x) />
                        " " {x.label()}
                    </label>
                }).collect_view()}
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    "Simpan kode unik"
                </button>
                <Show when=move || matches!(value.get(), Some(Ok(_)))>
                    <span class="saved" role="status">"Tersimpan."</span>
                </Show>
            </div>
        </form>
    }
}

#[derive(Clone, Copy)]
struct Row {
    key: u32,
    provider: RwSignal<String>,
    number: RwSignal<String>,
    holder: RwSignal<String>,
}

fn rows(accounts: Vec<Account>, next: &mut u32) -> Vec<Row> {
    accounts
        .into_iter()
        .map(|a| {
            *next += 1;
            Row {
                key: *next,
                provider: RwSignal::new(a.provider),
                number: RwSignal::new(a.number),
                holder: RwSignal::new(a.holder),
            }
        })
        .collect()
}

fn collect(rows: &[Row]) -> Vec<Account> {
    rows.iter()
        .map(|r| Account {
            provider: r.provider.get_untracked(),
            number: r.number.get_untracked(),
            holder: r.holder.get_untracked(),
        })
        .collect()
}

#[component]
fn CompanyForm(initial: CompanySettings) -> impl IntoView {
    let save = ServerAction::<SaveCompany>::new();
    let value = save.value();
    let name = RwSignal::new(initial.name);
    let address = RwSignal::new(initial.address);
    let cs = RwSignal::new(initial.cs_contact);
    let in_person = RwSignal::new(initial.pay_in_person);
    let greetings = RwSignal::new(initial.greetings.join("\n"));
    let counter = StoredValue::new(0u32);
    let mut next = 0;
    let banks = RwSignal::new(rows(initial.banks, &mut next));
    let ewallets = RwSignal::new(rows(initial.ewallets, &mut next));
    counter.set_value(next);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveCompany {
            company: CompanySettings {
                name: name.get_untracked(),
                address: address.get_untracked(),
                cs_contact: cs.get_untracked(),
                banks: collect(&banks.get_untracked()),
                ewallets: collect(&ewallets.get_untracked()),
                pay_in_person: in_person.get_untracked(),
                greetings: greetings
                    .get_untracked()
                    .lines()
                    .map(str::to_owned)
                    .collect(),
            },
        });
    };
    let saved = move || matches!(value.get(), Some(Ok(_)));

    view! {
        <form class="card form settings-form" on:submit=submit novalidate>
            <h2>"Data usaha"</h2>
            <FormAlert error=form_error(value) />
            <TextField label="Nama usaha" name="name" value=name error=field_error(value, "name") />
            <TextField label="Alamat" name="address" value=address error=field_error(value, "address") />
            <TextField
                label="Kontak layanan pelanggan"
                name="cs_contact"
                value=cs
                hint="Mis. 0812-0000-1111 (Admin Rina)"
                error=field_error(value, "cs_contact")
            />
            <h2>"Cara pembayaran"</h2>
            <AccountList title="Rekening bank" list="banks" rows=banks counter value provider_label="Bank" />
            <AccountList title="E-wallet" list="ewallets" rows=ewallets counter value provider_label="E-wallet" />
            <TextField
                label="Bayar langsung"
                name="pay_in_person"
                value=in_person
                hint="Mis. Kantor Jl. Melati 5, setiap hari 08.00–17.00"
                error=field_error(value, "pay_in_person")
            />
            <h2>"Sapaan pesan"</h2>
            <GreetingsField value=greetings error=field_error(value, "greetings") />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Menyimpan…" } else { "Simpan data usaha" }}
                </button>
                <Show when=saved>
                    <span class="saved" role="status">"Tersimpan."</span>
                </Show>
            </div>
        </form>
    }
}

/// Greeting variants, one per line: `{{ salam }}` takes them in turn so a bulk send is not one
/// identical text.
#[component]
fn GreetingsField(
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for="f-greetings">"Variasi sapaan (opsional, satu per baris)"</label>
            <textarea
                id="f-greetings"
                name="greetings"
                rows="4"
                placeholder="Halo\nSelamat siang\nAssalamualaikum"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby="f-greetings-hint f-greetings-err"
            ></textarea>
            <p class="field-hint" id="f-greetings-hint">
                "Dipakai oleh {{ salam }} di template (pengingat dan peringatan memakainya). Pesan yang sama persis ke banyak orang lebih mudah dianggap spam; sapaan yang bergantian membuat tiap pesan sedikit berbeda. Jumlah tagihan tidak pernah berubah. Kosong: selalu \"Halo\"."
            </p>
            <p class="field-error" id="f-greetings-err" aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

#[component]
fn TextField(
    #[prop(into)] label: String,
    name: &'static str,
    value: RwSignal<String>,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let err_id = format!("{id}-err");
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=err_id.clone()
            />
            {hint.map(|h| view! { <p class="field-hint">{h}</p> })}
            <p class="field-error" id=err_id aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

#[component]
fn AccountList<S>(
    title: &'static str,
    list: &'static str,
    provider_label: &'static str,
    rows: RwSignal<Vec<Row>>,
    counter: StoredValue<u32>,
    value: S,
) -> impl IntoView
where
    S: With<Value = Option<Result<CompanySettings, AppError>>> + Copy + Send + Sync + 'static,
{
    let add = move |_| {
        let key = counter.get_value() + 1;
        counter.set_value(key);
        rows.update(|r| {
            r.push(Row {
                key,
                provider: RwSignal::new(String::new()),
                number: RwSignal::new(String::new()),
                holder: RwSignal::new(String::new()),
            })
        });
    };
    view! {
        <fieldset class="accounts">
            <legend>{title}</legend>
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="muted">"Belum ada."</p>
            </Show>
            <For
                each=move || rows.get().into_iter().enumerate()
                key=|(_, r)| r.key
                children=move |(i, r)| {
                    let err = move |f: &'static str| {
                        Signal::derive(move || {
                            value.with(|v| match v {
                                Some(Err(AppError::Validation(e))) => {
                                    e.get(&format!("{list}.{i}.{f}")).map(str::to_owned)
                                }
                                _ => None,
                            })
                        })
                    };
                    let (pe, ne, he) = (err("provider"), err("number"), err("holder"));
                    view! {
                        <div class="account-row">
                            <AccountInput label=provider_label value=r.provider error=pe />
                            <AccountInput label="Nomor" value=r.number error=ne />
                            <AccountInput label="Atas nama" value=r.holder error=he />
                            <button
                                type="button"
                                class="btn btn-ghost btn-small"
                                aria-label=format!("Hapus {title} {}", i + 1)
                                on:click=move |_| rows.update(|v| v.retain(|x| x.key != r.key))
                            >
                                "Hapus"
                            </button>
                        </div>
                    }
                }
            />
            <button type="button" class="btn btn-ghost btn-small" on:click=add>
                {format!("+ Tambah {}", title.to_lowercase())}
            </button>
        </fieldset>
    }
}

#[component]
fn AccountInput(
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <label class="field" class:has-error=move || error.with(Option::is_some)>
            <span>{label}</span>
            <input
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || error.with(Option::is_some).then_some("true")
            />
            <span class="field-error">{move || error.get()}</span>
        </label>
    }
}

/// Due dates for customers billed late, and the first month's charge.
#[component]
fn RulesSection(initial: BillingRules) -> impl IntoView {
    let save = ServerAction::<SaveBillingRules>::new();
    let value = save.value();
    let grace = RwSignal::new(initial.grace_days.to_string());
    let prorata = RwSignal::new(initial.prorata_first_month);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveBillingRules {
            grace_days: grace.get_untracked(),
            prorata: prorata.get_untracked(),
        });
    };
    view! {
        <form class="card form settings-form" id="billing-rules" on:submit=submit novalidate>
            <h2>"Aturan tagihan"</h2>
            <p class="muted">
                "Jatuh tempo adalah tanggal tagih pelanggan. Pelanggan yang ditagih setelah tanggal itu lewat mendapat masa tenggang, jadi jatuh temponya tidak pernah sebelum tanggal terbit."
            </p>
            <FormAlert error=form_error(value) />
            <TextField
                label="Masa tenggang (hari)"
                name="grace_days"
                value=grace
                hint="Untuk pelanggan yang ditagih terlambat. Bawaan 7 hari."
                error=field_error(value, "grace_days")
            />
            <label class="check">
                <input
                    type="checkbox"
                    name="prorata"
                    prop:checked=move || prorata.get()
                    on:change=move |ev| prorata.set(event_target_checked(&ev))
                />
                " Bulan pertama pelanggan baru dihitung per hari sejak tanggal mulai"
            </label>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    "Simpan aturan"
                </button>
                <Show when=move || matches!(value.get(), Some(Ok(_)))>
                    <span class="saved" role="status">"Tersimpan."</span>
                </Show>
            </div>
        </form>
    }
}

#[component]
fn PolicySection(initial: PolicyForm) -> impl IntoView {
    let save = ServerAction::<SavePolicy>::new();
    let value = save.value();
    let enabled = RwSignal::new(initial.quiet_enabled);
    let start = RwSignal::new(initial.quiet_start);
    let end = RwSignal::new(initial.quiet_end);
    let cap = RwSignal::new(initial.daily_cap);
    let waves = RwSignal::new(initial.waves_enabled);
    let wave_size = RwSignal::new(initial.wave_size);
    let wave_pause = RwSignal::new(initial.wave_pause);
    let warmup = RwSignal::new(initial.warmup_enabled);
    let warmup_days = RwSignal::new(initial.warmup_days);
    let warmup_first = RwSignal::new(initial.warmup_first);
    let warmup_step = RwSignal::new(initial.warmup_step);
    let guard = RwSignal::new(initial.guard_enabled);
    let guard_failed = RwSignal::new(initial.guard_failed_pct);
    let guard_undelivered = RwSignal::new(initial.guard_undelivered_pct);
    let guard_mins = RwSignal::new(initial.guard_undelivered_mins);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SavePolicy {
            form: PolicyForm {
                quiet_enabled: enabled.get_untracked(),
                quiet_start: start.get_untracked(),
                quiet_end: end.get_untracked(),
                daily_cap: cap.get_untracked(),
                waves_enabled: waves.get_untracked(),
                wave_size: wave_size.get_untracked(),
                wave_pause: wave_pause.get_untracked(),
                warmup_enabled: warmup.get_untracked(),
                warmup_days: warmup_days.get_untracked(),
                warmup_first: warmup_first.get_untracked(),
                warmup_step: warmup_step.get_untracked(),
                guard_enabled: guard.get_untracked(),
                guard_failed_pct: guard_failed.get_untracked(),
                guard_undelivered_pct: guard_undelivered.get_untracked(),
                guard_undelivered_mins: guard_mins.get_untracked(),
            },
        });
    };
    view! {
        <form class="card form settings-form" on:submit=submit novalidate>
            <h2>"Kebijakan pengiriman"</h2>
            <p class="muted">
                "WhatsApp dapat memblokir nomor yang mengirim terlalu banyak pesan terlalu cepat. "
                "Jam tenang, batas harian dan istirahat antar-gelombang berlaku untuk semua pengiriman; pesan yang tertahan dikirim otomatis setelahnya."
            </p>
            <FormAlert error=form_error(value) />
            <label class="check">
                <input
                    type="checkbox"
                    name="quiet_enabled"
                    prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev))
                />
                " Jangan kirim pada jam tenang"
            </label>
            <div class="field-row">
                <TimeField label="Mulai" name="quiet_start" value=start error=field_error(value, "quiet_start") />
                <TimeField label="Selesai" name="quiet_end" value=end error=field_error(value, "quiet_end") />
            </div>
            <TextField
                label="Batas pesan per hari"
                name="daily_cap"
                value=cap
                hint="Kosongkan jika tanpa batas."
                error=field_error(value, "daily_cap")
            />
            <label class="check">
                <input
                    type="checkbox"
                    name="waves_enabled"
                    prop:checked=move || waves.get()
                    on:change=move |ev| waves.set(event_target_checked(&ev))
                />
                " Kirim bergelombang: istirahat setelah sejumlah pesan (saran WAHA)"
            </label>
            <div class="field-row">
                <TextField
                    label="Pesan per gelombang"
                    name="wave_size"
                    value=wave_size
                    hint="Bawaan 25."
                    error=field_error(value, "wave_size")
                />
                <TextField
                    label="Istirahat (menit)"
                    name="wave_pause"
                    value=wave_pause
                    hint="Bawaan 20."
                    error=field_error(value, "wave_pause")
                />
            </div>
            <label class="check">
                <input
                    type="checkbox"
                    name="warmup_enabled"
                    prop:checked=move || warmup.get()
                    on:change=move |ev| warmup.set(event_target_checked(&ev))
                />
                " Pemanasan nomor baru: batas harian yang naik pelan-pelan"
            </label>
            <div class="field-row">
                <TextField
                    label="Lama pemanasan (hari)"
                    name="warmup_days"
                    value=warmup_days
                    hint="Bawaan 14."
                    error=field_error(value, "warmup_days")
                />
                <TextField
                    label="Batas hari pertama"
                    name="warmup_first"
                    value=warmup_first
                    hint="Bawaan 20 pesan."
                    error=field_error(value, "warmup_first")
                />
                <TextField
                    label="Naik per hari"
                    name="warmup_step"
                    value=warmup_step
                    hint="Bawaan 20 pesan."
                    error=field_error(value, "warmup_step")
                />
            </div>
            <label class="check">
                <input
                    type="checkbox"
                    name="guard_enabled"
                    prop:checked=move || guard.get()
                    on:change=move |ev| guard.set(event_target_checked(&ev))
                />
                " Hentikan pengiriman saat ada tanda awal pemblokiran (dalam 60 menit terakhir, minimal 10 pesan)"
            </label>
            <div class="field-row">
                <TextField
                    label="Gagal lebih dari (%)"
                    name="guard_failed_pct"
                    value=guard_failed
                    hint="Bawaan 30."
                    error=field_error(value, "guard_failed_pct")
                />
                <TextField
                    label="Belum diterima lebih dari (%)"
                    name="guard_undelivered_pct"
                    value=guard_undelivered
                    hint="Bawaan 50."
                    error=field_error(value, "guard_undelivered_pct")
                />
                <TextField
                    label="…setelah (menit)"
                    name="guard_undelivered_mins"
                    value=guard_mins
                    hint="Bawaan 30."
                    error=field_error(value, "guard_undelivered_mins")
                />
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    "Simpan kebijakan"
                </button>
                <Show when=move || matches!(value.get(), Some(Ok(_)))>
                    <span class="saved" role="status">"Tersimpan."</span>
                </Show>
            </div>
        </form>
    }
}

/// How long message texts are kept (the report keeps state, time and message id).
#[component]
fn RetentionSection(initial: u32) -> impl IntoView {
    let save = ServerAction::<SaveRetention>::new();
    let value = save.value();
    let days = RwSignal::new(initial.to_string());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveRetention {
            days: days.get_untracked(),
        });
    };
    view! {
        <form class="card form settings-form" on:submit=submit novalidate>
            <h2>"Masa simpan pesan"</h2>
            <p class="muted">
                "Isi pesan WhatsApp yang sudah terkirim dihapus setelah sekian hari. "
                "Laporan pengiriman tetap menyimpan status, waktu dan ID pesan."
            </p>
            <FormAlert error=form_error(value) />
            <TextField
                label="Simpan isi pesan selama (hari)"
                name="days"
                value=days
                hint="Bawaan 90 hari."
                error=field_error(value, "days")
            />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    "Simpan masa simpan"
                </button>
                <Show when=move || matches!(value.get(), Some(Ok(_)))>
                    <span class="saved" role="status">"Tersimpan."</span>
                </Show>
            </div>
        </form>
    }
}

#[component]
fn TimeField(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("f-{name}");
    view! {
        <div class="field" class:has-error=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type="time"
                name=name
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p class="field-error">{move || error.get()}</p>
        </div>
    }
}
