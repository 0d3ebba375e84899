//! The schedule of a rule: none (run by hand), a frequency preset at a chosen time, or a
//! custom cron expression (five fields, or MDSync's six with seconds first). Below it, the
//! schedule in words and its next three runs in the server's time zone, or why it is refused.

use leptos::prelude::*;
use mdsync_core::clock::Clock;
use mdsync_core::rules::{CronSchedule, Frequency, ScheduleWords, ServerZone, TimeOfDay, Weekday};

use crate::clock::BrowserClock;
use crate::l10n::messages::rules::{month, schedule_error, schedule_words, weekday};
use crate::l10n::use_language;
use crate::tr;

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// What the frequency select offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    None,
    Daily,
    Weekly,
    Monthly,
    Quarterly,
    Yearly,
    Custom,
}

impl Mode {
    const ALL: [Mode; 7] = [
        Mode::None,
        Mode::Daily,
        Mode::Weekly,
        Mode::Monthly,
        Mode::Quarterly,
        Mode::Yearly,
        Mode::Custom,
    ];

    fn key(self) -> &'static str {
        match self {
            Mode::None => "none",
            Mode::Daily => "daily",
            Mode::Weekly => "weekly",
            Mode::Monthly => "monthly",
            Mode::Quarterly => "quarterly",
            Mode::Yearly => "yearly",
            Mode::Custom => "custom",
        }
    }

    fn from_key(key: &str) -> Mode {
        Mode::ALL
            .into_iter()
            .find(|mode| mode.key() == key)
            .unwrap_or(Mode::Custom)
    }
}

/// The preset's parts, kept while the user switches between frequencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts {
    at: TimeOfDay,
    on: Weekday,
    day: u8,
    month: u8,
}

impl Default for Parts {
    fn default() -> Self {
        Parts {
            at: TimeOfDay { hour: 2, minute: 0 },
            on: Weekday::Monday,
            day: 1,
            month: 1,
        }
    }
}

fn frequency(mode: Mode, parts: Parts) -> Option<Frequency> {
    let Parts { at, on, day, month } = parts;
    Some(match mode {
        Mode::Daily => Frequency::Daily { at },
        Mode::Weekly => Frequency::Weekly { on, at },
        Mode::Monthly => Frequency::Monthly { day, at },
        Mode::Quarterly => Frequency::Quarterly { day, at },
        Mode::Yearly => Frequency::Yearly { month, day, at },
        Mode::None | Mode::Custom => return None,
    })
}

fn parts_of(frequency: Frequency) -> (Mode, Parts) {
    let mut parts = Parts {
        at: frequency.at(),
        ..Parts::default()
    };
    let mode = match frequency {
        Frequency::Daily { .. } => Mode::Daily,
        Frequency::Weekly { on, .. } => {
            parts.on = on;
            Mode::Weekly
        }
        Frequency::Monthly { day, .. } => {
            parts.day = day;
            Mode::Monthly
        }
        Frequency::Quarterly { day, .. } => {
            parts.day = day;
            Mode::Quarterly
        }
        Frequency::Yearly { month, day, .. } => {
            parts.day = day;
            parts.month = month;
            Mode::Yearly
        }
    };
    (mode, parts)
}

fn parse_time(text: &str) -> Option<TimeOfDay> {
    let (hour, minute) = text.split_once(':')?;
    Some(TimeOfDay {
        hour: hour.parse().ok()?,
        minute: minute.get(..2).unwrap_or(minute).parse().ok()?,
    })
}

