//! Tagih: billing for neighbourhood internet providers. This crate holds the UI, the DTOs both
//! sides share, the pure domain logic and the server functions; behind `ssr`, everything the
//! server functions call (database, services, WAHA client, auth).

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod dto;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use components::layout::Layout;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path,
};
use pages::{
    audit::AuditPage,
    customers::{CustomerEditPage, CustomerImportPage, CustomersPage},
    dashboard::DashboardPage,
    invoices::{InvoiceDetailPage, InvoicesPage},
    login::LoginPage,
    mutation::MutationPage,
    not_found::NotFound,
    packages::PackagesPage,
    payments::PaymentsPage,
    receivables::ReceivablesPage,
    schedule::{DraftReviewPage, SchedulePage},
    sending::{SendJobPage, SendingPage},
    settings::SettingsPage,
    setup::SetupPage,
    templates::TemplatePage,
    users::{AccountPage, UsersPage},
    whatsapp::WhatsAppPage,
};

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="id">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0f766e" />
                // No favicon request (and no console 404) until we ship an icon.
                <link rel="icon" href="data:," />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, after hydration: tests and styles can wait for this.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/tagih.css" />
        <Title formatter=|text: String| {
            if text.is_empty() { "Tagih".to_owned() } else { format!("{text} · Tagih") }
        } />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/setup") view=SetupPage />
                <ParentRoute path=path!("") view=Layout>
                    <Route path=path!("") view=DashboardPage />
                    <Route path=path!("pelanggan") view=CustomersPage />
                    <Route path=path!("pelanggan/baru") view=CustomerEditPage />
                    <Route path=path!("pelanggan/impor") view=CustomerImportPage />
                    <Route path=path!("pelanggan/:id") view=CustomerEditPage />
                    <Route path=path!("paket") view=PackagesPage />
                    <Route path=path!("tagihan") view=InvoicesPage />
                    <Route path=path!("tagihan/tinjau") view=DraftReviewPage />
                    <Route path=path!("tagihan/:id") view=InvoiceDetailPage />
                    <Route path=path!("pembayaran") view=PaymentsPage />
                    <Route path=path!("pembayaran/mutasi") view=MutationPage />
                    <Route path=path!("piutang") view=ReceivablesPage />
                    <Route path=path!("whatsapp") view=WhatsAppPage />
                    <Route path=path!("template") view=TemplatePage />
                    <Route path=path!("pengiriman") view=SendingPage />
                    <Route path=path!("pengiriman/:id") view=SendJobPage />
                    <Route path=path!("jadwal") view=SchedulePage />
                    <Route path=path!("pengaturan") view=SettingsPage />
                    <Route path=path!("pengguna") view=UsersPage />
                    <Route path=path!("akun") view=AccountPage />
                    <Route path=path!("log-aktivitas") view=AuditPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
