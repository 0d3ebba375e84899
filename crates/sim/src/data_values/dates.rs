//! Calendar arithmetic without a date crate: days since 1970-01-01, DHIS2 ISO periods and the
//! timestamp formats DHIS2 writes.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

const MILLIS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// (year, month, day) of a count of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let next = if month == 12 {
        days_from_civil(year + 1, 1, 1)
    } else {
        days_from_civil(year, month + 1, 1)
    };
    (next - days_from_civil(year, month, 1)) as u32
}

pub fn now_millis() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as i64)
        .unwrap_or(0)
}

fn split_millis(millis: Millis) -> ((i64, u32, u32), i64, i64) {
    let days = millis.div_euclid(MILLIS_PER_DAY);
    let in_day = millis.rem_euclid(MILLIS_PER_DAY);
    (civil_from_days(days), in_day / 1000, in_day % 1000)
}

/// `2011-01-11T00:00:00.000+0000`: data value timestamps in `/api/dataValueSets`.
pub fn format_with_zone(millis: Millis) -> String {
    format!("{}+0000", format_no_zone(millis))
}

/// `2018-08-20T14:17:28.429`: Jackson-serialised dates (events, tracker, metadata).
pub fn format_no_zone(millis: Millis) -> String {
    let ((year, month, day), seconds, ms) = split_millis(millis);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// `2019-06-05`.
pub fn format_date(millis: Millis) -> String {
    let ((year, month, day), _, _) = split_millis(millis);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Parses `2019-06-05`, `2019-06-05T10:11:12[.123][Z|+0000|+00:00]` (zone ignored: UTC).
pub fn parse_timestamp(text: &str) -> Option<Millis> {
    let text = text.trim();
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    if day > days_in_month(year, month) {
        return None;
    }
    let mut millis = days_from_civil(year, month, day) * MILLIS_PER_DAY;
    if let Some(time) = time {
        let clock = time.split(['Z', '+']).next().unwrap_or("");
        let clock = clock.split('-').next().unwrap_or("");
        let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
        let mut fields = hms.split(':');
        let hours: i64 = fields.next().unwrap_or("0").parse().ok()?;
        let minutes: i64 = fields.next().unwrap_or("0").parse().ok()?;
        let seconds: i64 = fields.next().unwrap_or("0").parse().ok()?;
        let fraction: String = fraction.chars().take(3).collect();
        let ms: i64 = format!("{fraction:0<3}").parse().ok()?;
        millis += ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
    }
    Some(millis)
}

/// Period types the simulator understands, coarsest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodType {
    Daily,
    Weekly,
    Monthly,
    BiMonthly,
    Quarterly,
    SixMonthly,
    Yearly,
    FinancialYear,
}

impl PeriodType {
    /// The period type of a `periodType` name; the financial years all count as one.
    pub fn from_name(name: &str) -> Option<PeriodType> {
        Some(match name {
            "Daily" => PeriodType::Daily,
            "Weekly" | "WeeklyWednesday" | "WeeklyThursday" | "WeeklySaturday" | "WeeklySunday"
            | "BiWeekly" => PeriodType::Weekly,
            "Monthly" => PeriodType::Monthly,
            "BiMonthly" => PeriodType::BiMonthly,
            "Quarterly" => PeriodType::Quarterly,
            "SixMonthly" | "SixMonthlyApril" | "SixMonthlyNov" => PeriodType::SixMonthly,
            "Yearly" => PeriodType::Yearly,
            name if name.starts_with("Financial") => PeriodType::FinancialYear,
            _ => return None,
        })
    }

    /// The day `periods` periods of this type after `day` (`PeriodType.getRewindedDate` with a
    /// negative count): months keep their day of the month, clamped to the month's length.
    pub fn shift_day(self, day: i64, periods: i64) -> i64 {
        let months = match self {
            PeriodType::Daily => return day + periods,
            PeriodType::Weekly => return day + 7 * periods,
            PeriodType::Monthly => 1,
            PeriodType::BiMonthly => 2,
            PeriodType::Quarterly => 3,
            PeriodType::SixMonthly => 6,
            PeriodType::Yearly | PeriodType::FinancialYear => 12,
        };
        let (year, month, dom) = civil_from_days(day);
        let index = year * 12 + i64::from(month) - 1 + months * periods;
        let (year, month) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32);
        days_from_civil(year, month, dom.min(days_in_month(year, month)))
    }

    /// The name DHIS2 uses in `periodType` fields.
    pub fn name(self) -> &'static str {
        match self {
            PeriodType::Daily => "Daily",
            PeriodType::Weekly => "Weekly",
            PeriodType::Monthly => "Monthly",
            PeriodType::BiMonthly => "BiMonthly",
            PeriodType::Quarterly => "Quarterly",
            PeriodType::SixMonthly => "SixMonthly",
            PeriodType::Yearly => "Yearly",
            PeriodType::FinancialYear => "FinancialApril",
        }
    }
}

/// A DHIS2 ISO period with its first and last day (days since epoch, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub period_type: PeriodType,
    pub start: i64,
    pub end: i64,
}

fn month_range(year: i64, first: u32, months: u32) -> (i64, i64) {
    let start = days_from_civil(year, first, 1);
    let last_month = first + months - 1;
    let (end_year, end_month) = (
        year + i64::from((last_month - 1) / 12),
        (last_month - 1) % 12 + 1,
    );
    let end = days_from_civil(end_year, end_month, days_in_month(end_year, end_month));
    (start, end)
}

