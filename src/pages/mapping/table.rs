use leptos::prelude::*;
use mdsync_core::mapping::{MappableObject, MappingKey, MatchRule};

use super::edit::{exclude, reset, row_key, target_text, RowStatus};
use super::load::load_rows;
use super::nested::NestedMappings;
use super::state::{Loadable, MappingState};
use crate::components::data_table::Pager;
use crate::components::loading::Loading;
use crate::l10n::Language;
use crate::tr;

pub fn status_text(lang: Language, status: RowStatus) -> String {
    match status {
        RowStatus::Unmapped => tr!(lang, mapping.panel.status.unmapped),
        RowStatus::Mapped => tr!(lang, mapping.panel.status.mapped),
        RowStatus::Excluded => tr!(lang, mapping.panel.status.excluded),
        RowStatus::Conflict => tr!(lang, mapping.panel.status.conflict),
    }
}

pub fn rule_text(lang: Language, rule: MatchRule) -> String {
    match rule {
        MatchRule::SameId => tr!(lang, mapping.panel.rule.same_id),
        MatchRule::SameCode => tr!(lang, mapping.panel.rule.same_code),
        MatchRule::SameName => tr!(lang, mapping.panel.rule.same_name),
    }
}

/// One origin object and what it is mapped to.
#[component]
fn MappingRow(state: MappingState, object: MappableObject, key: MappingKey) -> impl IntoView {
    let lang = state.lang;
    let key_text = key.as_str().to_string();
    let choice = state.choice.get_untracked();
    let entry = {
        let key_text = key_text.clone();
        move || {
            state
                .draft
                .with(|draft| draft.get(choice.mapping_type, &key_text).cloned())
        }
    };
    let status = {
        let entry = entry.clone();
        move || RowStatus::of(entry().as_ref())
    };
    let target = {
        let entry = entry.clone();
        let key_text = key_text.clone();
        move || {
            let entry = entry();
            let Some(entry) = entry.as_ref() else {
                return view! { <span class="mapping-none">"—"</span> }.into_any();
            };
            match target_text(entry) {
                Some((name, code, id)) => {
                    let rule = state.rules.with(|rules| rules.get(&key_text).copied());
                    view! {
                        <span data-test="mapping-target">{name}</span>
                        <span class="mapping-sub">{code.map(|c| format!("{c} · "))}{id}</span>
                        {rule.map(|rule| view! {
                            <span class="tag" data-test="mapping-rule">{rule_text(lang, rule)}</span>
                        })}
                    }
                    .into_any()
                }
                None => view! { <span class="mapping-none">"—"</span> }.into_any(),
            }
        }
    };
    let has_nested = {
        let entry = entry.clone();
        move || entry().is_some_and(|entry| !entry.nested().is_empty())
    };
    let checked_key = key_text.clone();
    let toggle_key = key_text.clone();
    let expand_key = key_text.clone();
    let expanded_key = key_text.clone();
    let nested_key = key_text.clone();
    let exclude_key = key.clone();
    let reset_key = key.clone();
    let pick_object = object.clone();
    let status_for_class = status.clone();
    let status_for_text = status.clone();
    let status_for_reset = status.clone();
    let can_edit = state.can_edit;
    view! {
        <tr data-test="data-table-row" data-id=key_text.clone() data-status=move || status().as_str()>
            <td class="sync-check-cell">
                <input type="checkbox" data-test="mapping-row-check" disabled=!can_edit
                    prop:checked=move || state.selected.with(|s| s.contains(&checked_key))
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        state.selected.update(|s| {
                            if checked { s.insert(toggle_key.clone()); } else { s.remove(&toggle_key); }
                        });
                    }/>
            </td>
            <td>
                <span>{object.label().to_string()}</span>
                <span class="mapping-sub">
                    {object.code.clone().map(|c| format!("{c} · "))}
                    {object.id.as_ref().map(|id| id.to_string())}
                </span>
            </td>
            <td>{target}</td>
            <td>
                <span class=move || format!("mapping-status mapping-status-{}", status_for_class().as_str())
                    data-test="mapping-status">
                    {move || status_text(lang, status_for_text())}
                </span>
            </td>
            <td>
                <div class="row-actions">
                    <Show when=move || can_edit>
                        <button class="button button-small" data-test="mapping-pick"
                            on:click={
                                let pick_object = pick_object.clone();
                                move |_| state.picking.set(Some(pick_object.clone()))
                            }>
                            {tr!(lang, mapping.panel.pick)}
                        </button>
                        <button class="button button-small" data-test="mapping-exclude"
                            on:click={
                                let exclude_key = exclude_key.clone();
                                move |_| state.draft.update(|d| exclude(d, choice, std::slice::from_ref(&exclude_key)))
                            }>
                            {tr!(lang, mapping.panel.exclude)}
                        </button>
                    </Show>
                    <Show when={
                        let status_for_reset = status_for_reset.clone();
                        move || can_edit && status_for_reset() != RowStatus::Unmapped
                    }>
                        <button class="button button-small" data-test="mapping-reset"
                            on:click={
                                let reset_key = reset_key.clone();
                                move |_| state.draft.update(|d| reset(d, choice, std::slice::from_ref(&reset_key)))
                            }>
                            {tr!(lang, mapping.panel.reset)}
                        </button>
                    </Show>
                    <Show when=has_nested.clone()>
                        <button class="button button-small" data-test="mapping-nested-toggle"
                            on:click={
                                let expand_key = expand_key.clone();
                                move |_| state.expanded.update(|open| {
                                    *open = if open.as_deref() == Some(expand_key.as_str()) { None } else { Some(expand_key.clone()) };
                                })
                            }>
                            {tr!(lang, mapping.panel.nested)}
                        </button>
                    </Show>
                </div>
            </td>
        </tr>
        <Show when=move || state.expanded.with(|open| open.as_deref() == Some(expanded_key.as_str()))>
            <tr class="mapping-nested-row">
                <td></td>
                <td colspan="4"><NestedMappings state key=nested_key.clone()/></td>
            </tr>
        </Show>
    }
}

