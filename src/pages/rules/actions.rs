//! What the list's buttons do: each calls one operation of `mdsync_core::rules` (which checks
//! the role and the rule's sharing), says what happened and reloads the list.

use leptos::task::spawn_local;
use mdsync_core::browse::{download_name, payload_document};
use mdsync_core::clock::Clock;
use mdsync_core::model::Sharing;
use mdsync_core::rules::{
    delete_rules, export_rules, replicate_rule, rule_payloads, set_enabled as enable_rule,
    share_rule,
};

use super::list::{reload, ListState};
use crate::clock::BrowserClock;
use crate::components::notice::NoticeKind;
use crate::l10n::messages::rules::rule_error;
use crate::pages::sync::download::download_json;
use crate::tr;

fn now() -> u64 {
    BrowserClock.now_millis()
}

pub fn delete(state: ListState, ids: Vec<String>) {
    let ctx = state.ctx();
    let lang = state.lang;
    spawn_local(async move {
        match delete_rules(ctx.manager(), &ctx.storage(), &ids).await {
            Ok(names) => state.say(
                NoticeKind::Success,
                tr!(lang, rules.delete.done, names = names.join(", ")),
            ),
            Err(error) => state.say(NoticeKind::Error, rule_error(lang, &error)),
        }
        reload(state);
    });
}

pub fn replicate(state: ListState, id: String) {
    let ctx = state.ctx();
    let lang = state.lang;
    spawn_local(async move {
        match replicate_rule(ctx.manager(), &ctx.storage(), &id, now()).await {
            Ok(copy) => state.say(
                NoticeKind::Success,
                tr!(lang, rules.replicated, name = copy.summary.name),
            ),
            Err(error) => state.say(NoticeKind::Error, rule_error(lang, &error)),
        }
        reload(state);
    });
}

pub fn set_enabled(state: ListState, id: String, enabled: bool) {
    let ctx = state.ctx();
    let lang = state.lang;
    spawn_local(async move {
        match enable_rule(ctx.manager(), &ctx.storage(), &id, enabled, now()).await {
            Ok(rule) if enabled => state.say(
                NoticeKind::Success,
                tr!(lang, rules.enabled_now, name = rule.name),
            ),
            Ok(rule) => state.say(
                NoticeKind::Success,
                tr!(lang, rules.disabled_now, name = rule.name),
            ),
            Err(error) => state.say(NoticeKind::Error, rule_error(lang, &error)),
        }
        reload(state);
    });
}

pub fn share(state: ListState, id: String, sharing: Sharing) {
    let ctx = state.ctx();
    let lang = state.lang;
    // The rule's instances, to check the new audience can use them.
    let instance_ids: Vec<String> = state
        .row(&id)
        .map(|row| {
            std::iter::once(row.summary.origin.id)
                .chain(row.summary.destinations.into_iter().map(|d| d.id))
                .collect()
        })
        .unwrap_or_default();
    spawn_local(async move {
        match share_rule(ctx.manager(), &ctx.storage(), &id, &sharing).await {
            Ok(notes) => {
                if notes.is_empty() {
                    state.say(NoticeKind::Success, tr!(lang, rules.sharing.saved))
                } else {
                    // `core`'s note names the key and the command that applies it.
                    state.say(NoticeKind::Warning, notes.join(" "))
                }
                super::instance_gap::check(state, instance_ids, sharing);
            }
            Err(error) => state.say(NoticeKind::Error, rule_error(lang, &error)),
        }
        reload(state);
    });
}

/// One JSON file with the rules: never a credential (a rule holds none, and `core` leaves
/// the sharing and run record out).
pub fn export(state: ListState, ids: Vec<String>) {
    let ctx = state.ctx();
    let lang = state.lang;
    spawn_local(async move {
        let exported = export_rules(ctx.manager(), &ctx.storage(), &ids, now()).await;
        let outcome = exported.map_err(|e| rule_error(lang, &e)).and_then(|file| {
            let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
            let name = format!(
                "metadata-sync-rules-{}.json",
                file.exported.get(..10).unwrap_or("export")
            );
            download_json(&name, &text)
                .map_err(|detail| tr!(lang, rules.download_refused, detail = detail))?;
            Ok(name)
        });
        match outcome {
            Ok(name) => state.say(NoticeKind::Success, tr!(lang, rules.exported, name = name)),
            Err(message) => state.say(NoticeKind::Error, message),
        }
    });
}

/// What the rule would send to each destination, as a file.
pub fn download_payload(state: ListState, id: String) {
    let ctx = state.ctx();
    let lang = state.lang;
    state.say(NoticeKind::Info, tr!(lang, rules.building_payload));
    spawn_local(async move {
        let built = rule_payloads(ctx.manager(), &ctx.storage(), &id, now())
            .await
            .map_err(|e| rule_error(lang, &e))
            .and_then(|payloads| {
                let name = match payloads.as_slice() {
                    [single] => download_name("rule-payload", &single.target),
                    _ => download_name("rule-payload", "all-destinations"),
                };
                download_json(&name, &payload_document(&payloads))
                    .map_err(|detail| tr!(lang, rules.download_refused, detail = detail))?;
                Ok(name)
            });
        match built {
            Ok(name) => state.say(NoticeKind::Success, tr!(lang, rules.exported, name = name)),
            Err(message) => state.say(
                NoticeKind::Error,
                tr!(lang, rules.payload_failed, error = message),
            ),
        }
    });
}
