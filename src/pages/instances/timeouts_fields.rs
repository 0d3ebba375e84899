//! An instance's request time limits in its form: connect and total seconds, checked by core
//! (`RequestTimeouts::validate`) before anything is saved, with the message under the field.

use leptos::prelude::*;
use mdsync_core::dhis2::retry::{RequestTimeouts, TimeoutsProblem};

use crate::l10n::{use_language, Language};
use crate::tr;

/// What the two fields hold, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutsInput {
    pub connect: String,
    pub total: String,
}

impl From<RequestTimeouts> for TimeoutsInput {
    fn from(limits: RequestTimeouts) -> Self {
        TimeoutsInput {
            connect: limits.connect_seconds.to_string(),
            total: limits.total_seconds.to_string(),
        }
    }
}

impl Default for TimeoutsInput {
    fn default() -> Self {
        RequestTimeouts::default().into()
    }
}

/// Why the typed limits cannot be used, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutsFieldProblem {
    ConnectNotANumber,
    TotalNotANumber,
    Limits(TimeoutsProblem),
}

impl TimeoutsFieldProblem {
    /// Whether the message belongs under the connect field (else under the total one).
    fn at_connect(self) -> bool {
        matches!(
            self,
            TimeoutsFieldProblem::ConnectNotANumber
                | TimeoutsFieldProblem::Limits(TimeoutsProblem::Connect { .. })
        )
    }

    fn text(self, lang: Language) -> String {
        match self {
            TimeoutsFieldProblem::ConnectNotANumber | TimeoutsFieldProblem::TotalNotANumber => {
                tr!(lang, instances.timeouts.not_a_number)
            }
            TimeoutsFieldProblem::Limits(TimeoutsProblem::Connect { seconds }) => {
                tr!(
                    lang,
                    instances.timeouts.connect_range,
                    seconds = seconds.to_string()
                )
            }
            TimeoutsFieldProblem::Limits(TimeoutsProblem::Total { seconds }) => {
                tr!(
                    lang,
                    instances.timeouts.total_range,
                    seconds = seconds.to_string()
                )
            }
            TimeoutsFieldProblem::Limits(TimeoutsProblem::TotalBelowConnect { connect, total }) => {
                tr!(
                    lang,
                    instances.timeouts.total_below_connect,
                    connect = connect.to_string(),
                    total = total.to_string()
                )
            }
        }
    }
}

/// The limits the fields say, checked.
pub fn parse_timeouts(input: &TimeoutsInput) -> Result<RequestTimeouts, TimeoutsFieldProblem> {
    let connect_seconds = input
        .connect
        .trim()
        .parse::<u64>()
        .map_err(|_| TimeoutsFieldProblem::ConnectNotANumber)?;
    let total_seconds = input
        .total
        .trim()
        .parse::<u64>()
        .map_err(|_| TimeoutsFieldProblem::TotalNotANumber)?;
    let limits = RequestTimeouts {
        connect_seconds,
        total_seconds,
    };
    limits.validate().map_err(TimeoutsFieldProblem::Limits)?;
    Ok(limits)
}

/// The "Time limits" fields.
#[component]
pub fn TimeoutsFields(
    input: RwSignal<TimeoutsInput>,
    problem: RwSignal<Option<TimeoutsFieldProblem>>,
) -> impl IntoView {
    let lang = use_language();
    let defaults = RequestTimeouts::default();
    let message = move |connect: bool| {
        problem
            .get()
            .filter(|p| p.at_connect() == connect)
            .map(|p| p.text(lang))
    };
    view! {
        <fieldset class="field" data-test="instance-timeouts">
            <legend>{move || tr!(lang, instances.timeouts.title)}</legend>
            <p class="field-help">
                {move || tr!(
                    lang,
                    instances.timeouts.help,
                    connect = defaults.connect_seconds.to_string(),
                    total = defaults.total_seconds.to_string()
                )}
            </p>
            <label for="instance-connect-timeout">{move || tr!(lang, instances.timeouts.connect)}</label>
            <input id="instance-connect-timeout" class="input input-short" type="number" min="1" max="600"
                data-test="instance-connect-timeout"
                prop:value=move || input.with(|i| i.connect.clone())
                on:input=move |ev| {
                    problem.set(None);
                    input.update(|i| i.connect = event_target_value(&ev));
                }/>
            {move || message(true).map(|text| view! {
                <div class="field-error" data-test="field-error-connect-timeout">{text}</div>
            })}
            <label for="instance-total-timeout">{move || tr!(lang, instances.timeouts.total)}</label>
            <input id="instance-total-timeout" class="input input-short" type="number" min="5" max="3600"
                data-test="instance-total-timeout"
                prop:value=move || input.with(|i| i.total.clone())
                on:input=move |ev| {
                    problem.set(None);
                    input.update(|i| i.total = event_target_value(&ev));
                }/>
            {move || message(false).map(|text| view! {
                <div class="field-error" data-test="field-error-total-timeout">{text}</div>
            })}
        </fieldset>
    }
}
