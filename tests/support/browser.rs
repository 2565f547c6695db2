//! A `tests/browser/*.mjs` script run against an app: the app served on
//! 127.0.0.1:0 by fastrs's server, then `node <script> <base URL>` driving
//! Debian's headless chromium through playwright-core, bounded by [`LIMIT`].
//!
//! Needs `node`, `/usr/bin/chromium` (or `$CHROMIUM`) and
//! `tests/browser/node_modules`, which `.ci/browser-setup` installs. Without
//! them [`run`] says why and returns `None` (the test is skipped), unless
//! `FASTRS_REQUIRE_BROWSER` is set (CI sets it): then it panics.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use fastrs::server::{Config, Server};
use fastrs::App;

/// The whole browser run, start-up included, stops after this.
pub const LIMIT: Duration = Duration::from_secs(180);

/// What one run printed, and how the script ended.
pub struct BrowserRun {
    /// The served app's `http://127.0.0.1:<port>`.
    pub base: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

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

/// Serves `app`, runs `tests/browser/<script>` against it with `env`, stops
/// the server; `None` when the browser is missing and not required (`test`
/// names the skipped test). Panics when the script takes over [`LIMIT`].
pub fn run(test: &str, app: App, script: &str, env: &[(&str, &str)]) -> Option<BrowserRun> {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if let Some(reason) = missing(&browser_dir) {
        if std::env::var_os("FASTRS_REQUIRE_BROWSER").is_some() {
            panic!("FASTRS_REQUIRE_BROWSER is set but {reason}: run .ci/browser-setup");
        }
        // Straight to stderr, past the test harness's capture, so it shows.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: {reason} \
             (run .ci/browser-setup; FASTRS_REQUIRE_BROWSER=1 makes this a failure)"
        );
        return None;
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
        .block_on(Server::bind(app, config))
        .expect("bind 127.0.0.1:0");
    let base = format!("http://{}", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = rt.spawn(server.run_until(async {
        let _ = stopped.await;
    }));

    let mut child = Command::new("node")
        .arg(browser_dir.join(script))
        .arg(&base)
        .env("CHROMIUM", chromium())
        .envs(env.iter().copied())
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
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    println!("{stdout}");
    eprintln!("{stderr}");

    let _ = stop.send(());
    rt.block_on(serving).unwrap().unwrap();

    let status = status.unwrap_or_else(|| panic!("the browser check took over {LIMIT:?}"));
    Some(BrowserRun {
        base,
        status,
        stdout,
        stderr,
    })
}
