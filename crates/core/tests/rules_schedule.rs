//! Schedules: MDSync's six-field cron and the five-field form, presets, words, and next run
//! times in the server's time zone across month ends and daylight saving time.

use mdsync_core::rules::{
    iso_utc, parse_iso, CronSchedule, Frequency, ScheduleError, ScheduleWords, ServerZone,
    TimeOfDay, Weekday,
};

fn at(iso: &str) -> u64 {
    parse_iso(iso).unwrap_or_else(|| panic!("not a time: {iso}"))
}

fn zone(name: &str) -> ServerZone {
    ServerZone::named(name).unwrap_or_else(|e| panic!("{e}"))
}

fn schedule(expression: &str) -> CronSchedule {
    CronSchedule::parse(expression).unwrap_or_else(|e| panic!("{expression}: {e}"))
}

/// The next `n` runs after `after`, as UTC instants.
fn next_utc(expression: &str, after: &str, zone_name: &str, n: usize) -> Vec<String> {
    schedule(expression)
        .next_runs(at(after), &zone(zone_name), n)
        .into_iter()
        .map(|run| iso_utc(run.at_millis))
        .collect()
}

/// The next `n` runs after `after`, as the zone's wall clock.
fn next_local(expression: &str, after: &str, zone_name: &str, n: usize) -> Vec<String> {
    schedule(expression)
        .next_runs(at(after), &zone(zone_name), n)
        .into_iter()
        .map(|run| format!("{} {}", run.local, run.offset))
        .collect()
}

#[test]
fn mdsync_six_field_expressions_with_question_marks_and_five_field_ones_parse() {
    for expression in [
        "0 0 0 ? * *",
        "0 0 2 1 * ?",
        "0 30 6 ? * MON",
        "0 0/15 * * * ?",
        "*/5 * * * * *",
        "15 2 * * 1-5",
        "0  0   3 * * *",
    ] {
        assert!(CronSchedule::parse(expression).is_ok(), "{expression}");
    }
    // Whitespace is normalised in what is stored.
    assert_eq!(schedule(" 0  0   3 * * * ").expression(), "0 0 3 * * *");
    // Weekdays count as MDSync's scheduler (node-schedule) counted them: 1 is Monday.
    let monday_runs = next_local("0 0 9 ? * 1", "2026-12-03T10:00:00Z", "UTC", 1);
    assert_eq!(monday_runs, ["2026-12-07 09:00:00 +00:00"]);
}

#[test]
fn invalid_expressions_are_refused_with_the_reason() {
    assert_eq!(CronSchedule::parse("   "), Err(ScheduleError::Empty));
    assert!(matches!(
        CronSchedule::parse("0 0 * *"),
        Err(ScheduleError::FieldCount { found: 4, .. })
    ));
    assert!(matches!(
        CronSchedule::parse("0 0 0 0 0 0 2027"),
        Err(ScheduleError::FieldCount { found: 7, .. })
    ));
    for bad in [
        "0 61 * * * *",
        "0 0 25 * * *",
        "0 0 0 32 * *",
        "0 0 0 * 13 *",
        "a b c d e",
    ] {
        let error = CronSchedule::parse(bad).expect_err(bad);
        assert!(
            matches!(error, ScheduleError::Invalid { .. }),
            "{bad}: {error:?}"
        );
        assert!(error.to_string().contains(bad), "{error}");
    }
}

#[test]
fn a_cron_that_never_fires_is_refused() {
    for never in ["0 0 0 31 2 *", "0 0 0 30 2 ?", "0 0 12 31 4,6,9,11 *"] {
        let error = CronSchedule::parse(never).expect_err(never);
        assert_eq!(
            error,
            ScheduleError::NeverFires {
                expression: never.into()
            }
        );
        assert!(error.to_string().contains("never fires"));
    }
    // Once every four years is not never.
    assert_eq!(
        next_utc("0 0 0 29 2 *", "2026-12-03T10:00:00Z", "UTC", 2),
        ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]
    );
}

#[test]
fn next_runs_are_in_the_servers_time_zone() {
    let after = "2026-12-03T10:00:00Z";
    assert_eq!(
        next_local("0 0 2 * * *", after, "Africa/Freetown", 3),
        [
            "2026-12-04 02:00:00 +00:00",
            "2026-12-05 02:00:00 +00:00",
            "2026-12-06 02:00:00 +00:00"
        ]
    );
    // 02:00 in Kolkata is 20:30 UTC the day before.
    assert_eq!(
        next_utc("0 0 2 * * *", after, "Asia/Kolkata", 2),
        ["2026-12-03T20:30:00Z", "2026-12-04T20:30:00Z"]
    );
    assert_eq!(
        ServerZone::named("Mars/Olympus_Mons").unwrap_err(),
        ScheduleError::UnknownTimeZone {
            name: "Mars/Olympus_Mons".into()
        }
    );
    let (fallback, problem) = ServerZone::of_server(Some("Nowhere/Else"));
    assert_eq!(fallback.name(), "UTC");
    assert!(problem.is_some());
}

