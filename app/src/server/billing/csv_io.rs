//! Customer CSV import and export (written through [`crate::server::export`]).
//!
//! Import: UTF-8 text, `,` or `;` (or tab) found from the header line, headers matched by
//! Indonesian or English names. Every row is checked before anything is written; any error
//! means nothing is saved, unless the admin asks for "only the valid rows". The rows that are
//! saved go in one transaction, with codes from the same gap-free sequence as the form.

use super::{
    customers::{CustomerInput, new_model, validate},
    sequence,
};
use crate::{
    domain::{billing::customer_code, phone::PhoneStatus},
    dto::customers::{ISSUES_SHOWN, ImportReport, RowIssue},
    server::billing::BillingError,
    server::{
        db::begin_write,
        entity::{customers, packages},
        export::{CsvOut, undefuse},
    },
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder};
use std::collections::HashMap;

/// More rows than any RT/RW Net has customers; keeps one request bounded.
pub const MAX_ROWS: usize = 50_000;
/// Rows per INSERT statement (SQLite allows 32k bound values; a row has 16).
const CHUNK: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Name,
    Phone,
    Address,
    Package,
    Price,
    BillingDay,
    Status,
    Notes,
}

impl Col {
    /// The form field a validation message is keyed by.
    fn field(self) -> &'static str {
        match self {
            Col::Name => "name",
            Col::Phone => "phone",
            Col::Address => "address",
            Col::Package => "package_id",
            Col::Price => "price_override",
            Col::BillingDay => "billing_day",
            Col::Status => "status",
            Col::Notes => "notes",
        }
    }

    const ALL: [Col; 8] = [
        Col::Name,
        Col::Phone,
        Col::Address,
        Col::Package,
        Col::Price,
        Col::BillingDay,
        Col::Status,
        Col::Notes,
    ];
}

/// Header names people use, after [`header_key`] (lower case, single spaces).
fn column_for(header: &str) -> Option<Col> {
    Some(match header_key(header).as_str() {
        "nama" | "nama pelanggan" | "nama lengkap" | "name" | "customer" | "customer name"
        | "pelanggan" | "full name" => Col::Name,
        "no hp" | "nomor hp" | "hp" | "no wa" | "nomor wa" | "wa" | "whatsapp" | "no whatsapp"
        | "nomor whatsapp" | "telepon" | "telp" | "no telp" | "nomor telepon" | "phone"
        | "phone number" | "mobile" | "handphone" | "no handphone" => Col::Phone,
        "alamat" | "address" | "alamat lengkap" => Col::Address,
        "paket" | "package" | "plan" | "layanan" | "nama paket" => Col::Package,
        "harga" | "harga khusus" | "tarif" | "biaya" | "biaya bulanan" | "price"
        | "price override" | "monthly price" | "harga bulanan" => Col::Price,
        "tanggal tagih"
        | "tgl tagih"
        | "jatuh tempo"
        | "tanggal jatuh tempo"
        | "tgl jatuh tempo"
        | "hari tagih"
        | "billing day"
        | "due day" => Col::BillingDay,
        "status" | "status pelanggan" => Col::Status,
        "catatan" | "keterangan" | "notes" | "note" | "ket" => Col::Notes,
        _ => return None,
    })
}

