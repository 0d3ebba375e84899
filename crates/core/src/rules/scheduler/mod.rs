//! The scheduler: runs enabled rules when their schedule is due, without a browser open.
//!
//! Runtime-free: time comes from the [`Clock`] port and the stop signal is any future, so the
//! CLI drives it with tokio and tests with a [`crate::clock::TestClock`]. Each minute it
//! re-reads the rules; a rule is due when its schedule has a time after its last run (or after
//! it was scheduled) that is not in the future. So a rule due many times while the scheduler
//! was down runs once on start, and a rule still running when it is due again is skipped (and
//! noted) rather than run twice.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use futures::future::{select, Either, LocalBoxFuture};
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;

use super::events::{SchedulerError, SchedulerEvent, SchedulerOptions};
use super::heartbeat::read_heartbeat;
use super::model::Rule;
use super::run::{run_loaded_rule, RuleRunOutcome};
use super::schedule::{parse_iso, run_time, CronSchedule, ServerZone};
use super::RuleError;
use crate::access::Operation;
use crate::clock::Clock;
use crate::dhis2::Transport;
use crate::instances::InstanceManager;
use crate::storage::{Storage, StorageError};
use crate::sync::{CancellationToken, SyncProgress};

mod upkeep;

struct Scheduled {
    rule: Rule,
    schedule: CronSchedule,
}

#[derive(Default)]
struct State {
    rules: Vec<Scheduled>,
    /// Rule id → when this process last started (or skipped) it.
    started: BTreeMap<String, u64>,
    /// Rule id → names of the rules running now.
    running: BTreeMap<String, (String, CancellationToken)>,
    last_execution: Option<u64>,
    last_prune: Option<u64>,
    notes: VecDeque<String>,
    /// Problems already told, so a damaged entry is logged once, not every minute.
    told: Vec<String>,
}

/// A running scheduler against one DHIS2 instance.
pub struct Scheduler<'a, T, C> {
    manager: &'a InstanceManager,
    storage: &'a Storage<T>,
    clock: C,
    options: SchedulerOptions,
    zone: ServerZone,
    started: u64,
    events: &'a dyn Fn(SchedulerEvent),
    state: RefCell<State>,
}

type RunDone = (String, String, Result<RuleRunOutcome, RuleError>);

