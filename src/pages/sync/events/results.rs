use leptos::prelude::*;
use mdsync_core::browse::download_name;
use mdsync_core::dhis2::ImportStats;
use mdsync_core::sync::events::EventsRunDetails;
use mdsync_core::sync::{errors_csv, search_errors, SyncError, SyncReport, TargetReport};

use super::messages::object_label;
use crate::components::data_table::{Column, DataTable};
use crate::l10n::messages::{
    events_note, named_instance, report_note, sync_error_message, target_status,
};
use crate::l10n::{use_language, Language};
use crate::pages::sync::common::results::{self as common, history_note, raw_download, StatsOrder};
use crate::pages::sync::download::download_text;
use crate::table_model::TableRow;
use crate::{counted, tr};

fn stats_cells(lang: Language, stats: &ImportStats) -> impl IntoView {
    common::stats_cells(lang, stats, "events", StatsOrder::IgnoredThenDeleted)
}

/// Every validation error of a destination: searchable, sortable, paged, and as CSV.
#[component]
fn ValidationErrors(target: String, errors: Vec<SyncError>) -> impl IntoView {
    let lang = use_language();
    let show = move |error: &SyncError| {
        (
            error
                .object_type
                .as_deref()
                .map(|t| object_label(lang, t))
                .unwrap_or_default(),
            sync_error_message(lang, error),
        )
    };
    let rows: Vec<TableRow> = search_errors(&errors, "", show)
        .into_iter()
        .enumerate()
        .map(|(index, shown)| TableRow {
            id: index.to_string(),
            cells: vec![
                shown.error.object_id.clone().unwrap_or_default(),
                shown.type_label,
                shown.error.code.clone().unwrap_or_default(),
                shown.message,
            ],
            pinned: false,
        })
        .collect();
    let csv = errors_csv(&search_errors(&errors, "", show));
    let file = download_name("errors", &target).replace(".json", ".csv");
    let download_error = RwSignal::new(None::<String>);
    let columns = vec![
        Column::new("object", tr!(lang, sync.results.object)),
        Column::new("type", tr!(lang, sync.results.type_column)),
        Column::new("code", tr!(lang, sync.results.code)),
        Column::new("message", tr!(lang, sync.results.message)),
    ];
    view! {
        <div class="events-errors" data-test="events-errors">
            <h4>{counted!(lang, events.results.errors, errors.len())}</h4>
            <DataTable columns rows=Signal::stored(rows) page_size=10 search_placeholder=tr!(lang, events.results.search_errors)/>
            <div class="toolbar">
                <button class="button button-small" data-test="events-errors-csv"
                    on:click=move |_| download_error.set(download_text(&file, &csv, "text/csv").err())>
                    {tr!(lang, events.results.download_csv)}
                </button>
                {move || download_error.get().map(|e| view! { <span class="field-error">{e}</span> })}
            </div>
        </div>
    }
}

#[component]
fn TargetResult(target: TargetReport, dry_run: bool) -> impl IntoView {
    let lang = use_language();
    let (status_label, status_key) = target_status(lang, target.status);
    let rows = target
        .type_stats
        .iter()
        .map(|row| {
            view! {
                <tr data-test="events-type-stats" data-type=row.type_name.clone()>
                    <td>{object_label(lang, &row.type_name)}</td>
                    {stats_cells(lang, &row.stats)}
                </tr>
            }
        })
        .collect_view();
    let notes = target
        .notes
        .iter()
        .map(|note| view! { <li data-test="sync-note">{report_note(lang, note)}</li> })
        .collect_view();
    let errors = (!target.errors.is_empty()).then(|| {
        view! { <ValidationErrors target=target.target.clone() errors=target.errors.clone()/> }
    });
    view! {
        <div class=format!("sync-target sync-target-{status_key}") data-test="sync-target" data-status=status_key>
            <h3>
                {named_instance(lang, &target.target)}" "
                <span class=format!("sync-status sync-status-{status_key}") data-test="sync-target-status">{status_label}</span>
            </h3>
            <p class="field-help">
                {target.base_url.clone()}
                {target.version.clone().map(|v| format!(" — DHIS2 {v}"))}
                " — "{counted!(lang, sync.results.requests, target.request_count)}
                {dry_run.then(|| format!(" — {}", tr!(lang, sync.results.dry_run_nothing_written)))}
            </p>
            <ul class="sync-notes">{notes}</ul>
            <table class="data-table" data-test="events-counts">
                <thead><tr>
                    <th>{tr!(lang, sync.results.type_column)}</th>
                    {common::stats_headers(lang, StatsOrder::IgnoredThenDeleted)}
                </tr></thead>
                <tbody>
                    {rows}
                    <tr class="sync-total" data-test="events-total">
                        <td>{tr!(lang, sync.results.all_types)}</td>
                        {stats_cells(lang, &target.stats)}
                    </tr>
                </tbody>
            </table>
            {errors}
            {raw_download(lang, &target, "sync-download-raw")}
        </div>
    }
}

