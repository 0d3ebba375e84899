//! The scheduler's upkeep: re-reading the rules, when each is due, the heartbeat, the
//! retention of history, and its notes.

use super::{millis, Scheduled, Scheduler, State};
use crate::clock::Clock;
use crate::dhis2::Transport;
use crate::rules::events::SchedulerEvent;
use crate::rules::heartbeat::{write_heartbeat, Heartbeat};
use crate::rules::model::{Rule, RuleDetails, RuleSummary};
use crate::rules::schedule::{iso_utc, parse_iso, CronSchedule};
use crate::rules::store::{read_details, read_last_runs, read_summaries, RuleLoadProblem};
use crate::storage::keys;
use crate::sync::prune_history;

/// Notes kept in the heartbeat.
const NOTES_KEPT: usize = 20;

impl<'a, T: Transport, C: Clock> Scheduler<'a, T, C> {
    /// Re-reads the enabled rules (details only when a rule changed) and their run records.
    pub(super) async fn reload(&self) {
        let (summaries, mut problems) = match read_summaries(self.storage).await {
            Ok(read) => read,
            Err(error) => {
                self.note(SchedulerEvent::ReloadFailed {
                    error: error.to_string(),
                });
                return;
            }
        };
        let enabled: Vec<RuleSummary> = summaries.into_iter().filter(|r| r.enabled).collect();
        let ids: Vec<String> = enabled.iter().map(|r| r.id.clone()).collect();
        let mut records = match read_last_runs(self.storage, &ids).await {
            Ok((records, record_problems)) => {
                problems.extend(record_problems);
                records
            }
            Err(error) => {
                self.note(SchedulerEvent::ReloadFailed {
                    error: error.to_string(),
                });
                return;
            }
        };
        let mut loaded = Vec::new();
        for summary in enabled {
            let known = {
                let state = self.state.borrow();
                state
                    .rules
                    .iter()
                    .find(|s| s.rule.summary == summary)
                    .map(|s| s.rule.job.clone())
            };
            let job = match known {
                Some(job) => job,
                None => match read_details(self.storage, &summary.id).await {
                    Ok(Some(RuleDetails { job })) => job,
                    Ok(None) => {
                        problems.push(RuleLoadProblem {
                            key: keys::rule(&summary.id),
                            rule_id: Some(summary.id.clone()),
                            reason: "it is missing".into(),
                        });
                        continue;
                    }
                    Err(error) => {
                        problems.push(RuleLoadProblem {
                            key: keys::rule(&summary.id),
                            rule_id: Some(summary.id.clone()),
                            reason: error.to_string(),
                        });
                        continue;
                    }
                },
            };
            let schedule = match summary.schedule.as_deref().map(CronSchedule::parse) {
                Some(Ok(schedule)) => schedule,
                Some(Err(error)) => {
                    self.tell_once(SchedulerEvent::InvalidSchedule {
                        rule: summary.name.clone(),
                        error: error.to_string(),
                    });
                    continue;
                }
                None => continue,
            };
            let last_run = records.remove(&summary.id).unwrap_or_default();
            loaded.push(Scheduled {
                rule: Rule {
                    summary,
                    job,
                    last_run,
                },
                schedule,
            });
        }
        for problem in problems {
            self.tell_once(SchedulerEvent::RuleUnreadable { problem });
        }
        let count = loaded.len();
        self.state.borrow_mut().rules = loaded;
        (self.events)(SchedulerEvent::Reloaded { rules: count });
    }

    /// When `rule` is next due: the first time of its schedule after its latest start.
    pub(super) fn due_at(&self, scheduled: &Scheduled, state: &State) -> Option<u64> {
        let summary = &scheduled.rule.summary;
        let last = &scheduled.rule.last_run;
        let reference = [
            last.last_executed.as_deref().and_then(parse_iso),
            summary.scheduled_since.as_deref().and_then(parse_iso),
            state.started.get(&summary.id).copied(),
        ]
        .into_iter()
        .flatten()
        .max()
        .or_else(|| parse_iso(&summary.last_updated))
        .unwrap_or(self.started);
        scheduled.schedule.next_after(reference, &self.zone)
    }

    pub(super) fn next_due(&self) -> Option<u64> {
        let state = self.state.borrow();
        state
            .rules
            .iter()
            .filter_map(|rule| self.due_at(rule, &state))
            .min()
    }

    /// Removes history past the retention once a day (administrators' accounts only).
    pub(super) async fn prune_if_due(&self, now: u64) {
        let due = self
            .state
            .borrow()
            .last_prune
            .is_none_or(|last| now.saturating_sub(last) >= millis(self.options.prune_every));
        if !due {
            return;
        }
        self.state.borrow_mut().last_prune = Some(now);
        let today = iso_utc(now).get(..10).unwrap_or_default().to_string();
        match prune_history(self.storage, self.manager.actor(), &today).await {
            Ok(removed) => (self.events)(SchedulerEvent::HistoryPruned {
                removed: removed.len(),
            }),
            Err(error) => self.tell_once(SchedulerEvent::PruneSkipped {
                reason: error.to_string(),
            }),
        }
    }

    pub(super) async fn beat(&self, now: u64, stopping: bool) {
        let next_execution = if stopping {
            None
        } else {
            self.next_due().map(iso_utc)
        };
        let heartbeat = {
            let state = self.state.borrow();
            Heartbeat {
                host: self.options.host.clone(),
                process_id: self.options.process_id.clone(),
                account: self.manager.me().username.clone(),
                started: iso_utc(self.started),
                beat: iso_utc(now),
                interval_seconds: self.options.reload_every.as_secs().max(1),
                last_execution: state.last_execution.map(iso_utc),
                next_execution,
                stopped: stopping.then(|| iso_utc(now)),
                rules: state.rules.len(),
                running: state.running.values().map(|(n, _)| n.clone()).collect(),
                notes: state.notes.iter().cloned().collect(),
            }
        };
        self.save_beat(&heartbeat).await;
    }

    pub(super) async fn save_beat(&self, heartbeat: &Heartbeat) {
        if let Err(error) = write_heartbeat(self.storage, heartbeat).await {
            (self.events)(SchedulerEvent::HeartbeatFailed {
                error: error.to_string(),
            });
        }
    }

    /// Tells an event and keeps it in the heartbeat's notes.
    pub(super) fn note(&self, event: SchedulerEvent) {
        let line = format!("{} {event}", iso_utc(self.clock.now_millis()));
        {
            let mut state = self.state.borrow_mut();
            state.notes.push_back(line);
            while state.notes.len() > NOTES_KEPT {
                state.notes.pop_front();
            }
        }
        (self.events)(event);
    }

    /// As [`Scheduler::note`], once per distinct message.
    pub(super) fn tell_once(&self, event: SchedulerEvent) {
        let text = event.to_string();
        if self.state.borrow().told.contains(&text) {
            return;
        }
        self.state.borrow_mut().told.push(text);
        self.note(event);
    }
}
