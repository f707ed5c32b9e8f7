//! `tagih-bench engine`: what the sending engine costs on top of the WAHA calls it
//! makes, and how long "Kirim Semua" takes to queue a big job. A measurement kept in the repo
//! (`make bench-engine`), not a test.
//!
//! 1. A plain reqwest loop sends N messages to an in-process waha-sim, one after another.
//! 2. The engine sends N queued messages (delay 0) to a fresh simulator through the real WAHA
//!    client, to customers whose WhatsApp check is known (the steady state of a monthly run).
//!    The ratio of the two per-message times is the engine's overhead: claims, fencing, pacing
//!    state and outcome, all durable in the database before the next send.
//! 3. The same for first contacts: check-exists + sendText in both.
//! 4. Queueing: one transaction of 10,000 items, and the whole "Kirim Semua" path (filter,
//!    sort, render every message, queue) over 10,000 demo invoices.

use crate::{
    bench::{self, BenchArgs},
    waha_sim::{self, Faults, SimHandle, SimOptions},
};
use app::{
    domain::sending::{JobKind, Pacing, SendPolicy},
    dto::{
        invoices::InvoiceQuery,
        messages::{BulkRequest, TemplateChoice},
    },
    server::{
        AppState, Config,
        engine::{
            self, EngineHandle,
            outbox::{self, NewItem, NewJob},
            policy,
        },
        entity::customers,
        messages::bulk,
        waha::{WahaChannel, http_client},
    },
};
use chrono::Utc;
use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, EntityTrait, Set};
use std::{
    sync::Arc,
    time::{Duration, Instant},
};
use tokio_util::sync::CancellationToken;

const KEY: &str = "bench-engine-key-0123456789";

pub struct EngineBenchArgs {
    pub postgres_admin_url: Option<String>,
    pub messages: usize,
    pub recipients: usize,
}

