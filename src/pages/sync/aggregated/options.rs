use leptos::prelude::*;
use mdsync_core::dhis2::data_values::{DataIdScheme, DataImportStrategy};
use mdsync_core::sync::aggregated::{AggregationOptions, AggregationType, AsyncImports};

use super::state::AggregatedState;
use crate::components::mapping_apply::ApplyMappingSwitch;
use crate::l10n::Language;
use crate::pages::sync::common::options::{aggregation_text, option_switch, AGGREGATION_TYPES};
use crate::tr;

const STRATEGIES: [(&str, DataImportStrategy); 4] = [
    ("new_and_updates", DataImportStrategy::NewAndUpdates),
    ("new", DataImportStrategy::New),
    ("updates", DataImportStrategy::Updates),
    ("deletes", DataImportStrategy::Deletes),
];

const ASYNC_MODES: [(&str, AsyncImports); 3] = [
    ("auto", AsyncImports::Auto),
    ("always", AsyncImports::Always),
    ("never", AsyncImports::Never),
];

fn async_text(lang: Language, mode: AsyncImports) -> String {
    match mode {
        AsyncImports::Auto => tr!(
            lang,
            aggregated.options.async_auto,
            values = lang.number(AsyncImports::FROM_VALUES as f64)
        ),
        AsyncImports::Always => tr!(lang, aggregated.options.async_always),
        AsyncImports::Never => tr!(lang, aggregated.options.async_never),
    }
}

fn strategy_text(lang: Language, strategy: DataImportStrategy) -> String {
    match strategy {
        DataImportStrategy::NewAndUpdates => tr!(lang, aggregated.options.new_and_updates),
        DataImportStrategy::New => tr!(lang, aggregated.options.new_only),
        DataImportStrategy::Updates => tr!(lang, aggregated.options.updates_only),
        DataImportStrategy::Deletes => tr!(lang, aggregated.options.deletes),
    }
}

/// A checkbox over one switch of aggregation mode.
fn aggregation_switch(
    state: AggregatedState,
    data_test: &'static str,
    label: String,
    get: fn(&AggregationOptions) -> bool,
    set: fn(&mut AggregationOptions, bool),
) -> impl IntoView {
    view! {
        <label class="sync-check">
            <input
                type="checkbox"
                data-test=data_test
                prop:checked=move || state.options.with(|o| o.aggregation.as_ref().is_some_and(get))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    state.options.update(|o| {
                        if let Some(aggregation) = o.aggregation.as_mut() {
                            set(aggregation, on);
                        }
                    });
                }
            />
            {label}
        </label>
    }
}

