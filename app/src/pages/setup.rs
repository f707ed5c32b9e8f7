use crate::{
    api::auth::Setup,
    components::form::{Field, FormAlert, field_error, form_error},
    domain::account::PASSWORD_MIN,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// First run: create the owner account. Only reachable while no account exists.
#[component]
pub fn SetupPage() -> impl IntoView {
    let action = ServerAction::<Setup>::new();
    let value = action.value();
    view! {
        <Title text="Penyiapan awal" />
        <div class="auth-page">
            <div class="auth-card">
                <p class="auth-brand">"Tagih"</p>
                <h1>"Penyiapan awal"</h1>
                <p class="auth-sub">
                    "Buat akun pemilik. Akun ini dapat mengatur semua hal, termasuk koneksi WhatsApp."
                </p>
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    <FormAlert error=form_error(value) />
                    <Field
                        label="Nama lengkap"
                        name="display_name"
                        autocomplete="name"
                        error=field_error(value, "display_name")
                    />
                    <Field
                        label="Nama pengguna"
                        name="username"
                        autocomplete="username"
                        hint="Huruf kecil, angka, titik, garis bawah atau tanda hubung."
                        error=field_error(value, "username")
                    />
                    <Field
                        label="Kata sandi"
                        name="password"
                        kind="password"
                        autocomplete="new-password"
                        hint=format!("Minimal {PASSWORD_MIN} karakter. Kalimat panjang lebih aman.")
                        error=field_error(value, "password")
                    />
                    <Field
                        label="Ulangi kata sandi"
                        name="password_confirm"
                        kind="password"
                        autocomplete="new-password"
                        error=field_error(value, "password_confirm")
                    />
                    <Field
                        label="Kode penyiapan"
                        name="setup_code"
                        autocomplete="off"
                        hint="Tertulis di log server Tagih saat pertama kali dijalankan, pada baris Kode penyiapan. Tidak diminta bila TAGIH_PUBLIC_URL diatur."
                        error=field_error(value, "setup_code")
                    />
                    <button
                        type="submit"
                        class="btn btn-primary btn-block"
                        disabled=move || action.pending().get()
                    >
                        {move || if action.pending().get() { "Menyimpan…" } else { "Buat akun pemilik" }}
                    </button>
                </ActionForm>
            </div>
        </div>
    }
}
