//! Import (a mapping exported from MDSync, or from MetaData Sync) into the mapping being
//! edited, and export of it as JSON. core reads the file (`import_mdsync_text`); nothing is
//! stored until Save.

use leptos::prelude::*;
use leptos::task::spawn_local;
use mdsync_core::mapping::{import_mdsync_text, ImportReport};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::load::load_rows;
use super::state::MappingState;
use crate::components::notice::NoticeKind;
use crate::l10n::messages::mapping::{issue_text, mapping_error};
use crate::l10n::Language;
use crate::pages::sync::download::download_json;
use crate::{counted, tr};

async fn file_text(file: &web_sys::File) -> Result<String, String> {
    let text = JsFuture::from(file.text())
        .await
        .map_err(|e| e.as_string().unwrap_or_else(|| "unreadable".into()))?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

/// What an import brought, and what it left out, entry by entry.
fn report_text(lang: Language, file: &str, report: &ImportReport) -> String {
    let counts: Vec<String> = report
        .imported
        .iter()
        .map(|count| format!("{} {}", count.entries, count.mapping_type))
        .collect();
    let mut lines = vec![counted!(
        lang,
        mapping.panel.imported,
        report.imported_entries(),
        file = file,
        types = counts.join(", ")
    )];
    if !report.not_understood.is_empty() {
        lines.push(counted!(
            lang,
            mapping.panel.import_left_out,
            report.not_understood.len()
        ));
        lines.extend(
            report
                .not_understood
                .iter()
                .map(|issue| issue_text(lang, issue)),
        );
    }
    if !report.kept_unused.is_empty() {
        lines.push(counted!(
            lang,
            mapping.panel.import_kept_unused,
            report.kept_unused.len()
        ));
    }
    lines.join("\n")
}

/// "Import…": reads a mapping file into the draft (replacing it).
#[component]
pub fn ImportMapping(state: MappingState) -> impl IntoView {
    let lang = state.lang;
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|list| list.get(0)) else {
            return;
        };
        input.set_value("");
        spawn_local(async move {
            let name = file.name();
            let outcome = match file_text(&file).await {
                Ok(text) => import_mdsync_text(&text).map_err(|e| mapping_error(lang, &e)),
                Err(reason) => Err(tr!(lang, mapping.panel.unreadable, reason = reason)),
            };
            state.notice.set(Some(match outcome {
                Ok((imported, report)) => {
                    state.draft.set(imported);
                    state.summary.set(None);
                    state.rules.set(Default::default());
                    load_rows(state);
                    let kind = if report.not_understood.is_empty() {
                        NoticeKind::Info
                    } else {
                        NoticeKind::Warning
                    };
                    (kind, report_text(lang, &name, &report))
                }
                Err(message) => (
                    NoticeKind::Error,
                    tr!(
                        lang,
                        mapping.panel.import_failed,
                        file = name,
                        error = message
                    ),
                ),
            }));
        });
    };
    view! {
        <label class="button" data-test="mapping-import">
            {tr!(lang, mapping.panel.import)}
            <input type="file" accept=".json,application/json" hidden=true
                data-test="mapping-import-file" on:change=on_change/>
        </label>
    }
}

/// "Export": the mapping being edited, as the JSON file MDSync and the CLI read.
pub fn export(state: MappingState) {
    let lang = state.lang;
    let instance = state.instance.get_untracked().unwrap_or_default();
    let text = state
        .draft
        .with_untracked(serde_json::to_string_pretty)
        .map_err(|e| e.to_string())
        .and_then(|text| download_json(&format!("mapping-{instance}.json"), &text));
    if let Err(detail) = text {
        state.notice.set(Some((
            NoticeKind::Error,
            tr!(lang, mapping.panel.export_failed, detail = detail),
        )));
    }
}
