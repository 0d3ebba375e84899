use leptos::prelude::*;

use super::page::origin_changed;
use super::state::AggregatedState;
use crate::pages::sync::common::instances::InstancePicker;
use crate::tr;

/// Origin (this instance = push, another = pull) and the destinations: the Sync pages' shared
/// picker.
#[component]
pub fn InstanceChoice(state: AggregatedState) -> impl IntoView {
    view! {
        <InstancePicker
            lang=state.lang
            ctx=state.ctx
            instances=state.instances
            origin=state.origin
            destinations=state.destinations
            select_id="aggregated-origin"
            origin_help=tr!(state.lang, aggregated.origin_help)
            on_origin_change=Callback::new(move |_| origin_changed(state))
        />
    }
}
