//! The customer's statement link, unique transfer amounts, and matching a bank statement:
//! on SQLite and (when configured) PostgreSQL.

use super::{
    clock::Moment,
    customers::{self, CustomerInput},
    invoices::{self, RunOptions},
    mutation, packages,
    packages::PackageInput,
    statement, statement_link, transfer_code,
};
use crate::{
    domain::{
        dates::Period,
        transfer::{CodeExtra, TransferCodeSettings},
    },
    dto::mutation::{MatchKind, MutationChoice, MutationUpload, Preset},
    server::testing,
};
use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::collections::HashSet;

const TZ: chrono_tz::Tz = chrono_tz::Asia::Jakarta;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn package(db: &DatabaseConnection, name: &str, price: &str) -> i32 {
    packages::save(
        db,
        None,
        PackageInput {
            name,
            speed_mbps: "20",
            price,
            description: "",
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .id
}

async fn customer(db: &DatabaseConnection, name: &str, pkg: i32) -> i32 {
    customers::create(
        db,
        &CustomerInput {
            name: name.into(),
            phone: "081234567890".into(),
            package_id: pkg.to_string(),
            billing_day: "10".into(),
            ..Default::default()
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .id
}

/// Budi, Siti, Agus and Dewi (the names in the sample bank files), billed for November 2026.
async fn four(db: &DatabaseConnection) -> [i32; 4] {
    let small = package(db, "Rumahan 20", "150000").await;
    let big = package(db, "Keluarga 30", "200000").await;
    let ids = [
        customer(db, "Budi Santoso", small).await,
        customer(db, "Siti Rahmawati", big).await,
        customer(db, "Agus Prasetyo", small).await,
        customer(db, "Dewi Lestari", small).await,
    ];
    invoices::run(
        db,
        &RunOptions::new(
            Period::parse("2026-11").unwrap(),
            d("2026-11-01"),
            Utc::now(),
        ),
    )
    .await
    .unwrap();
    ids
}

fn moment(today: &str) -> Moment {
    Moment {
        today: d(today),
        now: super::clock::day_start_utc(d(today), TZ) + chrono::Duration::hours(10),
        tz: TZ,
    }
}

#[tokio::test]
async fn a_statement_link_shows_that_customer_only_and_a_rotated_one_stops_working() {
    for t in testing::all().await {
        let db = &t.db;
        let [budi, siti, ..] = four(db).await;
        let token = statement_link::token_of(db, budi).await.unwrap();
        assert_eq!(token.len(), statement_link::TOKEN_LEN);
        assert!(statement_link::well_formed(&token));
        assert_eq!(
            statement_link::token_of(db, budi).await.unwrap(),
            token,
            "kept"
        );
        assert_ne!(statement_link::token_of(db, siti).await.unwrap(), token);

        let page = statement_link::page(db, &token, d("2026-11-20"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(page.customer, "Budi Santoso");
        assert_eq!(page.owed, "Rp 150.000");
        assert_eq!(page.lines.len(), 1);
        assert_eq!(page.transfer, None, "codes are off by default");
        let html = statement_link::html(Some(&page));
        for part in ["Budi Santoso", "Rp 150.000", "November 2026", "noindex"] {
            assert!(html.contains(part), "{part}: {html}");
        }
        assert!(!html.contains("Siti"), "another customer on the page");
        assert!(!html.contains(&format!("\"{budi}\"")), "an internal id");

        // Unknown, malformed, and rotated tokens find nothing.
        let other = statement_link::new_token();
        for bad in [other.as_str(), "../../etc/passwd", "", &token[..10]] {
            assert!(
                statement_link::page(db, bad, d("2026-11-20"))
                    .await
                    .unwrap()
                    .is_none(),
                "{bad}"
            );
        }
        let fresh = statement_link::rotate(db, budi).await.unwrap();
        assert_ne!(fresh, token);
        assert!(
            statement_link::page(db, &token, d("2026-11-20"))
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            statement_link::page(db, &fresh, d("2026-11-20"))
                .await
                .unwrap()
                .is_some()
        );
        assert!(statement_link::html(None).contains("tidak ditemukan"));

        // With transfer codes on, the page asks for the exact amount.
        transfer_code::save(
            db,
            &TransferCodeSettings {
                enabled: true,
                extra: CodeExtra::Credit,
            },
        )
        .await
        .unwrap();
        let page = statement_link::page(db, &fresh, d("2026-11-20"))
            .await
            .unwrap()
            .unwrap();
        let asked = page.transfer.unwrap();
        assert!(
            asked.starts_with("Rp 150.") && asked != "Rp 150.000",
            "{asked}"
        );
        t.cleanup().await;
    }
}

/// A month's run for 20,000 customers: every transfer amount is unique, within 999 rupiah of
/// the bill; a changed bill gets a new amount; a band with more than 999 bills of the same
/// total leaves the rest without a code rather than sharing one.
#[tokio::test]
async fn transfer_amounts_are_unique_across_twenty_thousand_customers() {
    for t in testing::all().await {
        let db = &t.db;
        let n: i32 = 20_000;
        for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
            let values: Vec<String> = chunk
                .iter()
                .map(|i| {
                    format!(
                        "('TRF-{i:05}', 'Pelanggan {i}', 'missing', 10, 'active', '2026-11-01 00:00:00+00:00', '2026-11-01 00:00:00+00:00')"
                    )
                })
                .collect();
            db.execute_unprepared(&format!(
                "INSERT INTO customers (code, name, phone_status, billing_day, status, created_at, updated_at) VALUES {}",
                values.join(", ")
            ))
            .await
            .unwrap();
        }
        let ids: Vec<i32> = {
            use sea_orm::{EntityTrait, QuerySelect};
            crate::server::entity::customers::Entity::find()
                .select_only()
                .column(crate::server::entity::customers::Column::Id)
                .into_tuple()
                .all(db)
                .await
                .unwrap()
        };
        // 25 different bills, 800 customers each.
        let owed: Vec<(i32, i64)> = ids
            .iter()
            .enumerate()
            .map(|(k, id)| (*id, 100_000 + (k as i64 % 25) * 25_000))
            .collect();
        let got = transfer_code::amounts_for(db, &owed).await.unwrap();
        let mut seen = HashSet::new();
        for (id, o) in &owed {
            let a = got[id].unwrap_or_else(|| panic!("{id} has no code"));
            assert!(a > *o && a <= o + 999, "{a} for {o}");
            assert!(seen.insert(a), "{a} twice ({})", t.backend);
        }
        // Every third bill changes: new amounts, still unique, the others kept.
        let changed: Vec<(i32, i64)> = owed
            .iter()
            .enumerate()
            .map(|(k, (id, o))| (*id, if k % 3 == 0 { o + 50_000 } else { *o }))
            .collect();
        let again = transfer_code::amounts_for(db, &changed).await.unwrap();
        let mut seen = HashSet::new();
        for (k, (id, o)) in changed.iter().enumerate() {
            let a = again[id].unwrap();
            assert!(a > *o && a <= o + 999);
            assert!(seen.insert(a));
            if k % 3 != 0 {
                assert_eq!(Some(a), got[id], "unchanged bill, same amount");
            }
        }
        // One customer alone agrees with the batch.
        let (id, o) = changed[1];
        assert_eq!(
            transfer_code::amount_for(db, id, o).await.unwrap(),
            again[&id]
        );
        // 1,000 bills of one total: 999 codes exist.
        let same: Vec<(i32, i64)> = ids[..1000].iter().map(|id| (*id, 777_000)).collect();
        let full = transfer_code::amounts_for(db, &same).await.unwrap();
        assert_eq!(full.values().filter(|a| a.is_some()).count(), 999);
        t.cleanup().await;
    }
}

const FIXTURES: [(&str, Preset, &str); 5] = [
    (
        "bca.csv",
        Preset::Bca,
        include_str!("../../../../server/tests/fixtures/mutasi/bca.csv"),
    ),
    (
        "bca-bisnis.csv",
        Preset::BcaBisnis,
        include_str!("../../../../server/tests/fixtures/mutasi/bca-bisnis.csv"),
    ),
    (
        "mandiri.csv",
        Preset::Mandiri,
        include_str!("../../../../server/tests/fixtures/mutasi/mandiri.csv"),
    ),
    (
        "mandiri-mcm.csv",
        Preset::MandiriMcm,
        include_str!("../../../../server/tests/fixtures/mutasi/mandiri-mcm.csv"),
    ),
    (
        "bri.csv",
        Preset::Bri,
        include_str!("../../../../server/tests/fixtures/mutasi/bri.csv"),
    ),
];

/// Budi and Siti hold the transfer amounts their banks' lines carry (150.037, 200.412).
async fn with_codes(db: &DatabaseConnection, budi: i32, siti: i32) {
    transfer_code::save(
        db,
        &TransferCodeSettings {
            enabled: true,
            extra: CodeExtra::Credit,
        },
    )
    .await
    .unwrap();
    for (id, total, amount) in [(budi, 150_000, 150_037), (siti, 200_000, 200_412)] {
        db.execute_unprepared(&format!(
            "UPDATE customers SET transfer_total = {total}, transfer_amount = {amount} WHERE id = {id}"
        ))
        .await
        .unwrap();
    }
}

/// Each preset's sample file: recognised on its own, the same proposals line by line (codes,
/// exact amount and name, a near miss left to the admin, the pending line, the debit ignored).
#[tokio::test]
async fn every_banks_file_gets_the_same_proposals() {
    let t = testing::sqlite().await;
    let db = &t.db;
    let [budi, siti, agus, dewi] = four(db).await;
    with_codes(db, budi, siti).await;
    for (name, preset, csv) in FIXTURES {
        let upload = MutationUpload {
            csv: csv.to_owned(),
            preset: Preset::Auto,
            columns: Default::default(),
        };
        let p = mutation::preview(db, &upload, d("2026-12-09"))
            .await
            .unwrap();
        assert_eq!(p.preset, preset, "{name} recognised");
        assert_eq!(p.debits, 1, "{name}: the transfer out");
        let got: Vec<(i64, MatchKind, Option<i32>)> = p
            .proposals
            .iter()
            .map(|x| (x.amount, x.kind, x.customer_id))
            .collect();
        let last = if matches!(preset, Preset::Bca | Preset::BcaBisnis) {
            (150_000, MatchKind::Pending, None)
        } else {
            (150_000, MatchKind::NameAndAmount, Some(agus))
        };
        assert_eq!(
            got,
            vec![
                (150_037, MatchKind::Code, Some(budi)),
                (200_412, MatchKind::Code, Some(siti)),
                (150_000, MatchKind::NameAndAmount, Some(agus)),
                (150_036, MatchKind::NameOnly, Some(dewi)),
                (150_037, MatchKind::Code, Some(budi)),
                (200_412, MatchKind::Code, Some(siti)),
                last,
            ],
            "{name}"
        );
        assert!(
            p.proposals[0].date == "2026-11-10",
            "{name}: {}",
            p.proposals[0].date
        );
    }
    t.cleanup().await;
}

/// Recording in one step, and again: nothing twice. The code's rupiah become credit.
#[tokio::test]
async fn recording_a_statement_twice_records_nothing_twice() {
    for t in testing::all().await {
        let db = &t.db;
        let [budi, siti, agus, _dewi] = four(db).await;
        with_codes(db, budi, siti).await;
        let upload = MutationUpload {
            csv: FIXTURES[0].2.to_owned(),
            preset: Preset::Bca,
            columns: Default::default(),
        };
        let p = mutation::preview(db, &upload, d("2026-12-09"))
            .await
            .unwrap();
        let choices: Vec<MutationChoice> = p
            .proposals
            .iter()
            .filter(|x| x.kind.confident())
            .map(|x| MutationChoice {
                key: x.key.clone(),
                customer_id: x.customer_id.unwrap(),
            })
            .collect();
        assert_eq!(choices.len(), 5);
        let r = mutation::confirm(db, &upload, &choices, None, moment("2026-12-09"))
            .await
            .unwrap();
        assert_eq!((r.recorded.len(), r.already), (5, 0), "{}", t.backend);
        let st = |id| async move { statement::of_customer(db, id).await.unwrap() };
        // Budi: two transfers of 150.037 for a 150.000 bill.
        let b = st(budi).await;
        assert_eq!((b.owed(), b.credit), (0, 150_074));
        assert_eq!(st(agus).await.owed(), 0);
        assert_eq!(st(siti).await.credit, 200_412 * 2 - 200_000);

        // The same file again: every recorded line is known, nothing is recorded.
        let p2 = mutation::preview(db, &upload, d("2026-12-10"))
            .await
            .unwrap();
        let kinds: Vec<MatchKind> = p2.proposals.iter().map(|x| x.kind).collect();
        assert_eq!(
            kinds
                .iter()
                .filter(|k| **k == MatchKind::AlreadyRecorded)
                .count(),
            5
        );
        let r2 = mutation::confirm(db, &upload, &choices, None, moment("2026-12-10"))
            .await
            .unwrap();
        assert_eq!((r2.recorded.len(), r2.already), (0, 5));
        assert_eq!(st(budi).await.credit, 150_074, "not paid twice");

        // A line the file does not hold, or a pending one, is refused and records nothing.
        let pending = p2
            .proposals
            .iter()
            .find(|x| x.kind == MatchKind::Pending)
            .unwrap();
        for key in ["0000", pending.key.as_str()] {
            let e = mutation::confirm(
                db,
                &upload,
                &[MutationChoice {
                    key: key.into(),
                    customer_id: agus,
                }],
                None,
                moment("2026-12-10"),
            )
            .await
            .unwrap_err();
            assert!(e.field_errors().is_some(), "{e}");
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn with_write_off_a_code_match_is_recorded_as_the_bill() {
    let t = testing::sqlite().await;
    let db = &t.db;
    let [budi, siti, ..] = four(db).await;
    with_codes(db, budi, siti).await;
    transfer_code::save(
        db,
        &TransferCodeSettings {
            enabled: true,
            extra: CodeExtra::WriteOff,
        },
    )
    .await
    .unwrap();
    let upload = MutationUpload {
        csv: FIXTURES[4].2.to_owned(),
        preset: Preset::Bri,
        columns: Default::default(),
    };
    let p = mutation::preview(db, &upload, d("2026-12-09"))
        .await
        .unwrap();
    let first = &p.proposals[0];
    let r = mutation::confirm(
        db,
        &upload,
        &[MutationChoice {
            key: first.key.clone(),
            customer_id: budi,
        }],
        None,
        moment("2026-12-09"),
    )
    .await
    .unwrap();
    assert_eq!(
        (r.recorded[0].amount, r.recorded[0].written_off),
        (150_000, 37)
    );
    let b = statement::of_customer(db, budi).await.unwrap();
    assert_eq!((b.owed(), b.credit), (0, 0));
    t.cleanup().await;
}

/// A bank not in the presets: the admin names the columns.
#[tokio::test]
async fn a_generic_file_is_read_by_the_columns_the_admin_names() {
    let t = testing::sqlite().await;
    let db = &t.db;
    let [_, _, agus, _] = four(db).await;
    let csv = "Tgl;Uraian;Masuk;Keluar\n16/11/2026;TRANSFER DARI AGUS PRASETYO;150.000,00;\n17/11/2026;BIAYA ADM;;6.500,00\n";
    let mut upload = MutationUpload {
        csv: csv.into(),
        preset: Preset::Generic,
        columns: crate::dto::mutation::ColumnMap {
            date: "Tgl".into(),
            description: "Uraian".into(),
            credit: "Masuk".into(),
        },
    };
    let p = mutation::preview(db, &upload, d("2026-12-09"))
        .await
        .unwrap();
    assert_eq!(p.proposals.len(), 1);
    assert_eq!(
        (p.proposals[0].kind, p.proposals[0].customer_id),
        (MatchKind::NameAndAmount, Some(agus))
    );
    upload.columns.credit = "Kredit".into();
    let e = mutation::preview(db, &upload, d("2026-12-09"))
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("Kredit") || e.field_errors().is_some(),
        "{e}"
    );
    t.cleanup().await;
}

#[test]
fn a_qris_image_is_checked_by_its_bytes() {
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
    // Called JPEG by the browser, PNG by its bytes: kept as PNG.
    let ok = statement_link::check_qris(&format!("data:image/jpeg;base64,{}", b64(&png))).unwrap();
    assert!(ok.starts_with("data:image/png;base64,"));
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0];
    assert!(
        statement_link::check_qris(&format!("data:image/jpeg;base64,{}", b64(&jpeg)))
            .unwrap()
            .starts_with("data:image/jpeg")
    );
    for bad in [
        format!(
            "data:image/svg+xml;base64,{}",
            b64(b"<svg onload=alert(1)>")
        ),
        format!("data:text/html;base64,{}", b64(&png)),
        "javascript:alert(1)".to_owned(),
        format!("data:image/png;base64,{}", b64(&vec![0x89; 600_000])),
        "data:image/png;base64,@@@".to_owned(),
    ] {
        assert!(statement_link::check_qris(&bad).is_err(), "{}", &bad[..30]);
    }
}
