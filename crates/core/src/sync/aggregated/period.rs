//! The dates a run reads, resolved at the start of the run in the **server's** time zone
//! (`system/info.serverTimeZoneId`): DHIS2 stores and compares `lastUpdated` in its own wall
//! clock, so "since the last run" must be written in it (MDSync compared in the browser's zone
//! and read values twice or missed them: its issues #1026 and #1029).

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::selection::{AggregatedSelection, AggregationType};
use crate::rules::periods::period_bounds;
use crate::rules::{DatePeriod, RuleLastRun, ServerZone};

/// What a run reads: periods that lie within `start`…`end` (inclusive), changed since
/// `last_updated` when set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedPeriod {
    #[serde(with = "day_text")]
    pub start: Date,
    #[serde(with = "day_text")]
    pub end: Date,
    /// `yyyy-MM-ddTHH:mm:ss` in the server's wall clock.
    pub last_updated: Option<String>,
    /// "Since the last run" without a last run: every period is read.
    #[serde(default)]
    pub no_previous_run: bool,
}

/// A date as `yyyy-MM-dd` in JSON.
mod day_text {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The first day "all periods" reads from (DHIS2 has no open date range).
const ALL_START: (i16, i8, i8) = (1970, 1, 1);
/// "All periods" reads up to the end of the year this many years ahead (targets, plans).
const ALL_YEARS_AHEAD: i16 = 10;

/// Resolves the selection's period for a run at `now_millis`.
pub fn resolve_period(
    selection: &AggregatedSelection,
    now_millis: u64,
    zone: &ServerZone,
    last_run: &RuleLastRun,
) -> ResolvedPeriod {
    let bounds = period_bounds(&selection.period, now_millis, zone, last_run);
    let today = i64::try_from(now_millis)
        .ok()
        .and_then(|millis| Timestamp::from_millisecond(millis).ok())
        .map(|at| at.to_zoned(zone.time_zone().clone()).date())
        .unwrap_or(Date::constant(2000, 1, 1));
    let all_start = Date::new(ALL_START.0, ALL_START.1, ALL_START.2).unwrap_or(today);
    let all_end = Date::new(today.year().saturating_add(ALL_YEARS_AHEAD), 12, 31).unwrap_or(today);
    let since_period = matches!(
        selection.period,
        DatePeriod::SinceLastExecutedDate | DatePeriod::SinceLastSuccessfulSync
    );
    let (start, end, since) = if since_period {
        (all_start, all_end, bounds.from)
    } else {
        let day = |text: Option<&String>| text.and_then(|t| t.get(..10)?.parse::<Date>().ok());
        let start = day(bounds.from.as_ref()).unwrap_or(all_start);
        // The bounds' end is exclusive; DHIS2's `endDate` is the last day.
        let end = day(bounds.until.as_ref())
            .and_then(|until| until.checked_sub(1.day()).ok())
            .unwrap_or(all_end);
        (start, end, None)
    };
    let chosen = selection
        .last_updated_since
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(wall_clock);
    let last_updated = match (since, chosen) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    ResolvedPeriod {
        start,
        end,
        no_previous_run: since_period && last_updated.is_none(),
        last_updated,
    }
}

/// `2024-05-01` → `2024-05-01T00:00:00`, so that two bounds compare as text.
fn wall_clock(text: &str) -> String {
    match text.len() {
        10 => format!("{text}T00:00:00"),
        _ => text.chars().take(19).collect(),
    }
}

/// The ISO periods of `kind` that lie within `start`…`end`, in order: what aggregation mode
/// asks analytics for.
pub fn periods_within(kind: AggregationType, start: Date, end: Date) -> Vec<String> {
    let mut periods = Vec::new();
    let mut day = start;
    let step = |date: Date, span: jiff::Span| date.checked_add(span).ok();
    while day <= end {
        let (iso, first, last) = match kind {
            AggregationType::Daily => (day.strftime("%Y%m%d").to_string(), day, day),
            AggregationType::Weekly => {
                let week = day.iso_week_date();
                let monday = day
                    .checked_sub(i64::from(day.weekday().to_monday_zero_offset()).days())
                    .unwrap_or(day);
                let sunday = step(monday, 6.days()).unwrap_or(monday);
                (format!("{}W{}", week.year(), week.week()), monday, sunday)
            }
            AggregationType::Monthly => (
                day.strftime("%Y%m").to_string(),
                day.first_of_month(),
                day.last_of_month(),
            ),
            AggregationType::Quarterly => {
                let quarter = (day.month() - 1) / 3;
                let first = Date::new(day.year(), quarter * 3 + 1, 1).unwrap_or(day);
                let last = step(first, 3.months())
                    .and_then(|next| next.checked_sub(1.day()).ok())
                    .unwrap_or(day);
                (format!("{}Q{}", day.year(), quarter + 1), first, last)
            }
            AggregationType::Yearly => (
                day.year().to_string(),
                day.first_of_year(),
                day.last_of_year(),
            ),
        };
        if first >= start && last <= end {
            periods.push(iso);
        }
        match step(last, 1.day()) {
            Some(next) if next > day => day = next,
            _ => break,
        }
    }
    periods
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEC_3_2026_10H: u64 = 1_796_292_000_000;

    fn selection(period: DatePeriod) -> AggregatedSelection {
        AggregatedSelection {
            period,
            ..AggregatedSelection::default()
        }
    }

    #[test]
    fn relative_periods_become_inclusive_dates() {
        let resolved = resolve_period(
            &selection(DatePeriod::LastYear),
            DEC_3_2026_10H,
            &ServerZone::utc(),
            &RuleLastRun::default(),
        );
        assert_eq!(resolved.start, Date::constant(2025, 1, 1));
        assert_eq!(resolved.end, Date::constant(2025, 12, 31));
        assert_eq!(resolved.last_updated, None);
        let all = resolve_period(
            &selection(DatePeriod::All),
            DEC_3_2026_10H,
            &ServerZone::utc(),
            &RuleLastRun::default(),
        );
        assert_eq!(all.start, Date::constant(1970, 1, 1));
        assert_eq!(all.end, Date::constant(2036, 12, 31));
    }

    /// MDSync #1026/#1029: the last run at 23:30 UTC is 00:30 the next day in Oslo, and DHIS2
    /// compares `lastUpdated` in its own clock.
    #[test]
    fn since_the_last_run_is_written_in_the_servers_clock() {
        let oslo = ServerZone::named("Europe/Oslo").expect("zone");
        let last_run = RuleLastRun {
            last_executed: Some("2026-11-30T23:30:00Z".into()),
            ..RuleLastRun::default()
        };
        let resolved = resolve_period(
            &selection(DatePeriod::SinceLastExecutedDate),
            DEC_3_2026_10H,
            &oslo,
            &last_run,
        );
        assert_eq!(
            resolved.last_updated.as_deref(),
            Some("2026-12-01T00:30:00")
        );
        assert!(!resolved.no_previous_run);
        let never = resolve_period(
            &selection(DatePeriod::SinceLastExecutedDate),
            DEC_3_2026_10H,
            &oslo,
            &RuleLastRun::default(),
        );
        assert!(never.no_previous_run);
        // "Last updated since" narrows further when later.
        let both = resolve_period(
            &AggregatedSelection {
                last_updated_since: Some("2026-12-02".into()),
                ..selection(DatePeriod::SinceLastExecutedDate)
            },
            DEC_3_2026_10H,
            &oslo,
            &last_run,
        );
        assert_eq!(both.last_updated.as_deref(), Some("2026-12-02T00:00:00"));
    }

    #[test]
    fn aggregation_periods_lie_within_the_dates() {
        let (start, end) = (Date::constant(2024, 1, 1), Date::constant(2024, 12, 31));
        assert_eq!(
            periods_within(AggregationType::Quarterly, start, end),
            ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
        );
        assert_eq!(
            periods_within(AggregationType::Monthly, start, end).len(),
            12
        );
        assert_eq!(
            periods_within(AggregationType::Yearly, start, end),
            ["2024"]
        );
        let weeks = periods_within(AggregationType::Weekly, start, end);
        assert_eq!(weeks.first().map(String::as_str), Some("2024W1"));
        // 2025W1 starts on 2024-12-30 and ends in 2025: not within.
        assert_eq!(weeks.last().map(String::as_str), Some("2024W52"));
        assert_eq!(
            periods_within(AggregationType::Daily, start, Date::constant(2024, 1, 3)),
            ["20240101", "20240102", "20240103"]
        );
    }
}
