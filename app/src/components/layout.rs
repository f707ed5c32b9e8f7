//! The signed-in frame: top bar, navigation (a drawer on phones), content.

use crate::{
    api::{
        auth::{Logout, me},
        sending::active_jobs,
        whatsapp::wa_nav_status,
    },
    components::poll::use_tick,
    domain::{account::Role, whatsapp::Tone},
    error::AppError,
};
use leptos::prelude::*;
use leptos_router::{
    components::{A, Outlet},
    hooks::use_navigate,
};

/// Pages that change the WhatsApp status bump this so the navigation dot follows at once.
#[derive(Clone, Copy)]
pub struct WaNavRefresh(pub RwSignal<u32>);

/// Navigation entries: path, label, and the least role that may use the page. The server
/// functions behind each page check the same roles; hiding an entry is only for clarity.
pub const NAV: &[(&str, &str, Role)] = &[
    ("/", "Dashboard", Role::Kasir),
    ("/pelanggan", "Pelanggan", Role::Kasir),
    ("/paket", "Paket", Role::Admin),
    ("/tagihan", "Tagihan", Role::Kasir),
    ("/pembayaran", "Pembayaran", Role::Kasir),
    ("/piutang", "Piutang", Role::Kasir),
    ("/whatsapp", "WhatsApp", Role::Admin),
    ("/template", "Template", Role::Admin),
    ("/pengiriman", "Pengiriman", Role::Kasir),
    ("/jadwal", "Jadwal", Role::Admin),
    ("/pengaturan", "Pengaturan", Role::Admin),
    ("/pengguna", "Pengguna", Role::Owner),
    ("/log-aktivitas", "Log aktivitas", Role::Admin),
    ("/akun", "Akun saya", Role::Kasir),
];

/// The entries a user with `role` sees.
pub fn nav_for(role: Role) -> impl Iterator<Item = &'static (&'static str, &'static str, Role)> {
    NAV.iter()
        .filter(move |(_, _, needed)| role.allows(*needed))
}

/// The WhatsApp status dot: one look in the desktop navigation and the phone's top bar.
#[component]
fn WaDot(tone: Signal<&'static str>, label: Signal<String>) -> impl IntoView {
    view! {
        <span
            class=move || format!("wa-dot {}", tone.get())
            data-tone=move || tone.get()
            title=move || label.get()
            aria-hidden="true"
            data-testid="wa-dot"
        ></span>
    }
}

#[component]
pub fn Layout() -> impl IntoView {
    let user = Resource::new(|| (), |_| me());
    let logout = ServerAction::<Logout>::new();
    let (open, set_open) = signal(false);
    let tick = use_tick(5000);
    let active = Resource::new(move || tick.get(), |_| active_jobs());
    // The WhatsApp dot: the cached status, asked for in the browser only (never delays a page).
    let wa_tick = use_tick(15_000);
    let wa_bump = WaNavRefresh(RwSignal::new(0));
    provide_context(wa_bump);
    let wa = LocalResource::new(move || {
        wa_tick.track();
        wa_bump.0.track();
        wa_nav_status()
    });
    let wa_status = Memo::new(move |_| wa.get().and_then(Result::ok));
    let wa_tone = move || Tone::of(wa_status.get().and_then(|s| s.status).as_ref()).class();
    let wa_label = move || {
        wa_status
            .get()
            .map(|s| format!("Status WhatsApp: {}", s.label()))
            .unwrap_or_else(|| "Status WhatsApp".into())
    };

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
                <Show when=move || wa_status.get().is_some()>
                    <a class="wa-top" href="/whatsapp" title=wa_label aria-label=wa_label>
                        <WaDot tone=Signal::derive(wa_tone) label=Signal::derive(wa_label) />
                        "WA"
                    </a>
                </Show>
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
                <Suspense fallback=|| ()>
                <ul>
                    {move || {
                    let role = user.get().and_then(Result::ok).map(|u| u.role);
                    role.into_iter()
                        .flat_map(nav_for)
                        .map(|(href, label, _)| {
                            view! {
                                <li on:click=move |_| set_open.set(false)>
                                    <A href=*href exact=*href == "/">
                                        {*label}
                                        {(*href == "/whatsapp")
                                            .then(|| {
                                                view! {
                                                    <span class="nav-dot">
                                                        <WaDot tone=Signal::derive(wa_tone) label=Signal::derive(wa_label) />
                                                    </span>
                                                }
                                            })}
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()
                    }}
                </ul>
                </Suspense>
            </nav>
            <div class="scrim" on:click=move |_| set_open.set(false)></div>
            <main class="content">
                <Outlet />
            </main>
        </div>
    }
}
