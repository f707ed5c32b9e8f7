//! Pengguna (owner only): add users with a role, disable or enable them, reset a password (a
//! one-time password shown once). Akun saya (every role): change one's own password, see and
//! end one's own sessions.

use crate::{
    api::users::{
        ChangePassword, CreateUser, ResetPassword, RevokeSession, SetUserActive, list_users,
        my_sessions,
    },
    components::form::{Field, FormAlert, SelectField, field_error, form_error},
    domain::{
        account::{PASSWORD_MIN, Role},
        dates::format_local,
    },
    dto::users::OneTimePassword,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The one-time password, with a warning that it is shown only now.
#[component]
fn OneTime(otp: OneTimePassword) -> impl IntoView {
    view! {
        <div class="alert alert-ok otp" role="status" data-testid="one-time-password">
            <p>
                "Kata sandi sementara untuk " <strong>{otp.username.clone()}</strong> ": "
                <code class="otp-value">{otp.password.clone()}</code>
            </p>
            <p class="small">
                "Catat dan berikan sekarang: kata sandi ini hanya ditampilkan sekali. "
                "Minta pengguna menggantinya di Akun saya setelah masuk."
            </p>
        </div>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                set_active.version().get(),
                reset.version().get(),
            )
        },
        |_| list_users(),
    );
    let (form_key, set_form_key) = signal(0u32);
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            set_form_key.update(|k| *k += 1);
        }
    });
    let roles: Vec<(String, String)> = [Role::Kasir, Role::Admin, Role::Owner]
        .into_iter()
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect();
    let otp = move || {
        create
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| reset.value().get().and_then(Result::ok))
    };

    view! {
        <Title text="Pengguna" />
        <section class="page">
            <header class="page-header">
                <h1>"Pengguna"</h1>
                <p class="page-sub">
                    "Pemilik mengatur semuanya. Admin: semua kecuali pengguna dan koneksi WhatsApp. "
                    "Kasir: pelanggan, pencatatan pembayaran dan pengiriman pesan."
                </p>
            </header>
            {move || otp().map(|o| view! { <OneTime otp=o /> })}
            <FormAlert error=form_error(set_active.value()) />
            <FormAlert error=form_error(reset.value()) />
            <div class="split">
                <div class="card">
                    <For
                        each=move || std::iter::once(form_key.get())
                        key=|k| *k
                        children=move |_| {
                            let value = create.value();
                            let roles = roles.clone();
                            view! {
                                <h2>"Tambah pengguna"</h2>
                                <ActionForm action=create attr:class="form" attr:novalidate=true>
                                    <FormAlert error=form_error(value) />
                                    <Field label="Nama lengkap" name="display_name" error=field_error(value, "display_name") />
                                    <Field
                                        label="Nama pengguna"
                                        name="username"
                                        autocomplete="off"
                                        hint="Huruf kecil, angka, titik, garis bawah atau tanda hubung."
                                        error=field_error(value, "username")
                                    />
                                    <SelectField
                                        label="Peran"
                                        name="role"
                                        options=roles
                                        selected="kasir"
                                        error=field_error(value, "role")
                                    />
                                    <p class="field-hint">"Kata sandi sementara dibuat otomatis dan ditampilkan sekali."</p>
                                    <div class="form-actions">
                                        <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                                            "Tambah pengguna"
                                        </button>
                                    </div>
                                </ActionForm>
                            }
                        }
                    />
                </div>
                <div class="table-card">
                    <Transition fallback=|| view! { <p class="muted pad">"Memuat…"</p> }>
                        {move || {
                            users.get().map(|r| match r {
                                Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                                Ok(list) => view! {
                                    <table class="table">
                                        <thead>
                                            <tr>
                                                <th>"Nama"</th>
                                                <th>"Peran"</th>
                                                <th>"Status"</th>
                                                <th>"Terakhir masuk"</th>
                                                <th class="row-actions"><span class="sr-only">"Aksi"</span></th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list.into_iter().map(|u| {
                                                let id = u.id;
                                                let active = u.active;
                                                view! {
                                                    <tr data-user=u.username.clone()>
                                                        <td data-label="Nama">
                                                            <span class="cell">
                                                                <strong>{u.display_name.clone()}</strong>
                                                                <br /><span class="muted">{u.username.clone()}</span>
                                                            </span>
                                                        </td>
                                                        <td data-label="Peran">{u.role.label()}</td>
                                                        <td data-label="Status">
                                                            {if active {
                                                                view! { <span class="badge badge-ok">"Aktif"</span> }.into_any()
                                                            } else {
                                                                view! { <span class="badge badge-muted">"Nonaktif"</span> }.into_any()
                                                            }}
                                                        </td>
                                                        <td data-label="Terakhir masuk">
                                                            {u.last_login_at.as_ref().map(format_local).unwrap_or_else(|| "—".into())}
                                                        </td>
                                                        <td class="row-actions">
                                                            <button type="button" class="btn btn-ghost btn-sm" on:click=move |_| {
                                                                set_active.dispatch(SetUserActive { id, active: !active });
                                                            }>{if active { "Nonaktifkan" } else { "Aktifkan" }}</button>
                                                            <button type="button" class="btn btn-ghost btn-sm" on:click=move |_| {
                                                                reset.dispatch(ResetPassword { id });
                                                            }>"Reset kata sandi"</button>
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any(),
                            })
                        }}
                    </Transition>
                </div>
            </div>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let revoke = ServerAction::<RevokeSession>::new();
    let sessions = Resource::new(
        move || (change.version().get(), revoke.version().get()),
        |_| my_sessions(),
    );
    let value = change.value();
    view! {
        <Title text="Akun saya" />
        <section class="page">
            <header class="page-header">
                <h1>"Akun saya"</h1>
                <p class="page-sub">"Ganti kata sandi Anda dan lihat di mana akun Anda sedang masuk."</p>
            </header>
            <div class="split">
                <div class="card">
                    <h2>"Ganti kata sandi"</h2>
                    <ActionForm action=change attr:class="form" attr:novalidate=true>
                        <FormAlert error=form_error(value) />
                        <Show when=move || matches!(value.get(), Some(Ok(_)))>
                            <div class="alert alert-ok" role="status">
                                "Kata sandi diganti. Sesi lain akun ini sudah diakhiri."
                            </div>
                        </Show>
                        <Field
                            label="Kata sandi saat ini"
                            name="current"
                            kind="password"
                            autocomplete="current-password"
                            error=field_error(value, "current")
                        />
                        <Field
                            label="Kata sandi baru"
                            name="new_password"
                            kind="password"
                            autocomplete="new-password"
                            hint=format!("Minimal {PASSWORD_MIN} karakter. Kalimat panjang lebih aman.")
                            error=field_error(value, "new_password")
                        />
                        <Field
                            label="Ulangi kata sandi baru"
                            name="new_password_confirm"
                            kind="password"
                            autocomplete="new-password"
                            error=field_error(value, "new_password_confirm")
                        />
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary" disabled=move || change.pending().get()>
                                "Ganti kata sandi"
                            </button>
                        </div>
                    </ActionForm>
                </div>
                <div class="table-card">
                    <h2 class="pad">"Sesi masuk"</h2>
                    <FormAlert error=form_error(revoke.value()) />
                    <Transition fallback=|| view! { <p class="muted pad">"Memuat…"</p> }>
                        {move || {
                            sessions.get().map(|r| match r {
                                Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                                Ok(list) => view! {
                                    <table class="table">
                                        <thead>
                                            <tr>
                                                <th>"Perangkat"</th>
                                                <th>"Alamat"</th>
                                                <th>"Masuk"</th>
                                                <th>"Terakhir aktif"</th>
                                                <th class="row-actions"><span class="sr-only">"Aksi"</span></th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list.into_iter().map(|s| {
                                                let handle = s.handle.clone();
                                                view! {
                                                    <tr data-session=s.handle.clone()>
                                                        <td data-label="Perangkat">
                                                            <span class="cell">
                                                                {if s.agent.is_empty() { "Tidak diketahui".to_owned() } else { s.agent.clone() }}
                                                                {s.current.then(|| view! { " " <span class="badge badge-ok">"Sesi ini"</span> })}
                                                            </span>
                                                        </td>
                                                        <td data-label="Alamat">{s.ip.clone()}</td>
                                                        <td data-label="Masuk">{s.signed_in_at.as_ref().map(format_local).unwrap_or_default()}</td>
                                                        <td data-label="Terakhir aktif">{s.last_seen_at.as_ref().map(format_local).unwrap_or_default()}</td>
                                                        <td class="row-actions">
                                                            {(!s.current).then(|| view! {
                                                                <button type="button" class="btn btn-ghost btn-sm btn-danger-text" on:click=move |_| {
                                                                    revoke.dispatch(RevokeSession { handle: handle.clone() });
                                                                }>"Akhiri"</button>
                                                            })}
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any(),
                            })
                        }}
                    </Transition>
                </div>
            </div>
        </section>
    }
}
