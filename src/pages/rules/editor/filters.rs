//! A metadata rule's filters (MDSync's filter rules): objects of a type chosen at each run by
//! what they are called and when they were created or changed. Each row is checked by `core`
//! (`RuleField::Filter(index)`), the message under the row.

use leptos::prelude::*;
use mdsync_core::rules::{DatePeriod, MetadataFilter, RuleField, TextMatch, TextPosition};

use super::state::EditorState;
use super::steps::field_error;
use crate::components::period_picker::PeriodPicker;
use crate::l10n::messages::type_label;
use crate::pages::sync::metadata::state::Loadable;
use crate::tr;

/// One filter's inputs.
#[derive(Clone, Copy)]
pub struct FilterRow {
    pub metadata_type: RwSignal<String>,
    pub position: RwSignal<TextPosition>,
    pub text: RwSignal<String>,
    pub created: RwSignal<DatePeriod>,
    pub last_updated: RwSignal<DatePeriod>,
}

impl FilterRow {
    /// The row's signals belong to the editor (`owner`), not to the step drawing them: they
    /// outlive the "what" step, and the summary and Save read them.
    pub fn of(owner: &Owner, filter: &MetadataFilter) -> FilterRow {
        owner.with(|| FilterRow {
            metadata_type: RwSignal::new(filter.metadata_type.clone()),
            position: RwSignal::new(
                filter
                    .text
                    .as_ref()
                    .map_or(TextPosition::Contains, |t| t.position),
            ),
            text: RwSignal::new(
                filter
                    .text
                    .as_ref()
                    .map(|t| t.value.clone())
                    .unwrap_or_default(),
            ),
            created: RwSignal::new(filter.created.clone()),
            last_updated: RwSignal::new(filter.last_updated.clone()),
        })
    }

    pub fn filter(&self) -> MetadataFilter {
        let text = self.text.get_untracked();
        MetadataFilter {
            metadata_type: self.metadata_type.get_untracked(),
            text: (!text.trim().is_empty()).then(|| TextMatch {
                position: self.position.get_untracked(),
                value: text.trim().to_string(),
            }),
            created: self.created.get_untracked(),
            last_updated: self.last_updated.get_untracked(),
        }
    }
}

const POSITIONS: [(&str, TextPosition); 3] = [
    ("starts_with", TextPosition::StartsWith),
    ("contains", TextPosition::Contains),
    ("ends_with", TextPosition::EndsWith),
];

fn row_view(state: EditorState, index: usize, row: FilterRow) -> impl IntoView {
    let lang = state.lang;
    let types = move || {
        let chosen = row.metadata_type.get();
        let plurals: Vec<String> = match state.sync.catalog.get() {
            Loadable::Ready(catalog) => catalog
                .groups()
                .iter()
                .flat_map(|(_, entries)| entries.iter().map(|e| e.plural.clone()))
                .collect(),
            _ => Vec::new(),
        };
        let mut plurals = plurals;
        if !chosen.is_empty() && !plurals.contains(&chosen) {
            plurals.insert(0, chosen.clone());
        }
        plurals
            .into_iter()
            .map(|plural| {
                let selected = plural == chosen;
                view! { <option value=plural.clone() selected=selected>{type_label(lang, &plural)}</option> }
            })
            .collect_view()
    };
    let positions = POSITIONS
        .into_iter()
        .map(|(key, position)| {
            let label = match position {
                TextPosition::StartsWith => tr!(lang, rules.what.filters.starts_with),
                TextPosition::Contains => tr!(lang, rules.what.filters.contains),
                TextPosition::EndsWith => tr!(lang, rules.what.filters.ends_with),
            };
            view! { <option value=key selected=move || row.position.get() == position>{label}</option> }
        })
        .collect_view();
    view! {
        <fieldset class="rule-filter" data-test="rule-filter">
            <legend>{tr!(lang, rules.what.filters.number, number = index + 1)}</legend>
            <label class="form-field">
                <span>{tr!(lang, rules.what.filters.type_name)}" *"</span>
                <select class="input" data-test="rule-filter-type"
                    on:change=move |ev| row.metadata_type.set(event_target_value(&ev))>
                    <option value="" selected=move || row.metadata_type.with(String::is_empty)>
                        {tr!(lang, rules.what.filters.choose_type)}
                    </option>
                    {types}
                </select>
            </label>
            <div class="toolbar">
                <label class="form-field">
                    <span>{tr!(lang, rules.what.filters.text)}</span>
                    <select class="input" data-test="rule-filter-position" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if let Some((_, position)) = POSITIONS.iter().find(|(key, _)| *key == value) {
                            row.position.set(*position);
                        }
                    }>
                        {positions}
                    </select>
                </label>
                <input class="input" type="text" data-test="rule-filter-text"
                    aria-label=tr!(lang, rules.what.filters.text)
                    prop:value=move || row.text.get()
                    on:input=move |ev| row.text.set(event_target_value(&ev))/>
            </div>
            <div class="aggregated-where-when">
                <div>
                    <h3>{tr!(lang, rules.what.filters.created)}</h3>
                    <PeriodPicker period=row.created since_last_run=true/>
                </div>
                <div>
                    <h3>{tr!(lang, rules.what.filters.last_updated)}</h3>
                    <PeriodPicker period=row.last_updated since_last_run=true/>
                </div>
            </div>
            {field_error(state, RuleField::Filter(index), "rule-filter-error")}
            <button class="button button-small" data-test="rule-filter-remove"
                on:click=move |_| state.filters.update(|rows| {
                    if index < rows.len() {
                        rows.remove(index);
                    }
                })>
                {tr!(lang, rules.what.filters.remove)}
            </button>
        </fieldset>
    }
}

/// The filters of a metadata rule, with "Add a filter".
pub fn filters_editor(state: EditorState) -> impl IntoView {
    let lang = state.lang;
    let rows = move || {
        state
            .filters
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, row)| row_view(state, index, row))
            .collect_view()
    };
    view! {
        <section class="sync-section card" data-test="rule-filters">
            <h2 class="sync-section-title">{tr!(lang, rules.what.filters.title)}</h2>
            <p class="field-help">{tr!(lang, rules.what.filters.help)}</p>
            {rows}
            <button class="button" data-test="rule-filter-add"
                on:click=move |_| {
                    let row = FilterRow::of(&state.owner.get_value(), &MetadataFilter {
                        metadata_type: String::new(),
                        text: None,
                        created: DatePeriod::All,
                        last_updated: DatePeriod::All,
                    });
                    state.filters.update(|rows| rows.push(row));
                }>
                {tr!(lang, rules.what.filters.add)}
            </button>
        </section>
    }
}
