//! Date periods of metadata filters, counted at run time in the server's time zone: relative
//! ones ("last month") from the day of the run, "since last run" from the rule's own record.

use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, ToSpan};

use super::model::{DatePeriod, RuleLastRun};
use super::schedule::{parse_iso, ServerZone};

/// The DHIS2 filter bounds of a period: values for `field:ge:` (from) and `field:lt:` (until,
/// exclusive). `None` on both sides means no filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeriodBounds {
    pub from: Option<String>,
    pub until: Option<String>,
}

/// The bounds of `period` for a run at `now_millis`.
pub fn period_bounds(
    period: &DatePeriod,
    now_millis: u64,
    zone: &ServerZone,
    last_run: &RuleLastRun,
) -> PeriodBounds {
    let zoned = |millis: u64| {
        i64::try_from(millis)
            .ok()
            .and_then(|millis| Timestamp::from_millisecond(millis).ok())
            .map(|at| at.to_zoned(zone_of(zone)))
    };
    let Some(now) = zoned(now_millis) else {
        return PeriodBounds::default();
    };
    let today = now.date();
    let days = |from: Date, until: Date| PeriodBounds {
        from: Some(from.to_string()),
        until: Some(until.to_string()),
    };
    let add = |date: Date, span: jiff::Span| date.checked_add(span).unwrap_or(date);
    let month_start = today.first_of_month();
    let quarter_start =
        Date::new(today.year(), (today.month() - 1) / 3 * 3 + 1, 1).unwrap_or(today);
    let year_start = Date::new(today.year(), 1, 1).unwrap_or(today);
    let week_start = add(
        today,
        (-i64::from(today.weekday().since(Weekday::Monday))).days(),
    );
    // "Since the last run", in the server's wall clock (DHIS2 compares in its own zone).
    let since = |at: Option<&String>| PeriodBounds {
        from: at
            .and_then(|text| parse_iso(text))
            .and_then(zoned)
            .map(|at| at.strftime("%Y-%m-%dT%H:%M:%S").to_string()),
        until: None,
    };
    match period {
        DatePeriod::All => PeriodBounds::default(),
        DatePeriod::Fixed { start, end } => {
            let day = |text: &Option<String>| {
                text.as_deref()
                    .and_then(|t| t.get(..10))
                    .and_then(|t| t.parse::<Date>().ok())
            };
            PeriodBounds {
                from: day(start).map(|d| d.to_string()),
                until: day(end).map(|d| add(d, 1.day()).to_string()),
            }
        }
        DatePeriod::SinceLastExecutedDate => since(last_run.last_executed.as_ref()),
        DatePeriod::SinceLastSuccessfulSync => since(last_run.last_successful_sync.as_ref()),
        DatePeriod::Today => days(today, add(today, 1.day())),
        DatePeriod::Yesterday => days(add(today, (-1).days()), today),
        DatePeriod::Last7Days => days(add(today, (-7).days()), add(today, 1.day())),
        DatePeriod::Last14Days => days(add(today, (-14).days()), add(today, 1.day())),
        DatePeriod::ThisWeek => days(week_start, add(week_start, 7.days())),
        DatePeriod::LastWeek => days(add(week_start, (-7).days()), week_start),
        DatePeriod::ThisMonth => days(month_start, add(month_start, 1.month())),
        DatePeriod::LastMonth => days(add(month_start, (-1).month()), month_start),
        DatePeriod::ThisQuarter => days(quarter_start, add(quarter_start, 3.months())),
        DatePeriod::LastQuarter => days(add(quarter_start, (-3).months()), quarter_start),
        DatePeriod::ThisYear => days(year_start, add(year_start, 1.year())),
        DatePeriod::LastYear => days(add(year_start, (-1).year()), year_start),
    }
}

fn zone_of(zone: &ServerZone) -> jiff::tz::TimeZone {
    zone.time_zone().clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEC_3_2026_10H: u64 = 1_796_292_000_000; // a Thursday

    fn bounds(period: DatePeriod) -> (Option<String>, Option<String>) {
        let b = period_bounds(
            &period,
            DEC_3_2026_10H,
            &ServerZone::utc(),
            &RuleLastRun {
                last_successful_sync: Some("2026-11-30T23:30:00Z".into()),
                ..RuleLastRun::default()
            },
        );
        (b.from, b.until)
    }

    fn pair(from: &str, until: &str) -> (Option<String>, Option<String>) {
        (Some(from.into()), Some(until.into()))
    }

    #[test]
    fn relative_periods_count_from_the_day_of_the_run() {
        assert_eq!(
            bounds(DatePeriod::LastMonth),
            pair("2026-11-01", "2026-12-01")
        );
        assert_eq!(
            bounds(DatePeriod::ThisWeek),
            pair("2026-11-30", "2026-12-07")
        );
        assert_eq!(
            bounds(DatePeriod::LastQuarter),
            pair("2026-07-01", "2026-10-01")
        );
        assert_eq!(
            bounds(DatePeriod::Yesterday),
            pair("2026-12-02", "2026-12-03")
        );
        assert_eq!(bounds(DatePeriod::All), (None, None));
    }

    #[test]
    fn since_the_last_successful_sync_uses_the_rules_record_in_the_server_zone() {
        assert_eq!(
            bounds(DatePeriod::SinceLastSuccessfulSync),
            (Some("2026-11-30T23:30:00".into()), None)
        );
        let oslo = ServerZone::named("Europe/Oslo").expect("zone");
        let b = period_bounds(
            &DatePeriod::SinceLastSuccessfulSync,
            DEC_3_2026_10H,
            &oslo,
            &RuleLastRun {
                last_successful_sync: Some("2026-11-30T23:30:00Z".into()),
                ..RuleLastRun::default()
            },
        );
        assert_eq!(b.from.as_deref(), Some("2026-12-01T00:30:00"));
    }

    #[test]
    fn a_fixed_period_includes_its_last_day() {
        let period = DatePeriod::Fixed {
            start: Some("2026-01-01".into()),
            end: Some("2026-01-31".into()),
        };
        assert_eq!(bounds(period), pair("2026-01-01", "2026-02-01"));
    }
}
