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
    var("hari_lagi", "Hari sampai jatuh tempo (0 = hari ini)"),
    var("hari_terlambat", "Hari lewat jatuh tempo"),
    receipt("jumlah_bayar", "Jumlah pembayaran yang diterima"),
    receipt("tanggal_bayar", "Tanggal pembayaran"),
    receipt("metode_bayar", "Tunai, transfer bank, e-wallet, …"),
    receipt("lunas", "Benar jika tagihan sudah lunas"),
];

/// The values a message is rendered with. Money and dates arrive formatted (`Rp 150.000`,
/// `20 Desember 2026`); the `ada_*` flags let a template show a line only when it applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageVars {
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
    pub jumlah_bayar: String,
    pub tanggal_bayar: String,
    pub metode_bayar: String,
    pub lunas: bool,
}

pub const DEFAULT_INVOICE: &str = "\
Yth. *{{ nama }}* ({{ id_pelanggan }}),

Berikut tagihan internet Anda{% if perusahaan %} dari *{{ perusahaan }}*{% endif %}:

No. tagihan: {{ no_tagihan }}
Periode: {{ periode }}
Paket: {{ paket }}{% if kecepatan %} ({{ kecepatan }}){% endif %}
Jatuh tempo: *{{ jatuh_tempo }}*

Biaya bulanan: {{ biaya_bulanan }}
{% if ada_tunggakan %}Tunggakan sebelumnya: {{ tunggakan }}
{% endif %}{% if ada_diskon %}Diskon: -{{ diskon }}
{% endif %}*Total: {{ total }}*
{% if ada_pembayaran %}Sudah dibayar: {{ sudah_dibayar }}
*Sisa yang harus dibayar: {{ sisa_bayar }}*
{% endif %}
{% if cara_bayar %}Cara pembayaran:
{{ cara_bayar }}

{% endif %}Abaikan pesan ini jika Anda sudah membayar. Terima kasih.{% if kontak_cs %}
Layanan pelanggan: {{ kontak_cs }}{% endif %}";

pub const DEFAULT_REMINDER: &str = "\
Halo *{{ nama }}*,

Pengingat{% if perusahaan %} dari {{ perusahaan }}{% endif %}: tagihan internet periode {{ periode }} ({{ no_tagihan }}) sebesar *{{ sisa_bayar }}* jatuh tempo {% if hari_lagi == 0 %}*hari ini*{% else %}dalam {{ hari_lagi }} hari, pada *{{ jatuh_tempo }}*{% endif %}.
{% if ada_tunggakan %}Jumlah tersebut termasuk tunggakan {{ tunggakan }}.
{% endif %}
{% if cara_bayar %}Cara pembayaran:
{{ cara_bayar }}

{% endif %}Abaikan pesan ini jika Anda sudah membayar. Terima kasih.{% if kontak_cs %}
Layanan pelanggan: {{ kontak_cs }}{% endif %}";

pub const DEFAULT_OVERDUE: &str = "\
Halo *{{ nama }}*,

Tagihan internet periode {{ periode }} ({{ no_tagihan }}) sudah lewat jatuh tempo *{{ hari_terlambat }} hari* (jatuh tempo {{ jatuh_tempo }}).
Yang harus dibayar: *{{ sisa_bayar }}*{% if ada_tunggakan %}, termasuk tunggakan {{ tunggakan }}{% endif %}.

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