impl<'a, T: Transport, C: Clock> Scheduler<'a, T, C> {
    /// Checks that no other scheduler runs against the instance (a fresh heartbeat from another
    /// host, unless `options.force`) and learns the server's time zone.
    pub async fn start(
        manager: &'a InstanceManager,
        storage: &'a Storage<T>,
        clock: C,
        options: SchedulerOptions,
        events: &'a dyn Fn(SchedulerEvent),
    ) -> Result<Scheduler<'a, T, C>, SchedulerError> {
        manager.actor().authorize(Operation::RunRule)?;
        let now = clock.now_millis();
        let previous = read_heartbeat(storage).await?;
        if let Some(other) = &previous {
            if other.is_fresh(now) && other.host != options.host && !options.force {
                return Err(SchedulerError::AnotherScheduler {
                    host: other.host.clone(),
                    beat: other.beat.clone(),
                });
            }
        }
        // The last execution carries over from the scheduler before (for the panel).
        let last_execution = previous
            .and_then(|beat| beat.last_execution)
            .and_then(|at| parse_iso(&at));
        let zone_id = storage
            .client()
            .system_info()
            .await
            .map_err(StorageError::from)?
            .server_time_zone_id;
        let (zone, zone_problem) = ServerZone::of_server(zone_id.as_deref());
        if let Some(problem) = zone_problem {
            events(SchedulerEvent::Note {
                message: problem.to_string(),
            });
        }
        events(SchedulerEvent::Started {
            host: options.host.clone(),
            account: manager.me().username.clone(),
            time_zone: zone.name().to_string(),
        });
        Ok(Scheduler {
            manager,
            storage,
            clock,
            options,
            zone,
            started: now,
            events,
            state: RefCell::new(State {
                last_execution,
                ..State::default()
            }),
        })
    }

    pub fn time_zone(&self) -> &ServerZone {
        &self.zone
    }

    /// Runs rules as they come due until `stop` completes; then takes no new run, asks the
    /// running ones to stop after their current chunk, waits for them, and writes a last
    /// heartbeat saying it stopped.
    pub async fn run_until<F: Future<Output = ()>>(&self, stop: F) {
        self.drive(stop, false).await
    }

    /// `--once`: runs what is due now, waits for those runs, and returns.
    pub async fn run_due_once<F: Future<Output = ()>>(&self, stop: F) {
        self.drive(stop, true).await
    }

    async fn drive<F: Future<Output = ()>>(&self, stop: F, once: bool) {
        let mut stop = pin!(stop.fuse());
        let mut running: FuturesUnordered<LocalBoxFuture<'_, RunDone>> = FuturesUnordered::new();
        let reload_every = millis(self.options.reload_every);
        let mut next_reload = self.clock.now_millis();
        let mut taking = true;
        let mut stopped = false;
        loop {
            let now = self.clock.now_millis();
            if now >= next_reload {
                self.reload().await;
                self.prune_if_due(now).await;
                // `--once` reads the rules once.
                next_reload = if once { u64::MAX } else { now + reload_every };
                self.beat(now, false).await;
            }
            if taking {
                for rule in self.take_due(now) {
                    running.push(self.run_one(rule).boxed_local());
                }
                taking = !once;
            }
            if once && running.is_empty() {
                break;
            }
            let wait: LocalBoxFuture<'_, ()> = if once {
                futures::future::pending().boxed_local()
            } else {
                let wake_at = self.next_due().unwrap_or(u64::MAX).min(next_reload);
                self.clock
                    .sleep(Duration::from_millis(wake_at.saturating_sub(now)))
                    .boxed_local()
            };
            let finished = async {
                match running.next().await {
                    Some(done) => done,
                    None => futures::future::pending().await,
                }
            };
            match select(stop.as_mut(), select(pin!(finished), wait)).await {
                Either::Left(((), _)) => {
                    stopped = true;
                    break;
                }
                Either::Right((Either::Left((done, _)), _)) => self.finished(done).await,
                Either::Right((Either::Right(((), _)), _)) => {}
            }
        }
        self.stop_running(&mut running, stopped).await;
    }

    /// Asks the running rules to stop after their current chunk and waits for them.
    async fn stop_running(
        &self,
        running: &mut FuturesUnordered<LocalBoxFuture<'_, RunDone>>,
        asked: bool,
    ) {
        if asked {
            let tokens: Vec<CancellationToken> = {
                let state = self.state.borrow();
                state
                    .running
                    .values()
                    .map(|(_, token)| token.clone())
                    .collect()
            };
            (self.events)(SchedulerEvent::Stopping {
                running: tokens.len(),
            });
            tokens.iter().for_each(CancellationToken::cancel);
        }
        while let Some(done) = running.next().await {
            self.finished(done).await;
        }
        self.beat(self.clock.now_millis(), true).await;
        (self.events)(SchedulerEvent::Stopped);
    }

    /// The rules due at `now`, marked as started; those still running are skipped and noted.
    fn take_due(&self, now: u64) -> Vec<Rule> {
        let mut state = self.state.borrow_mut();
        let due: Vec<(Rule, u64)> = state
            .rules
            .iter()
            .filter_map(|s| {
                let at = self.due_at(s, &state)?;
                (at <= now).then(|| (s.rule.clone(), at))
            })
            .collect();
        let mut start = Vec::new();
        for (rule, at) in due {
            let id = rule.summary.id.clone();
            state.started.insert(id.clone(), now);
            let due = run_time(at, &self.zone)
                .map(|t| t.to_string())
                .unwrap_or_default();
            if state.running.contains_key(&id) {
                drop(state);
                self.note(SchedulerEvent::RunSkipped {
                    rule: rule.summary.name.clone(),
                    due,
                });
                state = self.state.borrow_mut();
                continue;
            }
            state
                .running
                .insert(id, (rule.summary.name.clone(), CancellationToken::new()));
            (self.events)(SchedulerEvent::RunStarted {
                rule: rule.summary.name.clone(),
                due,
            });
            start.push(rule);
        }
        start
    }

    async fn run_one(&self, rule: Rule) -> RunDone {
        let token = self
            .state
            .borrow()
            .running
            .get(&rule.summary.id)
            .map(|(_, token)| token.clone())
            .unwrap_or_default();
        let name = rule.summary.name.clone();
        let progress = |event: SyncProgress| {
            (self.events)(SchedulerEvent::Progress {
                rule: name.clone(),
                event,
            })
        };
        let outcome = run_loaded_rule(
            self.manager,
            self.storage,
            &rule,
            &progress,
            &token,
            &self.clock,
        )
        .await;
        (rule.summary.id.clone(), rule.summary.name.clone(), outcome)
    }

    async fn finished(&self, (id, name, outcome): RunDone) {
        let now = self.clock.now_millis();
        {
            let mut state = self.state.borrow_mut();
            state.running.remove(&id);
            state.last_execution = Some(now);
            if let (Ok(outcome), Some(scheduled)) = (
                &outcome,
                state.rules.iter_mut().find(|s| s.rule.summary.id == id),
            ) {
                scheduled.rule.last_run = outcome.last_run.clone();
            }
        }
        match outcome {
            Ok(outcome) => {
                if let Err(error) = &outcome.history {
                    self.note(SchedulerEvent::HistoryNotSaved {
                        rule: name.clone(),
                        error: error.to_string(),
                    });
                }
                if let Err(error) = &outcome.record {
                    self.note(SchedulerEvent::RecordNotSaved {
                        rule: name.clone(),
                        error: error.to_string(),
                    });
                }
                (self.events)(SchedulerEvent::RunFinished {
                    rule: name,
                    status: outcome.report.overall_status(),
                    history_id: outcome.history.ok().map(|h| h.id),
                });
            }
            Err(error) => self.note(SchedulerEvent::RunRefused {
                rule: name,
                error: error.to_string(),
            }),
        }
        self.beat(now, false).await;
    }
}

pub(super) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
