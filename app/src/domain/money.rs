//! Rupiah: whole numbers (`i64`), shown as `Rp 1.250.000`, typed by admins in many forms.

/// The largest amount an admin may type (a trillion rupiah): far above any bill, far below
/// where sums over many invoices could overflow `i64`.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// `1250000` → `1.250.000` (Indonesian thousands separator).
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `1250000` → `Rp 1.250.000`; negative amounts as `-Rp 50.000`.
pub fn rupiah(n: i64) -> String {
    if n < 0 {
        format!("-Rp {}", thousands(n.saturating_abs()))
    } else {
        format!("Rp {}", thousands(n))
    }
}

pub const ERR_EMPTY: &str = "Jumlah wajib diisi.";
pub const ERR_FORMAT: &str = "Tulis jumlah dalam rupiah, misalnya 150000 atau 150.000.";
pub const ERR_CENTS: &str = "Rupiah tidak memakai sen.";
pub const ERR_NEGATIVE: &str = "Jumlah tidak boleh negatif.";
pub const ERR_TOO_LARGE: &str = "Jumlah terlalu besar.";

/// Parses an amount as admins type it: `150000`, `150.000`, `150,000`, `Rp 150.000`,
/// `Rp150.000,-`, `IDR 150.000,00`. Cents other than zero, negative numbers and mixed or
/// misplaced separators are refused with a message for the admin.
pub fn parse_rupiah(input: &str) -> Result<i64, &'static str> {
    let mut s: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    if s.is_empty() {
        return Err(ERR_EMPTY);
    }
    let lower = s.to_ascii_lowercase();
    if let Some(rest) = lower
        .strip_prefix("rp")
        .or_else(|| lower.strip_prefix("idr"))
    {
        let rest = rest.strip_prefix('.').unwrap_or(rest);
        s = s[s.len() - rest.len()..].to_owned();
    }
    if s.starts_with('-') {
        return Err(ERR_NEGATIVE);
    }
    // "150.000,-" and "150.000,00": a written-out "no cents".
    for suffix in [",-", ".-", "-"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.to_owned();
            break;
        }
    }
    if let Some(pos) = s.rfind([',', '.']) {
        let decimals = &s[pos + 1..];
        if (1..=2).contains(&decimals.len()) && decimals.chars().all(|c| c.is_ascii_digit()) {
            if decimals.chars().any(|c| c != '0') {
                return Err(ERR_CENTS);
            }
            s.truncate(pos);
        }
    }
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(ERR_FORMAT);
    }
    let has_dot = s.contains('.');
    let has_comma = s.contains(',');
    if has_dot && has_comma {
        return Err(ERR_FORMAT);
    }
    if has_dot || has_comma {
        let sep = if has_dot { '.' } else { ',' };
        let mut groups = s.split(sep);
        let first = groups.next().unwrap_or_default();
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return Err(ERR_FORMAT);
        }
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    // More than 13 digits cannot be below MAX_AMOUNT; also keeps the parse from overflowing.
    if digits.trim_start_matches('0').len() > 13 {
        return Err(ERR_TOO_LARGE);
    }
    let n: i64 = digits.parse().map_err(|_| ERR_FORMAT)?;
    if n > MAX_AMOUNT {
        return Err(ERR_TOO_LARGE);
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rupiah() {
        assert_eq!(rupiah(0), "Rp 0");
        assert_eq!(rupiah(999), "Rp 999");
        assert_eq!(rupiah(1_000), "Rp 1.000");
        assert_eq!(rupiah(150_000), "Rp 150.000");
        assert_eq!(rupiah(1_250_000), "Rp 1.250.000");
        assert_eq!(rupiah(12_345_678_901), "Rp 12.345.678.901");
        assert_eq!(rupiah(-50_000), "-Rp 50.000");
        assert_eq!(thousands(100_000), "100.000");
    }

    #[test]
    fn parses_what_admins_type() {
        let ok: &[(&str, i64)] = &[
            ("150000", 150_000),
            ("150.000", 150_000),
            ("150,000", 150_000),
            ("Rp 150.000", 150_000),
            ("rp150.000", 150_000),
            ("Rp. 150.000", 150_000),
            ("Rp150.000,-", 150_000),
            ("Rp 150.000,00", 150_000),
            ("IDR 1.250.000", 1_250_000),
            ("  1 250 000 ", 1_250_000),
            ("0", 0),
            ("1.000.000.000", 1_000_000_000),
            ("150.000.-", 150_000),
            ("1000000000000", MAX_AMOUNT),
        ];
        for (s, n) in ok {
            assert_eq!(parse_rupiah(s), Ok(*n), "{s:?}");
        }
    }

    #[test]
    fn refuses_bad_amounts_with_a_reason() {
        let bad: &[(&str, &str)] = &[
            ("", ERR_EMPTY),
            ("   ", ERR_EMPTY),
            ("Rp", ERR_FORMAT),
            ("abc", ERR_FORMAT),
            ("150rb", ERR_FORMAT),
            ("15.00.00", ERR_FORMAT),
            ("1.50.000", ERR_FORMAT),
            ("1500.000", ERR_FORMAT),
            (".150", ERR_FORMAT),
            ("1.250,000", ERR_FORMAT),
            ("150.000,50", ERR_CENTS),
            ("99,5", ERR_CENTS),
            ("-150000", ERR_NEGATIVE),
            ("Rp -5.000", ERR_NEGATIVE),
            ("1000000000001", ERR_TOO_LARGE),
            ("99999999999999999999999", ERR_TOO_LARGE),
        ];
        for (s, e) in bad {
            assert_eq!(parse_rupiah(s), Err(*e), "{s:?}");
        }
    }
}
