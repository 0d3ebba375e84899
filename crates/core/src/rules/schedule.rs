//! When a rule runs: a cron expression, in the five-field form (`m h dom mon dow`) or in the
//! six-field form MDSync writes (seconds first, `?` for "no particular day"), evaluated in the
//! DHIS2 server's time zone.
//!
//! Parsing and evaluation are [croner]'s (weekdays as in POSIX and node-schedule, which ran
//! MDSync's rules: 0 and 7 are Sunday; `0/10` is accepted as MDSync's validator did), over
//! [jiff]'s zoned times, so a schedule at 02:30 on a day the clocks skip 02:00–03:00 still runs
//! that day (at 03:00), and one in the repeated hour runs once.
//!
//! ```
//! use mdsync_core::rules::{CronSchedule, ServerZone};
//!
//! let schedule = CronSchedule::parse("0 0 2 ? * *").unwrap();
//! let zone = ServerZone::named("Africa/Freetown").unwrap();
//! // 2026-12-03T10:00:00Z → the next three nights at 02:00.
//! let runs = schedule.next_runs(1_796_292_000_000, &zone, 3);
//! assert_eq!(runs[0].local, "2026-12-04 02:00:00");
//! ```

use std::fmt;

use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// Why a schedule was refused, said at the schedule field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("Enter a schedule: a frequency, or a cron expression such as \"0 0 2 * * *\".")]
    Empty,

    #[error(
        "\"{expression}\" has {found} field(s); a cron expression has 5 (minute hour day month \
         weekday) or 6 (seconds first, as MDSync writes them)."
    )]
    FieldCount { expression: String, found: usize },

    #[error("\"{expression}\" is not a valid cron expression: {reason}")]
    Invalid { expression: String, reason: String },

    #[error(
        "\"{expression}\" never fires (no date matches it, e.g. 31 February); correct the day \
         or the month."
    )]
    NeverFires { expression: String },

    #[error(
        "The time zone \"{name}\" is not known; schedules are shown in UTC instead. Check the \
         server's time zone (System Settings)."
    )]
    UnknownTimeZone { name: String },
}

/// The time zone schedules are evaluated in: the DHIS2 server's (`serverTimeZoneId`).
#[derive(Debug, Clone)]
pub struct ServerZone {
    name: String,
    zone: TimeZone,
}

impl ServerZone {
    /// A zone by its IANA name (`Europe/Oslo`, `Etc/UTC`).
    pub fn named(name: &str) -> Result<ServerZone, ScheduleError> {
        TimeZone::get(name.trim())
            .map(|zone| ServerZone {
                name: name.trim().to_string(),
                zone,
            })
            .map_err(|_| ScheduleError::UnknownTimeZone {
                name: name.to_string(),
            })
    }

    pub fn utc() -> ServerZone {
        ServerZone {
            name: "UTC".into(),
            zone: TimeZone::UTC,
        }
    }

    /// The server's zone from `system/info`; UTC when it gives none or one this build does not
    /// know (with the reason, for a note).
    pub fn of_server(id: Option<&str>) -> (ServerZone, Option<ScheduleError>) {
        match id.filter(|id| !id.trim().is_empty()) {
            None => (ServerZone::utc(), None),
            Some(id) => match ServerZone::named(id) {
                Ok(zone) => (zone, None),
                Err(error) => (ServerZone::utc(), Some(error)),
            },
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn time_zone(&self) -> &TimeZone {
        &self.zone
    }
}

/// One future run, in the server's time zone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunTime {
    /// Milliseconds since the Unix epoch.
    pub at_millis: u64,
    /// The wall clock time in the zone, `YYYY-MM-DD HH:MM:SS`.
    pub local: String,
    /// The zone's offset then, `+01:00`.
    pub offset: String,
    pub zone: String,
}

impl fmt::Display for RunTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, {})", self.local, self.zone, self.offset)
    }
}

/// A parsed cron expression.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    expression: String,
    cron: Cron,
}

