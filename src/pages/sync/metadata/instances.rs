use leptos::prelude::*;

use super::page::load_catalog;
use super::state::SyncState;
use crate::pages::sync::common::instances::InstancePicker as SharedPicker;
use crate::tr;

/// Origin (this instance = push, another = pull) and the destinations: the Sync pages' shared
/// picker; another origin reads its types again.
#[component]
pub fn InstancePicker(state: SyncState) -> impl IntoView {
    view! {
        <SharedPicker
            lang=state.lang
            ctx=state.ctx
            instances=state.instances
            origin=state.origin
            destinations=state.destinations
            select_id="sync-origin"
            origin_help=tr!(state.lang, sync.instances.origin_help)
            on_origin_change=Callback::new(move |_| load_catalog(state))
        />
    }
}
