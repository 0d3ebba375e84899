//! The clock port over tokio: the engine's timeouts, retry waits and job polling.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mdsync_core::clock::Clock;

pub struct TokioClock;

impl Clock for TokioClock {
    fn now_millis(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| {
                u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
            })
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await
    }
}
