//! Message templates: kinds, the variables an admin may use (with descriptions), the built-in
//! Indonesian defaults, and WhatsApp's text marks for the preview. Rendering itself (minijinja)
//! happens on the server, so what is previewed is exactly what is sent.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TemplateKind {
    Invoice,
    Reminder,
    Overdue,
    Receipt,
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 4] = [
        TemplateKind::Invoice,
        TemplateKind::Reminder,
        TemplateKind::Overdue,
        TemplateKind::Receipt,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TemplateKind::Invoice => "invoice",
            TemplateKind::Reminder => "reminder",
            TemplateKind::Overdue => "overdue",
            TemplateKind::Receipt => "receipt",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            TemplateKind::Invoice => "Tagihan",
            TemplateKind::Reminder => "Pengingat jatuh tempo",
            TemplateKind::Overdue => "Peringatan terlambat",
            TemplateKind::Receipt => "Bukti pembayaran",
        }
    }

    /// The template for an open invoice, by its due state (today in the local zone).
    pub fn for_invoice(days_to_due: i64, already_sent_invoice: bool) -> Self {
        if days_to_due < 0 {
            TemplateKind::Overdue
        } else if already_sent_invoice && days_to_due <= 7 {
            TemplateKind::Reminder
        } else {
            TemplateKind::Invoice
        }
    }

    pub fn default_body(self) -> &'static str {
        match self {
            TemplateKind::Invoice => DEFAULT_INVOICE,
            TemplateKind::Reminder => DEFAULT_REMINDER,
            TemplateKind::Overdue => DEFAULT_OVERDUE,
            TemplateKind::Receipt => DEFAULT_RECEIPT,
        }
    }

    /// The variables a template of this kind may use.
    pub fn variables(self) -> impl Iterator<Item = &'static Variable> {
        VARIABLES
            .iter()
            .filter(move |v| self == TemplateKind::Receipt || !v.receipt_only)
    }
}

/// A template variable, as listed on the Template page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variable {
    pub name: &'static str,
    pub description: &'static str,
    pub receipt_only: bool,
}

const fn var(name: &'static str, description: &'static str) -> Variable {
    Variable {
        name,
        description,
        receipt_only: false,
    }
}

const fn receipt(name: &'static str, description: &'static str) -> Variable {
    Variable {
        name,
        description,
        receipt_only: true,
    }
}

