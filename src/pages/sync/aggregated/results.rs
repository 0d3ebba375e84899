use leptos::prelude::*;
use mdsync_core::browse::download_name;
use mdsync_core::sync::aggregated::{conflicts_csv, AggregatedTargetDetails, ConflictRow};
use mdsync_core::sync::{ReportNote, SyncReport, TargetReport};

use crate::components::data_table::{Column, DataTable};
use crate::l10n::messages::aggregated_note;
use crate::l10n::messages::{named_instance, report_note, sync_error_message, target_status};
use crate::l10n::{use_language, Language};
use crate::pages::sync::common::results::{history_note, raw_download};
use crate::pages::sync::download::download_text;
use crate::table_model::TableRow;
use crate::{counted, tr};

fn conflict_rows(rows: &[ConflictRow]) -> Vec<TableRow> {
    rows.iter()
        .enumerate()
        .map(|(index, row)| TableRow {
            id: index.to_string(),
            cells: vec![
                row.data_element
                    .clone()
                    .or_else(|| row.object.clone())
                    .unwrap_or_default(),
                row.period.clone().unwrap_or_default(),
                row.org_unit.clone().unwrap_or_default(),
                row.category_option_combo.clone().unwrap_or_default(),
                row.value.clone().unwrap_or_default(),
                row.message.clone(),
                row.code.clone().unwrap_or_default(),
            ],
            pinned: false,
        })
        .collect()
}

/// The refused values: a table with search, sort and pages, and a CSV of all of them.
#[component]
fn ConflictsTable(target: String, conflicts: Vec<ConflictRow>, left_out: usize) -> impl IntoView {
    let lang = use_language();
    let download_error = RwSignal::new(None::<String>);
    let csv = conflicts_csv(&conflicts);
    let file = format!(
        "{}.csv",
        download_name("conflicts", &target).trim_end_matches(".json")
    );
    let columns = vec![
        Column::new("dataElement", tr!(lang, aggregated.results.data_element)),
        Column::new("period", tr!(lang, aggregated.results.period)),
        Column::new("orgUnit", tr!(lang, aggregated.results.org_unit)),
        Column::new(
            "categoryOptionCombo",
            tr!(lang, aggregated.results.category_option_combo),
        ),
        Column::new("value", tr!(lang, aggregated.results.value)),
        Column::new("message", tr!(lang, sync.results.message)),
        Column::new("code", tr!(lang, sync.results.code)),
    ];
    let rows = Signal::stored(conflict_rows(&conflicts));
    view! {
        <div class="aggregated-conflicts" data-test="aggregated-conflicts">
            <h4>{counted!(lang, aggregated.results.conflicts, conflicts.len() + left_out)}</h4>
            <DataTable columns rows page_size=10 search_placeholder=tr!(lang, aggregated.results.search_conflicts)/>
            <div class="toolbar">
                <button class="button button-small" data-test="aggregated-download-conflicts"
                    on:click=move |_| download_error.set(download_text(&file, &csv, "text/csv").err())>
                    {tr!(lang, aggregated.results.download_csv)}
                </button>
                {move || download_error.get().map(|e| view! { <span class="field-error">{e}</span> })}
            </div>
        </div>
    }
}

fn counts_table(
    lang: Language,
    target: &TargetReport,
    details: &AggregatedTargetDetails,
) -> impl IntoView {
    let cell = |value: u64| lang.number(value as f64);
    view! {
        <table class="data-table" data-test="aggregated-counts">
            <thead><tr>
                <th>{tr!(lang, aggregated.results.values_sent)}</th>
                <th>{tr!(lang, aggregated.results.imported)}</th>
                <th>{tr!(lang, sync.results.updated)}</th>
                <th>{tr!(lang, sync.results.ignored)}</th>
                <th>{tr!(lang, sync.results.deleted)}</th>
            </tr></thead>
            <tbody><tr>
                <td data-test="aggregated-values-sent">{cell(details.values_sent)}</td>
                <td data-test="aggregated-imported">{cell(target.stats.created)}</td>
                <td data-test="aggregated-updated">{cell(target.stats.updated)}</td>
                <td data-test="aggregated-ignored">{cell(target.stats.ignored)}</td>
                <td data-test="aggregated-deleted">{cell(target.stats.deleted)}</td>
            </tr></tbody>
        </table>
    }
}

