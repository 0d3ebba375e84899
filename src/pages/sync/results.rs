use leptos::prelude::*;
use mdsync_core::dhis2::ImportStats;
use mdsync_core::sync::report::SyncKind;
use mdsync_core::sync::{SyncError, SyncReport, TargetReport};

use crate::l10n::messages::{
    named_instance, report_note, sync_error_message, target_status, type_label,
};
use crate::l10n::{use_language, Language};
use crate::pages::sync::common::results::{self as common, history_note, raw_download, StatsOrder};
use crate::{counted, tr};

fn stats_cells(lang: Language, stats: &ImportStats) -> impl IntoView {
    common::stats_cells(lang, stats, "sync-type", StatsOrder::DeletedThenIgnored)
}

/// One row per type that was in the payload or in the server's answer.
fn type_rows(
    target: &TargetReport,
    sent: &[(String, usize)],
) -> Vec<(String, Option<usize>, ImportStats)> {
    let mut rows: Vec<(String, Option<usize>, ImportStats)> = sent
        .iter()
        .map(|(plural, count)| (plural.clone(), Some(*count), ImportStats::default()))
        .collect();
    for type_stats in &target.type_stats {
        match rows
            .iter_mut()
            .find(|(name, _, _)| *name == type_stats.type_name)
        {
            Some(row) => row.2 = type_stats.stats,
            None => rows.push((type_stats.type_name.clone(), None, type_stats.stats)),
        }
    }
    rows
}

fn errors_table(lang: Language, errors: Vec<SyncError>) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        let rows = errors
            .into_iter()
            .map(|error| {
                let message = sync_error_message(lang, &error);
                view! {
                    <tr data-test="sync-error-row">
                        <td>{error.object_id.unwrap_or_default()}</td>
                        <td>{error.object_type.map(|t| type_label(lang, &t)).unwrap_or_default()}</td>
                        <td>{error.property.unwrap_or_default()}</td>
                        <td>{message}</td>
                        <td>{error.code.unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data-table" data-test="sync-errors">
                <thead><tr>
                    <th>{tr!(lang, sync.results.object)}</th>
                    <th>{tr!(lang, sync.results.type_column)}</th>
                    <th>{tr!(lang, sync.results.property)}</th>
                    <th>{tr!(lang, sync.results.message)}</th>
                    <th>{tr!(lang, sync.results.code)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    })
}

/// In a dry run: per type, what a sync would create and update on this target.
fn dry_run_preview(lang: Language, target: &TargetReport) -> impl IntoView {
    let preview = target.dry_run_preview.clone();
    (!preview.is_empty()).then(|| {
        let rows = preview
            .into_iter()
            .map(|row| {
                let type_name = row.type_name.clone();
                view! {
                    <tr data-test="sync-preview-row" data-type=type_name>
                        <td>{type_label(lang, &row.type_name)}</td>
                        <td data-test="sync-preview-create">{lang.number(row.would_create as f64)}</td>
                        <td data-test="sync-preview-update">{lang.number(row.would_update as f64)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data-table" data-test="sync-dry-run-preview">
                <thead><tr>
                    <th>{tr!(lang, sync.results.type_column)}</th>
                    <th>{tr!(lang, sync.results.would_create)}</th>
                    <th>{tr!(lang, sync.results.would_update)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    })
}

#[component]
fn TargetResult(target: TargetReport, dry_run: bool, sent: Vec<(String, usize)>) -> impl IntoView {
    let lang = use_language();
    let (status_label, status_key) = target_status(lang, target.status);
    let total_sent: usize = sent.iter().map(|(_, count)| count).sum();
    let type_rows = type_rows(&target, &sent)
        .into_iter()
        .map(|(name, sent, stats)| {
            view! {
                <tr data-test="sync-type-stats" data-type=name.clone()>
                    <td>{type_label(lang, &name)}</td>
                    <td data-test="sync-type-sent">{sent.map(|n| lang.number(n as f64)).unwrap_or_default()}</td>
                    {stats_cells(lang, &stats)}
                </tr>
            }
        })
        .collect_view();
    let notes = target
        .notes
        .iter()
        .map(|note| view! { <li data-test="sync-note">{report_note(lang, note)}</li> })
        .collect_view();
    view! {
        <div class=format!("sync-target sync-target-{status_key}") data-test="sync-target" data-status=status_key>
            <h3>
                {named_instance(lang, &target.target)}
                " "
                <span class=format!("sync-status sync-status-{status_key}") data-test="sync-target-status">
                    {status_label}
                </span>
            </h3>
            <p class="field-help">
                {target.base_url.clone()}
                {target.version.clone().map(|v| format!(" — DHIS2 {v}"))}
                " — "{counted!(lang, sync.results.requests, target.request_count)}
                ", "{tr!(
                    lang,
                    sync.results.chunks_of,
                    done = lang.number(target.chunks.len() as f64),
                    chunks = counted!(lang, sync.results.chunks, target.chunks_planned)
                )}
                {dry_run.then(|| format!(" — {}", tr!(lang, sync.results.dry_run_nothing_written)))}
            </p>
            <ul class="sync-notes">{notes}</ul>
            {dry_run.then(|| view! {
                <p class="field-help" data-test="sync-dry-run-note">
                    {tr!(lang, sync.results.dry_run_note)}
                </p>
            })}
            {dry_run_preview(lang, &target)}
            <table class="data-table" data-test="sync-stats">
                <thead><tr>
                    <th>{tr!(lang, sync.results.type_column)}</th>
                    <th>{tr!(lang, sync.results.in_payload)}</th>
                    {common::stats_headers(lang, StatsOrder::DeletedThenIgnored)}
                </tr></thead>
                <tbody>
                    {type_rows}
                    <tr class="sync-total" data-test="sync-total">
                        <td>{tr!(lang, sync.results.all_types)}</td>
                        <td>{lang.number(total_sent as f64)}</td>
                        {stats_cells(lang, &target.stats)}
                    </tr>
                </tbody>
            </table>
            {errors_table(lang, target.errors.clone())}
            {raw_download(lang, &target, "sync-download-raw")}
        </div>
    }
}

/// The report of a finished run.
#[component]
pub fn RunResults(report: SyncReport, history: Result<String, String>) -> impl IntoView {
    let lang = use_language();
    let (overall, overall_key) = target_status(lang, report.overall_status());
    let finished = match (report.kind, report.dry_run) {
        (_, true) => tr!(lang, sync.results.dry_run_finished),
        (SyncKind::Deleted, false) => tr!(lang, sync.results.deletion_finished),
        (_, false) => tr!(lang, sync.results.sync_finished),
    };
    let objects: Vec<String> = report
        .objects_by_type
        .iter()
        .map(|(plural, count)| {
            format!(
                "{}: {}",
                type_label(lang, plural),
                lang.number(*count as f64)
            )
        })
        .collect();
    let dry_run = report.dry_run;
    let history_note = history_note(lang, history, "sync-history-saved");
    let sent = report.objects_by_type.clone();
    let targets = report
        .targets
        .into_iter()
        .map(|target| view! { <TargetResult target dry_run sent=sent.clone()/> })
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
                {if objects.is_empty() {
                    format!(": {}", tr!(lang, sync.results.nothing_to_send))
                } else {
                    format!(": {}.", objects.join(", "))
                }}
            </p>
            {errors_table(lang, report.errors)}
            {targets}
            {history_note}
        </section>
    }
}
