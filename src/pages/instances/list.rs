use leptos::prelude::*;
use mdsync_core::dhis2::Version;
use mdsync_core::model::{AuthKind, InstanceName, InstanceView};

use crate::components::data_table::{Column, DataTable};
use crate::l10n::messages::instance_name;
use crate::l10n::{use_language, Language};
use crate::table_model::TableRow;
use crate::tr;

/// What a row button asks the page to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowAction {
    Test(String),
    Edit(String),
    Replicate(String),
    /// Who may use the instance in the rules they run, and who may change it.
    Share(String),
    Delete(String),
}

fn auth_text(lang: Language, view: &InstanceView) -> String {
    if view.is_local {
        return tr!(lang, instances.auth.session);
    }
    match (view.auth_kind, &view.username) {
        (AuthKind::Basic, Some(username)) => {
            tr!(lang, instances.auth.basic_as, username = username)
        }
        (AuthKind::Basic, None) => tr!(lang, instances.auth.basic),
        (AuthKind::Token, _) => tr!(lang, instances.auth.token),
    }
}

fn version_text(lang: Language, view: &InstanceView, local_version: &Version) -> String {
    match (&view.version, view.is_local) {
        (Some(version), _) => version.to_string(),
        (None, true) => local_version.to_string(),
        (None, false) => tr!(lang, instances.not_tested_yet),
    }
}

/// The configurator's table: every visible instance with its actions.
#[component]
pub fn InstanceTable(
    #[prop(into)] instances: Signal<Vec<InstanceView>>,
    local_version: Version,
    on_action: Callback<RowAction>,
) -> impl IntoView {
    let lang = use_language();
    let rows = Signal::derive(move || {
        instances.with(|all| {
            all.iter()
                .map(|view| TableRow {
                    id: view.id.clone(),
                    cells: vec![
                        instance_name(lang, view),
                        view.url.clone(),
                        version_text(lang, view, &local_version),
                        auth_text(lang, view),
                        if view.is_local {
                            // `core`'s description of the local instance, in the user's words.
                            tr!(lang, instances.local_description)
                        } else {
                            view.description.clone()
                        },
                    ],
                    pinned: view.is_local,
                })
                .collect::<Vec<_>>()
        })
    });
    let editable = move |id: &str| {
        instances.with(|all| all.iter().any(|view| view.id == id && view.editable()))
    };
    let actions = Callback::new(move |id: String| {
        let test_id = id.clone();
        let buttons = editable(&id).then(|| {
            let (edit_id, copy_id, delete_id) = (id.clone(), id.clone(), id.clone());
            let share_id = id.clone();
            let mapping_href = format!("#/mapping?instance={id}");
            view! {
                <a class="button button-small" data-test="instance-mapping" href=mapping_href>
                    {tr!(lang, mapping.open)}
                </a>
                <button class="button button-small" data-test="instance-edit"
                    on:click=move |_| on_action.run(RowAction::Edit(edit_id.clone()))>{tr!(lang, instances.actions.edit)}</button>
                <button class="button button-small" data-test="instance-copy"
                    on:click=move |_| on_action.run(RowAction::Replicate(copy_id.clone()))>{tr!(lang, instances.actions.replicate)}</button>
                <button class="button button-small" data-test="instance-share"
                    on:click=move |_| on_action.run(RowAction::Share(share_id.clone()))>{tr!(lang, instances.sharing.action)}</button>
                <button class="button button-small button-destructive" data-test="instance-delete"
                    on:click=move |_| on_action.run(RowAction::Delete(delete_id.clone()))>{tr!(lang, instances.actions.delete)}</button>
            }
        });
        view! {
            <button class="button button-small" data-test="instance-test"
                on:click=move |_| on_action.run(RowAction::Test(test_id.clone()))>{tr!(lang, instances.test_connection)}</button>
            {buttons}
        }
        .into_any()
    });
    view! {
        <div data-test="instances-table">
            <DataTable
                columns=vec![
                    Column::new("name", tr!(lang, instances.fields.name)),
                    Column::new("url", tr!(lang, instances.fields.url)),
                    Column::new("version", tr!(lang, instances.fields.version)),
                    Column::new("auth", tr!(lang, instances.fields.authentication)),
                    Column::new("description", tr!(lang, instances.fields.description)),
                ]
                rows
                actions
                search_placeholder=tr!(lang, instances.search)
            />
        </div>
    }
}

/// What run-only users see: names, nothing to change.
#[component]
pub fn InstanceNames(#[prop(into)] names: Signal<Vec<InstanceName>>) -> impl IntoView {
    let lang = use_language();
    let rows = Signal::derive(move || {
        names.with(|all| {
            all.iter()
                .map(|name| TableRow {
                    id: name.id.clone(),
                    cells: vec![if name.is_local {
                        tr!(lang, instances.this_instance)
                    } else {
                        name.name.clone()
                    }],
                    pinned: name.is_local,
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div data-test="instances-table">
            <DataTable
                columns=vec![Column::new("name", tr!(lang, instances.fields.name))]
                rows
                search_placeholder=tr!(lang, instances.search)
            />
        </div>
    }
}
