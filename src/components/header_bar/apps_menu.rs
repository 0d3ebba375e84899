use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::components::icons::AppsIcon;
use crate::l10n::messages::dhis2_error;
use crate::l10n::use_language;
use crate::services::Services;
use crate::session::Session;
use crate::tr;
use mdsync_core::dhis2::header_bar::{self, MenuModule};
use mdsync_core::dhis2::Dhis2Error;

/// The apps grid with a search box. The menu is fetched the first time it is opened.
#[component]
pub fn AppsMenu(session: Session) -> impl IntoView {
    let services = expect_context::<Services>();
    let lang = use_language();
    let open = RwSignal::new(false);
    let filter = RwSignal::new(String::new());
    let modules = RwSignal::new(None::<Result<Vec<MenuModule>, Dhis2Error>>);
    let container = NodeRef::<html::Div>::new();
    let version = session.info.version.clone();

    let toggle = move |_| {
        open.update(|open| *open = !*open);
        if open.get_untracked() && modules.get_untracked().is_none() {
            let services = services.clone();
            let version = version.clone();
            spawn_local(async move {
                let client = services.local_client();
                modules.set(Some(header_bar::apps_menu(&client, &version).await));
            });
        }
    };
    close_on_outside_click(container, open);

    let items = move || match modules.get() {
        None => view! { <p class="menu-note">{tr!(lang, header.loading_apps)}</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="menu-note menu-error">{dhis2_error(lang, &error)}</p> }.into_any()
        }
        Some(Ok(all)) => {
            let needle = filter.get();
            let shown: Vec<MenuModule> = all.into_iter().filter(|m| m.matches(&needle)).collect();
            if shown.is_empty() {
                return view! { <p class="menu-note">{tr!(lang, header.no_app_matches)}</p> }
                    .into_any();
            }
            shown
                .into_iter()
                .map(|module| {
                    let label = module.label().to_string();
                    view! {
                        <a class="apps-menu-item" href=module.default_action data-test="headerbar-apps-item">
                            {module.icon.map(|src| view! { <img src=src alt="" width="48" height="48"/> })}
                            <span>{label}</span>
                        </a>
                    }
                })
                .collect_view()
                .into_any()
        }
    };

    view! {
        <div class="headerbar-menu" node_ref=container>
            <button
                class="headerbar-button"
                data-test="headerbar-apps-icon"
                title=move || tr!(lang, header.apps)
                aria-label=move || tr!(lang, header.apps)
                aria-expanded=move || open.get().to_string()
                on:click=toggle
            >
                <AppsIcon/>
            </button>
            <Show when=move || open.get()>
                <div class="menu-popup apps-menu" data-test="headerbar-apps-menu">
                    <input
                        class="input"
                        type="search"
                        placeholder=move || tr!(lang, header.search_apps)
                        data-test="headerbar-apps-search"
                        prop:value=move || filter.get()
                        on:input=move |ev| filter.set(event_target_value(&ev))
                    />
                    <div class="apps-menu-list">{items}</div>
                </div>
            </Show>
        </div>
    }
}

/// Closes a popup when the user clicks anywhere outside its container.
pub(super) fn close_on_outside_click(container: NodeRef<html::Div>, open: RwSignal<bool>) {
    let handle = window_event_listener(ev::click, move |event| {
        if !open.get_untracked() {
            return;
        }
        let target = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let inside = container
            .get_untracked()
            .zip(target)
            .is_some_and(|(container, target)| container.contains(Some(&target)));
        if !inside {
            open.set(false);
        }
    });
    on_cleanup(move || handle.remove());
}
