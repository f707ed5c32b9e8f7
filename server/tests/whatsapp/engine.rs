//! The sending engine through the real WAHA client (`WahaChannel`) against waha-sim: what the
//! simulator received is exactly what was queued, recipients without WhatsApp fail alone, and
//! WhatsApp's 463 lock pauses the job for the admin.

use super::harness::{assert_each_once, put_faults, sim_list, text_job, working_sim};
use app::{
    domain::sending::SendPolicy,
    dto::sending::JobCounts,
    server::{
        Config,
        engine::{self, EngineHandle, outbox, policy},
        entity::{send_items, send_jobs},
        waha::{WahaChannel, http_client},
    },
};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::json;
use server::waha_sim::{self, Faults, SimHandle, SimOptions};
use std::{sync::Arc, time::Duration};
use tokio_util::sync::CancellationToken;

const KEY: &str = "kunci-engine-0123456789";

async fn engine_on(
    sim: &SimHandle,
) -> (
    DatabaseConnection,
    CancellationToken,
    tokio::task::JoinHandle<()>,
    app::server::testing::TestDb,
) {
    let t = app::server::testing::sqlite().await;
    let url = sim.url();
    let config = Config::from_lookup(|k| match k {
        "WAHA_URL" => Some(url.clone()),
        "WAHA_API_KEY" => Some(KEY.into()),
        _ => None,
    })
    .unwrap();
    policy::save(&t.db, &SendPolicy::unlimited()).await.unwrap();
    let mut cfg = config.engine().with_lease(Duration::from_millis(600));
    cfg.retry_scale = 0.002;
    let channel = Arc::new(WahaChannel::new(
        t.db.clone(),
        Arc::new(config),
        http_client(Default::default()),
    ));
    let stop = CancellationToken::new();
    let task = engine::spawn(
        t.db.clone(),
        engine::Ports::channel_only(channel),
        cfg,
        EngineHandle::default(),
        stop.clone(),
    );
    (t.db.clone(), stop, task, t)
}

