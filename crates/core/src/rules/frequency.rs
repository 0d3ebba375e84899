//! The frequency presets of the schedule step (daily, weekly, monthly, quarterly, yearly at a
//! chosen time) and a schedule in words. Presets are stored as the cron expression they stand
//! for, in MDSync's six-field form, and recognised again when a rule is edited; words are typed
//! values the app translates, with croner's English for the expressions no preset covers.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::schedule::{CronSchedule, ScheduleError};

/// A time of day, server time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeOfDay {
    pub hour: u8,
    pub minute: u8,
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// A day of the week (cron numbering: Sunday is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Weekday {
    Sunday,
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
}

impl Weekday {
    const ALL: [Weekday; 7] = [
        Weekday::Sunday,
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
    ];
    const NAMES: [&'static str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    fn cron_number(self) -> usize {
        Weekday::ALL
            .iter()
            .position(|day| *day == self)
            .unwrap_or(0)
    }

    /// A cron weekday field holding one day (`1`, `7`, `MON`).
    fn from_cron(field: &str) -> Option<Weekday> {
        let field = field.to_ascii_uppercase();
        if let Some(index) = Weekday::NAMES.iter().position(|name| *name == field) {
            return Some(Weekday::ALL[index]);
        }
        let number: usize = field.parse().ok()?;
        Weekday::ALL.get(number % 7).copied()
    }
}

/// The presets of the schedule step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "camelCase")]
pub enum Frequency {
    Daily {
        at: TimeOfDay,
    },
    Weekly {
        on: Weekday,
        at: TimeOfDay,
    },
    /// On `day` (1–28, so that every month has it) of every month.
    Monthly {
        day: u8,
        at: TimeOfDay,
    },
    /// On `day` of January, April, July and October.
    Quarterly {
        day: u8,
        at: TimeOfDay,
    },
    Yearly {
        month: u8,
        day: u8,
        at: TimeOfDay,
    },
}

/// A preset that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrequencyError {
    #[error("Choose a time between 00:00 and 23:59.")]
    Time,
    #[error("Choose a day of the month between 1 and 28, so that every month has it.")]
    Day,
    #[error("Choose a month between 1 and 12.")]
    Month,
}

impl Frequency {
    /// The cron expression of the preset, in MDSync's six-field form.
    pub fn cron(&self) -> Result<String, FrequencyError> {
        let at = self.at();
        if at.hour > 23 || at.minute > 59 {
            return Err(FrequencyError::Time);
        }
        let time = format!("0 {} {}", at.minute, at.hour);
        let day_ok = |day: u8| (1..=28).contains(&day);
        Ok(match *self {
            Frequency::Daily { .. } => format!("{time} ? * *"),
            Frequency::Weekly { on, .. } => format!("{time} ? * {}", on.cron_number()),
            Frequency::Monthly { day, .. } if day_ok(day) => format!("{time} {day} * ?"),
            Frequency::Quarterly { day, .. } if day_ok(day) => format!("{time} {day} 1,4,7,10 ?"),
            Frequency::Yearly { month, .. } if !(1..=12).contains(&month) => {
                return Err(FrequencyError::Month)
            }
            Frequency::Yearly { month, day, .. } if day_ok(day) => {
                format!("{time} {day} {month} ?")
            }
            _ => return Err(FrequencyError::Day),
        })
    }

    pub fn at(&self) -> TimeOfDay {
        match *self {
            Frequency::Daily { at }
            | Frequency::Weekly { at, .. }
            | Frequency::Monthly { at, .. }
            | Frequency::Quarterly { at, .. }
            | Frequency::Yearly { at, .. } => at,
        }
    }

    /// The preset an expression stands for, if it is one (five or six fields, `?` or `*` for
    /// "any day").
    pub fn recognise(expression: &str) -> Option<Frequency> {
        let fields: Vec<&str> = expression.split_whitespace().collect();
        let fields: &[&str] = match fields.len() {
            6 if fields[0] == "0" => &fields[1..],
            5 => &fields,
            _ => return None,
        };
        let number = |field: &str, max: u8| field.parse::<u8>().ok().filter(|n| *n <= max);
        let at = TimeOfDay {
            minute: number(fields[0], 59)?,
            hour: number(fields[1], 23)?,
        };
        let any = |field: &str| field == "*" || field == "?";
        let (day, month, weekday) = (fields[2], fields[3], fields[4]);
        let day_number = number(day, 28).filter(|day| *day >= 1);
        match (any(day), month, any(weekday)) {
            (true, "*", true) => Some(Frequency::Daily { at }),
            (true, "*", false) => {
                Weekday::from_cron(weekday).map(|on| Frequency::Weekly { on, at })
            }
            (false, "*", true) => day_number.map(|day| Frequency::Monthly { day, at }),
            (false, "1,4,7,10", true) => day_number.map(|day| Frequency::Quarterly { day, at }),
            (false, month, true) => {
                let month = number(month, 12).filter(|month| *month >= 1)?;
                day_number.map(|day| Frequency::Yearly { month, day, at })
            }
            _ => None,
        }
    }
}

