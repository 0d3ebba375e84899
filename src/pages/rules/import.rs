//! Importing rules from JSON files (this app's exports, or MDSync's): each file goes through
//! `mdsync_core::rules::import_rules`, which creates new rules and reports, rule by rule, what
//! did not fit — nothing existing is overwritten.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::clock::Clock;
use mdsync_core::rules::{import_rules, ImportOutcome};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::list::{reload, ListState};
use crate::clock::BrowserClock;
use crate::components::notice::NoticeKind;
use crate::l10n::messages::rules::{import_problem, rule_error};
use crate::l10n::Language;
use crate::{counted, tr};

async fn file_text(file: &web_sys::File) -> Result<String, String> {
    let text = JsFuture::from(file.text())
        .await
        .map_err(|e| e.as_string().unwrap_or_else(|| "unreadable".into()))?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

/// What an import did, as one message.
fn summary(lang: Language, file: &str, outcome: &ImportOutcome) -> Vec<String> {
    let mut lines = Vec::new();
    let names: Vec<String> = outcome
        .created
        .iter()
        .map(|r| format!("“{}”", r.name))
        .collect();
    lines.push(if names.is_empty() {
        tr!(lang, rules.import.none_from, file = file)
    } else {
        tr!(
            lang,
            rules.import.created,
            file = file,
            rules = counted!(lang, rules.import.rules, names.len()),
            names = names.join(", ")
        )
    });
    lines.extend(outcome.problems.iter().map(|p| import_problem(lang, p)));
    lines.extend(outcome.not_imported.iter().map(|(rule, part)| {
        tr!(
            lang,
            rules.import.part_not_imported,
            rule = rule,
            part = part
        )
    }));
    if !outcome.schedule_switched_off.is_empty() {
        lines.push(tr!(
            lang,
            rules.import.schedule_off,
            names = outcome.schedule_switched_off.join(", ")
        ));
    }
    lines
}

#[component]
pub fn ImportButton(state: ListState) -> impl IntoView {
    let lang = state.lang;
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        if files.is_empty() {
            return;
        }
        let ctx = state.ctx();
        spawn_local(async move {
            let mut lines = Vec::new();
            let mut failed = false;
            for file in files {
                let name = file.name();
                let text = match file_text(&file).await {
                    Ok(text) => text,
                    Err(reason) => {
                        failed = true;
                        lines.push(tr!(
                            lang,
                            rules.import.unreadable,
                            file = name,
                            reason = reason
                        ));
                        continue;
                    }
                };
                match import_rules(
                    ctx.manager(),
                    &ctx.storage(),
                    &text,
                    BrowserClock.now_millis(),
                )
                .await
                {
                    Ok(outcome) => {
                        failed |= !outcome.problems.is_empty() || outcome.created.is_empty();
                        lines.extend(summary(lang, &name, &outcome));
                    }
                    Err(error) => {
                        failed = true;
                        lines.push(rule_error(lang, &error));
                    }
                }
            }
            let kind = if failed {
                NoticeKind::Warning
            } else {
                NoticeKind::Success
            };
            state.say(kind, lines.join("\n"));
            reload(state);
        });
    };
    view! {
        <label class="button" data-test="rules-import">
            {tr!(lang, rules.actions.import)}
            <input type="file" accept=".json,application/json" multiple class="visually-hidden"
                data-test="rules-import-file" on:change=on_change/>
        </label>
    }
}
