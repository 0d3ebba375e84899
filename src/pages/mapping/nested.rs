use leptos::prelude::*;
use mdsync_core::mapping::types::{
    CATEGORY_COMBOS, CATEGORY_OPTIONS, CATEGORY_OPTION_COMBOS, OPTIONS, PROGRAM_DATA_ELEMENTS,
    PROGRAM_STAGES,
};
use mdsync_core::mapping::MappingKey;

use super::edit::{set_nested_excluded, target_text};
use super::state::{MappingState, NestedPick};
use crate::l10n::Language;
use crate::tr;

fn nested_type_text(lang: Language, nested_type: &str) -> String {
    match nested_type {
        CATEGORY_OPTIONS => tr!(lang, mapping.panel.nested_types.category_options),
        CATEGORY_COMBOS => tr!(lang, mapping.panel.nested_types.category_combos),
        CATEGORY_OPTION_COMBOS => tr!(lang, mapping.panel.nested_types.category_option_combos),
        OPTIONS => tr!(lang, mapping.panel.nested_types.options),
        PROGRAM_STAGES => tr!(lang, mapping.panel.nested_types.program_stages),
        PROGRAM_DATA_ELEMENTS => tr!(lang, mapping.panel.nested_types.program_data_elements),
        other => other.to_string(),
    }
}

/// The nested mappings of one row (a data element's category options and options, a
/// program's stages and data elements), opened in place: each can be picked by hand among the
/// destination's objects of its type, excluded, or put back to what the parent implies.
#[component]
pub fn NestedMappings(state: MappingState, key: String) -> impl IntoView {
    let lang = state.lang;
    let choice = state.choice.get_untracked();
    let groups = move || {
        let entry = state
            .draft
            .with(|draft| draft.get(choice.mapping_type, &key).cloned());
        let Some(entry) = entry else {
            return ().into_any();
        };
        let key = key.clone();
        entry
            .nested()
            .types()
            .map(|(nested_type, entries)| {
                let nested_type = nested_type.to_string();
                let items = entries
                    .iter()
                    .map(|(nested_key, nested)| {
                        let excluded = nested.is_disabled();
                        let shown = target_text(nested)
                            .map(|(name, _, _)| name)
                            .unwrap_or_else(|| tr!(lang, mapping.panel.status.excluded));
                        let (row_key, nested_type, nested_key): (String, String, MappingKey) =
                            (key.clone(), nested_type.clone(), nested_key.clone());
                        let label = nested_key.as_str().to_string();
                        view! {
                            <li class="mapping-nested-item" data-test="mapping-nested-item" data-excluded=excluded.to_string()>
                                <code>{label}</code>" → "<span>{shown}</span>
                                <Show when=move || state.can_edit>
                                    <button class="button button-small" data-test="mapping-nested-pick"
                                        on:click={
                                            let pick = NestedPick {
                                                row_key: row_key.clone(),
                                                nested_type: nested_type.clone(),
                                                nested_key: nested_key.clone(),
                                            };
                                            move |_| state.picking_nested.set(Some(pick.clone()))
                                        }>
                                        {tr!(lang, mapping.panel.pick)}
                                    </button>
                                    <button class="button button-small" data-test="mapping-nested-exclude"
                                        on:click={
                                            let (row_key, nested_type, nested_key) = (row_key.clone(), nested_type.clone(), nested_key.clone());
                                            move |_| state.draft.update(|d| {
                                                set_nested_excluded(d, choice, &row_key, &nested_type, &nested_key, !excluded)
                                            })
                                        }>
                                        {if excluded { tr!(lang, mapping.panel.include) } else { tr!(lang, mapping.panel.exclude) }}
                                    </button>
                                </Show>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="mapping-nested-group">
                        <h4>{nested_type_text(lang, &nested_type)}</h4>
                        <ul>{items}</ul>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    };
    view! { <div class="mapping-nested" data-test="mapping-nested">{groups}</div> }
}
