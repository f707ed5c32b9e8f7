//! A WhatsApp-like bubble showing a message with its *bold*, _italic_ and ~strike~ marks.

use crate::domain::messages::whatsapp_spans;
use leptos::prelude::*;

#[component]
pub fn WaPreview(#[prop(into)] text: Signal<String>) -> impl IntoView {
    view! {
        <div class="wa-chat">
            <div class="wa-bubble" data-testid="wa-preview">
                {move || {
                    whatsapp_spans(&text.get())
                        .into_iter()
                        .map(|s| {
                            let mut class = String::new();
                            if s.bold {
                                class.push_str("wa-b ");
                            }
                            if s.italic {
                                class.push_str("wa-i ");
                            }
                            if s.strike {
                                class.push_str("wa-s");
                            }
                            view! { <span class=class.trim().to_owned()>{s.text}</span> }
                        })
                        .collect_view()
                }}
            </div>
        </div>
    }
}
