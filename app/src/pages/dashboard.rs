use crate::components::{backup_card::BackupCard, schedule_card::ScheduleCard};
use crate::{
    api::{auth::me, dashboard::load_dashboard, sending::active_jobs, whatsapp::wa_nav_status},
    domain::{money::rupiah, whatsapp::Tone},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let user = Resource::new(|| (), |_| me());
    let numbers = Resource::new(|| (), |_| load_dashboard());
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
            <Suspense fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || numbers.get().map(|r| match r {
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    Ok(n) => {
                        let pct = if n.billed > 0 { (n.paid * 100 / n.billed).clamp(0, 100) } else { 0 };
                        view! {
                            <div class="stat-grid">
                                <A href="/pelanggan?status=active" attr:class="stat card" attr:data-stat="active-customers">
                                    <span class="stat-label">"Pelanggan aktif"</span>
                                    <span class="stat-value">{n.active_customers}</span>
                                    <span class="stat-note">
                                        {if n.active_without_wa > 0 {
                                            format!("{} tanpa nomor WhatsApp yang bisa dipakai", n.active_without_wa)
                                        } else {
                                            "Semua punya nomor WhatsApp".to_owned()
                                        }}
                                    </span>
                                </A>
                                <A href="/tagihan" attr:class="stat card stat-wide" attr:data-stat="this-period">
                                    <span class="stat-label">{format!("Tagihan {}", n.period_label)}</span>
                                    <span class="stat-value money" data-stat="billed">{rupiah(n.billed)}</span>
                                    <span class="meter" role="progressbar" aria-valuemin="0" aria-valuemax="100"
                                        aria-valuenow=pct.to_string() aria-label="Sudah dibayar">
                                        <span class="meter-bar" style=format!("width: {pct}%")></span>
                                    </span>
                                    <span class="stat-split">
                                        <span>"Dibayar " <strong class="money" data-stat="paid">{rupiah(n.paid)}</strong></span>
                                        <span>"Belum dibayar " <strong class="money" data-stat="outstanding">{rupiah(n.outstanding)}</strong></span>
                                    </span>
                                    <span class="stat-note">{format!("{} tagihan", n.invoices)}</span>
                                </A>
                                <A href="/tagihan?period=all&overdue=1&sort=due" attr:class="stat card stat-alert" attr:data-stat="overdue">
                                    <span class="stat-label">"Terlambat"</span>
                                    <span class="stat-value">{n.overdue_count} " tagihan"</span>
                                    <span class="stat-note money">{rupiah(n.overdue_sum)}</span>
                                </A>
                                <A href="/tagihan?period=all&status=open&sort=due" attr:class="stat card" attr:data-stat="owed-all">
                                    <span class="stat-label">"Piutang semua periode"</span>
                                    <span class="stat-value money">{rupiah(n.owed_all)}</span>
                                    <span class="stat-note">
                                        {if n.credit > 0 {
                                            format!("Yang harus dibayar semua pelanggan sekarang · saldo titipan {}", rupiah(n.credit))
                                        } else {
                                            "Yang harus dibayar semua pelanggan sekarang".to_owned()
                                        }}
                                    </span>
                                </A>
                                <div class="stat card" data-stat="collected">
                                    <span class="stat-label">"Diterima bulan ini"</span>
                                    <span class="stat-value money">{rupiah(n.collected_this_month)}</span>
                                    <span class="stat-note">"Semua pembayaran yang dicatat bulan ini"</span>
                                </div>
                            </div>
                        }.into_any()
                    }
                })}
            </Suspense>
            // Outside the Suspense: a component made inside a closure that re-runs when the
            // numbers arrive would lose its resources while the server still renders it.
            <div class="stat-grid dash-wa">
                <WhatsAppCard />
                <SendingCard />
                <BackupCard />
                <ScheduleCard />
            </div>
        </section>
    }
}

/// The WhatsApp connection as last known (cheap; the WhatsApp page asks WAHA live).
#[component]
fn WhatsAppCard() -> impl IntoView {
    let wa = LocalResource::new(wa_nav_status);
    view! {
        <A href="/whatsapp" attr:class="stat card" attr:data-stat="whatsapp">
            <span class="stat-label">"WhatsApp"</span>
            {move || {
                let s = wa.get().and_then(Result::ok);
                let tone = Tone::of(s.as_ref().and_then(|s| s.status.as_ref())).class();
                let warning = s.as_ref().and_then(|s| s.warning.clone());
                let label = s.map(|s| s.label()).unwrap_or_else(|| "Memuat…".into());
                view! {
                    <span class=format!("stat-value wa-status {tone}")>{label}</span>
                    {match warning {
                        Some(w) => view! {
                            <span class="stat-note stat-warn" data-testid="dash-ban-warning" role="alert" title=w>
                                "⚠ Pengiriman dihentikan: tanda awal pemblokiran. Buka untuk rinciannya."
                            </span>
                        }
                            .into_any(),
                        None => view! {
                            <span class="stat-note">"Koneksi, scan QR, dan pengaturan WAHA"</span>
                        }
                            .into_any(),
                    }}
                }
            }}
        </A>
    }
}

/// Bulk sends still running (or paused), from the outbox.
#[component]
fn SendingCard() -> impl IntoView {
    let active = LocalResource::new(active_jobs);
    view! {
        <A href="/pengiriman" attr:class="stat card" attr:data-stat="sending">
            <span class="stat-label">"Pengiriman berjalan"</span>
            {move || match active.get().and_then(Result::ok) {
                None => view! { <span class="stat-value">"–"</span> }.into_any(),
                Some(a) if a.jobs == 0 => view! {
                    <span class="stat-value">"Tidak ada"</span>
                    <span class="stat-note">"Kirim tagihan dari halaman Tagihan"</span>
                }
                    .into_any(),
                Some(a) => view! {
                    <span class="stat-value">{format!("{} / {} pesan", a.finished, a.total)}</span>
                    <span class="stat-note">
                        {format!("{} pengiriman", a.jobs)}
                        {(a.paused > 0).then(|| format!(", {} dijeda", a.paused))}
                    </span>
                }
                    .into_any(),
            }}
        </A>
    }
}
