//! Panels downloaded on first use.
//!
//! The release build (`cargo xtask dist`, with `--cfg mdsync_split`) cuts the Instances and Sync
//! panels out of the first download: each `load_*` function below is a split point, and the
//! code only it reaches (the panel's pages, the sync engine, the editors) goes into its own
//! wasm chunk, fetched the first time the panel opens. The first load is then the shell alone.
//! One more split point holds what runs once the app is open ([`start_up`]).
//!
//! Every other build (`trunk serve`, the browser tests) has no split step: the same functions
//! return the renderer at once. Either way the router sees the same API.
//!
//! A chunk that cannot be fetched is an error the page shows with a Retry button; nothing
//! panics, and the next try fetches again. The loader only knows that it failed, so the page
//! then asks the server for `system/info`: an expired session (a login page), a refused login
//! or an unreachable server is named as such, with the same message as at start-up; when the
//! server answers, the app's files themselves are the problem.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::access::Panel;
use mdsync_core::dhis2::Dhis2Error;

use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::components::resume_notice::ResumeOffer;
use crate::l10n::messages::{dhis2_error, needs_login, panel_title};
use crate::l10n::{use_language, Language};
use crate::services::Services;
use crate::session::Session;
use crate::tr;

/// Draws a loaded panel.
pub type PanelRenderer = fn(Session) -> AnyView;

/// A panel's code could not be downloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "This panel could not be downloaded from the DHIS2 server, although the server answers. \
     Retry; if it keeps failing, reinstall MetaData Sync from App Management."
)]
pub struct PanelLoadError;

/// Why a panel did not load, as far as the app can tell.
#[derive(Debug, Clone, PartialEq)]
enum PanelFailure {
    /// The server answers, but the panel's files did not load.
    Files(PanelLoadError),
    /// The server itself does not answer as it should (login page, 401, unreachable…).
    Server(Dhis2Error),
}

impl PanelFailure {
    fn message(&self, lang: Language) -> String {
        match self {
            PanelFailure::Files(_) => tr!(lang, lazy.files),
            PanelFailure::Server(error) => dhis2_error(lang, error),
        }
    }

    fn needs_login(&self) -> bool {
        matches!(self, PanelFailure::Server(error) if needs_login(error))
    }
}

#[cfg(mdsync_split)]
impl From<leptos::wasm_split::SplitLoaderError> for PanelLoadError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PanelLoadError
    }
}

fn instances_view(session: Session) -> AnyView {
    view! { <super::instances::InstancesPage session/> }.into_any()
}

fn sync_view(session: Session) -> AnyView {
    view! { <super::sync::SyncPanel session/> }.into_any()
}

/// Sync → Events: its own chunk inside the Sync panel (the tracker engine stays out of the
/// panel's first download).
fn sync_events_view(session: Session) -> AnyView {
    view! { <super::sync::events::EventsSyncPage session/> }.into_any()
}

#[cfg(mdsync_split)]
#[leptos::wasm_split::wasm_split(
    sync_events_page,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(prefetch_sync_events_page)
)]
fn load_sync_events_page() -> Result<PanelRenderer, PanelLoadError> {
    Ok(sync_events_view)
}

#[cfg(not(mdsync_split))]
async fn load_sync_events_page() -> Result<PanelRenderer, PanelLoadError> {
    Ok(sync_events_view)
}

fn mapping_view(session: Session) -> AnyView {
    view! { <super::mapping::MappingPage session/> }.into_any()
}

#[cfg(mdsync_split)]
#[leptos::wasm_split::wasm_split(
    mapping_panel,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(prefetch_mapping_panel)
)]
fn load_mapping_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(mapping_view)
}

#[cfg(not(mdsync_split))]
async fn load_mapping_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(mapping_view)
}

fn rules_view(session: Session) -> AnyView {
    view! { <super::rules::RulesPanel session/> }.into_any()
}

#[cfg(mdsync_split)]
#[leptos::wasm_split::wasm_split(
    rules_panel,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(prefetch_rules_panel)
)]
fn load_rules_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(rules_view)
}

#[cfg(not(mdsync_split))]
async fn load_rules_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(rules_view)
}

fn settings_view(session: Session) -> AnyView {
    view! { <super::settings::SettingsPage session/> }.into_any()
}

#[cfg(mdsync_split)]
#[leptos::wasm_split::wasm_split(
    settings_panel,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(prefetch_settings_panel)
)]
fn load_settings_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(settings_view)
}

#[cfg(not(mdsync_split))]
async fn load_settings_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(settings_view)
}

fn history_view(session: Session) -> AnyView {
    view! { <super::history::HistoryPanel session/> }.into_any()
}

/// What runs once the app is open, away from the first load: history retention and the
/// offer to resume an interrupted run (see [`start_up`]).
pub type StartUpTask = fn(Session, Services, ResumeOffer);

#[cfg(mdsync_split)]
#[leptos::wasm_split::wasm_split(
    history_panel,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(prefetch_history_panel)
)]
fn load_history_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(history_view)
}

#[cfg(mdsync_split)]
#[leptos::wasm_split::wasm_split(history_start_up, wasm_split_path = ::leptos::wasm_split, fallible)]
fn load_start_up() -> Result<StartUpTask, PanelLoadError> {
    Ok(super::history::start_up::run)
}

#[cfg(not(mdsync_split))]
async fn load_history_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(history_view)
}

#[cfg(not(mdsync_split))]
async fn load_start_up() -> Result<StartUpTask, PanelLoadError> {
    Ok(super::history::start_up::run)
}

