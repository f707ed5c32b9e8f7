//! What a customer is asked to pay, through corrections: credit, reversal, amount edits, void
//! and re-issue, late billing, start dates, runs and their undo, the money log, and the export
//! summing to the dashboard. Each on SQLite and (when configured) PostgreSQL.

use super::{
    customers::{self, CustomerInput},
    dashboard, invoices,
    invoices::RunOptions,
    packages::{self, PackageInput},
    payments::{self, NewPayment},
    statement,
};
use crate::{
    domain::{
        billing::{BillingRules, MoneyChange},
        dates::Period,
    },
    dto::invoices::InvoiceQuery,
    server::billing::BillingError,
    server::{
        entity::{invoices as invoice_entity, payments as payment_entity},
        testing,
    },
};
use chrono::{NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

const TZ: chrono_tz::Tz = chrono_tz::Asia::Jakarta;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn p(s: &str) -> Period {
    Period::parse(s).unwrap()
}

async fn setup(db: &DatabaseConnection, price: &str) -> i32 {
    packages::save(
        db,
        None,
        PackageInput {
            name: "Rumahan",
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

async fn customer(db: &DatabaseConnection, name: &str, pkg: i32, day: u32, start: &str) -> i32 {
    customers::create(
        db,
        &CustomerInput {
            name: name.into(),
            phone: "081234567890".into(),
            package_id: pkg.to_string(),
            billing_day: day.to_string(),
            start_date: start.into(),
            ..Default::default()
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .id
}

async fn run_on(
    db: &DatabaseConnection,
    period: &str,
    today: &str,
) -> crate::dto::invoices::RunResult {
    invoices::run(db, &RunOptions::new(p(period), d(today), Utc::now()))
        .await
        .unwrap()
}

async fn pay(
    db: &DatabaseConnection,
    customer: i32,
    amount: &str,
    today: &str,
) -> crate::dto::invoices::PaymentResult {
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
            now: super::clock::day_start_utc(d(today), TZ) + chrono::Duration::hours(10),
            tz: TZ,
        },
    )
    .await
    .unwrap()
}

async fn live_invoice(
    db: &DatabaseConnection,
    customer: i32,
    period: &str,
) -> invoice_entity::Model {
    invoice_entity::Entity::find()
        .filter(invoice_entity::Column::CustomerId.eq(customer))
        .filter(invoice_entity::Column::Period.eq(period))
        .filter(invoice_entity::Column::Status.ne("void"))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no live invoice for {customer} in {period}"))
}

async fn owed(db: &DatabaseConnection, c: i32) -> (i64, i64) {
    let s = statement::of_customer(db, c).await.unwrap();
    (s.owed(), s.credit)
}

#[tokio::test]
async fn overpayment_becomes_credit_used_by_the_next_run_and_a_reversal_is_kept_with_its_reason() {
    for t in testing::all().await {
        let db = &t.db;
        let pkg = setup(db, "150000").await;
        let ani = customer(db, "Ani", pkg, 10, "").await;
        run_on(db, "2026-11", "2026-11-01").await;

        // 200.000 against 150.000 owed: November paid, 50.000 kept as credit.
        let r = pay(db, ani, "200.000", "2026-11-05").await;
        assert_eq!((r.owed_after, r.credit_added), (0, 50_000), "{}", t.backend);
        assert_eq!(owed(db, ani).await, (0, 50_000));
        let n = dashboard::numbers(db, d("2026-11-06"), TZ).await.unwrap();
        assert_eq!((n.owed_all, n.credit), (0, 50_000));

        // A payment with nothing owed is accepted too: all of it is credit.
        let advance = pay(db, ani, "25.000", "2026-11-06").await;
        assert_eq!(advance.credit_added, 25_000);
        assert_eq!(owed(db, ani).await, (0, 75_000));

        // December's run uses the credit at once: 150.000 - 75.000 left to pay.
        let dec = run_on(db, "2026-12", "2026-12-01").await;
        assert_eq!(dec.credit_applied, 75_000);
        let inv = live_invoice(db, ani, "2026-12").await;
        assert_eq!((inv.paid, inv.status.as_str()), (75_000, "partial"));
        assert_eq!(owed(db, ani).await, (75_000, 0));

        // Reversing the 200.000: refused without a reason; then kept, marked, and what it
        // paid is open again (November in full; December keeps the 25.000 advance's share).
        let err = payments::reverse(db, r.payment_id, "", None, Utc::now())
            .await
            .unwrap_err();
        assert!(err.field_errors().and_then(|f| f.get("reason")).is_some());
        payments::reverse(db, r.payment_id, "transfer ditolak bank", None, Utc::now())
            .await
            .unwrap();
        let kept = payment_entity::Entity::find_by_id(r.payment_id)
            .one(db)
            .await
            .unwrap()
            .expect("a reversed payment is kept");
        assert!(kept.reversed_at.is_some());
        assert_eq!(
            kept.reverse_reason.as_deref(),
            Some("transfer ditolak bank")
        );
        let nov = live_invoice(db, ani, "2026-11").await;
        assert_eq!((nov.paid, nov.status.as_str()), (0, "unpaid"));
        let dec_inv = live_invoice(db, ani, "2026-12").await;
        assert_eq!((dec_inv.paid, dec_inv.status.as_str()), (25_000, "partial"));
        assert_eq!(
            owed(db, ani).await,
            (275_000, 0),
            "300.000 billed − 25.000 advance"
        );

        // The money log tells the story, newest first.
        let log = super::money_log::for_customer(db, ani, TZ).await.unwrap();
        let kinds: Vec<MoneyChange> = log.iter().map(|m| m.kind).collect();
        assert_eq!(kinds[0], MoneyChange::Reversal);
        assert!(kinds.contains(&MoneyChange::Credit));
        assert!(kinds.contains(&MoneyChange::CreditApplied));
        assert!(kinds.contains(&MoneyChange::Payment));
        assert_eq!(log[0].reason.as_deref(), Some("transfer ditolak bank"));
        assert_eq!((log[0].before, log[0].after), (Some(75_000), Some(275_000)));
        // November's own page shows the payment that paid it and its reversal, though those
        // lines name the customer and the payment rather than the invoice.
        let nov_log = super::money_log::for_invoice(db, nov.id, TZ).await.unwrap();
        let nov_kinds: Vec<MoneyChange> = nov_log.iter().map(|m| m.kind).collect();
        assert_eq!(nov_kinds[0], MoneyChange::Reversal, "{nov_kinds:?}");
        assert!(nov_kinds.contains(&MoneyChange::Payment), "{nov_kinds:?}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn amount_edit_void_and_reissue_keep_an_audit_trail() {
    for t in testing::all().await {
        let db = &t.db;
        let pkg = setup(db, "150000").await;
        let budi = customer(db, "Budi", pkg, 10, "").await;
        let citra = customer(db, "Citra", pkg, 10, "").await;
        run_on(db, "2026-11", "2026-11-01").await;
        let inv = live_invoice(db, budi, "2026-11").await;

        // Bad input changes nothing.
        let err = invoices::edit_amount(db, inv.id, "abc", "salah", None, Utc::now())
            .await
            .unwrap_err();
        assert!(err.field_errors().and_then(|f| f.get("amount")).is_some());
        let err = invoices::edit_amount(db, inv.id, "120000", " ", None, Utc::now())
            .await
            .unwrap_err();
        assert!(err.field_errors().and_then(|f| f.get("reason")).is_some());
        assert_eq!(live_invoice(db, budi, "2026-11").await.amount, 150_000);

        invoices::edit_amount(db, inv.id, "120.000", "harga promo", None, Utc::now())
            .await
            .unwrap();
        assert_eq!(live_invoice(db, budi, "2026-11").await.amount, 120_000);
        assert_eq!(owed(db, budi).await.0, 120_000, "{}", t.backend);
        let detail = invoices::detail(db, inv.id, d("2026-11-02"), TZ)
            .await
            .unwrap();
        assert_eq!(detail.money_log[0].kind, MoneyChange::AmountEdit);
        assert_eq!(
            (detail.money_log[0].before, detail.money_log[0].after),
            (Some(150_000), Some(120_000))
        );

        // With a payment the amount is locked.
        pay(db, citra, "10000", "2026-11-03").await;
        let c_inv = live_invoice(db, citra, "2026-11").await;
        assert!(matches!(
            invoices::edit_amount(db, c_inv.id, "100000", "x", None, Utc::now()).await,
            Err(BillingError::AmountLocked { .. })
        ));
        assert!(
            !invoices::detail(db, c_inv.id, d("2026-11-03"), TZ)
                .await
                .unwrap()
                .amount_editable
        );

        // Void, then run the period again: a new invoice with a new number; the void stays.
        invoices::void(db, inv.id, "salah paket", None, Utc::now())
            .await
            .unwrap();
        let again = run_on(db, "2026-11", "2026-11-04").await;
        assert_eq!(again.created, 1);
        assert_eq!(again.skipped_existing, 1, "Citra's live invoice");
        let new = live_invoice(db, budi, "2026-11").await;
        assert_ne!(new.number, inv.number);
        assert_eq!(new.number, "INV-202611-00003");
        let old = invoice_entity::Entity::find_by_id(inv.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (old.status.as_str(), old.void_reason.as_deref()),
            ("void", Some("salah paket"))
        );
        let log = super::money_log::for_customer(db, budi, TZ).await.unwrap();
        assert_eq!(log[0].kind, MoneyChange::Void);
        assert_eq!(log[0].reason.as_deref(), Some("salah paket"));

        // Discount is logged with before and after.
        invoices::set_discount(db, new.id, "20.000", None, Utc::now())
            .await
            .unwrap();
        let log = super::money_log::for_invoice(db, new.id, TZ).await.unwrap();
        assert_eq!(
            (log[0].kind, log[0].before, log[0].after),
            (MoneyChange::Discount, Some(0), Some(20_000))
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn runs_follow_the_calendar_rules_and_can_be_undone_until_money_or_a_message_moves() {
    for t in testing::all().await {
        let db = &t.db;
        let pkg = setup(db, "150000").await;
        let early = customer(db, "Dewi", pkg, 5, "").await;
        let late_start = customer(db, "Eko", pkg, 10, "2026-12-16").await;

        // Beyond next month: refused, nothing created.
        let err = invoices::run(
            db,
            &RunOptions::new(p("2027-02"), d("2026-11-20"), Utc::now()),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, BillingError::PeriodTooFar { .. }), "{err:?}");
        assert!(
            invoices::preview_run(db, p("2027-02"), d("2026-11-20"))
                .await
                .is_err()
        );

        // A past month needs confirming; the preview names who.
        let pre = invoices::preview_run(db, p("2026-10"), d("2026-11-20"))
            .await
            .unwrap();
        assert!(pre.past);
        assert_eq!(pre.to_create, 1, "Eko starts in December");
        assert_eq!(pre.who[0].name, "Dewi");
        let err = invoices::run(
            db,
            &RunOptions::new(p("2026-10"), d("2026-11-20"), Utc::now()),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, BillingError::PastNeedsConfirm { count: 1, .. }),
            "{err:?}"
        );
        assert!(
            invoice_entity::Entity::find()
                .one(db)
                .await
                .unwrap()
                .is_none()
        );

        // November billed on the 20th: Dewi's 5th has passed, so she is due 7 days after issue.
        let pre = invoices::preview_run(db, p("2026-11"), d("2026-11-20"))
            .await
            .unwrap();
        assert_eq!((pre.to_create, pre.late_due), (1, 1));
        let nov = run_on(db, "2026-11", "2026-11-20").await;
        let inv = live_invoice(db, early, "2026-11").await;
        assert_eq!(inv.due_date, d("2026-11-27"), "{}", t.backend);
        assert!(inv.due_date >= inv.issue_date);

        // December with pro-rata on: Eko started on the 16th, 16 of 31 days.
        invoices::save_rules(
            db,
            &BillingRules {
                grace_days: 7,
                prorata_first_month: true,
            },
        )
        .await
        .unwrap();
        let pre = invoices::preview_run(db, p("2026-12"), d("2026-12-01"))
            .await
            .unwrap();
        assert_eq!((pre.to_create, pre.prorata), (2, 1));
        assert!(pre.rule.contains("per hari"));
        let dec = run_on(db, "2026-12", "2026-12-01").await;
        assert_eq!(live_invoice(db, late_start, "2026-12").await.amount, 77_419);
        assert_eq!(
            live_invoice(db, early, "2026-12").await.due_date,
            d("2026-12-05")
        );

        // Undo December: both invoices voided with "run dibatalkan".
        let n = invoices::undo(db, dec.run_id.unwrap(), None, Utc::now())
            .await
            .unwrap();
        assert_eq!(n, 2);
        let voided = invoice_entity::Entity::find()
            .filter(invoice_entity::Column::Period.eq("2026-12"))
            .order_by_asc(invoice_entity::Column::Id)
            .all(db)
            .await
            .unwrap();
        assert!(
            voided
                .iter()
                .all(|i| i.status == "void" && i.void_reason.as_deref() == Some("run dibatalkan"))
        );
        let runs = invoices::recent_runs(db, TZ).await.unwrap();
        assert!(runs[0].undone_at.is_some());
        // Twice: not found (already undone).
        assert!(
            invoices::undo(db, dec.run_id.unwrap(), None, Utc::now())
                .await
                .is_err()
        );

        // November has a payment: its run cannot be undone, and nothing changes.
        pay(db, early, "50000", "2026-11-21").await;
        let err = invoices::undo(db, nov.run_id.unwrap(), None, Utc::now())
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                BillingError::RunLocked {
                    paid: 1,
                    sent: 0,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(live_invoice(db, early, "2026-11").await.status, "partial");
        t.cleanup().await;
    }
}

/// The export's `sisa` column sums to the dashboard: this period to "belum dibayar", every
/// period to "piutang semua periode" (no credit here).
#[tokio::test]
async fn the_exported_remainders_sum_to_the_dashboard() {
    for t in testing::all().await {
        let db = &t.db;
        let pkg = setup(db, "100000").await;
        let a = customer(db, "Fajar", pkg, 10, "").await;
        let b = customer(db, "Gita", pkg, 10, "").await;
        customer(db, "Hadi", pkg, 10, "").await;
        run_on(db, "2026-10", "2026-10-01").await;
        run_on(db, "2026-11", "2026-11-01").await;
        run_on(db, "2026-12", "2026-12-01").await;
        pay(db, a, "130000", "2026-12-02").await;
        pay(db, b, "300000", "2026-12-02").await;
        let dec_b = live_invoice(db, b, "2026-12").await;
        assert_eq!(dec_b.status, "paid");
        let today = d("2026-12-03");
        let n = dashboard::numbers(db, today, TZ).await.unwrap();

        let sum_sisa = |csv: Vec<u8>| -> i64 {
            let text = String::from_utf8(csv).unwrap();
            let text = text.trim_start_matches('\u{feff}');
            let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            let headers = r.headers().unwrap().clone();
            let col = headers
                .iter()
                .position(|h| h == "sisa")
                .expect("a sisa column");
            r.records()
                .map(|rec| rec.unwrap()[col].parse::<i64>().unwrap())
                .sum()
        };
        let this = invoices::export(
            db,
            &InvoiceQuery {
                period: "2026-12".into(),
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
        assert_eq!(sum_sisa(this), n.outstanding, "{}", t.backend);
        let all = invoices::export(db, &InvoiceQuery::default(), today)
            .await
            .unwrap();
        assert_eq!(sum_sisa(all), n.owed_all);
        assert_eq!(n.owed_all, 900_000 - 430_000);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_customer_list_shows_and_sorts_what_each_customer_owes_now() {
    for t in testing::all().await {
        let db = &t.db;
        let pkg = setup(db, "100000").await;
        let ani = customer(db, "Ani", pkg, 10, "").await;
        let budi = customer(db, "Budi", pkg, 10, "").await;
        let cici = customer(db, "Cici", pkg, 10, "").await;
        let dedi = customer(db, "Dedi", pkg, 10, "").await;
        run_on(db, "2026-10", "2026-10-01").await;
        run_on(db, "2026-11", "2026-11-01").await;
        // Ani owes two months; Budi one and a half; Cici paid everything and has credit;
        // Dedi paid one month.
        pay(db, budi, "50.000", "2026-11-03").await;
        pay(db, cici, "230.000", "2026-11-03").await;
        pay(db, dedi, "100.000", "2026-11-03").await;

        let list = |debt: &str, sort: &str| crate::dto::customers::CustomerQuery {
            debt: debt.into(),
            sort: sort.into(),
            ..Default::default()
        };
        let rows = |page: crate::dto::customers::CustomerPage| {
            page.rows
                .into_iter()
                .map(|r| (r.customer.id, r.owed, r.open_months))
                .collect::<Vec<_>>()
        };
        // By name, every customer, each with the statement's figure.
        let all = rows(customers::list(db, &list("", "")).await.unwrap());
        assert_eq!(
            all,
            vec![
                (ani, 200_000, 2),
                (budi, 150_000, 2),
                (cici, 0, 0),
                (dedi, 100_000, 1)
            ],
            "{}",
            t.backend
        );
        for (id, owed_now, _) in &all {
            assert_eq!(
                owed(db, *id).await.0,
                *owed_now,
                "the list agrees with the statement"
            );
        }
        // Most owed first; then only those who owe something (credit is not a debt).
        let sorted = rows(customers::list(db, &list("", "owed")).await.unwrap());
        assert_eq!(
            sorted.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![ani, budi, dedi, cici]
        );
        let debtors = customers::list(db, &list("1", "owed")).await.unwrap();
        assert_eq!(debtors.total, 3);
        assert_eq!(
            rows(debtors).iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![ani, budi, dedi]
        );
        t.cleanup().await;
    }
}