pub const VARIABLES: &[Variable] = &[
    var(
        "salam",
        "Sapaan pembuka, bergantian dari variasi sapaan di Pengaturan (bawaan: Halo)",
    ),
    var("nama", "Nama pelanggan"),
    var("id_pelanggan", "ID pelanggan, mis. PLG-00012"),
    var("no_hp", "Nomor WhatsApp pelanggan"),
    var("alamat", "Alamat pelanggan"),
    var("no_tagihan", "Nomor tagihan, mis. INV-202611-00012"),
    var("periode", "Periode tagihan, mis. November 2026"),
    var("jatuh_tempo", "Tanggal jatuh tempo, mis. 10 Desember 2026"),
    var("biaya_bulanan", "Biaya bulan ini, mis. Rp 150.000"),
    var("tunggakan", "Tunggakan dari bulan-bulan sebelumnya"),
    var("ada_tunggakan", "Benar jika ada tunggakan (untuk {% if %})"),
    var("diskon", "Potongan harga"),
    var("ada_diskon", "Benar jika ada diskon"),
    var("total", "Biaya bulanan + tunggakan − diskon"),
    var("sudah_dibayar", "Yang sudah dibayar untuk tagihan ini"),
    var("ada_pembayaran", "Benar jika sudah dibayar sebagian"),
    var("sisa_bayar", "Yang masih harus dibayar sekarang"),
    var("paket", "Nama paket internet"),
    var("kecepatan", "Kecepatan paket, mis. 20 Mbps"),
    var(
        "cara_bayar",
        "Rekening bank, e-wallet dan bayar langsung (dari Pengaturan)",
    ),
    var("kontak_cs", "Kontak layanan pelanggan (dari Pengaturan)"),
    var("perusahaan", "Nama usaha Anda (dari Pengaturan)"),
    var(
        "hari_lagi",
        "Hari sampai jatuh tempo terdekat (0 = hari ini)",
    ),
    var("hari_terlambat", "Hari lewat jatuh tempo tagihan terlama"),
    var(
        "tagihan_terbuka",
        "Daftar tagihan yang belum lunas, terlama dulu; tiap baris punya periode, no_tagihan, jatuh_tempo, sisa (untuk {% for t in tagihan_terbuka %})",
    ),
    var("jumlah_bulan", "Berapa bulan yang belum lunas"),
    var(
        "total_tunggakan",
        "Semua yang belum dibayar, semua bulan (sama dengan sisa_bayar)",
    ),
    var(
        "jatuh_tempo_terlama",
        "Jatuh tempo tagihan terlama yang belum lunas",
    ),
    var(
        "kredit",
        "Kelebihan bayar yang dipakai untuk tagihan berikutnya",
    ),
    var("ada_kredit", "Benar jika ada kelebihan bayar"),
    var(
        "link_tagihan",
        "Tautan halaman tagihan pelanggan (kosong bila TAGIH_PUBLIC_URL belum diatur)",
    ),
    var(
        "total_transfer",
        "Jumlah transfer dengan kode unik, mis. Rp 150.037 (Pengaturan → kode unik)",
    ),
    var("ada_kode_unik", "Benar jika kode unik transfer dipakai"),
    receipt("jumlah_bayar", "Jumlah pembayaran yang diterima"),
    receipt("tanggal_bayar", "Tanggal pembayaran"),
    receipt("metode_bayar", "Tunai, transfer bank, e-wallet, …"),
    receipt("lunas", "Benar jika tagihan sudah lunas"),
];

/// The values a message is rendered with. Money and dates arrive formatted (`Rp 150.000`,
/// `20 Desember 2026`); the `ada_*` flags let a template show a line only when it applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageVars {
    pub salam: String,
    pub nama: String,
    pub id_pelanggan: String,
    pub no_hp: String,
    pub alamat: String,
    pub no_tagihan: String,
    pub periode: String,
    pub jatuh_tempo: String,
    pub biaya_bulanan: String,
    pub tunggakan: String,
    pub ada_tunggakan: bool,
    pub diskon: String,
    pub ada_diskon: bool,
    pub total: String,
    pub sudah_dibayar: String,
    pub ada_pembayaran: bool,
    pub sisa_bayar: String,
    pub paket: String,
    pub kecepatan: String,
    pub cara_bayar: String,
    pub kontak_cs: String,
    pub perusahaan: String,
    pub hari_lagi: i64,
    pub hari_terlambat: i64,
    pub tagihan_terbuka: Vec<OpenInvoiceVars>,
    pub jumlah_bulan: usize,
    pub total_tunggakan: String,
    pub jatuh_tempo_terlama: String,
    pub kredit: String,
    pub ada_kredit: bool,
    pub link_tagihan: String,
    pub total_transfer: String,
    pub ada_kode_unik: bool,
    pub jumlah_bayar: String,
    pub tanggal_bayar: String,
    pub metode_bayar: String,
    pub lunas: bool,
}

/// One line of `tagihan_terbuka`: an open invoice on the statement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInvoiceVars {
    pub periode: String,
    pub no_tagihan: String,
    pub jatuh_tempo: String,
    /// What this month still lacks.
    pub sisa: String,
}

pub const DEFAULT_INVOICE: &str = "\
Yth. *{{ nama }}* ({{ id_pelanggan }}),

