use leptos::prelude::*;
use mdsync_core::dhis2::Version;
use mdsync_core::model::{AuthKind, InstanceName, InstanceView};

use crate::components::data_table::{Column, DataTable};
use crate::table_model::TableRow;

/// What a row button asks the page to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowAction {
    Test(String),
    Edit(String),
    Replicate(String),
    Delete(String),
}

fn auth_text(view: &InstanceView) -> String {
    if view.is_local {
        return "Your DHIS2 session".to_string();
    }
    match (view.auth_kind, &view.username) {
        (AuthKind::Basic, Some(username)) => format!("Username and password ({username})"),
        (AuthKind::Basic, None) => "Username and password".to_string(),
        (AuthKind::Token, _) => "Personal access token".to_string(),
    }
}

fn version_text(view: &InstanceView, local_version: &Version) -> String {
    match (&view.version, view.is_local) {
        (Some(version), _) => version.to_string(),
        (None, true) => local_version.to_string(),
        (None, false) => "not tested yet".to_string(),
    }
}

/// The configurator's table: every visible instance with its actions.
#[component]
pub fn InstanceTable(
    #[prop(into)] instances: Signal<Vec<InstanceView>>,
    local_version: Version,
    on_action: Callback<RowAction>,
) -> impl IntoView {
    let rows = Signal::derive(move || {
        instances.with(|all| {
            all.iter()
                .map(|view| TableRow {
                    id: view.id.clone(),
                    cells: vec![
                        view.name.clone(),
                        view.url.clone(),
                        version_text(view, &local_version),
                        auth_text(view),
                        view.description.clone(),
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
            view! {
                <button class="button button-small" data-test="instance-edit"
                    on:click=move |_| on_action.run(RowAction::Edit(edit_id.clone()))>"Edit"</button>
                <button class="button button-small" data-test="instance-copy"
                    on:click=move |_| on_action.run(RowAction::Replicate(copy_id.clone()))>"Replicate"</button>
                <button class="button button-small button-destructive" data-test="instance-delete"
                    on:click=move |_| on_action.run(RowAction::Delete(delete_id.clone()))>"Delete"</button>
            }
        });
        view! {
            <button class="button button-small" data-test="instance-test"
                on:click=move |_| on_action.run(RowAction::Test(test_id.clone()))>"Test connection"</button>
            {buttons}
        }
        .into_any()
    });
    view! {
        <div data-test="instances-table">
            <DataTable
                columns=vec![
                    Column::new("name", "Name"),
                    Column::new("url", "URL"),
                    Column::new("version", "DHIS2 version"),
                    Column::new("auth", "Authentication"),
                    Column::new("description", "Description"),
                ]
                rows
                actions
                search_placeholder="Search instances"
            />
        </div>
    }
}

/// What run-only users see: names, nothing to change.
#[component]
pub fn InstanceNames(#[prop(into)] names: Signal<Vec<InstanceName>>) -> impl IntoView {
    let rows = Signal::derive(move || {
        names.with(|all| {
            all.iter()
                .map(|name| TableRow {
                    id: name.id.clone(),
                    cells: vec![name.name.clone()],
                    pinned: name.is_local,
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div data-test="instances-table">
            <DataTable columns=vec![Column::new("name", "Name")] rows search_placeholder="Search instances"/>
        </div>
    }
}