/// The time step of aggregation mode.
fn aggregation_select(state: AggregatedState) -> impl IntoView {
    let lang = state.lang;
    let choices = AGGREGATION_TYPES
        .iter()
        .map(|(key, kind)| {
            let (key, kind) = (*key, *kind);
            view! {
                <option value=key selected=move || state.options.with(|o| o.aggregation.is_some_and(|a| a.aggregation_type == kind))>
                    {aggregation_text(lang, kind)}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field sync-option">
            <label>
                {tr!(lang, aggregated.options.aggregation_type)}
                <select class="input" data-test="aggregated-aggregation-type"
                    on:change=move |ev| {
                        let key = event_target_value(&ev);
                        if let Some((_, kind)) = AGGREGATION_TYPES.iter().find(|(k, _)| *k == key) {
                            state.options.update(|o| {
                                if let Some(a) = o.aggregation.as_mut() {
                                    a.aggregation_type = *kind;
                                }
                            });
                        }
                    }>
                    {choices}
                </select>
            </label>
        </div>
    }
}

/// How values are read (raw or aggregated) and written.
#[component]
pub fn AggregatedOptions(state: AggregatedState) -> impl IntoView {
    let lang = state.lang;
    let aggregated = move || state.options.with(|o| o.aggregation.is_some());
    let strategies = STRATEGIES
        .iter()
        .map(|(key, strategy)| {
            let (key, strategy) = (*key, *strategy);
            view! {
                <option value=key selected=move || state.options.with(|o| o.strategy == strategy)>
                    {strategy_text(lang, strategy)}
                </option>
            }
        })
        .collect_view();
    let async_modes = ASYNC_MODES
        .iter()
        .map(|(key, mode)| {
            let (key, mode) = (*key, *mode);
            view! {
                <option value=key selected=move || state.options.with(|o| o.async_imports == mode)>
                    {async_text(lang, mode)}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="sync-options-grid">
            <div class="sync-options-column">
                <h3>{tr!(lang, aggregated.options.reading)}</h3>
                <fieldset class="sync-fieldset" data-test="aggregated-mode">
                    <legend>{tr!(lang, aggregated.options.mode)}</legend>
                    <label class="sync-check">
                        <input type="radio" name="aggregated-mode" data-test="aggregated-mode-raw"
                            prop:checked=move || !aggregated()
                            on:change=move |_| state.options.update(|o| o.aggregation = None)/>
                        {tr!(lang, aggregated.options.raw)}
                    </label>
                    <label class="sync-check">
                        <input type="radio" name="aggregated-mode" data-test="aggregated-mode-analytics"
                            prop:checked=aggregated
                            on:change=move |_| state.options.update(|o| {
                                o.aggregation = Some(AggregationOptions {
                                    aggregation_type: AggregationType::Monthly,
                                    empty_as_zero: false,
                                    run_analytics_before: false,
                                    run_analytics_after: false,
                                    analytics_years: None,
                                });
                                o.delete_stale = false;
                            })/>
                        {tr!(lang, aggregated.options.analytics)}
                    </label>
                    <span class="field-help">{tr!(lang, aggregated.options.mode_help)}</span>
                </fieldset>
                <Show when=aggregated>
                    {aggregation_select(state)}
                    {aggregation_switch(state, "aggregated-empty-as-zero", tr!(lang, aggregated.options.empty_as_zero),
                        |a| a.empty_as_zero, |a, on| a.empty_as_zero = on)}
                    {aggregation_switch(state, "aggregated-analytics-before", tr!(lang, aggregated.options.analytics_before),
                        |a| a.run_analytics_before, |a, on| a.run_analytics_before = on)}
                    {aggregation_switch(state, "aggregated-analytics-after", tr!(lang, aggregated.options.analytics_after),
                        |a| a.run_analytics_after, |a, on| a.run_analytics_after = on)}
                </Show>
                <div class="field">
                    <label>
                        {tr!(lang, aggregated.options.last_updated)}
                        <input class="input" type="date" data-test="aggregated-last-updated"
                            prop:value=move || state.last_updated.get()
                            on:input=move |ev| state.last_updated.set(event_target_value(&ev))/>
                    </label>
                    <span class="field-help">{tr!(lang, aggregated.options.last_updated_help)}</span>
                </div>
            </div>
            <div class="sync-options-column">
                <h3>{tr!(lang, aggregated.options.writing)}</h3>
                <div class="field sync-option">
                    <label>
                        {tr!(lang, aggregated.options.strategy)}
                        <select class="input" data-test="aggregated-strategy"
                            on:change=move |ev| {
                                let key = event_target_value(&ev);
                                if let Some((_, strategy)) = STRATEGIES.iter().find(|(k, _)| *k == key) {
                                    state.options.update(|o| o.strategy = *strategy);
                                }
                            }>
                            {strategies}
                        </select>
                    </label>
                    <Show when=move || state.options.with(|o| o.strategy == DataImportStrategy::Deletes)>
                        <span class="field-help field-warning" data-test="aggregated-deletes-warning">
                            {tr!(lang, aggregated.options.deletes_warning)}
                        </span>
                    </Show>
                </div>
                <div class="field sync-option">
                    <label>
                        {tr!(lang, aggregated.options.id_scheme)}
                        <select class="input" data-test="aggregated-id-scheme"
                            on:change=move |ev| {
                                let scheme = if event_target_value(&ev) == "code" { DataIdScheme::Code } else { DataIdScheme::Uid };
                                state.options.update(|o| o.id_scheme = scheme);
                            }>
                            <option value="uid" selected=move || state.options.with(|o| o.id_scheme == DataIdScheme::Uid)>"UID"</option>
                            <option value="code" selected=move || state.options.with(|o| o.id_scheme == DataIdScheme::Code)>
                                {tr!(lang, sync.choices.code)}
                            </option>
                        </select>
                    </label>
                </div>
                <div class="field sync-option">
                    <label>
                        {tr!(lang, aggregated.options.async_imports)}
                        <select class="input" data-test="aggregated-async-imports"
                            on:change=move |ev| {
                                let key = event_target_value(&ev);
                                if let Some((_, mode)) = ASYNC_MODES.iter().find(|(k, _)| *k == key) {
                                    state.options.update(|o| o.async_imports = *mode);
                                }
                            }>
                            {async_modes}
                        </select>
                    </label>
                    <span class="field-help">{tr!(lang, aggregated.options.async_imports_help)}</span>
                </div>
                {option_switch(state.options, "aggregated-ignore-existing", tr!(lang, aggregated.options.ignore_existing),
                    tr!(lang, aggregated.options.ignore_existing_help), |o| o.ignore_existing, |o, on| o.ignore_existing = on)}
                <Show when=move || !aggregated()>
                    {option_switch(state.options, "aggregated-delete-stale", tr!(lang, aggregated.options.delete_stale),
                        tr!(lang, aggregated.options.delete_stale_help), |o| o.delete_stale, |o, on| o.delete_stale = on)}
                </Show>
                {option_switch(state.options, "aggregated-skip-audit", tr!(lang, aggregated.options.skip_audit),
                    tr!(lang, aggregated.options.skip_audit_help), |o| o.skip_audit, |o, on| o.skip_audit = on)}
                {move || state.ctx.with(|ctx| match ctx {
                    Some(Ok(ctx)) => Some(view! {
                        <ApplyMappingSwitch
                            services=ctx.services.clone()
                            version=ctx.version.clone()
                            actor=ctx.manager.actor().clone()
                            origin=state.origin
                            destinations=state.destinations
                            checked=Signal::derive(move || state.options.with(|o| o.apply_mapping))
                            on_change=Callback::new(move |on| state.options.update(|o| o.apply_mapping = on))
                            keep_when_unavailable=true
                        />
                        <span class="field-help">{tr!(lang, mapping.apply.aggregated_help)}</span>
                    }),
                    _ => None,
                })}
            </div>
        </div>
    }
}
