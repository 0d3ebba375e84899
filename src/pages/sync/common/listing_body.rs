//! The body of a listing table: loading, what went wrong, "nothing matches", or a row per
//! object.

use leptos::prelude::*;
use mdsync_core::dhis2::metadata_list::{ListedObject, ListedPage};

use super::Loadable;
use crate::components::loading::Loading;
use crate::l10n::Language;
use crate::tr;

/// `columns`: how many the table has; `error_test`: the `data-test` of the error row; `row`
/// draws one object.
pub fn listing_body(
    lang: Language,
    listing: RwSignal<Loadable<ListedPage>>,
    columns: &'static str,
    error_test: &'static str,
    row: impl Fn(ListedObject) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        match listing.get() {
        Loadable::Idle | Loadable::Loading => view! {
            <tr><td colspan=columns><Loading label=tr!(lang, common.loading)/></td></tr>
        }
        .into_any(),
        Loadable::Failed(message) => view! {
            <tr><td colspan=columns class="data-table-empty" data-test=error_test>{message}</td></tr>
        }
        .into_any(),
        Loadable::Ready(page) if page.objects.is_empty() => view! {
            <tr><td colspan=columns class="data-table-empty" data-test="data-table-empty">{tr!(lang, sync.browser.nothing_matches)}</td></tr>
        }
        .into_any(),
        Loadable::Ready(page) => page.objects.into_iter().map(&row).collect_view().into_any(),
    }
    }
}
