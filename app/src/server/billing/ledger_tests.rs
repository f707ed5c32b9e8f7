//! Piutang and Pembayaran as an admin reads them: debtors bucketed by their oldest open
//! invoice (and the invoice table's bucket filter selecting the same people), and the payments
//! list's totals by method, person and day with a reversal shown but not counted. Each on
//! SQLite and (when configured) PostgreSQL.

use super::{
    customers::{self, CustomerInput},
    invoices::{self, RunOptions},
    packages::{self, PackageInput},
    payment_list,
    payments::{self, NewPayment},
    receivables, statement,
};
use crate::{
    domain::{aging::AgingBucket, dates::Period},
    dto::{invoices::InvoiceQuery, payments::PaymentQuery},
    server::{billing::BillingError, entity::users, testing},
};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

const TZ: chrono_tz::Tz = chrono_tz::Asia::Jakarta;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn package(db: &DatabaseConnection) -> i32 {
    packages::save(
        db,
        None,
        PackageInput {
            name: "Rumahan",
            speed_mbps: "20",
            price: "100000",
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

async fn run_on(db: &DatabaseConnection, period: &str, today: &str) {
    invoices::run(
        db,
        &RunOptions::new(Period::parse(period).unwrap(), d(today), Utc::now()),
    )
    .await
    .unwrap();
}

/// A payment on `day` at `hour` local time, recorded by `by`.
async fn pay(
    db: &DatabaseConnection,
    customer: i32,
    amount: &str,
    method: &str,
    day: &str,
    hour: i64,
    by: Option<i32>,
) -> i32 {
    let r = payments::record(
        db,
        &NewPayment {
            customer_id: Some(customer),
            amount: amount.into(),
            method: method.into(),
            paid_on: day.into(),
            ..Default::default()
        },
        by,
        super::clock::Moment {
            today: d(day),
            now: super::clock::day_start_utc(d(day), TZ) + chrono::Duration::hours(hour),
            tz: TZ,
        },
    )
    .await
    .unwrap();
    r.payment_id
}

async fn user(db: &DatabaseConnection, name: &str) -> i32 {
    users::ActiveModel {
        username: Set(name.into()),
        display_name: Set(name.into()),
        password_hash: Set("x".into()),
        role: Set("kasir".into()),
        active: Set(true),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn debtors_are_bucketed_by_their_oldest_open_invoice_and_each_bucket_lists_its_invoices() {
    for t in testing::all().await {
        let db = &t.db;
        let pkg = package(db).await;
        let names = ["Ani", "Budi", "Cici", "Dedi", "Eko", "Fani", "Gita"];
        let mut ids = Vec::new();
        for n in names {
            ids.push(customer(db, n, pkg).await);
        }
        let [ani, budi, cici, dedi, eko, fani, gita] = ids[..] else {
            unreachable!()
        };
        // Five months, each due on the 10th.
        for (period, day) in [
            ("2026-08", "2026-08-01"),
            ("2026-09", "2026-09-01"),
            ("2026-10", "2026-10-01"),
            ("2026-11", "2026-11-01"),
            ("2026-12", "2026-12-01"),
        ] {
            run_on(db, period, day).await;
        }
        // Payments go to the oldest month first, so how much each paid decides their oldest
        // open invoice. Ani paid nothing; Gita paid one month beyond (credit, not a debt).
        for (c, amount) in [
            (budi, "300.000"),
            (cici, "400.000"),
            (dedi, "500.000"),
            (eko, "200.000"),
            (fani, "100.000"),
            (gita, "600.000"),
        ] {
            pay(db, c, amount, "cash", "2026-12-02", 10, None).await;
        }
        let today = d("2026-12-05");
        let s = receivables::aging(db, today).await.unwrap();
        let by_bucket: Vec<(AgingBucket, u64, i64)> = s
            .rows
            .iter()
            .map(|r| (r.bucket, r.customers, r.owed))
            .collect();
        assert_eq!(
            by_bucket,
            vec![
                // Cici: only December is open, due on the 10th.
                (AgingBucket::NotDue, 1, 100_000),
                // Budi: November, due 10 Nov (25 days).
                (AgingBucket::D1To30, 1, 200_000),
                // Eko: October (56 days).
                (AgingBucket::D31To60, 1, 300_000),
                // Fani: September (86 days).
                (AgingBucket::D61To90, 1, 400_000),
                // Ani: August (117 days).
                (AgingBucket::Over90, 1, 500_000),
            ],
            "{}",
            t.backend
        );
        assert_eq!((s.total_customers, s.total_owed), (5, 1_500_000));
        // Each bucket's figure is the customers' statements: what their messages ask.
        for (c, bucket_owed) in [(ani, 500_000), (fani, 400_000), (cici, 100_000)] {
            assert_eq!(
                statement::of_customer(db, c).await.unwrap().owed(),
                bucket_owed
            );
        }
        // The largest late debtors, most owed first; not-yet-due Cici is not late.
        assert_eq!(
            s.top
                .iter()
                .map(|x| (x.customer_id, x.days_late))
                .collect::<Vec<_>>(),
            vec![(ani, 117), (fani, 86), (eko, 56), (budi, 25)]
        );

        // The bucket's link: the table lists exactly that bucket's open invoices, and "Kirim
        // Semua" acts on the same ones.
        let bucket = |b: AgingBucket| InvoiceQuery {
            aging: b.as_str().into(),
            ..Default::default()
        };
        let fani_rows = invoices::list(db, &bucket(AgingBucket::D61To90), today)
            .await
            .unwrap();
        assert_eq!(fani_rows.total, 4, "September to December");
        assert!(fani_rows.rows.iter().all(|r| r.customer_id == fani));
        assert!(fani_rows.rows.iter().all(|r| r.status.is_open()));
        assert_eq!(fani_rows.counts.all, 4, "the chips count the bucket too");
        let ani_ids = invoices::matching_ids(db, &bucket(AgingBucket::Over90), today)
            .await
            .unwrap();
        assert_eq!(ani_ids.len(), 5);
        let not_due = invoices::list(db, &bucket(AgingBucket::NotDue), today)
            .await
            .unwrap();
        assert_eq!(
            not_due
                .rows
                .iter()
                .map(|r| r.customer_id)
                .collect::<Vec<_>>(),
            vec![cici]
        );
        // A week later Budi's November is 32 days late, Eko's October 63 and Fani's September
        // 93: each moves on a bucket.
        let later = receivables::aging(db, d("2026-12-12")).await.unwrap();
        let of = |b: AgingBucket| {
            let r = later.rows.iter().find(|r| r.bucket == b).unwrap();
            (r.customers, r.owed)
        };
        assert_eq!(of(AgingBucket::D1To30), (1, 100_000), "Cici's December");
        assert_eq!(of(AgingBucket::D31To60), (1, 200_000));
        assert_eq!(of(AgingBucket::D61To90), (1, 300_000));
        assert_eq!(of(AgingBucket::Over90), (2, 900_000));
        // An unknown bucket in the URL is named, not ignored.
        let bad = invoices::list(
            db,
            &InvoiceQuery {
                aging: "7-14".into(),
                ..Default::default()
            },
            today,
        )
        .await;
        assert!(matches!(bad, Err(BillingError::Invalid(ref f)) if f.0[0].field == "aging"));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_payments_list_totals_by_method_person_and_day_and_a_reversal_is_shown_not_counted() {
    for t in testing::all().await {
        let db = &t.db;
        let pkg = package(db).await;
        let ani = customer(db, "Ani", pkg).await;
        let budi = customer(db, "Budi", pkg).await;
        run_on(db, "2026-11", "2026-11-01").await;
        run_on(db, "2026-12", "2026-12-01").await;
        let kasir = user(db, "kasir1").await;
        let owner = user(db, "budi").await;
        // 23:30 local on 1 Dec is still 1 Dec in Jakarta (16:30 UTC): days are local days.
        let p1 = pay(db, ani, "100.000", "cash", "2026-12-01", 23, Some(kasir)).await;
        pay(
            db,
            budi,
            "50.000",
            "bank_transfer",
            "2026-12-02",
            9,
            Some(owner),
        )
        .await;
        let p3 = pay(
            db,
            budi,
            "250.000",
            "bank_transfer",
            "2026-12-03",
            9,
            Some(kasir),
        )
        .await;
        // Outside the range: November.
        pay(db, ani, "10.000", "cash", "2026-11-30", 12, Some(kasir)).await;
        payments::reverse(db, p1, "Salah catat", Some(owner), Utc::now())
            .await
            .unwrap();

        let q = PaymentQuery {
            from: "2026-12-01".into(),
            to: "2026-12-03".into(),
            ..Default::default()
        };
        let page = payment_list::list(db, &q, d("2026-12-03"), TZ)
            .await
            .unwrap();
        let tt = &page.totals;
        assert_eq!((tt.count, tt.total), (2, 300_000), "{}", t.backend);
        assert_eq!((tt.reversed_count, tt.reversed_total), (1, 100_000));
        assert_eq!(page.matching, 3, "the reversed one is listed");
        let tally = |v: &Vec<crate::dto::payments::Tally>| {
            v.iter()
                .map(|x| (x.key.clone(), x.count, x.total))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            tally(&tt.by_method),
            vec![("bank_transfer".into(), 2, 300_000)]
        );
        assert_eq!(
            tally(&tt.by_user),
            vec![("kasir1".into(), 1, 250_000), ("budi".into(), 1, 50_000)]
        );
        assert_eq!(
            tally(&tt.by_day),
            vec![
                ("2026-12-03".into(), 1, 250_000),
                ("2026-12-02".into(), 1, 50_000)
            ]
        );
        // Newest first; the reversal names who and why; the 250.000 paid two invoices and
        // kept the rest as credit.
        assert_eq!(
            page.rows.iter().map(|r| r.amount).collect::<Vec<_>>(),
            vec![250_000, 50_000, 100_000]
        );
        let rev = page.rows[2].reversed.as_ref().expect("marked reversed");
        assert_eq!(
            (rev.by.as_str(), rev.reason.as_str()),
            ("budi", "Salah catat")
        );
        assert_eq!(page.rows[2].credit, 0);
        let big = page.rows.iter().find(|r| r.id == p3).unwrap();
        assert_eq!(big.invoices.len(), 2);
        assert_eq!(
            big.credit, 100_000,
            "Budi owed 150.000 by then; the rest is credit"
        );
        assert_eq!(page.rows[1].recorded_by, "budi");

        // Filters: a person, a method, a customer; the defaults are this month.
        let only = |f: fn(&mut PaymentQuery)| {
            let mut q = q.clone();
            f(&mut q);
            q
        };
        let kasir_only =
            payment_list::list(db, &only(|q| q.user = "kasir1".into()), d("2026-12-03"), TZ)
                .await
                .unwrap();
        assert_eq!(kasir_only.matching, 2);
        let cash = payment_list::list(db, &only(|q| q.method = "cash".into()), d("2026-12-03"), TZ)
            .await
            .unwrap();
        assert_eq!((cash.matching, cash.totals.total), (1, 0));
        let ani_only = payment_list::list(db, &only(|q| q.q = "ani".into()), d("2026-12-03"), TZ)
            .await
            .unwrap();
        assert_eq!(ani_only.matching, 1);
        let default = payment_list::list(db, &PaymentQuery::default(), d("2026-12-03"), TZ)
            .await
            .unwrap();
        assert_eq!(
            (default.from, default.to),
            (d("2026-12-01"), d("2026-12-03"))
        );
        assert_eq!(default.matching, 3);
        assert_eq!(page.users, vec!["budi".to_owned(), "kasir1".to_owned()]);

        // Bad input is named and changes nothing.
        for (from, to, field) in [
            ("2026-12-05", "2026-12-01", "from"),
            ("kemarin", "", "from"),
            ("2024-01-01", "2026-12-01", "from"),
        ] {
            let r = payment_list::list(
                db,
                &PaymentQuery {
                    from: from.into(),
                    to: to.into(),
                    ..Default::default()
                },
                d("2026-12-03"),
                TZ,
            )
            .await;
            assert!(
                matches!(r, Err(BillingError::Invalid(ref f)) if f.0[0].field == field),
                "{from}..{to}"
            );
        }

        // The CSV has every row, the reversal marked, amounts as plain numbers.
        let csv = String::from_utf8(
            payment_list::export(db, &q, d("2026-12-03"), TZ)
                .await
                .unwrap(),
        )
        .unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4, "{csv}");
        assert!(lines[0].contains("tanggal,jam,kode_pelanggan"));
        assert!(lines[1].starts_with("2026-12-03,09:00,"));
        assert!(lines[1].contains(",250000,Transfer bank,"));
        assert!(lines[3].starts_with("2026-12-01,23:00,"));
        assert!(lines[3].contains(",dibatalkan,"));
        assert!(lines[3].ends_with(",budi,Salah catat"));
        t.cleanup().await;
    }
}