fn header_key(h: &str) -> String {
    let cleaned: String = h
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .map(|c| match c {
            '_' | '-' | '.' | '/' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `;` when the header line has more of them than commas (Excel in Indonesian locale),
/// tab when it has only tabs, `,` otherwise. Quoted text is not counted.
fn detect_delimiter(first_line: &str) -> u8 {
    let (mut commas, mut semis, mut tabs, mut quoted) = (0, 0, 0, false);
    for c in first_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semis += 1,
            '\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if semis > commas && semis >= tabs {
        b';'
    } else if tabs > commas && tabs > semis {
        b'\t'
    } else {
        b','
    }
}

fn file_error(message: impl Into<String>) -> BillingError {
    BillingError::field("file", message)
}

struct Checked {
    /// Line in the file.
    line: usize,
    input: CustomerInput,
}

/// Reads, checks and (when allowed) saves customers from CSV text.
pub async fn import_customers(
    db: &DatabaseConnection,
    text: &str,
    only_valid: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport, BillingError> {
    if text.contains('\u{fffd}') {
        return Err(file_error(
            "File ini bukan teks UTF-8. Simpan ulang sebagai \"CSV UTF-8\" lalu coba lagi.",
        ));
    }
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first_line.is_empty() {
        return Err(file_error("File kosong."));
    }
    let delimiter = detect_delimiter(first_line);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| file_error(format!("Baris judul kolom tidak terbaca: {e}")))?
        .clone();

    let mut columns: HashMap<Col, (usize, String)> = HashMap::new();
    let mut ignored = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        match column_for(h) {
            Some(c) if !columns.contains_key(&c) => {
                columns.insert(c, (i, h.trim().to_owned()));
            }
            _ if h.trim().is_empty() => {}
            _ => ignored.push(h.trim().to_owned()),
        }
    }
    if !columns.contains_key(&Col::Name) {
        return Err(file_error(
            "Kolom nama tidak ditemukan. Baris pertama harus berisi judul kolom, misalnya: \
             nama;no_hp;alamat;paket;harga;tanggal_tagih;status;catatan",
        ));
    }

    let packages: HashMap<String, i32> = packages::Entity::find()
        .order_by_asc(packages::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.name.trim().to_lowercase(), p.id))
        .collect();

    let mut report = ImportReport {
        ignored_columns: ignored,
        delimiter: match delimiter {
            b';' => ";",
            b'\t' => "tab",
            _ => ",",
        }
        .to_owned(),
        ..Default::default()
    };
    let mut issue_count = 0usize;
    let mut push = |list: &mut Vec<RowIssue>, issue: RowIssue| {
        issue_count += 1;
        if list.len() < ISSUES_SHOWN {
            list.push(issue);
        }
    };
    let mut good: Vec<Checked> = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                report.rows += 1;
                report.invalid_rows += 1;
                push(
                    &mut report.errors,
                    RowIssue {
                        row: line,
                        column: String::new(),
                        value: String::new(),
                        reason: "Baris tidak terbaca (tanda kutip tidak tertutup?).".into(),
                    },
                );
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        report.rows += 1;
        if report.rows > MAX_ROWS {
            return Err(file_error(format!(
                "Terlalu banyak baris: paling banyak {MAX_ROWS} pelanggan sekali impor."
            )));
        }
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        let cell = |c: Col| {
            columns
                .get(&c)
                .and_then(|(i, _)| record.get(*i))
                .map(undefuse)
                .unwrap_or("")
                .trim()
                .to_owned()
        };
        let header = |c: Col| columns.get(&c).map(|(_, h)| h.clone()).unwrap_or_default();
        let mut row_errors = Vec::new();
        let package_name = cell(Col::Package);
        let package_id = if package_name.is_empty() {
            String::new()
        } else {
            match packages.get(&package_name.to_lowercase()) {
                Some(id) => id.to_string(),
                None => {
                    row_errors.push(RowIssue {
                        row: line,
                        column: header(Col::Package),
                        value: package_name.clone(),
                        reason: "Paket ini tidak ada. Buat dulu di halaman Paket, atau perbaiki namanya."
                            .into(),
                    });
                    String::new()
                }
            }
        };
        let status = cell(Col::Status);
        let input = CustomerInput {
            name: cell(Col::Name),
            phone: cell(Col::Phone),
            address: cell(Col::Address),
            package_id,
            price_override: cell(Col::Price),
            billing_day: cell(Col::BillingDay),
            start_date: String::new(),
            status: status.clone(),
            notes: cell(Col::Notes),
        };
        match validate(&input, |_| true, false) {
            Ok(v) => {
                if row_errors.is_empty() {
                    match v.check.status {
                        PhoneStatus::Warning | PhoneStatus::Invalid => push(
                            &mut report.warnings,
                            RowIssue {
                                row: line,
                                column: header(Col::Phone),
                                value: input.phone.clone(),
                                reason: if v.check.status == PhoneStatus::Invalid {
                                    format!(
                                        "{} Diimpor tanpa nomor WhatsApp.",
                                        v.check.note.unwrap_or("Nomor tidak valid.")
                                    )
                                } else {
                                    v.check.note.unwrap_or_default().to_owned()
                                },
                            },
                        ),
                        _ => {}
                    }
                }
            }
            Err(fields) => {
                for c in Col::ALL {
                    if let Some(msg) = fields.get(c.field()) {
                        let value = cell(c);
                        row_errors.push(RowIssue {
                            row: line,
                            column: if columns.contains_key(&c) {
                                header(c)
                            } else {
                                c.field().to_owned()
                            },
                            value,
                            reason: msg.to_owned(),
                        });
                    }
                }
            }
        }
        if row_errors.is_empty() {
            good.push(Checked { line, input });
        } else {
            report.invalid_rows += 1;
            for e in row_errors {
                push(&mut report.errors, e);
            }
        }
    }
    report.valid = good.len();
    report.more_issues = issue_count - report.errors.len() - report.warnings.len();
    if report.rows == 0 {
        return Err(file_error(
            "File tidak berisi baris pelanggan di bawah judul kolom.",
        ));
    }
    if (report.invalid_rows > 0 && !only_valid) || good.is_empty() {
        return Ok(report);
    }

    let txn = begin_write(db).await?;
    let last = sequence::take(&txn, sequence::CUSTOMER, good.len() as i64).await?;
    let first = last - good.len() as i64 + 1;
    let mut models = Vec::with_capacity(good.len());
    for (i, g) in good.into_iter().enumerate() {
        // Checked above; only the package lookup differs (ids are known to exist).
        let v = validate(&g.input, |_| true, false).map_err(|_| {
            tracing::error!(line = g.line, "import row changed between check and save");
            BillingError::Internal("import row changed between check and save")
        })?;
        models.push(new_model(v, customer_code(first + i as i64), now));
    }
    for chunk in models.chunks(CHUNK) {
        customers::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    report.imported = report.valid;
    tracing::info!(imported = report.imported, "customers imported from CSV");
    Ok(report)
}

