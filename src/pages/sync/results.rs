use leptos::prelude::*;
use mdsync_core::browse::{download_name, raw_response_document};
use mdsync_core::dhis2::ImportStats;
use mdsync_core::sync::report::SyncKind;
use mdsync_core::sync::{SyncError, SyncReport, TargetReport, TargetStatus};

use crate::components::notice::{Notice, NoticeKind};
use crate::pages::sync::download::download_json;

fn status_text(status: TargetStatus) -> (&'static str, &'static str) {
    match status {
        TargetStatus::Success => ("Success", "success"),
        TargetStatus::Warning => ("Warning", "warning"),
        TargetStatus::Error => ("Error", "error"),
        TargetStatus::NetworkError => ("Network error", "network-error"),
        TargetStatus::Cancelled => ("Cancelled", "cancelled"),
    }
}

fn stats_cells(stats: &ImportStats) -> impl IntoView {
    view! {
        <td data-test="sync-type-created">{stats.created}</td>
        <td data-test="sync-type-updated">{stats.updated}</td>
        <td data-test="sync-type-deleted">{stats.deleted}</td>
        <td data-test="sync-type-ignored">{stats.ignored}</td>
    }
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

fn errors_table(errors: Vec<SyncError>) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        let rows = errors
            .into_iter()
            .map(|error| {
                view! {
                    <tr data-test="sync-error-row">
                        <td>{error.object_id.unwrap_or_default()}</td>
                        <td>{error.object_type.unwrap_or_default()}</td>
                        <td>{error.property.unwrap_or_default()}</td>
                        <td>{error.message}</td>
                        <td>{error.code.unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data-table" data-test="sync-errors">
                <thead><tr>
                    <th>"Object"</th><th>"Type"</th><th>"Property"</th><th>"Message"</th><th>"Code"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    })
}

/// In a dry run: per type, what a sync would create and update on this target.
fn dry_run_preview(target: &TargetReport) -> impl IntoView {
    let preview = target.dry_run_preview.clone();
    (!preview.is_empty()).then(|| {
        let rows = preview
            .into_iter()
            .map(|row| {
                let type_name = row.type_name.clone();
                view! {
                    <tr data-test="sync-preview-row" data-type=type_name>
                        <td>{row.type_name}</td>
                        <td data-test="sync-preview-create">{row.would_create}</td>
                        <td data-test="sync-preview-update">{row.would_update}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data-table" data-test="sync-dry-run-preview">
                <thead><tr><th>"Type"</th><th>"Would create"</th><th>"Would update"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    })
}

#[component]
fn TargetResult(target: TargetReport, dry_run: bool, sent: Vec<(String, usize)>) -> impl IntoView {
    let (status_label, status_key) = status_text(target.status);
    let download_error = RwSignal::new(None::<String>);
    let raw = raw_response_document(&target);
    let file = download_name("raw-response", &target.target);
    let has_raw = !target.raw_responses.is_empty();
    let total_sent: usize = sent.iter().map(|(_, count)| count).sum();
    let type_rows = type_rows(&target, &sent)
        .into_iter()
        .map(|(name, sent, stats)| {
            view! {
                <tr data-test="sync-type-stats" data-type=name.clone()>
                    <td>{name.clone()}</td>
                    <td data-test="sync-type-sent">{sent.map(|n| n.to_string()).unwrap_or_default()}</td>
                    {stats_cells(&stats)}
                </tr>
            }
        })
        .collect_view();
    let notes = target
        .notes
        .iter()
        .map(|note| view! { <li>{note.clone()}</li> })
        .collect_view();
    view! {
        <div class=format!("sync-target sync-target-{status_key}") data-test="sync-target" data-status=status_key>
            <h3>
                {target.target.clone()}
                " "
                <span class=format!("sync-status sync-status-{status_key}") data-test="sync-target-status">
                    {status_label}
                </span>
            </h3>
            <p class="field-help">
                {target.base_url.clone()}
                {target.version.clone().map(|v| format!(" — DHIS2 {v}"))}
                {format!(" — {} request(s), {} of {} chunk(s)", target.request_count, target.chunks.len(), target.chunks_planned)}
                {dry_run.then_some(" — dry run: nothing was written")}
            </p>
            <ul class="sync-notes">{notes}</ul>
            {dry_run.then(|| view! {
                <p class="field-help" data-test="sync-dry-run-note">
                    "A dry run only validates; nothing was written. What a sync would create and \
                     update was checked against the destination; every problem it found is listed below."
                </p>
            })}
            {dry_run_preview(&target)}
            <table class="data-table" data-test="sync-stats">
                <thead><tr>
                    <th>"Type"</th><th>"In payload"</th><th>"Created"</th><th>"Updated"</th><th>"Deleted"</th><th>"Ignored"</th>
                </tr></thead>
                <tbody>
                    {type_rows}
                    <tr class="sync-total" data-test="sync-total">
                        <td>"All types"</td>
                        <td>{total_sent}</td>
                        {stats_cells(&target.stats)}
                    </tr>
                </tbody>
            </table>
            {errors_table(target.errors.clone())}
            <div class="toolbar">
                <button
                    class="button button-small"
                    data-test="sync-download-raw"
                    disabled=!has_raw
                    on:click=move |_| download_error.set(download_json(&file, &raw).err())
                >
                    "Download raw response"
                </button>
                {move || download_error.get().map(|e| view! { <span class="field-error">{e}</span> })}
            </div>
        </div>
    }
}

/// The report of a finished run.
#[component]
pub fn RunResults(report: SyncReport, history: Result<String, String>) -> impl IntoView {
    let (overall, overall_key) = status_text(report.overall_status());
    let kind = match (report.kind, report.dry_run) {
        (_, true) => "Dry run",
        (SyncKind::Deleted, false) => "Deletion",
        (_, false) => "Sync",
    };
    let objects: Vec<String> = report
        .objects_by_type
        .iter()
        .map(|(plural, count)| format!("{plural}: {count}"))
        .collect();
    let dry_run = report.dry_run;
    let history_note = match history {
        Ok(id) => view! {
            <p class="field-help" data-test="sync-history-saved">{format!("Saved to the history ({id}).")}</p>
        }
        .into_any(),
        Err(message) => view! {
            <Notice kind=NoticeKind::Warning title="The run could not be saved to the history">
                <p>{message}</p>
            </Notice>
        }
        .into_any(),
    };
    let sent = report.objects_by_type.clone();
    let targets = report
        .targets
        .into_iter()
        .map(|target| view! { <TargetResult target dry_run sent=sent.clone()/> })
        .collect_view();
    view! {
        <section class="sync-section card" data-test="sync-results" data-status=overall_key>
            <h2 class="sync-section-title">
                {format!("{kind} finished: ")}
                <span class=format!("sync-status sync-status-{overall_key}") data-test="sync-overall-status">{overall}</span>
            </h2>
            <p data-test="sync-payload-summary">
                {format!("From {}", report.origin)}
                {report.origin_version.map(|v| format!(" (DHIS2 {v})"))}
                {if objects.is_empty() { ": nothing to send.".to_string() } else { format!(": {}.", objects.join(", ")) }}
            </p>
            {errors_table(report.errors)}
            {targets}
            {history_note}
        </section>
    }
}
