use leptos::prelude::*;
use mdsync_core::access::Panel;

/// The kinds of sync: metadata and deleted objects are here; the others say plainly that they
/// are coming.
#[component]
pub fn SyncMenu() -> impl IntoView {
    let coming = [
        (
            "aggregated",
            "Aggregated data",
            "Copy data values of data sets and data elements for chosen org units and periods. \
             Coming: this page is not built yet.",
        ),
        (
            "events",
            "Events and tracker data",
            "Copy events, tracked entities and enrollments of chosen programs. Coming: this page \
             is not built yet.",
        ),
    ];
    view! {
        <div class="page" data-test="panel-sync">
            <p class="breadcrumb"><a href="#/">"MetaData Sync"</a>" / "{Panel::Sync.title()}</p>
            <h1 class="page-title">{Panel::Sync.title()}</h1>
            <div class="home-cards">
                <a class="card home-card" href="#/sync/metadata" data-test="sync-menu-metadata">
                    <h2 class="card-title">"Metadata"</h2>
                    <p class="card-text">
                        "Copy data sets, programs, dashboards and any other metadata, with their \
                         dependencies, to one or more instances, or pull them from another one."
                    </p>
                    <span class="card-link">"Open metadata sync"</span>
                </a>
                <a class="card home-card" href="#/sync/deleted" data-test="sync-menu-deleted">
                    <h2 class="card-title">"Deleted objects"</h2>
                    <p class="card-text">
                        "List what was deleted on this instance, then delete it on other instances \
                         too, after a dry run and a confirmation."
                    </p>
                    <span class="card-link">"Open deleted objects"</span>
                </a>
                {coming
                    .into_iter()
                    .map(|(key, title, text)| view! {
                        <div class="card home-card sync-menu-coming" data-test=format!("sync-menu-{key}")>
                            <h2 class="card-title">{title}</h2>
                            <p class="card-text">{text}</p>
                        </div>
                    })
                    .collect_view()}
            </div>
        </div>
    }
}
