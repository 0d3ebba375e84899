use leptos::prelude::*;

/// A spinner with a sentence saying what is being waited for.
#[component]
pub fn Loading(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <div class="loading" data-test="app-loading" role="status" aria-live="polite">
            <span class="loading-spinner" aria-hidden="true"></span>
            <span>{label}</span>
        </div>
    }
}
