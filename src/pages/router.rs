use leptos::ev;
use leptos::prelude::*;

use super::coming_soon::ComingSoon;
use super::home::Home;
use super::lazy_panel::{LazyPanel, SplitPanel};
use super::not_allowed::NotAllowed;
use crate::components::navigation_guard::NavigationGuard;
use crate::components::notice::{Notice, NoticeKind};
use crate::l10n::use_language;
use crate::routes::Route;
use crate::session::Session;
use crate::tr;

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn current_route() -> Route {
    Route::from_hash(&current_hash())
}

/// Shows the page the URL hash names, if the role may open it.
#[component]
pub fn PanelRouter(session: Session) -> impl IntoView {
    let role = session.role;
    let lang = use_language();
    let route = RwSignal::new(current_route());
    // The hash whose page is on screen. A `hashchange` can arrive late, after the address has
    // already been shown (several quick changes fire one event each); re-mounting the same
    // page then would throw away what the user has done on it since.
    let shown_hash = StoredValue::new(current_hash());
    let guard = NavigationGuard::provide();
    let handle = window_event_listener(ev::hashchange, move |event| {
        let hash = current_hash();
        if hash == shown_hash.get_value() {
            return;
        }
        if guard.allows(&hash, &event.old_url()) {
            shown_hash.set_value(hash.clone());
            route.set(Route::from_hash(&hash));
        }
    });
    on_cleanup(move || handle.remove());
    move || match route.get() {
        Route::Home => view! { <Home role/> }.into_any(),
        Route::Panel(panel) if !role.can_open(panel) => {
            view! { <NotAllowed panel role/> }.into_any()
        }
        Route::Panel(panel) => match SplitPanel::of(panel) {
            Some(split) => view! { <LazyPanel split session=session.clone()/> }.into_any(),
            None => view! { <ComingSoon panel/> }.into_any(),
        },
        Route::Unknown(name) => view! {
            <div class="page" data-test="not-found">
                <Notice kind=NoticeKind::Warning title=tr!(lang, app.no_such_page_title)>
                    <p>{tr!(lang, app.no_such_page, name = name)}</p>
                    <p><a href="#/">{tr!(lang, app.go_home)}</a></p>
                </Notice>
            </div>
        }
        .into_any(),
    }
}
