//! "Save as rule" on the events page: the shared button
//! ([`crate::components::save_as_rule`]) with the page's selection, instances and options.

use leptos::prelude::*;
use mdsync_core::rules::editor_form::RuleSeed;
use mdsync_core::rules::RuleJob;

use super::state::EventsState;
use crate::components::notice::NoticeKind;
use crate::components::save_as_rule::SaveAsRuleButton;
use crate::pages::sync::common::RunState;

#[component]
pub fn EventsSaveAsRule(state: EventsState) -> impl IntoView {
    let seed = move |()| RuleSeed {
        origin: state.origin.get_untracked(),
        destinations: state.destinations.get_untracked(),
        job: RuleJob::Events {
            selection: state.selection(),
            options: state.options.get_untracked(),
        },
    };
    view! {
        <SaveAsRuleButton
            seed=Callback::new(seed)
            disabled=Signal::derive(move || state.run.with(RunState::is_running))
            on_error=Callback::new(move |message| state.notice.set(Some((NoticeKind::Error, message))))
        />
    }
}
