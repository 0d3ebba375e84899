use leptos::prelude::*;

use crate::l10n::use_language;
use crate::tr;

/// A summary ("1–10 of 23") with previous / next buttons.
#[component]
pub fn Pager(
    #[prop(into)] summary: Signal<String>,
    #[prop(into)] has_previous: Signal<bool>,
    #[prop(into)] has_next: Signal<bool>,
    on_previous: Callback<()>,
    on_next: Callback<()>,
) -> impl IntoView {
    let lang = use_language();
    view! {
        <div class="data-table-pager">
            <span data-test="data-table-page-info">{summary}</span>
            <button
                class="button button-small"
                data-test="data-table-page-prev"
                disabled=move || !has_previous.get()
                on:click=move |_| on_previous.run(())
            >
                {move || tr!(lang, common.previous)}
            </button>
            <button
                class="button button-small"
                data-test="data-table-page-next"
                disabled=move || !has_next.get()
                on:click=move |_| on_next.run(())
            >
                {move || tr!(lang, common.next)}
            </button>
        </div>
    }
}
