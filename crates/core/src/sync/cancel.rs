use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// Asks a running sync to stop. The engine checks it between requests that write (chunks) and
/// between read levels; waits (retry backoff) end at once through [`CancellationToken::cancelled`].
/// What was done until then is in the report.
#[derive(Debug, Clone, Default)]
pub struct CancellationToken(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    cancelled: AtomicBool,
    /// Tasks waiting in [`CancellationToken::cancelled`].
    waiting: Mutex<Vec<Waker>>,
}

impl CancellationToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        let waiting = match self.0.waiting.lock() {
            Ok(mut waiting) => std::mem::take(&mut *waiting),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        };
        waiting.into_iter().for_each(Waker::wake);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    /// Completes as soon as the token is cancelled (at once if it already is).
    pub fn cancelled(&self) -> Cancelled<'_> {
        Cancelled { token: self }
    }
}

/// The future of [`CancellationToken::cancelled`].
pub struct Cancelled<'a> {
    token: &'a CancellationToken,
}

impl Future for Cancelled<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if self.token.is_cancelled() {
            return Poll::Ready(());
        }
        if let Ok(mut waiting) = self.token.0.waiting.lock() {
            if !waiting.iter().any(|w| w.will_wake(context.waker())) {
                waiting.push(context.waker().clone());
            }
        }
        // Cancelled between the check and the registration: do not miss it.
        if self.token.is_cancelled() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancelled_completes_once_the_token_is_cancelled() {
        let token = CancellationToken::new();
        let waker = futures::task::noop_waker();
        let mut context = Context::from_waker(&waker);
        let mut wait = std::pin::pin!(token.cancelled());
        assert!(wait.as_mut().poll(&mut context).is_pending());
        token.clone().cancel();
        assert!(wait.as_mut().poll(&mut context).is_ready());
        assert!(token.is_cancelled());
    }
}
