use crate::dto::sending::JobCounts;
use leptos::prelude::*;

/// A labelled progress bar (0–100).
#[component]
pub fn ProgressBar(
    #[prop(into)] percent: Signal<u32>,
    #[prop(into)] label: String,
) -> impl IntoView {
    view! {
        <div class="progress-wrap">
            <div
                class="progress"
                role="progressbar"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || percent.get().to_string()
            >
                <div class="progress-bar" style=move || format!("width: {}%", percent.get())></div>
            </div>
            <span class="progress-text">{move || format!("{} %", percent.get())}</span>
        </div>
    }
}

/// A job's progress: the bar and its counts, as the database has them.
#[component]
pub fn JobProgressBar(counts: JobCounts) -> impl IntoView {
    let c = counts;
    let percent = c.percent();
    view! {
        <ProgressBar percent=Signal::derive(move || percent) label="Progres pengiriman" />
        <p class="job-counts">
            <span>"Terkirim " <b data-count="sent">{c.sent}</b></span>
            <span>"Gagal " <b data-count="failed">{c.failed}</b></span>
            <span>"Tidak pasti " <b data-count="unknown">{c.unknown}</b></span>
            {(c.skipped > 0).then(|| view! { <span>"Dilewati (sudah lunas) " <b data-count="skipped">{c.skipped}</b></span> })}
            <span>"Sisa " <b data-count="remaining">{c.pending + c.sending}</b></span>
        </p>
    }
}