Berikut tagihan internet Anda{% if perusahaan %} dari *{{ perusahaan }}*{% endif %}:
{% if jumlah_bulan > 1 %}
Tagihan yang belum lunas ({{ jumlah_bulan }} bulan):
{% for t in tagihan_terbuka %}- {{ t.periode }} ({{ t.no_tagihan }}): {{ t.sisa }}
{% endfor %}Paket: {{ paket }}{% if kecepatan %} ({{ kecepatan }}){% endif %}
Jatuh tempo terlama: *{{ jatuh_tempo_terlama }}*
{% else %}
No. tagihan: {{ no_tagihan }}
Periode: {{ periode }}
Paket: {{ paket }}{% if kecepatan %} ({{ kecepatan }}){% endif %}
Jatuh tempo: *{{ jatuh_tempo }}*

Biaya bulanan: {{ biaya_bulanan }}
{% if ada_diskon %}Diskon: -{{ diskon }}
{% endif %}{% if ada_pembayaran %}Sudah dibayar: {{ sudah_dibayar }}
{% endif %}{% endif %}{% if ada_kredit %}Kelebihan bayar sebelumnya: -{{ kredit }}
{% endif %}
*Total yang harus dibayar: {{ sisa_bayar }}*
{% if ada_kode_unik %}Mohon transfer tepat *{{ total_transfer }}* (termasuk kode unik) agar pembayaran langsung tercatat.
{% endif %}{% if link_tagihan %}Rincian tagihan: {{ link_tagihan }}
{% endif %}
{% if cara_bayar %}Cara pembayaran:
{{ cara_bayar }}

{% endif %}Abaikan pesan ini jika Anda sudah membayar. Terima kasih.{% if kontak_cs %}
Layanan pelanggan: {{ kontak_cs }}{% endif %}";

pub const DEFAULT_REMINDER: &str = "\
{{ salam }} *{{ nama }}*,

Pengingat{% if perusahaan %} dari {{ perusahaan }}{% endif %}: tagihan internet Anda sebesar *{{ sisa_bayar }}* jatuh tempo {% if hari_lagi == 0 %}*hari ini*{% else %}dalam {{ hari_lagi }} hari, pada *{{ jatuh_tempo_terlama }}*{% endif %}.
{% if jumlah_bulan > 1 %}
Rincian ({{ jumlah_bulan }} bulan):
{% for t in tagihan_terbuka %}- {{ t.periode }} ({{ t.no_tagihan }}): {{ t.sisa }}
{% endfor %}{% else %}Tagihan: {{ no_tagihan }} ({{ periode }})
{% endif %}{% if ada_kode_unik %}Mohon transfer tepat *{{ total_transfer }}* (termasuk kode unik).
{% endif %}{% if link_tagihan %}Rincian tagihan: {{ link_tagihan }}
{% endif %}
{% if cara_bayar %}Cara pembayaran:
{{ cara_bayar }}

{% endif %}Abaikan pesan ini jika Anda sudah membayar. Terima kasih.{% if kontak_cs %}
Layanan pelanggan: {{ kontak_cs }}{% endif %}";

pub const DEFAULT_OVERDUE: &str = "\
{{ salam }} *{{ nama }}*,

Tagihan internet Anda sudah lewat jatuh tempo *{{ hari_terlambat }} hari* (jatuh tempo {{ jatuh_tempo_terlama }}).
{% if jumlah_bulan > 1 %}
Yang belum lunas ({{ jumlah_bulan }} bulan):
{% for t in tagihan_terbuka %}- {{ t.periode }} ({{ t.no_tagihan }}): {{ t.sisa }}
{% endfor %}{% else %}Tagihan: {{ no_tagihan }} ({{ periode }})
{% endif %}
Yang harus dibayar: *{{ sisa_bayar }}*
{% if ada_kode_unik %}Mohon transfer tepat *{{ total_transfer }}* (termasuk kode unik).
{% endif %}{% if link_tagihan %}Rincian tagihan: {{ link_tagihan }}
{% endif %}
Mohon segera melakukan pembayaran agar layanan internet ({{ paket }}) tidak terganggu.
{% if cara_bayar %}
Cara pembayaran:
{{ cara_bayar }}
{% endif %}
Abaikan pesan ini jika Anda sudah membayar.{% if kontak_cs %}
Layanan pelanggan: {{ kontak_cs }}{% endif %}";

