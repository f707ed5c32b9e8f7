//! Engine behaviour over a real database (SQLite and PostgreSQL) with an in-process WhatsApp
//! stand-in. The HTTP-level versions against waha-sim live in `server/tests/`.

use super::{
    Channel, EngineConfig, EngineHandle, Failure, FailureKind, Outgoing,
    outbox::{self, NewItem, NewJob},
    policy, spawn, warmup,
};
use crate::{
    domain::{
        sending::{ItemState, JobKind, JobState, Pacing, QuietHours, SendPolicy, WarmUp, Waves},
        whatsapp::SessionStatus,
    },
    dto::sending::JobCounts,
    server::{
        entity::{send_items, wa_accounts, wa_sessions},
        testing,
    },
};
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use std::{
    collections::{HashSet, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tokio_util::sync::CancellationToken;

#[derive(Default)]
struct Fake {
    s: Mutex<FakeState>,
}

struct FakeState {
    status: String,
    not_on_wa: HashSet<String>,
    sent: Vec<(String, String, Instant)>,
    /// Failures handed out by the next sends, before they succeed again.
    script: VecDeque<Failure>,
    /// The next send reaches WhatsApp but its answer is lost (a timeout).
    lose_answer: usize,
    history_broken: bool,
    /// After this many successful sends the session drops to this status.
    drop_after: Option<(usize, String)>,
    /// After this many successful sends, WhatsApp's 463 reach-out lock.
    lock_after: Option<usize>,
    /// The tick every sent message shows in its chat (`None`: the chat shows none).
    chat_ack: Option<i16>,
}

impl Default for FakeState {
    fn default() -> Self {
        Self {
            status: "WORKING".into(),
            not_on_wa: HashSet::new(),
            sent: Vec::new(),
            script: VecDeque::new(),
            lose_answer: 0,
            history_broken: false,
            drop_after: None,
            lock_after: None,
            chat_ack: None,
        }
    }
}

impl Fake {
    fn with(f: impl FnOnce(&mut FakeState)) -> Arc<Self> {
        let fake = Arc::new(Fake::default());
        f(&mut fake.s.lock().unwrap());
        fake
    }
    fn sent(&self) -> Vec<(String, String, Instant)> {
        self.s.lock().unwrap().sent.clone()
    }
    fn set(&self, f: impl FnOnce(&mut FakeState)) {
        f(&mut self.s.lock().unwrap());
    }
}

fn transient(maybe_sent: bool) -> Failure {
    Failure::new(
        FailureKind::Transient { maybe_sent },
        "server_error",
        "Server WhatsApp sedang bermasalah.",
    )
}

#[async_trait]
impl Channel for Fake {
    async fn status(&self, _session: &str) -> Result<SessionStatus, Failure> {
        Ok(SessionStatus::parse(&self.s.lock().unwrap().status))
    }

    async fn check_exists(&self, _session: &str, number: &str) -> Result<Option<String>, Failure> {
        let s = self.s.lock().unwrap();
        Ok((!s.not_on_wa.contains(number)).then(|| format!("{number}@c.us")))
    }

    async fn send_text(
        &self,
        _session: &str,
        chat_id: &str,
        text: &str,
    ) -> Result<String, Failure> {
        let mut s = self.s.lock().unwrap();
        if s.status != "WORKING" {
            return Err(Failure::new(
                FailureKind::Channel { auto_resume: true },
                "session_not_working",
                format!("Sesi WhatsApp tidak aktif ({}).", s.status),
            ));
        }
        if s.lock_after.is_some_and(|n| s.sent.len() >= n) {
            return Err(Failure::new(
                FailureKind::Channel { auto_resume: false },
                "reach_out_lock",
                "WhatsApp membatasi akun ini (463).",
            ));
        }
        if let Some(f) = s.script.pop_front() {
            return Err(f);
        }
        s.sent
            .push((chat_id.to_owned(), text.to_owned(), Instant::now()));
        let n = s.sent.len();
        if let Some((after, status)) = s.drop_after.clone()
            && n >= after
        {
            s.status = status;
            s.drop_after = None;
        }
        if s.lose_answer > 0 {
            s.lose_answer -= 1;
            return Err(transient(true));
        }
        Ok(format!("true_{chat_id}_MSG{n}"))
    }

    async fn recent_outgoing(
        &self,
        _session: &str,
        chat_id: &str,
        limit: u32,
    ) -> Result<Vec<Outgoing>, Failure> {
        let s = self.s.lock().unwrap();
        if s.history_broken {
            return Err(transient(false));
        }
        let now = Utc::now().timestamp();
        Ok(s.sent
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, (c, _, _))| c == chat_id)
            .take(limit as usize)
            .map(|(i, (c, b, _))| Outgoing {
                id: format!("true_{c}_MSG{}", i + 1),
                body: b.clone(),
                timestamp: now,
                ack: s.chat_ack,
            })
            .collect())
    }
}

