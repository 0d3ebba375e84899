//! `#/history/<id>`: one run in full.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::sync::{read_history_entry, HistoryEntry};

use super::context::HistoryContext;
use super::list::kind_label;
use super::report::ReportView;
use crate::components::loading::Loading;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::messages::{named_instance, storage_error, target_status, type_label};
use crate::l10n::{use_language, Language};
use crate::tr;

#[derive(Clone)]
enum Entry {
    Loading,
    Ready(Box<HistoryEntry>),
    Missing,
    Failed(String),
}

fn fact(label: String, value: String, test: &'static str) -> impl IntoView {
    view! {
        <dt>{label}</dt>
        <dd data-test=test>{value}</dd>
    }
}

fn summary(lang: Language, entry: &HistoryEntry) -> impl IntoView {
    let summary = &entry.summary;
    let report = &entry.report;
    let (status, status_key) = target_status(lang, summary.status);
    let status_text = status.clone();
    let objects = report
        .objects_by_type
        .iter()
        .map(|(plural, count)| {
            format!(
                "{}: {}",
                type_label(lang, plural),
                lang.number(*count as f64)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let origin = match &report.origin_version {
        Some(version) => format!(
            "{} (DHIS2 {version})",
            named_instance(lang, &summary.origin)
        ),
        None => named_instance(lang, &summary.origin),
    };
    let rule_name = entry
        .parameters
        .as_ref()
        .and_then(|parameters| parameters.rule_name.clone());
    let rule = match (&summary.rule_id, rule_name) {
        (Some(id), Some(name)) => format!("{name} ({id})"),
        (Some(id), None) => id.clone(),
        (None, _) => tr!(lang, history.details.manual),
    };
    let parameters = entry
        .parameters
        .as_ref()
        .and_then(|parameters| serde_json::to_string_pretty(&parameters.job).ok());
    let mut kind = kind_label(lang, summary.kind);
    if summary.dry_run {
        kind.push_str(&format!(" ({})", tr!(lang, history.list.dry_run)));
    }
    view! {
        <dl class="history-facts" data-test="history-facts">
            {fact(tr!(lang, history.columns.date), lang.date(&summary.date), "history-fact-date")}
            {fact(tr!(lang, history.columns.kind), kind, "history-fact-kind")}
            {fact(tr!(lang, history.columns.status), status, "history-fact-status")}
            {fact(tr!(lang, history.columns.origin), origin, "history-fact-origin")}
            {fact(
                tr!(lang, history.columns.user),
                summary.user.clone().unwrap_or_else(|| tr!(lang, history.list.no_user)),
                "history-fact-user",
            )}
            {fact(tr!(lang, history.columns.rule), rule, "history-fact-rule")}
            {fact(
                tr!(lang, history.details.objects),
                if objects.is_empty() { tr!(lang, sync.results.nothing_to_send) } else { objects },
                "history-fact-objects",
            )}
            {(report.resumed > 0).then(|| fact(
                tr!(lang, history.details.resumed),
                lang.number(f64::from(report.resumed)),
                "history-fact-resumed",
            ))}
        </dl>
        {parameters.map(|text| view! {
            <details class="history-raw" data-test="history-parameters">
                <summary>{tr!(lang, history.details.parameters)}</summary>
                <pre>{text}</pre>
            </details>
        })}
        <p>
            <span class=format!("sync-status sync-status-{status_key}") data-test="history-entry-status">{status_text}</span>
        </p>
    }
}

#[component]
pub fn HistoryDetails(context: HistoryContext, id: String) -> impl IntoView {
    let lang = use_language();
    let entry = RwSignal::new(Entry::Loading);
    {
        let id = id.clone();
        spawn_local(async move {
            entry.set(
                match read_history_entry(&context.storage(), &context.actor, &id).await {
                    Ok(Some(found)) => Entry::Ready(Box::new(found)),
                    Ok(None) => Entry::Missing,
                    Err(error) => Entry::Failed(storage_error(lang, &error)),
                },
            );
        });
    }
    view! {
        <div class="page" data-test="history-details-page">
            <p class="breadcrumb">
                <a href="#/">"MetaData Sync"</a>" / "
                <a href="#/history" data-test="history-back">{tr!(lang, history.title)}</a>" / "
                {tr!(lang, history.details.title)}
            </p>
            {move || match entry.get() {
                Entry::Loading => view! { <Loading label=tr!(lang, history.details.loading)/> }.into_any(),
                Entry::Missing => view! {
                    <Notice kind=NoticeKind::Warning data_test="history-missing">
                        <p>{tr!(lang, history.details.missing)}</p>
                    </Notice>
                }
                .into_any(),
                Entry::Failed(message) => view! {
                    <Notice kind=NoticeKind::Error data_test="history-details-error"><p>{message}</p></Notice>
                }
                .into_any(),
                Entry::Ready(entry) => view! {
                    <section class="card sync-section" data-test="history-entry" data-status=target_status(lang, entry.summary.status).1>
                        <h1 class="page-title">{tr!(lang, history.details.title)}</h1>
                        {summary(lang, &entry)}
                        <ReportView report=entry.report.clone()/>
                    </section>
                }
                .into_any(),
            }}
        </div>
    }
}