pub const DEFAULT_RECEIPT: &str = "\
Terima kasih *{{ nama }}*, pembayaran Anda sudah kami terima.

Jumlah: *{{ jumlah_bayar }}*
Tanggal: {{ tanggal_bayar }}
Metode: {{ metode_bayar }}
Tagihan: {{ no_tagihan }} ({{ periode }})
{% if lunas %}Status: *LUNAS*{% else %}Sisa yang masih harus dibayar: *{{ sisa_bayar }}*{% endif %}
{% if kontak_cs %}
Layanan pelanggan: {{ kontak_cs }}{% endif %}";

/// A piece of WhatsApp text with its marks, for showing the preview formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
}

/// Splits text into spans by WhatsApp's marks: `*bold*`, `_italic_`, `~strike~`. A mark only
/// counts when it opens before a non-space and closes after one on the same line, as
/// WhatsApp does; anything else stays literal.
pub fn whatsapp_spans(text: &str) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut spans: Vec<Span> = Vec::new();
    let (mut bold, mut italic, mut strike) = (false, false, false);
    let mut buf = String::new();
    let flush = |buf: &mut String, spans: &mut Vec<Span>, b, i, s| {
        if !buf.is_empty() {
            spans.push(Span {
                text: std::mem::take(buf),
                bold: b,
                italic: i,
                strike: s,
            });
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let flag = match c {
            '*' => Some(&mut bold),
            '_' => Some(&mut italic),
            '~' => Some(&mut strike),
            _ => None,
        };
        if let Some(on) = flag {
            let opening = !*on;
            let valid = if opening {
                // Opens at a word start before a non-space, and a closing mark follows on this
                // line (also at a word end).
                (i == 0 || !chars[i - 1].is_alphanumeric())
                    && chars.get(i + 1).is_some_and(|n| !n.is_whitespace())
                    && chars[i + 1..]
                        .iter()
                        .take_while(|ch| **ch != '\n')
                        .enumerate()
                        .any(|(k, ch)| {
                            *ch == c
                                && k > 0
                                && !chars[i + k].is_whitespace()
                                && chars.get(i + k + 2).is_none_or(|a| !a.is_alphanumeric())
                        })
            } else {
                i > 0
                    && !chars[i - 1].is_whitespace()
                    && chars.get(i + 1).is_none_or(|a| !a.is_alphanumeric())
            };
            if valid {
                let (b, it, s) = (bold, italic, strike);
                flush(&mut buf, &mut spans, b, it, s);
                match c {
                    '*' => bold = !bold,
                    '_' => italic = !italic,
                    _ => strike = !strike,
                }
                i += 1;
                continue;
            }
        }
        if c == '\n' {
            // Marks never span lines.
            buf.push(c);
            let (b, it, s) = (bold, italic, strike);
            flush(&mut buf, &mut spans, b, it, s);
            bold = false;
            italic = false;
            strike = false;
            i += 1;
            continue;
        }
        buf.push(c);
        i += 1;
    }
    flush(&mut buf, &mut spans, bold, italic, strike);
    spans
}

