//! The dialog shell every modal shares: backdrop, labelled dialog, title and close button.
//! Full screen on phones, centred on wider screens (style/main.css).

use leptos::prelude::*;

#[component]
pub fn Modal(
    /// The dialog's heading, also its accessible name.
    title: &'static str,
    /// Element id of the heading (unique on the page).
    title_id: &'static str,
    /// The wider layout (two columns for the message editor).
    #[prop(optional)]
    wide: bool,
    #[prop(into)] on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let close = move |_| on_close.run(());
    view! {
        <div class="modal-backdrop" on:click=close></div>
        <div
            class=if wide { "modal modal-wide" } else { "modal" }
            role="dialog"
            aria-modal="true"
            aria-labelledby=title_id
        >
            <header class="modal-header">
                <h2 id=title_id>{title}</h2>
                <button type="button" class="icon-btn" aria-label="Tutup" on:click=close>
                    "✕"
                </button>
            </header>
            {children()}
        </div>
    }
}
