//! Reading a bank's statement export (CSV) into credit lines. The presets find their columns
//! by header name (banks add and drop columns between versions); amounts come in whole rupiah
//! whatever the separators; a date without a year takes it from the file's period or today.
//! Layouts: `server/tests/fixtures/mutasi/FORMATS.md`.

use crate::dto::mutation::{ColumnMap, Preset};
use chrono::{Datelike, NaiveDate};

/// A transaction line of the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based row in the file.
    pub row: usize,
    /// `None`: not booked yet (BCA "PEND").
    pub date: Option<NaiveDate>,
    pub description: String,
    /// Whole rupiah, always positive.
    pub amount: i64,
    pub credit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub preset: Preset,
    pub lines: Vec<Line>,
    /// Rows after the header that are not transactions (totals, balances) or unreadable.
    pub skipped: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("File kosong.")]
    Empty,
    #[error("Format mutasi tidak dikenali. Pilih banknya, atau tentukan kolomnya sendiri.")]
    Unknown,
    #[error("Kolom \"{0}\" tidak ada di baris judul file ini.")]
    MissingColumn(String),
}

/// Where a preset finds its fields, by header name (lower case).
struct Layout {
    preset: Preset,
    date: &'static [&'static str],
    description: &'static [&'static str],
    amount: Amount,
}

enum Amount {
    /// One amount column; the CR/DB marker in the column after it (BCA) or inside it.
    Marked(&'static str),
    /// Separate credit and debit columns.
    Split {
        credit: &'static str,
        debit: &'static str,
    },
}

const LAYOUTS: &[Layout] = &[
    Layout {
        preset: Preset::Bri,
        date: &["tgl_tran"],
        description: &["desk_tran"],
        amount: Amount::Split {
            credit: "mutasi_kredit",
            debit: "mutasi_debet",
        },
    },
    Layout {
        preset: Preset::Mandiri,
        date: &["postdate"],
        description: &["remarks", "additionaldesc"],
        amount: Amount::Split {
            credit: "credit amount",
            debit: "debit amount",
        },
    },
    Layout {
        preset: Preset::MandiriMcm,
        date: &["date"],
        description: &["description"],
        amount: Amount::Split {
            credit: "credit",
            debit: "debit",
        },
    },
    Layout {
        preset: Preset::BcaBisnis,
        date: &["tanggal transaksi"],
        description: &["keterangan"],
        amount: Amount::Marked("jumlah"),
    },
    Layout {
        preset: Preset::Bca,
        date: &["tanggal"],
        description: &["keterangan"],
        amount: Amount::Marked("jumlah"),
    },
];

fn norm(s: &str) -> String {
    s.trim().trim_matches('\'').trim().to_lowercase()
}

/// Reads `text` with `preset` (or the first preset whose header is found). `today` dates
/// lines whose year the file leaves out.
pub fn parse(
    text: &str,
    preset: Preset,
    columns: &ColumnMap,
    today: NaiveDate,
) -> Result<Parsed, ParseError> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let first_table_line = text.lines().find(|l| l.matches(';').count() >= 3);
    let delimiter = if first_table_line.is_some() {
        b';'
    } else {
        b','
    };
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_owned).collect())
        .collect();
    let year_end = period_end(&rows).unwrap_or(today);

    if preset == Preset::Generic {
        return generic(&rows, columns, year_end);
    }
    for layout in LAYOUTS
        .iter()
        .filter(|l| preset == Preset::Auto || l.preset == preset)
    {
        if let Some(found) = with_layout(&rows, layout, year_end) {
            return Ok(found);
        }
    }
    Err(ParseError::Unknown)
}

/// "Periode : 10/11/2026 - 09/12/2026": the end date (the year of a `dd/mm` date).
fn period_end(rows: &[Vec<String>]) -> Option<NaiveDate> {
    rows.iter().take(15).flatten().find_map(|cell| {
        let lower = cell.to_lowercase();
        let rest = lower.strip_prefix("periode")?;
        let end = rest.rsplit('-').next()?.trim();
        NaiveDate::parse_from_str(end, "%d/%m/%Y").ok()
    })
}

fn header_index(rows: &[Vec<String>], must: &[&str]) -> Option<(usize, Vec<String>)> {
    rows.iter().enumerate().take(30).find_map(|(i, r)| {
        let names: Vec<String> = r.iter().map(|c| norm(c)).collect();
        must.iter()
            .all(|m| names.iter().any(|n| n == m))
            .then_some((i, names))
    })
}

