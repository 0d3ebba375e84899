//! The clock port, beside [`crate::dhis2::Transport`]: what time it is and how to wait. Request
//! timeouts, retry backoff and the polling of asynchronous imports go through it, so `core`
//! needs no runtime and tests drive time instead of waiting for it.
//!
//! Adapters: browser timers in the app (`src/clock.rs`), tokio in the CLI, and [`TestClock`]
//! for tests. Futures are not `Send`, as browser futures are not.
//!
//! ```
//! use std::time::Duration;
//! use mdsync_core::clock::{Clock, TestClock};
//!
//! let clock = TestClock::new();
//! let waited = clock.run(async {
//!     clock.sleep(Duration::from_secs(90)).await;
//!     clock.now_millis()
//! });
//! assert_eq!(waited, 90_000); // at once: the test clock jumps to the next deadline
//! ```

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Time for the engine: now, and waiting.
#[allow(async_fn_in_trait)]
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> u64;

    /// Completes once `duration` has passed.
    async fn sleep(&self, duration: Duration);
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now_millis(&self) -> u64 {
        (**self).now_millis()
    }

    async fn sleep(&self, duration: Duration) {
        (**self).sleep(duration).await
    }
}

impl<C: Clock + ?Sized> Clock for Rc<C> {
    fn now_millis(&self) -> u64 {
        (**self).now_millis()
    }

    async fn sleep(&self, duration: Duration) {
        (**self).sleep(duration).await
    }
}

/// A clock that only moves when the test says so, or when everything waits for it.
///
/// [`TestClock::run`] drives a future to completion: whenever the future cannot go on, time
/// jumps to the earliest deadline anyone sleeps until. A sync that waits an hour for a server
/// therefore finishes in microseconds, in the same order of events as it would for real.
#[derive(Clone, Default)]
pub struct TestClock {
    state: Rc<RefCell<TestClockState>>,
}

#[derive(Default)]
struct TestClockState {
    now: u64,
    /// Sleepers not yet due: deadline, sleeper id, waker.
    waiting: Vec<(u64, u64, Waker)>,
    next_sleeper: u64,
    slept: Vec<Duration>,
}

impl TestClock {
    /// A clock at the Unix epoch.
    pub fn new() -> Self {
        Self::default()
    }

    /// A clock at `millis` since the epoch.
    pub fn starting_at(millis: u64) -> Self {
        let clock = Self::default();
        clock.state.borrow_mut().now = millis;
        clock
    }

    /// Moves time forward and wakes the sleepers whose deadline passed.
    pub fn advance(&self, duration: Duration) {
        let target = self.now_millis() + millis_of(duration);
        self.advance_to(target);
    }

    fn advance_to(&self, millis: u64) {
        let due: Vec<Waker> = {
            let mut state = self.state.borrow_mut();
            state.now = state.now.max(millis);
            let now = state.now;
            let (due, later): (Vec<_>, Vec<_>) =
                state.waiting.drain(..).partition(|(at, _, _)| *at <= now);
            state.waiting = later;
            due.into_iter().map(|(_, _, waker)| waker).collect()
        };
        due.into_iter().for_each(Waker::wake);
    }

    /// Every sleep asked for so far, in order (backoff and polling intervals, timeouts that
    /// were started).
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state.borrow().slept.clone()
    }

    /// Time passed since the clock was made (or since the epoch it started at).
    pub fn elapsed_since(&self, start_millis: u64) -> Duration {
        Duration::from_millis(self.now_millis().saturating_sub(start_millis))
    }

    /// Runs `future` to completion on this thread, jumping time forward whenever it waits for
    /// the clock. Panics when it waits for something else that will never come (a deadlock in
    /// a test).
    pub fn run<F: Future>(&self, future: F) -> F::Output {
        let waker = futures::task::noop_waker();
        let mut context = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
            let next = self
                .state
                .borrow()
                .waiting
                .iter()
                .map(|(at, _, _)| *at)
                .min();
            match next {
                Some(deadline) => self.advance_to(deadline),
                None => panic!(
                    "the future waits for something other than the test clock and can never finish"
                ),
            }
        }
    }
}

impl Clock for TestClock {
    fn now_millis(&self) -> u64 {
        self.state.borrow().now
    }

    async fn sleep(&self, duration: Duration) {
        let (deadline, id) = {
            let mut state = self.state.borrow_mut();
            state.slept.push(duration);
            state.next_sleeper += 1;
            (state.now + millis_of(duration), state.next_sleeper)
        };
        TestSleep {
            clock: self.clone(),
            deadline,
            id,
        }
        .await
    }
}

struct TestSleep {
    clock: TestClock,
    deadline: u64,
    id: u64,
}

impl Future for TestSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        let mut state = self.clock.state.borrow_mut();
        let id = self.id;
        state.waiting.retain(|(_, sleeper, _)| *sleeper != id);
        if state.now >= self.deadline {
            return Poll::Ready(());
        }
        state
            .waiting
            .push((self.deadline, id, context.waker().clone()));
        Poll::Pending
    }
}

impl Drop for TestSleep {
    /// A sleep given up (a timeout that lost its race) no longer holds time back.
    fn drop(&mut self) {
        let id = self.id;
        if let Ok(mut state) = self.clock.state.try_borrow_mut() {
            state.waiting.retain(|(_, sleeper, _)| *sleeper != id);
        }
    }
}

fn millis_of(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::future::{select, Either};

    #[test]
    fn the_earliest_sleeper_wakes_first_and_time_jumps() {
        let clock = TestClock::starting_at(1_000);
        let winner = clock.run(async {
            let short = std::pin::pin!(clock.sleep(Duration::from_secs(2)));
            let long = std::pin::pin!(clock.sleep(Duration::from_secs(60)));
            match select(short, long).await {
                Either::Left(_) => "short",
                Either::Right(_) => "long",
            }
        });
        assert_eq!(winner, "short");
        assert_eq!(clock.now_millis(), 3_000);
        assert_eq!(clock.sleeps().len(), 2);
    }

    #[test]
    fn a_zero_sleep_does_not_move_time() {
        let clock = TestClock::new();
        clock.run(clock.sleep(Duration::ZERO));
        assert_eq!(clock.now_millis(), 0);
    }
}
