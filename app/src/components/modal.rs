//! The dialog shell every modal shares: backdrop, labelled dialog, title and close button.
//! Full screen on phones, centred on wider screens (style/main.css).
//!
//! It renders in a portal at the end of `<body>`: a dialog opened from a table cell must not
//! inherit the cell's alignment, overflow or stacking. Focus moves into the dialog, Tab stays
//! inside it, Escape closes it, and focus returns to what had it before.

use leptos::{html, portal::Portal, prelude::*};
use std::sync::{Arc, Mutex};

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
    let dialog = NodeRef::<html::Div>::new();
    focus::manage(dialog);
    let close = move |_| on_close.run(());
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            on_close.run(());
        } else if ev.key() == "Tab" {
            focus::keep_inside(dialog, &ev);
        }
    };
    // The portal renders its children from an effect, through a callable that may be asked
    // more than once; the dialog's body is built once.
    let body = Arc::new(Mutex::new(Some(children)));
    view! {
        <Portal>
            {
                let body = Arc::clone(&body);
                view! {
                    <div class="modal-layer">
                        <div class="modal-backdrop" on:click=close></div>
                        <div
                            class=if wide { "modal modal-wide" } else { "modal" }
                            role="dialog"
                            aria-modal="true"
                            aria-labelledby=title_id
                            tabindex="-1"
                            node_ref=dialog
                            on:keydown=on_key
                        >
                            <header class="modal-header">
                                <h2 id=title_id>{title}</h2>
                                <button type="button" class="icon-btn" aria-label="Tutup" on:click=close>
                                    "✕"
                                </button>
                            </header>
                            {body.lock().ok().and_then(|mut b| b.take()).map(|c| c())}
                        </div>
                    </div>
                }
            }
        </Portal>
    }
}

#[cfg(feature = "hydrate")]
mod focus {
    use leptos::{html, prelude::*, wasm_bindgen::JsCast, web_sys};
    use send_wrapper::SendWrapper;

    const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
         select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

    fn focusables(dialog: &web_sys::HtmlElement) -> Vec<web_sys::HtmlElement> {
        let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            // Hidden elements (display: none) have no offset parent and cannot take focus.
            .filter(|e| e.offset_parent().is_some())
            .collect()
    }

    /// Focus the first field (or the dialog) when it opens; give focus back when it closes.
    pub fn manage(dialog: NodeRef<html::Div>) {
        let before = SendWrapper::new(
            document()
                .active_element()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
        );
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            let Some(d) = dialog.get() else { return false };
            let d: web_sys::HtmlElement = d.into();
            // The close button is first in the tab order; start on the content instead.
            let items = focusables(&d);
            match items.get(1).or(items.first()) {
                Some(first) => _ = first.focus(),
                None => _ = d.focus(),
            }
            true
        });
        on_cleanup(move || {
            if let Some(el) = before.take() {
                _ = el.focus();
            }
        });
    }

    /// Tab from the last focusable goes to the first, Shift+Tab from the first to the last.
    pub fn keep_inside(dialog: NodeRef<html::Div>, ev: &web_sys::KeyboardEvent) {
        let Some(d) = dialog.get_untracked() else {
            return;
        };
        let d: web_sys::HtmlElement = d.into();
        let items = focusables(&d);
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            ev.prevent_default();
            return;
        };
        let active = document().active_element();
        let at = |e: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == e.as_ref());
        let outside = active.as_ref().is_none_or(|a| !d.contains(Some(a)));
        if ev.shift_key() && (at(first) || outside) {
            ev.prevent_default();
            _ = last.focus();
        } else if !ev.shift_key() && (at(last) || outside) {
            ev.prevent_default();
            _ = first.focus();
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod focus {
    use leptos::{html, prelude::*};

    pub fn manage(_: NodeRef<html::Div>) {}
    pub fn keep_inside(_: NodeRef<html::Div>, _: &leptos::ev::KeyboardEvent) {}
}