async fn wait(
    db: &DatabaseConnection,
    job: i32,
    done: impl Fn(&JobCounts, &send_jobs::Model) -> bool,
) -> JobCounts {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let j = send_jobs::Entity::find_by_id(job)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let c = outbox::counts(db, job).await.unwrap();
        if done(&c, &j) {
            return c;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "job stuck: {c:?} {j:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn queued_messages_reach_waha_once_and_unknown_numbers_fail_alone() {
    let sim = working_sim(SimOptions {
        engine: waha_sim::Engine::Gows,
        not_on_whatsapp: vec!["628120000002".into()],
        ..SimOptions::fast(KEY)
    })
    .await;
    let (db, stop, task, t) = engine_on(&sim).await;
    let j = outbox::enqueue(
        &db,
        text_job(&["628120000001", "628120000002", "628120000003"], 20),
    )
    .await
    .unwrap();
    let c = wait(&db, j.id, |c, _| c.sent + c.failed == 3).await;
    assert_eq!((c.sent, c.failed), (2, 1));

    let got: Vec<(String, String)> = sim_list(&sim, "/_sim/messages")
        .await
        .iter()
        .map(|m| {
            (
                m["chatId"].as_str().unwrap().to_owned(),
                m["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "628120000001@c.us".to_owned(),
                "Tagihan untuk 628120000001".to_owned()
            ),
            (
                "628120000003@c.us".to_owned(),
                "Tagihan untuk 628120000003".to_owned()
            ),
        ]
    );
    let items = send_items::Entity::find()
        .order_by_asc(send_items::Column::Id)
        .all(&db)
        .await
        .unwrap();
    let msgs = sim_list(&sim, "/_sim/messages").await;
    assert_eq!(items[0].wa_message_id.as_deref(), msgs[0]["id"].as_str());
    assert_eq!(items[1].error_code.as_deref(), Some("not_on_whatsapp"));
    assert!(
        items[1]
            .error
            .as_deref()
            .unwrap()
            .contains("tidak terdaftar di WhatsApp")
    );
    stop.cancel();
    let _ = task.await;
    t.cleanup().await;
}

#[tokio::test]
async fn the_463_lock_pauses_the_job_for_the_admin() {
    let sim = working_sim(SimOptions {
        faults: Faults {
            reachout_after: Some(1),
            seed: 1,
            ..Faults::default()
        },
        ..SimOptions::fast(KEY)
    })
    .await;
    let (db, stop, task, t) = engine_on(&sim).await;
    let j = outbox::enqueue(
        &db,
        text_job(&["628120000001", "628120000002", "628120000003"], 20),
    )
    .await
    .unwrap();
    wait(&db, j.id, |_, j| j.state == "paused").await;
    let row = send_jobs::Entity::find_by_id(j.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert!(!row.auto_resume, "463 must wait for the admin");
    assert_eq!(sim_list(&sim, "/_sim/messages").await.len(), 1);
    let faults = reqwest::Client::new()
        .put(format!("{}/_sim/faults", sim.url()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert!(faults.status().is_success());
    // Still paused: nothing more was sent without the admin.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sim_list(&sim, "/_sim/messages").await.len(), 1);
    stop.cancel();
    let _ = task.await;
    t.cleanup().await;
}

/// Numbers 628130000000 + i, one message each.
fn numbers(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("6281300{i:05}")).collect()
}

/// Issue 6 (a): 300 recipients while WAHA answers 500 at random (some after the message went
/// out), responds slowly, and drops to STARTING mid-run. Every number gets exactly one message;
/// the job pauses while WhatsApp reconnects and resumes by itself.
#[tokio::test]
async fn three_hundred_recipients_through_faults_each_get_exactly_one_message() {
    let sim = working_sim(SimOptions {
        start_delay_ms: 300,
        ..SimOptions::fast(KEY)
    })
    .await;
    // Faults only once the session works (the start above would meet them too).
    put_faults(
        &sim,
        json!({
            "latencyMs": 2, "errorRate": 0.03, "lostReplyRate": 0.02, "seed": 6,
            "dropAfter": 120, "dropTo": "STARTING",
        }),
    )
    .await;
    let (db, stop, task, t) = engine_on(&sim).await;
    let numbers = numbers(300);
    let j = outbox::enqueue(&db, text_job(&numbers, 0)).await.unwrap();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let mut pauses = std::collections::BTreeSet::new();
    let c = loop {
        // The job first, then its counts: a job seen done has nothing left open.
        let row = send_jobs::Entity::find_by_id(j.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let c = outbox::counts(&db, j.id).await.unwrap();
        if row.state == "paused" {
            assert!(row.auto_resume, "a reconnect must not wait for the admin");
            pauses.insert(row.pause_reason.clone().unwrap_or_default());
        }
        if row.state == "done" {
            break c;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "job stuck: {c:?} {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert_eq!(
        (c.sent, c.failed, c.unknown, c.pending),
        (300, 0, 0, 0),
        "{c:?}"
    );
    assert!(
        pauses.contains("session_status"),
        "the drop to STARTING never paused the job: {pauses:?}"
    );
    let msgs = sim_list(&sim, "/_sim/messages").await;
    assert_each_once(&msgs, &numbers);
    // The faults really happened: 500s were answered, some after the message went out.
    let requests = sim_list(&sim, "/_sim/requests").await;
    let errors = requests
        .iter()
        .filter(|r| r["path"] == "/api/sendText" && r["status"] == 500)
        .count();
    assert!(
        errors >= 5,
        "too few injected failures to mean anything: {errors}"
    );
    // Every item carries the id WAHA gave its message.
    let items = send_items::Entity::find().all(&db).await.unwrap();
    let ids: std::collections::HashSet<&str> =
        msgs.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(items.iter().all(|i| {
        i.wa_message_id
            .as_deref()
            .is_some_and(|id| ids.contains(id))
    }));
    stop.cancel();
    let _ = task.await;
    t.cleanup().await;
}

/// Issue 6 (e): quiet hours and the daily cap hold items back (nothing reaches WAHA) and
/// release them when the window ends or the admin raises the cap.
#[tokio::test]
async fn quiet_hours_and_the_daily_cap_hold_messages_back_then_release_them() {
    use app::domain::sending::QuietHours;
    let sim = working_sim(SimOptions::fast(KEY)).await;
    let (db, stop, task, t) = engine_on(&sim).await;
    let now = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .naive_local()
        .time();
    let quiet = |cap: Option<u32>, secs: i64| SendPolicy {
        daily_cap: cap,
        quiet: (secs > 0).then(|| QuietHours {
            start: now - chrono::Duration::seconds(1),
            end: now + chrono::Duration::seconds(secs),
        }),
        ..SendPolicy::unlimited()
    };
    // Quiet until two seconds from now.
    policy::save(&db, &quiet(None, 2)).await.unwrap();
    let numbers = numbers(6);
    let j = outbox::enqueue(&db, text_job(&numbers[..3], 20))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        sim_list(&sim, "/_sim/messages").await.is_empty(),
        "sent in quiet hours"
    );
    let s = outbox::session_row(&db, "default").await.unwrap().unwrap();
    assert_eq!(s.hold_reason.as_deref(), Some("quiet_hours"));
    assert!(s.hold_until.is_some());
    let c = wait(&db, j.id, |c, _| c.sent == 3).await;
    assert_eq!(c.sent, 3, "released when the quiet hours ended");

    // A cap of 4 a day: 3 went today, so one more, then the rest waits.
    policy::save(&db, &quiet(Some(4), 0)).await.unwrap();
    let j2 = outbox::enqueue(&db, text_job(&numbers[3..], 20))
        .await
        .unwrap();
    wait(&db, j2.id, |c, _| c.sent == 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sim_list(&sim, "/_sim/messages").await.len(),
        4,
        "sent past the daily cap"
    );
    let s = outbox::session_row(&db, "default").await.unwrap().unwrap();
    assert_eq!(s.hold_reason.as_deref(), Some("daily_cap"));
    // The admin raises the cap: the rest go, and the hold is cleared.
    policy::save(&db, &quiet(Some(10), 0)).await.unwrap();
    wait(&db, j2.id, |c, j| c.sent == 3 && j.state == "done").await;
    let s = outbox::session_row(&db, "default").await.unwrap().unwrap();
    assert_eq!(s.hold_reason, None);
    assert_each_once(&sim_list(&sim, "/_sim/messages").await, &numbers);
    stop.cancel();
    let _ = task.await;
    t.cleanup().await;
}

/// The engine's own channel to the sim, for driving the tick poller at a chosen time.
fn channel_to(sim: &SimHandle, db: &DatabaseConnection) -> WahaChannel {
    let url = sim.url();
    let config = Config::from_lookup(|k| match k {
        "WAHA_URL" => Some(url.clone()),
        "WAHA_API_KEY" => Some(KEY.into()),
        _ => None,
    })
    .unwrap();
    WahaChannel::new(
        db.clone(),
        Arc::new(config),
        http_client(Default::default()),
    )
}

async fn items(db: &DatabaseConnection) -> Vec<send_items::Model> {
    send_items::Entity::find()
        .order_by_asc(send_items::Column::Id)
        .all(db)
        .await
        .unwrap()
}

/// Issue 17: without a webhook (none is registered here) the ticks still come: the engine
/// reads them from each chat, up to "read".
#[tokio::test]
async fn delivery_ticks_come_by_polling_when_there_is_no_webhook() {
    let sim = working_sim(SimOptions::fast(KEY)).await;
    let (db, stop, task, t) = engine_on(&sim).await;
    let j = outbox::enqueue(&db, text_job(&numbers(3), 20))
        .await
        .unwrap();
    wait(&db, j.id, |c, _| c.sent == 3).await;
    let state = sim_list(&sim, "/_sim/webhooks").await;
    assert!(state.is_empty(), "no webhook in this test: {state:?}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let acks: Vec<Option<i16>> = items(&db).await.iter().map(|i| i.ack).collect();
        if acks.iter().all(|a| *a == Some(3)) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "ticks not polled: {acks:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let labels: Vec<_> = items(&db)
        .await
        .iter()
        .map(|i| app::dto::sending::tick_label(i.ack))
        .collect();
    assert!(labels.iter().all(|l| *l == Some("✓✓ Dibaca")), "{labels:?}");
    stop.cancel();
    let _ = task.await;
    t.cleanup().await;
}

/// Issue 17: messages WhatsApp took but never delivered read "tidak diterima" once a day has
/// passed; one whose tick comes late is corrected.
#[tokio::test]
async fn messages_never_delivered_read_as_not_delivered_after_the_timeout() {
    use app::{
        domain::sending::{ACK_NOT_DELIVERED, ACK_TIMEOUT_HOURS},
        server::engine::acks,
    };
    let sim = working_sim(SimOptions {
        faults: Faults {
            never_ack: true,
            seed: 1,
            ..Faults::default()
        },
        ..SimOptions::fast(KEY)
    })
    .await;
    let (db, stop, task, t) = engine_on(&sim).await;
    let j = outbox::enqueue(&db, text_job(&numbers(2), 20))
        .await
        .unwrap();
    wait(&db, j.id, |c, j| c.sent == 2 && j.state == "done").await;
    stop.cancel();
    let _ = task.await;
    let channel = channel_to(&sim, &db);
    let every = Duration::from_secs(60);

    // An hour on: asked, still nothing.
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    let p = acks::poll_once(&db, &channel, every, later).await.unwrap();
    assert_eq!((p.chats, p.ticks, p.timed_out), (2, 0, 0));
    assert!(items(&db).await.iter().all(|i| i.ack.is_none()));

    // A day on: not delivered.
    let day = chrono::Utc::now()
        + chrono::Duration::hours(ACK_TIMEOUT_HOURS)
        + chrono::Duration::minutes(1);
    let p = acks::poll_once(&db, &channel, every, day).await.unwrap();
    assert_eq!(p.timed_out, 2);
    let all = items(&db).await;
    assert!(all.iter().all(|i| i.ack == Some(ACK_NOT_DELIVERED)));
    assert_eq!(
        app::dto::sending::tick_label(all[0].ack),
        Some("✗ Tidak diterima")
    );
    // The phone comes back: WhatsApp delivers the first one after all; its tick wins.
    let id = all[0].wa_message_id.clone().unwrap();
    reqwest::Client::new()
        .post(format!("{}/_sim/messages/{id}/ack", sim.url()))
        .json(&json!({"ack": 2}))
        .send()
        .await
        .unwrap();
    outbox::record_ack(&db, &id, 2, day).await.unwrap();
    assert_eq!(items(&db).await[0].ack, Some(2));
    t.cleanup().await;
}

async fn guard_policy(db: &DatabaseConnection, guard: app::domain::sending::BanGuard) {
    policy::save(
        db,
        &SendPolicy {
            guard: Some(guard),
            ..SendPolicy::unlimited()
        },
    )
    .await
    .unwrap();
}

/// Issue 17: messages that WhatsApp takes but never delivers are an early sign of a ban. The
/// job pauses with an explanation (shown as the WhatsApp warning) and waits for the admin; when
/// the admin resumes, the guard judges only what comes after.
#[tokio::test]
async fn undelivered_messages_pause_the_job_until_the_admin_resumes() {
    use app::{
        domain::sending::{BanGuard, JobAction},
        server::engine::guard,
    };
    let sim = working_sim(SimOptions {
        faults: Faults {
            never_ack: true,
            seed: 1,
            ..Faults::default()
        },
        ..SimOptions::fast(KEY)
    })
    .await;
    let (db, stop, task, t) = engine_on(&sim).await;
    // "Not delivered" at once (minutes cannot pass in a test), judged after 3 messages.
    guard_policy(
        &db,
        BanGuard {
            min_sample: 3,
            undelivered_after_mins: 0,
            ..BanGuard::DEFAULT
        },
    )
    .await;
    let j = outbox::enqueue(&db, text_job(&numbers(12), 20))
        .await
        .unwrap();
    wait(&db, j.id, |_, j| j.state == "paused").await;
    let row = send_jobs::Entity::find_by_id(j.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.pause_reason.as_deref(), Some("ban_signal"));
    assert!(!row.auto_resume, "only the admin resumes");
    let sent = outbox::counts(&db, j.id).await.unwrap().sent;
    assert!((3..12).contains(&sent), "paused after {sent}");
    let warning = guard::warning(&db, "default").await.unwrap().unwrap();
    assert!(warning.contains("belum diterima pelanggan"), "{warning}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        sim_list(&sim, "/_sim/messages").await.len() as u64,
        sent,
        "nothing more went out while paused"
    );

    // The admin resumes: the next messages go (a fresh window), then the same sign stops them.
    outbox::control(&db, j.id, JobAction::Resume, chrono::Utc::now())
        .await
        .unwrap();
    wait(&db, j.id, |c, j| c.sent >= sent + 3 && j.state == "paused").await;
    assert!(guard::warning(&db, "default").await.unwrap().is_some());
    stop.cancel();
    let _ = task.await;
    t.cleanup().await;
}

/// Issue 17: a run of failures pauses the job before it burns through every customer.
#[tokio::test]
async fn failing_sends_pause_the_job_before_it_reaches_everyone() {
    use app::domain::sending::BanGuard;
    let sim = working_sim(SimOptions::fast(KEY)).await;
    put_faults(&sim, json!({"errorRate": 1.0, "seed": 3})).await;
    let (db, stop, task, t) = engine_on(&sim).await;
    guard_policy(
        &db,
        BanGuard {
            min_sample: 3,
            ..BanGuard::DEFAULT
        },
    )
    .await;
    let j = outbox::enqueue(&db, text_job(&numbers(20), 0))
        .await
        .unwrap();
    let c = wait(&db, j.id, |_, j| j.state == "paused").await;
    let row = send_jobs::Entity::find_by_id(j.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.pause_reason.as_deref(), Some("ban_signal"));
    assert!(
        row.pause_detail
            .as_deref()
            .unwrap()
            .contains("pesan terakhir gagal"),
        "{row:?}"
    );
    assert!(c.failed + c.unknown >= 3 && c.pending > 0, "{c:?}");
    stop.cancel();
    let _ = task.await;
    t.cleanup().await;
}

/// Issue 17: a fresh install sends safely without the admin choosing anything.
#[tokio::test]
async fn a_fresh_install_has_the_safe_defaults() {
    use app::domain::sending::{BanGuard, WarmUp, Waves};
    let t = app::server::testing::sqlite().await;
    let p = policy::load(&t.db).await.unwrap();
    assert_eq!(p.waves, Some(Waves::DEFAULT));
    assert_eq!(p.warmup, Some(WarmUp::DEFAULT));
    assert_eq!(p.guard, Some(BanGuard::DEFAULT));
    assert!(p.quiet.is_some());
    t.cleanup().await;
}

/// Issue 17: a newly linked number's cap rises day by day. The clock is moved by dating the
/// number's first WORKING back a day (what a real day later looks like to the engine).
#[tokio::test]
async fn a_new_numbers_warm_up_cap_rises_with_the_days() {
    use app::{
        domain::{sending::WarmUp, whatsapp::SessionStatus},
        server::waha::{Me, service},
    };
    use sea_orm::ConnectionTrait;
    let sim = working_sim(SimOptions::fast(KEY)).await;
    let (db, stop, task, t) = engine_on(&sim).await;
    policy::save(
        &db,
        &SendPolicy {
            warmup: Some(WarmUp {
                days: 14,
                first_cap: 2,
                step: 1,
            }),
            ..SendPolicy::unlimited()
        },
    )
    .await
    .unwrap();
    let me = Me {
        id: "6281299990000@c.us".into(),
        push_name: Some("Net".into()),
    };
    service::record_status(&db, "default", &SessionStatus::Working, Some(&me))
        .await
        .unwrap();
    let j = outbox::enqueue(&db, text_job(&numbers(5), 10))
        .await
        .unwrap();
    wait(&db, j.id, |c, _| c.sent == 2).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(sim_list(&sim, "/_sim/messages").await.len(), 2, "day 1: 2");
    let s = outbox::session_row(&db, "default").await.unwrap().unwrap();
    assert_eq!(s.hold_reason.as_deref(), Some("warm_up"));
    // A day later the cap is 3: one more today (2 already went).
    db.execute_unprepared(&format!(
        "UPDATE wa_accounts SET first_working_at = '{}'",
        (chrono::Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d %H:%M:%S%:z")
    ))
    .await
    .unwrap();
    wait(&db, j.id, |c, _| c.sent == 3).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(sim_list(&sim, "/_sim/messages").await.len(), 3, "day 2: 3");
    stop.cancel();
    let _ = task.await;
    t.cleanup().await;
}

/// Issue 17: a full wave rests, and the next wave goes once the rest is over (moved on by
/// dating the wave's sends back).
#[tokio::test]
async fn a_full_wave_rests_before_the_next_one() {
    use app::domain::sending::Waves;
    use sea_orm::ConnectionTrait;
    let sim = working_sim(SimOptions::fast(KEY)).await;
    let (db, stop, task, t) = engine_on(&sim).await;
    policy::save(
        &db,
        &SendPolicy {
            waves: Some(Waves {
                size: 2,
                pause_mins: 20,
            }),
            ..SendPolicy::unlimited()
        },
    )
    .await
    .unwrap();
    let j = outbox::enqueue(&db, text_job(&numbers(3), 10))
        .await
        .unwrap();
    wait(&db, j.id, |c, _| c.sent == 2).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(sim_list(&sim, "/_sim/messages").await.len(), 2);
    let s = outbox::session_row(&db, "default").await.unwrap().unwrap();
    assert_eq!(s.hold_reason.as_deref(), Some("wave_pause"));
    let until = s.hold_until.unwrap() - chrono::Utc::now();
    assert!(
        until > chrono::Duration::minutes(19),
        "rests 20 minutes: {until}"
    );
    // Twenty minutes later (the sends dated back): the third message goes.
    db.execute_unprepared(&format!(
        "UPDATE send_items SET sent_at = '{}' WHERE sent_at IS NOT NULL",
        (chrono::Utc::now() - chrono::Duration::minutes(21)).format("%Y-%m-%d %H:%M:%S%:z")
    ))
    .await
    .unwrap();
    wait(&db, j.id, |c, j| c.sent == 3 && j.state == "done").await;
    stop.cancel();
    let _ = task.await;
    t.cleanup().await;
}