/// Characters as WhatsApp counts them (Unicode scalar values).
pub fn char_count(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(text: &str) -> Vec<(String, bool, bool, bool)> {
        whatsapp_spans(text)
            .into_iter()
            .map(|s| (s.text, s.bold, s.italic, s.strike))
            .collect()
    }

    #[test]
    fn whatsapp_marks_are_recognised_like_whatsapp() {
        assert_eq!(
            marks("Total: *Rp 150.000* ya"),
            vec![
                ("Total: ".into(), false, false, false),
                ("Rp 150.000".into(), true, false, false),
                (" ya".into(), false, false, false),
            ]
        );
        assert_eq!(
            marks("_miring_ dan ~coret~"),
            vec![
                ("miring".into(), false, true, false),
                (" dan ".into(), false, false, false),
                ("coret".into(), false, false, true),
            ]
        );
        // A lone star, a star before a space, a mark across lines: all literal.
        assert_eq!(
            marks("5 * 3 = 15"),
            vec![("5 * 3 = 15".into(), false, false, false)]
        );
        assert!(marks("*a\nb*").iter().all(|m| !m.1));
        assert_eq!(marks("nama_pelanggan_x").len(), 1);
    }

    #[test]
    fn every_kind_has_a_default_and_receipt_variables_are_only_for_receipts() {
        for k in TemplateKind::ALL {
            assert!(!k.default_body().is_empty());
            assert_eq!(TemplateKind::parse(k.code()), Some(k));
        }
        assert!(
            TemplateKind::Receipt
                .variables()
                .any(|v| v.name == "jumlah_bayar")
        );
        assert!(
            !TemplateKind::Invoice
                .variables()
                .any(|v| v.name == "jumlah_bayar")
        );
        assert!(
            TemplateKind::Invoice
                .variables()
                .any(|v| v.name == "tunggakan")
        );
    }

    #[test]
    fn the_template_follows_the_due_state() {
        assert_eq!(TemplateKind::for_invoice(-3, true), TemplateKind::Overdue);
        assert_eq!(TemplateKind::for_invoice(3, true), TemplateKind::Reminder);
        assert_eq!(TemplateKind::for_invoice(3, false), TemplateKind::Invoice);
        assert_eq!(TemplateKind::for_invoice(20, true), TemplateKind::Invoice);
    }
}

/// What a message about one invoice needs to know, read from the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceFacts {
    pub customer_name: String,
    pub customer_code: String,
    pub wa_number: Option<String>,
    pub address: Option<String>,
    pub number: String,
    /// `YYYY-MM`.
    pub period: String,
    pub due_date: chrono::NaiveDate,
    pub amount: i64,
    pub discount: i64,
    pub paid: i64,
    /// Owed now on the customer's older open invoices (arrears paid since issue do not count).
    pub arrears_now: i64,
    pub package_name: Option<String>,
    pub package_speed_mbps: Option<i32>,
}

/// A payment, for the receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFacts {
    pub amount: i64,
    pub date: chrono::NaiveDate,
    pub method_label: String,
    /// What the customer still owes in all after this payment.
    pub owed_after: i64,
}

/// The values of a message about `f`, as of `today` (local). `total` is the bill
/// (this period + arrears now − discount); `sisa_bayar` what is still to pay of it.
pub fn invoice_vars(
    f: &InvoiceFacts,
    company: &crate::domain::company::CompanySettings,
    today: chrono::NaiveDate,
) -> MessageVars {
    use crate::domain::{dates, money::rupiah};
    let total = f.amount + f.arrears_now - f.discount;
    let remaining = (total - f.paid).max(0);
    let days_to_due = (f.due_date - today).num_days();
    MessageVars {
        salam: company.greeting_for(&f.customer_code, today),
        nama: f.customer_name.clone(),
        id_pelanggan: f.customer_code.clone(),
        no_hp: f.wa_number.clone().unwrap_or_default(),
        alamat: f.address.clone().unwrap_or_default(),
        no_tagihan: f.number.clone(),
        periode: dates::Period::parse(&f.period)
            .map(|p| p.label())
            .unwrap_or_else(|_| f.period.clone()),
        jatuh_tempo: dates::format_date(f.due_date),
        biaya_bulanan: rupiah(f.amount),
        tunggakan: rupiah(f.arrears_now),
        ada_tunggakan: f.arrears_now > 0,
        diskon: rupiah(f.discount),
        ada_diskon: f.discount > 0,
        total: rupiah(total),
        sudah_dibayar: rupiah(f.paid),
        ada_pembayaran: f.paid > 0,
        sisa_bayar: rupiah(remaining),
        paket: f.package_name.clone().unwrap_or_default(),
        kecepatan: f
            .package_speed_mbps
            .map(|s| format!("{s} Mbps"))
            .unwrap_or_default(),
        cara_bayar: company.how_to_pay(),
        kontak_cs: company.cs_contact.clone(),
        perusahaan: company.name.clone(),
        hari_lagi: days_to_due.max(0),
        hari_terlambat: (-days_to_due).max(0),
        ..Default::default()
    }
}

