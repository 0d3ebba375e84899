//! The scheduler's dot: green while a `mdsync scheduler` beats (the `scheduler` key), red when
//! it stopped, went silent or never ran, with when it was last seen and its next run.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::clock::Clock;
use mdsync_core::rules::schedule::run_time;
use mdsync_core::rules::{
    parse_iso, read_heartbeat, CronSchedule, RuleListing, RuleRow, SchedulerStatus, ServerZone,
};

use super::context::RulesContext;
use crate::clock::BrowserClock;
use crate::l10n::messages::storage_error;
use crate::l10n::{use_language, Language};
use crate::tr;

/// "40 s", "5 min", "3 h", "2 d" ago.
fn age(lang: Language, iso: &str, now: u64) -> String {
    let seconds = parse_iso(iso).map_or(0, |at| now.saturating_sub(at) / 1000);
    let n = |value: u64| lang.number(value as f64);
    match seconds {
        0..=119 => tr!(lang, rules.scheduler.seconds, n = n(seconds)),
        120..=7_199 => tr!(lang, rules.scheduler.minutes, n = n(seconds / 60)),
        7_200..=172_799 => tr!(lang, rules.scheduler.hours, n = n(seconds / 3600)),
        _ => tr!(lang, rules.scheduler.days, n = n(seconds / 86_400)),
    }
}

fn server_time(iso: &str, zone: &ServerZone) -> String {
    parse_iso(iso)
        .and_then(|millis| run_time(millis, zone))
        .map(|run| {
            format!(
                "{} ({})",
                run.local.get(..16).unwrap_or(&run.local),
                run.zone
            )
        })
        .unwrap_or_else(|| iso.to_string())
}

/// The enabled rules due at `next` (what the scheduler computed at its last beat).
fn due_at(next: &str, beat: Option<&str>, rules: &[RuleRow], zone: &ServerZone) -> Vec<String> {
    let (Some(next), Some(beat)) = (parse_iso(next), beat.and_then(parse_iso)) else {
        return Vec::new();
    };
    rules
        .iter()
        .filter(|row| row.summary.enabled)
        .filter(|row| {
            row.summary
                .schedule
                .as_deref()
                .and_then(|s| CronSchedule::parse(s).ok())
                .and_then(|schedule| schedule.next_after(beat, zone))
                == Some(next)
        })
        .map(|row| row.summary.name.clone())
        .collect()
}

fn describe(
    lang: Language,
    status: &SchedulerStatus,
    beat: Option<&str>,
    zone: &ServerZone,
    rules: &[RuleRow],
) -> String {
    let now = BrowserClock.now_millis();
    match status {
        SchedulerStatus::Running {
            host,
            next_execution,
            ..
        } => {
            let seen = beat.map(|b| age(lang, b, now)).unwrap_or_default();
            let next = match next_execution {
                Some(next) => match due_at(next, beat, rules, zone).as_slice() {
                    [] => tr!(lang, rules.scheduler.next, at = server_time(next, zone)),
                    names => tr!(
                        lang,
                        rules.scheduler.next_rule,
                        names = names.join(", "),
                        at = server_time(next, zone)
                    ),
                },
                None => tr!(lang, rules.scheduler.nothing_due),
            };
            tr!(
                lang,
                rules.scheduler.running,
                host = host,
                seen = seen,
                next = next
            )
        }
        SchedulerStatus::Stopped { at, host } => {
            tr!(
                lang,
                rules.scheduler.stopped,
                host = host,
                at = server_time(at, zone)
            )
        }
        SchedulerStatus::Silent { last_beat, host } => tr!(
            lang,
            rules.scheduler.silent,
            host = host,
            seen = age(lang, last_beat, now)
        ),
        SchedulerStatus::NeverStarted => tr!(lang, rules.scheduler.never),
    }
}

/// The heartbeat as read: the scheduler's status and its last beat, or why it is unreadable.
type Read = Result<(SchedulerStatus, Option<String>), String>;

#[component]
pub fn SchedulerDot(
    ctx: RulesContext,
    /// The rules listed, to name the rule due next.
    listing: RwSignal<Option<Result<RuleListing, String>>>,
) -> impl IntoView {
    let lang = use_language();
    let read = RwSignal::new(None::<Read>);
    let zone = StoredValue::new(ctx.zone.clone());
    spawn_local(async move {
        let beat = read_heartbeat(&ctx.storage()).await;
        read.set(Some(match beat {
            Ok(beat) => Ok((
                SchedulerStatus::of(beat.as_ref(), BrowserClock.now_millis()),
                beat.map(|b| b.beat),
            )),
            Err(error) => Err(tr!(
                lang,
                rules.scheduler.unreadable,
                error = storage_error(lang, &error)
            )),
        }));
    });
    move || {
        read.get().map(|read| {
            let (running, line) = match read {
                Ok((status, beat)) => {
                    let line = listing.with(|listing| {
                        let rows = match listing {
                            Some(Ok(listing)) => listing.rows.as_slice(),
                            _ => &[],
                        };
                        zone.with_value(|zone| describe(lang, &status, beat.as_deref(), zone, rows))
                    });
                    (status.is_running(), line)
                }
                Err(message) => (false, message),
            };
            let state = if running { "running" } else { "down" };
            view! {
                <p class="scheduler-status" data-test="scheduler-status" data-state=state>
                    <span class=format!("scheduler-dot scheduler-dot-{state}") aria-hidden="true"></span>
                    {line}
                </p>
            }
        })
    }
}
