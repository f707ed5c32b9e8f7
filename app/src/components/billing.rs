//! Small pieces the billing pages share: badges, money, paging, query-string helpers.

use crate::domain::{
    billing::{CustomerStatus, InvoiceStatus},
    phone::{self, PhoneStatus},
};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;

/// An invoice's status; an open invoice past due says "Terlambat" too.
#[component]
pub fn InvoiceBadge(status: InvoiceStatus, #[prop(optional)] overdue: bool) -> impl IntoView {
    let class = match status {
        InvoiceStatus::Unpaid => "badge badge-warn",
        InvoiceStatus::Partial => "badge badge-info",
        InvoiceStatus::Paid => "badge badge-ok",
        InvoiceStatus::Void => "badge badge-muted",
        InvoiceStatus::Draft => "badge badge-muted",
    };
    view! {
        <span class="badges">
            <span class=class>{status.label()}</span>
            {overdue.then(|| view! { <span class="badge badge-danger">"Terlambat"</span> })}
        </span>
    }
}

/// The WhatsApp number as normalised, with its state.
#[component]
pub fn PhoneBadge(status: PhoneStatus, number: Option<String>) -> impl IntoView {
    let class = match status {
        PhoneStatus::Valid => "badge badge-ok",
        PhoneStatus::Warning => "badge badge-warn",
        PhoneStatus::Missing => "badge badge-muted",
        PhoneStatus::Invalid => "badge badge-danger",
    };
    view! {
        <span class="phone">
            {number.map(|n| view! { <span class="phone-number">{phone::display(&n)}</span> })}
            <span class=class data-phone-status=status.as_str()>
                {status.label()}
            </span>
        </span>
    }
}

#[component]
pub fn CustomerBadge(status: CustomerStatus) -> impl IntoView {
    let class = match status {
        CustomerStatus::Active => "badge badge-ok",
        CustomerStatus::Suspended => "badge badge-warn",
        CustomerStatus::Terminated => "badge badge-muted",
    };
    view! { <span class=class>{status.label()}</span> }
}

/// "Halaman 2 dari 7" with previous/next links; `href` builds a page's URL.
#[component]
pub fn Pager(
    page: u32,
    per_page: u32,
    total: u64,
    href: impl Fn(u32) -> String + 'static,
) -> impl IntoView {
    let pages = total.div_ceil(u64::from(per_page.max(1))).max(1) as u32;
    let from = if total == 0 {
        0
    } else {
        u64::from(page - 1) * u64::from(per_page) + 1
    };
    let to = (u64::from(page) * u64::from(per_page)).min(total);
    let prev = (page > 1).then(|| href(page - 1));
    let next = (page < pages).then(|| href(page + 1));
    view! {
        <nav class="pager" aria-label="Halaman">
            {match prev {
                Some(h) => view! { <a class="btn btn-ghost" href=h rel="prev">"‹ Sebelumnya"</a> }.into_any(),
                None => view! { <span class="btn btn-ghost" aria-disabled="true">"‹ Sebelumnya"</span> }.into_any(),
            }}
            <span class="pager-info">
                {format!("{from}–{to} dari {total} · halaman {page}/{pages}")}
            </span>
            {match next {
                Some(h) => view! { <a class="btn btn-ghost" href=h rel="next">"Berikutnya ›"</a> }.into_any(),
                None => view! { <span class="btn btn-ghost" aria-disabled="true">"Berikutnya ›"</span> }.into_any(),
            }}
        </nav>
    }
}

/// A query string from pairs, leaving out empty values.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Percent-encoding for query values (no dependency on a URL crate in the wasm).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A query value, or empty.
pub fn param(q: &ParamsMap, key: &str) -> String {
    q.get(key).unwrap_or_default()
}

/// A checkbox or flag in the query (`on`, `true`, `1`).
pub fn flag(q: &ParamsMap, key: &str) -> bool {
    matches!(q.get(key).as_deref(), Some("on" | "true" | "1"))
}

pub fn page_param(q: &ParamsMap) -> u32 {
    q.get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_strings_are_encoded_and_skip_empties() {
        assert_eq!(
            super::query_string(&[("q", "Bu Sri & co".into()), ("status", String::new())]),
            "?q=Bu%20Sri%20%26%20co"
        );
        assert_eq!(super::query_string(&[("a", String::new())]), "");
    }
}
