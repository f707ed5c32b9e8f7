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
