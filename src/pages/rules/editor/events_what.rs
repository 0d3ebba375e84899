//! The "what" step of an events rule, compact: the origin's programs, the org unit tree and
//! the period picker of the Sync pages, and the main options. Events and tracked entities
//! chosen one by one in a stored rule are kept as they are.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::dhis2::metadata_list::{fetch_list_page, ListedObject};
use mdsync_core::dhis2::org_units::OrgUnitNode;
use mdsync_core::rules::{DatePeriod, RuleField};
use mdsync_core::sync::events::{Chosen, EventsSelection, EventsSyncOptions};

use super::state::EditorState;
use super::steps::field_error;
use crate::components::loading::Loading;
use crate::components::org_unit_tree::OrgUnitTree;
use crate::components::period_picker::PeriodPicker;
use crate::l10n::messages::{dhis2_error, instance_error};
use crate::pages::sync::aggregated::page::org_unit_source;
use crate::pages::sync::metadata::state::Loadable;
use crate::{counted, tr};

/// The signals of an events rule's selection and options.
#[derive(Clone, Copy)]
pub struct EventsForm {
    /// The origin's programs.
    pub programs: RwSignal<Loadable<Vec<ListedObject>>>,
    pub picked: RwSignal<Vec<String>>,
    pub org_units: RwSignal<Vec<OrgUnitNode>>,
    pub include_children: RwSignal<bool>,
    pub period: RwSignal<DatePeriod>,
    pub options: RwSignal<EventsSyncOptions>,
    /// The stored selection: what this step does not show (chosen objects, date fields).
    pub kept: StoredValue<EventsSelection>,
    /// The origin the programs were read from.
    pub listed_from: StoredValue<Option<String>>,
}

impl EventsForm {
    pub fn new() -> EventsForm {
        EventsForm {
            programs: RwSignal::new(Loadable::Idle),
            picked: RwSignal::new(Vec::new()),
            org_units: RwSignal::new(Vec::new()),
            include_children: RwSignal::new(true),
            period: RwSignal::new(DatePeriod::LastYear),
            options: RwSignal::new(EventsSyncOptions::default()),
            kept: StoredValue::new(EventsSelection::default()),
            listed_from: StoredValue::new(None),
        }
    }

    pub fn selection(&self) -> EventsSelection {
        let kept = self.kept.get_value();
        EventsSelection {
            programs: self.picked.get_untracked(),
            org_units: self
                .org_units
                .get_untracked()
                .into_iter()
                .map(|unit| unit.id)
                .collect(),
            include_children: self.include_children.get_untracked(),
            period: self.period.get_untracked(),
            ..kept
        }
    }

    /// Shows a stored selection (org units by id until their names are read).
    pub fn show(&self, selection: &EventsSelection, options: &EventsSyncOptions) {
        self.picked.set(selection.programs.clone());
        self.org_units.set(
            selection
                .org_unit_ids()
                .into_iter()
                .map(|id| OrgUnitNode {
                    name: id.clone(),
                    path: format!("/{id}"),
                    id,
                    level: None,
                    has_children: None,
                })
                .collect(),
        );
        self.include_children.set(selection.include_children);
        self.period.set(selection.period.clone());
        self.options.set(options.clone());
        self.kept.set_value(selection.clone());
    }
}

/// Reads the origin's programs for the list.
pub fn load_programs(state: EditorState) {
    let form = state.events;
    let Some(ctx) = state.aggregated.context() else {
        return;
    };
    let origin = state.sync.origin.get_untracked();
    let lang = state.lang;
    form.listed_from.set_value(Some(origin.clone()));
    form.programs.set(Loadable::Loading);
    spawn_local(async move {
        let loaded = async {
            let (instance, _) = ctx
                .instance(&origin)
                .await
                .map_err(|e| instance_error(lang, &e))?;
            fetch_list_page(
                &instance.client,
                "programs",
                "fields=id,displayName,code,lastUpdated&paging=false&order=displayName:asc",
            )
            .await
            .map_err(|e| dhis2_error(lang, &e))
        }
        .await;
        form.programs.set(match loaded {
            Ok(page) => Loadable::Ready(page.objects),
            Err(message) => Loadable::Failed(message),
        });
    });
}

