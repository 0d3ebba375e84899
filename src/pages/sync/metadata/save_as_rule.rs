//! "Save as rule" on the metadata page: the shared button
//! ([`crate::components::save_as_rule`]) with the page's picks, instances and options.

use leptos::prelude::*;
use mdsync_core::rules::editor_form::{rule_selection, RuleSeed};
use mdsync_core::rules::{MetadataRuleSelection, RuleJob};

use super::state::SyncState;
use crate::components::notice::NoticeKind;
use crate::components::save_as_rule::SaveAsRuleButton as SharedButton;

fn seed(state: SyncState) -> RuleSeed {
    RuleSeed {
        origin: state.origin.get_untracked(),
        destinations: state.destinations.get_untracked(),
        job: RuleJob::Metadata {
            selection: state
                .selection
                .with_untracked(|picks| rule_selection(picks, &MetadataRuleSelection::default())),
            options: state.options.with_untracked(|form| form.to_options(false)),
        },
    }
}

#[component]
pub fn SaveAsRuleButton(state: SyncState) -> impl IntoView {
    view! {
        <SharedButton
            seed=Callback::new(move |()| seed(state))
            disabled=Signal::derive(move || state.run.with(|r| r.is_running()))
            on_error=Callback::new(move |message| state.notice.set(Some((NoticeKind::Error, message))))
        />
    }
}
