//! The sending engine inside real `tagih serve` processes, killed and restarted, against
//! waha-sim: nothing lost, nothing sent twice, and the pace kept across instances (issue 6 b, c).
//! The simulator runs in this test process, so its record survives every kill.

use super::harness::text_job;
use app::{
    domain::sending::SendPolicy,
    dto::sending::JobCounts,
    server::{
        engine::{outbox, policy},
        testing::{self, TestDb},
    },
};
use rand::Rng;
use sea_orm::{DatabaseConnection, EntityTrait};
use server::waha_sim::{SimHandle, SimOptions};
use std::{
    process::Stdio,
    time::{Duration, Instant},
};
use tokio::process::{Child, Command};

const KEY: &str = "kunci-chaos-0123456789";

async fn working_sim(latency_ms: u64, reply_delay_ms: u64) -> SimHandle {
    let sim = super::harness::working_sim(SimOptions::fast(KEY)).await;
    super::harness::put_faults(
        &sim,
        serde_json::json!({ "latencyMs": latency_ms, "replyDelayMs": reply_delay_ms }),
    )
    .await;
    sim
}

/// A job of `n` recipients on the test database, with no quiet hours or cap in the way.
async fn queue(db: &DatabaseConnection, n: usize, delay_ms: i64) -> (i32, Vec<String>) {
    policy::save(db, &SendPolicy::unlimited()).await.unwrap();
    let numbers: Vec<String> = (0..n).map(|i| format!("6281400{i:05}")).collect();
    let job = outbox::enqueue(db, text_job(&numbers, delay_ms))
        .await
        .unwrap();
    (job.id, numbers)
}