fn fast() -> EngineConfig {
    let mut c = EngineConfig::new(chrono_tz::Asia::Jakarta).with_lease(Duration::from_millis(600));
    c.retry_scale = 0.002;
    c.rate_limit_pause = Duration::from_millis(100);
    c.shutdown_grace = Duration::from_millis(200);
    c
}

async fn no_holds(db: &DatabaseConnection) {
    policy::save(db, &SendPolicy::unlimited()).await.unwrap();
}

fn job(n: usize, delay_ms: i64) -> NewJob {
    job_from(0, n, delay_ms)
}

/// Items `first..first + n`, each with its own number and text.
fn job_from(first: usize, n: usize, delay_ms: i64) -> NewJob {
    NewJob {
        kind: JobKind::Bulk,
        template_kind: "invoice".into(),
        wa_session: "default".into(),
        pacing: Pacing {
            delay_ms,
            jitter_ms: 0,
        },
        description: None,
        created_by: None,
        items: (first..first + n)
            .map(|i| {
                let number = format!("62812000{i:05}");
                NewItem {
                    invoice_id: None,
                    customer_id: None,
                    chat_id: format!("{number}@c.us"),
                    wa_number: number,
                    body: format!("Tagihan nomor {i}"),
                    statement_total: None,
                    customers: Vec::new(),
                }
            })
            .collect(),
    }
}