#[test]
fn month_ends_are_kept() {
    // The 31st only in months that have one.
    assert_eq!(
        next_utc("0 0 0 31 * *", "2026-01-31T12:00:00Z", "UTC", 3),
        [
            "2026-03-31T00:00:00Z",
            "2026-05-31T00:00:00Z",
            "2026-07-31T00:00:00Z"
        ]
    );
    // The last day of every month, February of a leap year included.
    assert_eq!(
        next_utc("0 0 23 L * *", "2028-01-31T23:30:00Z", "UTC", 3),
        [
            "2028-02-29T23:00:00Z",
            "2028-03-31T23:00:00Z",
            "2028-04-30T23:00:00Z"
        ]
    );
    // Monthly on the 1st, across a year end.
    assert_eq!(
        next_utc("0 0 2 1 * ?", "2026-12-15T00:00:00Z", "UTC", 2),
        ["2027-01-01T02:00:00Z", "2027-02-01T02:00:00Z"]
    );
}

#[test]
fn daylight_saving_time_neither_loses_nor_doubles_a_run() {
    // Berlin skips 02:00–03:00 on 2026-03-29: the 02:30 run still happens that day, once, as
    // the clocks reach 03:00.
    let spring = next_local("0 30 2 * * *", "2026-03-28T12:00:00Z", "Europe/Berlin", 3);
    assert_eq!(spring.len(), 3);
    assert_eq!(spring[0], "2026-03-29 03:00:00 +02:00");
    assert_eq!(spring[1], "2026-03-30 02:30:00 +02:00");
    // Berlin repeats 02:00–03:00 on 2026-10-25: the 02:30 run happens once that day.
    let autumn = next_utc("0 30 2 * * *", "2026-10-24T12:00:00Z", "Europe/Berlin", 3);
    assert_eq!(
        autumn,
        [
            "2026-10-25T00:30:00Z",
            "2026-10-26T01:30:00Z",
            "2026-10-27T01:30:00Z"
        ]
    );
    // A daily run at a time DST does not touch keeps its wall clock time, its UTC time moves.
    assert_eq!(
        next_utc("0 0 6 * * *", "2026-03-28T12:00:00Z", "Europe/Berlin", 2),
        ["2026-03-29T04:00:00Z", "2026-03-30T04:00:00Z"]
    );
}

#[test]
fn presets_are_cron_expressions_and_are_recognised_again() {
    let at = TimeOfDay {
        hour: 2,
        minute: 30,
    };
    let presets = [
        (Frequency::Daily { at }, "0 30 2 ? * *"),
        (
            Frequency::Weekly {
                on: Weekday::Monday,
                at,
            },
            "0 30 2 ? * 1",
        ),
        (Frequency::Monthly { day: 1, at }, "0 30 2 1 * ?"),
        (Frequency::Quarterly { day: 5, at }, "0 30 2 5 1,4,7,10 ?"),
        (
            Frequency::Yearly {
                month: 12,
                day: 28,
                at,
            },
            "0 30 2 28 12 ?",
        ),
    ];
    for (frequency, cron) in presets {
        assert_eq!(frequency.cron().as_deref(), Ok(cron));
        assert!(CronSchedule::parse(cron).is_ok(), "{cron}");
        assert_eq!(Frequency::recognise(cron), Some(frequency), "{cron}");
    }
    // MDSync's own template for "every day".
    assert_eq!(
        Frequency::recognise("0 0 0 ? * *"),
        Some(Frequency::Daily {
            at: TimeOfDay { hour: 0, minute: 0 }
        })
    );
    assert!(Frequency::Monthly { day: 31, at }.cron().is_err());
}

#[test]
fn schedules_are_put_in_words() {
    let words = |expression: &str| {
        ScheduleWords::of_expression(expression)
            .unwrap_or_else(|e| panic!("{e}"))
            .to_string()
    };
    assert_eq!(words("0 0 2 ? * *"), "Every day at 02:00");
    assert_eq!(words("0 15 6 ? * MON"), "Every Monday at 06:15");
    assert_eq!(words("0 0 3 1 * ?"), "Every month on day 1 at 03:00");
    assert_eq!(words("*/5 * * * * *"), "Every 5 seconds");
    assert_eq!(words("0 */10 * * * *"), "Every 10 minutes");
    assert_eq!(words("0 0 */6 * * *"), "Every 6 hours");
    // Anything else: croner's English.
    let custom =
        ScheduleWords::of_expression("0 0 12 * * MON-FRI").unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(custom, ScheduleWords::Custom { .. }), "{custom:?}");
    assert!(!custom.to_string().is_empty());
    assert!(ScheduleWords::of_expression("0 0 0 31 2 *").is_err());
}
