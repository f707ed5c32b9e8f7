//! `tagih demo`: demo data, a simulated WhatsApp and the app in one command, thrown away when
//! it stops.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

#[test]
fn demo_serves_demo_data_with_a_linked_whatsapp_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_tagih"))
        .args(["demo", "--customers", "8", "--months", "1"])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TAGIH_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    for _ in 0..5 {
        out.read_line(&mut printed).unwrap();
    }
    assert!(
        printed.starts_with(&format!("Tagih demo berjalan di http://127.0.0.1:{port}/")),
        "{printed}"
    );
    assert!(printed.contains("8 pelanggan"), "{printed}");
    assert!(
        printed.contains("akun pemilik"),
        "how to sign in: {printed}"
    );
    let folder = printed
        .split("SQLite sementara di ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap()
        .to_owned();
    assert!(std::path::Path::new(&folder).is_dir());

    let started = Instant::now();
    let health = loop {
        match std::net::TcpStream::connect(("127.0.0.1", port)) {
            Ok(_) => break true,
            Err(_) if started.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(50))
            }
            Err(_) => break false,
        }
    };
    assert!(health);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = http
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = http
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()["location"],
            "/setup",
            "first run asks for the owner"
        );
    });

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(
        !std::path::Path::new(&folder).exists(),
        "the demo's data is thrown away"
    );
}
