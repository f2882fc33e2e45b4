//! Settings of the WebKitGTK web view (Linux) that GATI Desktop chooses over those of Tauri and
//! WebKit.

use tauri::{App, Manager};
use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};

/// Draws the page without GPU compositing, keeps WebKit's caches small and turns WebGL off (wry
/// turns it on).
///
/// The app is a document viewer: text, lists and a few images, no animation, canvas or 3D. With
/// GPU compositing on, each keystroke's results waited for the compositor's next frame: timed in
/// the page, about 29 ms of a keystroke went between the results being in the page and the next
/// frame, against 3 ms for the search and its IPC round trip. With these settings, measured under
/// Xvfb (docs/performance.md), the keystroke-to-results p95 went from 67 ms to 25–30 ms, and the
/// memory of the app's processes after the typing benchmark from 499 MB to 279–284 MB.
pub fn tune(app: &App) {
    for webview in app.webview_windows().into_values() {
        // This fails only once the window has closed, when there is nothing left to tune.
        let _ = webview.with_webview(|platform| {
            let view = platform.inner();
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                settings.set_enable_webgl(false);
            }
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
    }
}

/// What WebKitGTK and GTK read from the environment when they start, chosen for a text app that
/// draws nothing with the GPU: no DMA-BUF renderer and no GL in GTK (neither is used with
/// acceleration off, and both set up Mesa in the app's own process). A value the person has set
/// is kept. Turning JavaScriptCore's JIT off as well saved about 10 MB more at rest but made a
/// keystroke half as slow again (docs/performance.md), so the JIT stays.
const ENVIRONMENT: [(&str, &str); 2] = [
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    ("GDK_GL", "disable"),
];

/// Sets [`ENVIRONMENT`] for this process and the web processes it starts. Call it first in
/// `main`, before anything else runs.
pub fn prepare_environment() {
    for (name, value) in ENVIRONMENT {
        if std::env::var_os(name).is_none() {
            // SAFETY: this runs first in `main`, before the app starts any thread, so nothing
            // can read or write the environment at the same time.
            unsafe { std::env::set_var(name, value) };
        }
    }
}
