//! The sending engine through the real WAHA client (`WahaChannel`) against waha-sim: what the
//! simulator received is exactly what was queued, recipients without WhatsApp fail alone, and
//! WhatsApp's 463 lock pauses the job for the admin.

use app::{
    domain::sending::{Pacing, SendPolicy},
    server::{
        Config,
        engine::{
            self, EngineHandle,
            outbox::{self, Counts, NewItem, NewJob},
            policy,
        },
        entity::{send_items, send_jobs},
        waha::{WahaChannel, http_client},
    },
};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::{Value, json};
use server::waha_sim::{self, Faults, SimHandle, SimOptions};
use std::{sync::Arc, time::Duration};
use tokio_util::sync::CancellationToken;

const KEY: &str = "kunci-engine-0123456789";

fn job(numbers: &[&str]) -> NewJob {
    NewJob {
        kind: "bulk",
        template_kind: "invoice".into(),
        wa_session: "default".into(),
        pacing: Pacing {
            delay_ms: 20,
            jitter_ms: 0,
        },
        description: None,
        created_by: None,
        items: numbers
            .iter()
            .map(|n| NewItem {
                invoice_id: None,
                customer_id: None,
                wa_number: n.to_string(),
                chat_id: format!("{n}@c.us"),
                body: format!("Tagihan untuk {n}"),
            })
            .collect(),
    }
}

async fn working_sim(opts: SimOptions) -> SimHandle {
    let sim = waha_sim::spawn(opts).await.unwrap();
    let http = reqwest::Client::new();
    let post = |p: &str| {
        http.post(format!("{}{p}", sim.url()))
            .header("X-Api-Key", KEY)
    };
    assert!(
        post("/api/sessions/default/start")
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
    );
    for _ in 0..200 {
        if http
            .post(format!("{}/_sim/sessions/default/scan", sim.url()))
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
        {
            return sim;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the sim never showed a QR");
}

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
    policy::save(
        &t.db,
        &SendPolicy {
            daily_cap: None,
            quiet: None,
        },
    )
    .await
    .unwrap();
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
        channel,
        cfg,
        EngineHandle::default(),
        stop.clone(),
    );
    (t.db.clone(), stop, task, t)
}

async fn wait(
    db: &DatabaseConnection,
    job: i32,
    done: impl Fn(&Counts, &send_jobs::Model) -> bool,
) -> Counts {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let c = outbox::counts(db, job).await.unwrap();
        let j = send_jobs::Entity::find_by_id(job)
            .one(db)
            .await
            .unwrap()
            .unwrap();
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

async fn sim_messages(sim: &SimHandle) -> Vec<Value> {
    reqwest::get(format!("{}/_sim/messages", sim.url()))
        .await
        .unwrap()
        .json::<Vec<Value>>()
        .await
        .unwrap()
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
    let j = outbox::enqueue(&db, job(&["628120000001", "628120000002", "628120000003"]))
        .await
        .unwrap();
    let c = wait(&db, j.id, |c, _| c.sent + c.failed == 3).await;
    assert_eq!((c.sent, c.failed), (2, 1));

    let got: Vec<(String, String)> = sim_messages(&sim)
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
    let msgs = sim_messages(&sim).await;
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
    let j = outbox::enqueue(&db, job(&["628120000001", "628120000002", "628120000003"]))
        .await
        .unwrap();
    wait(&db, j.id, |_, j| j.state == "paused").await;
    let row = send_jobs::Entity::find_by_id(j.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert!(!row.auto_resume, "463 must wait for the admin");
    assert_eq!(sim_messages(&sim).await.len(), 1);
    let faults = reqwest::Client::new()
        .put(format!("{}/_sim/faults", sim.url()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert!(faults.status().is_success());
    // Still paused: nothing more was sent without the admin.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sim_messages(&sim).await.len(), 1);
    stop.cancel();
    let _ = task.await;
    t.cleanup().await;
}
