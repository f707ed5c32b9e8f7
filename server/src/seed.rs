//! `tagih seed-demo`: realistic demo data (Indonesian names and numbers, several packages,
//! months of invoices and payments) for demos and benchmarks.
//!
//! Invoices are made by the real invoice run, month by month; payments are decided here and
//! written in batches (one transaction per month), allocated oldest first like the service
//! does, so the data looks like months of use.

use app::{
    domain::{
        billing::{InvoiceStatus, customer_code, derive_status},
        dates::Period,
    },
    server::{
        billing::{
            clock,
            customers::{CustomerInput, new_model, validate},
            invoices,
            packages::{self, PackageInput},
            sequence,
            sql::stmt,
        },
        db::begin_write,
        entity::{customers, payment_allocations},
    },
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Set, Value};
use std::{
    collections::{BTreeMap, HashMap},
    time::Instant,
};

/// A small deterministic generator (SplitMix64): the same seed gives the same demo.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// 0..n
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Agus", "Budi", "Siti", "Dewi", "Eko", "Sri", "Joko", "Rina", "Ahmad", "Nur", "Yanti",
    "Hendra", "Wahyu", "Fitri", "Bambang", "Ratna", "Dedi", "Lestari", "Rudi", "Wati", "Slamet",
    "Indah", "Andi", "Putri", "Hadi", "Ayu", "Iwan", "Nining", "Teguh", "Maya", "Yusuf", "Ani",
    "Bayu", "Endang", "Arif", "Ika", "Rizky", "Dian", "Fajar", "Kartini", "Gilang", "Sari", "Imam",
    "Tuti", "Ujang", "Neneng", "Asep", "Euis", "Made", "Ketut", "Wayan", "Nyoman", "Daeng", "Tiur",
    "Rahmat", "Suparman", "Mulyani", "Heru", "Winarti", "Galih",
];

const LAST: &[&str] = &[
    "Santoso",
    "Wijaya",
    "Saputra",
    "Lestari",
    "Hidayat",
    "Kurniawan",
    "Pratama",
    "Setiawan",
    "Nugroho",
    "Susanto",
    "Rahayu",
    "Purnomo",
    "Siregar",
    "Nasution",
    "Harahap",
    "Simanjuntak",
    "Wibowo",
    "Gunawan",
    "Firmansyah",
    "Maulana",
    "Ramadhan",
    "Permana",
    "Suryadi",
    "Kusuma",
    "Halim",
    "Sembiring",
    "Tarigan",
    "Ginting",
    "Manurung",
    "Lubis",
    "Effendi",
    "Syahputra",
    "Hasibuan",
    "Utomo",
    "Prasetyo",
    "Wulandari",
    "Anggraini",
    "Handayani",
    "Suharto",
    "Sitompul",
];

const STREETS: &[&str] = &[
    "Jl. Melati",
    "Jl. Mawar",
    "Jl. Kenanga",
    "Jl. Flamboyan",
    "Jl. Cempaka",
    "Jl. Anggrek",
    "Jl. Dahlia",
    "Jl. Merpati",
    "Jl. Cendrawasih",
    "Jl. Rajawali",
    "Gg. Masjid",
    "Gg. Buntu",
    "Jl. Pahlawan",
    "Jl. Sudirman",
    "Jl. Diponegoro",
    "Jl. Kartini",
    "Jl. Pemuda",
    "Jl. Veteran",
];

const AREAS: &[&str] = &[
    "Sukamaju",
    "Sukajadi",
    "Mekarsari",
    "Sidomulyo",
    "Tegalrejo",
    "Karanganyar",
    "Cibodas",
    "Margahayu",
    "Sumbersari",
    "Wonorejo",
    "Kebonsari",
    "Pasirjati",
];

const PACKAGES: &[(&str, &str, &str)] = &[
    ("Hemat 10 Mbps", "10", "150000"),
    ("Keluarga 20 Mbps", "20", "200000"),
    ("Streaming 30 Mbps", "30", "250000"),
    ("Gamer 50 Mbps", "50", "350000"),
    ("Bisnis 100 Mbps", "100", "750000"),
];

