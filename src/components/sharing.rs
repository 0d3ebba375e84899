//! Who may see (and run) or change an object: public access, and users and user groups each
//! with read or read-write access, found by name on the hosting instance.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::dhis2::metadata_list::{fetch_list_page, ListedObject};
use mdsync_core::model::{AccessEntry, Sharing};

use crate::l10n::messages::dhis2_error;
use crate::l10n::{use_language, Language};
use crate::services::Services;
use crate::tr;

/// Users or user groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    User,
    Group,
}

impl Who {
    fn plural(self) -> &'static str {
        match self {
            Who::User => "users",
            Who::Group => "userGroups",
        }
    }
}

fn access_select(
    lang: Language,
    data_test: String,
    current: String,
    with_none: bool,
    on_change: impl Fn(String) + 'static,
) -> impl IntoView {
    let choices = [
        (Sharing::PRIVATE, tr!(lang, rules.sharing.no_access)),
        (Sharing::PUBLIC_READ, tr!(lang, rules.sharing.read)),
        (
            Sharing::PUBLIC_READ_WRITE,
            tr!(lang, rules.sharing.read_write),
        ),
    ];
    let options = choices
        .into_iter()
        .filter(|(value, _)| with_none || *value != Sharing::PRIVATE)
        .map(|(value, label)| {
            let selected = current.get(..2) == value.get(..2);
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <select class="input" data-test=data_test on:change=move |ev| on_change(event_target_value(&ev))>
            {options}
        </select>
    }
}

fn entries_view(lang: Language, sharing: RwSignal<Sharing>, who: Who) -> impl IntoView {
    move || {
        let entries = sharing.with(|s| match who {
            Who::User => s.user_accesses.clone(),
            Who::Group => s.user_group_accesses.clone(),
        });
        entries
            .into_iter()
            .map(|entry| {
                let id = entry.id.clone();
                let id_remove = entry.id.clone();
                let label = if entry.name.is_empty() { entry.id.clone() } else { entry.name.clone() };
                let kind = match who {
                    Who::User => tr!(lang, rules.sharing.user),
                    Who::Group => tr!(lang, rules.sharing.group),
                };
                let update = move |access: String| {
                    sharing.update(|s| {
                        let list = match who {
                            Who::User => &mut s.user_accesses,
                            Who::Group => &mut s.user_group_accesses,
                        };
                        if let Some(entry) = list.iter_mut().find(|e| e.id == id) {
                            entry.access = access;
                        }
                    })
                };
                view! {
                    <li class="sharing-entry" data-test="sharing-entry" data-name=label.clone()>
                        <span>{label.clone()}" "<span class="tag">{kind}</span></span>
                        {access_select(lang, "sharing-entry-access".into(), entry.access.clone(), false, update)}
                        <button class="button button-small" data-test="sharing-entry-remove"
                            on:click=move |_| sharing.update(|s| {
                                s.user_accesses.retain(|e| e.id != id_remove);
                                s.user_group_accesses.retain(|e| e.id != id_remove);
                            })>
                            {tr!(lang, rules.sharing.remove)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    }
}

/// The sharing dialog. `on_save` gets the new sharing (the owner is kept by the caller).
#[component]
pub fn SharingDialog(
    #[prop(into)] title: String,
    sharing: Sharing,
    on_save: Callback<Sharing>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let lang = use_language();
    let services = StoredValue::new(expect_context::<Services>());
    let sharing = RwSignal::new(sharing);
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<(Who, ListedObject)>::new());
    let search_error = RwSignal::new(None::<String>);
    let search = move || {
        let text = query.get_untracked().trim().to_string();
        if text.is_empty() {
            return;
        }
        let client = services.get_value().local_client();
        spawn_local(async move {
            let mut results = Vec::new();
            let encoded = js_sys::encode_uri_component(&text)
                .as_string()
                .unwrap_or_default();
            for who in [Who::User, Who::Group] {
                let query = format!(
                    "fields=id,displayName,name&pageSize=10&filter=displayName:ilike:{encoded}"
                );
                match fetch_list_page(&client, who.plural(), &query).await {
                    Ok(page) => results.extend(page.objects.into_iter().map(|o| (who, o))),
                    Err(error) => {
                        search_error.set(Some(dhis2_error(lang, &error)));
                        return;
                    }
                }
            }
            search_error.set(None);
            found.set(results);
        });
    };
    let add = move |who: Who, object: ListedObject| {
        sharing.update(|s| {
            let list = match who {
                Who::User => &mut s.user_accesses,
                Who::Group => &mut s.user_group_accesses,
            };
            if !list.iter().any(|e| e.id == object.id) {
                list.push(AccessEntry {
                    id: object.id.clone(),
                    name: object.display_name.clone(),
                    access: Sharing::PUBLIC_READ.to_string(),
                });
            }
        });
    };
    let results = move || {
        found
            .get()
            .into_iter()
            .map(|(who, object)| {
                let name = object.display_name.clone();
                let kind = match who {
                    Who::User => tr!(lang, rules.sharing.user),
                    Who::Group => tr!(lang, rules.sharing.group),
                };
                view! {
                    <li class="sharing-entry" data-test="sharing-result" data-name=name.clone()>
                        <span>{name.clone()}" "<span class="tag">{kind}</span></span>
                        <button class="button button-small" data-test="sharing-add"
                            on:click=move |_| add(who, object.clone())>
                            {tr!(lang, rules.sharing.add)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let public = sharing.with_untracked(|s| s.public_access.clone());
    view! {
        <div class="modal-backdrop">
            <div class="modal modal-wide" role="dialog" aria-modal="true" data-test="sharing-dialog">
                <h2 class="modal-title">{title}</h2>
                <label class="sharing-public">
                    {tr!(lang, rules.sharing.public)}" "
                    {access_select(lang, "sharing-public".into(), public, true,
                        move |access| sharing.update(|s| s.public_access = access))}
                </label>
                <h3>{tr!(lang, rules.sharing.users_and_groups)}</h3>
                <ul class="sharing-list" data-test="sharing-entries">
                    {entries_view(lang, sharing, Who::User)}
                    {entries_view(lang, sharing, Who::Group)}
                </ul>
                <form class="toolbar" on:submit=move |ev| { ev.prevent_default(); search(); }>
                    <input class="input" type="search" data-test="sharing-search"
                        placeholder=tr!(lang, rules.sharing.search_placeholder)
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))/>
                    <button class="button" type="submit" data-test="sharing-search-go">{tr!(lang, common.search)}</button>
                </form>
                {move || search_error.get().map(|e| view! { <p class="field-error">{e}</p> })}
                <ul class="sharing-list" data-test="sharing-results">{results}</ul>
                <p class="field-help">{tr!(lang, rules.sharing.help)}</p>
                <div class="modal-actions">
                    <button class="button" data-test="sharing-cancel" on:click=move |_| on_cancel.run(())>
                        {tr!(lang, common.cancel)}
                    </button>
                    <button class="button button-primary" data-test="sharing-save"
                        on:click=move |_| on_save.run(sharing.get_untracked())>
                        {tr!(lang, rules.sharing.save)}
                    </button>
                </div>
            </div>
        </div>
    }
}