/// The values of a statement message, as of `today` (local): the newest open month fills the
/// single-invoice variables (`no_tagihan`, `periode`, `biaya_bulanan`, …), every open month is
/// in `tagihan_terbuka`, and `sisa_bayar` / `total_tunggakan` are what the customer owes now.
/// `hari_lagi` / `hari_terlambat` count from the oldest open due date, the most urgent one.
pub fn statement_vars(
    st: &crate::domain::statement::Statement,
    company: &crate::domain::company::CompanySettings,
    today: chrono::NaiveDate,
) -> MessageVars {
    use crate::domain::{dates, money::rupiah};
    let label = |p: &str| {
        dates::Period::parse(p)
            .map(|p| p.label())
            .unwrap_or_else(|_| p.to_owned())
    };
    let owed = st.owed();
    let newest = st.newest();
    let arrears = st.arrears();
    let days_to_due = st.days_to_oldest_due(today).unwrap_or(0);
    let (amount, discount, paid) = newest.map_or((0, 0, 0), |l| (l.amount, l.discount, l.paid));
    MessageVars {
        salam: company.greeting_for(&st.customer_code, today),
        nama: st.customer_name.clone(),
        id_pelanggan: st.customer_code.clone(),
        no_hp: st.wa_number.clone().unwrap_or_default(),
        alamat: st.address.clone().unwrap_or_default(),
        no_tagihan: newest.map(|l| l.number.clone()).unwrap_or_default(),
        periode: newest.map(|l| label(&l.period)).unwrap_or_default(),
        jatuh_tempo: newest
            .map(|l| dates::format_date(l.due_date))
            .unwrap_or_default(),
        biaya_bulanan: rupiah(amount),
        tunggakan: rupiah(arrears),
        ada_tunggakan: arrears > 0,
        diskon: rupiah(discount),
        ada_diskon: discount > 0,
        // The bill as the single-invoice layout shows it: this month less its discount, plus
        // what older months still lack; less what was paid on this month, it is `sisa_bayar`.
        total: rupiah(amount - discount + arrears),
        sudah_dibayar: rupiah(paid),
        ada_pembayaran: paid > 0,
        sisa_bayar: rupiah(owed),
        paket: newest
            .and_then(|l| l.package_name.clone())
            .unwrap_or_default(),
        kecepatan: newest
            .and_then(|l| l.package_speed_mbps)
            .map(|s| format!("{s} Mbps"))
            .unwrap_or_default(),
        cara_bayar: company.how_to_pay(),
        kontak_cs: company.cs_contact.clone(),
        perusahaan: company.name.clone(),
        hari_lagi: days_to_due.max(0),
        hari_terlambat: (-days_to_due).max(0),
        tagihan_terbuka: st
            .lines
            .iter()
            .map(|l| OpenInvoiceVars {
                periode: label(&l.period),
                no_tagihan: l.number.clone(),
                jatuh_tempo: dates::format_date(l.due_date),
                sisa: rupiah(l.owed()),
            })
            .collect(),
        jumlah_bulan: st.months(),
        total_tunggakan: rupiah(owed),
        jatuh_tempo_terlama: st
            .oldest()
            .map(|l| dates::format_date(l.due_date))
            .unwrap_or_default(),
        kredit: rupiah(st.credit),
        ada_kredit: st.credit > 0,
        ..Default::default()
    }
}

