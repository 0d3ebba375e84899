//! The browser's side of the clock port: `Date.now()` and `setTimeout`, for the engine's
//! timeouts, retry waits and the polling of import jobs.

use std::time::Duration;

use mdsync_core::clock::Clock;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now_millis(&self) -> u64 {
        js_sys::Date::now().max(0.0) as u64
    }

    async fn sleep(&self, duration: Duration) {
        let millis = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            let scheduled = web_sys::window().map(|window| {
                window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis)
            });
            if !matches!(scheduled, Some(Ok(_))) {
                // No window (a worker) or a refusal: do not wait rather than hang.
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        });
        let _ = JsFuture::from(promise).await;
    }
}
