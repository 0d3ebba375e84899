//! "Save as rule": hands the page's picks, instances and options to the rule editor
//! (`#/rules/new?from=sync`) through the tab's session storage.

use leptos::prelude::*;
use mdsync_core::rules::editor_form::{rule_selection, RuleSeed};
use mdsync_core::rules::MetadataRuleSelection;

use super::state::SyncState;
use crate::components::notice::NoticeKind;
use crate::tr;

/// The session storage key the rule editor reads once.
pub const SEED_KEY: &str = "metadata-sync.rule-seed";

fn hand_over(state: SyncState) -> Result<(), String> {
    let seed = RuleSeed {
        origin: state.origin.get_untracked(),
        destinations: state.destinations.get_untracked(),
        selection: state
            .selection
            .with_untracked(|picks| rule_selection(picks, &MetadataRuleSelection::default())),
        options: state.options.with_untracked(|form| form.to_options(false)),
    };
    let text = serde_json::to_string(&seed).map_err(|e| e.to_string())?;
    let window = web_sys::window().ok_or("no browser window")?;
    let storage = window
        .session_storage()
        .ok()
        .flatten()
        .ok_or("no session storage")?;
    storage
        .set_item(SEED_KEY, &text)
        .map_err(|_| "the browser refused to keep the picks".to_string())?;
    window
        .location()
        .set_hash("#/rules/new?from=sync")
        .map_err(|_| "the browser refused to open the editor".to_string())
}

#[component]
pub fn SaveAsRuleButton(state: SyncState) -> impl IntoView {
    let lang = state.lang;
    view! {
        <button class="button" data-test="sync-save-as-rule"
            disabled=move || state.run.with(|r| r.is_running())
            on:click=move |_| {
                if let Err(reason) = hand_over(state) {
                    state.notice.set(Some((NoticeKind::Error, tr!(lang, rules.save_as_rule_failed, reason = reason))));
                }
            }>
            {tr!(lang, rules.save_as_rule)}
        </button>
    }
}