/// `tagih serve` on the test database, sending through the simulator.
fn tagih(t: &TestDb, sim: &SimHandle, dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tagih"))
        .arg("serve")
        // No stray .env from the checkout.
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", &t.url)
        .env("TAGIH_BIND", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", dir)
        .env("WAHA_URL", sim.url())
        .env("WAHA_API_KEY", KEY)
        .env("TAGIH_SEND_LEASE_MS", "300")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start tagih")
}

async fn counts(db: &DatabaseConnection, job: i32) -> JobCounts {
    outbox::counts(db, job).await.unwrap()
}

/// Each number received exactly one message, its own.
async fn assert_each_once(sim: &SimHandle, numbers: &[String]) {
    super::harness::assert_each_once(
        &super::harness::sim_list(sim, "/_sim/messages").await,
        numbers,
    );
}

async fn wait_done(db: &DatabaseConnection, job: i32, within: Duration) -> JobCounts {
    let deadline = Instant::now() + within;
    loop {
        let c = counts(db, job).await;
        if c.pending + c.sending == 0 {
            return c;
        }
        assert!(Instant::now() < deadline, "job stuck: {c:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Issue 6 (b): SIGKILL the server at random moments of a 200-item job, restarting it each
/// time. Killed mid-send, an item is looked up in the chat before any resend: nothing is lost
/// and nothing is sent twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_server_at_random_moments_loses_nothing_and_repeats_nothing() {
    // A slow answer after the message went out: most kills land between "WhatsApp has it" and
    // "Tagih wrote it down", the moment a naive resend would duplicate.
    let sim = working_sim(5, 60).await;
    let t = testing::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let (job, numbers) = queue(&t.db, 200, 20).await;
    let mut rng = rand::thread_rng();
    let mut kills = 0;
    let mut sent_at_kill = Vec::new();
    while kills < 12 {
        let before = counts(&t.db, job).await.sent;
        let mut child = tagih(&t, &sim, dir.path());
        // Let it start sending (a restart first waits out the dead instance's lease), then kill
        // it at a random moment.
        let deadline = Instant::now() + Duration::from_secs(20);
        while counts(&t.db, job).await.sent == before {
            assert!(Instant::now() < deadline, "a restarted server never sent");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(0..400))).await;
        child.start_kill().unwrap(); // SIGKILL
        let _ = child.wait().await;
        kills += 1;
        let c = counts(&t.db, job).await;
        sent_at_kill.push(c.sent);
        assert!(c.sent < 200, "the job ended before the {kills}th kill");
    }
    let mut last = tagih(&t, &sim, dir.path());
    let c = wait_done(&t.db, job, Duration::from_secs(90)).await;
    last.start_kill().unwrap();
    let _ = last.wait().await;
    assert_eq!((c.sent, c.failed, c.unknown), (200, 0, 0), "{c:?}");
    assert_each_once(&sim, &numbers).await;
    let verified = app::server::entity::send_items::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .iter()
        .filter(|i| i.attempts > 1)
        .count();
    eprintln!("killed at sent = {sent_at_kill:?}; {verified} items took more than one attempt");
    t.cleanup().await;
}

/// Issue 6 (c): two server instances on one PostgreSQL. One holds the session's send slot;
/// when it is stopped (SIGTERM) and later killed (SIGKILL) the other takes over. No message is
/// sent twice and the gap between sends never drops below 0.95 × the configured delay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_postgres_never_send_twice_and_keep_the_gap() {
    let Some(t) = testing::postgres().await else {
        eprintln!("skipped: set {} to run it", testing::POSTGRES_ENV);
        return;
    };
    const DELAY_MS: i64 = 150;
    let sim = working_sim(5, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let (job, numbers) = queue(&t.db, 40, DELAY_MS).await;
    let mut instances = vec![tagih(&t, &sim, dir.path()), tagih(&t, &sim, dir.path())];

    // The instance holding the slot: its id starts with its process id.
    async fn holder(db: &DatabaseConnection, instances: &[Child]) -> Option<usize> {
        let s = outbox::session_row(db, "default").await.unwrap()?;
        let pid: u32 = s.lease_owner?.split('-').next()?.parse().ok()?;
        instances.iter().position(|c| c.id() == Some(pid))
    }
    async fn sent_reaches(db: &DatabaseConnection, job: i32, n: u64) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while counts(db, job).await.sent < n {
            assert!(Instant::now() < deadline, "stuck before {n} sent");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    sent_reaches(&t.db, job, 10).await;
    let h = holder(&t.db, &instances)
        .await
        .expect("someone holds the slot");
    let pid = instances[h].id().unwrap();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let _ = instances[h].wait().await;
    // A graceful stop finishes or releases its send: nothing is left claimed by it.
    let stranded = app::server::entity::send_items::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|i| {
            i.state == "sending"
                && i.claimed_by
                    .as_deref()
                    .is_some_and(|c| c.starts_with(&format!("{pid}-")))
        })
        .count();
    assert_eq!(stranded, 0, "SIGTERM left an item claimed");
    instances[h] = tagih(&t, &sim, dir.path());

    sent_reaches(&t.db, job, 25).await;
    let h = holder(&t.db, &instances)
        .await
        .expect("someone holds the slot");
    instances[h].start_kill().unwrap();
    let _ = instances[h].wait().await;
    instances[h] = tagih(&t, &sim, dir.path());

    let c = wait_done(&t.db, job, Duration::from_secs(60)).await;
    for mut i in instances {
        let _ = i.start_kill();
        let _ = i.wait().await;
    }
    assert_eq!((c.sent, c.failed, c.unknown), (40, 0, 0), "{c:?}");
    assert_each_once(&sim, &numbers).await;

    // The pace, as WAHA saw it: accepted sends in the order they were answered.
    let mut at: Vec<i64> = super::harness::sim_list(&sim, "/_sim/requests")
        .await
        .iter()
        .filter(|r| r["path"] == "/api/sendText" && r["status"] == 201)
        .map(|r| r["at"].as_i64().unwrap())
        .collect();
    at.sort_unstable();
    let min_gap = at.windows(2).map(|w| w[1] - w[0]).min().unwrap();
    assert!(
        min_gap as f64 >= 0.95 * DELAY_MS as f64,
        "two sends {min_gap} ms apart (delay {DELAY_MS} ms)"
    );
    eprintln!("smallest gap between sends: {min_gap} ms (delay {DELAY_MS} ms)");
    t.cleanup().await;
}
