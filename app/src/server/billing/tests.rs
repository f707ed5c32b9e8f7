//! Billing service tests, each on SQLite and (when configured) PostgreSQL.

use super::{
    csv_io, customers,
    customers::CustomerInput,
    dashboard, invoices,
    packages::{self, PackageInput},
    payments::{self, NewPayment},
};
use crate::{
    domain::{billing::InvoiceStatus, dates::Period, phone::PhoneStatus},
    dto::{
        customers::CustomerQuery,
        invoices::{InvoiceQuery, RunResult},
    },
    server::billing::BillingError,
    server::{
        entity::{customers as customer_entity, invoices as invoice_entity, payment_allocations},
        testing,
    },
};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

const TZ: chrono_tz::Tz = chrono_tz::Asia::Jakarta;

/// The real instant, on a local date of the test's calendar.
fn at(today: NaiveDate) -> super::clock::Moment {
    super::clock::Moment {
        today,
        now: Utc::now(),
        tz: TZ,
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
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

async fn customer(
    db: &DatabaseConnection,
    name: &str,
    phone: &str,
    package_id: Option<i32>,
    billing_day: u32,
) -> i32 {
    customers::create(
        db,
        &CustomerInput {
            name: name.into(),
            phone: phone.into(),
            package_id: package_id.map(|i| i.to_string()).unwrap_or_default(),
            billing_day: billing_day.to_string(),
            ..Default::default()
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .id
}

async fn run(db: &DatabaseConnection, period: &str, today: &str) -> RunResult {
    invoices::run(
        db,
        &invoices::RunOptions::new(p(period), d(today), Utc::now()).confirm_past(),
    )
    .await
    .unwrap()
}

async fn invoice_of(db: &DatabaseConnection, customer: i32, period: &str) -> invoice_entity::Model {
    invoice_entity::Entity::find()
        .filter(invoice_entity::Column::CustomerId.eq(customer))
        .filter(invoice_entity::Column::Period.eq(period))
        // The latest: a voided period may have been issued again.
        .order_by_desc(invoice_entity::Column::Id)
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no invoice for {customer} in {period}"))
}

async fn pay(
    db: &DatabaseConnection,
    customer: i32,
    amount: &str,
    today: &str,
) -> Result<crate::dto::invoices::PaymentResult, BillingError> {
    payments::record(
        db,
        &NewPayment {
            customer_id: Some(customer),
            amount: amount.into(),
            method: "cash".into(),
            paid_on: today.into(),
            ..Default::default()
        },
        None,
        super::clock::Moment {
            today: d(today),
            // "Now" on that day, so "collected this month" sees it in its month.
            now: super::clock::day_start_utc(d(today), TZ) + chrono::Duration::hours(10),
            tz: TZ,
        },
    )
    .await
}

fn numbers_of(rows: &[invoice_entity::Model]) -> Vec<String> {
    let mut v: Vec<String> = rows.iter().map(|i| i.number.clone()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn invoice_run_is_idempotent_and_numbers_are_sequential() {
    for t in testing::all().await {
        let db = &t.db;
        let basic = package(db, "Basic 10", "150.000").await;
        let premium = package(db, "Premium 50", "Rp 300.000").await;
        let a = customer(db, "Ani", "08123456701", Some(basic), 5).await;
        let b = customer(db, "Budi", "08123456702", Some(premium), 31).await;
        let c = customer(db, "Citra", "", Some(basic), 10).await;
        // Not billed: no package and no price; suspended.
        let none = customer(db, "Dedi", "08123456704", None, 10).await;
        let suspended = customer(db, "Eka", "08123456705", Some(basic), 10).await;
        customers::set_status(db, suspended, "suspended", Utc::now())
            .await
            .unwrap();
        // A price override wins over the package price.
        customers::update(
            db,
            c,
            &CustomerInput {
                name: "Citra".into(),
                package_id: basic.to_string(),
                price_override: "100000".into(),
                billing_day: "10".into(),
                ..Default::default()
            },
            Utc::now(),
        )
        .await
        .unwrap();

        let preview = invoices::preview_run(db, p("2026-02"), d("2026-02-01"))
            .await
            .unwrap();
        assert_eq!(preview.to_create, 3, "{}", t.backend);
        assert_eq!(preview.total_amount, 150_000 + 300_000 + 100_000);
        assert_eq!(preview.no_price_count, 1);
        assert_eq!(preview.no_price[0].id, none);
        assert_eq!(preview.existing, 0);
        assert_eq!(preview.first_number.as_deref(), Some("INV-202602-00001"));
        // A preview writes nothing.
        assert_eq!(invoice_entity::Entity::find().count(db).await.unwrap(), 0);

        let first = run(db, "2026-02", "2026-02-01").await;
        assert_eq!(first.created, 3);
        assert_eq!(first.skipped_existing, 0);
        assert_eq!(first.skipped_no_price, 1);
        assert_eq!(first.total_amount, 550_000);
        assert_eq!(first.first_number.as_deref(), Some("INV-202602-00001"));
        assert_eq!(first.last_number.as_deref(), Some("INV-202602-00003"));

        let ia = invoice_of(db, a, "2026-02").await;
        let ib = invoice_of(db, b, "2026-02").await;
        let ic = invoice_of(db, c, "2026-02").await;
        assert_eq!(ia.number, "INV-202602-00001");
        assert_eq!(ia.due_date, d("2026-02-05"));
        // Billing day 31 in February: the last day of the month.
        assert_eq!(ib.due_date, d("2026-02-28"));
        assert_eq!(ib.amount, 300_000);
        assert_eq!(ib.package_name.as_deref(), Some("Premium 50"));
        assert_eq!(ib.package_speed_mbps, Some(20));
        assert_eq!(ic.amount, 100_000);
        assert_eq!(ia.issue_date, d("2026-02-01"));
        assert_eq!(ia.status, "unpaid");

        // Second run: nothing new, and it says how many it skipped.
        let again = run(db, "2026-02", "2026-02-02").await;
        assert_eq!(again.created, 0);
        assert_eq!(again.skipped_existing, 3);
        assert_eq!(invoice_entity::Entity::find().count(db).await.unwrap(), 3);

        // A new customer later in the month gets the next number, no gap.
        let f = customer(db, "Fajar", "08123456706", Some(basic), 10).await;
        let late = run(db, "2026-02", "2026-02-15").await;
        assert_eq!(late.created, 1);
        assert_eq!(late.skipped_existing, 3);
        assert_eq!(
            invoice_of(db, f, "2026-02").await.number,
            "INV-202602-00004"
        );

        // The next period starts its own sequence.
        let march = run(db, "2026-03", "2026-03-01").await;
        assert_eq!(march.first_number.as_deref(), Some("INV-202603-00001"));
        assert_eq!(march.created, 4);

        // Package snapshot: renaming the package later does not rewrite issued invoices.
        packages::save(
            db,
            Some(premium),
            PackageInput {
                name: "Premium 100",
                speed_mbps: "100",
                price: "350000",
                description: "",
            },
            Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(
            invoice_of(db, b, "2026-02").await.package_name.as_deref(),
            Some("Premium 50")
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn racing_runs_create_each_invoice_once_without_gaps() {
    for t in testing::all().await {
        let db = &t.db;
        let basic = package(db, "Basic", "100000").await;
        let n = 60;
        for i in 0..n {
            customer(db, &format!("Pelanggan {i:02}"), "", Some(basic), 10).await;
        }
        let runs: Vec<_> = (0..4)
            .map(|k| {
                let db = db.clone();
                tokio::spawn(async move {
                    invoices::run(
                        &db,
                        &invoices::RunOptions::new(p("2026-11"), d("2026-11-01"), Utc::now()),
                    )
                    .await
                    .map_err(|e| format!("run {k}: {e:?}"))
                })
            })
            .collect();
        let mut created = 0;
        for r in runs {
            let r = r.await.unwrap().unwrap();
            assert!(r.created + r.skipped_existing == n, "{r:?}");
            created += r.created;
        }
        assert_eq!(
            created, n,
            "{}: every invoice created exactly once",
            t.backend
        );
        let all = invoice_entity::Entity::find().all(db).await.unwrap();
        assert_eq!(all.len() as u64, n);
        let expected: Vec<String> = (1..=n as i64)
            .map(|k| format!("INV-202611-{k:05}"))
            .collect();
        assert_eq!(
            numbers_of(&all),
            expected,
            "{}: no gap, no collision",
            t.backend
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn arrears_and_allocation_across_three_months_count_nothing_twice() {
    for t in testing::all().await {
        let db = &t.db;
        let basic = package(db, "Basic", "100.000").await;
        let c = customer(db, "Gita", "0812-3456-7890", Some(basic), 10).await;
        let other = customer(db, "Hadi", "08129999999", Some(basic), 10).await;

        run(db, "2026-09", "2026-09-01").await;
        assert_eq!(invoice_of(db, c, "2026-09").await.arrears, 0);
        // A partial payment in September.
        let r = pay(db, c, "40000", "2026-09-20").await.unwrap();
        assert_eq!(r.allocations.len(), 1);
        assert_eq!(r.allocations[0].status_after, InvoiceStatus::Partial);
        assert_eq!(r.owed_after, 60_000);

        run(db, "2026-10", "2026-10-01").await;
        let oct = invoice_of(db, c, "2026-10").await;
        assert_eq!(oct.amount, 100_000);
        assert_eq!(
            oct.arrears, 60_000,
            "{}: what September still lacks",
            t.backend
        );

        run(db, "2026-11", "2026-11-01").await;
        let nov = invoice_of(db, c, "2026-11").await;
        assert_eq!(nov.arrears, 160_000, "September's rest + October");
        // The customer who paid nothing owes three months.
        assert_eq!(invoice_of(db, other, "2026-11").await.arrears, 200_000);

        // Paying November's message total settles everything, oldest first.
        let detail = invoices::detail(db, nov.id, d("2026-11-05"), TZ)
            .await
            .unwrap();
        assert_eq!(detail.billed, 100_000);
        assert_eq!(detail.other_open, 160_000);
        assert_eq!(detail.due_now, 260_000);

        // Pay 70.000: September (60.000) is closed first, then 10.000 goes to October.
        let r = pay(db, c, "70.000", "2026-11-05").await.unwrap();
        let got: Vec<(String, i64, InvoiceStatus)> = r
            .allocations
            .iter()
            .map(|a| (a.period.clone(), a.amount, a.status_after))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2026-09".into(), 60_000, InvoiceStatus::Paid),
                ("2026-10".into(), 10_000, InvoiceStatus::Partial),
            ]
        );
        // Live arrears on November's invoice drop; the issued snapshot stays.
        let detail = invoices::detail(db, nov.id, d("2026-11-05"), TZ)
            .await
            .unwrap();
        assert_eq!(detail.arrears, 160_000);
        assert_eq!(detail.other_open, 90_000);
        assert_eq!(detail.due_now, 190_000);

        let owed = customers::detail(db, c, d("2026-11-06"), TZ)
            .await
            .unwrap()
            .owed;
        assert_eq!(owed, 190_000);

        // The rest: October and November paid.
        let r = pay(db, c, "Rp 190.000", "2026-11-06").await.unwrap();
        assert_eq!(r.owed_after, 0);
        for period in ["2026-09", "2026-10", "2026-11"] {
            let i = invoice_of(db, c, period).await;
            assert_eq!((i.paid, i.status.as_str()), (100_000, "paid"), "{period}");
        }
        // Nothing counted twice: payments = allocations = invoices' paid = amounts billed.
        let paid_total: i64 = payments_sum(db, c).await;
        let alloc_total: i64 = payment_allocations::Entity::find()
            .all(db)
            .await
            .unwrap()
            .iter()
            .map(|a| a.amount)
            .sum();
        let invoices_paid: i64 = invoice_entity::Entity::find()
            .filter(invoice_entity::Column::CustomerId.eq(c))
            .all(db)
            .await
            .unwrap()
            .iter()
            .map(|i| i.paid)
            .sum();
        assert_eq!(paid_total, 300_000);
        assert_eq!(alloc_total, 300_000);
        assert_eq!(invoices_paid, 300_000);
        // The dashboard counts November's charge once (its arrears are older invoices' money).
        let n = dashboard::numbers(db, d("2026-11-08"), TZ).await.unwrap();
        assert_eq!(n.billed, 200_000, "two customers × 100.000");
        assert_eq!(n.paid, 100_000);
        assert_eq!(n.outstanding, 100_000);
        assert_eq!(
            n.collected_this_month, 260_000,
            "70.000 + 190.000 in November"
        );
        // Hadi: September and October are past due on 8 November; November (due 10th) is not.
        assert_eq!((n.overdue_count, n.overdue_sum), (2, 200_000));
        assert_eq!(n.active_customers, 2);

        // Cancelling a payment needs a reason, keeps it as reversed and reopens what it paid.
        let err = payments::reverse(db, r.payment_id, " ", None, Utc::now())
            .await
            .unwrap_err();
        assert!(err.field_errors().and_then(|f| f.get("reason")).is_some());
        assert_eq!(invoice_of(db, c, "2026-11").await.status, "paid");
        payments::reverse(db, r.payment_id, "salah catat", None, Utc::now())
            .await
            .unwrap();
        assert_eq!(invoice_of(db, c, "2026-10").await.status, "partial");
        assert_eq!(invoice_of(db, c, "2026-11").await.status, "unpaid");
        assert_eq!(
            customers::detail(db, c, d("2026-11-06"), TZ)
                .await
                .unwrap()
                .owed,
            190_000
        );
        assert!(matches!(
            payments::reverse(db, r.payment_id, "lagi", None, Utc::now()).await,
            Err(BillingError::PaymentReversed)
        ));
        // The reversed payment no longer counts as money received.
        let n = dashboard::numbers(db, d("2026-11-08"), TZ).await.unwrap();
        assert_eq!(n.collected_this_month, 70_000);
        t.cleanup().await;
    }
}

async fn payments_sum(db: &DatabaseConnection, customer: i32) -> i64 {
    use crate::server::entity::payments as p;
    p::Entity::find()
        .filter(p::Column::CustomerId.eq(customer))
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|x| x.amount)
        .sum()
}

#[tokio::test]
async fn payment_input_is_checked_and_bad_input_changes_nothing() {
    for t in testing::all().await {
        let db = &t.db;
        let basic = package(db, "Basic", "100000").await;
        let c = customer(db, "Indah", "", Some(basic), 10).await;
        run(db, "2026-11", "2026-11-01").await;
        let inv = invoice_of(db, c, "2026-11").await;
        let bad = NewPayment {
            invoice_id: Some(inv.id),
            amount: "seratus ribu".into(),
            method: "card".into(),
            paid_on: "2026-12-31".into(),
            ..Default::default()
        };
        let err = payments::record(db, &bad, None, at(d("2026-11-10")))
            .await
            .unwrap_err();
        let f = err.field_errors().expect("field errors");
        assert!(f.get("amount").is_some() && f.get("method").is_some());
        assert_eq!(
            f.get("paid_on"),
            Some("Tanggal bayar tidak boleh di masa depan.")
        );
        assert_eq!(payments_sum(db, c).await, 0);
        // Paying "for the invoice" uses its customer; the date is kept as that local day.
        let ok = NewPayment {
            invoice_id: Some(inv.id),
            amount: "100000".into(),
            method: "bank_transfer".into(),
            reference: "BCA 123".into(),
            paid_on: "2026-11-08".into(),
            ..Default::default()
        };
        let r = payments::record(db, &ok, None, at(d("2026-11-10")))
            .await
            .unwrap();
        assert_eq!(r.customer_id, c);
        let detail = invoices::detail(db, inv.id, d("2026-11-10"), TZ)
            .await
            .unwrap();
        assert_eq!(detail.status, InvoiceStatus::Paid);
        assert_eq!(detail.payments.len(), 1);
        assert_eq!(detail.payments[0].paid_on, d("2026-11-08"));
        assert_eq!(detail.payments[0].reference.as_deref(), Some("BCA 123"));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn void_needs_a_reason_and_no_payments() {
    for t in testing::all().await {
        let db = &t.db;
        let basic = package(db, "Basic", "100000").await;
        let a = customer(db, "Joko", "", Some(basic), 10).await;
        let b = customer(db, "Kiki", "", Some(basic), 10).await;
        run(db, "2026-10", "2026-10-01").await;
        let ia = invoice_of(db, a, "2026-10").await;
        let ib = invoice_of(db, b, "2026-10").await;

        let err = invoices::void(db, ia.id, "  ", None, Utc::now())
            .await
            .unwrap_err();
        assert!(err.field_errors().and_then(|f| f.get("reason")).is_some());
        assert_eq!(invoice_of(db, a, "2026-10").await.status, "unpaid");

        invoices::void(db, ia.id, "Salah tagih: pelanggan pindah", None, Utc::now())
            .await
            .unwrap();
        let voided = invoice_of(db, a, "2026-10").await;
        assert_eq!(voided.status, "void");
        assert_eq!(
            voided.void_reason.as_deref(),
            Some("Salah tagih: pelanggan pindah")
        );
        assert!(voided.voided_at.is_some());
        // Twice: refused.
        assert!(matches!(
            invoices::void(db, ia.id, "lagi", None, Utc::now()).await,
            Err(BillingError::InvoiceVoid { .. })
        ));
        // With a payment: refused, the invoice stays as it was.
        pay(db, b, "50000", "2026-10-05").await.unwrap();
        let err = invoices::void(db, ib.id, "batal", None, Utc::now())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, BillingError::InvoiceHasPayments { paid: 50_000, .. }),
            "{err:?}"
        );
        assert_eq!(invoice_of(db, b, "2026-10").await.status, "partial");
        // Paying a void invoice is refused.
        let r = payments::record(
            db,
            &NewPayment {
                invoice_id: Some(ia.id),
                amount: "1000".into(),
                method: "cash".into(),
                ..Default::default()
            },
            None,
            at(d("2026-10-06")),
        )
        .await;
        assert!(matches!(r, Err(BillingError::InvoiceVoid { .. })));

        // A void invoice is not arrears.
        run(db, "2026-11", "2026-11-01").await;
        assert_eq!(invoice_of(db, a, "2026-11").await.arrears, 0);
        assert_eq!(invoice_of(db, b, "2026-11").await.arrears, 50_000);

        // Discount: bounded by the amount and by what was already paid.
        let nov_b = invoice_of(db, b, "2026-11").await;
        invoices::set_discount(db, nov_b.id, "25.000", None, Utc::now())
            .await
            .unwrap();
        let detail = invoices::detail(db, nov_b.id, d("2026-11-02"), TZ)
            .await
            .unwrap();
        assert_eq!(
            (detail.discount, detail.billed, detail.outstanding),
            (25_000, 75_000, 75_000)
        );
        let err = invoices::set_discount(db, ib.id, "60000", None, Utc::now())
            .await
            .unwrap_err();
        assert!(err.field_errors().and_then(|f| f.get("discount")).is_some());
        let err = invoices::set_discount(db, nov_b.id, "100001", None, Utc::now())
            .await
            .unwrap_err();
        assert!(err.field_errors().and_then(|f| f.get("discount")).is_some());
        t.cleanup().await;
    }
}

#[tokio::test]
async fn packages_in_use_cannot_be_deleted_and_names_are_unique() {
    for t in testing::all().await {
        let db = &t.db;
        let used = package(db, "Rumahan 10 Mbps", "150000").await;
        let unused = package(db, "Bisnis", "500000").await;
        let c = customer(db, "Lina", "", Some(used), 10).await;

        let err = packages::delete(db, used).await.unwrap_err();
        assert!(
            matches!(&err, BillingError::PackageInUse { customers: 1, .. }),
            "{err:?}"
        );
        assert_eq!(packages::list(db).await.unwrap().len(), 2);
        packages::delete(db, unused).await.unwrap();
        assert_eq!(packages::list(db).await.unwrap().len(), 1);

        // Deactivated: still billed for existing customers.
        packages::set_active(db, used, false, Utc::now())
            .await
            .unwrap();
        let list = packages::list(db).await.unwrap();
        assert!(!list[0].active);
        assert_eq!(list[0].customers, 1);
        assert_eq!(run(db, "2026-11", "2026-11-01").await.created, 1);
        assert_eq!(invoice_of(db, c, "2026-11").await.amount, 150_000);

        // Same name in another case: refused on the name field.
        let err = packages::save(
            db,
            None,
            PackageInput {
                name: "rumahan 10 mbps",
                speed_mbps: "10",
                price: "1",
                description: "",
            },
            Utc::now(),
        )
        .await
        .unwrap_err();
        assert_eq!(
            err.field_errors().and_then(|f| f.get("name")),
            Some("Nama paket ini sudah dipakai.")
        );
        // Bad numbers: each field says why; nothing saved.
        let err = packages::save(
            db,
            None,
            PackageInput {
                name: "",
                speed_mbps: "cepat",
                price: "0",
                description: "",
            },
            Utc::now(),
        )
        .await
        .unwrap_err();
        let f = err.field_errors().unwrap();
        assert!(
            f.get("name").is_some() && f.get("speed_mbps").is_some() && f.get("price").is_some()
        );
        assert_eq!(packages::list(db).await.unwrap().len(), 1);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn customers_get_gap_free_codes_and_normalised_numbers() {
    for t in testing::all().await {
        let db = &t.db;
        let basic = package(db, "Basic", "100000").await;
        let a = customer(db, "Maya", "0812 3456 789", Some(basic), 10).await;
        // A refused form takes no code.
        let err = customers::create(
            db,
            &CustomerInput {
                name: "".into(),
                phone: "0812-abc".into(),
                billing_day: "32".into(),
                price_override: "12,5".into(),
                package_id: "999".into(),
                ..Default::default()
            },
            Utc::now(),
        )
        .await
        .unwrap_err();
        let f = err.field_errors().unwrap();
        for field in [
            "name",
            "phone",
            "billing_day",
            "price_override",
            "package_id",
        ] {
            assert!(f.get(field).is_some(), "{field}: {f:?}");
        }
        let b = customer(db, "Nina", "+62 21 5551234", None, 10).await;
        let c = customer(db, "Oki", "", None, 10).await;
        let row = |id| customers::row(db, id);
        let ra = row(a).await.unwrap();
        assert_eq!(ra.code, "PLG-00001");
        assert_eq!(ra.phone.as_deref(), Some("0812 3456 789"));
        assert_eq!(ra.phone_status, PhoneStatus::Valid);
        assert_eq!(ra.wa_number.as_deref(), Some("628123456789"));
        assert_eq!(ra.wa_chat_id.as_deref(), Some("628123456789@c.us"));
        assert_eq!(ra.monthly_price, Some(100_000));
        let rb = row(b).await.unwrap();
        assert_eq!(rb.code, "PLG-00002");
        assert_eq!(rb.phone_status, PhoneStatus::Warning);
        let rc = row(c).await.unwrap();
        assert_eq!(rc.code, "PLG-00003");
        assert_eq!(rc.phone_status, PhoneStatus::Missing);
        assert_eq!(rc.wa_chat_id, None);

        // WAHA's answer (set by the messages issue) survives an edit that keeps the number…
        let mut m: customer_entity::ActiveModel = customer_entity::Entity::find_by_id(a)
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .into();
        m.wa_chat_id = sea_orm::Set(Some("123456@lid".into()));
        m.wa_exists = sea_orm::Set(Some(true));
        sea_orm::ActiveModelTrait::update(m, db).await.unwrap();
        let keep = CustomerInput {
            name: "Maya S.".into(),
            phone: "+62 812-3456-789".into(),
            package_id: basic.to_string(),
            billing_day: "15".into(),
            ..Default::default()
        };
        let ra = customers::update(db, a, &keep, Utc::now()).await.unwrap();
        assert_eq!(ra.wa_chat_id.as_deref(), Some("123456@lid"));
        assert_eq!(ra.billing_day, 15);
        // …and is forgotten when the number changes.
        let change = CustomerInput {
            phone: "08999888777".into(),
            ..keep
        };
        let ra = customers::update(db, a, &change, Utc::now()).await.unwrap();
        assert_eq!(ra.wa_chat_id.as_deref(), Some("628999888777@c.us"));
        assert_eq!(ra.wa_exists, None);

        // Search by name, code and number however typed; filter; page.
        let q = |q: &str| CustomerQuery {
            q: q.into(),
            ..Default::default()
        };
        let ids = |page: crate::dto::customers::CustomerPage| {
            page.rows.iter().map(|r| r.customer.id).collect::<Vec<_>>()
        };
        assert_eq!(ids(customers::list(db, &q("nin")).await.unwrap()), vec![b]);
        assert_eq!(
            ids(customers::list(db, &q("plg-00003")).await.unwrap()),
            vec![c]
        );
        assert_eq!(
            ids(customers::list(db, &q("0899-988")).await.unwrap()),
            vec![a]
        );
        assert_eq!(
            ids(customers::list(db, &q("%")).await.unwrap()),
            Vec::<i32>::new()
        );
        let missing = CustomerQuery {
            phone: "missing".into(),
            ..Default::default()
        };
        assert_eq!(ids(customers::list(db, &missing).await.unwrap()), vec![c]);
        customers::set_status(db, b, "terminated", Utc::now())
            .await
            .unwrap();
        let active = CustomerQuery {
            status: "active".into(),
            ..Default::default()
        };
        assert_eq!(customers::list(db, &active).await.unwrap().total, 2);
        assert!(
            customers::set_status(db, b, "hilang", Utc::now())
                .await
                .is_err()
        );
        t.cleanup().await;
    }
}

const GOOD_CSV: &str = "\u{feff}Nama;No HP;Alamat;Paket;Harga;Tanggal Tagih;Status;Kode\n\
Pak Slamet;0812-1111-2222;Jl. Melati 1;Basic;;5;aktif;X1\n\
\"Bu Sri; warung\";+62 813 3333 4444;\"Jl. Mawar 2, RT 3\";basic;Rp 120.000;;;X2\n\
Mas Tono;;;;;;isolir;\n\
Mbak Wati;021 555 1234;;Basic;;31;;\n\
\n";

#[tokio::test]
async fn csv_import_good_file() {
    for t in testing::all().await {
        let db = &t.db;
        package(db, "Basic", "100000").await;
        customer(db, "Sudah Ada", "", None, 10).await;
        let r = csv_io::import_customers(db, GOOD_CSV, false, Utc::now())
            .await
            .unwrap();
        assert_eq!((r.rows, r.valid, r.imported), (4, 4, 4), "{r:?}");
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.delimiter, ";");
        assert_eq!(r.ignored_columns, vec!["Kode".to_owned()]);
        // The landline is imported with a warning naming its line.
        assert_eq!(r.warnings.len(), 1);
        assert_eq!(
            (r.warnings[0].row, r.warnings[0].column.as_str()),
            (5, "No HP")
        );

        let all = customer_entity::Entity::find()
            .order_by_asc(customer_entity::Column::Id)
            .all(db)
            .await
            .unwrap();
        let codes: Vec<&str> = all.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "PLG-00001",
                "PLG-00002",
                "PLG-00003",
                "PLG-00004",
                "PLG-00005"
            ]
        );
        let sri = &all[2];
        assert_eq!(sri.name, "Bu Sri; warung");
        assert_eq!(sri.address.as_deref(), Some("Jl. Mawar 2, RT 3"));
        assert_eq!(sri.wa_number.as_deref(), Some("6281333334444"));
        assert_eq!(sri.price_override, Some(120_000));
        assert!(sri.package_id.is_some(), "package matched ignoring case");
        assert_eq!(all[3].status, "suspended");
        assert_eq!(all[3].phone_status, "missing");
        assert_eq!(all[4].billing_day, 31);

        // Export, then import the export elsewhere: same customers.
        let csv = String::from_utf8(csv_io::export_customers(db).await.unwrap()).unwrap();
        assert!(csv.starts_with("\u{feff}kode,nama,no_hp"));
        assert!(csv.contains("\"Bu Sri; warung\"") || csv.contains("Bu Sri; warung"));
        let t2 = testing::sqlite().await;
        package(&t2.db, "Basic", "100000").await;
        let r2 = csv_io::import_customers(&t2.db, &csv, false, Utc::now())
            .await
            .unwrap();
        assert_eq!((r2.rows, r2.imported), (5, 5), "{:?}", r2.errors);
        assert_eq!(r2.delimiter, ",");
        t2.cleanup().await;
        t.cleanup().await;
    }
}

const BAD_CSV: &str = "nama,hp,paket,harga,tanggal_tagih,status\n\
Andi,081234567890,Basic,,10,aktif\n\
,08123,Basic,,10,aktif\n\
Bambang,0812-abc,Gold,12.5,40,pindah\n\
Cahya,081298765432,,150000,1,\n";

#[tokio::test]
async fn csv_import_reports_every_bad_cell_and_saves_nothing_unless_asked() {
    for t in testing::all().await {
        let db = &t.db;
        package(db, "Basic", "100000").await;
        let r = csv_io::import_customers(db, BAD_CSV, false, Utc::now())
            .await
            .unwrap();
        assert_eq!((r.rows, r.valid, r.invalid_rows, r.imported), (4, 2, 2, 0));
        let issues: Vec<(usize, &str)> = r
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str()))
            .collect();
        assert_eq!(
            issues,
            vec![
                (3, "nama"),
                (4, "paket"),
                (4, "harga"),
                (4, "tanggal_tagih"),
                (4, "status"),
            ],
            "{:#?}",
            r.errors
        );
        assert_eq!(r.errors[1].value, "Gold");
        // Line 3's short number is imported-with-warning material, not an error; line 4's
        // number is reported only once the row is fixed.
        assert_eq!(customer_entity::Entity::find().count(db).await.unwrap(), 0);

        // "Import only the valid rows": Andi and Cahya, codes without gaps.
        let r = csv_io::import_customers(db, BAD_CSV, true, Utc::now())
            .await
            .unwrap();
        assert_eq!(r.imported, 2);
        let all = customer_entity::Entity::find()
            .order_by_asc(customer_entity::Column::Id)
            .all(db)
            .await
            .unwrap();
        let names: Vec<(&str, &str)> = all
            .iter()
            .map(|c| (c.code.as_str(), c.name.as_str()))
            .collect();
        assert_eq!(names, [("PLG-00001", "Andi"), ("PLG-00002", "Cahya")]);

        // Files that cannot be read at all.
        for (text, expect) in [
            ("", "File kosong."),
            ("alamat;paket\nJl. A;Basic\n", "Kolom nama tidak ditemukan"),
            ("nama\n", "File tidak berisi baris"),
            ("nama\nJos\u{fffd}\n", "bukan teks UTF-8"),
        ] {
            let err = csv_io::import_customers(db, text, true, Utc::now())
                .await
                .unwrap_err();
            let msg = err
                .field_errors()
                .and_then(|f| f.get("file"))
                .unwrap_or_default();
            assert!(msg.contains(expect), "{text:?}: {msg}");
        }
        assert_eq!(customer_entity::Entity::find().count(db).await.unwrap(), 2);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn invoice_table_filters_sorts_pages_and_counts() {
    for t in testing::all().await {
        let db = &t.db;
        let basic = package(db, "Basic", "100000").await;
        let premium = package(db, "Premium", "250000").await;
        let mut ids = Vec::new();
        for i in 0..55 {
            let phone = if i % 5 == 0 {
                String::new()
            } else {
                format!("0812000000{i:02}")
            };
            let pkg = if i % 2 == 0 { basic } else { premium };
            ids.push(
                customer(
                    db,
                    &format!("Warga {i:02}"),
                    &phone,
                    Some(pkg),
                    (i % 28 + 1) as u32,
                )
                .await,
            );
        }
        let special = customer(db, "Zaenal Abidin", "", Some(basic), 10).await;
        run(db, "2026-10", "2026-10-01").await;
        run(db, "2026-11", "2026-11-01").await;
        pay(db, ids[1], "250000", "2026-10-05").await.unwrap();
        pay(db, ids[3], "100000", "2026-10-05").await.unwrap();
        let today = d("2026-11-15");
        let list = |q: InvoiceQuery| async move { invoices::list(db, &q, today).await.unwrap() };

        let nov = InvoiceQuery {
            period: "2026-11".into(),
            ..Default::default()
        };
        let page1 = list(nov.clone()).await;
        assert_eq!(page1.total, 56);
        assert_eq!(page1.rows.len(), 50);
        assert_eq!(page1.rows[0].number, "INV-202611-00001");
        let page2 = list(InvoiceQuery {
            page: 2,
            ..nov.clone()
        })
        .await;
        assert_eq!(page2.rows.len(), 6);
        assert_eq!(page2.rows[5].number, "INV-202611-00056");
        assert_eq!(page1.counts.all, 56);
        assert_eq!(page1.counts.unpaid, 56);
        // Due days 1..14 are past on the 15th: customers i % 28 + 1 <= 14, plus none special (10).
        let late_nov = (0..55).filter(|i| i % 28 < 14).count() as u64 + 1;
        assert_eq!(page1.counts.overdue, late_nov);

        // Overdue over every period: October's unpaid ones all count.
        let overdue = list(InvoiceQuery {
            overdue: true,
            ..Default::default()
        })
        .await;
        let oct_open = 56 - 1; // ids[1] paid October in full; ids[3] only partly
        assert_eq!(overdue.total, oct_open + late_nov);
        assert!(overdue.rows.iter().all(|r| r.overdue && r.status.is_open()));

        // Status filters.
        let paid = list(InvoiceQuery {
            status: "paid".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(paid.total, 1);
        assert_eq!(paid.rows[0].customer_id, ids[1]);
        let partial = list(InvoiceQuery {
            status: "partial".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(
            partial
                .rows
                .iter()
                .map(|r| r.customer_id)
                .collect::<Vec<_>>(),
            vec![ids[3]]
        );
        assert_eq!(partial.rows[0].outstanding, 150_000);
        let partial_late = list(InvoiceQuery {
            status: "partial".into(),
            overdue: true,
            ..Default::default()
        })
        .await;
        assert_eq!(partial_late.total, 1);

        // Has WhatsApp: every fifth customer has no number, nor has Zaenal.
        let wa = list(InvoiceQuery {
            has_wa: true,
            ..nov.clone()
        })
        .await;
        assert_eq!(wa.total, 44);
        assert!(wa.rows.iter().all(|r| r.wa_ok));

        // Search by name, code and invoice number.
        let by_name = list(InvoiceQuery {
            q: "zaenal".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(by_name.total, 2);
        assert!(by_name.rows.iter().all(|r| r.customer_id == special));
        let by_number = list(InvoiceQuery {
            q: "inv-202610-0000".into(),
            ..Default::default()
        })
        .await;
        assert_eq!(by_number.total, 9);
        let by_code = list(InvoiceQuery {
            q: "PLG-00056".into(),
            ..nov.clone()
        })
        .await;
        assert_eq!(by_code.rows[0].customer_id, special);

        // Sorting.
        let by_total = list(InvoiceQuery {
            sort: "total".into(),
            desc: true,
            ..nov.clone()
        })
        .await;
        let totals: Vec<i64> = by_total.rows.iter().map(|r| r.billed()).collect();
        assert!(totals.windows(2).all(|w| w[0] >= w[1]));
        // "Tagihan" sorts by this period's bill; arrears are other invoices' money.
        assert_eq!(totals[0], 250_000);
        // Premium customers who paid nothing in October owe both months now.
        assert_eq!(by_total.rows[0].owed_now, 500_000);
        assert_eq!(by_total.rows[0].open_months, 2);
        let by_customer = list(InvoiceQuery {
            sort: "customer".into(),
            ..nov.clone()
        })
        .await;
        assert_eq!(by_customer.rows[0].customer_name, "Warga 00");
        let by_due = list(InvoiceQuery {
            sort: "due".into(),
            ..nov.clone()
        })
        .await;
        let dues: Vec<NaiveDate> = by_due.rows.iter().map(|r| r.due_date).collect();
        assert!(dues.windows(2).all(|w| w[0] <= w[1]));
        let by_status = list(InvoiceQuery {
            sort: "status".into(),
            desc: true,
            ..Default::default()
        })
        .await;
        assert_eq!(by_status.rows[0].status, InvoiceStatus::Paid);

        // Bad filter text: a field error, not a crash.
        let err = invoices::list(
            db,
            &InvoiceQuery {
                period: "bulan lalu".into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap_err();
        assert!(err.field_errors().and_then(|f| f.get("period")).is_some());

        // Export follows the filters.
        let csv = invoices::export(
            db,
            &InvoiceQuery {
                status: "paid".into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert_eq!(csv.lines().count(), 2, "{csv}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn migrations_roll_back_to_zero_and_forward_again() {
    use migration::{Migrator, MigratorTrait};
    for t in testing::all().await {
        let db = &t.db;
        let basic = package(db, "Basic", "100000").await;
        customer(db, "Rudi", "", Some(basic), 10).await;
        run(db, "2026-11", "2026-11-01").await;
        Migrator::down(db, None).await.unwrap();
        Migrator::up(db, None).await.unwrap();
        // The schema works again from scratch, invoice indexes included.
        let basic = package(db, "Basic", "100000").await;
        customer(db, "Rudi", "", Some(basic), 10).await;
        assert_eq!(run(db, "2026-11", "2026-11-01").await.created, 1);
        let page = invoices::list(
            db,
            &InvoiceQuery {
                sort: "status".into(),
                ..Default::default()
            },
            d("2026-11-20"),
        )
        .await
        .unwrap();
        assert_eq!(page.total, 1);
        t.cleanup().await;
    }
}

/// One rule for "can this customer get WhatsApp": the dashboard's "no WhatsApp" count, the
/// invoice table's has-WhatsApp filter and its per-row flag agree, customer by customer, with
/// the domain rule (a number WhatsApp said is unknown counts as unreachable everywhere).
#[tokio::test]
async fn whatsapp_reachability_is_one_rule_for_dashboard_table_and_rows() {
    use crate::domain::whatsapp::Reach;
    use sea_orm::{ActiveModelTrait, Set};
    for t in testing::all().await {
        let db = &t.db;
        let pkg = package(db, "Rumahan", "150000").await;
        let ready = customer(db, "Ani", "0812 1111 0001", Some(pkg), 10).await;
        let warn = customer(db, "Budi", "021 555 0101", Some(pkg), 10).await;
        let none = customer(db, "Citra", "", Some(pkg), 10).await;
        let bad = customer(db, "Dodi", "0812 1111 0004", Some(pkg), 10).await;
        let refused = customer(db, "Eka", "0812 1111 0005", Some(pkg), 10).await;
        let edit = |id: i32, f: fn(&mut customer_entity::ActiveModel)| async move {
            let m = customer_entity::Entity::find_by_id(id)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            let mut a: customer_entity::ActiveModel = m.into();
            f(&mut a);
            a.update(db).await.unwrap();
        };
        // An imported row whose number was kept though unreadable.
        edit(bad, |a| a.phone_status = Set("invalid".into())).await;
        // WAHA answered check-exists: no WhatsApp account on this number.
        edit(refused, |a| a.wa_exists = Set(Some(false))).await;
        run(db, "2026-11", "2026-11-01").await;

        let today = d("2026-11-05");
        let numbers = dashboard::numbers(db, today, TZ).await.unwrap();
        let all = invoices::list(
            db,
            &InvoiceQuery {
                period: "2026-11".into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
        let filtered = invoices::list(
            db,
            &InvoiceQuery {
                period: "2026-11".into(),
                has_wa: true,
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
        assert_eq!(numbers.active_customers, 5, "{}", t.backend);
        assert_eq!(
            numbers.active_customers - numbers.active_without_wa,
            filtered.total,
            "dashboard and table filter disagree on {}",
            t.backend
        );
        let mut reachable: Vec<i32> = filtered.rows.iter().map(|r| r.customer_id).collect();
        reachable.sort();
        let mut expected = vec![ready, warn];
        expected.sort();
        assert_eq!(reachable, expected, "{}", t.backend);
        for row in &all.rows {
            let c = customer_entity::Entity::find_by_id(row.customer_id)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            let rule = Reach::of(
                c.wa_number.as_deref(),
                crate::domain::phone::PhoneStatus::parse(&c.phone_status),
                c.wa_exists,
            );
            assert_eq!(row.wa_ok, rule.is_ready(), "{} on {}", c.name, t.backend);
            assert_eq!(row.wa_ok, expected.contains(&c.id));
        }
        assert!([none, bad, refused].iter().all(|c| !reachable.contains(c)));
        t.cleanup().await;
    }
}

/// A statement lists every open invoice once and owes their sum; a voided invoice no longer
/// holds its period (a live duplicate is still refused by the database).
#[tokio::test]
async fn statements_owe_each_open_month_once_and_void_frees_the_period() {
    use sea_orm::{ActiveModelTrait, Set};
    for t in testing::all().await {
        let db = &t.db;
        let pkg = package(db, "Rumahan", "150000").await;
        let ani = customer(db, "Ani", "0812 1111 0001", Some(pkg), 10).await;
        let budi = customer(db, "Budi", "0812 1111 0002", Some(pkg), 10).await;
        for (period, day) in [
            ("2026-10", "2026-10-01"),
            ("2026-11", "2026-11-01"),
            ("2026-12", "2026-12-01"),
        ] {
            run(db, period, day).await;
        }
        pay(db, ani, "50000", "2026-12-01").await.unwrap();
        let all = super::statement::for_customers(db, &[ani, budi, 9999])
            .await
            .unwrap();
        assert_eq!(all.len(), 2, "{}", t.backend);
        let a = &all[&ani];
        assert_eq!(a.months(), 3);
        assert_eq!(a.owed(), 400_000, "{}", t.backend);
        assert_eq!(a.lines[0].period, "2026-10");
        assert_eq!(a.lines[0].owed(), 100_000);
        assert_eq!(all[&budi].owed(), 450_000);

        // Void November: the statement drops it, and November may be issued again.
        let nov = invoice_of(db, budi, "2026-11").await;
        invoices::void(db, nov.id, "salah tagih", None, Utc::now())
            .await
            .unwrap();
        assert_eq!(
            super::statement::of_customer(db, budi)
                .await
                .unwrap()
                .owed(),
            300_000
        );
        let again = |number: &str| invoice_entity::ActiveModel {
            number: Set(number.into()),
            customer_id: Set(budi),
            period: Set("2026-11".into()),
            issue_date: Set(d("2026-12-02")),
            due_date: Set(d("2026-12-09")),
            amount: Set(150_000),
            arrears: Set(0),
            discount: Set(0),
            paid: Set(0),
            status: Set("unpaid".into()),
            created_at: Set(Utc::now()),
            updated_at: Set(Utc::now()),
            ..Default::default()
        };
        again("INV-202611-90001").insert(db).await.unwrap();
        assert!(
            again("INV-202611-90002").insert(db).await.is_err(),
            "two live invoices for one period on {}",
            t.backend
        );
        t.cleanup().await;
    }
}