/// Parses the ISO period formats DHIS2 uses (`2024`, `202401`, `2024Q1`, `2024W3`, `20240115`,
/// `202401B`, `2024S1`, `2024April`); anything else is not a valid period.
pub fn parse_period(iso: &str) -> Option<Period> {
    let iso = iso.trim();
    if iso.len() < 4 || !iso.is_ascii() {
        return None;
    }
    let (year_text, rest) = iso.split_at(4);
    let year: i64 = year_text
        .parse()
        .ok()
        .filter(|_| year_text.bytes().all(|b| b.is_ascii_digit()))?;
    let number = |text: &str| {
        text.parse::<u32>()
            .ok()
            .filter(|_| text.bytes().all(|b| b.is_ascii_digit()))
    };
    let (period_type, (start, end)) = if rest.is_empty() {
        (PeriodType::Yearly, month_range(year, 1, 12))
    } else if rest == "April" {
        (PeriodType::FinancialYear, month_range(year, 4, 12))
    } else if let Some(quarter) = rest.strip_prefix('Q') {
        let quarter = number(quarter).filter(|q| (1..=4).contains(q))?;
        (PeriodType::Quarterly, month_range(year, quarter * 3 - 2, 3))
    } else if let Some(half) = rest.strip_prefix('S') {
        let half = number(half).filter(|h| (1..=2).contains(h))?;
        (PeriodType::SixMonthly, month_range(year, half * 6 - 5, 6))
    } else if let Some(week) = rest.strip_prefix('W') {
        let week = number(week).filter(|w| (1..=53).contains(w))?;
        // ISO week 1 holds the year's first Thursday.
        let jan4 = days_from_civil(year, 1, 4);
        let weekday = (jan4 + 3).rem_euclid(7); // 0 = Monday
        let start = jan4 - weekday + 7 * i64::from(week - 1);
        (PeriodType::Weekly, (start, start + 6))
    } else if let Some(bimonth) = rest.strip_suffix('B') {
        let bimonth = number(bimonth).filter(|b| (1..=6).contains(b))?;
        (PeriodType::BiMonthly, month_range(year, bimonth * 2 - 1, 2))
    } else if rest.len() == 2 {
        let month = number(rest).filter(|m| (1..=12).contains(m))?;
        (PeriodType::Monthly, month_range(year, month, 1))
    } else if rest.len() == 4 {
        let month = number(&rest[..2]).filter(|m| (1..=12).contains(m))?;
        let day = number(&rest[2..]).filter(|d| *d >= 1 && *d <= days_in_month(year, month))?;
        let day = days_from_civil(year, month, day);
        (PeriodType::Daily, (day, day))
    } else {
        return None;
    };
    Some(Period {
        period_type,
        start,
        end,
    })
}

/// The ISO name of the period of `period_type` that contains `day`.
pub fn period_containing(period_type: PeriodType, day: i64) -> String {
    let (year, month, dom) = civil_from_days(day);
    match period_type {
        PeriodType::Daily => format!("{year:04}{month:02}{dom:02}"),
        PeriodType::Weekly => {
            let weekday = (day + 3).rem_euclid(7);
            let thursday = day - weekday + 3;
            let (iso_year, _, _) = civil_from_days(thursday);
            let week = (thursday - days_from_civil(iso_year, 1, 1)) / 7 + 1;
            format!("{iso_year:04}W{week}")
        }
        PeriodType::Monthly => format!("{year:04}{month:02}"),
        PeriodType::BiMonthly => format!("{year:04}{:02}B", month.div_ceil(2)),
        PeriodType::Quarterly => format!("{year:04}Q{}", month.div_ceil(3)),
        PeriodType::SixMonthly => format!("{year:04}S{}", month.div_ceil(6)),
        PeriodType::Yearly => format!("{year:04}"),
        PeriodType::FinancialYear => {
            let start_year = if month >= 4 { year } else { year - 1 };
            format!("{start_year:04}April")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_formats() {
        for days in [-1000, 0, 17_000, 19_723, 20_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        let millis = parse_timestamp("2011-01-11T10:20:30.456").unwrap();
        assert_eq!(format_with_zone(millis), "2011-01-11T10:20:30.456+0000");
        assert_eq!(format_no_zone(millis), "2011-01-11T10:20:30.456");
        assert_eq!(format_date(millis), "2011-01-11");
        assert!(parse_timestamp("2011-02-30").is_none());
    }

    #[test]
    fn periods_parse_and_contain() {
        let march = parse_period("202403").unwrap();
        assert_eq!(march.end - march.start, 30);
        let q1 = parse_period("2024Q1").unwrap();
        assert_eq!(
            (q1.start, q1.end),
            (parse_period("202401").unwrap().start, march.end)
        );
        assert_eq!(
            period_containing(PeriodType::Quarterly, march.start),
            "2024Q1"
        );
        assert_eq!(
            period_containing(PeriodType::Weekly, parse_period("2024W1").unwrap().start),
            "2024W1"
        );
        assert_eq!(
            period_containing(PeriodType::FinancialYear, march.start),
            "2023April"
        );
        assert!(parse_period("202413").is_none() && parse_period("20x4").is_none());
        let jan31 = days_from_civil(2024, 1, 31);
        assert_eq!(
            PeriodType::Monthly.shift_day(jan31, 1),
            days_from_civil(2024, 2, 29)
        );
        assert_eq!(PeriodType::from_name("Monthly"), Some(PeriodType::Monthly));
        assert!(parse_period("2024a€").is_none());
    }
}
