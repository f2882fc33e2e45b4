//! Settings of the WebKitGTK web view (Linux) that Tauri leaves at WebKit's defaults.

use tauri::{App, Manager};
use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};

/// Draws the page without GPU compositing, and keeps WebKit's caches small.
///
/// The app is a document viewer: text, lists and a few images, no animation, canvas or 3D. With
/// GPU compositing on, each keystroke's results waited for the compositor's next frame, and its
/// layers cost memory in the web process. Measured under Xvfb (docs/performance.md), drawing
/// without it took the keystroke-to-results p95 from 67 ms to 25 ms, and the memory of the app's
/// processes after the typing benchmark from 499 MB to 279 MB. WebGL is off because nothing in
/// the app draws with it.
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
