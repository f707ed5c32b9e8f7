use leptos::prelude::*;
use leptos_meta::Title;

/// A page that is not built yet says so plainly, with what it will hold.
#[component]
pub fn ComingSoon(title: &'static str, what: &'static str) -> impl IntoView {
    view! {
        <Title text=title />
        <section class="page">
            <header class="page-header">
                <h1>{title}</h1>
            </header>
            <div class="card empty-state">
                <p class="empty-title">"Halaman ini belum tersedia."</p>
                <p>{what}</p>
            </div>
        </section>
    }
}