/// Every customer as CSV (comma separated, UTF-8 with a byte-order mark so spreadsheet
/// programs read the accents). Columns re-import as they are; `kode` and the normalised
/// number are informational.
pub async fn export_customers(db: &impl ConnectionTrait) -> Result<Vec<u8>, BillingError> {
    let packages: HashMap<i32, String> = packages::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let rows = customers::Entity::find()
        .order_by_asc(customers::Column::Code)
        .all(db)
        .await?;
    let mut out = CsvOut::new(
        &[
            "kode",
            "nama",
            "no_hp",
            "wa_normal",
            "status_wa",
            "alamat",
            "paket",
            "harga_khusus",
            "tanggal_tagih",
            "status",
            "catatan",
        ],
        rows.len(),
    )?;
    for c in rows {
        let package = c
            .package_id
            .and_then(|id| packages.get(&id).cloned())
            .unwrap_or_default();
        out.row([
            c.code.as_str(),
            c.name.as_str(),
            c.phone.as_deref().unwrap_or(""),
            c.wa_number.as_deref().unwrap_or(""),
            c.phone_status.as_str(),
            c.address.as_deref().unwrap_or(""),
            package.as_str(),
            &c.price_override.map(|p| p.to_string()).unwrap_or_default(),
            &c.billing_day.to_string(),
            c.status.as_str(),
            c.notes.as_deref().unwrap_or(""),
        ])?;
    }
    Ok(out.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_both_languages() {
        assert_eq!(column_for("Nama Pelanggan"), Some(Col::Name));
        assert_eq!(column_for("no_hp"), Some(Col::Phone));
        assert_eq!(column_for("No. HP"), Some(Col::Phone));
        assert_eq!(column_for("WhatsApp"), Some(Col::Phone));
        assert_eq!(column_for("\u{feff}name"), Some(Col::Name));
        assert_eq!(column_for("Tanggal-Tagih"), Some(Col::BillingDay));
        assert_eq!(column_for("price override"), Some(Col::Price));
        assert_eq!(column_for("kode"), None);
    }

    #[test]
    fn delimiter_is_found_from_the_header() {
        assert_eq!(detect_delimiter("nama,no_hp,alamat"), b',');
        assert_eq!(detect_delimiter("nama;no_hp;alamat"), b';');
        assert_eq!(detect_delimiter("\"nama, lengkap\";no_hp"), b';');
        assert_eq!(detect_delimiter("nama\tno_hp\talamat"), b'\t');
        assert_eq!(detect_delimiter("nama"), b',');
    }
}
