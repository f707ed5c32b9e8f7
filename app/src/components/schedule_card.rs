//! The dashboard's "Jadwal" card: drafts waiting for review first (the admin's move), else the
//! scheduler's next action with someone to reach.

use crate::api::schedule::schedule_next_action;
use leptos::prelude::*;

#[component]
pub fn ScheduleCard() -> impl IntoView {
    let next = LocalResource::new(schedule_next_action);
    view! {
        {move || {
            let n = next.get().and_then(Result::ok);
            let drafts = n.as_ref().map(|n| n.drafts).unwrap_or(0);
            let (href, value, note) = match &n {
                None => ("/jadwal", "–".to_owned(), String::new()),
                Some(n) if n.drafts > 0 => (
                    "/tagihan/tinjau",
                    format!("{} draf tagihan", n.drafts),
                    "Tinjau, lalu Terbitkan & kirim.".to_owned(),
                ),
                Some(n) if !n.enabled => (
                    "/jadwal",
                    "Penjadwal mati".to_owned(),
                    "Tagihan bulanan dan pengingat tidak berjalan sendiri.".to_owned(),
                ),
                Some(n) => (
                    "/jadwal",
                    n.next.clone().unwrap_or_else(|| "Tidak ada yang perlu dikirim".to_owned()),
                    "Berikutnya menurut jadwal".to_owned(),
                ),
            };
            let class = if drafts > 0 { "stat card stat-alert" } else { "stat card" };
            view! {
                <a href=href class=class data-stat="schedule">
                    <span class="stat-label">"Jadwal"</span>
                    <span class="stat-value stat-value-sm">{value}</span>
                    <span class="stat-note">{note}</span>
                </a>
            }
        }}
    }
}
