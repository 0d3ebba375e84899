use leptos::prelude::*;
use mdsync_core::access::Panel;

use crate::l10n::messages::panel_title;
use crate::l10n::use_language;
use crate::tr;

/// The kinds of sync: metadata, aggregated data, events and tracker data, deleted objects.
#[component]
pub fn SyncMenu() -> impl IntoView {
    let lang = use_language();
    view! {
        <div class="page" data-test="panel-sync">
            <p class="breadcrumb"><a href="#/">"MetaData Sync"</a>" / "{panel_title(lang, Panel::Sync)}</p>
            <h1 class="page-title">{panel_title(lang, Panel::Sync)}</h1>
            <div class="home-cards">
                <a class="card home-card" href="#/sync/metadata" data-test="sync-menu-metadata">
                    <h2 class="card-title">{tr!(lang, sync.menu.metadata_title)}</h2>
                    <p class="card-text">{tr!(lang, sync.menu.metadata_text)}</p>
                    <span class="card-link">{tr!(lang, sync.menu.metadata_open)}</span>
                </a>
                <a class="card home-card" href="#/sync/aggregated" data-test="sync-menu-aggregated">
                    <h2 class="card-title">{tr!(lang, sync.menu.aggregated_title)}</h2>
                    <p class="card-text">{tr!(lang, sync.menu.aggregated_text)}</p>
                    <span class="card-link">{tr!(lang, sync.menu.aggregated_open)}</span>
                </a>
                <a class="card home-card" href="#/sync/deleted" data-test="sync-menu-deleted">
                    <h2 class="card-title">{tr!(lang, sync.menu.deleted_title)}</h2>
                    <p class="card-text">{tr!(lang, sync.menu.deleted_text)}</p>
                    <span class="card-link">{tr!(lang, sync.menu.deleted_open)}</span>
                </a>
                <a class="card home-card" href="#/sync/events" data-test="sync-menu-events">
                    <h2 class="card-title">{tr!(lang, sync.menu.events_title)}</h2>
                    <p class="card-text">{tr!(lang, sync.menu.events_text)}</p>
                    <span class="card-link">{tr!(lang, sync.menu.events_open)}</span>
                </a>
            </div>
        </div>
    }
}
