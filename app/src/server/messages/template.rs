//! Rendering with minijinja. Strict: an unknown variable is an error when the template is
//! saved, never an empty hole in a customer's message.

use crate::domain::messages::{MessageVars, TemplateKind};
use minijinja::{Environment, UndefinedBehavior};

/// A template problem, with the line it is on when known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct TemplateError {
    pub line: Option<usize>,
    pub message: String,
}

impl TemplateError {
    fn describe(&self) -> String {
        match self.line {
            Some(l) => format!("Baris {l}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// Templates are short admin texts: bound the work one may do.
const FUEL: u64 = 50_000;
const MAX_LEN: usize = 4_000;

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    // Plain text for WhatsApp: no HTML escaping.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_keep_trailing_newline(true);
    env
}

fn syntax_error(e: &minijinja::Error) -> TemplateError {
    let detail = e.detail().unwrap_or("sintaks tidak valid").to_owned();
    TemplateError {
        line: e.line(),
        message: format!("Kesalahan penulisan template ({detail})."),
    }
}

/// Checks a template before it is saved: syntax, length, and that every variable it uses is
/// one this kind of message has.
pub fn validate(kind: TemplateKind, body: &str) -> Result<(), TemplateError> {
    if body.trim().is_empty() {
        return Err(TemplateError {
            line: None,
            message: "Template tidak boleh kosong.".into(),
        });
    }
    if body.chars().count() > MAX_LEN {
        return Err(TemplateError {
            line: None,
            message: format!("Template terlalu panjang (maksimal {MAX_LEN} karakter)."),
        });
    }
    let env = env();
    let tmpl = env.template_from_str(body).map_err(|e| syntax_error(&e))?;
    let known: Vec<&str> = kind.variables().map(|v| v.name).collect();
    let mut unknown: Vec<String> = tmpl
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| !known.contains(&v.as_str()))
        .collect();
    unknown.sort_by_key(|v| (line_of(body, v).unwrap_or(usize::MAX), v.clone()));
    if let Some(first) = unknown.first() {
        return Err(TemplateError {
            line: line_of(body, first),
            message: format!(
                "Variabel “{first}” tidak dikenal. Pilih dari daftar variabel{}.",
                if unknown.len() > 1 {
                    format!(" (juga: {})", unknown[1..].join(", "))
                } else {
                    String::new()
                }
            ),
        });
    }
    // A trial render with sample values catches what parsing cannot (e.g. a bad filter).
    render(body, &sample(kind)).map(|_| ())
}

/// Renders a template with the message's values.
pub fn render(body: &str, vars: &MessageVars) -> Result<String, TemplateError> {
    let env = env();
    let tmpl = env.template_from_str(body).map_err(|e| syntax_error(&e))?;
    tmpl.render(vars).map_err(|e| {
        let message = match e.kind() {
            minijinja::ErrorKind::UndefinedError => "Ada variabel yang tidak dikenal.".to_owned(),
            minijinja::ErrorKind::OutOfFuel => {
                "Template terlalu rumit untuk dijalankan.".to_owned()
            }
            _ => format!(
                "Template tidak dapat dijalankan ({}).",
                e.detail().unwrap_or("kesalahan")
            ),
        };
        TemplateError {
            line: e.line(),
            message,
        }
    })
}

/// The first line on which `name` appears inside a `{{ }}` or `{% %}` tag.
fn line_of(body: &str, name: &str) -> Option<usize> {
    let mut in_tag = false;
    for (no, line) in body.lines().enumerate() {
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if !in_tag && (line[i..].starts_with("{{") || line[i..].starts_with("{%")) {
                in_tag = true;
                i += 2;
                continue;
            }
            if in_tag && (line[i..].starts_with("}}") || line[i..].starts_with("%}")) {
                in_tag = false;
                i += 2;
                continue;
            }
            if in_tag && line[i..].starts_with(name) {
                let before = i.checked_sub(1).map(|b| bytes[b]);
                let after = bytes.get(i + name.len()).copied();
                let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
                if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
                    return Some(no + 1);
                }
            }
            i += line[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    None
}

/// Realistic values for checking and for previews before any invoice exists.
pub fn sample(kind: TemplateKind) -> MessageVars {
    let mut v = MessageVars {
        nama: "Siti Rahmawati".into(),
        id_pelanggan: "PLG-00012".into(),
        no_hp: "6281234567890".into(),
        alamat: "Jl. Melati No. 5, RT 03/RW 02".into(),
        no_tagihan: "INV-202611-00012".into(),
        periode: "November 2026".into(),
        jatuh_tempo: "10 November 2026".into(),
        biaya_bulanan: "Rp 150.000".into(),
        tunggakan: "Rp 150.000".into(),
        ada_tunggakan: true,
        diskon: "Rp 0".into(),
        ada_diskon: false,
        total: "Rp 300.000".into(),
        sudah_dibayar: "Rp 0".into(),
        ada_pembayaran: false,
        sisa_bayar: "Rp 300.000".into(),
        paket: "Rumahan 20".into(),
        kecepatan: "20 Mbps".into(),
        cara_bayar: "Transfer BCA 1234567890 a.n. Net Sejahtera".into(),
        kontak_cs: "0812-0000-1111".into(),
        perusahaan: "Net Sejahtera".into(),
        hari_lagi: 3,
        hari_terlambat: 0,
        ..Default::default()
    };
    if kind == TemplateKind::Receipt {
        v.jumlah_bayar = "Rp 300.000".into();
        v.tanggal_bayar = "12 November 2026".into();
        v.metode_bayar = "Transfer bank".into();
        v.lunas = true;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_template_is_valid_for_its_kind() {
        for k in TemplateKind::ALL {
            validate(k, k.default_body()).unwrap_or_else(|e| panic!("{k:?}: {e}"));
        }
    }

    #[test]
    fn an_unknown_variable_is_refused_naming_its_line() {
        let body = "Halo {{ nama }},\nTotal {{ total }}\nBayar ke {{ rekening }}";
        let e = validate(TemplateKind::Invoice, body).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("rekening"), "{e}");
        assert_eq!(e.to_string(), format!("Baris 3: {}", e.message));
        // A variable used only in a branch that the sample would skip is still refused.
        let hidden = "Halo\n{% if ada_diskon %}{{ kupon }}{% endif %}";
        assert_eq!(
            validate(TemplateKind::Invoice, hidden).unwrap_err().line,
            Some(2)
        );
        // Receipt-only variables are unknown to an invoice.
        assert!(validate(TemplateKind::Invoice, "{{ jumlah_bayar }}").is_err());
        assert!(validate(TemplateKind::Receipt, "{{ jumlah_bayar }}").is_ok());
    }

    #[test]
    fn syntax_errors_name_their_line() {
        let e = validate(TemplateKind::Invoice, "Halo\n{% if nama %}\nTanpa penutup").unwrap_err();
        assert!(e.line.is_some(), "{e:?}");
        assert!(e.message.starts_with("Kesalahan penulisan template"));
        assert!(validate(TemplateKind::Invoice, "Halo {{ nama ").is_err());
        assert!(validate(TemplateKind::Invoice, "  ").is_err());
    }

    #[test]
    fn rendering_is_plain_text_with_conditionals() {
        let mut v = sample(TemplateKind::Invoice);
        v.nama = "Budi & <Sons>".into();
        let out = render("{{ nama }}{% if ada_diskon %} diskon{% endif %}", &v).unwrap();
        assert_eq!(out, "Budi & <Sons>", "no HTML escaping, skipped branch");
        v.ada_diskon = true;
        assert_eq!(
            render("{% if ada_diskon %}diskon{% endif %}", &v).unwrap(),
            "diskon"
        );
    }

    #[test]
    fn a_runaway_template_is_stopped() {
        let body = "{% for a in range(1000) %}{% for b in range(1000) %}x{% endfor %}{% endfor %}";
        assert!(validate(TemplateKind::Invoice, body).is_err());
    }
}

#[cfg(test)]
mod default_templates {
    use super::*;
    use crate::domain::{
        company::{Account, CompanySettings},
        messages::{InvoiceFacts, PaymentFacts, invoice_vars, receipt_vars},
    };
    use chrono::NaiveDate;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn facts() -> InvoiceFacts {
        InvoiceFacts {
            customer_name: "Siti Rahmawati".into(),
            customer_code: "PLG-00012".into(),
            wa_number: Some("6281234567890".into()),
            address: Some("Jl. Melati 5".into()),
            number: "INV-202611-00012".into(),
            period: "2026-11".into(),
            due_date: d(10),
            amount: 150_000,
            discount: 0,
            paid: 0,
            arrears_now: 0,
            package_name: Some("Rumahan 20".into()),
            package_speed_mbps: Some(20),
        }
    }

    fn full_company() -> CompanySettings {
        CompanySettings {
            name: "Net Sejahtera".into(),
            address: "Jl. Mawar 1".into(),
            cs_contact: "0812-0000-1111".into(),
            banks: vec![Account {
                provider: "BCA".into(),
                number: "1234567890".into(),
                holder: "Net Sejahtera".into(),
            }],
            ewallets: vec![Account {
                provider: "DANA".into(),
                number: "081200001111".into(),
                holder: "Budi".into(),
            }],
            pay_in_person: "Kantor, 08.00–17.00".into(),
        }
    }

    fn render_all(
        f: &InvoiceFacts,
        company: &CompanySettings,
        today: NaiveDate,
    ) -> Vec<(TemplateKind, String)> {
        TemplateKind::ALL
            .into_iter()
            .map(|k| {
                let vars = if k == TemplateKind::Receipt {
                    receipt_vars(
                        f,
                        &PaymentFacts {
                            amount: 100_000,
                            date: today,
                            method_label: "Tunai".into(),
                            owed_after: 50_000,
                        },
                        company,
                        today,
                    )
                } else {
                    invoice_vars(f, company, today)
                };
                let text = render(k.default_body(), &vars).unwrap_or_else(|e| panic!("{k:?}: {e}"));
                // Nothing left unrendered, no empty holes.
                assert!(
                    !text.contains("{{") && !text.contains("{%"),
                    "{k:?}: {text}"
                );
                assert!(
                    !text.contains("**") && !text.contains("()"),
                    "{k:?} has an empty mark: {text}"
                );
                assert!(!text.contains("\n\n\n"), "{k:?} has a gap: {text:?}");
                (k, text)
            })
            .collect()
    }

    #[test]
    fn without_arrears_no_arrears_line_appears() {
        for (k, text) in render_all(&facts(), &full_company(), d(7)) {
            assert!(!text.to_lowercase().contains("tunggakan"), "{k:?}: {text}");
            assert!(text.contains("Siti Rahmawati"), "{k:?}");
        }
        let invoice = render(
            TemplateKind::Invoice.default_body(),
            &invoice_vars(&facts(), &full_company(), d(7)),
        )
        .unwrap();
        for part in [
            "PLG-00012",
            "INV-202611-00012",
            "November 2026",
            "10 November 2026",
            "Rp 150.000",
            "Total: Rp 150.000",
            "Rumahan 20 (20 Mbps)",
            "BCA 1234567890 a.n. Net Sejahtera",
            "DANA 081200001111 a.n. Budi",
            "Bayar langsung: Kantor",
            "0812-0000-1111",
            "Net Sejahtera",
        ] {
            assert!(invoice.contains(part), "invoice lacks {part:?}:\n{invoice}");
        }
    }

    #[test]
    fn arrears_are_shown_and_counted_in_the_total() {
        let mut f = facts();
        f.arrears_now = 300_000;
        let all = render_all(&f, &full_company(), d(7));
        let invoice = &all[0].1;
        assert!(
            invoice.contains("Tunggakan sebelumnya: Rp 300.000"),
            "{invoice}"
        );
        assert!(invoice.contains("Total: Rp 450.000"), "{invoice}");
        let reminder = &all[1].1;
        assert!(
            reminder.contains("Rp 450.000") && reminder.contains("tunggakan Rp 300.000"),
            "{reminder}"
        );
        assert!(reminder.contains("dalam 3 hari"), "{reminder}");
    }

    #[test]
    fn a_partial_payment_shows_what_remains() {
        let mut f = facts();
        f.paid = 100_000;
        let invoice = render(
            TemplateKind::Invoice.default_body(),
            &invoice_vars(&f, &full_company(), d(12)),
        )
        .unwrap();
        assert!(invoice.contains("Sudah dibayar: Rp 100.000"), "{invoice}");
        assert!(
            invoice.contains("Sisa yang harus dibayar: Rp 50.000"),
            "{invoice}"
        );
        let overdue = render(
            TemplateKind::Overdue.default_body(),
            &invoice_vars(&f, &full_company(), d(12)),
        )
        .unwrap();
        assert!(
            overdue.contains("*2 hari*") && overdue.contains("Rp 50.000"),
            "{overdue}"
        );
        let receipt = &render_all(&f, &full_company(), d(12))[3].1;
        assert!(
            receipt.contains("Rp 100.000")
                && receipt.contains("Sisa yang masih harus dibayar: *Rp 50.000*"),
            "{receipt}"
        );
    }

    #[test]
    fn long_names_are_kept_whole() {
        let mut f = facts();
        f.customer_name = "Raden Mas Bambang Sutrisno Adiningrat Wicaksono Hadiprojo Kusumo".into();
        for (k, text) in render_all(&f, &full_company(), d(7)) {
            assert!(text.contains(&f.customer_name), "{k:?}");
        }
    }

    #[test]
    fn missing_optional_settings_leave_no_trace() {
        let mut f = facts();
        f.package_speed_mbps = None;
        for (k, text) in render_all(&f, &CompanySettings::default(), d(7)) {
            assert!(!text.contains("Cara pembayaran"), "{k:?}: {text}");
            assert!(!text.contains("Layanan pelanggan"), "{k:?}: {text}");
            assert!(!text.contains(" dari "), "{k:?} names no company: {text}");
        }
        let invoice = render(
            TemplateKind::Invoice.default_body(),
            &invoice_vars(&f, &CompanySettings::default(), d(7)),
        )
        .unwrap();
        assert!(invoice.contains("Paket: Rumahan 20\n"), "{invoice}");
    }
}
