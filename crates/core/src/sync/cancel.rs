use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Asks a running sync to stop. The engine checks it between requests that write (chunks) and
/// between read levels; what was done until then is in the report.
#[derive(Debug, Clone, Default)]
pub struct CancellationToken(Arc<AtomicBool>);

impl CancellationToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
