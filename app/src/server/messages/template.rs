//! Rendering with minijinja. Strict: an unknown variable is an error when the template is
//! saved, never an empty hole in a customer's message.

use crate::domain::messages::{MessageVars, OpenInvoiceVars, TemplateKind};
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
/// The most one rendering may produce. A WhatsApp text is far shorter; this only stops a
/// template (or a bulk job of them) from building huge strings.
pub const MAX_OUTPUT: usize = 64 * 1024;

/// Filters and globals that can make a string much longer than their input in one step
/// (fuel counts steps, not bytes), or hold state across loop turns.
const REMOVED_FILTERS: &[&str] = &[
    "indent",
    "replace",
    "format",
    "pprint",
    "tojson",
    "urlencode",
    "batch",
    "groupby",
];
const REMOVED_GLOBALS: &[&str] = &["namespace", "range", "debug", "cycler", "joiner"];
/// Block tags a message template may use. `set`, `with`, `macro`, `call` and `filter` are left
/// out: each can double a string per step, which no instruction budget bounds.
const ALLOWED_BLOCKS: &[&str] = &[
    "if", "elif", "else", "endif", "for", "endfor", "raw", "endraw",
];

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    for f in REMOVED_FILTERS {
        env.remove_filter(f);
    }
    for g in REMOVED_GLOBALS {
        env.remove_global(g);
    }
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
    check_tags(body)?;
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