const PREFIXES: &[&str] = &[
    "0811", "0812", "0813", "0821", "0822", "0852", "0853", "0856", "0857", "0878", "0877", "0895",
    "0896", "0881", "0838",
];

fn phone(rng: &mut Rng) -> String {
    let roll = rng.below(100);
    let prefix = *rng.pick(PREFIXES);
    let rest: String = (0..8)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect();
    match roll {
        // Missing.
        0..=6 => String::new(),
        // Invalid: typos and placeholders seen in real lists.
        7..=9 => rng
            .pick(&["08xx-belum-ada", "12345", "0812345", "-"])
            .to_string(),
        // Landline: accepted with a warning.
        10..=13 => format!("(0{}) {}", 21 + rng.below(70), &rest[..7]),
        // Valid mobiles, typed in every usual way.
        14..=40 => format!("{prefix}{rest}"),
        41..=60 => format!("{prefix}-{}-{}", &rest[..4], &rest[4..]),
        61..=75 => format!("+62 {} {} {}", &prefix[1..], &rest[..4], &rest[4..]),
        76..=88 => format!("62{}{rest}", &prefix[1..]),
        _ => format!("{prefix} {} {}", &rest[..4], &rest[4..]),
    }
}

#[derive(Debug, Default)]
pub struct SeedReport {
    pub packages: usize,
    pub customers: usize,
    pub invoices: u64,
    pub payments: usize,
    /// Invoice runs: (period, created, seconds).
    pub runs: Vec<(String, u64, f64)>,
    pub customers_secs: f64,
    pub total_secs: f64,
}

/// Creates the demo packages that do not exist yet and returns all package ids by name.
async fn ensure_packages(db: &DatabaseConnection) -> Result<Vec<(i32, i64)>, String> {
    let now = Utc::now();
    for (name, speed, price) in PACKAGES {
        let input = PackageInput {
            name,
            speed_mbps: speed,
            price,
            description: "",
        };
        // An existing package with this name is kept as it is.
        let _ = packages::save(db, None, input, now).await;
    }
    let list = packages::list(db).await.map_err(|e| e.to_string())?;
    Ok(list
        .into_iter()
        .filter(|p| PACKAGES.iter().any(|(n, _, _)| *n == p.name))
        .map(|p| (p.id, p.price))
        .collect())
}

/// Adds `n` customers in batches, all in one transaction.
pub async fn seed_customers(
    db: &DatabaseConnection,
    n: usize,
    rng: &mut Rng,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let packages = ensure_packages(db).await?;
    // Most households take the cheaper packages.
    let weights = [35u64, 30, 18, 12, 5];
    let mut inputs = Vec::with_capacity(n);
    for _ in 0..n {
        let mut w = rng.below(100);
        let mut pkg = packages[0];
        for (i, weight) in weights.iter().enumerate() {
            if w < *weight {
                pkg = packages[i.min(packages.len() - 1)];
                break;
            }
            w -= weight;
        }
        let status = match rng.below(100) {
            0..=91 => "active",
            92..=96 => "suspended",
            _ => "terminated",
        };
        inputs.push(CustomerInput {
            name: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
            phone: phone(rng),
            address: format!(
                "{} No. {}, RT {:02}/RW {:02}, {}",
                rng.pick(STREETS),
                1 + rng.below(120),
                1 + rng.below(12),
                1 + rng.below(8),
                rng.pick(AREAS)
            ),
            package_id: pkg.0.to_string(),
            // A few neighbours get a friendly price.
            price_override: if rng.chance(5) {
                (pkg.1 - 25_000).max(50_000).to_string()
            } else {
                String::new()
            },
            billing_day: rng
                .pick(&[1u32, 5, 5, 10, 10, 10, 15, 20, 25, 28])
                .to_string(),
            start_date: String::new(),
            status: status.into(),
            notes: if rng.chance(3) {
                "Bayar lewat RT".into()
            } else {
                String::new()
            },
        });
    }
    let txn = begin_write(db).await.map_err(|e| e.to_string())?;
    let last = sequence::take(&txn, sequence::CUSTOMER, n as i64)
        .await
        .map_err(|e| e.to_string())?;
    let first = last - n as i64 + 1;
    let mut models = Vec::with_capacity(n);
    for (i, input) in inputs.iter().enumerate() {
        let v = validate(input, |_| true, false).map_err(|e| format!("{e:?}"))?;
        models.push(new_model(v, customer_code(first + i as i64), now));
    }
    for chunk in models.chunks(500) {
        customers::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .map_err(|e| e.to_string())?;
    }
    txn.commit().await.map_err(|e| e.to_string())?;
    Ok(())
}

