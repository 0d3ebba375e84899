//! What the page reads: the origin's version and programs, a page of its events, the user's
//! columns (and saving them).

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::browse::events::{
    events_date_field, fetch_events_list, fetch_programs, period_window, read_event_columns,
    save_event_columns, EventsListRequest,
};
use mdsync_core::dhis2::Version;

use super::state::{EventsState, EVENTS_PAGE_SIZE};
use crate::l10n::messages::{dhis2_error, instance_error, storage_error};
use crate::pages::sync::common::listing::Listing;
use crate::pages::sync::common::Loadable;

/// Another origin (or the first): its version and programs; the previous picks go.
pub fn origin_changed(state: EventsState) {
    state.chosen_programs.set(Vec::new());
    state.org_units.set(Vec::new());
    state.chosen_events.set(Vec::new());
    state.listing.set(Loadable::Idle);
    state.programs.set(Loadable::Loading);
    let Some(ctx) = state.context() else { return };
    let origin = state.origin.get_untracked();
    spawn_local(async move {
        let lang = state.lang;
        let loaded = async {
            let (instance, version) = ctx
                .instance(&origin)
                .await
                .map_err(|e| instance_error(lang, &e))?;
            let programs = fetch_programs(&instance.client)
                .await
                .map_err(|e| dhis2_error(lang, &e))?;
            Ok::<_, String>((programs, version))
        }
        .await;
        if state.origin.get_untracked() != origin {
            return;
        }
        state.programs.set(match loaded {
            Ok((programs, version)) => {
                state
                    .origin_version
                    .set(version.unwrap_or(Version::OLDEST_SUPPORTED));
                Loadable::Ready(programs)
            }
            Err(message) => Loadable::Failed(message),
        });
    });
}

/// Fetches the page of events the table asks for; stale answers are dropped.
pub fn load_events(state: EventsState) {
    let Some(ctx) = state.context() else { return };
    // The table lists a chosen program: the first one until the user picks another.
    if state.table.with_untracked(|t| t.program.is_empty()) {
        let first = state.chosen_programs.with_untracked(|c| c.first().cloned());
        state
            .table
            .update(|t| t.program = first.unwrap_or_default());
    }
    let query = state.table.get_untracked();
    let org_unit = Some(query.org_unit.clone())
        .filter(|id| !id.is_empty())
        .or_else(|| {
            state
                .org_units
                .with_untracked(|u| u.first().map(|u| u.id.clone()))
        });
    let (Some(org_unit), false) = (org_unit, query.program.is_empty()) else {
        state.listing.set(Loadable::Idle);
        return;
    };
    let window = period_window(
        &state.period.get_untracked(),
        events_date_field(state.events_field.get_untracked()),
        js_sys::Date::now() as u64,
    );
    let request = EventsListRequest {
        program: query.program.clone(),
        org_unit,
        descendants: state.include_descendants.get_untracked(),
        window,
        page: query.page,
        page_size: EVENTS_PAGE_SIZE,
        order: query.order,
        descending: query.descending,
    };
    let version = state.origin_version.get_untracked();
    let listing = Listing {
        lang: state.lang,
        origin: state.origin,
        listing: state.listing,
        generation: state.listing_generation,
    };
    let lang = state.lang;
    listing.load(ctx, move |instance| async move {
        fetch_events_list(&instance.client, &version, &request)
            .await
            .map_err(|e| dhis2_error(lang, &e))
    });
}

/// The user's columns, from their user dataStore on this instance.
pub fn load_columns(state: EventsState) {
    let Some(ctx) = state.context() else { return };
    spawn_local(async move {
        match read_event_columns(&ctx.services.local_client()).await {
            Ok(columns) => state.columns.set(columns),
            // The default columns still work: say it once, quietly.
            Err(error) => leptos::logging::warn!("{}", storage_error(state.lang, &error)),
        }
    });
}

/// Keeps the user's columns for next time.
pub fn save_columns(state: EventsState) {
    let Some(ctx) = state.context() else { return };
    let columns = state.columns.get_untracked();
    spawn_local(async move {
        if let Err(error) = save_event_columns(&ctx.services.local_client(), &columns).await {
            state.notice.set(Some((
                crate::components::notice::NoticeKind::Warning,
                storage_error(state.lang, &error),
            )));
        }
    });
}
