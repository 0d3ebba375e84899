use leptos::prelude::*;

use super::Pager;
use crate::table_model::{query_rows, TableQuery, TableRow};

/// A column: a stable key (for `data-test`) and its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub title: &'static str,
}

impl Column {
    pub const fn new(key: &'static str, title: &'static str) -> Self {
        Column { key, title }
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
    #[prop(into, default = "Search".to_string())] search_placeholder: String,
    #[prop(into, default = "Nothing to show yet.".to_string())] empty_message: String,
) -> impl IntoView {
    let query = RwSignal::new(TableQuery::new(page_size));
    let page = Memo::new(move |_| query.with(|q| rows.with(|rows| query_rows(rows, q))));
    let has_actions = actions.is_some();

    let headers = columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let title = column.title;
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
                "No row matches the search.".to_string()
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
                        {has_actions.then(|| view! { <th>"Actions"</th> })}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
            <Pager
                summary=Signal::derive(move || page.with(|p| p.summary()))
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