struct Open {
    id: i32,
    customer_id: i32,
    period: String,
    amount: i64,
    discount: i64,
    paid: i64,
}

/// Pays the period's invoices the way a village pays: most in full (with their arrears),
/// some partly, some not at all; the current month only partly so far.
async fn seed_payments(
    db: &DatabaseConnection,
    period: Period,
    today: NaiveDate,
    tz: Tz,
    rng: &mut Rng,
) -> Result<usize, String> {
    let err = |e: DbErr| e.to_string();
    let txn = begin_write(db).await.map_err(err)?;
    let rows = txn
        .query_all_raw(stmt(
            &txn,
            "SELECT id, customer_id, period, amount, discount, paid FROM invoices \
             WHERE status IN ('unpaid', 'partial') ORDER BY customer_id, period, id",
            vec![],
        ))
        .await
        .map_err(err)?;
    let mut open: BTreeMap<i32, Vec<Open>> = BTreeMap::new();
    for r in rows {
        let o = Open {
            id: r.try_get("", "id").map_err(err)?,
            customer_id: r.try_get("", "customer_id").map_err(err)?,
            period: r.try_get("", "period").map_err(err)?,
            amount: r.try_get("", "amount").map_err(err)?,
            discount: r.try_get("", "discount").map_err(err)?,
            paid: r.try_get("", "paid").map_err(err)?,
        };
        open.entry(o.customer_id).or_default().push(o);
    }
    let current = period == Period::of(today);
    let last_day = if current { today } else { period.last_day() };
    let days = (last_day - period.first_day()).num_days().max(0) as u64;
    let this = period.to_string();
    let methods = [
        "cash",
        "cash",
        "bank_transfer",
        "bank_transfer",
        "ewallet",
        "other",
    ];
    // (customer, amount, method, paid_at)
    let mut payments: Vec<(i32, i64, &str, DateTime<Utc>)> = Vec::new();
    for (customer, invs) in &open {
        if !invs.iter().any(|i| i.period == this) {
            continue;
        }
        let owed: i64 = invs.iter().map(|i| i.amount - i.discount - i.paid).sum();
        let this_amount = invs
            .iter()
            .filter(|i| i.period == this)
            .map(|i| i.amount - i.discount - i.paid)
            .sum::<i64>();
        let roll = rng.below(100);
        let amount = match (current, roll) {
            (false, 0..=74) | (true, 0..=39) => owed,
            (false, 75..=84) | (true, 40..=47) => (this_amount / 2 / 1000 * 1000).max(1000),
            _ => 0,
        };
        if amount <= 0 {
            continue;
        }
        let day = period.first_day() + Duration::days(rng.below(days + 1) as i64);
        let at =
            clock::day_start_utc(day, tz) + Duration::minutes(8 * 60 + rng.below(12 * 60) as i64);
        payments.push((*customer, amount.min(owed), *rng.pick(&methods), at));
    }
    let now = Utc::now();
    let mut ids: HashMap<i32, i32> = HashMap::with_capacity(payments.len());
    for chunk in payments.chunks(500) {
        let mut sql = String::from(
            "INSERT INTO payments (customer_id, amount, method, reference, paid_at, recorded_by, \
             note, created_at, updated_at) VALUES ",
        );
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 6);
        for (i, (customer, amount, method, at)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?, ?, ?, NULL, ?, NULL, NULL, ?, ?)");
            values.extend([
                (*customer).into(),
                (*amount).into(),
                (*method).into(),
                (*at).into(),
                now.into(),
                now.into(),
            ]);
        }
        sql.push_str(" RETURNING id, customer_id");
        for r in txn
            .query_all_raw(stmt(&txn, &sql, values))
            .await
            .map_err(err)?
        {
            ids.insert(
                r.try_get("", "customer_id").map_err(err)?,
                r.try_get("", "id").map_err(err)?,
            );
        }
    }
    let mut allocations = Vec::new();
    // invoice id -> (paid, status)
    let mut changed: Vec<(i32, i64, InvoiceStatus)> = Vec::new();
    for (customer, amount, _, _) in &payments {
        let mut left = *amount;
        for inv in open.get_mut(customer).into_iter().flatten() {
            if left == 0 {
                break;
            }
            let take = left.min(inv.amount - inv.discount - inv.paid);
            if take <= 0 {
                continue;
            }
            left -= take;
            inv.paid += take;
            allocations.push(payment_allocations::ActiveModel {
                payment_id: Set(ids[customer]),
                invoice_id: Set(inv.id),
                amount: Set(take),
                created_at: Set(now),
                ..Default::default()
            });
            changed.push((
                inv.id,
                inv.paid,
                derive_status(inv.amount, inv.discount, inv.paid),
            ));
        }
    }
    for chunk in allocations.chunks(1000) {
        payment_allocations::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .map_err(err)?;
    }
    // One UPDATE per chunk; both backends name VALUES columns column1, column2, …
    for chunk in changed.chunks(500) {
        let mut sql =
            String::from("UPDATE invoices SET paid = v.column2, status = v.column3 FROM (VALUES ");
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 3);
        for (i, (id, paid, status)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?, ?, ?)");
            values.extend([(*id).into(), (*paid).into(), status.as_str().into()]);
        }
        sql.push_str(") AS v WHERE invoices.id = v.column1");
        txn.execute_raw(stmt(&txn, &sql, values))
            .await
            .map_err(err)?;
    }
    txn.commit().await.map_err(err)?;
    Ok(payments.len())
}