impl PartialEq for CronSchedule {
    fn eq(&self, other: &Self) -> bool {
        self.expression == other.expression
    }
}

/// A reference date for "does it ever fire": any match within croner's search from there
/// (29 February included) is one.
const NEVER_FIRES_PROBE_MILLIS: i64 = 946_684_800_000; // 2000-01-01T00:00:00Z

impl CronSchedule {
    /// Parses and checks an expression: 5 or 6 fields, valid values, and at least one date
    /// that matches.
    pub fn parse(text: &str) -> Result<CronSchedule, ScheduleError> {
        let expression = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if expression.is_empty() {
            return Err(ScheduleError::Empty);
        }
        let found = expression.split(' ').count();
        if !expression.starts_with('@') && !(5..=6).contains(&found) {
            return Err(ScheduleError::FieldCount { expression, found });
        }
        let cron = CronParser::builder()
            .seconds(Seconds::Optional)
            .year(Year::Disallowed)
            .sloppy_ranges(true)
            .build()
            .parse(&expression)
            .map_err(|error| ScheduleError::Invalid {
                expression: expression.clone(),
                reason: error.to_string(),
            })?;
        let schedule = CronSchedule { expression, cron };
        let probe = Timestamp::from_millisecond(NEVER_FIRES_PROBE_MILLIS)
            .map(|at| at.to_zoned(TimeZone::UTC))
            .ok();
        let fires =
            probe.is_some_and(|start| schedule.cron.find_next_occurrence(&start, false).is_ok());
        if !fires {
            return Err(ScheduleError::NeverFires {
                expression: schedule.expression,
            });
        }
        Ok(schedule)
    }

    /// The expression as stored (whitespace normalised).
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The first run strictly after `after_millis`, or `None` when there is none left.
    pub fn next_after(&self, after_millis: u64, zone: &ServerZone) -> Option<u64> {
        let start = zoned(after_millis, zone)?;
        let next = self.cron.find_next_occurrence(&start, false).ok()?;
        u64::try_from(next.timestamp().as_millisecond()).ok()
    }

    /// The next `count` runs after `after_millis`, in the server's time zone.
    pub fn next_runs(&self, after_millis: u64, zone: &ServerZone, count: usize) -> Vec<RunTime> {
        let mut runs = Vec::with_capacity(count);
        let mut after = after_millis;
        while runs.len() < count {
            let Some(next) = self.next_after(after, zone) else {
                break;
            };
            if let Some(run) = run_time(next, zone) {
                runs.push(run);
            }
            after = next;
        }
        runs
    }

    /// croner's English description (the app shows typed words where it can, see
    /// [`super::ScheduleWords`]).
    pub fn english(&self) -> String {
        self.cron.describe()
    }
}

fn zoned(millis: u64, zone: &ServerZone) -> Option<Zoned> {
    let millis = i64::try_from(millis).ok()?;
    Some(
        Timestamp::from_millisecond(millis)
            .ok()?
            .to_zoned(zone.zone.clone()),
    )
}

/// `millis` as the server's wall clock.
pub fn run_time(millis: u64, zone: &ServerZone) -> Option<RunTime> {
    let at = zoned(millis, zone)?;
    Some(RunTime {
        at_millis: millis,
        local: at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        offset: at.strftime("%:z").to_string(),
        zone: zone.name.clone(),
    })
}

/// `millis` as an ISO 8601 UTC timestamp (`2026-12-03T10:00:00Z`), as history and rules store
/// times.
pub fn iso_utc(millis: u64) -> String {
    i64::try_from(millis)
        .ok()
        .and_then(|millis| Timestamp::from_millisecond(millis).ok())
        .map(|at| at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// An ISO 8601 timestamp (with `Z` or an offset) as milliseconds since the epoch.
pub fn parse_iso(text: &str) -> Option<u64> {
    let at: Timestamp = text.trim().parse().ok()?;
    u64::try_from(at.as_millisecond()).ok()
}