/// The template for a statement: by the state of its oldest open invoice (overdue, due soon
/// after its invoice message went out, or a new bill).
pub fn statement_kind(
    st: &crate::domain::statement::Statement,
    today: chrono::NaiveDate,
    oldest_had_invoice_message: bool,
) -> TemplateKind {
    TemplateKind::for_invoice(
        st.days_to_oldest_due(today).unwrap_or(0),
        oldest_had_invoice_message,
    )
}

/// The receipt's values: the invoice's, plus the payment.
pub fn receipt_vars(
    f: &InvoiceFacts,
    p: &PaymentFacts,
    company: &crate::domain::company::CompanySettings,
    today: chrono::NaiveDate,
) -> MessageVars {
    use crate::domain::{dates, money::rupiah};
    MessageVars {
        jumlah_bayar: rupiah(p.amount),
        tanggal_bayar: dates::format_date(p.date),
        metode_bayar: p.method_label.clone(),
        lunas: p.owed_after <= 0,
        sisa_bayar: rupiah(p.owed_after.max(0)),
        ..invoice_vars(f, company, today)
    }
}

#[cfg(test)]
mod vars_tests {
    use super::*;
    use crate::domain::company::{Account, CompanySettings};
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn facts() -> InvoiceFacts {
        InvoiceFacts {
            customer_name: "Siti Rahmawati".into(),
            customer_code: "PLG-00012".into(),
            wa_number: Some("6281234567890".into()),
            address: None,
            number: "INV-202611-00012".into(),
            period: "2026-11".into(),
            due_date: d(2026, 11, 10),
            amount: 150_000,
            discount: 0,
            paid: 0,
            arrears_now: 0,
            package_name: Some("Rumahan 20".into()),
            package_speed_mbps: Some(20),
        }
    }

    #[test]
    fn totals_arrears_and_days_follow_the_invoice() {
        let company = CompanySettings {
            name: "Net Sejahtera".into(),
            banks: vec![Account {
                provider: "BCA".into(),
                number: "123".into(),
                holder: "Net".into(),
            }],
            ..Default::default()
        };
        let mut f = facts();
        f.arrears_now = 300_000;
        f.discount = 25_000;
        f.paid = 100_000;
        let v = invoice_vars(&f, &company, d(2026, 11, 7));
        assert_eq!(v.total, "Rp 425.000");
        assert_eq!(v.sisa_bayar, "Rp 325.000");
        assert_eq!(v.tunggakan, "Rp 300.000");
        assert!(v.ada_tunggakan && v.ada_diskon && v.ada_pembayaran);
        assert_eq!(v.periode, "November 2026");
        assert_eq!(v.jatuh_tempo, "10 November 2026");
        assert_eq!((v.hari_lagi, v.hari_terlambat), (3, 0));
        assert_eq!(v.kecepatan, "20 Mbps");
        assert!(v.cara_bayar.contains("BCA 123 a.n. Net"));
        let late = invoice_vars(&facts(), &company, d(2026, 11, 15));
        assert_eq!((late.hari_lagi, late.hari_terlambat), (0, 5));
        assert!(!late.ada_tunggakan && !late.ada_pembayaran);
    }

    #[test]
    fn a_receipt_says_paid_in_full_or_what_remains() {
        let company = CompanySettings::default();
        let p = PaymentFacts {
            amount: 150_000,
            date: d(2026, 11, 12),
            method_label: "Tunai".into(),
            owed_after: 0,
        };
        let v = receipt_vars(&facts(), &p, &company, d(2026, 11, 12));
        assert!(v.lunas);
        assert_eq!(v.jumlah_bayar, "Rp 150.000");
        assert_eq!(v.tanggal_bayar, "12 November 2026");
        let partial = PaymentFacts {
            owed_after: 50_000,
            ..p
        };
        let v = receipt_vars(&facts(), &partial, &company, d(2026, 11, 12));
        assert!(!v.lunas);
        assert_eq!(v.sisa_bayar, "Rp 50.000");
    }
}
