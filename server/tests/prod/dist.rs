//! The release binary alone, copied into an empty folder, with no LEPTOS_SITE_ROOT: it serves
//! the app, the wasm (brotli or gzip when asked, revalidated by ETag) and /healthz.
//!
//! `make test` runs these after the release build with TAGIH_RELEASE_BIN set (`make dist`),
//! where a missing binary fails. Run on their own without it, they look for
//! target/release/tagih next to this test build and skip when there is none.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

fn release_binary() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("TAGIH_RELEASE_BIN") {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "TAGIH_RELEASE_BIN={} does not exist",
            p.display()
        );
        return Some(p);
    }
    // target/debug/tagih → target/release/tagih
    let debug = PathBuf::from(env!("CARGO_BIN_EXE_tagih"));
    let p = debug.parent()?.parent()?.join("release/tagih");
    if p.is_file() {
        Some(p)
    } else {
        eprintln!(
            "skipped: no release binary at {} (make dist runs this)",
            p.display()
        );
        None
    }
}

struct Running {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_alone(bin: &PathBuf) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("tagih");
    std::fs::copy(bin, &copy).unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let child = Command::new(&copy)
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env("TAGIH_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never listened"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Running {
        child,
        base,
        _dir: dir,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_binary_alone_serves_the_app_its_wasm_and_health() {
    let Some(bin) = release_binary() else { return };
    let run = start_alone(&bin);
    let http = client();

    let health = http
        .get(format!("{}/healthz", run.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.text().await.unwrap().contains("\"ok\":true"));

    // First run: the app sends the visitor to set up the owner account.
    let root = http.get(format!("{}/", run.base)).send().await.unwrap();
    assert!(root.status().is_redirection(), "{}", root.status());
    let setup = http
        .get(format!("{}/setup", run.base))
        .send()
        .await
        .unwrap();
    assert_eq!(setup.status(), 200);
    let html = setup.text().await.unwrap();
    assert!(
        html.contains("/pkg/tagih.js") && html.contains("/pkg/tagih.css"),
        "{html}"
    );

    let wasm = |enc: &'static str| {
        let http = http.clone();
        let url = format!("{}/pkg/tagih.wasm", run.base);
        async move {
            http.get(url)
                .header("Accept-Encoding", enc)
                .send()
                .await
                .unwrap()
        }
    };
    let plain = wasm("identity").await;
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers()["content-type"], "application/wasm");
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_bytes = plain.bytes().await.unwrap();
    assert_eq!(&plain_bytes[..4], b"\0asm");

    let br = wasm("gzip, deflate, br").await;
    assert_eq!(br.status(), 200);
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["content-type"], "application/wasm");
    assert_eq!(br.headers()["vary"], "accept-encoding");
    assert_eq!(br.headers()["cache-control"], "no-cache");
    let etag = br.headers()["etag"].to_str().unwrap().to_owned();
    let br_bytes = br.bytes().await.unwrap();
    assert!(
        br_bytes.len() < plain_bytes.len() / 2,
        "brotli {} vs {}",
        br_bytes.len(),
        plain_bytes.len()
    );

    let gz = wasm("gzip").await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(&gz.bytes().await.unwrap()[..2], &[0x1f, 0x8b]);

    // A browser that has it gets 304 and no body.
    let again = http
        .get(format!("{}/pkg/tagih.wasm", run.base))
        .header("Accept-Encoding", "br")
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    for (path, ty) in [
        ("/pkg/tagih.js", "text/javascript"),
        ("/pkg/tagih.css", "text/css"),
    ] {
        let r = http
            .get(format!("{}{path}", run.base))
            .header("Accept-Encoding", "br")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(ty),
            "{path}: {:?}",
            r.headers()["content-type"]
        );
        assert_eq!(r.headers()["content-encoding"], "br", "{path}");
    }
    let missing = http
        .get(format!("{}/pkg/nothing.js", run.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    // It made its database in the empty folder.
    assert!(run._dir.path().join("data/tagih.db").is_file());
}

#[tokio::test]
async fn the_binary_alone_says_its_assets_are_inside() {
    let Some(bin) = release_binary() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(&bin)
        .arg("check")
        .current_dir(dir.path())
        .env_clear()
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("Aset web"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        line.starts_with("OK") && line.contains("tertanam di binary"),
        "{line}"
    );
}