/// After the session loaded: fetches the start-up chunk a moment later (off the first load's
/// path) and runs it. A chunk that does not load only costs the offer and the retention pass.
pub fn start_up(session: Session, services: Services, offer: ResumeOffer) {
    set_timeout(
        move || {
            spawn_local(async move {
                match load_start_up().await {
                    Ok(task) => task(session, services, offer),
                    Err(error) => leptos::logging::warn!("{error}"),
                }
            })
        },
        std::time::Duration::from_millis(2_500),
    );
}

#[cfg(mdsync_split)]
#[leptos::wasm_split::wasm_split(
    instances_panel,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(prefetch_instances_panel)
)]
fn load_instances_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(instances_view)
}

#[cfg(mdsync_split)]
#[leptos::wasm_split::wasm_split(
    sync_panel,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(prefetch_sync_panel)
)]
fn load_sync_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(sync_view)
}

#[cfg(not(mdsync_split))]
async fn load_instances_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(instances_view)
}

#[cfg(not(mdsync_split))]
async fn load_sync_panel() -> Result<PanelRenderer, PanelLoadError> {
    Ok(sync_view)
}

/// Starts downloading a panel's code without showing it (the user is about to open it).
/// Without a split build there is nothing to download.
pub fn prefetch(panel: Panel) {
    #[cfg(mdsync_split)]
    if let Some(split) = SplitPanel::of(panel) {
        spawn_local(async move {
            // A failure is not shown here: opening the panel tries again and says so.
            let _ = match split {
                SplitPanel::Instances => prefetch_instances_panel().await,
                SplitPanel::Sync => prefetch_sync_panel().await,
                SplitPanel::SyncEvents => prefetch_sync_events_page().await,
                SplitPanel::History => prefetch_history_panel().await,
                SplitPanel::Mapping => prefetch_mapping_panel().await,
                SplitPanel::Rules => prefetch_rules_panel().await,
                SplitPanel::Settings => prefetch_settings_panel().await,
            };
        });
    }
    #[cfg(not(mdsync_split))]
    let _ = panel;
}

/// The panels whose code is split out of the first download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitPanel {
    Instances,
    Sync,
    /// Sync → Events, opened from the Sync panel.
    SyncEvents,
    History,
    Mapping,
    Rules,
    Settings,
}

impl SplitPanel {
    /// The split-out panel behind `panel`, if its code is built; `None` for the panels to come.
    pub fn of(panel: Panel) -> Option<SplitPanel> {
        match panel {
            Panel::Instances => Some(SplitPanel::Instances),
            Panel::Sync => Some(SplitPanel::Sync),
            Panel::History => Some(SplitPanel::History),
            Panel::Mapping => Some(SplitPanel::Mapping),
            Panel::Rules => Some(SplitPanel::Rules),
            Panel::Settings => Some(SplitPanel::Settings),
        }
    }

    pub fn panel(self) -> Panel {
        match self {
            SplitPanel::Instances => Panel::Instances,
            SplitPanel::Sync | SplitPanel::SyncEvents => Panel::Sync,
            SplitPanel::History => Panel::History,
            SplitPanel::Mapping => Panel::Mapping,
            SplitPanel::Rules => Panel::Rules,
            SplitPanel::Settings => Panel::Settings,
        }
    }

    /// Fetches the panel's code (once; later calls return at once).
    async fn load(self) -> Result<PanelRenderer, PanelLoadError> {
        match self {
            SplitPanel::Instances => load_instances_panel().await,
            SplitPanel::Sync => load_sync_panel().await,
            SplitPanel::SyncEvents => load_sync_events_page().await,
            SplitPanel::History => load_history_panel().await,
            SplitPanel::Mapping => load_mapping_panel().await,
            SplitPanel::Rules => load_rules_panel().await,
            SplitPanel::Settings => load_settings_panel().await,
        }
    }
}

#[derive(Clone)]
enum Status {
    Loading,
    Ready(PanelRenderer),
    Failed(PanelFailure),
}

/// Shows a split-out panel: a spinner while its code downloads, the panel once it is there,
/// and a message with Retry when the download fails.
#[component]
pub fn LazyPanel(split: SplitPanel, session: Session) -> impl IntoView {
    let panel = split.panel();
    let lang = use_language();
    let services = expect_context::<Services>();
    let login_href = format!("{}/", services.base_url());
    let services = StoredValue::new(services);
    let status = RwSignal::new(Status::Loading);
    let fetch = move || {
        status.set(Status::Loading);
        let services = services.get_value();
        spawn_local(async move {
            status.set(match split.load().await {
                Ok(render) => Status::Ready(render),
                Err(error) => Status::Failed(match services.local_client().system_info().await {
                    Ok(_) => PanelFailure::Files(error),
                    Err(server) => PanelFailure::Server(server),
                }),
            });
        });
    };
    fetch();
    move || match status.get() {
        Status::Loading => view! {
            <Loading label=tr!(lang, lazy.loading, panel = panel_title(lang, panel))/>
        }
        .into_any(),
        Status::Ready(render) => render(session.clone()),
        Status::Failed(failure) => {
            let login_href = login_href.clone();
            view! {
            <div class="page" data-test="panel-load-error">
                <p class="breadcrumb"><a href="#/">"MetaData Sync"</a>" / "{panel_title(lang, panel)}</p>
                <Notice kind=NoticeKind::Error title=tr!(lang, lazy.did_not_load, panel = panel_title(lang, panel))>
                    <p data-test="panel-load-message">{failure.message(lang)}</p>
                    <p class="notice-actions">
                        {failure.needs_login().then(|| view! {
                            <a class="button" href=login_href data-test="panel-load-login">
                                {tr!(lang, app.log_in_again)}
                            </a>
                        })}
                        <button class="button button-primary" data-test="panel-load-retry" on:click=move |_| fetch()>
                            {tr!(lang, lazy.retry)}
                        </button>
                    </p>
                </Notice>
            </div>
            }
            .into_any()
        }
    }
}
