//! "Save as rule" on the aggregated page: the shared button
//! ([`crate::components::save_as_rule`]) with the page's selection, instances and options.

use leptos::prelude::*;
use mdsync_core::rules::editor_form::RuleSeed;
use mdsync_core::rules::RuleJob;

use super::state::AggregatedState;
use crate::components::notice::NoticeKind;
use crate::components::save_as_rule::SaveAsRuleButton;

#[component]
pub fn AggregatedSaveAsRule(state: AggregatedState) -> impl IntoView {
    let seed = move |()| RuleSeed {
        origin: state.origin.get_untracked(),
        destinations: state.destinations.get_untracked(),
        job: RuleJob::Aggregated {
            selection: state.selection(),
            options: state.options.get_untracked(),
        },
    };
    view! {
        <SaveAsRuleButton
            seed=Callback::new(seed)
            disabled=Signal::derive(move || state.run.with(|r| r.is_running()))
            on_error=Callback::new(move |message| state.notice.set(Some((NoticeKind::Error, message))))
        />
    }
}
