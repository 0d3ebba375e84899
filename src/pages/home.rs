use leptos::prelude::*;
use mdsync_core::access::AppRole;

use super::lazy_panel::prefetch;
use crate::components::resume_notice::ResumeNotice;
use crate::l10n::messages::{panel_description, panel_title};
use crate::l10n::use_language;
use crate::routes::panel_href;
use crate::tr;

/// One card per panel the role may open. Pointing at a card (or focusing it) starts
/// downloading that panel's code, so it is usually there by the time of the click.
#[component]
pub fn Home(role: AppRole) -> impl IntoView {
    let lang = use_language();
    let cards = role
        .panels()
        .into_iter()
        .map(|panel| {
            view! {
                <a
                    class="card home-card"
                    href=panel_href(panel)
                    data-test=format!("home-card-{}", panel.route())
                    on:pointerenter=move |_| prefetch(panel)
                    on:focus=move |_| prefetch(panel)
                >
                    <h2 class="card-title">{move || panel_title(lang, panel)}</h2>
                    <p class="card-text">{move || panel_description(lang, panel, role)}</p>
                    <span class="card-link">
                        {move || tr!(lang, home.open, panel = panel_title(lang, panel))}
                    </span>
                </a>
            }
        })
        .collect_view();
    view! {
        <div class="page" data-test="home">
            <h1 class="page-title">"MetaData Sync"</h1>
            <ResumeNotice/>
            <div class="home-cards">{cards}</div>
        </div>
    }
}
