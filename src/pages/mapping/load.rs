//! The panel's round trips: opening, the instances, the stored mapping, a page of rows,
//! auto-map and save. Each puts its outcome into the state, in words when it failed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::mapping::store::{load_mapping, save_mapping};
use mdsync_core::mapping::{MappableObject, MappingKey};
use mdsync_core::model::LOCAL_INSTANCE_ID;

use super::edit::{id_filter, row_key, run_auto_map};
use super::fetch::{fetch, FetchError, IdFilter, Listing};
use super::state::{AutoMapSummary, Loadable, MappingContext, MappingState, RowsPage};
use super::types::TypeChoice;
use crate::components::notice::NoticeKind;
use crate::l10n::messages::mapping::mapping_store_error;
use crate::l10n::messages::{dhis2_error, instance_error};
use crate::l10n::Language;
use crate::tr;

pub fn fetch_error(lang: Language, error: &FetchError) -> String {
    match error {
        FetchError::Dhis2(error) => dhis2_error(lang, error),
        FetchError::TooManyIds => tr!(lang, mapping.panel.too_many_ids),
    }
}

/// Lists the remote instances; opens the one asked for (or the only one).
pub fn load_instances(state: MappingState, ctx: MappingContext, wanted: Option<String>) {
    spawn_local(async move {
        let lang = state.lang;
        match ctx.manager.list(&ctx.storage()).await {
            Ok(all) => {
                let remote: Vec<_> = all.into_iter().filter(|view| !view.is_local).collect();
                let open = wanted
                    .filter(|id| remote.iter().any(|view| view.id == *id))
                    .or_else(|| (remote.len() == 1).then(|| remote[0].id.clone()));
                state.instances.set(Loadable::Ready(remote));
                if let Some(id) = open {
                    open_instance(state, id);
                }
            }
            Err(error) => state
                .instances
                .set(Loadable::Failed(instance_error(lang, &error))),
        }
    });
}

/// Reads the mapping stored toward `id` and lists the first page of the current type.
pub fn open_instance(state: MappingState, id: String) {
    let Some(ctx) = state.context() else { return };
    state.instance.set(Some(id.clone()));
    state.stored.set(Loadable::Loading);
    state.summary.set(None);
    state.rules.set(Default::default());
    state.selected.set(Default::default());
    state.notice.set(None);
    spawn_local(async move {
        let lang = state.lang;
        let loaded = load_mapping(&ctx.storage(), ctx.manager.actor(), &id).await;
        if state.instance.get_untracked().as_deref() != Some(id.as_str()) {
            return;
        }
        match loaded {
            Ok(mapping) => {
                let mapping = mapping.unwrap_or_default();
                state.draft.set(mapping.clone());
                state.stored.set(Loadable::Ready(mapping));
                load_rows(state);
            }
            Err(error) => state
                .stored
                .set(Loadable::Failed(mapping_store_error(lang, &error))),
        }
    });
}

/// Fetches the page of origin objects the request names; stale answers are dropped.
pub fn load_rows(state: MappingState) {
    let Some(ctx) = state.context() else { return };
    let choice = state.choice.get_untracked();
    let request = state.request.get_untracked();
    let ids = state
        .draft
        .with_untracked(|draft| id_filter(draft, choice, request.status));
    let generation = state.generation.get_untracked() + 1;
    state.generation.set(generation);
    state.rows.set(Loadable::Loading);
    spawn_local(async move {
        let lang = state.lang;
        let loaded = async {
            let client = ctx
                .client(LOCAL_INSTANCE_ID)
                .await
                .map_err(|e| instance_error(lang, &e))?;
            let listing = Listing {
                plural: choice.origin,
                type_filter: choice.origin_filter,
                search: &request.search,
                ids: &ids,
                page: Some(request.page),
                page_size: request.page_size,
            };
            fetch(&client, &listing)
                .await
                .map_err(|e| fetch_error(lang, &e))
        }
        .await;
        if state.generation.get_untracked() != generation {
            return;
        }
        state.rows.set(match loaded {
            Ok((rows, pager)) => Loadable::Ready(RowsPage { rows, pager }),
            Err(message) => Loadable::Failed(message),
        });
    });
}

