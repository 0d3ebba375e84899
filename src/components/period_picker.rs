//! When: all periods, a fixed start–end, or a relative range (today … last year, since the last
//! run). The value is `core`'s [`DatePeriod`], resolved by the engine in the server's time zone.

use leptos::prelude::*;
use mdsync_core::rules::DatePeriod;

use crate::l10n::{use_language, Language};
use crate::tr;

/// Makes one choice's period.
type MakePeriod = fn() -> DatePeriod;

/// Every choice, in the order the select lists them, with a stable key.
const CHOICES: [(&str, MakePeriod); 16] = [
    ("all", || DatePeriod::All),
    ("fixed", || DatePeriod::Fixed {
        start: None,
        end: None,
    }),
    ("today", || DatePeriod::Today),
    ("yesterday", || DatePeriod::Yesterday),
    ("last_7_days", || DatePeriod::Last7Days),
    ("last_14_days", || DatePeriod::Last14Days),
    ("this_week", || DatePeriod::ThisWeek),
    ("last_week", || DatePeriod::LastWeek),
    ("this_month", || DatePeriod::ThisMonth),
    ("last_month", || DatePeriod::LastMonth),
    ("this_quarter", || DatePeriod::ThisQuarter),
    ("last_quarter", || DatePeriod::LastQuarter),
    ("this_year", || DatePeriod::ThisYear),
    ("last_year", || DatePeriod::LastYear),
    ("since_last_run", || DatePeriod::SinceLastExecutedDate),
    ("since_last_success", || DatePeriod::SinceLastSuccessfulSync),
];

/// The stable key of a period (the select's value).
pub fn period_key(period: &DatePeriod) -> &'static str {
    match period {
        DatePeriod::All => "all",
        DatePeriod::Fixed { .. } => "fixed",
        DatePeriod::Today => "today",
        DatePeriod::Yesterday => "yesterday",
        DatePeriod::Last7Days => "last_7_days",
        DatePeriod::Last14Days => "last_14_days",
        DatePeriod::ThisWeek => "this_week",
        DatePeriod::LastWeek => "last_week",
        DatePeriod::ThisMonth => "this_month",
        DatePeriod::LastMonth => "last_month",
        DatePeriod::ThisQuarter => "this_quarter",
        DatePeriod::LastQuarter => "last_quarter",
        DatePeriod::ThisYear => "this_year",
        DatePeriod::LastYear => "last_year",
        DatePeriod::SinceLastExecutedDate => "since_last_run",
        DatePeriod::SinceLastSuccessfulSync => "since_last_success",
    }
}

/// A period's name in the user's language.
pub fn period_label(lang: Language, period: &DatePeriod) -> String {
    match period {
        DatePeriod::All => tr!(lang, period_picker.all),
        DatePeriod::Fixed { .. } => tr!(lang, period_picker.fixed),
        DatePeriod::Today => tr!(lang, period_picker.today),
        DatePeriod::Yesterday => tr!(lang, period_picker.yesterday),
        DatePeriod::Last7Days => tr!(lang, period_picker.last_7_days),
        DatePeriod::Last14Days => tr!(lang, period_picker.last_14_days),
        DatePeriod::ThisWeek => tr!(lang, period_picker.this_week),
        DatePeriod::LastWeek => tr!(lang, period_picker.last_week),
        DatePeriod::ThisMonth => tr!(lang, period_picker.this_month),
        DatePeriod::LastMonth => tr!(lang, period_picker.last_month),
        DatePeriod::ThisQuarter => tr!(lang, period_picker.this_quarter),
        DatePeriod::LastQuarter => tr!(lang, period_picker.last_quarter),
        DatePeriod::ThisYear => tr!(lang, period_picker.this_year),
        DatePeriod::LastYear => tr!(lang, period_picker.last_year),
        DatePeriod::SinceLastExecutedDate => tr!(lang, period_picker.since_last_run),
        DatePeriod::SinceLastSuccessfulSync => tr!(lang, period_picker.since_last_success),
    }
}

fn fixed_dates(period: &DatePeriod) -> (String, String) {
    match period {
        DatePeriod::Fixed { start, end } => (
            start.clone().unwrap_or_default(),
            end.clone().unwrap_or_default(),
        ),
        _ => (String::new(), String::new()),
    }
}

fn set_fixed(period: RwSignal<DatePeriod>, start: Option<String>, end: Option<String>) {
    period.update(|p| {
        if let DatePeriod::Fixed {
            start: old_start,
            end: old_end,
        } = p
        {
            if let Some(start) = start {
                *old_start = Some(start).filter(|s| !s.is_empty());
            }
            if let Some(end) = end {
                *old_end = Some(end).filter(|s| !s.is_empty());
            }
        }
    });
}

/// A select of periods; start and end dates when "fixed" is chosen. "Since the last run"
/// choices only for saved rules (`since_last_run`), which have runs to count from.
#[component]
pub fn PeriodPicker(
    period: RwSignal<DatePeriod>,
    #[prop(optional)] since_last_run: bool,
) -> impl IntoView {
    let lang = use_language();
    let options = CHOICES
        .iter()
        .filter(|(key, _)| since_last_run || !key.starts_with("since_"))
        .map(|(key, make)| {
            let key = *key;
            view! {
                <option value=key selected=move || period.with(|p| period_key(p) == key)>
                    {period_label(lang, &make())}
                </option>
            }
        })
        .collect_view();
    let is_fixed = move || period.with(|p| matches!(p, DatePeriod::Fixed { .. }));
    view! {
        <div class="period-picker" data-test="period-picker">
            <div class="field">
                <label>
                    {tr!(lang, period_picker.label)}
                    <select
                        class="input"
                        data-test="period-picker-kind"
                        prop:value=move || period.with(period_key)
                        on:change=move |ev| {
                            let key = event_target_value(&ev);
                            if let Some((_, make)) = CHOICES.iter().find(|(k, _)| *k == key) {
                                period.set(make());
                            }
                        }
                    >
                        {options}
                    </select>
                </label>
            </div>
            <Show when=is_fixed>
                <div class="period-picker-dates">
                    <label class="field">
                        {tr!(lang, period_picker.start)}
                        <input
                            class="input"
                            type="date"
                            data-test="period-picker-start"
                            prop:value=move || period.with(|p| fixed_dates(p).0)
                            on:input=move |ev| set_fixed(period, Some(event_target_value(&ev)), None)
                        />
                    </label>
                    <label class="field">
                        {tr!(lang, period_picker.end)}
                        <input
                            class="input"
                            type="date"
                            data-test="period-picker-end"
                            prop:value=move || period.with(|p| fixed_dates(p).1)
                            on:input=move |ev| set_fixed(period, None, Some(event_target_value(&ev)))
                        />
                    </label>
                </div>
            </Show>
            <p class="field-help">{tr!(lang, period_picker.time_zone_help)}</p>
        </div>
    }
}