fn with_layout(rows: &[Vec<String>], l: &Layout, year_end: NaiveDate) -> Option<Parsed> {
    let mut must: Vec<&str> = vec![l.date[0], l.description[0]];
    match &l.amount {
        Amount::Marked(c) => must.push(c),
        Amount::Split { credit, debit } => {
            must.push(credit);
            must.push(debit);
        }
    }
    let (at, names) = header_index(rows, &must)?;
    let col = |name: &str| names.iter().position(|n| n == name);
    let date_col = col(l.date[0])?;
    // Every column of a description name (Mandiri MCM has two "Description" columns).
    let desc_cols: Vec<usize> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| l.description.contains(&n.as_str()))
        .map(|(i, _)| i)
        .collect();
    let mut out = Parsed {
        preset: l.preset,
        lines: Vec::new(),
        skipped: Vec::new(),
    };
    for (i, r) in rows.iter().enumerate().skip(at + 1) {
        let cell = |c: usize| r.get(c).map(String::as_str).unwrap_or_default();
        let raw_date = norm(cell(date_col));
        let pending = raw_date == "pend";
        let date = if pending {
            None
        } else {
            match parse_date(&raw_date, year_end) {
                Some(d) => Some(d),
                None => {
                    out.skipped.push(format!(
                        "Baris {}: bukan transaksi ({}).",
                        i + 1,
                        r.join(" ").trim()
                    ));
                    continue;
                }
            }
        };
        let (amount, credit) = match &l.amount {
            Amount::Marked(c) => {
                let Some(ci) = col(c) else { continue };
                let text = cell(ci).to_uppercase();
                let marker = if text.contains("CR") {
                    Some(true)
                } else if text.contains("DB") {
                    Some(false)
                } else {
                    match cell(ci + 1).trim().to_uppercase().as_str() {
                        "CR" => Some(true),
                        "DB" => Some(false),
                        _ => None,
                    }
                };
                match (parse_amount(&text), marker) {
                    (Some(a), Some(cr)) => (a, cr),
                    _ => {
                        out.skipped
                            .push(format!("Baris {}: jumlah tidak terbaca.", i + 1));
                        continue;
                    }
                }
            }
            Amount::Split { credit, debit } => {
                let cr = col(credit).and_then(|c| parse_amount(cell(c))).unwrap_or(0);
                let db = col(debit).and_then(|c| parse_amount(cell(c))).unwrap_or(0);
                match (cr, db) {
                    (c, 0) if c > 0 => (c, true),
                    (0, d) if d > 0 => (d, false),
                    _ => {
                        out.skipped
                            .push(format!("Baris {}: jumlah tidak terbaca.", i + 1));
                        continue;
                    }
                }
            }
        };
        let description = desc_cols
            .iter()
            .map(|c| cell(*c).trim())
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        out.lines.push(Line {
            row: i + 1,
            date,
            description: squeeze(&description),
            amount,
            credit,
        });
    }
    Some(out)
}

fn generic(rows: &[Vec<String>], m: &ColumnMap, year_end: NaiveDate) -> Result<Parsed, ParseError> {
    let want = [&m.date, &m.description, &m.credit].map(|s| norm(s));
    for (name, w) in ["tanggal", "keterangan", "kredit"].iter().zip(&want) {
        if w.is_empty() {
            return Err(ParseError::MissingColumn((*name).to_owned()));
        }
    }
    let Some((at, names)) = header_index(rows, &[&want[0], &want[1], &want[2]]) else {
        let missing = want
            .iter()
            .find(|w| {
                !rows
                    .iter()
                    .take(30)
                    .any(|r| r.iter().any(|c| norm(c) == **w))
            })
            .cloned()
            .unwrap_or_default();
        return Err(ParseError::MissingColumn(missing));
    };
    let col = |name: &str| names.iter().position(|n| n == name).unwrap_or(0);
    let (dc, sc, cc) = (col(&want[0]), col(&want[1]), col(&want[2]));
    let mut out = Parsed {
        preset: Preset::Generic,
        lines: Vec::new(),
        skipped: Vec::new(),
    };
    for (i, r) in rows.iter().enumerate().skip(at + 1) {
        let cell = |c: usize| r.get(c).map(String::as_str).unwrap_or_default();
        let Some(date) = parse_date(&norm(cell(dc)), year_end) else {
            out.skipped
                .push(format!("Baris {}: tanggal tidak terbaca.", i + 1));
            continue;
        };
        match parse_amount(cell(cc)) {
            Some(a) if a > 0 => out.lines.push(Line {
                row: i + 1,
                date: Some(date),
                description: squeeze(cell(sc)),
                amount: a,
                credit: true,
            }),
            // No credit on this row: money out, or a zero.
            _ => out.lines.push(Line {
                row: i + 1,
                date: Some(date),
                description: squeeze(cell(sc)),
                amount: 0,
                credit: false,
            }),
        }
    }
    Ok(out)
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A bank amount in whole rupiah: "150037.00", "150,037.00 CR", "1.250.000,00", ".00",
/// "Rp 150.000". `None` when there is no number.
pub fn parse_amount(raw: &str) -> Option<i64> {
    let s: String = raw
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    if !s.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    // The decimal separator is the last '.' or ',' when two digits or fewer follow it.
    let (int, frac) = match s.rfind(['.', ',']) {
        Some(p) if s.len() - p - 1 <= 2 => (&s[..p], &s[p + 1..]),
        _ => (s.as_str(), ""),
    };
    let whole: i64 = {
        let digits: String = int.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        }
    };
    let cents: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().ok()?
    };
    Some(whole + i64::from(cents >= 50))
}

