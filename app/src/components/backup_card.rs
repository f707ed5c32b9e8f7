//! "Backup terakhir" on the dashboard: red after two days without a good backup.

use crate::api::system::backup_status;
use leptos::prelude::*;

fn size_label(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20)).replace('.', ",")
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn age_label(hours: i64) -> String {
    match hours {
        0 => "kurang dari 1 jam lalu".to_owned(),
        1..=47 => format!("{hours} jam lalu"),
        h => format!("{} hari lalu", h / 24),
    }
}

#[component]
pub fn BackupCard() -> impl IntoView {
    let status = LocalResource::new(backup_status);
    view! {
        {move || {
            let s = status.get().and_then(Result::ok);
            let overdue = s.as_ref().is_some_and(|s| s.overdue);
            let class = if overdue { "stat card stat-alert" } else { "stat card" };
            let (value, note) = match &s {
                None => ("–".to_owned(), String::new()),
                Some(s) => {
                    let value = s.last_at.clone().unwrap_or_else(|| "Belum ada".to_owned());
                    let mut note = match (s.age_hours, &s.last_file, s.last_bytes) {
                        (Some(h), Some(f), Some(b)) => {
                            format!("{} · {f} ({})", age_label(h), size_label(b))
                        }
                        _ => String::new(),
                    };
                    if let Some(f) = &s.failed_at {
                        note = format!("Backup gagal {f}; lihat log server. {note}");
                    }
                    if !s.automatic {
                        note = format!("Backup harian mati (TAGIH_BACKUP_KEEP=0). {note}");
                    } else if s.overdue && s.last_at.is_none() {
                        note = format!("Belum ada backup yang berhasil. {note}");
                    } else if s.overdue {
                        note = format!("Lebih dari 2 hari tanpa backup. {note}");
                    }
                    (value, note.trim().to_owned())
                }
            };
            view! {
                <div class=class data-stat="backup" data-overdue=overdue.to_string()>
                    <span class="stat-label">"Backup terakhir"</span>
                    <span class="stat-value">{value}</span>
                    <span class="stat-note">{note}</span>
                </div>
            }
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_ages_read_naturally() {
        assert_eq!(size_label(1_500), "2 KB");
        assert_eq!(size_label(3 * 1024 * 1024 + 200_000), "3,2 MB");
        assert_eq!(age_label(0), "kurang dari 1 jam lalu");
        assert_eq!(age_label(30), "30 jam lalu");
        assert_eq!(age_label(75), "3 hari lalu");
    }
}