async fn working_sim() -> Result<SimHandle, String> {
    let sim = waha_sim::spawn(SimOptions {
        faults: Faults {
            // Acks would add webhook work to the simulator in one run and not the other.
            never_ack: true,
            seed: 1,
            ..Faults::default()
        },
        ..SimOptions::fast(KEY)
    })
    .await
    .map_err(|e| e.to_string())?;
    let http = reqwest::Client::new();
    http.post(format!("{}/api/sessions/default/start", sim.url()))
        .header("X-Api-Key", KEY)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    for _ in 0..500 {
        let r = http
            .post(format!("{}/_sim/sessions/default/scan", sim.url()))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if r.status().is_success() {
            return Ok(sim);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err("waha-sim never offered a QR".into())
}

fn number(i: usize) -> String {
    format!("62815{i:08}")
}

/// A plain reqwest loop: `n` messages, optionally each after a check-exists.
async fn plain_loop(sim: &SimHandle, n: usize, check_first: bool) -> Result<Duration, String> {
    let http = reqwest::Client::new();
    let t0 = Instant::now();
    for i in 0..n {
        let num = number(i);
        if check_first {
            let r = http
                .get(format!("{}/api/contacts/check-exists", sim.url()))
                .query(&[("phone", num.as_str()), ("session", "default")])
                .header("X-Api-Key", KEY)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let _ = r.bytes().await;
        }
        let r = http
            .post(format!("{}/api/sendText", sim.url()))
            .header("X-Api-Key", KEY)
            .json(&serde_json::json!({
                "session": "default",
                "chatId": format!("{num}@c.us"),
                "text": format!("Tagihan untuk {num}"),
            }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if r.status().as_u16() != 201 {
            return Err(format!("sendText answered {}", r.status()));
        }
        let _ = r.bytes().await;
    }
    Ok(t0.elapsed())
}

/// `n` customers whose WhatsApp check is already known.
async fn known_customers(db: &DatabaseConnection, n: usize) -> Result<Vec<i32>, String> {
    let now = Utc::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let rows = chunk.iter().map(|i| {
            let num = number(*i);
            customers::ActiveModel {
                code: Set(format!("BEN-{i:06}")),
                name: Set(format!("Pelanggan {i}")),
                phone: Set(Some(format!("0{}", &num[2..]))),
                phone_status: Set("valid".into()),
                wa_number: Set(Some(num.clone())),
                wa_chat_id: Set(Some(format!("{num}@c.us"))),
                wa_exists: Set(Some(true)),
                wa_checked_at: Set(Some(now)),
                address: Set(None),
                package_id: Set(None),
                price_override: Set(None),
                billing_day: Set(1),
                status: Set("active".into()),
                notes: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        });
        customers::Entity::insert_many(rows)
            .exec(db)
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut ids: Vec<i32> = customers::Entity::find()
        .all(db)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|c| c.id)
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

fn job(items: Vec<NewItem>) -> NewJob {
    NewJob {
        kind: JobKind::Bulk,
        template_kind: "invoice".into(),
        wa_session: "default".into(),
        pacing: Pacing {
            delay_ms: 0,
            jitter_ms: 0,
        },
        description: None,
        created_by: None,
        items,
    }
}

/// Runs the engine over one job of `n` messages; the time from queueing to the job's end.
async fn engine_run(
    db: &DatabaseConnection,
    sim: &SimHandle,
    n: usize,
    customer_ids: Option<&[i32]>,
) -> Result<Duration, String> {
    let url = sim.url();
    let config = Config::from_lookup(|k| match k {
        "WAHA_URL" => Some(url.clone()),
        "WAHA_API_KEY" => Some(KEY.into()),
        _ => None,
    })
    .map_err(|e| e.to_string())?;
    let channel = Arc::new(WahaChannel::new(
        db.clone(),
        Arc::new(config.clone()),
        http_client(Default::default()),
    ));
    let handle = EngineHandle::default();
    let stop = CancellationToken::new();
    let task = engine::spawn(
        db.clone(),
        engine::Ports::channel_only(channel),
        config.engine(),
        handle.clone(),
        stop.clone(),
    );
    let items = (0..n)
        .map(|i| {
            let num = number(i);
            NewItem {
                invoice_id: None,
                customer_id: customer_ids.map(|c| c[i]),
                chat_id: format!("{num}@c.us"),
                body: format!("Tagihan untuk {num}"),
                wa_number: num,
                statement_total: None,
                customers: Vec::new(),
            }
        })
        .collect();
    let t0 = Instant::now();
    let j = outbox::enqueue(db, job(items))
        .await
        .map_err(|e| e.to_string())?;
    handle.wake();
    loop {
        let c = outbox::counts(db, j.id).await.map_err(|e| e.to_string())?;
        if c.pending + c.sending == 0 {
            if c.sent != n as u64 {
                return Err(format!("engine run ended with {c:?}"));
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let took = t0.elapsed();
    stop.cancel();
    let _ = task.await;
    Ok(took)
}

async fn fresh(args: &EngineBenchArgs) -> Result<bench::Target, String> {
    let t = bench::open(&BenchArgs {
        database_url: None,
        postgres_admin_url: args.postgres_admin_url.clone(),
        customers: 0,
        months: 0,
        iterations: 0,
    })
    .await?;
    Migrator::up(&t.db, None).await.map_err(|e| e.to_string())?;
    policy::save(&t.db, &SendPolicy::unlimited())
        .await
        .map_err(|e| e.to_string())?;
    Ok(t)
}

fn per_msg(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1000.0 / n as f64
}

pub async fn run(args: EngineBenchArgs) -> Result<(), String> {
    let n = args.messages;
    let t = fresh(&args).await?;
    let label = t.label.clone();
    bench::close(t).await;
    println!("## Sending engine benchmark: {label}");
    println!();
    println!("Overhead per message at delay 0, {n} messages, waha-sim on loopback:");
    println!();
    println!("| path | total s | ms / message | engine ÷ plain |");
    println!("|---|---:|---:|---:|");

    // Known numbers: sendText only.
    let sim = working_sim().await?;
    let plain = plain_loop(&sim, n, false).await?;
    sim.stop().await;
    let sim = working_sim().await?;
    let t = fresh(&args).await?;
    let ids = known_customers(&t.db, n).await?;
    let eng = engine_run(&t.db, &sim, n, Some(&ids)).await;
    bench::close(t).await;
    sim.stop().await;
    let eng = eng?;
    println!(
        "| plain reqwest loop: sendText | {:.2} | {:.2} | |",
        plain.as_secs_f64(),
        per_msg(plain, n)
    );
    println!(
        "| engine, known numbers: sendText | {:.2} | {:.2} | {:.2} |",
        eng.as_secs_f64(),
        per_msg(eng, n),
        eng.as_secs_f64() / plain.as_secs_f64()
    );

    // First contacts: check-exists + sendText.
    let sim = working_sim().await?;
    let plain = plain_loop(&sim, n, true).await?;
    sim.stop().await;
    let sim = working_sim().await?;
    let t = fresh(&args).await?;
    let eng = engine_run(&t.db, &sim, n, None).await;
    bench::close(t).await;
    sim.stop().await;
    let eng = eng?;
    println!(
        "| plain reqwest loop: check-exists + sendText | {:.2} | {:.2} | |",
        plain.as_secs_f64(),
        per_msg(plain, n)
    );
    println!(
        "| engine, first contacts: check-exists + sendText | {:.2} | {:.2} | {:.2} |",
        eng.as_secs_f64(),
        per_msg(eng, n),
        eng.as_secs_f64() / plain.as_secs_f64()
    );

    // Queueing a big job.
    let r = args.recipients;
    println!();
    println!("Queueing {r} recipients:");
    println!();
    println!("| step | seconds |");
    println!("|---|---:|");
    let t = fresh(&args).await?;
    let items: Vec<NewItem> = (0..r)
        .map(|i| {
            let num = number(i);
            NewItem {
                invoice_id: None,
                customer_id: None,
                chat_id: format!("{num}@c.us"),
                // About the length of the default invoice message.
                body: format!("Tagihan untuk {num}. {}", "x".repeat(380)),
                wa_number: num,
                statement_total: None,
                customers: Vec::new(),
            }
        })
        .collect();
    let t0 = Instant::now();
    let queued = outbox::enqueue(&t.db, job(items)).await;
    let enqueue = t0.elapsed();
    bench::close(t).await;
    queued.map_err(|e| e.to_string())?;
    println!(
        "| one transaction of {r} items (outbox::enqueue) | {:.3} |",
        enqueue.as_secs_f64()
    );

    let t = fresh(&args).await?;
    let result = kirim_semua(&t.db, r).await;
    bench::close(t).await;
    let (seed_secs, plan, send, ready) = result?;
    println!("| (seed {r} demo customers and this month's invoices: {seed_secs:.1} s) | |");
    println!(
        "| \"Kirim Semua\" plan: filter, sort, counts, first preview | {:.3} |",
        plan.as_secs_f64()
    );
    println!(
        "| \"Kirim Semua\" send: filter, render {ready} messages, queue one job | {:.3} |",
        send.as_secs_f64()
    );
    Ok(())
}

/// The whole bulk path over `r` demo invoices of this month.
async fn kirim_semua(
    db: &DatabaseConnection,
    r: usize,
) -> Result<(f64, Duration, Duration, u64), String> {
    let tz = chrono_tz::Asia::Jakarta;
    let today = app::server::billing::clock::today(tz);
    let report = crate::seed::seed_demo(db, r, 1, today, tz, 7).await?;
    let config = Config::from_lookup(|_| None).map_err(|e| e.to_string())?;
    let options = crate::leptos_options(&config);
    let state = AppState::new(config, db.clone(), options);
    let request = BulkRequest {
        query: InvoiceQuery {
            period: app::domain::dates::Period::of(today).to_string(),
            ..Default::default()
        },
        template: TemplateChoice::Auto,
        pacing: "original".into(),
        delay_secs: String::new(),
        jitter_secs: String::new(),
        combine_shared: true,
    };
    let t0 = Instant::now();
    let plan = bulk::plan(&state, &request)
        .await
        .map_err(|e| e.to_string())?;
    let plan_time = t0.elapsed();
    let t0 = Instant::now();
    bulk::send(&state, 1, &request)
        .await
        .map_err(|e| e.to_string())?;
    Ok((report.total_secs, plan_time, t0.elapsed(), plan.ready))
}
