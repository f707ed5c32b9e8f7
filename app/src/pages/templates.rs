//! Template: edit each message text with a live preview, the variables listed beside it.

use crate::{
    api::templates::{ResetTemplate, SaveTemplate, get_template, preview_template},
    components::{form::form_error, wa_preview::WaPreview},
    domain::messages::TemplateKind,
    dto::templates::TemplateView,
    error::AppError,
};
use leptos::{html, prelude::*};
use leptos_meta::Title;

#[component]
pub fn TemplatePage() -> impl IntoView {
    let (kind, set_kind) = signal(TemplateKind::Invoice);
    let loaded = Resource::new(move || kind.get(), get_template);
    view! {
        <Title text="Template" />
        <section class="page">
            <header class="page-header">
                <h1>"Template"</h1>
                <p class="page-sub">
                    "Teks pesan WhatsApp. Variabel dalam " <code>"{{ … }}"</code>
                    " diganti dengan data pelanggan dan tagihan saat pesan dibuat."
                </p>
            </header>
            <div class="tabs" role="tablist" aria-label="Jenis pesan">
                {TemplateKind::ALL
                    .into_iter()
                    .map(|k| {
                        view! {
                            <button
                                type="button"
                                role="tab"
                                class="tab"
                                aria-selected=move || (kind.get() == k).to_string()
                                on:click=move |_| set_kind.set(k)
                            >
                                {k.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || {
                    loaded.get()
                        .map(|r| match r {
                            Ok(t) => view! { <Editor initial=t /> }.into_any(),
                            Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Editor(initial: TemplateView) -> impl IntoView {
    let kind = initial.kind;
    let body = RwSignal::new(initial.body.clone());
    let custom = RwSignal::new(initial.custom);
    // The preview follows the text 300 ms after typing stops.
    let debounced = RwSignal::new(initial.body);
    let typed = StoredValue::new(0u32);
    let on_input = move |value: String| {
        body.set(value);
        typed.update_value(|n| *n += 1);
        #[cfg(feature = "hydrate")]
        {
            let mine = typed.get_value();
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(300).await;
                if typed.try_get_value() == Some(mine) {
                    debounced.set(body.get_untracked());
                }
            });
        }
    };
    let invoice = RwSignal::new(String::new());
    let preview = Resource::new(
        move || (debounced.get(), invoice.get()),
        move |(b, inv)| preview_template(kind, b, Some(inv)),
    );
    let save = ServerAction::<SaveTemplate>::new();
    let reset = ServerAction::<ResetTemplate>::new();
    let (confirm_reset, set_confirm_reset) = signal(false);
    Effect::new(move |_| {
        if let Some(Ok(t)) = save.value().get() {
            custom.set(t.custom);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(t)) = reset.value().get() {
            custom.set(false);
            body.set(t.body.clone());
            debounced.set(t.body);
        }
    });
    let textarea: NodeRef<html::Textarea> = NodeRef::new();
    let insert = move |name: &'static str| {
        let token = format!("{{{{ {name} }}}}");
        let Some(el) = textarea.get() else {
            on_input(format!("{}{token}", body.get_untracked()));
            return;
        };
        let text = body.get_untracked();
        // selection_start counts UTF-16 units; map back to a char boundary.
        let at16 = el
            .selection_start()
            .ok()
            .flatten()
            .unwrap_or(text.len() as u32) as usize;
        let mut at = text.len();
        let mut units = 0;
        for (i, c) in text.char_indices() {
            if units >= at16 {
                at = i;
                break;
            }
            units += c.len_utf16();
        }
        let mut next = text.clone();
        next.insert_str(at, &token);
        el.set_value(&next);
        on_input(next);
        let _ = el.focus();
    };
    let save_error = Signal::derive(move || match save.value().get() {
        Some(Err(AppError::Validation(f))) => f.get("body").map(str::to_owned),
        _ => None,
    });
    let preview_error = Signal::derive(move || match preview.get() {
        Some(Err(AppError::Validation(f))) => f
            .get("body")
            .or_else(|| f.get("invoice"))
            .map(str::to_owned),
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    });
    let preview_text = Signal::derive(move || match preview.get() {
        Some(Ok(p)) => p.text,
        _ => String::new(),
    });

    view! {
        <div class="template-editor">
            <div class="card editor-pane">
                <label for="template-body" class="editor-label">
                    {format!("Teks {}", kind.label().to_lowercase())}
                    <Show when=move || !custom.get()>
                        <span class="badge badge-muted">"bawaan"</span>
                    </Show>
                </label>
                <textarea
                    id="template-body"
                    name="body"
                    node_ref=textarea
                    class="template-text"
                    rows="18"
                    spellcheck="false"
                    prop:value=move || body.get()
                    on:input=move |ev| on_input(event_target_value(&ev))
                    aria-invalid=move || save_error.with(Option::is_some).then_some("true")
                    aria-describedby="template-body-err"
                ></textarea>
                <p class="field-error" id="template-body-err" role="alert">
                    {move || save_error.get()}
                </p>
                <FormAlertOnly value=save.value() />
                <div class="form-actions">
                    <button
                        type="button"
                        class="btn btn-primary"
                        disabled=move || save.pending().get()
                        on:click=move |_| {
                            save.dispatch(SaveTemplate { kind, body: body.get_untracked() });
                        }
                    >
                        "Simpan template"
                    </button>
                    <Show
                        when=move || confirm_reset.get()
                        fallback=move || {
                            view! {
                                <button
                                    type="button"
                                    class="btn btn-ghost"
                                    on:click=move |_| set_confirm_reset.set(true)
                                >
                                    "Kembalikan ke bawaan"
                                </button>
                            }
                        }
                    >
                        <span class="confirm">
                            "Ganti teks ini dengan template bawaan? "
                            <button
                                type="button"
                                class="btn btn-danger btn-small"
                                on:click=move |_| {
                                    set_confirm_reset.set(false);
                                    reset.dispatch(ResetTemplate { kind });
                                }
                            >
                                "Ya, kembalikan"
                            </button>
                            <button
                                type="button"
                                class="btn btn-ghost btn-small"
                                on:click=move |_| set_confirm_reset.set(false)
                            >
                                "Batal"
                            </button>
                        </span>
                    </Show>
                    <Show when=move || matches!(save.value().get(), Some(Ok(_)))>
                        <span class="saved" role="status">"Tersimpan."</span>
                    </Show>
                </div>
                <details class="variables">
                    <summary>"Variabel (klik untuk menyisipkan)"</summary>
                    <ul>
                        {kind
                            .variables()
                            .map(|v| {
                                view! {
                                    <li>
                                        <button
                                            type="button"
                                            class="var-btn"
                                            on:click=move |_| insert(v.name)
                                        >
                                            <code>{v.name}</code>
                                        </button>
                                        <span class="muted">{v.description}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <p class="muted">
                        "Tebal: *teks* · Miring: _teks_ · Coret: ~teks~ · Hanya jika ada: "
                        <code>"{% if ada_tunggakan %}…{% endif %}"</code>
                    </p>
                </details>
            </div>
            <div class="card preview-pane">
                <h2>"Pratinjau"</h2>
                <label class="inline-field preview-invoice">
                    "Dengan data tagihan "
                    <input
                        type="text"
                        name="invoice"
                        placeholder="terbaru, atau mis. INV-202611-00001"
                        on:change=move |ev| invoice.set(event_target_value(&ev))
                    />
                </label>
                <Transition fallback=|| ()>
                    {move || {
                        preview_error
                            .get()
                            .map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })
                    }}
                    <WaPreview text=preview_text />
                    <p class="muted preview-meta">
                        {move || match preview.get() {
                            Some(Ok(p)) => format!("{} karakter · data {}", p.chars, p.source),
                            _ => String::new(),
                        }}
                    </p>
                </Transition>
            </div>
        </div>
    }
}

/// Non-field errors of the save (a field error shows under the text instead).
#[component]
fn FormAlertOnly<S>(value: S) -> impl IntoView
where
    S: With<Value = Option<Result<TemplateView, AppError>>> + Copy + Send + Sync + 'static,
{
    view! { <crate::components::form::FormAlert error=form_error(value) /> }
}