/// Seeds `customers` customers and `months` months of invoices (the last one being this
/// month) with payments. The last month's run is timed separately (`report.runs`).
pub async fn seed_demo(
    db: &DatabaseConnection,
    customers: usize,
    months: u32,
    today: NaiveDate,
    tz: Tz,
    seed: u64,
) -> Result<SeedReport, String> {
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let mut report = SeedReport {
        packages: PACKAGES.len(),
        customers,
        ..Default::default()
    };
    let t = Instant::now();
    seed_customers(db, customers, &mut rng, Utc::now()).await?;
    report.customers_secs = t.elapsed().as_secs_f64();
    let mut period = Period::of(today);
    for _ in 1..months {
        period = period.prev();
    }
    for _ in 0..months {
        let issue = if period == Period::of(today) {
            today
        } else {
            period.first_day()
        };
        let t = Instant::now();
        let opts = invoices::RunOptions::new(period, issue, clock::day_start_utc(issue, tz))
            .confirm_past();
        let run = invoices::run(db, &opts)
            .await
            .map_err(|e| format!("invoice run {period}: {e}"))?;
        report
            .runs
            .push((period.to_string(), run.created, t.elapsed().as_secs_f64()));
        report.invoices += run.created;
        report.payments += seed_payments(db, period, today, tz, &mut rng).await?;
        period = period.next();
    }
    report.total_secs = started.elapsed().as_secs_f64();
    Ok(report)
}
