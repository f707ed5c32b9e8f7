//! A simulated 45-day calendar through the tick `tagih serve` and `tagih schedule --at` use,
//! on SQLite and (when configured) PostgreSQL: the run happens once; every stage reaches each
//! unpaid customer exactly once; a customer who pays between H-3 and H0 gets nothing more; a
//! restart at every tick changes nothing; two instances never both act; downtime over the 1st
//! catches up once and records the stages it passed as missed.

use super::{
    lease, load, publish, save,
    tick::{self, Tick},
};
use crate::{
    domain::{
        dates::Period,
        schedule::{RunMode, Stage},
    },
    server::{
        AppState, Config,
        billing::{
            clock::Moment,
            customers::{self, CustomerInput},
            invoices,
            packages::{self, PackageInput},
            payments::{self, NewPayment},
        },
        entity::invoices as inv,
        testing::{self, TestDb},
    },
};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use std::collections::BTreeMap;

const TZ: chrono_tz::Tz = chrono_tz::Asia::Jakarta;
/// Local hours the simulated server ticks at (every tick of a real minute would only repeat
/// these: the rules change at the run time and the window's edges).
const HOURS: [u32; 7] = [0, 8, 9, 12, 15, 18, 21];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(day: NaiveDate, h: u32) -> NaiveDateTime {
    day.and_hms_opt(h, 0, 0).unwrap()
}

fn state_of(t: &TestDb) -> AppState {
    let url = t.url.clone();
    let config = Config::from_lookup(|k| (k == "DATABASE_URL").then(|| url.clone())).unwrap();
    let options = leptos::config::LeptosOptions::builder()
        .output_name("tagih")
        .build();
    AppState::new(config, t.db.clone(), options)
}

struct World {
    /// Customers by name.
    ids: BTreeMap<&'static str, i32>,
}