/// The schedule field. `value` is the cron expression (`None`: run by hand only); `zone` the
/// server's time zone, in which the next runs are shown.
#[component]
pub fn ScheduleField(
    value: RwSignal<Option<String>>,
    zone: StoredValue<ServerZone>,
) -> impl IntoView {
    let lang = use_language();
    let initial = value.get_untracked();
    let (mode, parts) = match initial.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => (Mode::None, Parts::default()),
        Some(expression) => match Frequency::recognise(expression) {
            Some(frequency) => parts_of(frequency),
            None => (Mode::Custom, Parts::default()),
        },
    };
    let mode = RwSignal::new(mode);
    let parts = RwSignal::new(parts);
    let custom = RwSignal::new(if mode.get_untracked() == Mode::Custom {
        initial.unwrap_or_default()
    } else {
        String::new()
    });
    // The expression follows the inputs.
    let recompute = move || {
        let expression = match mode.get_untracked() {
            Mode::None => None,
            Mode::Custom => Some(custom.get_untracked()),
            preset => frequency(preset, parts.get_untracked()).and_then(|f| f.cron().ok()),
        };
        value.set(expression);
    };
    let checked = Memo::new(move |_| {
        value
            .get()
            .map(|expression| CronSchedule::parse(&expression))
    });
    let words_and_runs = move || {
        match checked.get() {
        None => view! {
            <p class="field-help" data-test="schedule-words">{tr!(lang, rules.schedule.manual_only)}</p>
        }
        .into_any(),
        Some(Err(error)) => view! {
            <p class="field-error" data-test="schedule-error">{schedule_error(lang, &error)}</p>
        }
        .into_any(),
        Some(Ok(schedule)) => {
            let now = BrowserClock.now_millis();
            let runs = zone.with_value(|zone| schedule.next_runs(now, zone, 3));
            let zone_name = zone.with_value(|zone| zone.name().to_string());
            let items = runs
                .into_iter()
                .map(|run| view! { <li data-test="schedule-next-run">{format!("{} ({})", run.local, run.offset)}</li> })
                .collect_view();
            view! {
                <p class="schedule-words" data-test="schedule-words">
                    {schedule_words(lang, &ScheduleWords::of(&schedule))}
                </p>
                <p class="field-help">{tr!(lang, rules.schedule.next_runs, zone = zone_name)}</p>
                <ul class="schedule-next" data-test="schedule-next-runs">{items}</ul>
            }
            .into_any()
        }
    }
    };
    let preset_inputs = move || {
        let current = mode.get();
        let p = parts.get_untracked();
        let time = (!matches!(current, Mode::None | Mode::Custom)).then(|| {
            view! {
                <label class="schedule-part">
                    {tr!(lang, rules.schedule.at)}
                    <input class="input" type="time" data-test="schedule-time"
                        prop:value=p.at.to_string()
                        on:change=move |ev| {
                            if let Some(at) = parse_time(&event_target_value(&ev)) {
                                parts.update(|p| p.at = at);
                                recompute();
                            }
                        }/>
                </label>
            }
        });
        let day_of_week = (current == Mode::Weekly).then(|| {
            let options = WEEKDAYS
                .into_iter()
                .map(|day| view! {
                    <option value=format!("{day:?}") selected=day == p.on>{weekday(lang, day)}</option>
                })
                .collect_view();
            view! {
                <label class="schedule-part">
                    {tr!(lang, rules.schedule.on_day)}
                    <select class="input" data-test="schedule-weekday" on:change=move |ev| {
                        let picked = event_target_value(&ev);
                        if let Some(day) = WEEKDAYS.into_iter().find(|d| format!("{d:?}") == picked) {
                            parts.update(|p| p.on = day);
                            recompute();
                        }
                    }>{options}</select>
                </label>
            }
        });
        let month_select = (current == Mode::Yearly).then(|| {
            let options = (1..=12u8)
                .map(|m| view! { <option value=m.to_string() selected=m == p.month>{month(lang, m)}</option> })
                .collect_view();
            view! {
                <label class="schedule-part">
                    {tr!(lang, rules.schedule.month)}
                    <select class="input" data-test="schedule-month" on:change=move |ev| {
                        if let Ok(m) = event_target_value(&ev).parse() {
                            parts.update(|p| p.month = m);
                            recompute();
                        }
                    }>{options}</select>
                </label>
            }
        });
        let day_of_month = matches!(current, Mode::Monthly | Mode::Quarterly | Mode::Yearly).then(|| {
            let options = (1..=28u8)
                .map(|d| view! { <option value=d.to_string() selected=d == p.day>{d.to_string()}</option> })
                .collect_view();
            view! {
                <label class="schedule-part">
                    {tr!(lang, rules.schedule.day_of_month)}
                    <select class="input" data-test="schedule-day" on:change=move |ev| {
                        if let Ok(d) = event_target_value(&ev).parse() {
                            parts.update(|p| p.day = d);
                            recompute();
                        }
                    }>{options}</select>
                </label>
            }
        });
        let cron = (current == Mode::Custom).then(|| {
            view! {
                <label class="schedule-part schedule-cron">
                    {tr!(lang, rules.schedule.cron)}
                    <input class="input" type="text" data-test="schedule-cron" spellcheck="false"
                        placeholder="0 0 2 * * ?"
                        prop:value=move || custom.get()
                        on:input=move |ev| {
                            custom.set(event_target_value(&ev));
                            recompute();
                        }/>
                    <span class="field-help">{tr!(lang, rules.schedule.cron_help)}</span>
                </label>
            }
        });
        view! { {time}{day_of_week}{month_select}{day_of_month}{cron} }
    };
    let mode_label = move |m: Mode| match m {
        Mode::None => tr!(lang, rules.schedule.modes.none),
        Mode::Daily => tr!(lang, rules.schedule.modes.daily),
        Mode::Weekly => tr!(lang, rules.schedule.modes.weekly),
        Mode::Monthly => tr!(lang, rules.schedule.modes.monthly),
        Mode::Quarterly => tr!(lang, rules.schedule.modes.quarterly),
        Mode::Yearly => tr!(lang, rules.schedule.modes.yearly),
        Mode::Custom => tr!(lang, rules.schedule.modes.custom),
    };
    let modes = Mode::ALL
        .into_iter()
        .map(|m| view! { <option value=m.key() selected=move || mode.get() == m>{mode_label(m)}</option> })
        .collect_view();
    view! {
        <div class="schedule-field" data-test="schedule-field">
            <div class="schedule-inputs">
                <label class="schedule-part">
                    {tr!(lang, rules.schedule.frequency)}
                    <select class="input" data-test="schedule-mode" on:change=move |ev| {
                        let next = Mode::from_key(&event_target_value(&ev));
                        if next == Mode::Custom && custom.get_untracked().trim().is_empty() {
                            // Start from what was chosen, so a small change is easy.
                            custom.set(value.get_untracked().unwrap_or_default());
                        }
                        mode.set(next);
                        recompute();
                    }>{modes}</select>
                </label>
                {preset_inputs}
            </div>
            {words_and_runs}
        </div>
    }
}
