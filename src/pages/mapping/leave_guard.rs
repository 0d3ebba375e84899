//! Asking before unsaved changes are lost: closing or reloading the tab (`beforeunload`, the
//! browser's own question), and leaving the panel in the app — a link, the Back or Forward
//! button, a typed address — through the router's navigation guard and the app's dialog.

use leptos::ev;
use leptos::prelude::*;

use super::state::MappingState;
use crate::components::dialog::ConfirmDialog;
use crate::components::navigation_guard::{hold, NavigationGuard};
use crate::tr;

/// Draws the "Leave without saving?" dialog when the user tried to leave with unsaved changes.
#[component]
pub fn LeaveGuard(state: MappingState) -> impl IntoView {
    let lang = state.lang;
    let unload = window_event_listener(ev::beforeunload, move |event| {
        if state.dirty_untracked() {
            event.prevent_default();
            event.set_return_value(&tr!(lang, mapping.panel.leave_question));
        }
    });
    on_cleanup(move || unload.remove());
    // Where the user wanted to go, while the dialog asks.
    let leaving_for = RwSignal::new(None::<String>);
    let guard: Option<NavigationGuard> = hold(Callback::new(move |hash: String| {
        if !state.dirty_untracked() {
            return true;
        }
        leaving_for.set(Some(hash));
        false
    }));
    move || {
        leaving_for.get().map(|hash| {
            view! {
                <ConfirmDialog
                    title=tr!(lang, mapping.panel.leave_title)
                    message=tr!(lang, mapping.panel.leave_question)
                    confirm_label=tr!(lang, mapping.panel.leave)
                    on_confirm=Callback::new(move |_| {
                        leaving_for.set(None);
                        if let Some(guard) = guard {
                            guard.leave_to(&hash);
                        }
                    })
                    on_cancel=Callback::new(move |_| leaving_for.set(None))
                />
            }
        })
    }
}
