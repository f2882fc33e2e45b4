//! Starting the real app under tauri-driver, and the small vocabulary the journeys are written in:
//! wait for an element or a condition, read text, take a screenshot, check with axe-core.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// How long any one wait may take before the test fails with what it was waiting for.
const PATIENCE: Duration = Duration::from_secs(15);

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// tauri-driver, stopped with SIGTERM when dropped: a killed driver leaves WebKitWebDriver and
/// the app running (see docs/platform-notes.md).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// Starts a mark that keeps the page repainting, invisibly (see `App::screenshot`).
const REPAINT_START: &str = "
    const mark = document.createElement('div');
    mark.id = 'e2e-repaint';
    mark.setAttribute('aria-hidden', 'true');
    mark.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none';
    document.body.append(mark);
    let on = false;
    window.e2eRepaint = setInterval(() => {
      on = !on;
      mark.style.background = on ? 'rgba(0,0,0,0.004)' : 'transparent';
    }, 50);";

/// Removes that mark.
const REPAINT_STOP: &str =
    "clearInterval(window.e2eRepaint); document.getElementById('e2e-repaint')?.remove();";

/// The app, running in its window, with a library folder of the test's own.
pub struct App {
    pub client: Client,
    /// The folder that stands in for the system's file dialogs (`GATI_TEST_DIALOGS`): saves
    /// land here, and an open picks the file put here.
    pub dialogs: PathBuf,
    _driver: Driver,
}

/// Two neighbouring ports, for tauri-driver and the WebKitWebDriver behind it, that nothing is
/// listening on. They are taken below Linux's range for outgoing connections (32768 and up), from
/// which any connection on the machine may take a port at any moment: a CI run once found its
/// driver's port taken that way. Each test in this process gets its own pair; the process id
/// spreads concurrent runs.
fn free_port_pair() -> u16 {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 20000 + (std::process::id() % 500) as u16 * 24;
    let free = |p: u16| TcpListener::bind(("127.0.0.1", p)).is_ok();
    (0..120)
        .map(|_| base + NEXT.fetch_add(2, Ordering::SeqCst) % 24)
        .find(|&port| free(port) && free(port + 1))
        .expect("a free pair of ports for tauri-driver")
}

