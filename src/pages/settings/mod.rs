//! `#/settings` (administrators only): how many days history keeps its entries (empty keeps
//! them all), and the administrator's own defaults for new metadata syncs, kept in their user
//! dataStore. `core` refuses a change from anyone else.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::{Actor, Panel};
use mdsync_core::browse::Choice;
use mdsync_core::storage::user_defaults::{read_sync_defaults, save_sync_defaults, SyncDefaults};
use mdsync_core::storage::{Settings, Storage};
use mdsync_core::sync::metadata::InclusionMode;

use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::{panel_title, storage_error, ChoiceText};
use crate::l10n::{use_language, Language};
use crate::services::Services;
use crate::session::Session;
use crate::tr;

/// What the retention field holds: a whole number of days, or empty for "keep all".
fn parse_days(text: &str) -> Result<u32, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    text.parse::<u32>().ok().filter(|days| *days > 0).ok_or(())
}

fn mode_select(
    lang: Language,
    data_test: &'static str,
    label: String,
    defaults: RwSignal<SyncDefaults>,
    get: fn(&SyncDefaults) -> InclusionMode,
    set: fn(&mut SyncDefaults, InclusionMode),
) -> impl IntoView {
    let options = InclusionMode::ALL
        .iter()
        .map(|mode| {
            let value = mode.value();
            view! {
                <option value=value selected=move || defaults.with(|d| get(d).value() == value)>
                    {mode.text(lang)}
                </option>
            }
        })
        .collect_view();
    view! {
        <label class="form-field">
            <span>{label}</span>
            <select class="input" data-test=data_test
                prop:value=move || defaults.with(|d| get(d).value())
                on:change=move |ev| {
                    if let Some(mode) = InclusionMode::from_value(&event_target_value(&ev)) {
                        defaults.update(|d| set(d, mode));
                    }
                }>
                {options}
            </select>
        </label>
    }
}

#[component]
pub fn SettingsPage(session: Session) -> impl IntoView {
    let lang = use_language();
    let services = StoredValue::new(expect_context::<Services>());
    let version = StoredValue::new(session.info.version.clone());
    let storage = move || {
        Storage::new(
            services.with_value(Services::local_client),
            version.get_value(),
        )
    };
    let actor = StoredValue::new(Actor::new(session.me.clone()));
    let loaded = RwSignal::new(None::<Result<Settings, String>>);
    let days = RwSignal::new(String::new());
    let days_error = RwSignal::new(None::<String>);
    let defaults = RwSignal::new(SyncDefaults::default());
    let notice = RwSignal::new(None::<(NoticeKind, String)>);
    let saving = RwSignal::new(false);
    spawn_local(async move {
        let storage = storage();
        let client = services.with_value(Services::local_client);
        let (settings, user_defaults) = futures::future::join(
            storage.settings_for(&actor.get_value()),
            read_sync_defaults(&client),
        )
        .await;
        match user_defaults {
            Ok(read) => defaults.set(read),
            Err(error) => notice.set(Some((NoticeKind::Warning, storage_error(lang, &error)))),
        }
        if let Ok(settings) = &settings {
            days.set(match settings.history_retention_days {
                0 => String::new(),
                n => n.to_string(),
            });
        }
        loaded.set(Some(settings.map_err(|e| storage_error(lang, &e))));
    });
    let save = move || {
        let Ok(retention) = parse_days(&days.get_untracked()) else {
            days_error.set(Some(tr!(lang, settings.retention_invalid)));
            return;
        };
        days_error.set(None);
        let Some(Ok(mut settings)) = loaded.get_untracked() else {
            return;
        };
        settings.history_retention_days = retention;
        let chosen = defaults.get_untracked();
        saving.set(true);
        spawn_local(async move {
            let storage = storage();
            let actor = actor.get_value();
            let client = services.with_value(Services::local_client);
            let outcome = async {
                storage.change_settings(&actor, &settings).await?;
                save_sync_defaults(&client, &actor, &chosen).await
            }
            .await;
            saving.set(false);
            notice.set(Some(match outcome {
                Ok(()) => {
                    loaded.set(Some(Ok(settings)));
                    (NoticeKind::Success, tr!(lang, settings.saved))
                }
                Err(error) => (NoticeKind::Error, storage_error(lang, &error)),
            }));
        });
    };
    let form = move || {
        match loaded.get() {
        None => view! { <Loading label=tr!(lang, settings.loading)/> }.into_any(),
        Some(Err(message)) => view! {
            <Notice kind=NoticeKind::Error title=tr!(lang, settings.cannot_read) data_test="settings-error">
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
        Some(Ok(_)) => view! {
            <section class="card settings-section" data-test="settings-retention">
                <h2>{tr!(lang, settings.history_title)}</h2>
                <label class="form-field">
                    <span>{tr!(lang, settings.retention_label)}</span>
                    <input class="input" type="number" min="1" step="1" data-test="settings-retention-days"
                        prop:value=move || days.get()
                        on:input=move |ev| days.set(event_target_value(&ev))/>
                    <span class="field-help">{tr!(lang, settings.retention_help)}</span>
                </label>
                {move || days_error.get().map(|e| view! {
                    <p class="field-error" role="alert" data-test="settings-retention-error">{e}</p>
                })}
            </section>
            <section class="card settings-section" data-test="settings-defaults">
                <h2>{tr!(lang, settings.defaults_title)}</h2>
                <p class="field-help">{tr!(lang, settings.defaults_help)}</p>
                {mode_select(lang, "settings-default-sharing", tr!(lang, settings.sharing), defaults,
                    |d| d.sharing, |d, m| d.sharing = m)}
                {mode_select(lang, "settings-default-users", tr!(lang, settings.users), defaults,
                    |d| d.users, |d, m| d.users = m)}
                {mode_select(lang, "settings-default-org-units", tr!(lang, settings.org_units), defaults,
                    |d| d.org_units, |d, m| d.org_units = m)}
            </section>
            <div class="toolbar">
                <button class="button button-primary" data-test="settings-save"
                    disabled=move || saving.get() on:click=move |_| save()>
                    {tr!(lang, settings.save)}
                </button>
            </div>
        }
        .into_any(),
    }
    };
    view! {
        <div class="page" data-test="panel-settings">
            <p class="breadcrumb"><a href="#/">"MetaData Sync"</a>" / "{panel_title(lang, Panel::Settings)}</p>
            <h1 class="page-title">{panel_title(lang, Panel::Settings)}</h1>
            {move || notice.get().map(|(kind, message)| view! {
                <Notice kind data_test="settings-notice"><p>{message}</p></Notice>
            })}
            {form}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_days;

    #[test]
    fn empty_keeps_everything_and_only_whole_positive_days_pass() {
        assert_eq!(parse_days(""), Ok(0));
        assert_eq!(parse_days(" 30 "), Ok(30));
        assert!(parse_days("0").is_err());
        assert!(parse_days("-3").is_err());
        assert!(parse_days("2.5").is_err());
    }
}
