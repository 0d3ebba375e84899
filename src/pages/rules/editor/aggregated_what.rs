//! The "what" step of an aggregated rule: the aggregated Sync page's own data picker, org unit
//! tree, period picker and options, over the page's state ([`AggregatedState`]).

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::dhis2::metadata_list::fetch_list_page;
use mdsync_core::dhis2::org_units::OrgUnitNode;
use mdsync_core::rules::RuleField;
use mdsync_core::sync::aggregated::{AggregatedSelection, AggregatedSyncOptions, AttributeOptions};
use serde::Deserialize;

use super::state::EditorState;
use super::steps::field_error;
use crate::components::org_unit_tree::OrgUnitTree;
use crate::components::period_picker::PeriodPicker;
use crate::pages::sync::aggregated::attribute_options::AttributeOptionsPicker;
use crate::pages::sync::aggregated::data_picker::DataPicker;
use crate::pages::sync::aggregated::levels_groups::LevelsGroupsPicker;
use crate::pages::sync::aggregated::options::AggregatedOptions;
use crate::pages::sync::aggregated::page::{load_listing, org_unit_source, origin_changed};
use crate::pages::sync::aggregated::state::{AggregatedState, PickedData, DATA_KINDS};
use crate::tr;

/// Shows a stored selection on the page's state, then reads the names of its items and units
/// from the origin (ids are shown until then).
pub fn show_aggregated(
    state: AggregatedState,
    selection: &AggregatedSelection,
    options: &AggregatedSyncOptions,
) {
    let lists: [(&'static str, &Vec<String>); 5] = [
        (DATA_KINDS[0], &selection.data_sets),
        (DATA_KINDS[1], &selection.data_element_groups),
        (DATA_KINDS[2], &selection.data_elements),
        (DATA_KINDS[3], &selection.indicators),
        (DATA_KINDS[4], &selection.program_indicators),
    ];
    let picked: Vec<PickedData> = lists
        .into_iter()
        .flat_map(|(plural, ids)| {
            ids.iter().map(move |id| PickedData {
                plural,
                id: id.clone(),
                name: id.clone(),
            })
        })
        .collect();
    state.picked.set(picked);
    state.org_units.set(
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
    state.include_descendants.set(selection.include_descendants);
    state.org_unit_levels.set(selection.org_unit_levels.clone());
    state.org_unit_groups.set(selection.org_unit_groups.clone());
    state.period.set(selection.period.clone());
    state
        .last_updated
        .set(selection.last_updated_since.clone().unwrap_or_default());
    if let AttributeOptions::Chosen { category_options } = &selection.attribute_options {
        state.attribute_chosen.set(true);
        state.attribute_picked.set(category_options.clone());
    }
    state.options.set(options.clone());
    read_names(state);
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Named {
    id: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    level: Option<u32>,
}

/// Names of the picked items and units, read from the origin; what cannot be read keeps its id.
fn read_names(state: AggregatedState) {
    let Some(ctx) = state.context() else { return };
    let origin = state.origin.get_untracked();
    spawn_local(async move {
        let Ok((instance, _)) = ctx.instance(&origin).await else {
            return;
        };
        let client = &instance.client;
        for plural in DATA_KINDS {
            let ids: Vec<String> = state.picked.with_untracked(|picked| {
                picked
                    .iter()
                    .filter(|p| p.plural == plural)
                    .map(|p| p.id.clone())
                    .collect()
            });
            if ids.is_empty() {
                continue;
            }
            let query = format!(
                "fields=id,displayName&paging=false&filter=id:in:[{}]",
                ids.join(",")
            );
            if let Ok(page) = fetch_list_page(client, plural, &query).await {
                state.picked.update(|picked| {
                    for item in picked.iter_mut().filter(|p| p.plural == plural) {
                        if let Some(found) = page.objects.iter().find(|o| o.id == item.id) {
                            item.name = found.display_name.clone();
                        }
                    }
                });
            }
        }
        let ids: Vec<String> = state
            .org_units
            .with_untracked(|units| units.iter().map(|u| u.id.clone()).collect());
        if ids.is_empty() {
            return;
        }
        let path = format!(
            "api/organisationUnits?fields=id,displayName,path,level&paging=false&filter=id:in:[{}]",
            ids.join(",")
        );
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Units {
            #[serde(default)]
            organisation_units: Vec<Named>,
        }
        if let Ok(found) = client.get_json::<Units>(&path).await {
            state.org_units.update(|units| {
                for unit in units.iter_mut() {
                    if let Some(named) = found.organisation_units.iter().find(|n| n.id == unit.id) {
                        unit.name = named.display_name.clone();
                        if !named.path.is_empty() {
                            unit.path = named.path.clone();
                        }
                        unit.level = named.level;
                    }
                }
            });
        }
    });
}

pub fn aggregated_what(state: EditorState) -> impl IntoView {
    let lang = state.lang;
    let page = state.aggregated;
    let origin = state.sync.origin.get_untracked();
    if page.origin.get_untracked() != origin {
        // Another origin: its own data and units (the picks of the previous one go).
        page.origin.set(origin);
        origin_changed(page);
    } else if page
        .listing
        .with_untracked(|l| matches!(l, crate::pages::sync::aggregated::state::Loadable::Idle))
    {
        load_listing(page);
    }
    let tree = move || {
        let origin = state.sync.origin.get();
        view! {
            <OrgUnitTree
                source=org_unit_source(page, origin)
                selected=page.org_units
                include_descendants=page.include_descendants
            />
        }
    };
    view! {
        <section class="sync-section card" data-test="rule-aggregated-data">
            <h2 class="sync-section-title">{tr!(lang, aggregated.section_what)}</h2>
            {field_error(state, RuleField::Selection, "rule-selection-error")}
            <DataPicker state=page/>
            <AttributeOptionsPicker state=page/>
        </section>
        <div class="aggregated-where-when">
            <section class="sync-section card" data-test="rule-org-units">
                <h2 class="sync-section-title">{tr!(lang, aggregated.section_where)}</h2>
                {field_error(state, RuleField::OrgUnits, "rule-org-units-error")}
                {tree}
                <LevelsGroupsPicker state=page/>
            </section>
            <section class="sync-section card" data-test="rule-period">
                <h2 class="sync-section-title">{tr!(lang, aggregated.section_when)}</h2>
                {field_error(state, RuleField::Period, "rule-period-error")}
                <PeriodPicker period=page.period since_last_run=true/>
            </section>
        </div>
        <section class="sync-section card" data-test="rule-aggregated-options">
            <h2 class="sync-section-title">{tr!(lang, aggregated.section_options)}</h2>
            {field_error(state, RuleField::Options, "rule-options-error")}
            <AggregatedOptions state=page/>
        </section>
    }
}