/// Refuses block tags outside [`ALLOWED_BLOCKS`] and the `*` operator (string repetition)
/// inside any tag. Quoted text inside tags and everything outside tags (WhatsApp's `*bold*`)
/// is left alone.
fn check_tags(body: &str) -> Result<(), TemplateError> {
    let bytes = body.as_bytes();
    let line_at = |i: usize| body[..i].matches('\n').count() + 1;
    let refuse = |i: usize, message: String| TemplateError {
        line: Some(line_at(i)),
        message,
    };
    let mut i = 0;
    while i + 1 < bytes.len() {
        let block = &body[i..i + 2] == "{%";
        if !(block || &body[i..i + 2] == "{{" || &body[i..i + 2] == "{#") {
            i += 1;
            continue;
        }
        if &body[i..i + 2] == "{#" {
            i = body[i..].find("#}").map_or(bytes.len(), |e| i + e + 2);
            continue;
        }
        let start = i;
        let close = if block { "%}" } else { "}}" };
        let mut j = i + 2;
        let mut quote: Option<u8> = None;
        let mut first_word = None::<String>;
        while j < bytes.len() {
            let c = bytes[j];
            match quote {
                Some(q) => {
                    if c == b'\\' {
                        j += 1;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => {
                    if body[j..].starts_with(close) {
                        break;
                    }
                    if c == b'"' || c == b'\'' {
                        quote = Some(c);
                    } else if c == b'*' {
                        return Err(refuse(
                            start,
                            "Operator “*” tidak boleh dipakai di dalam template.".into(),
                        ));
                    } else if block && first_word.is_none() && c.is_ascii_alphabetic() {
                        let end = body[j..]
                            .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                            .map_or(bytes.len(), |e| j + e);
                        first_word = Some(body[j..end].to_owned());
                    }
                }
            }
            j += 1;
        }
        if let Some(w) = first_word
            && !ALLOWED_BLOCKS.contains(&w.as_str())
        {
            return Err(refuse(
                start,
                format!("Perintah “{w}” tidak tersedia di template pesan (gunakan if atau for)."),
            ));
        }
        i = j + 2;
    }
    Ok(())
}

/// An output that refuses to grow past [`MAX_OUTPUT`] bytes.
struct Capped {
    buf: Vec<u8>,
    overflow: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > MAX_OUTPUT {
            self.overflow = true;
            return Err(std::io::Error::other("template output over the cap"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders a template with the message's values.
pub fn render(body: &str, vars: &MessageVars) -> Result<String, TemplateError> {
    check_tags(body)?;
    let env = env();
    let tmpl = env.template_from_str(body).map_err(|e| syntax_error(&e))?;
    let mut out = Capped {
        buf: Vec::new(),
        overflow: false,
    };
    let result = tmpl.render_captured_to(vars, &mut out).map(|_| ());
    if out.overflow {
        return Err(TemplateError {
            line: None,
            message: format!(
                "Hasil template terlalu panjang (maksimal {} KiB).",
                MAX_OUTPUT / 1024
            ),
        });
    }
    result
        .map(|_| String::from_utf8_lossy(&out.buf).into_owned())
        .map_err(|e| {
            let message = match e.kind() {
                minijinja::ErrorKind::UndefinedError => {
                    "Ada variabel yang tidak dikenal.".to_owned()
                }
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
        salam: "Halo".into(),
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
        tagihan_terbuka: vec![
            OpenInvoiceVars {
                periode: "Oktober 2026".into(),
                no_tagihan: "INV-202610-00012".into(),
                jatuh_tempo: "10 Oktober 2026".into(),
                sisa: "Rp 150.000".into(),
            },
            OpenInvoiceVars {
                periode: "November 2026".into(),
                no_tagihan: "INV-202611-00012".into(),
                jatuh_tempo: "10 November 2026".into(),
                sisa: "Rp 150.000".into(),
            },
        ],
        jumlah_bulan: 2,
        total_tunggakan: "Rp 300.000".into(),
        jatuh_tempo_terlama: "10 Oktober 2026".into(),
        kredit: "Rp 0".into(),
        ada_kredit: false,
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
    fn templates_cannot_build_huge_strings() {
        let v = sample(TemplateKind::Invoice);
        let bombs = [
            // Doubling through set: a few steps of fuel, gigabytes of memory.
            "{% set s = nama %}{% for i in tagihan_terbuka %}{% set s = s ~ s %}{% endfor %}{{ s }}",
            "{% set ns = namespace(s='x') %}{{ ns.s }}",
            "{% with a = nama ~ nama %}{{ a }}{% endwith %}",
            "{{ 'x' * 100000000 }}",
            "{{ nama * 100000000 }}",
            "{% macro m() %}x{% endmacro %}{{ m() }}",
            "{{ 'a\na' | indent(100000000) }}",
            "{{ nama | replace('a', nama ~ nama ~ nama) }}",
        ];
        for b in bombs {
            assert!(render(b, &v).is_err(), "accepted: {b}");
            assert!(validate(TemplateKind::Invoice, b).is_err(), "saved: {b}");
        }
        // Output over the cap: a clear Indonesian error, not an allocation.
        let wide = format!("{}{}", "{% for t in tagihan_terbuka %}", "x".repeat(3000));
        let mut v2 = v.clone();
        v2.tagihan_terbuka = vec![v.tagihan_terbuka[0].clone(); 40];
        let e = render(&format!("{wide}{{% endfor %}}"), &v2).unwrap_err();
        assert!(e.message.contains("terlalu panjang"), "{e}");
        // WhatsApp marks and quoted stars still work.
        assert_eq!(
            render("*{{ '*' }}{{ nama }}*", &v).unwrap(),
            format!("**{}*", v.nama)
        );
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
        messages::{InvoiceFacts, PaymentFacts, receipt_vars, statement_vars},
        statement::{Statement, StatementLine},
    };
    use chrono::NaiveDate;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn line(m: u32, amount: i64, paid: i64) -> StatementLine {
        StatementLine {
            invoice_id: m as i32,
            number: format!("INV-2026{m:02}-00012"),
            period: format!("2026-{m:02}"),
            issue_date: d(m, 1),
            due_date: d(m, 10),
            amount,
            discount: 0,
            paid,
            package_name: Some("Rumahan 20".into()),
            package_speed_mbps: Some(20),
        }
    }

    fn statement(lines: Vec<StatementLine>) -> Statement {
        Statement {
            customer_id: 12,
            customer_code: "PLG-00012".into(),
            customer_name: "Siti Rahmawati".into(),
            address: Some("Jl. Melati 5".into()),
            wa_number: Some("6281234567890".into()),
            lines,
            credit: 0,
        }
    }

    fn facts() -> InvoiceFacts {
        InvoiceFacts {
            customer_name: "Siti Rahmawati".into(),
            customer_code: "PLG-00012".into(),
            wa_number: Some("6281234567890".into()),
            address: Some("Jl. Melati 5".into()),
            number: "INV-202611-00012".into(),
            period: "2026-11".into(),
            due_date: d(11, 10),
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
            greetings: Vec::new(),
        }
    }

    fn one(
        kind: TemplateKind,
        st: &Statement,
        company: &CompanySettings,
        today: NaiveDate,
    ) -> String {
        render(kind.default_body(), &statement_vars(st, company, today)).unwrap()
    }

    /// Every default, rendered: nothing left unrendered, no empty marks or gaps.
    fn render_all(
        st: &Statement,
        company: &CompanySettings,
        today: NaiveDate,
    ) -> Vec<(TemplateKind, String)> {
        TemplateKind::ALL
            .into_iter()
            .map(|k| {
                let vars = if k == TemplateKind::Receipt {
                    receipt_vars(
                        &facts(),
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
                    statement_vars(st, company, today)
                };
                let text = render(k.default_body(), &vars).unwrap_or_else(|e| panic!("{k:?}: {e}"));
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
    fn one_open_month_reads_as_an_invoice_without_a_list() {
        let st = statement(vec![line(11, 150_000, 0)]);
        for (k, text) in render_all(&st, &full_company(), d(11, 7)) {
            assert!(!text.to_lowercase().contains("tunggakan"), "{k:?}: {text}");
            assert!(
                !text.contains("- November"),
                "{k:?} lists one month: {text}"
            );
            assert!(text.contains("Siti Rahmawati"), "{k:?}");
        }
        let invoice = one(TemplateKind::Invoice, &st, &full_company(), d(11, 7));
        for part in [
            "PLG-00012",
            "INV-202611-00012",
            "November 2026",
            "Jatuh tempo: *10 November 2026*",
            "Biaya bulanan: Rp 150.000",
            "*Total yang harus dibayar: Rp 150.000*",
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

    /// Greeting variants change the first word and nothing else: the same statement with and
    /// without them differs only before the customer's name.
    #[test]
    fn greeting_variants_change_the_opening_never_the_figures() {
        let st = statement(vec![line(10, 150_000, 0), line(11, 150_000, 0)]);
        let plain = full_company();
        let varied = CompanySettings {
            greetings: vec!["Selamat siang".into(), "Assalamualaikum".into()],
            ..full_company()
        };
        for kind in [TemplateKind::Reminder, TemplateKind::Overdue] {
            let a = one(kind, &st, &plain, d(11, 20));
            let b = one(kind, &st, &varied, d(11, 20));
            assert!(a.starts_with("Halo *Siti Rahmawati*"), "{a}");
            let greeting = b.split(" *Siti").next().unwrap();
            assert!(varied.greetings.iter().any(|g| g == greeting), "{b}");
            let rest = |t: &str| t.split_once(" *Siti Rahmawati*").unwrap().1.to_owned();
            assert_eq!(rest(&a), rest(&b), "{kind:?}: only the greeting differs");
        }
    }

    /// The original system's worst fault: a customer with three open months must read one total,
    /// counted once, with each month listed.
    #[test]
    fn several_open_months_are_listed_with_one_total() {
        let st = statement(vec![
            line(9, 150_000, 50_000),
            line(10, 150_000, 0),
            line(11, 150_000, 0),
        ]);
        let all = render_all(&st, &full_company(), d(11, 20));
        for (k, text) in all.iter().take(3) {
            assert!(text.contains("(3 bulan)"), "{k:?}: {text}");
            for part in [
                "- September 2026 (INV-202609-00012): Rp 100.000",
                "- Oktober 2026 (INV-202610-00012): Rp 150.000",
                "- November 2026 (INV-202611-00012): Rp 150.000",
                "Rp 400.000",
            ] {
                assert!(text.contains(part), "{k:?} lacks {part:?}:\n{text}");
            }
            // One total: no figure that adds the arrears again.
            assert!(
                !text.contains("Rp 550.000") && !text.contains("Rp 700.000"),
                "{k:?}: {text}"
            );
        }
        let overdue = &all[2].1;
        assert!(
            overdue.contains("*71 hari*") && overdue.contains("10 September 2026"),
            "days late count from the oldest open due date: {overdue}"
        );
    }

    #[test]
    fn a_partial_payment_shows_what_remains() {
        let st = statement(vec![line(11, 150_000, 100_000)]);
        let invoice = one(TemplateKind::Invoice, &st, &full_company(), d(11, 12));
        assert!(invoice.contains("Sudah dibayar: Rp 100.000"), "{invoice}");
        assert!(
            invoice.contains("*Total yang harus dibayar: Rp 50.000*"),
            "{invoice}"
        );
        let overdue = one(TemplateKind::Overdue, &st, &full_company(), d(11, 12));
        assert!(
            overdue.contains("*2 hari*") && overdue.contains("Rp 50.000"),
            "{overdue}"
        );
        let receipt = &render_all(&st, &full_company(), d(11, 12))[3].1;
        assert!(
            receipt.contains("Rp 100.000")
                && receipt.contains("Sisa yang masih harus dibayar: *Rp 50.000*"),
            "{receipt}"
        );
    }

    #[test]
    fn credit_is_shown_and_taken_off() {
        let mut st = statement(vec![line(11, 150_000, 0)]);
        st.credit = 20_000;
        let invoice = one(TemplateKind::Invoice, &st, &full_company(), d(11, 7));
        assert!(
            invoice.contains("Kelebihan bayar sebelumnya: -Rp 20.000")
                && invoice.contains("*Total yang harus dibayar: Rp 130.000*"),
            "{invoice}"
        );
    }

    #[test]
    fn long_names_are_kept_whole() {
        let mut st = statement(vec![line(11, 150_000, 0)]);
        st.customer_name =
            "Raden Mas Bambang Sutrisno Adiningrat Wicaksono Hadiprojo Kusumo".into();
        for (k, text) in render_all(&st, &full_company(), d(11, 7)) {
            if k != TemplateKind::Receipt {
                assert!(text.contains(&st.customer_name), "{k:?}");
            }
        }
    }

    #[test]
    fn missing_optional_settings_leave_no_trace() {
        let mut l = line(11, 150_000, 0);
        l.package_speed_mbps = None;
        let st = statement(vec![l]);
        for (k, text) in render_all(&st, &CompanySettings::default(), d(11, 7)) {
            assert!(!text.contains("Cara pembayaran"), "{k:?}: {text}");
            assert!(!text.contains("Layanan pelanggan"), "{k:?}: {text}");
            assert!(!text.contains(" dari "), "{k:?} names no company: {text}");
        }
        let invoice = one(
            TemplateKind::Invoice,
            &st,
            &CompanySettings::default(),
            d(11, 7),
        );
        assert!(invoice.contains("Paket: Rumahan 20\n"), "{invoice}");
    }
}