impl App {
    pub async fn start(library: &Path) -> App {
        let port = free_port_pair();
        let dialogs = library.with_extension("dialogs");
        std::fs::create_dir_all(&dialogs).unwrap();
        // The driver's and the app's messages go to a log per session, for when a test fails.
        let logs = repo_root().join("target/e2e-logs");
        std::fs::create_dir_all(&logs).unwrap();
        let log = std::fs::File::create(logs.join(format!("driver-{port}.log"))).unwrap();
        let driver = Command::new(tauri_driver())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &(port + 1).to_string(),
            ])
            .env("GATI_LIBRARY", library)
            .env("GATI_TEST_DIALOGS", &dialogs)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("tauri-driver must be installed: cargo install tauri-driver --locked");
        let driver = Driver(driver);
        // tauri-driver listens at once but hands each request to WebKitWebDriver, which it starts
        // on the next port; a session asked for before that one listens is dropped unanswered
        // (seen as `IncompleteMessage`), so both must listen first.
        let started = Instant::now();
        for listener in [port, port + 1] {
            while TcpStream::connect(("127.0.0.1", listener)).is_err() {
                assert!(
                    started.elapsed() < PATIENCE,
                    "tauri-driver's WebDriver did not listen on {listener}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        let caps = json!({
            "browserName": "wry",
            "tauri:options": { "application": env!("CARGO_BIN_EXE_gati-desktop") },
        });
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.as_object().unwrap().clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session with the app");
        let app = App {
            client,
            dialogs,
            _driver: driver,
        };
        app.wait_for("main h1, #search-box").await;
        app
    }

    pub async fn stop(self) {
        let _ = self.client.close().await;
    }

    pub async fn go(&self, hash: &str) {
        self.js(&format!("location.hash = {}", json!(hash))).await;
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {script}: {e}"))
    }

    /// Waits until the JavaScript expression is true.
    pub async fn until(&self, what: &str, expression: &str) {
        let started = Instant::now();
        loop {
            if self.js(&format!("return !!({expression})")).await == json!(true) {
                return;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "timed out waiting for {what}: {expression}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_for(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("could not click {css}: {e}"));
    }

    /// Types into a field as a person would: the field is cleared, then the words arrive as input
    /// (and a change, for fields that take their value when left).
    pub async fn fill(&self, css: &str, text: &str) {
        self.js(&format!(
            "const f = document.querySelector({}); f.focus(); f.value = {}; f.dispatchEvent(new Event('input', {{ bubbles: true }})); f.dispatchEvent(new Event('change', {{ bubbles: true }}));",
            json!(css),
            json!(text)
        ))
        .await;
    }

    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.unwrap()
    }

    /// The ids of the entries listed as results, in order.
    pub async fn result_ids(&self) -> Vec<String> {
        let ids = self
            .js("return [...document.querySelectorAll('[data-result]')].map(a => decodeURIComponent(a.getAttribute('href').replace('#/entry/', '')))")
            .await;
        serde_json::from_value(ids).unwrap()
    }

    /// The number in the visible result count ("23 results").
    pub async fn result_count(&self) -> usize {
        let text = self.text(".result-count").await;
        text.split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count in {text:?}"))
    }

    /// Fails when the page scrolls sideways: text must reflow at any size (WCAG 1.4.10).
    pub async fn assert_no_sideways_scroll(&self) {
        let overflow = self
            .js("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            .await;
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "horizontal overflow {overflow}"
        );
    }

    /// Saves a screenshot of the window under target/e2e-screenshots, and under
    /// docs/screenshots when UPDATE_SCREENSHOTS is set, so that the committed set is refreshed
    /// on purpose rather than by every run.
    pub async fn screenshot(&self, name: &str) {
        // A moment for the last update to be painted.
        tokio::time::sleep(Duration::from_millis(300)).await;
        // WebKitWebDriver answers a screenshot after the page's next repaint. Without GPU
        // compositing (src-tauri/src/webview.rs) a page that fits the window has nothing left
        // to repaint, no scrollbar fading out, so the request would wait for good. A one-pixel
        // mark in the corner, one 255th opaque, flips while the screenshot is taken.
        self.js(REPAINT_START).await;
        let png = self.client.screenshot().await.expect("a screenshot");
        self.js(REPAINT_STOP).await;
        let mut dirs = vec![repo_root().join("target/e2e-screenshots")];
        if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
            dirs.push(repo_root().join("docs/screenshots"));
        }
        for dir in dirs {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
        }
    }

    /// Runs axe-core's WCAG 2.x A and AA rules on the page as it is now and fails on any
    /// violation, naming the rule and the elements.
    pub async fn assert_accessible(&self, screen: &str) {
        let axe = std::fs::read_to_string(repo_root().join("ui/node_modules/axe-core/axe.min.js"))
            .expect("axe-core is installed with the UI's npm packages");
        self.js(&format!("{axe}\nreturn true;")).await;
        let violations = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                    .then(r => done(r.violations.map(v => v.id + ' (' + v.help + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(' | '))))
                    .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("axe ran");
        let violations: Vec<String> = serde_json::from_value(violations).unwrap();
        assert!(
            violations.is_empty(),
            "{screen}: {} accessibility violation(s):\n{}",
            violations.len(),
            violations.join("\n")
        );
    }
}

/// Copies a folder, so that a journey can change its copy of the content.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let path = item.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn tauri_driver() -> PathBuf {
    std::env::var_os("TAURI_DRIVER")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/tauri-driver"))
        })
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("tauri-driver"))
}
