//! The invoice table as a CSV download (same filters, no paging).
//!
//! Sum `sisa` for what is owed: one row per invoice, each counting only its own remainder.
//! The two customer-level columns repeat on every row of a customer and must not be summed.

use super::table::{
    ROW_SELECT, RowData, base_filter, order_sql, row_view, statements_of, status_filter, where_sql,
};
use crate::{
    dto::invoices::InvoiceQuery,
    server::billing::BillingError,
    server::{billing::sql::stmt, export::CsvOut},
};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};

/// Every invoice matching the filters (no paging), for the CSV export.
pub async fn export(
    db: &impl ConnectionTrait,
    q: &InvoiceQuery,
    today: NaiveDate,
) -> Result<Vec<u8>, BillingError> {
    let mut f = base_filter(q, db.get_database_backend(), today)?;
    status_filter(&mut f, q, today)?;
    let rows = RowData::find_by_statement(stmt(
        db,
        &format!(
            "{ROW_SELECT}{} ORDER BY {}",
            where_sql(&f.clauses),
            order_sql(q)
        ),
        f.values,
    ))
    .all(db)
    .await?;
    let statements = statements_of(db, &rows).await?;
    let mut out = CsvOut::new(
        &[
            "nomor",
            "periode",
            "kode_pelanggan",
            "nama",
            "no_wa",
            "jatuh_tempo",
            "paket",
            "biaya_bulanan",
            "diskon",
            "tagihan",
            "dibayar",
            "sisa",
            "status",
            "terlambat",
            "tunggakan_saat_terbit (jangan dijumlah)",
            "total_pelanggan_sekarang (jangan dijumlah)",
        ],
        rows.len(),
    )?;
    for r in rows {
        let v = row_view(r, today, &statements);
        out.row([
            v.number.as_str(),
            v.period.as_str(),
            v.customer_code.as_str(),
            v.customer_name.as_str(),
            v.wa_number.as_deref().unwrap_or(""),
            &v.due_date.to_string(),
            v.package_name.as_deref().unwrap_or(""),
            &v.amount.to_string(),
            &v.discount.to_string(),
            &v.billed().to_string(),
            &v.paid.to_string(),
            &v.outstanding.to_string(),
            v.status.as_str(),
            if v.overdue { "ya" } else { "" },
            &v.arrears.to_string(),
            &v.owed_now.to_string(),
        ])?;
    }
    Ok(out.finish()?)
}
