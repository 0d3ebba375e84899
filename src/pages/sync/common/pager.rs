use leptos::prelude::*;
use mdsync_core::browse::ListRequest;
use mdsync_core::dhis2::metadata_list::ListedPage;

use super::Loadable;
use crate::components::data_table::Pager;
use crate::l10n::Language;
use crate::{counted, tr};

/// The pager under a listing of metadata objects: "page x of y (n objects)", previous and
/// next. `on_page`: after the request's page changed (read it again).
#[component]
pub fn ListingPager(
    lang: Language,
    listing: RwSignal<Loadable<ListedPage>>,
    request: RwSignal<ListRequest>,
    on_page: Callback<()>,
) -> impl IntoView {
    let pager = move || {
        listing.with(|listing| match listing {
            Loadable::Ready(page) => Some(page.pager),
            _ => None,
        })
    };
    view! {
        <Pager
            summary=Signal::derive(move || match pager() {
                Some(p) if p.total == 0 => tr!(lang, sync.browser.no_objects),
                Some(p) => tr!(
                    lang,
                    sync.browser.page_of,
                    page = lang.number(p.page as f64),
                    pages = lang.number(p.page_count.max(1) as f64),
                    objects = counted!(lang, sync.objects, p.total)
                ),
                None => String::new(),
            })
            has_previous=Signal::derive(move || pager().is_some_and(|p| p.page > 1))
            has_next=Signal::derive(move || pager().is_some_and(|p| p.page < p.page_count))
            on_previous=Callback::new(move |_| {
                request.update(|r| r.page = r.page.saturating_sub(1).max(1));
                on_page.run(());
            })
            on_next=Callback::new(move |_| {
                request.update(|r| r.page += 1);
                on_page.run(());
            })
        />
    }
}