#[component]
fn TargetResult(target: TargetReport) -> impl IntoView {
    let lang = use_language();
    let (status_label, status_key) = target_status(lang, target.status);
    let details = target.aggregated.clone().unwrap_or_default();
    // The report's notes repeat the aggregated ones (`ReportNote::Aggregated`): said once.
    let notes = details
        .notes
        .iter()
        .map(|note| aggregated_note(lang, note))
        .chain(
            target
                .notes
                .iter()
                .filter(|n| !matches!(n, ReportNote::Aggregated { .. }))
                .map(|n| report_note(lang, n)),
        )
        .map(|note| view! { <li>{note}</li> })
        .collect_view();
    let errors = target
        .errors
        .iter()
        .map(|error| view! { <li class="field-error" data-test="aggregated-target-error">{sync_error_message(lang, error)}</li> })
        .collect_view();
    let summary = tr!(
        lang,
        aggregated.results.summary,
        slices = lang.number(details.slices_written() as f64),
        total = lang.number(details.slices_total as f64),
        bytes = lang.number(details.bytes_sent as f64),
        requests = counted!(lang, sync.results.requests, target.request_count)
    );
    view! {
        <div class=format!("sync-target sync-target-{status_key}") data-test="aggregated-target" data-status=status_key>
            <h3>
                {named_instance(lang, &target.target)}" "
                <span class=format!("sync-status sync-status-{status_key}") data-test="aggregated-target-status">{status_label}</span>
            </h3>
            <p class="field-help">
                {target.base_url.clone()}
                {target.version.clone().map(|v| format!(" — DHIS2 {v}"))}
                " — "{summary}
            </p>
            {counts_table(lang, &target, &details)}
            <ul class="sync-notes" data-test="aggregated-notes">{notes}{errors}</ul>
            {(!details.conflicts.is_empty() || details.conflicts_left_out > 0).then(|| view! {
                <ConflictsTable target=target.target.clone() conflicts=details.conflicts.clone() left_out=details.conflicts_left_out/>
            })}
            {raw_download(lang, &target, "aggregated-download-raw")}
        </div>
    }
}

/// The report of a finished run: the period and slices read, then one block per destination.
#[component]
pub fn AggregatedResults(report: SyncReport, history: Result<String, String>) -> impl IntoView {
    let lang = use_language();
    let (overall, overall_key) = target_status(lang, report.overall_status());
    let finished = if report.dry_run {
        tr!(lang, sync.results.dry_run_finished)
    } else {
        tr!(lang, sync.results.sync_finished)
    };
    let run = report.aggregated.clone();
    let period = run.as_ref().and_then(|r| r.period.clone()).map(|p| {
        tr!(
            lang,
            aggregated.results.period_read,
            start = lang.date(&p.start.to_string()),
            end = lang.date(&p.end.to_string())
        )
    });
    let read = run.as_ref().map(|r| {
        tr!(
            lang,
            aggregated.results.read,
            slices = lang.number(r.slices_read as f64),
            total = lang.number(r.slices_total as f64),
            values = counted!(lang, aggregated.values, r.stats.values_read)
        )
    });
    let run_notes = run
        .map(|r| r.notes)
        .unwrap_or_default()
        .iter()
        .map(|note| view! { <li>{aggregated_note(lang, note)}</li> })
        .collect_view();
    let errors = report
        .errors
        .iter()
        .map(|error| view! { <li class="field-error" data-test="aggregated-run-problem">{sync_error_message(lang, error)}</li> })
        .collect_view();
    let history_note = history_note(lang, history, "aggregated-history-saved");
    let targets = report
        .targets
        .into_iter()
        .map(|target| view! { <TargetResult target/> })
        .collect_view();
    view! {
        <section class="sync-section card" data-test="aggregated-results" data-status=overall_key>
            <h2 class="sync-section-title">
                {finished}" "
                <span class=format!("sync-status sync-status-{overall_key}") data-test="aggregated-overall-status">{overall}</span>
            </h2>
            <p data-test="aggregated-summary">
                {tr!(lang, sync.results.from, origin = named_instance(lang, &report.origin))}
                {report.origin_version.map(|v| format!(" (DHIS2 {v})"))}
                {period.map(|p| format!(" — {p}"))}
                {read.map(|r| format!(" — {r}"))}
            </p>
            {report.dry_run.then(|| view! {
                <p class="field-help" data-test="aggregated-dry-run-note">{tr!(lang, aggregated.results.dry_run_note)}</p>
            })}
            <ul class="sync-notes">{run_notes}{errors}</ul>
            {targets}
            {history_note}
        </section>
    }
}
