//! Drafts of the monthly run, on SQLite and (when configured) PostgreSQL: owed nowhere until
//! issued, edited and removed on review, numbered without gaps when issued.

use super::{
    BillingError, customers,
    customers::CustomerInput,
    dashboard, drafts, invoices,
    packages::{self, PackageInput},
    payments::{self, NewPayment},
    statement,
};
use crate::{
    domain::{billing::InvoiceStatus, dates::Period},
    dto::invoices::InvoiceQuery,
    server::{entity::invoices as inv, testing},
};
use chrono::{NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

const TZ: chrono_tz::Tz = chrono_tz::Asia::Jakarta;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn customer(db: &DatabaseConnection, name: &str, package: i32, day: u32) -> i32 {
    customers::create(
        db,
        &CustomerInput {
            name: name.into(),
            phone: "081234567890".into(),
            package_id: package.to_string(),
            billing_day: day.to_string(),
            ..Default::default()
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .id
}

async fn run(
    db: &DatabaseConnection,
    period: Period,
    draft: bool,
) -> crate::dto::invoices::RunResult {
    invoices::run(
        db,
        &invoices::RunOptions {
            period,
            today: period.first_day(),
            now: Utc::now(),
            draft,
            confirm_past: true,
            by: None,
        },
    )
    .await
    .unwrap()
}

async fn rows(db: &DatabaseConnection, period: Period) -> Vec<inv::Model> {
    inv::Entity::find()
        .filter(inv::Column::Period.eq(period.to_string()))
        .order_by_asc(inv::Column::Number)
        .all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn drafts_are_owed_nowhere_until_issued_then_numbered_without_gaps() {
    for t in testing::all().await {
        let db = &t.db;
        let pkg = packages::save(
            db,
            None,
            PackageInput {
                name: "Rumah 20",
                speed_mbps: "20",
                price: "150000",
                description: "",
            },
            Utc::now(),
        )
        .await
        .unwrap()
        .id;
        let a = customer(db, "Ani", pkg, 10).await;
        let b = customer(db, "Budi", pkg, 15).await;
        let c = customer(db, "Citra", pkg, 20).await;
        let nov = Period::parse("2026-11").unwrap();
        let dec = Period::parse("2026-12").unwrap();
        // November issued and unpaid: December's arrears.
        run(db, nov, false).await;

        let r = run(db, dec, true).await;
        assert_eq!((r.created, r.total_amount), (3, 450_000), "{}", t.backend);
        assert_eq!(r.first_number, None, "drafts take no number");
        // A second run (drafts or issued) makes nothing twice.
        assert_eq!(run(db, dec, true).await.created, 0);
        assert_eq!(run(db, dec, false).await.created, 0);

        // Owed nowhere: dashboard, table, statement; no payment against a draft.
        let today = d("2026-12-05");
        let n = dashboard::numbers(db, today, TZ).await.unwrap();
        assert_eq!((n.invoices, n.billed), (0, 0), "{}", t.backend);
        let q = InvoiceQuery {
            period: dec.to_string(),
            ..Default::default()
        };
        let page = invoices::list(db, &q, today).await.unwrap();
        assert_eq!(page.counts.all, 0);
        assert!(
            invoices::periods(db)
                .await
                .unwrap()
                .iter()
                .all(|p| p != "2026-12")
        );
        let st = statement::of_customer(db, a).await.unwrap();
        assert_eq!(st.owed(), 150_000, "only November is owed");
        let draft_a = rows(db, dec)
            .await
            .into_iter()
            .find(|i| i.customer_id == a)
            .unwrap();
        assert_eq!(draft_a.status, InvoiceStatus::Draft.as_str());
        let refused = payments::record(
            db,
            &NewPayment {
                invoice_id: Some(draft_a.id),
                amount: "1000".into(),
                method: "cash".into(),
                ..Default::default()
            },
            None,
            super::clock::Moment {
                today,
                now: Utc::now(),
                tz: TZ,
            },
        )
        .await;
        assert!(matches!(refused, Err(BillingError::InvoiceDraft { .. })));

        // Review: edit one, remove one, add it back at another price; bad input changes nothing.
        let review = drafts::review(db, None).await.unwrap();
        assert_eq!(review.period, "2026-12");
        assert_eq!(review.rows.len(), 3);
        assert!(review.missing.is_empty());
        let err = drafts::set_amount(db, draft_a.id, "abc", Utc::now()).await;
        assert!(
            err.unwrap_err()
                .field_errors()
                .unwrap()
                .get("amount")
                .is_some()
        );
        drafts::set_amount(db, draft_a.id, "Rp 175.000", Utc::now())
            .await
            .unwrap();
        let draft_b = review.rows.iter().find(|r| r.customer_id == b).unwrap().id;
        drafts::remove(db, draft_b).await.unwrap();
        let review = drafts::review(db, Some(dec)).await.unwrap();
        assert_eq!(review.rows.len(), 2);
        assert_eq!(review.missing.len(), 1);
        assert_eq!(review.missing[0].id, b);
        assert_eq!(review.total_amount, 175_000 + 150_000);
        let err = drafts::add(db, dec, c, "", Utc::now()).await.unwrap_err();
        assert!(
            err.field_errors().unwrap().get("customer_id").is_some(),
            "C has one"
        );
        drafts::add(db, dec, b, "100000", Utc::now()).await.unwrap();
        assert!(
            drafts::review(db, Some(dec))
                .await
                .unwrap()
                .missing
                .is_empty()
        );

        // Issue: numbers 1..3 of December in code order, arrears as owed now.
        let issued = drafts::issue(db, dec, d("2026-12-02"), Utc::now())
            .await
            .unwrap();
        assert_eq!(issued.count, 3);
        assert_eq!(issued.total_amount, 175_000 + 100_000 + 150_000);
        assert_eq!(issued.customers, vec![a, b, c]);
        assert_eq!(issued.first_number.as_deref(), Some("INV-202612-00001"));
        assert_eq!(issued.last_number.as_deref(), Some("INV-202612-00003"));
        let all = rows(db, dec).await;
        assert!(
            all.iter()
                .all(|i| i.status == "unpaid" && i.arrears == 150_000)
        );
        assert!(all.iter().all(|i| i.issue_date == d("2026-12-02")));
        let n = dashboard::numbers(db, today, TZ).await.unwrap();
        assert_eq!((n.invoices, n.billed), (3, 425_000));
        assert_eq!(
            statement::of_customer(db, a).await.unwrap().owed(),
            150_000 + 175_000
        );
        // Nothing left to issue.
        assert_eq!(
            drafts::issue(db, dec, today, Utc::now())
                .await
                .unwrap()
                .count,
            0
        );
        assert_eq!(drafts::waiting(db).await.unwrap().0, 0);
        t.cleanup().await;
    }
}