struct Running {
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

fn run(db: &DatabaseConnection, fake: Arc<Fake>, cfg: EngineConfig) -> Running {
    let stop = CancellationToken::new();
    let task = spawn(
        db.clone(),
        super::Ports::channel_only(fake),
        cfg,
        EngineHandle::default(),
        stop.clone(),
    );
    Running { stop, task }
}

impl Running {
    async fn stop(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}

async fn wait_for(
    db: &DatabaseConnection,
    job_id: i32,
    what: &str,
    timeout: Duration,
    done: impl Fn(&JobCounts) -> bool,
) -> JobCounts {
    let start = Instant::now();
    loop {
        let c = outbox::counts(db, job_id).await.unwrap();
        if done(&c) {
            return c;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out waiting for {what}: {c:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn job_row(db: &DatabaseConnection, id: i32) -> crate::server::entity::send_jobs::Model {
    crate::server::entity::send_jobs::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

fn assert_each_once(fake: &Fake, n: usize) {
    let sent = fake.sent();
    let bodies: HashSet<_> = sent.iter().map(|(_, b, _)| b.clone()).collect();
    assert_eq!(sent.len(), n, "sent count");
    assert_eq!(bodies.len(), n, "a message was sent twice");
}

#[tokio::test]
async fn a_job_is_sent_in_order_paced_and_marked_done() {
    for t in testing::all().await {
        no_holds(&t.db).await;
        let fake = Fake::with(|_| {});
        let j = outbox::enqueue(&t.db, job(5, 150)).await.unwrap();
        let eng = run(&t.db, fake.clone(), fast());
        let c = wait_for(&t.db, j.id, "all sent", Duration::from_secs(20), |c| {
            c.sent == 5
        })
        .await;
        assert_eq!(c.total(), 5);
        let sent = fake.sent();
        let bodies: Vec<_> = sent.iter().map(|(_, b, _)| b.as_str()).collect();
        assert_eq!(
            bodies,
            (0..5)
                .map(|i| format!("Tagihan nomor {i}"))
                .collect::<Vec<_>>()
        );
        for w in sent.windows(2) {
            let gap = w[1].2 - w[0].2;
            assert!(
                gap >= Duration::from_millis(142),
                "gap {gap:?} under 0.95 × 150 ms"
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(job_row(&t.db, j.id).await.state, JobState::Done.as_str());
        let items = send_items::Entity::find()
            .order_by_asc(send_items::Column::Id)
            .all(&t.db)
            .await
            .unwrap();
        assert!(
            items
                .iter()
                .all(|i| i.wa_message_id.is_some() && i.sent_at.is_some())
        );
        eng.stop().await;
        t.cleanup().await;
    }
}

#[tokio::test]
async fn transient_failures_retry_and_a_lost_answer_is_not_sent_twice() {
    for t in testing::all().await {
        no_holds(&t.db).await;
        let fake = Fake::with(|s| {
            s.script.push_back(transient(false));
            s.script.push_back(transient(false));
            s.lose_answer = 1;
        });
        let j = outbox::enqueue(&t.db, job(3, 10)).await.unwrap();
        let eng = run(&t.db, fake.clone(), fast());
        wait_for(&t.db, j.id, "all sent", Duration::from_secs(20), |c| {
            c.sent == 3
        })
        .await;
        assert_each_once(&fake, 3);
        eng.stop().await;
        t.cleanup().await;
    }
}

#[tokio::test]
async fn not_on_whatsapp_fails_at_once_with_a_reason() {
    let t = testing::sqlite().await;
    no_holds(&t.db).await;
    let fake = Fake::with(|s| {
        s.not_on_wa.insert("6281200000001".into());
    });
    let j = outbox::enqueue(&t.db, job(3, 10)).await.unwrap();
    let eng = run(&t.db, fake.clone(), fast());
    let c = wait_for(&t.db, j.id, "finished", Duration::from_secs(10), |c| {
        c.sent + c.failed == 3
    })
    .await;
    assert_eq!((c.sent, c.failed), (2, 1));
    let failed = send_items::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.state == ItemState::Failed.as_str())
        .unwrap();
    assert_eq!(failed.error_code.as_deref(), Some("not_on_whatsapp"));
    assert_eq!(
        failed.attempts, 1,
        "no retry for a recipient that cannot receive"
    );
    eng.stop().await;
    t.cleanup().await;
}

#[tokio::test]
async fn a_session_that_stops_pauses_the_job_which_resumes_when_it_works_again() {
    for t in testing::all().await {
        no_holds(&t.db).await;
        let fake = Fake::with(|s| s.drop_after = Some((4, "STARTING".into())));
        let j = outbox::enqueue(&t.db, job(10, 10)).await.unwrap();
        let eng = run(&t.db, fake.clone(), fast());
        let start = Instant::now();
        loop {
            let row = job_row(&t.db, j.id).await;
            if row.state == JobState::Paused.as_str() {
                assert_eq!(row.pause_reason.as_deref(), Some("session_not_working"));
                assert!(row.pause_detail.unwrap().contains("STARTING"));
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "job never paused"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(fake.sent().len(), 4);
        fake.set(|s| s.status = "WORKING".into());
        wait_for(
            &t.db,
            j.id,
            "resumed and finished",
            Duration::from_secs(20),
            |c| c.sent == 10,
        )
        .await;
        assert_each_once(&fake, 10);
        eng.stop().await;
        t.cleanup().await;
    }
}

#[tokio::test]
async fn whatsapps_463_lock_pauses_until_the_admin_resumes() {
    let t = testing::sqlite().await;
    no_holds(&t.db).await;
    let fake = Fake::with(|s| s.lock_after = Some(2));
    let j = outbox::enqueue(&t.db, job(5, 10)).await.unwrap();
    let eng = run(&t.db, fake.clone(), fast());
    let start = Instant::now();
    while job_row(&t.db, j.id).await.state != JobState::Paused.as_str() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "job never paused"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let row = job_row(&t.db, j.id).await;
    assert_eq!(row.pause_reason.as_deref(), Some("reach_out_lock"));
    assert!(!row.auto_resume);
    // The session is WORKING, yet nothing resumes by itself after a 463.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(job_row(&t.db, j.id).await.state, JobState::Paused.as_str());
    assert_eq!(fake.sent().len(), 2);
    let c = outbox::counts(&t.db, j.id).await.unwrap();
    assert_eq!(
        (c.sent, c.pending, c.failed),
        (2, 3, 0),
        "the refused item goes back to the queue"
    );
    eng.stop().await;
    t.cleanup().await;
}

#[tokio::test]
async fn an_item_whose_sender_died_is_looked_up_before_any_resend() {
    for t in testing::all().await {
        no_holds(&t.db).await;
        let j = outbox::enqueue(&t.db, job(3, 10)).await.unwrap();
        let items = send_items::Entity::find()
            .order_by_asc(send_items::Column::Id)
            .all(&t.db)
            .await
            .unwrap();
        // A dead instance claimed items 0 and 1; item 0 had reached WhatsApp before it died.
        let past = Utc::now() - chrono::Duration::seconds(5);
        for i in &items[..2] {
            outbox::claim(&t.db, i.id, "dead-instance", Duration::from_millis(1), past)
                .await
                .unwrap()
                .unwrap();
        }
        let fake = Fake::with(|s| {
            s.sent.push((
                items[0].chat_id.clone(),
                items[0].body.clone(),
                Instant::now(),
            ));
        });
        let eng = run(&t.db, fake.clone(), fast());
        wait_for(&t.db, j.id, "all sent", Duration::from_secs(20), |c| {
            c.sent == 3
        })
        .await;
        assert_each_once(&fake, 3);
        eng.stop().await;
        t.cleanup().await;
    }
}

#[tokio::test]
async fn when_the_chat_cannot_be_checked_the_item_is_left_to_the_admin() {
    let t = testing::sqlite().await;
    no_holds(&t.db).await;
    let j = outbox::enqueue(&t.db, job(2, 10)).await.unwrap();
    let first = send_items::Entity::find()
        .order_by_asc(send_items::Column::Id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let past = Utc::now() - chrono::Duration::seconds(5);
    outbox::claim(
        &t.db,
        first.id,
        "dead-instance",
        Duration::from_millis(1),
        past,
    )
    .await
    .unwrap()
    .unwrap();
    let fake = Fake::with(|s| s.history_broken = true);
    let eng = run(&t.db, fake.clone(), fast());
    let c = wait_for(&t.db, j.id, "decided", Duration::from_secs(20), |c| {
        c.sent + c.unknown == 2
    })
    .await;
    assert_eq!((c.sent, c.unknown), (1, 1));
    assert_eq!(fake.sent().len(), 1, "the unverifiable item was not resent");
    let unknown = send_items::Entity::find_by_id(first.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unknown.state, ItemState::Unknown.as_str());
    assert!(unknown.error.unwrap().contains("Periksa chat pelanggan"));
    eng.stop().await;
    t.cleanup().await;
}

#[tokio::test]
async fn quiet_hours_and_the_daily_cap_hold_items_back_and_release_them() {
    let t = testing::sqlite().await;
    let tz = chrono_tz::Asia::Jakarta;
    let now = Utc::now().with_timezone(&tz).naive_local().time();
    // Quiet from a second ago to two seconds from now.
    policy::save(
        &t.db,
        &SendPolicy {
            daily_cap: None,
            quiet: Some(QuietHours {
                start: now - chrono::Duration::seconds(1),
                end: now + chrono::Duration::seconds(2),
            }),
            ..SendPolicy::unlimited()
        },
    )
    .await
    .unwrap();
    let fake = Fake::with(|_| {});
    let j = outbox::enqueue(&t.db, job(4, 10)).await.unwrap();
    let eng = run(&t.db, fake.clone(), fast());
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(fake.sent().is_empty(), "sent during quiet hours");
    let s = outbox::session_row(&t.db, "default")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.hold_reason.as_deref(), Some("quiet_hours"));
    wait_for(
        &t.db,
        j.id,
        "released after quiet hours",
        Duration::from_secs(10),
        |c| c.sent == 4,
    )
    .await;

    // Daily cap: 6 a day; 4 already went today.
    policy::save(
        &t.db,
        &SendPolicy {
            daily_cap: Some(6),
            quiet: None,
            ..SendPolicy::unlimited()
        },
    )
    .await
    .unwrap();
    let j2 = outbox::enqueue(&t.db, job_from(100, 4, 10)).await.unwrap();
    eng.stop.cancel();
    let _ = eng.task.await;
    let eng = run(&t.db, fake.clone(), fast());
    wait_for(&t.db, j2.id, "cap reached", Duration::from_secs(10), |c| {
        c.sent == 2
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        outbox::counts(&t.db, j2.id).await.unwrap().sent,
        2,
        "sent past the cap"
    );
    let s = outbox::session_row(&t.db, "default")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.hold_reason.as_deref(), Some("daily_cap"));
    // The admin raises the cap: the rest go.
    policy::save(
        &t.db,
        &SendPolicy {
            daily_cap: Some(20),
            quiet: None,
            ..SendPolicy::unlimited()
        },
    )
    .await
    .unwrap();
    wait_for(
        &t.db,
        j2.id,
        "released after raising the cap",
        Duration::from_secs(10),
        |c| c.sent == 4,
    )
    .await;
    assert_each_once(&fake, 8);
    eng.stop().await;
    t.cleanup().await;
}

#[tokio::test]
async fn a_full_wave_rests_and_the_next_wave_goes_after_the_rest() {
    for t in testing::all().await {
        policy::save(
            &t.db,
            &SendPolicy {
                daily_cap: None,
                quiet: None,
                waves: Some(Waves {
                    size: 3,
                    pause_mins: 1,
                }),
                warmup: None,
                guard: None,
            },
        )
        .await
        .unwrap();
        let fake = Fake::with(|_| {});
        let j = outbox::enqueue(&t.db, job(5, 10)).await.unwrap();
        let eng = run(&t.db, fake.clone(), fast());
        wait_for(&t.db, j.id, "first wave", Duration::from_secs(10), |c| {
            c.sent == 3
        })
        .await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(
            outbox::counts(&t.db, j.id).await.unwrap().sent,
            3,
            "sent past the wave ({})",
            t.backend
        );
        let s = outbox::session_row(&t.db, "default")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.hold_reason.as_deref(), Some("wave_pause"));
        let rest_ends = s.hold_until.expect("the rest's end is shown");
        assert!(rest_ends > Utc::now() + chrono::Duration::seconds(50));
        // A minute and more passes (the wave's sends are moved back in time): the rest is over.
        send_items::Entity::update_many()
            .col_expr(
                send_items::Column::SentAt,
                Expr::value(Utc::now() - chrono::Duration::minutes(2)),
            )
            .filter(send_items::Column::SentAt.is_not_null())
            .exec(&t.db)
            .await
            .unwrap();
        wait_for(&t.db, j.id, "second wave", Duration::from_secs(10), |c| {
            c.sent == 5
        })
        .await;
        assert_each_once(&fake, 5);
        eng.stop().await;
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_new_number_is_capped_by_its_warm_up_until_the_owner_says_it_is_old() {
    for t in testing::all().await {
        let w = WarmUp {
            days: 14,
            first_cap: 2,
            step: 1,
        };
        policy::save(
            &t.db,
            &SendPolicy {
                daily_cap: None,
                quiet: None,
                waves: None,
                warmup: Some(w),
                guard: None,
            },
        )
        .await
        .unwrap();
        // The session works as a number Tagih sees for the first time (nothing sent before).
        let now = Utc::now();
        outbox::ensure_session(&t.db, "default", now).await.unwrap();
        wa_sessions::Entity::update_many()
            .col_expr(wa_sessions::Column::MeId, Expr::value("6281111@c.us"))
            .exec(&t.db)
            .await
            .unwrap();
        warmup::record_working(&t.db, "default", "6281111@c.us", now)
            .await
            .unwrap();
        let row = outbox::session_row(&t.db, "default")
            .await
            .unwrap()
            .unwrap();
        let today = now.with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
        assert_eq!(
            warmup::state(&t.db, &row, &w, today, chrono_tz::Asia::Jakarta)
                .await
                .unwrap(),
            Some(warmup::WarmState { day: 1, cap: 2 }),
            "{}",
            t.backend
        );

        let fake = Fake::with(|_| {});
        let j = outbox::enqueue(&t.db, job(4, 10)).await.unwrap();
        let eng = run(&t.db, fake.clone(), fast());
        wait_for(&t.db, j.id, "day 1's cap", Duration::from_secs(10), |c| {
            c.sent == 2
        })
        .await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(
            outbox::counts(&t.db, j.id).await.unwrap().sent,
            2,
            "sent past the warm-up cap"
        );
        let s = outbox::session_row(&t.db, "default")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.hold_reason.as_deref(), Some("warm_up"));
        // Held, not failed; the owner marks the number as old and the rest go.
        assert_eq!(outbox::counts(&t.db, j.id).await.unwrap().failed, 0);
        assert!(
            warmup::skip(&t.db, "6281111@c.us", Utc::now())
                .await
                .unwrap()
        );
        wait_for(
            &t.db,
            j.id,
            "after skipping the warm-up",
            Duration::from_secs(10),
            |c| c.sent == 4,
        )
        .await;
        assert_each_once(&fake, 4);
        eng.stop().await;

        // A second number linked later starts its own warm-up today, even though the session
        // has sent before; seen again, its first day does not move.
        warmup::record_working(&t.db, "default", "6282222@c.us", Utc::now())
            .await
            .unwrap();
        let second = wa_accounts::Entity::find_by_id("6282222@c.us".to_owned())
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        assert!(second.first_working_at > now);
        warmup::record_working(
            &t.db,
            "default",
            "6282222@c.us",
            Utc::now() + chrono::Duration::days(3),
        )
        .await
        .unwrap();
        let again = wa_accounts::Entity::find_by_id("6282222@c.us".to_owned())
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.first_working_at, second.first_working_at);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_install_upgraded_with_history_does_not_warm_up_its_old_number() {
    let t = testing::sqlite().await;
    no_holds(&t.db).await;
    let fake = Fake::with(|_| {});
    let j = outbox::enqueue(&t.db, job(2, 10)).await.unwrap();
    let eng = run(&t.db, fake.clone(), fast());
    wait_for(&t.db, j.id, "history", Duration::from_secs(10), |c| {
        c.sent == 2
    })
    .await;
    eng.stop().await;
    // Weeks of sends before the record existed.
    let long_ago = Utc::now() - chrono::Duration::days(40);
    send_items::Entity::update_many()
        .col_expr(send_items::Column::SentAt, Expr::value(long_ago))
        .exec(&t.db)
        .await
        .unwrap();
    warmup::record_working(&t.db, "default", "6281111@c.us", Utc::now())
        .await
        .unwrap();
    let a = wa_accounts::Entity::find_by_id("6281111@c.us".to_owned())
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.first_working_at.timestamp(), long_ago.timestamp());
    t.cleanup().await;
}

#[tokio::test]
async fn two_instances_share_the_queue_without_sending_twice_and_keep_the_pace() {
    for t in testing::all().await {
        no_holds(&t.db).await;
        let fake = Fake::with(|_| {});
        let j = outbox::enqueue(&t.db, job(12, 100)).await.unwrap();
        let a = run(&t.db, fake.clone(), fast());
        let b = run(&t.db, fake.clone(), fast());
        wait_for(&t.db, j.id, "all sent", Duration::from_secs(30), |c| {
            c.sent == 12
        })
        .await;
        assert_each_once(&fake, 12);
        let sent = fake.sent();
        for w in sent.windows(2) {
            assert!(
                w[1].2 - w[0].2 >= Duration::from_millis(95),
                "gap under 0.95 × delay"
            );
        }
        a.stop().await;
        b.stop().await;
        t.cleanup().await;
    }
}

#[tokio::test]
async fn rate_limiting_slows_down_then_carries_on() {
    let t = testing::sqlite().await;
    no_holds(&t.db).await;
    let fake = Fake::with(|s| {
        s.script.push_back(Failure::new(
            FailureKind::RateLimited,
            "rate_overlimit",
            "WhatsApp meminta pengiriman diperlambat.",
        ));
    });
    let j = outbox::enqueue(&t.db, job(3, 50)).await.unwrap();
    let eng = run(&t.db, fake.clone(), fast());
    wait_for(&t.db, j.id, "all sent", Duration::from_secs(20), |c| {
        c.sent == 3
    })
    .await;
    assert_each_once(&fake, 3);
    let s = outbox::session_row(&t.db, "default")
        .await
        .unwrap()
        .unwrap();
    assert!(s.slowdown >= 1);
    let first = send_items::Entity::find()
        .order_by_asc(send_items::Column::Id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.attempts, 1, "a rate limit is not the message's fault");
    eng.stop().await;
    t.cleanup().await;
}

#[tokio::test]
async fn the_admin_can_pause_resume_cancel_resend_failed_and_decide_unknown_items() {
    for t in testing::all().await {
        no_holds(&t.db).await;
        let db = &t.db;
        let now = Utc::now();
        let j = outbox::enqueue(db, job(4, 10)).await.unwrap();
        assert!(outbox::pause_job(db, j.id, now).await.unwrap());
        let fake = Fake::with(|s| {
            s.not_on_wa.insert("6281200000000".into());
            s.script.push_back(Failure::new(
                FailureKind::Recipient,
                "invalid_number",
                "Nomor tidak valid.",
            ));
        });
        let eng = run(db, fake.clone(), fast());
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(fake.sent().is_empty(), "a paused job sent something");
        assert!(outbox::resume_job(db, j.id, now).await.unwrap());
        let c = wait_for(db, j.id, "finished", Duration::from_secs(10), |c| {
            c.sent + c.failed == 4
        })
        .await;
        assert_eq!((c.sent, c.failed), (2, 2));
        // Resend the failed ones: the invalid-number failure is retried, not-on-WhatsApp is not.
        assert_eq!(
            outbox::resend_failed(db, j.id, Utc::now()).await.unwrap(),
            1
        );
        let c = wait_for(db, j.id, "resent", Duration::from_secs(10), |c| c.sent == 3).await;
        assert_eq!(c.failed, 1);
        assert_each_once(&fake, 3);

        // Cancel: what was not sent is cancelled and never goes.
        let j2 = outbox::enqueue(db, job_from(50, 3, 10)).await.unwrap();
        outbox::pause_job(db, j2.id, Utc::now()).await.unwrap();
        assert!(outbox::cancel_job(db, j2.id, Utc::now()).await.unwrap());
        let c = outbox::counts(db, j2.id).await.unwrap();
        assert_eq!(c.cancelled, 3);
        assert_eq!(job_row(db, j2.id).await.state, JobState::Cancelled.as_str());
        eng.stop().await;
        t.cleanup().await;
    }
}
