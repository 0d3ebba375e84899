//! "Save as rule" on the Sync pages (metadata, aggregated, events): hands the page's instances
//! and job to the rule editor (`#/rules/new?from=sync`) through the tab's session storage; the
//! editor takes it once ([`take_seed`]).

use leptos::prelude::*;
use mdsync_core::rules::editor_form::RuleSeed;

use crate::l10n::use_language;
use crate::tr;

/// The session storage key the rule editor reads once.
pub const SEED_KEY: &str = "metadata-sync.rule-seed";

fn hand_over(seed: &RuleSeed) -> Result<(), String> {
    let text = serde_json::to_string(seed).map_err(|e| e.to_string())?;
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

/// The seed a Sync page left, once.
pub fn take_seed() -> Option<RuleSeed> {
    let storage = web_sys::window()?.session_storage().ok()??;
    let text = storage.get_item(SEED_KEY).ok()??;
    let _ = storage.remove_item(SEED_KEY);
    serde_json::from_str(&text).ok()
}

/// The button: `seed` builds the page's rule seed; `on_error` gets the translated message when
/// the browser refuses.
#[component]
pub fn SaveAsRuleButton(
    seed: Callback<(), RuleSeed>,
    #[prop(into)] disabled: Signal<bool>,
    on_error: Callback<String>,
) -> impl IntoView {
    let lang = use_language();
    view! {
        <button class="button" data-test="sync-save-as-rule"
            disabled=move || disabled.get()
            on:click=move |_| {
                if let Err(reason) = hand_over(&seed.run(())) {
                    on_error.run(tr!(lang, rules.save_as_rule_failed, reason = reason));
                }
            }>
            {tr!(lang, rules.save_as_rule)}
        </button>
    }
}
