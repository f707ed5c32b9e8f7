//! Paket: the internet packages (name, speed, monthly price).

use crate::{
    api::packages::{DeletePackage, SavePackage, SetPackageActive, list_packages},
    components::form::{Field, FormAlert, field_error, form_error},
    domain::money::{rupiah, thousands},
    dto::packages::PackageView,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PackagesPage() -> impl IntoView {
    let save = ServerAction::<SavePackage>::new();
    let set_active = ServerAction::<SetPackageActive>::new();
    let delete = ServerAction::<DeletePackage>::new();
    let packages = Resource::new(
        move || {
            (
                save.version().get(),
                set_active.version().get(),
                delete.version().get(),
            )
        },
        |_| list_packages(),
    );
    // The package being edited; `None` = the form adds a new one.
    let (editing, set_editing) = signal(None::<PackageView>);
    let (notice, set_notice) = signal(None::<String>);
    // Bumped after a successful save: the form is drawn afresh (empty). A refused save keeps
    // what the admin typed.
    let (form_key, set_form_key) = signal(0u32);
    Effect::new(move |_| {
        if let Some(Ok(p)) = save.value().get() {
            set_notice.set(Some(format!("Paket {} disimpan.", p.name)));
            set_editing.set(None);
            set_form_key.update(|k| *k += 1);
        }
    });
    let delete_error = form_error(delete.value());
    let active_error = form_error(set_active.value());

    view! {
        <Title text="Paket" />
        <section class="page">
            <header class="page-header">
                <h1>"Paket"</h1>
                <p class="page-sub">
                    "Paket internet dan harga bulanannya. Paket yang dinonaktifkan tidak bisa dipilih untuk pelanggan baru, tetapi pelanggan lamanya tetap ditagih."
                </p>
            </header>
            <Show when=move || notice.get().is_some()>
                <div class="alert alert-ok" role="status">{move || notice.get()}</div>
            </Show>
            <FormAlert error=delete_error />
            <FormAlert error=active_error />
            <div class="split">
                <div class="card">
                    // Keyed: a new key draws new inputs (a re-render would keep what was typed).
                    <For
                        each=move || std::iter::once((form_key.get(), editing.get()))
                        key=|(k, p)| (*k, p.as_ref().map(|p| p.id))
                        children=move |(_, p)| {
                        let title = if p.is_some() { "Ubah paket" } else { "Tambah paket" };
                        let value = save.value();
                        view! {
                            <h2>{title}</h2>
                            <ActionForm action=save attr:class="form" attr:novalidate=true>
                                <FormAlert error=form_error(value) />
                                {p.as_ref().map(|p| view! { <input type="hidden" name="id" value=p.id.to_string() /> })}
                                <Field
                                    label="Nama paket"
                                    name="name"
                                    value=p.as_ref().map(|p| p.name.clone()).unwrap_or_default()
                                    error=field_error(value, "name")
                                />
                                <Field
                                    label="Kecepatan (Mbps)"
                                    name="speed_mbps"
                                    kind="text"
                                    value=p.as_ref().map(|p| p.speed_mbps.to_string()).unwrap_or_default()
                                    error=field_error(value, "speed_mbps")
                                />
                                <Field
                                    label="Harga bulanan (Rp)"
                                    name="price"
                                    value=p.as_ref().map(|p| thousands(p.price)).unwrap_or_default()
                                    hint="Contoh: 150.000"
                                    error=field_error(value, "price")
                                />
                                <Field
                                    label="Keterangan (opsional)"
                                    name="description"
                                    value=p.as_ref().and_then(|p| p.description.clone()).unwrap_or_default()
                                    error=field_error(value, "description")
                                />
                                <div class="form-actions">
                                    {p.is_some().then(|| view! {
                                        <button type="button" class="btn btn-ghost" on:click=move |_| set_editing.set(None)>
                                            "Batal"
                                        </button>
                                    })}
                                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                                        {if p.is_some() { "Simpan perubahan" } else { "Tambah paket" }}
                                    </button>
                                </div>
                            </ActionForm>
                        }
                    }
                    />
                </div>
                <div class="table-card">
                    <Transition fallback=|| view! { <p class="muted pad">"Memuat…"</p> }>
                        {move || {
                            packages.get().map(|r| match r {
                                Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                                Ok(list) if list.is_empty() => view! {
                                    <div class="empty-state pad">
                                        <p class="empty-title">"Belum ada paket."</p>
                                        <p>"Tambahkan paket pertama, misalnya \"Rumahan 10 Mbps\" Rp 150.000."</p>
                                    </div>
                                }.into_any(),
                                Ok(list) => view! {
                                    <table class="table">
                                        <thead>
                                            <tr>
                                                <th>"Nama"</th>
                                                <th>"Kecepatan"</th>
                                                <th class="num">"Harga/bulan"</th>
                                                <th class="num">"Pelanggan"</th>
                                                <th>"Status"</th>
                                                <th class="row-actions"><span class="sr-only">"Aksi"</span></th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list.into_iter().map(|p| {
                                                let edit = p.clone();
                                                let id = p.id;
                                                let active = p.active;
                                                let in_use = p.customers > 0;
                                                view! {
                                                    <tr data-package=p.name.clone()>
                                                        <td data-label="Nama">
                                                            <span class="cell">
                                                                <strong>{p.name.clone()}</strong>
                                                                {p.description.clone().map(|d| view! { <br /><span class="muted">{d}</span> })}
                                                            </span>
                                                        </td>
                                                        <td data-label="Kecepatan">{format!("{} Mbps", p.speed_mbps)}</td>
                                                        <td data-label="Harga/bulan" class="num money">{rupiah(p.price)}</td>
                                                        <td data-label="Pelanggan" class="num">{p.customers}</td>
                                                        <td data-label="Status">
                                                            {if active {
                                                                view! { <span class="badge badge-ok">"Aktif"</span> }.into_any()
                                                            } else {
                                                                view! { <span class="badge badge-muted">"Nonaktif"</span> }.into_any()
                                                            }}
                                                        </td>
                                                        <td class="row-actions">
                                                            <button type="button" class="btn btn-ghost btn-sm" on:click=move |_| {
                                                                set_notice.set(None);
                                                                set_editing.set(Some(edit.clone()));
                                                            }>"Ubah"</button>
                                                            <button type="button" class="btn btn-ghost btn-sm" on:click=move |_| {
                                                                set_notice.set(None);
                                                                set_active.dispatch(SetPackageActive { id, active: !active });
                                                            }>{if active { "Nonaktifkan" } else { "Aktifkan" }}</button>
                                                            <button
                                                                type="button"
                                                                class="btn btn-ghost btn-sm btn-danger-text"
                                                                title=if in_use { "Paket dipakai pelanggan; nonaktifkan saja." } else { "" }
                                                                on:click=move |_| {
                                                                    set_notice.set(None);
                                                                    delete.dispatch(DeletePackage { id });
                                                                }
                                                            >"Hapus"</button>
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any(),
                            })
                        }}
                    </Transition>
                </div>
            </div>
        </section>
    }
}