fn program_list(state: EditorState) -> impl IntoView {
    let lang = state.lang;
    let form = state.events;
    let search = RwSignal::new(String::new());
    move || match form.programs.get() {
        Loadable::Idle | Loadable::Loading => {
            view! { <Loading label=tr!(lang, common.loading)/> }.into_any()
        }
        Loadable::Failed(message) => {
            view! { <p class="field-error" data-test="rule-programs-error">{message}</p> }
                .into_any()
        }
        Loadable::Ready(programs) => {
            let rows = move || {
                let wanted = search.get().to_lowercase();
                programs
                    .iter()
                    .filter(|p| {
                        wanted.is_empty() || p.display_name.to_lowercase().contains(&wanted)
                    })
                    .map(|program| {
                        let id = program.id.clone();
                        let data_id = id.clone();
                        let checked = {
                            let id = id.clone();
                            move || form.picked.with(|picked| picked.contains(&id))
                        };
                        view! {
                            <label class="sync-check" data-test="rule-program" data-id=data_id>
                                <input type="checkbox" prop:checked=checked
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        form.picked.update(|picked| {
                                            picked.retain(|p| *p != id);
                                            if on {
                                                picked.push(id.clone());
                                            }
                                        });
                                    }/>
                                {program.display_name.clone()}
                            </label>
                        }
                    })
                    .collect_view()
            };
            view! {
                <input class="input" type="search" data-test="rule-program-search"
                    placeholder=tr!(lang, rules.what.search_programs)
                    on:input=move |ev| search.set(event_target_value(&ev))/>
                <div class="rule-program-list">{rows}</div>
                <p class="field-help" data-test="rule-programs-picked">
                    {move || counted!(lang, rules.what.programs_picked, form.picked.with(Vec::len))}
                </p>
            }
            .into_any()
        }
    }
}

/// A checkbox over one of the main options.
fn switch(
    form: EventsForm,
    test: &'static str,
    label: String,
    get: fn(&EventsSyncOptions) -> bool,
    set: fn(&mut EventsSyncOptions, bool),
) -> impl IntoView {
    view! {
        <label class="sync-check">
            <input type="checkbox" data-test=test
                prop:checked=move || form.options.with(get)
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    form.options.update(|o| set(o, on));
                }/>
            {label}
        </label>
    }
}

pub fn events_what(state: EditorState) -> impl IntoView {
    let lang = state.lang;
    let form = state.events;
    let origin = state.sync.origin.get_untracked();
    if form.listed_from.get_value().as_deref() != Some(origin.as_str()) {
        load_programs(state);
    }
    let chosen_kept = form
        .kept
        .with_value(|k| !k.events.is_all() || !matches!(k.tracked_entities, Chosen::All));
    let tree = move || {
        let origin = state.sync.origin.get();
        view! {
            <OrgUnitTree
                source=org_unit_source(state.aggregated, origin)
                selected=form.org_units
                include_descendants=form.include_children
            />
        }
    };
    view! {
        <section class="sync-section card" data-test="rule-events-programs">
            <h2 class="sync-section-title">{tr!(lang, rules.what.programs)}</h2>
            {field_error(state, RuleField::Selection, "rule-selection-error")}
            {program_list(state)}
            {chosen_kept.then(|| view! {
                <p class="field-help" data-test="rule-kept-chosen">{tr!(lang, rules.what.kept_chosen)}</p>
            })}
        </section>
        <div class="aggregated-where-when">
            <section class="sync-section card" data-test="rule-org-units">
                <h2 class="sync-section-title">{tr!(lang, rules.what.org_units)}</h2>
                {field_error(state, RuleField::OrgUnits, "rule-org-units-error")}
                {tree}
            </section>
            <section class="sync-section card" data-test="rule-period">
                <h2 class="sync-section-title">{tr!(lang, rules.what.period)}</h2>
                {field_error(state, RuleField::Period, "rule-period-error")}
                <PeriodPicker period=form.period since_last_run=true/>
            </section>
        </div>
        <section class="sync-section card" data-test="rule-events-options">
            <h2 class="sync-section-title">{tr!(lang, rules.what.options)}</h2>
            {switch(form, "rule-events-new-uids", tr!(lang, rules.what.events_options.new_uids),
                |o| o.new_uids, |o, on| o.new_uids = on)}
            {switch(form, "rule-events-no-geometry", tr!(lang, rules.what.events_options.exclude_geometry),
                |o| o.exclude_geometry, |o, on| o.exclude_geometry = on)}
            {switch(form, "rule-events-no-relationships", tr!(lang, rules.what.events_options.exclude_relationships),
                |o| o.exclude_relationships, |o, on| o.exclude_relationships = on)}
            {switch(form, "rule-events-skip-side-effects", tr!(lang, rules.what.events_options.skip_side_effects),
                |o| o.skip_side_effects, |o, on| o.skip_side_effects = on)}
            {switch(form, "rule-events-dry-run", tr!(lang, rules.what.events_options.dry_run),
                |o| o.dry_run, |o, on| o.dry_run = on)}
        </section>
    }
}
