use leptos::prelude::*;

use super::Pager;
use crate::l10n::use_language;
use crate::table_model::{query_rows, TableQuery, TableRow};
use crate::tr;

/// A column: a stable key (for `data-test`) and its title, in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub title: String,
}

impl Column {
    pub fn new(key: &'static str, title: impl Into<String>) -> Self {
        Column {
            key,
            title: title.into(),
        }
    }
}

/// Rows of text with a search box, sortable headers and paging. `actions`, when given, renders
/// the last cell of each row from the row id (buttons).
#[component]
pub fn DataTable(
    columns: Vec<Column>,
    #[prop(into)] rows: Signal<Vec<TableRow>>,
    #[prop(optional)] actions: Option<Callback<String, AnyView>>,
    #[prop(default = 10)] page_size: usize,
    /// The search box's hint; "Search" in the user's language when not given.
    #[prop(into, optional)]
    search_placeholder: Option<String>,
    /// Said when there are no rows at all; "Nothing to show yet." when not given.
    #[prop(into, optional)]
    empty_message: Option<String>,
) -> impl IntoView {
    let lang = use_language();
    let search_placeholder = search_placeholder.unwrap_or_else(|| tr!(lang, common.search));
    let empty_message = empty_message.unwrap_or_else(|| tr!(lang, common.nothing_yet));
    let query = RwSignal::new(TableQuery::new(page_size));
    let page = Memo::new(move |_| query.with(|q| rows.with(|rows| query_rows(rows, q))));
    let has_actions = actions.is_some();

    let headers = columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let title = column.title.clone();
            let aria_sort = move || {
                query.with(|q| match q.sort {
                    Some((sorted, direction)) if sorted == index => direction.aria(),
                    _ => "none",
                })
            };
            let arrow = move || {
                query.with(|q| match q.sort {
                    Some((sorted, direction)) if sorted == index => match direction {
                        crate::table_model::SortDirection::Ascending => " ▲",
                        crate::table_model::SortDirection::Descending => " ▼",
                    },
                    _ => "",
                })
            };
            view! {
                <th aria-sort=aria_sort>
                    <button
                        data-test=format!("data-table-sort-{}", column.key)
                        on:click=move |_| query.update(|q| q.toggle_sort(index))
                    >
                        {title}
                        {arrow}
                    </button>
                </th>
            }
        })
        .collect_view();

    let column_count = columns.len() + usize::from(has_actions);
    let body = move || {
        let page = page.get();
        if page.rows.is_empty() {
            let message = if rows.with(Vec::is_empty) {
                empty_message.clone()
            } else {
                tr!(lang, common.no_row_matches)
            };
            return view! {
                <tr>
                    <td class="data-table-empty" colspan=column_count data-test="data-table-empty">
                        {message}
                    </td>
                </tr>
            }
            .into_any();
        }
        page.rows
            .into_iter()
            .map(|row| {
                let cells = row
                    .cells
                    .iter()
                    .map(|cell| view! { <td>{cell.clone()}</td> })
                    .collect_view();
                let action_cell = actions.map(|actions| {
                    view! {
                        <td>
                            <div class="row-actions">{actions.run(row.id.clone())}</div>
                        </td>
                    }
                });
                view! {
                    <tr data-test="data-table-row" data-id=row.id.clone()>
                        {cells}
                        {action_cell}
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };

    view! {
        <div class="data-table-wrap" data-test="data-table">
            <div class="data-table-toolbar">
                <input
                    class="input"
                    type="search"
                    placeholder=search_placeholder
                    data-test="data-table-search"
                    prop:value=move || query.with(|q| q.search.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        query.update(|q| {
                            q.search = text;
                            q.page = 0;
                        })
                    }
                />
            </div>
            <table class="data-table">
                <thead>
                    <tr>
                        {headers}
                        {has_actions.then(|| view! { <th>{tr!(lang, common.actions)}</th> })}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
            <Pager
                summary=Signal::derive(move || page.with(|p| {
                    if p.matching == 0 {
                        tr!(lang, common.no_rows)
                    } else {
                        tr!(
                            lang,
                            common.rows_range,
                            first = lang.number(p.first as f64),
                            last = lang.number(p.last as f64),
                            total = lang.number(p.matching as f64)
                        )
                    }
                }))
                has_previous=Signal::derive(move || page.with(|p| p.has_previous()))
                has_next=Signal::derive(move || page.with(|p| p.has_next()))
                on_previous=Callback::new(move |_| query.update(|q| q.page = q.page.saturating_sub(1)))
                on_next=Callback::new(move |_| {
                    let last = page.with_untracked(|p| p.page_count.saturating_sub(1));
                    query.update(|q| q.page = (q.page + 1).min(last))
                })
            />
        </div>
    }
}