/// What was read, per program, and the run's notes.
fn read_summary(lang: Language, details: EventsRunDetails) -> impl IntoView {
    let n = move |value: u64| lang.number(value as f64);
    let programs = details
        .programs
        .iter()
        .map(|p| {
            view! {
                <tr data-test="events-program-stats" data-id=p.program.clone()>
                    <td>{p.name.clone().unwrap_or_else(|| p.program.clone())}</td>
                    <td>{n(p.tracked_entities)}</td>
                    <td>{n(p.enrollments)}</td>
                    <td>{n(p.events)}</td>
                    <td>{n(p.relationships)}</td>
                </tr>
            }
        })
        .collect_view();
    let notes = details
        .notes
        .iter()
        .map(|note| view! { <li data-test="events-note">{events_note(lang, note)}</li> })
        .collect_view();
    view! {
        <p data-test="events-read-summary">
            {tr!(
                lang,
                events.progress,
                entities = counted!(lang, events.entities_read, details.entities_read),
                pages = counted!(lang, events.pages, details.pages_read)
            )}
        </p>
        <table class="data-table" data-test="events-programs-read">
            <thead><tr>
                <th>{tr!(lang, events.columns.program)}</th>
                <th>{tr!(lang, events.objects.tracked_entities)}</th>
                <th>{tr!(lang, events.objects.enrollments)}</th>
                <th>{tr!(lang, events.objects.events)}</th>
                <th>{tr!(lang, events.objects.relationships)}</th>
            </tr></thead>
            <tbody>{programs}</tbody>
        </table>
        <ul class="sync-notes">{notes}</ul>
    }
}

/// The report of a finished run, per destination.
#[component]
pub fn EventsResults(report: SyncReport, history: Result<String, String>) -> impl IntoView {
    let lang = use_language();
    let (overall, overall_key) = target_status(lang, report.overall_status());
    let dry_run = report.dry_run;
    let finished = if dry_run {
        tr!(lang, sync.results.dry_run_finished)
    } else {
        tr!(lang, sync.results.sync_finished)
    };
    let history_note = history_note(lang, history, "sync-history-saved");
    let run_errors = report
        .errors
        .iter()
        .map(|error| view! { <li data-test="events-run-problem">{sync_error_message(lang, error)}</li> })
        .collect_view();
    let targets = report
        .targets
        .into_iter()
        .map(|target| view! { <TargetResult target dry_run/> })
        .collect_view();
    view! {
        <section class="sync-section card" data-test="sync-results" data-status=overall_key>
            <h2 class="sync-section-title">
                {finished}" "
                <span class=format!("sync-status sync-status-{overall_key}") data-test="sync-overall-status">{overall}</span>
            </h2>
            <p data-test="sync-payload-summary">
                {tr!(lang, sync.results.from, origin = named_instance(lang, &report.origin))}
                {report.origin_version.map(|v| format!(" (DHIS2 {v})"))}
            </p>
            {report.events.map(|details| read_summary(lang, details))}
            <ul class="field-error">{run_errors}</ul>
            {targets}
            {history_note}
        </section>
    }
}