/// Five customers with WhatsApp numbers, due on the 5th, 10th, 15th (the payer), 20th and
/// 27th; November issued by hand and paid by all but Lina (27th), who stays behind.
async fn world(state: &AppState, mode: RunMode) -> World {
    let db = &state.db;
    let mut s = load(db).await.unwrap();
    s.run_mode = mode;
    save(db, &s).await.unwrap();
    let pkg = packages::save(
        db,
        None,
        PackageInput {
            name: "Rumah 10",
            speed_mbps: "10",
            price: "100000",
            description: "",
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .id;
    let mut ids = BTreeMap::new();
    for (i, (name, day)) in [
        ("Ani", 5),
        ("Budi", 10),
        ("Citra", 15),
        ("Dedi", 20),
        ("Lina", 27),
    ]
    .into_iter()
    .enumerate()
    {
        let id = customers::create(
            db,
            &CustomerInput {
                name: name.into(),
                phone: format!("08123456780{i}"),
                package_id: pkg.to_string(),
                billing_day: day.to_string(),
                ..Default::default()
            },
            Utc::now(),
        )
        .await
        .unwrap()
        .id;
        ids.insert(name, id);
    }
    let nov = Period::parse("2026-11").unwrap();
    invoices::run(
        db,
        &invoices::RunOptions {
            period: nov,
            today: nov.first_day(),
            now: tick::instant_of(at(nov.first_day(), 8), TZ),
            draft: false,
            confirm_past: true,
            by: None,
        },
    )
    .await
    .unwrap();
    for name in ["Ani", "Budi", "Citra", "Dedi"] {
        pay(state, ids[name], "100000", d("2026-11-20")).await;
    }
    World { ids }
}

async fn pay(state: &AppState, customer: i32, amount: &str, day: NaiveDate) {
    payments::record(
        &state.db,
        &NewPayment {
            customer_id: Some(customer),
            amount: amount.into(),
            method: "cash".into(),
            ..Default::default()
        },
        None,
        Moment {
            today: day,
            now: tick::instant_of(at(day, 12), TZ) + Duration::minutes(30),
            tz: TZ,
        },
    )
    .await
    .unwrap();
}

/// How the simulated servers run.
#[derive(Clone, Copy, PartialEq)]
enum Servers {
    /// One server, up all along.
    One,
    /// A new process at every tick (the previous one crashed: no clean release).
    RestartEveryTick,
    /// Two instances tick at every moment, concurrently.
    Two,
}

/// Plays the calendar from 25 November to 8 January. The admin publishes the drafts at 10:00
/// on the 1st (drafts mode); Citra pays everything at 12:30 on 13 December (after her H-3 on
/// the 12th, before her H0 on the 15th). `down`: no tick in this local interval.
async fn play(
    state: &AppState,
    w: &World,
    servers: Servers,
    down: Option<(NaiveDateTime, NaiveDateTime)>,
) {
    let start = d("2026-11-25");
    let mut holder_n = 0;
    for day_n in 0..45 {
        let day = start + Duration::days(day_n);
        for h in HOURS {
            let local = at(day, h);
            if down.is_some_and(|(a, b)| local >= a && local < b) {
                continue;
            }
            let now = tick::instant_of(local, TZ);
            match servers {
                Servers::One => {
                    let t = Tick {
                        state,
                        local,
                        now,
                        holder: "one",
                        dry_run: false,
                    };
                    assert!(tick::tick(&t).await.unwrap().is_some(), "{local}");
                }
                Servers::RestartEveryTick => {
                    holder_n += 1;
                    let holder = format!("p{holder_n}");
                    let t = Tick {
                        state,
                        local,
                        now,
                        holder: &holder,
                        dry_run: false,
                    };
                    assert!(tick::tick(&t).await.unwrap().is_some(), "{local}");
                }
                Servers::Two => {
                    let (a, b) = (state.clone(), state.clone());
                    let ta = tokio::spawn(async move {
                        let t = Tick {
                            state: &a,
                            local,
                            now,
                            holder: "a",
                            dry_run: false,
                        };
                        tick::tick(&t).await.unwrap().is_some()
                    });
                    let tb = tokio::spawn(async move {
                        let t = Tick {
                            state: &b,
                            local,
                            now,
                            holder: "b",
                            dry_run: false,
                        };
                        tick::tick(&t).await.unwrap().is_some()
                    });
                    let (ra, rb) = (ta.await.unwrap(), tb.await.unwrap());
                    assert!(
                        ra ^ rb,
                        "{local}: exactly one instance acts (a {ra}, b {rb})"
                    );
                }
            }
            // The admin's moves, between ticks.
            if h == 9 && day.day() == 1 {
                let period = Period::of(day);
                let now = tick::instant_of(at(day, 10), TZ);
                let mode = load(&state.db).await.unwrap().run_mode;
                if mode == RunMode::Drafts {
                    let r = publish::publish_and_send(state, period, None, day, now)
                        .await
                        .unwrap();
                    assert_eq!(r.issued, 5, "{day}");
                    assert_eq!(r.queued, 5, "{day}");
                }
            }
            if h == 12 && day == d("2026-12-13") {
                let owed =
                    crate::server::billing::statement::of_customer(&state.db, w.ids["Citra"])
                        .await
                        .unwrap()
                        .owed();
                pay(state, w.ids["Citra"], &owed.to_string(), day).await;
            }
        }
    }
}

async fn rows(db: &impl ConnectionTrait, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
}

/// (customer, invoice period, stage) → messages queued for it; plus the invoice-statement
/// messages per customer.
async fn outcome(
    db: &impl ConnectionTrait,
) -> (BTreeMap<(i32, String, String), i64>, BTreeMap<i32, i64>) {
    let mut stages = BTreeMap::new();
    for r in rows(
        db,
        "SELECT r.customer_id, i.period, r.stage, COUNT(*) AS n FROM reminder_sent r \
         JOIN invoices i ON i.id = r.invoice_id \
         JOIN send_item_customers sc ON sc.customer_id = r.customer_id \
         JOIN send_items si ON si.id = sc.item_id AND si.job_id = r.job_id \
         WHERE r.outcome = 'queued' GROUP BY r.customer_id, i.period, r.stage",
    )
    .await
    {
        stages.insert(
            (
                r.try_get::<i32>("", "customer_id").unwrap(),
                r.try_get::<String>("", "period").unwrap(),
                r.try_get::<String>("", "stage").unwrap(),
            ),
            r.try_get::<i64>("", "n").unwrap(),
        );
    }
    let mut invoices = BTreeMap::new();
    for r in rows(
        db,
        "SELECT sc.customer_id, COUNT(*) AS n FROM send_item_customers sc \
         JOIN send_items si ON si.id = sc.item_id WHERE si.template_kind = 'invoice' \
         GROUP BY sc.customer_id",
    )
    .await
    {
        invoices.insert(
            r.try_get::<i32>("", "customer_id").unwrap(),
            r.try_get::<i64>("", "n").unwrap(),
        );
    }
    (stages, invoices)
}

/// What the month must have sent: each stage of each invoice whose day falls in the calendar
/// (from the day before the first tick, caught up) once, while the invoice was open.
async fn expected(
    state: &AppState,
    w: &World,
    first: NaiveDate,
    last: NaiveDate,
) -> BTreeMap<(i32, String, String), i64> {
    let settings = load(&state.db).await.unwrap();
    let paid_on = d("2026-12-13");
    let mut out = BTreeMap::new();
    for i in inv::Entity::find().all(&state.db).await.unwrap() {
        for s in &settings.stages {
            let day = s.date_for(i.due_date);
            let issued = if i.period == "2026-11" {
                d("2026-11-01")
            } else {
                i.issue_date
            };
            // Citra paid on the 13th; November was paid by all but Lina.
            let paid = (i.customer_id == w.ids["Citra"] && day > paid_on)
                || (i.period == "2026-11" && i.customer_id != w.ids["Lina"]);
            let open = !paid;
            if day >= first && day <= last && day > issued && open {
                out.insert((i.customer_id, i.period.clone(), s.label()), 1);
            }
        }
    }
    out
}

#[tokio::test]
async fn a_simulated_month_and_a_half_runs_once_reminds_once_and_survives_restarts() {
    for backend in testing::all().await {
        let name = backend.backend;
        // The same calendar under one server, a restart at every tick, and two instances.
        let mut results = Vec::new();
        for servers in [Servers::One, Servers::RestartEveryTick, Servers::Two] {
            if servers == Servers::Two && name == "sqlite" {
                // One SQLite file serves one instance (the default); the lease is still taken
                // by exactly one of two concurrent ticks, checked below on PostgreSQL.
                continue;
            }
            let t = if servers == Servers::One {
                None
            } else if name == "sqlite" {
                Some(testing::sqlite().await)
            } else {
                testing::postgres().await
            };
            let t_ref = t.as_ref().unwrap_or(&backend);
            let state = state_of(t_ref);
            let w = world(&state, RunMode::Drafts).await;
            play(&state, &w, servers, None).await;
            let db = &state.db;

            // The run happened once a month (November caught up at the first tick: it found
            // every invoice already made by hand), one live invoice per customer and period.
            let runs = rows(
                db,
                "SELECT day, status FROM schedule_runs WHERE kind = 'invoice_run' ORDER BY day",
            )
            .await;
            let runs: Vec<(NaiveDate, String)> = runs
                .iter()
                .map(|r| {
                    (
                        r.try_get("", "day").unwrap(),
                        r.try_get("", "status").unwrap(),
                    )
                })
                .collect();
            assert_eq!(
                runs,
                vec![
                    (d("2026-11-01"), "done".to_owned()),
                    (d("2026-12-01"), "done".to_owned()),
                    (d("2027-01-01"), "done".to_owned())
                ],
                "{name}"
            );
            let per = rows(db, "SELECT customer_id, period, COUNT(*) AS n FROM invoices GROUP BY customer_id, period").await;
            assert_eq!(per.len(), 15, "{name}: 5 customers × 3 months");
            assert!(per.iter().all(|r| r.try_get::<i64>("", "n").unwrap() == 1));

            let (stages, statements) = outcome(db).await;
            let want = expected(&state, &w, d("2026-11-24"), d("2027-01-08")).await;
            assert_eq!(stages, want, "{name}: every stage once to whoever owes");
            // Lina's November stages, her December ones, and Citra's H-3 only.
            assert!(want.contains_key(&(w.ids["Lina"], "2026-11".into(), "H+3".into())));
            assert!(want.contains_key(&(w.ids["Citra"], "2026-12".into(), "H-3".into())));
            assert!(!want.contains_key(&(w.ids["Citra"], "2026-12".into(), "H0".into())));
            // One statement per customer per published month.
            assert_eq!(
                statements.values().copied().collect::<Vec<_>>(),
                vec![2; 5],
                "{name}"
            );
            // Citra got nothing after paying but January's bill.
            let after = db
                .query_all_raw(crate::server::billing::sql::stmt(
                    db,
                    "SELECT COUNT(*) AS n FROM send_item_customers sc \
                     JOIN send_items si ON si.id = sc.item_id \
                     WHERE sc.customer_id = ? AND si.template_kind <> 'invoice' AND si.created_at > ?",
                    vec![
                        w.ids["Citra"].into(),
                        tick::instant_of(at(d("2026-12-13"), 12), TZ).into(),
                    ],
                ))
                .await
                .unwrap();
            assert_eq!(after[0].try_get::<i64>("", "n").unwrap(), 0, "{name}");

            // A second tick at a moment already ticked (by a new instance, once the last
            // holder's lease ran out) queues nothing.
            let local = at(d("2027-01-08"), 21);
            let again = tick::tick(&Tick {
                state: &state,
                local,
                now: tick::instant_of(local, TZ) + lease::ttl(),
                holder: "late",
                dry_run: false,
            })
            .await
            .unwrap()
            .unwrap();
            assert!(again.is_empty(), "{name}: {again:?}");
            results.push((stages, statements));
            if let Some(t) = t {
                t.cleanup().await;
            }
        }
        assert!(
            results.windows(2).all(|w| w[0] == w[1]),
            "{name}: restarts and a second instance change nothing"
        );
        backend.cleanup().await;
    }
}

#[tokio::test]
async fn downtime_over_the_first_catches_the_run_up_once_and_records_missed_stages() {
    for t in testing::all().await {
        let name = t.backend;
        let state = state_of(&t);
        let w = world(&state, RunMode::IssueAndSend).await;
        // Off from 29 November 20:00 to 3 December 10:00.
        let down = (at(d("2026-11-29"), 20), at(d("2026-12-03"), 10));
        play(&state, &w, Servers::One, Some(down)).await;
        let db = &state.db;
        let runs = rows(db, "SELECT day, created_at FROM schedule_runs WHERE kind = 'invoice_run' AND day = '2026-12-01'").await;
        assert_eq!(runs.len(), 1, "{name}");
        let made: chrono::DateTime<Utc> = runs[0].try_get("", "created_at").unwrap();
        assert_eq!(
            made,
            tick::instant_of(at(d("2026-12-03"), 12), TZ),
            "{name}: at the first tick back"
        );
        // Lina's H+3 (30 November) closed more than a day before the restart: missed, unsent.
        let missed = rows(
            db,
            "SELECT status, skipped FROM schedule_runs WHERE kind = 'reminder' AND stage = 'H+3' AND day = '2026-11-30'",
        )
        .await;
        assert_eq!(missed.len(), 1, "{name}");
        assert_eq!(missed[0].try_get::<String>("", "status").unwrap(), "missed");
        assert_eq!(missed[0].try_get::<i32>("", "skipped").unwrap(), 1);
        let (stages, statements) = outcome(db).await;
        assert!(!stages.contains_key(&(w.ids["Lina"], "2026-11".into(), "H+3".into())));
        // Her H+7 (4 December) went as usual, once.
        assert_eq!(
            stages.get(&(w.ids["Lina"], "2026-11".into(), "H+7".into())),
            Some(&1)
        );
        // Issue-and-send: the December and January statements went out once each.
        assert_eq!(
            statements.values().copied().collect::<Vec<_>>(),
            vec![2; 5],
            "{name}"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_lease_lets_one_holder_act_until_it_expires_or_is_released() {
    for t in testing::all().await {
        let db = &t.db;
        let now = Utc::now();
        assert!(lease::acquire(db, "a", now).await.unwrap());
        assert!(
            !lease::acquire(db, "b", now + Duration::seconds(30))
                .await
                .unwrap()
        );
        assert!(
            lease::acquire(db, "a", now + Duration::seconds(60))
                .await
                .unwrap()
        );
        // a stopped renewing: b takes over after the lease's time.
        assert!(
            lease::acquire(db, "b", now + Duration::minutes(5))
                .await
                .unwrap()
        );
        lease::release(db, "b").await.unwrap();
        assert!(
            lease::acquire(db, "c", now + Duration::minutes(5))
                .await
                .unwrap()
        );
        t.cleanup().await;
    }
}

#[test]
fn stages_are_labelled_as_the_admin_reads_them() {
    assert_eq!(Stage(-3).label(), "H-3");
}
