//! WhatsApp: the connection's status, the QR to scan (or a pairing code), the session
//! controls, the WAHA connection settings (the API key write-only), a test message, the
//! webhook, and the instructions and troubleshooting of the original system.

use crate::{
    api::whatsapp::{
        SkipWarmup, WaPairingCode, WaRegisterWebhook, WaSaveSettings, WaSessionAction,
        WaTestConnection, WaTestMessage, wa_qr, wa_settings, wa_status,
    },
    components::{
        form::{Field, FormAlert, field_error, form_error},
        layout::WaNavRefresh,
        poll::use_tick,
    },
    domain::whatsapp::{SessionAction, SessionStatus, Tone},
    dto::whatsapp::{SessionView, SettingsView},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The first QR lives 60 s, each later one 20 s (WAHA); the countdown restarts on each new QR.
const QR_FIRST_SECS: u32 = 60;
const QR_NEXT_SECS: u32 = 20;

#[component]
pub fn WhatsAppPage() -> impl IntoView {
    let tick = use_tick(4000);
    let action = ServerAction::<WaSessionAction>::new();
    let status = LocalResource::new(move || {
        tick.track();
        action.version().track();
        wa_status()
    });
    let current = Memo::new(move |_| status.get().and_then(Result::ok));
    let raw = Memo::new(move |_| current.get().and_then(|s| s.status));
    // The navigation dot follows a status change seen here.
    if let Some(WaNavRefresh(bump)) = use_context::<WaNavRefresh>() {
        Effect::new(move |prev: Option<Option<SessionStatus>>| {
            let now = raw.get();
            if prev.is_some_and(|p| p != now) {
                bump.update(|n| *n = n.wrapping_add(1));
            }
            now
        });
    }

    view! {
        <Title text="WhatsApp" />
        <section class="page wa-page">
            <header class="page-header">
                <h1>"WhatsApp"</h1>
                <p class="page-sub">
                    "Hubungkan akun WhatsApp usaha Anda lewat server WAHA. Tagihan dan pengingat dikirim dari akun ini."
                </p>
            </header>
            <div class="wa-grid">
                <StatusCard status=status current=current raw=raw action=action />
                <Show when=move || raw.get() == Some(SessionStatus::ScanQrCode)>
                    <PairingCard />
                </Show>
                <SettingsCard />
                <TestMessageCard />
                <Help />
            </div>
        </section>
    }
    .into_any()
}

/// A newly linked number's daily cap, and the owner's way out for a number that is not new.
#[component]
fn WarmUpNote(text: String) -> impl IntoView {
    let skip = ServerAction::<SkipWarmup>::new();
    let done = move || matches!(skip.value().get(), Some(Ok(())));
    view! {
        <div class="alert alert-warn" data-testid="wa-warmup" role="status">
            <p>
                <b>{text}</b>
                ". Nomor yang baru ditautkan dibatasi dulu supaya tidak diblokir WhatsApp; pesan di atas batas ditahan sampai besok, lalu dikirim otomatis."
            </p>
            <FormAlert error=form_error(skip.value()) />
            <Show
                when=done
                fallback=move || view! {
                    <button type="button" class="btn btn-ghost btn-sm" disabled=move || skip.pending().get()
                        on:click=move |_| { skip.dispatch(SkipWarmup {}); }>
                        "Nomor ini sudah lama dipakai: lewati pemanasan"
                    </button>
                }
            >
                <p>"Pemanasan dilewati untuk nomor ini."</p>
            </Show>
        </div>
    }
}

/// Sending stopped because WhatsApp pushed back: what happened, and where to carry on.
#[component]
pub fn BanWarning(text: String) -> impl IntoView {
    view! {
        <div class="alert alert-error" data-testid="wa-ban-warning" role="alert">
            <p><b>"Tanda awal pemblokiran"</b></p>
            <p>{text}</p>
            <p><A href="/pengiriman">"Buka Pengiriman"</A></p>
        </div>
    }
}

/// Status, QR and the session controls.
#[component]
fn StatusCard(
    status: LocalResource<Result<SessionView, crate::error::AppError>>,
    current: Memo<Option<SessionView>>,
    raw: Memo<Option<SessionStatus>>,
    action: ServerAction<WaSessionAction>,
) -> impl IntoView {
    let label = move || match status.get() {
        None => "Memeriksa…".to_owned(),
        Some(Err(e)) => e.to_string(),
        Some(Ok(s)) => s.label(),
    };
    let error = move || current.get().and_then(|s| s.error);
    let tone = move || {
        if error().is_some() || matches!(status.get(), Some(Err(_))) {
            Tone::Bad.class()
        } else {
            Tone::of(raw.get().as_ref()).class()
        }
    };
    let configured = move || current.get().is_some_and(|s| s.configured);

    view! {
        <section class="card wa-status-card" aria-labelledby="wa-status-h">
            <h2 id="wa-status-h">"Status koneksi"</h2>
            <p class="wa-status-line">
                <span class=move || format!("wa-status {}", tone()) data-status=move || raw.get().map(String::from).unwrap_or_default()>
                    <span class="wa-dot" aria-hidden="true"></span>
                    <span data-testid="wa-status-label">{label}</span>
                </span>
                {move || current.get().map(|s| view! { <span class="muted">"Sesi: " <b>{s.session}</b></span> })}
            </p>
            {move || error().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            {move || {
                current.get()
                    .and_then(|s| s.account)
                    .map(|a| {
                        view! {
                            <dl class="wa-account">
                                <div>
                                    <dt>"Nomor"</dt>
                                    <dd data-testid="wa-account-number">{format!("+{}", a.number)}</dd>
                                </div>
                                <div>
                                    <dt>"Nama"</dt>
                                    <dd>{a.name.unwrap_or_else(|| "—".into())}</dd>
                                </div>
                            </dl>
                        }
                    })
            }}
            {move || current.get().and_then(|s| s.warning).map(|w| view! { <BanWarning text=w /> })}
            {move || current.get().and_then(|s| s.warmup).map(|w| view! { <WarmUpNote text=w /> })}
            {move || match raw.get() {
                Some(SessionStatus::ScanQrCode) => view! { <QrBox /> }.into_any(),
                Some(SessionStatus::Starting) => {
                    view! { <p class="muted">"Sesi sedang dimulai atau menyambung ulang. Tunggu sebentar…"</p> }
                        .into_any()
                }
                Some(SessionStatus::Failed) => {
                    view! {
                        <div class="alert alert-error" role="alert">
                            "Sesi gagal. Biasanya karena kode QR tidak dipindai tepat waktu atau ponsel memutus tautan. Tekan "
                            <b>"Mulai ulang"</b>
                            " lalu pindai kode QR yang baru."
                        </div>
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
            <Show when=configured>
                <SessionControls raw=raw action=action />
            </Show>
            {move || {
                action.value().get().and_then(|r| r.err()).map(|e| {
                    view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }
                })
            }}
        </section>
    }
    .into_any()
}

/// Start / Stop / Restart / Logout, each asking first.
#[component]
fn SessionControls(
    raw: Memo<Option<SessionStatus>>,
    action: ServerAction<WaSessionAction>,
) -> impl IntoView {
    let asking = RwSignal::new(None::<SessionAction>);
    let working = move || raw.get().is_some_and(|s| s.is_working());
    let stopped = move || matches!(raw.get(), Some(SessionStatus::Stopped) | None);
    let buttons: [(SessionAction, &'static str, &'static str); 4] = [
        (SessionAction::Start, "Mulai", "btn btn-wa"),
        (SessionAction::Restart, "Mulai ulang", "btn btn-primary"),
        (SessionAction::Stop, "Hentikan", "btn btn-ghost"),
        (SessionAction::Logout, "Keluarkan akun", "btn btn-ghost"),
    ];
    let visible = move |a: SessionAction| match a {
        SessionAction::Start => stopped(),
        SessionAction::Restart | SessionAction::Stop => !stopped(),
        SessionAction::Logout => working(),
    };
    let question = |a: SessionAction| match a {
        SessionAction::Start => {
            "Mulai sesi sekarang? Siapkan ponsel Anda: kode QR pertama berlaku 60 detik."
        }
        SessionAction::Restart => {
            "Mulai ulang sesi? Pengiriman berhenti sebentar selama sesi dimulai."
        }
        SessionAction::Stop => {
            "Hentikan sesi? Pesan tidak terkirim sampai sesi dimulai lagi. Akun tetap tertaut."
        }
        SessionAction::Logout => {
            "Keluarkan akun WhatsApp dari Tagih? Tautan di ponsel dihapus dan Anda harus memindai kode QR lagi."
        }
    };
    let yes = |a: SessionAction| match a {
        SessionAction::Start => "Ya, mulai",
        SessionAction::Restart => "Ya, mulai ulang",
        SessionAction::Stop => "Ya, hentikan",
        SessionAction::Logout => "Ya, keluarkan",
    };
    view! {
        <div class="toolbar wa-controls">
            {move || match asking.get() {
                Some(a) => {
                    view! {
                        <div class="confirm" role="group" aria-label="Konfirmasi">
                            <span>{question(a)}</span>
                            <button
                                type="button"
                                class=if matches!(a, SessionAction::Stop | SessionAction::Logout) { "btn btn-danger" } else { "btn btn-primary" }
                                on:click=move |_| {
                                    asking.set(None);
                                    action.dispatch(WaSessionAction { action: a });
                                }
                            >
                                {yes(a)}
                            </button>
                            <button type="button" class="btn btn-ghost" on:click=move |_| asking.set(None)>
                                "Batal"
                            </button>
                        </div>
                    }
                        .into_any()
                }
                None => {
                    buttons
                        .into_iter()
                        .filter(|(a, _, _)| visible(*a))
                        .map(|(a, text, class)| {
                            view! {
                                <button
                                    type="button"
                                    class=class
                                    disabled=move || action.pending().get()
                                    on:click=move |_| asking.set(Some(a))
                                >
                                    {text}
                                </button>
                            }
                        })
                        .collect_view()
                        .into_any()
                }
            }}
            <Show when=move || action.pending().get()>
                <span class="muted" role="status">"Memproses…"</span>
            </Show>
        </div>
    }
    .into_any()
}

/// The QR, refreshed while the session waits for a scan, with the time left on this code.
#[component]
fn QrBox() -> impl IntoView {
    let tick = use_tick(3000);
    let second = use_tick(1000);
    let qr = LocalResource::new(move || {
        tick.track();
        wa_qr()
    });
    let seen = RwSignal::new((None::<String>, 0u32));
    let left = RwSignal::new(QR_FIRST_SECS);
    Effect::new(move |_| {
        if let Some(Ok(q)) = qr.get()
            && q.qr_id.is_some()
            && seen.with_untracked(|(id, _)| *id != q.qr_id)
        {
            let shown = seen.with_untracked(|(_, n)| n + 1);
            seen.set((q.qr_id.clone(), shown));
            left.set(if shown == 1 {
                QR_FIRST_SECS
            } else {
                QR_NEXT_SECS
            });
        }
    });
    Effect::new(move |_| {
        second.track();
        left.update(|l| *l = l.saturating_sub(1));
    });
    view! {
        <div class="wa-qr">
            {move || match qr.get() {
                None => view! { <div class="wa-qr-frame wa-qr-wait">"Memuat kode QR…"</div> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                Some(Ok(q)) => match q.image {
                    Some(src) => {
                        view! {
                            <div class="wa-qr-frame">
                                <img src=src alt="Kode QR WhatsApp" width="264" height="264" />
                            </div>
                        }
                            .into_any()
                    }
                    None => view! { <div class="wa-qr-frame wa-qr-wait">{format!("Status: {}", q.status.label())}</div> }.into_any(),
                },
            }}
            <div class="wa-qr-steps">
                <p class="wa-countdown" aria-live="polite">
                    {move || {
                        let l = left.get();
                        if l > 0 {
                            format!("Kode ini berganti dalam ±{l} detik.")
                        } else {
                            "Menunggu kode QR berikutnya…".to_owned()
                        }
                    }}
                </p>
                <ol>
                    <li>"Buka WhatsApp di ponsel yang nomornya dipakai untuk tagihan."</li>
                    <li>"Ketuk ⋮ (Android) atau Setelan (iPhone), lalu " <b>"Perangkat tertaut"</b> "."</li>
                    <li><b>"Tautkan perangkat"</b> ", lalu arahkan kamera ke kode QR ini."</li>
                </ol>
                <p class="muted">
                    "Setelah 6 kode tidak dipindai (±3 menit) sesi menjadi Gagal; tekan Mulai ulang."
                </p>
            </div>
        </div>
    }
    .into_any()
}

/// The pairing-code alternative to the QR.
#[component]
fn PairingCard() -> impl IntoView {
    let action = ServerAction::<WaPairingCode>::new();
    let value = action.value();
    view! {
        <section class="card" aria-labelledby="wa-pair-h">
            <h2 id="wa-pair-h">"Tidak bisa memindai? Pakai kode"</h2>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <FormAlert error=form_error(value) />
                <Field
                    label="Nomor WhatsApp yang ditautkan"
                    name="phone"
                    kind="tel"
                    autocomplete="tel"
                    hint="Contoh: 0812 3456 7890"
                    error=field_error(value, "phone")
                />
                <button type="submit" class="btn btn-ghost" disabled=move || action.pending().get()>
                    "Minta kode tautan"
                </button>
            </ActionForm>
            {move || {
                value.get().and_then(Result::ok).map(|code| {
                    view! {
                        <div class="wa-pair-code">
                            <p class="mono" data-testid="wa-pairing-code">{code}</p>
                            <p>
                                "Di ponsel: WhatsApp → Perangkat tertaut → Tautkan perangkat → "
                                <b>"Tautkan dengan nomor telepon saja"</b>
                                ", lalu masukkan kode di atas."
                            </p>
                        </div>
                    }
                })
            }}
        </section>
    }
    .into_any()
}

/// WAHA address, session and key (write-only), "Tes koneksi" and the webhook.
#[component]
fn SettingsCard() -> impl IntoView {
    let save = ServerAction::<WaSaveSettings>::new();
    let hook = ServerAction::<WaRegisterWebhook>::new();
    let test = ServerAction::<WaTestConnection>::new();
    // Re-read (and redraw the form) only after a successful change: a refused save keeps what
    // the admin typed, with the message next to the field.
    let changes = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            changes.update(|n| *n += 1);
        }
    });
    Effect::new(move |_| {
        if matches!(hook.value().get(), Some(Ok(_))) {
            changes.update(|n| *n += 1);
        }
    });
    let settings = Resource::new(move || changes.get(), |_| wa_settings());
    let saved = save.value();
    view! {
        <section class="card" aria-labelledby="wa-settings-h">
            <h2 id="wa-settings-h">"Pengaturan koneksi"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || {
                    settings.get().map(|r| match r {
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                        Ok(s) => view! { <SettingsForm s=s save=save hook=hook /> }.into_any(),
                    })
                }}
            </Suspense>
            <Show when=move || matches!(saved.get(), Some(Ok(_)))>
                <div class="alert alert-ok" role="status">"Pengaturan disimpan."</div>
            </Show>
            <div class="toolbar">
                <button
                    type="button"
                    class="btn btn-primary"
                    disabled=move || test.pending().get()
                    on:click=move |_| {
                        test.dispatch(WaTestConnection {});
                    }
                >
                    {move || if test.pending().get() { "Menguji…" } else { "Tes koneksi" }}
                </button>
                <span class="muted">"Menguji alamat dan API key yang tersimpan."</span>
            </div>
            {move || {
                test.value().get().map(|r| match r {
                    Ok(t) => {
                        let session = t.session_label();
                        view! {
                            <div class="alert alert-ok" role="status" data-testid="wa-test-result">
                                "Terhubung ke WAHA " {t.version} " · mesin " {t.engine} " · " {t.tier}
                                " · sesi: " {session}
                            </div>
                        }
                            .into_any()
                    }
                    Err(e) => {
                        view! {
                            <div class="alert alert-error" role="alert" data-testid="wa-test-result">
                                "Tes koneksi gagal: " {e.to_string()}
                            </div>
                        }
                            .into_any()
                    }
                })
            }}
        </section>
    }
    .into_any()
}

#[component]
fn SettingsForm(
    s: SettingsView,
    save: ServerAction<WaSaveSettings>,
    hook: ServerAction<WaRegisterWebhook>,
) -> impl IntoView {
    let value = save.value();
    let key_hint = if s.key_from_env {
        "API key diambil dari WAHA_API_KEY di server. Isi untuk menggantinya. Jika alamat WAHA diganti, API key harus diketik ulang."
    } else if s.key_set {
        "API key tersimpan (tidak ditampilkan). Kosongkan agar tidak berubah. Jika alamat WAHA diganti, API key lama dihapus dan harus diketik ulang."
    } else {
        "Belum ada API key. Isi dengan WAHA_API_KEY server WAHA Anda."
    };
    let url_hint = if s.url_from_env {
        "Dari WAHA_URL di server. Contoh: http://127.0.0.1:3000"
    } else {
        "Contoh: http://127.0.0.1:3000 (server WAHA Anda)."
    };
    let key_saved = s.key_set && !s.key_from_env;
    let hook_value = hook.value();
    let hook_url = s
        .webhook_url
        .clone()
        .unwrap_or_else(|| s.suggested_webhook_url.clone());
    view! {
        <ActionForm action=save attr:class="form" attr:novalidate=true>
            <FormAlert error=form_error(value) />
            <Field
                label="Alamat server WAHA"
                name="url"
                kind="url"
                value=s.url.clone()
                hint=url_hint
                error=field_error(value, "url")
            />
            <Field
                label="Nama sesi"
                name="session"
                value=s.session.clone()
                hint="WAHA Core hanya mendukung sesi bernama default."
                error=field_error(value, "session")
            />
            <Field
                label="API key"
                name="api_key"
                kind="password"
                autocomplete="off"
                hint=key_hint
                error=field_error(value, "api_key")
            />
            <p class="wa-key-state" data-testid="wa-key-state">
                {if s.key_set { "API key: sudah diatur" } else { "API key: belum diatur" }}
            </p>
            {key_saved
                .then(|| {
                    view! {
                        <label class="check">
                            <input type="checkbox" name="clear_key" value="on" />
                            " Hapus API key tersimpan"
                        </label>
                    }
                })}
            <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Menyimpan…" } else { "Simpan pengaturan" }}
            </button>
        </ActionForm>
        <h3 class="wa-sub-h">"Webhook"</h3>
        <p class="muted">
            {if s.webhook_set {
                format!("Terdaftar: {}", s.webhook_url.clone().unwrap_or_default())
            } else {
                "Belum terdaftar. Dengan webhook, status dan tanda terkirim/dibaca langsung sampai ke Tagih.".to_owned()
            }}
        </p>
        <ActionForm action=hook attr:class="form" attr:novalidate=true>
            <FormAlert error=form_error(hook_value) />
            <Field
                label="Alamat webhook Tagih (dilihat dari server WAHA)"
                name="webhook_url"
                kind="url"
                value=hook_url
                hint="Kunci rahasia baru dibuat otomatis. WAHA memulai ulang sesi untuk memakainya."
                error=field_error(hook_value, "webhook_url")
            />
            <button type="submit" class="btn btn-ghost" disabled=move || hook.pending().get()>
                "Daftarkan webhook"
            </button>
        </ActionForm>
    }
    .into_any()
}

/// Sends a test message to a number.
#[component]
fn TestMessageCard() -> impl IntoView {
    let action = ServerAction::<WaTestMessage>::new();
    let value = action.value();
    view! {
        <section class="card" aria-labelledby="wa-testmsg-h">
            <h2 id="wa-testmsg-h">"Kirim pesan tes"</h2>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <FormAlert error=form_error(value) />
                <Field
                    label="Nomor tujuan"
                    name="number"
                    kind="tel"
                    autocomplete="off"
                    hint="Contoh: 0812 3456 7890. Nomor dicek dulu ke WhatsApp."
                    error=field_error(value, "number")
                />
                <div class="field" class:has-error=move || field_error(value, "text").with(Option::is_some)>
                    <label for="f-text">"Pesan (boleh kosong)"</label>
                    <textarea id="f-text" name="text" rows="2" maxlength="1000"></textarea>
                    <p class="field-error">{move || field_error(value, "text").get()}</p>
                </div>
                <button type="submit" class="btn btn-wa" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Mengirim…" } else { "Kirim pesan tes" }}
                </button>
            </ActionForm>
            {move || {
                value.get().and_then(Result::ok).map(|s| {
                    view! {
                        <div class="alert alert-ok" role="status">
                            "Pesan tes terkirim ke " {s.chat_id.trim_end_matches("@c.us").to_owned()} "."
                        </div>
                    }
                })
            }}
        </section>
    }
    .into_any()
}

/// The original system's instructions and troubleshooting.
#[component]
fn Help() -> impl IntoView {
    view! {
        <section class="card wa-help" aria-labelledby="wa-help-h">
            <h2 id="wa-help-h">"Petunjuk dan pemecahan masalah"</h2>
            <details open>
                <summary>"Cara menghubungkan WhatsApp"</summary>
                <ol>
                    <li>"Jalankan server WAHA, isi alamat dan API key di Pengaturan koneksi, lalu tekan Tes koneksi."</li>
                    <li>"Tekan " <b>"Mulai"</b> " dan tunggu status " <b>"Perlu scan QR"</b> "."</li>
                    <li>"Di ponsel: WhatsApp → Perangkat tertaut → Tautkan perangkat, lalu pindai kode QR."</li>
                    <li>"Status menjadi " <b>"Aktif"</b> " dan nomor akun tampil. Kirim pesan tes untuk memastikan."</li>
                </ol>
            </details>
            <details>
                <summary>"Kode QR kedaluwarsa"</summary>
                <p>
                    "Kode QR pertama berlaku 60 detik, berikutnya 20 detik. Setelah 6 kode tidak dipindai sesi menjadi "
                    <b>"Gagal"</b>
                    ". Tekan Mulai ulang ketika ponsel sudah siap, lalu pindai segera. Jika kamera sulit membaca, pakai kode tautan."
                </p>
            </details>
            <details>
                <summary>"Sesi terputus"</summary>
                <p>
                    "Status " <b>"Memulai"</b>
                    " berarti WAHA sedang menyambung ulang: tunggu sebentar, pengiriman dilanjutkan otomatis. Jika "
                    <b>"Gagal"</b>
                    ", tekan Mulai ulang; jika tetap gagal, Keluarkan akun lalu pindai lagi. Pastikan ponsel tersambung internet dan Tagih masih ada di daftar Perangkat tertaut."
                </p>
            </details>
            <details>
                <summary>"Nomor tidak valid"</summary>
                <p>
                    "Tulis nomor sebagai 08…, 62… atau +62…. Sebelum mengirim, Tagih menanyakan ke WhatsApp apakah nomor terdaftar; nomor yang tidak terdaftar ditandai gagal tanpa dicoba ulang. Perbaiki nomornya di data pelanggan lalu kirim ulang."
                </p>
            </details>
            <details>
                <summary>"Pembatasan oleh WhatsApp (rate limit, error 463)"</summary>
                <p>
                    "WhatsApp membatasi akun yang mengirim terlalu cepat atau ke banyak nomor baru. Tagih lalu menjeda pengiriman dan menampilkan alasannya. Beri jeda 30–60 detik antarpesan, kirim bertahap, sapa pelanggan dengan namanya, dan utamakan pelanggan yang pernah mengirim pesan. Error 463 bisa berlangsung berjam-jam: lanjutkan pengiriman ke nomor baru setelahnya."
                </p>
            </details>
            <details>
                <summary>"Pesan tidak terkirim"</summary>
                <ul>
                    <li>"Status harus " <b>"Aktif"</b> ". Jika tidak, mulai sesi dan pindai kode QR."</li>
                    <li>"Lihat alasan per penerima di halaman Pengiriman; pengiriman yang dijeda dilanjutkan setelah WhatsApp aktif."</li>
                    <li>"Tes koneksi dan kirim pesan tes ke nomor Anda sendiri."</li>
                    <li>"Centang terkirim/dibaca hanya muncul bila webhook terdaftar."</li>
                </ul>
            </details>
        </section>
    }
    .into_any()
}
