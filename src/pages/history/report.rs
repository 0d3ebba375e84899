//! One run's report in full, per destination: status, figures per type, notes, the errors
//! (searchable, downloadable as CSV) and the raw server answers.

use leptos::prelude::*;
use mdsync_core::browse::{download_name, raw_response_document};
use mdsync_core::dhis2::ImportStats;
use mdsync_core::sync::{errors_csv, search_errors, SyncError, SyncReport, TargetReport};

use crate::l10n::messages::{
    named_instance, report_note, sync_error_message, target_status, type_label,
};
use crate::l10n::{use_language, Language};
use crate::pages::sync::common::results::{self as common, StatsOrder};
use crate::pages::sync::download::download_text;
use crate::{counted, tr};

fn stats_cells(lang: Language, stats: &ImportStats) -> impl IntoView {
    common::stats_cells(lang, stats, "history-type", StatsOrder::DeletedThenIgnored)
}

/// The errors with a search box and a CSV download of what the search keeps.
#[component]
pub fn ErrorsTable(errors: Vec<SyncError>, #[prop(into)] file_label: String) -> impl IntoView {
    let lang = use_language();
    if errors.is_empty() {
        return ().into_any();
    }
    let errors = StoredValue::new(errors);
    let search = RwSignal::new(String::new());
    let download_problem = RwSignal::new(None::<String>);
    // Searched and downloaded as the reader sees them: type and message in the reader's language.
    let show = move |error: &SyncError| {
        (
            error
                .object_type
                .as_deref()
                .map(|t| type_label(lang, t))
                .unwrap_or_default(),
            sync_error_message(lang, error),
        )
    };
    let rows = move || {
        errors.with_value(|errors| {
            search.with(|needle| {
                search_errors(errors, needle, show)
                    .into_iter()
                    .map(|shown| {
                        let error = shown.error;
                        view! {
                            <tr data-test="history-error-row">
                                <td>{error.object_id.clone().unwrap_or_default()}</td>
                                <td>{shown.type_label}</td>
                                <td>{error.property.clone().unwrap_or_default()}</td>
                                <td>{shown.message}</td>
                                <td>{error.code.clone().unwrap_or_default()}</td>
                            </tr>
                        }
                    })
                    .collect_view()
            })
        })
    };
    let shown =
        move || errors.with_value(|errors| search.with(|n| search_errors(errors, n, show).len()));
    let download = move |_| {
        let csv = errors
            .with_value(|errors| search.with(|n| errors_csv(&search_errors(errors, n, show))));
        let name = download_name("errors", &file_label).replace(".json", ".csv");
        download_problem.set(download_text(&name, &csv, "text/csv").err());
    };
    view! {
        <div class="history-errors" data-test="history-errors">
            <div class="toolbar">
                <input class="input" type="search" data-test="history-errors-search"
                    placeholder=tr!(lang, history.details.search_errors)
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))/>
                <span class="field-help" data-test="history-errors-count">
                    {move || counted!(lang, history.details.errors, shown())}
                </span>
                <button class="button button-small" data-test="history-errors-csv" on:click=download>
                    {tr!(lang, history.details.download_csv)}
                </button>
                {move || download_problem.get().map(|p| view! { <span class="field-error">{p}</span> })}
            </div>
            <table class="data-table">
                <thead><tr>
                    <th>{tr!(lang, sync.results.object)}</th>
                    <th>{tr!(lang, sync.results.type_column)}</th>
                    <th>{tr!(lang, sync.results.property)}</th>
                    <th>{tr!(lang, sync.results.message)}</th>
                    <th>{tr!(lang, sync.results.code)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn TargetDetails(target: TargetReport, dry_run: bool) -> impl IntoView {
    let lang = use_language();
    let (status, status_key) = target_status(lang, target.status);
    let raw = raw_response_document(&target);
    let raw_file = download_name("raw-response", &target.target);
    let has_raw = !target.raw_responses.is_empty();
    let download_problem = RwSignal::new(None::<String>);
    let type_rows = target
        .type_stats
        .iter()
        .map(|row| {
            view! {
                <tr data-test="history-type-stats" data-type=row.type_name.clone()>
                    <td>{type_label(lang, &row.type_name)}</td>
                    {stats_cells(lang, &row.stats)}
                </tr>
            }
        })
        .collect_view();
    let notes = target
        .notes
        .iter()
        .map(|note| view! { <li>{report_note(lang, note)}</li> })
        .collect_view();
    let shown_raw = raw.clone();
    view! {
        <div class=format!("sync-target sync-target-{status_key}") data-test="history-target" data-status=status_key>
            <h3>
                {named_instance(lang, &target.target)}" "
                <span class=format!("sync-status sync-status-{status_key}") data-test="history-target-status">{status}</span>
            </h3>
            <p class="field-help">
                {target.base_url.clone()}
                {target.version.clone().map(|v| format!(" — DHIS2 {v}"))}
                " — "{counted!(lang, sync.results.requests, target.request_count)}
                {(target.retries > 0).then(|| format!(", {}", counted!(lang, history.details.retries, target.retries)))}
                {dry_run.then(|| format!(" — {}", tr!(lang, sync.results.dry_run_nothing_written)))}
            </p>
            <ul class="sync-notes" data-test="history-notes">{notes}</ul>
            <table class="data-table" data-test="history-stats">
                <thead><tr>
                    <th>{tr!(lang, sync.results.type_column)}</th>
                    {common::stats_headers(lang, StatsOrder::DeletedThenIgnored)}
                </tr></thead>
                <tbody>
                    {type_rows}
                    <tr class="sync-total" data-test="history-total">
                        <td>{tr!(lang, sync.results.all_types)}</td>
                        {stats_cells(lang, &target.stats)}
                    </tr>
                </tbody>
            </table>
            <ErrorsTable errors=target.errors.clone() file_label=target.target.clone()/>
            <details class="history-raw" data-test="history-raw">
                <summary>{tr!(lang, history.details.raw_response)}</summary>
                {if has_raw {
                    view! { <pre data-test="history-raw-text">{shown_raw}</pre> }.into_any()
                } else {
                    view! { <p class="field-help">{tr!(lang, history.details.no_raw)}</p> }.into_any()
                }}
            </details>
            <div class="toolbar">
                <button class="button button-small" data-test="history-download-raw" disabled=!has_raw
                    on:click=move |_| download_problem.set(download_text(&raw_file, &raw, "application/json").err())>
                    {tr!(lang, sync.results.download_raw)}
                </button>
                {move || download_problem.get().map(|p| view! { <span class="field-error">{p}</span> })}
            </div>
        </div>
    }
}

/// A report: the run's own errors, then each destination.
#[component]
pub fn ReportView(report: SyncReport) -> impl IntoView {
    let dry_run = report.dry_run;
    let origin = report.origin.clone();
    let targets = report
        .targets
        .into_iter()
        .map(|target| view! { <TargetDetails target dry_run/> })
        .collect_view();
    view! {
        <ErrorsTable errors=report.errors file_label=origin/>
        {targets}
    }
}
