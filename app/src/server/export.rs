//! Every CSV download Tagih offers (customers, invoices, a send job's report) is written here:
//! a byte-order mark so spreadsheet programs read UTF-8 names right, cells that start like a
//! formula defused, and one shape of download response.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use std::borrow::Cow;

#[derive(Debug, thiserror::Error)]
#[error("CSV export failed: {0}")]
pub struct ExportError(String);

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        Self(e.to_string())
    }
}

impl From<ExportError> for crate::error::AppError {
    fn from(e: ExportError) -> Self {
        tracing::error!(error = %e, "csv export failed");
        crate::error::AppError::Internal
    }
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a leading tab or carriage
/// return that hides one) gets a leading apostrophe, which shows as text (OWASP CSV injection).
pub fn defuse(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes [`defuse`] on a cell read back from a file Tagih wrote (an import of its own export).
pub fn undefuse(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// A CSV document being written: a header, then rows; every cell defused.
pub struct CsvOut {
    w: csv::Writer<Vec<u8>>,
}

impl CsvOut {
    pub fn new(header: &[&str], rows_hint: usize) -> Result<Self, ExportError> {
        let mut w = csv::Writer::from_writer(Vec::with_capacity(rows_hint * 140 + 256));
        w.write_record(header)?;
        Ok(Self { w })
    }

    pub fn row<I, S>(&mut self, cells: I) -> Result<(), ExportError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut record = csv::StringRecord::new();
        for c in cells {
            record.push_field(&defuse(c.as_ref()));
        }
        self.w.write_record(&record)?;
        Ok(())
    }

    /// The document, UTF-8 with a byte-order mark.
    pub fn finish(self) -> Result<Vec<u8>, ExportError> {
        let body = self
            .w
            .into_inner()
            .map_err(|e| ExportError(e.error().to_string()))?;
        let mut out = Vec::with_capacity(body.len() + 3);
        out.extend_from_slice("\u{feff}".as_bytes());
        out.extend_from_slice(&body);
        Ok(out)
    }
}

/// The download response for a finished document.
pub fn download(body: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_fields_quoted() {
        let mut out = CsvOut::new(&["nama", "nomor"], 2).unwrap();
        out.row(["=HYPERLINK(\"x\")", "+62812"]).unwrap();
        out.row(["\t=1+1", "Budi, S.Kom"]).unwrap();
        out.row(["\r@SUM(A1)", "-5"]).unwrap();
        let text = String::from_utf8(out.finish().unwrap()).unwrap();
        assert_eq!(
            text,
            "\u{feff}nama,nomor\n\"'=HYPERLINK(\"\"x\"\")\",'+62812\n'\t=1+1,\"Budi, S.Kom\"\n\"'\r@SUM(A1)\",'-5\n"
        );
        assert_eq!(defuse("Budi"), "Budi");
        assert_eq!(undefuse("'+62812"), "+62812");
        assert_eq!(undefuse("'Budi"), "'Budi");
    }
}