/// Every destination object of the choice's type (auto-map compares against all of them).
async fn destination_objects(
    ctx: &MappingContext,
    instance: &str,
    choice: &TypeChoice,
    lang: Language,
) -> Result<Vec<MappableObject>, String> {
    let client = ctx
        .client(instance)
        .await
        .map_err(|e| instance_error(lang, &e))?;
    let listing = Listing {
        plural: choice.destination,
        type_filter: choice.destination_filter,
        search: "",
        ids: &IdFilter::All,
        page: None,
        page_size: 0,
    };
    fetch(&client, &listing)
        .await
        .map(|(objects, _)| objects)
        .map_err(|e| fetch_error(lang, &e))
}

/// Auto-map: the selected rows of the page, or (none selected) every unmapped origin object
/// of the type, against the destination's objects of the same type.
pub fn auto_map_rows(state: MappingState) {
    let (Some(ctx), Some(instance)) = (state.context(), state.instance.get_untracked()) else {
        return;
    };
    let lang = state.lang;
    let choice = state.choice.get_untracked();
    let selected: Vec<MappingKey> = state
        .selected
        .get_untracked()
        .iter()
        .filter_map(|key| MappingKey::parse(key))
        .collect();
    let page_rows: Vec<MappableObject> = match state.rows.get_untracked() {
        Loadable::Ready(page) => page.rows,
        _ => Vec::new(),
    };
    state.busy.set(Some(tr!(lang, mapping.panel.auto_mapping)));
    state.notice.set(None);
    spawn_local(async move {
        let outcome = async {
            let rows = if selected.is_empty() {
                let client = ctx
                    .client(LOCAL_INSTANCE_ID)
                    .await
                    .map_err(|e| instance_error(lang, &e))?;
                let listing = Listing {
                    plural: choice.origin,
                    type_filter: choice.origin_filter,
                    search: "",
                    ids: &IdFilter::All,
                    page: None,
                    page_size: 0,
                };
                fetch(&client, &listing)
                    .await
                    .map(|(objects, _)| objects)
                    .map_err(|e| fetch_error(lang, &e))?
            } else {
                page_rows
                    .into_iter()
                    .filter(|object| {
                        row_key(choice, object).is_some_and(|key| selected.contains(&key))
                    })
                    .collect()
            };
            let destination = destination_objects(&ctx, &instance, choice, lang).await?;
            Ok::<_, String>((rows, destination))
        }
        .await;
        state.busy.set(None);
        if state.instance.get_untracked().as_deref() != Some(instance.as_str()) {
            return;
        }
        match outcome {
            Ok((rows, destination)) => {
                let mut results = Vec::new();
                state.draft.update(|draft| {
                    let scope = (!selected.is_empty()).then_some(selected.as_slice());
                    results = run_auto_map(draft, choice, &rows, &destination, scope);
                });
                state.rules.update(|rules| {
                    for row in &results {
                        if let mdsync_core::mapping::AutoMapOutcome::Mapped { rule, .. } =
                            &row.outcome
                        {
                            rules.insert(row.key.as_str().to_string(), *rule);
                        }
                    }
                });
                state.selected.set(Default::default());
                state.summary.set(Some(AutoMapSummary { rows: results }));
                load_rows(state);
            }
            Err(message) => state.notice.set(Some((NoticeKind::Error, message))),
        }
    });
}

/// Saves the draft as the mapping toward the instance (configurators; core checks).
pub fn save(state: MappingState) {
    let (Some(ctx), Some(instance)) = (state.context(), state.instance.get_untracked()) else {
        return;
    };
    let lang = state.lang;
    let draft = state.draft.get_untracked();
    state.busy.set(Some(tr!(lang, mapping.panel.saving)));
    spawn_local(async move {
        let saved = save_mapping(
            &ctx.storage(),
            ctx.manager.actor(),
            &instance,
            &draft,
            false,
        )
        .await;
        state.busy.set(None);
        match saved {
            Ok(()) => {
                state.stored.set(Loadable::Ready(draft));
                state
                    .notice
                    .set(Some((NoticeKind::Success, tr!(lang, mapping.panel.saved))));
            }
            Err(error) => state
                .notice
                .set(Some((NoticeKind::Error, mapping_store_error(lang, &error)))),
        }
    });
}
