//! The signed-in frame: top bar, navigation (a drawer on phones), content.

use crate::{
    api::{
        auth::{Logout, me},
        sending::active_jobs,
    },
    components::poll::use_tick,
    error::AppError,
};
use leptos::prelude::*;
use leptos_router::{
    components::{A, Outlet},
    hooks::use_navigate,
};

/// Navigation entries: path and label.
pub const NAV: &[(&str, &str)] = &[
    ("/", "Dashboard"),
    ("/pelanggan", "Pelanggan"),
    ("/paket", "Paket"),
    ("/tagihan", "Tagihan"),
    ("/whatsapp", "WhatsApp"),
    ("/template", "Template"),
    ("/pengiriman", "Pengiriman"),
    ("/pengaturan", "Pengaturan"),
];

#[component]
pub fn Layout() -> impl IntoView {
    let user = Resource::new(|| (), |_| me());
    let logout = ServerAction::<Logout>::new();
    let (open, set_open) = signal(false);
    let tick = use_tick(5000);
    let active = Resource::new(move || tick.get(), |_| active_jobs());

    // A session that ended while the page was open sends the admin back to the login page.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Err(AppError::Unauthorized)) = user.get() {
            navigate("/login", Default::default());
        }
    });

    view! {
        <div class="shell" class:menu-open=open>
            <header class="topbar">
                <button
                    type="button"
                    class="icon-btn menu-toggle"
                    aria-label="Menu"
                    aria-controls="sidenav"
                    aria-expanded=move || open.get().to_string()
                    on:click=move |_| set_open.update(|o| *o = !*o)
                >
                    <span class="burger" aria-hidden="true"></span>
                </button>
                <a class="brand" href="/">
                    "Tagih"
                </a>
                <Transition fallback=|| ()>
                    {move || {
                        active.get()
                            .and_then(Result::ok)
                            .filter(|a| a.jobs > 0)
                            .map(|a| {
                                let title = if a.paused > 0 {
                                    format!("{} pengiriman berjalan, {} dijeda", a.jobs, a.paused)
                                } else {
                                    format!("{} pengiriman berjalan", a.jobs)
                                };
                                view! {
                                    <a
                                        class="jobs-indicator"
                                        class:paused={a.paused > 0}
                                        href="/pengiriman"
                                        title=title.clone()
                                        aria-label=title
                                    >
                                        <span class="spinner" aria-hidden="true"></span>
                                        {format!("{}/{}", a.finished, a.total)}
                                    </a>
                                }
                            })
                    }}
                </Transition>
                <div class="topbar-user">
                    <Suspense fallback=|| ()>
                        {move || {
                            user.get()
                                .and_then(Result::ok)
                                .map(|u| view! { <span class="user-name">{u.display_name}</span> })
                        }}
                    </Suspense>
                    <ActionForm action=logout attr:class="logout-form">
                        <button type="submit" class="btn btn-ghost">
                            "Keluar"
                        </button>
                    </ActionForm>
                </div>
            </header>
            <nav id="sidenav" class="sidenav" aria-label="Navigasi utama">
                <ul>
                    {NAV
                        .iter()
                        .map(|(href, label)| {
                            view! {
                                <li on:click=move |_| set_open.set(false)>
                                    <A href=*href exact=*href == "/">
                                        {*label}
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <div class="scrim" on:click=move |_| set_open.set(false)></div>
            <main class="content">
                <Outlet />
            </main>
        </div>
    }
}
