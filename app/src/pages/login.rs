use crate::{
    api::auth::Login,
    components::form::{Field, FormAlert, field_error, form_error},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let value = action.value();
    view! {
        <Title text="Masuk" />
        <div class="auth-page">
            <div class="auth-card">
                <p class="auth-brand">"Tagih"</p>
                <h1>"Masuk"</h1>
                <p class="auth-sub">"Kelola pelanggan, tagihan dan pengiriman WhatsApp."</p>
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    <FormAlert error=form_error(value) />
                    <Field
                        label="Nama pengguna"
                        name="username"
                        autocomplete="username"
                        error=field_error(value, "username")
                    />
                    <Field
                        label="Kata sandi"
                        name="password"
                        kind="password"
                        autocomplete="current-password"
                        error=field_error(value, "password")
                    />
                    <input type="hidden" name="next" value=next />
                    <button
                        type="submit"
                        class="btn btn-primary btn-block"
                        disabled=move || action.pending().get()
                    >
                        {move || if action.pending().get() { "Memproses…" } else { "Masuk" }}
                    </button>
                </ActionForm>
            </div>
        </div>
    }
}