/// The origin objects of the current type, a page at a time, with what each is mapped to.
#[component]
pub fn MappingTable(state: MappingState) -> impl IntoView {
    let lang = state.lang;
    let body = move || {
        match state.rows.get() {
        Loadable::Idle => ().into_any(),
        Loadable::Loading => view! {
            <tr><td colspan="5"><Loading label=tr!(lang, common.loading)/></td></tr>
        }
        .into_any(),
        Loadable::Failed(message) => view! {
            <tr><td colspan="5" class="field-error" data-test="mapping-rows-error">{message}</td></tr>
        }
        .into_any(),
        Loadable::Ready(page) if page.rows.is_empty() => view! {
            <tr><td colspan="5" class="data-table-empty" data-test="data-table-empty">
                {tr!(lang, mapping.panel.no_rows)}
            </td></tr>
        }
        .into_any(),
        Loadable::Ready(page) => {
            let choice = state.choice.get_untracked();
            page.rows
                .into_iter()
                .filter_map(|object| {
                    let key = row_key(choice, &object)?;
                    Some(view! { <MappingRow state object key/> })
                })
                .collect_view()
                .into_any()
        }
    }
    };
    let pager = move || match state.rows.get() {
        Loadable::Ready(page) => Some(page.pager),
        _ => None,
    };
    let turn = move |delta: i64| {
        state.request.update(|r| {
            r.page = (i64::from(r.page) + delta).max(1) as u32;
        });
        load_rows(state);
    };
    view! {
        <div class="data-table-wrap" data-test="mapping-rows">
            <table class="data-table">
                <thead>
                    <tr>
                        <th class="sync-check-cell"></th>
                        <th>{tr!(lang, mapping.panel.columns.origin)}</th>
                        <th>{tr!(lang, mapping.panel.columns.destination)}</th>
                        <th>{tr!(lang, mapping.panel.columns.status)}</th>
                        <th>{tr!(lang, common.actions)}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
            <Pager
                summary=Signal::derive(move || match pager() {
                    Some(p) if p.total > 0 => {
                        let first = u64::from(p.page.saturating_sub(1)) * u64::from(p.page_size) + 1;
                        let last = (first + u64::from(p.page_size) - 1).min(p.total);
                        tr!(lang, common.rows_range,
                            first = lang.number(first as f64),
                            last = lang.number(last as f64),
                            total = lang.number(p.total as f64))
                    }
                    _ => tr!(lang, common.no_rows),
                })
                has_previous=Signal::derive(move || pager().is_some_and(|p| p.page > 1))
                has_next=Signal::derive(move || pager().is_some_and(|p| p.page < p.page_count))
                on_previous=Callback::new(move |_| turn(-1))
                on_next=Callback::new(move |_| turn(1))
            />
        </div>
    }
}
