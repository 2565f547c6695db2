//! examples/chat in a real, offline browser: a real server on 127.0.0.1,
//! then `node tests/browser/chat.mjs` drives Debian's headless chromium
//! through playwright-core: two chat pages talk through their browser
//! WebSockets (FastAPI's messages word for word), and the feed page reads
//! the same messages from `/events` with the browser's own `EventSource`.
//!
//! Needs `node`, `/usr/bin/chromium` (or `$CHROMIUM`) and
//! `tests/browser/node_modules`, which `.ci/browser-setup` installs. Without
//! them the test says why and is skipped, unless `FASTRS_REQUIRE_BROWSER` is
//! set (CI sets it), where a missing browser is a failure.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fastrs::server::{Config, Server};

/// The whole browser run, start-up included, stops after this.
const LIMIT: Duration = Duration::from_secs(180);

/// Why the browser check cannot run here, if it cannot.
fn missing(browser_dir: &Path) -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("`node` is not installed".into());
    }
    let chromium = chromium();
    if !chromium.is_file() {
        return Some(format!("{} is missing", chromium.display()));
    }
    if !browser_dir.join("node_modules/playwright-core").is_dir() {
        return Some(format!("{}/node_modules is missing", browser_dir.display()));
    }
    None
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Two chat pages and the feed page; see `tests/browser/chat.mjs`.
#[test]
fn the_chat_and_its_feed_in_a_real_browser() {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if let Some(reason) = missing(&browser_dir) {
        if std::env::var_os("FASTRS_REQUIRE_BROWSER").is_some() {
            panic!("FASTRS_REQUIRE_BROWSER is set but {reason}: run .ci/browser-setup");
        }
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED the_chat_and_its_feed_in_a_real_browser: {reason} \
             (run .ci/browser-setup; FASTRS_REQUIRE_BROWSER=1 makes this a failure)"
        );
        return;
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    };
    let server = rt
        .block_on(Server::bind(chat::app(), config))
        .expect("bind 127.0.0.1:0");
    let base = format!("http://{}", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = rt.spawn(server.run_until(async {
        let _ = stopped.await;
    }));

    let mut child = Command::new("node")
        .arg(browser_dir.join("chat.mjs"))
        .arg(&base)
        .env("CHROMIUM", chromium())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for node") {
            break Some(status);
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = child.wait_with_output().expect("node's output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");

    let _ = stop.send(());
    rt.block_on(serving).unwrap().unwrap();

    let status = status.unwrap_or_else(|| panic!("the browser check took over {LIMIT:?}"));
    assert!(
        status.success(),
        "the chat browser check of {base} failed ({status}):\n{stdout}\n{stderr}"
    );
    for expect in [
        "second page shows \"You wrote: Hi, I just arrived\"",
        "says: Hello from the first page\"",
        "feed shows \"Client #",
        "left the chat\"",
    ] {
        assert!(stdout.contains(expect), "expected {expect:?}:\n{stdout}");
    }
}