const MONTHS: [(&str, u32); 24] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("januari", 1),
    ("februari", 2),
    ("maret", 3),
    ("april", 4),
    ("mei", 5),
    ("juni", 6),
    ("juli", 7),
    ("agustus", 8),
    ("september", 9),
    ("oktober", 10),
    ("november", 11),
    ("desember", 12),
];

/// A statement date: `dd/mm/yyyy`, `dd/mm/yy`, `yyyy-mm-dd[ hh:mm:ss]`, `dd-mm-yyyy`,
/// `10 November 2026[ 09:15:22]` (English or Indonesian month), or `dd/mm` (the year of
/// `year_end`, or the one before for a month after it).
pub fn parse_date(raw: &str, year_end: NaiveDate) -> Option<NaiveDate> {
    let s = raw.trim().trim_matches('\'').trim();
    let first = s.split_whitespace().next()?;
    for f in ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y"] {
        // "%Y" would read "26" as the year 26: a four-digit year or the two-digit format.
        if let Ok(d) = NaiveDate::parse_from_str(first, f)
            && d.year() >= 1990
        {
            return Some(d);
        }
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() >= 3
        && let (Ok(day), Some((_, month)), Ok(year)) = (
            words[0].parse::<u32>(),
            MONTHS.iter().find(|(m, _)| *m == words[1].to_lowercase()),
            words[2].parse::<i32>(),
        )
    {
        return NaiveDate::from_ymd_opt(year, *month, day);
    }
    let (d, m) = first.split_once('/')?;
    let (day, month) = (d.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    let year = if month > year_end.month() {
        year_end.year() - 1
    } else {
        year_end.year()
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn amounts_in_every_bank_spelling_are_whole_rupiah() {
        for (raw, want) in [
            ("150037.00", Some(150_037)),
            ("150,037.00 CR", Some(150_037)),
            ("1,250,000.00", Some(1_250_000)),
            ("1.250.000,00", Some(1_250_000)),
            ("Rp 150.000", Some(150_000)),
            ("150000", Some(150_000)),
            (".00", Some(0)),
            ("150036.50", Some(150_037)),
            ("", None),
            ("CR", None),
        ] {
            assert_eq!(parse_amount(raw), want, "{raw}");
        }
    }

    #[test]
    fn dates_with_and_without_a_year() {
        let end = day(2026, 12, 9);
        assert_eq!(parse_date("'10/11/2026", end), Some(day(2026, 11, 10)));
        assert_eq!(parse_date("10/11/26", end), Some(day(2026, 11, 10)));
        assert_eq!(
            parse_date("2026-11-10 09:15:22", end),
            Some(day(2026, 11, 10))
        );
        assert_eq!(
            parse_date("10 November 2026 09:15:22", end),
            Some(day(2026, 11, 10))
        );
        assert_eq!(parse_date("5 Desember 2026", end), Some(day(2026, 12, 5)));
        assert_eq!(parse_date("'10/11", end), Some(day(2026, 11, 10)));
        // January's file dated in December of the year before.
        assert_eq!(
            parse_date("28/12", day(2027, 1, 5)),
            Some(day(2026, 12, 28))
        );
        assert_eq!(parse_date("Saldo Awal", end), None);
    }
}
