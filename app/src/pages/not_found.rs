use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Tidak ditemukan" />
        <div class="auth-page">
            <div class="auth-card">
                <h1>"Halaman tidak ditemukan"</h1>
                <p>"Alamat yang Anda buka tidak ada."</p>
                <a class="btn btn-primary" href="/">
                    "Ke Dashboard"
                </a>
            </div>
        </div>
    }
}
