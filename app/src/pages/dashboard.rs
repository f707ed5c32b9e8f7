use crate::api::auth::me;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let user = Resource::new(|| (), |_| me());
    view! {
        <Title text="Dashboard" />
        <section class="page">
            <header class="page-header">
                <h1>"Dashboard"</h1>
                <Suspense fallback=|| ()>
                    {move || {
                        user.get()
                            .and_then(Result::ok)
                            .map(|u| view! { <p class="page-sub">"Selamat datang, " {u.display_name} "."</p> })
                    }}
                </Suspense>
            </header>
            <div class="card empty-state">
                <p class="empty-title">"Ringkasan belum tersedia."</p>
                <p>
                    "Jumlah pelanggan aktif, tagihan bulan ini, yang sudah dibayar, tunggakan dan status WhatsApp akan tampil di sini."
                </p>
            </div>
        </section>
    }
}
