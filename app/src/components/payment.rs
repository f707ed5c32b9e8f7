//! The "record a payment" dialog, used by the invoice table, the invoice page and the
//! customer page. It shows what the customer owes, oldest first, because that is where the
//! money will go.

use crate::{
    api::{customers::get_customer, invoices::RecordPayment},
    components::{
        form::{Field, FormAlert, SelectField, TextAreaField, field_error, form_error},
        modal::Modal,
    },
    domain::{
        billing::PaymentMethod,
        dates::{Period, format_date},
        money::{rupiah, thousands},
    },
    dto::invoices::PaymentResult,
};
use chrono::NaiveDate;
use leptos::prelude::*;

#[component]
pub fn PaymentDialog(
    customer_id: i32,
    /// Paying "for" this invoice: the amount offered covers everything owed up to it.
    #[prop(optional)]
    invoice_id: Option<i32>,
    #[prop(optional)] period: Option<String>,
    today: NaiveDate,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] on_done: Callback<PaymentResult>,
) -> impl IntoView {
    let detail = Resource::new(move || customer_id, get_customer);
    let action = ServerAction::<RecordPayment>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(r)) = value.get() {
            on_done.run(r);
        }
    });
    let methods: Vec<(String, String)> = PaymentMethod::ALL
        .iter()
        .map(|m| (m.as_str().to_owned(), m.label().to_owned()))
        .collect();
    view! {
        <Modal title="Catat pembayaran" title_id="pay-title" on_close>
            <Suspense fallback=|| view! { <p class="muted">"Memuat…"</p> }>
                {move || {
                    detail
                        .get()
                        .map(|d| match d {
                            Err(e) => view! { <div class="alert alert-error">{e.to_string()}</div> }.into_any(),
                            Ok(d) => {
                                let upto = period.clone();
                                let offered: i64 = d
                                    .open_invoices
                                    .iter()
                                    .filter(|i| upto.as_ref().is_none_or(|p| i.period <= *p))
                                    .map(|i| i.outstanding)
                                    .sum();
                                let methods = methods.clone();
                                let offered = if offered > 0 { thousands(offered) } else { String::new() };
                                view! {
                                    <p class="pay-who">
                                        <strong>{d.customer.name.clone()}</strong>
                                        " · "
                                        {d.customer.code.clone()}
                                    </p>
                                    {if d.open_invoices.is_empty() {
                                        view! { <p class="alert alert-ok">"Tidak ada tagihan terbuka. Pembayaran ini disimpan sebagai saldo untuk tagihan berikutnya."</p> }.into_any()
                                    } else {
                                        view! {
                                            <table class="mini-table">
                                                <caption>"Tagihan terbuka (dibayar dari yang terlama)"</caption>
                                                <tbody>
                                                    {d.open_invoices.iter().map(|i| view! {
                                                        <tr>
                                                            <td>{Period::parse(&i.period).map(Period::label).unwrap_or_else(|_| i.period.clone())}</td>
                                                            <td class="num">{rupiah(i.outstanding)}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                    {(d.credit > 0).then(|| view! {
                                                        <tr><td>"Saldo"</td><td class="num">{rupiah(-d.credit)}</td></tr>
                                                    })}
                                                    <tr class="mini-total">
                                                        <td>"Yang harus dibayar sekarang"</td>
                                                        <td class="num">{rupiah(d.owed)}</td>
                                                    </tr>
                                                </tbody>
                                            </table>
                                        }.into_any()
                                    }}
                                    <ActionForm action=action attr:class="form" attr:novalidate=true>
                                        <FormAlert error=form_error(value) />
                                        {match invoice_id {
                                            Some(id) => view! { <input type="hidden" name="invoice_id" value=id.to_string() /> }.into_any(),
                                            None => view! { <input type="hidden" name="customer_id" value=customer_id.to_string() /> }.into_any(),
                                        }}
                                        <Field
                                            label="Jumlah (Rp)"
                                            name="amount"
                                            kind="text"
                                            value=offered
                                            hint="Kelebihan bayar disimpan sebagai saldo pelanggan dan dipakai untuk tagihan berikutnya."
                                            error=field_error(value, "amount")
                                        />
                                        <SelectField
                                            label="Cara bayar"
                                            name="method"
                                            options=methods
                                            selected="cash"
                                            error=field_error(value, "method")
                                        />
                                        <Field
                                            label="Referensi (opsional)"
                                            name="reference"
                                            hint="Nomor transfer, nama pengirim, dsb."
                                            error=field_error(value, "reference")
                                        />
                                        <Field
                                            label="Tanggal bayar"
                                            name="paid_on"
                                            kind="date"
                                            value=today.to_string()
                                            hint=format!("Hari ini {}", format_date(today))
                                            error=field_error(value, "paid_on")
                                        />
                                        <TextAreaField
                                            label="Catatan (opsional)"
                                            name="note"
                                            error=field_error(value, "note")
                                        />
                                        <div class="form-actions">
                                            <button type="button" class="btn btn-ghost" on:click=move |_| on_close.run(())>
                                                "Batal"
                                            </button>
                                            <button
                                                type="submit"
                                                class="btn btn-primary"
                                                disabled=move || action.pending().get()
                                            >
                                                {move || if action.pending().get() { "Menyimpan…" } else { "Simpan pembayaran" }}
                                            </button>
                                        </div>
                                    </ActionForm>
                                }
                                .into_any()
                            }
                        })
                }}
            </Suspense>
        </Modal>
    }
}

/// "Rp 150.000 dicatat: INV-… lunas, INV-… sebagian."
pub fn payment_summary(r: &PaymentResult) -> String {
    let parts: Vec<String> = r
        .allocations
        .iter()
        .map(|a| format!("{} {}", a.number, a.status_after.label().to_lowercase()))
        .collect();
    let mut s = format!("Pembayaran {} dicatat", rupiah(r.amount));
    if !parts.is_empty() {
        s.push_str(": ");
        s.push_str(&parts.join(", "));
    }
    s.push('.');
    if r.owed_after > 0 {
        s.push_str(&format!(" Sisa tagihan terbuka {}.", rupiah(r.owed_after)));
    }
    if r.credit_added > 0 {
        s.push_str(&format!(
            " Kelebihan {} disimpan sebagai saldo pelanggan.",
            rupiah(r.credit_added)
        ));
    }
    s
}
