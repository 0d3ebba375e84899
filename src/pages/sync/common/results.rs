//! Pieces of a run's report shared by the Sync pages' results and History: the import figures
//! of a row, the note on the history entry, and the download of the raw server answers.

use leptos::prelude::*;
use mdsync_core::browse::{download_name, raw_response_document};
use mdsync_core::dhis2::ImportStats;
use mdsync_core::sync::TargetReport;

use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::Language;
use crate::pages::sync::download::download_json;
use crate::tr;

/// The order of the figures' columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsOrder {
    /// Created, updated, deleted, ignored (metadata, History).
    DeletedThenIgnored,
    /// Created, updated, ignored, deleted (events).
    IgnoredThenDeleted,
}

/// The import figures of a row, each cell `<prefix>-created`, `<prefix>-updated`, …
pub fn stats_cells(
    lang: Language,
    stats: &ImportStats,
    prefix: &'static str,
    order: StatsOrder,
) -> impl IntoView {
    let cell = move |what: &str, value: u64| {
        view! { <td data-test=format!("{prefix}-{what}")>{lang.number(value as f64)}</td> }
    };
    let (deleted, ignored) = (
        cell("deleted", stats.deleted),
        cell("ignored", stats.ignored),
    );
    let (third, fourth) = match order {
        StatsOrder::DeletedThenIgnored => (deleted, ignored),
        StatsOrder::IgnoredThenDeleted => (ignored, deleted),
    };
    view! {
        {cell("created", stats.created)}
        {cell("updated", stats.updated)}
        {third}
        {fourth}
    }
}

/// The headings of [`stats_cells`], in the same order.
pub fn stats_headers(lang: Language, order: StatsOrder) -> impl IntoView {
    let (deleted, ignored) = (
        tr!(lang, sync.results.deleted),
        tr!(lang, sync.results.ignored),
    );
    let (third, fourth) = match order {
        StatsOrder::DeletedThenIgnored => (deleted, ignored),
        StatsOrder::IgnoredThenDeleted => (ignored, deleted),
    };
    view! {
        <th>{tr!(lang, sync.results.created)}</th>
        <th>{tr!(lang, sync.results.updated)}</th>
        <th>{third}</th>
        <th>{fourth}</th>
    }
}

/// Where the run's history entry went: its id, or why it could not be written.
pub fn history_note(
    lang: Language,
    history: Result<String, String>,
    data_test: &'static str,
) -> AnyView {
    match history {
        Ok(id) => view! {
            <p class="field-help" data-test=data_test>{tr!(lang, sync.results.history_saved, id = id)}</p>
        }
        .into_any(),
        Err(message) => view! {
            <Notice kind=NoticeKind::Warning title=tr!(lang, sync.results.history_failed)>
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
    }
}

/// "Download raw answers" of a destination (disabled when there are none), with what went
/// wrong when the browser refused the file.
pub fn raw_download(
    lang: Language,
    target: &TargetReport,
    data_test: &'static str,
) -> impl IntoView {
    let raw = raw_response_document(target);
    let file = download_name("raw-response", &target.target);
    let has_raw = !target.raw_responses.is_empty();
    let download_error = RwSignal::new(None::<String>);
    view! {
        <div class="toolbar">
            <button class="button button-small" data-test=data_test disabled=!has_raw
                on:click=move |_| download_error.set(download_json(&file, &raw).err())>
                {tr!(lang, sync.results.download_raw)}
            </button>
            {move || download_error.get().map(|e| view! { <span class="field-error">{e}</span> })}
        </div>
    }
}