/// A schedule in words: a preset, a repeat every few seconds, minutes or hours, or croner's
/// English for anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "words", rename_all = "camelCase")]
pub enum ScheduleWords {
    Preset { frequency: Frequency },
    EverySeconds { seconds: u32 },
    EveryMinutes { minutes: u32 },
    EveryHours { hours: u32 },
    Custom { english: String },
}

impl ScheduleWords {
    pub fn of(schedule: &CronSchedule) -> ScheduleWords {
        let expression = schedule.expression();
        if let Some(frequency) = Frequency::recognise(expression) {
            return ScheduleWords::Preset { frequency };
        }
        let fields: Vec<&str> = expression.split(' ').collect();
        let step = |field: &str| -> Option<u32> {
            match field {
                "*" => Some(1),
                _ => field.strip_prefix("*/")?.parse().ok(),
            }
        };
        let rest_any = |rest: &[&str]| rest.iter().all(|f| *f == "*" || *f == "?");
        let (seconds, rest) = match fields.len() {
            6 => (Some(fields[0]), &fields[1..]),
            _ => (None, &fields[..]),
        };
        let fixed_seconds = seconds.is_none_or(|s| s == "0");
        match (seconds.and_then(step), rest) {
            (Some(seconds), [m, h, tail @ ..]) if *m == "*" && *h == "*" && rest_any(tail) => {
                return ScheduleWords::EverySeconds { seconds };
            }
            (_, [m, h, tail @ ..]) if fixed_seconds && *h == "*" && rest_any(tail) => {
                if let Some(minutes) = step(m) {
                    return ScheduleWords::EveryMinutes { minutes };
                }
            }
            (_, [m, h, tail @ ..]) if fixed_seconds && *m == "0" && rest_any(tail) => {
                if let Some(hours) = step(h) {
                    return ScheduleWords::EveryHours { hours };
                }
            }
            _ => {}
        }
        ScheduleWords::Custom {
            english: schedule.english(),
        }
    }

    /// Words for an expression, or the reason it is not one.
    pub fn of_expression(expression: &str) -> Result<ScheduleWords, ScheduleError> {
        CronSchedule::parse(expression).map(|schedule| ScheduleWords::of(&schedule))
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl fmt::Display for ScheduleWords {
    /// English, for the CLI (the app renders the typed value in the user's language).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleWords::Preset { frequency } => match *frequency {
                Frequency::Daily { at } => write!(f, "Every day at {at}"),
                Frequency::Weekly { on, at } => write!(f, "Every {on:?} at {at}"),
                Frequency::Monthly { day, at } => {
                    write!(f, "Every month on day {day} at {at}")
                }
                Frequency::Quarterly { day, at } => write!(
                    f,
                    "Every quarter (January, April, July, October) on day {day} at {at}"
                ),
                Frequency::Yearly { month, day, at } => {
                    let name = MONTHS
                        .get(usize::from(month).saturating_sub(1))
                        .unwrap_or(&"?");
                    write!(f, "Every year on {name} {day} at {at}")
                }
            },
            ScheduleWords::EverySeconds { seconds: 1 } => write!(f, "Every second"),
            ScheduleWords::EverySeconds { seconds } => write!(f, "Every {seconds} seconds"),
            ScheduleWords::EveryMinutes { minutes: 1 } => write!(f, "Every minute"),
            ScheduleWords::EveryMinutes { minutes } => write!(f, "Every {minutes} minutes"),
            ScheduleWords::EveryHours { hours: 1 } => write!(f, "Every hour"),
            ScheduleWords::EveryHours { hours } => write!(f, "Every {hours} hours"),
            ScheduleWords::Custom { english } => f.write_str(english),
        }
    }
}
