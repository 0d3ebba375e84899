use leptos::prelude::*;
use mdsync_core::access::AppRole;

use super::lazy_panel::prefetch;
use super::panel_description;
use crate::routes::panel_href;

/// One card per panel the role may open. Pointing at a card (or focusing it) starts
/// downloading that panel's code, so it is usually there by the time of the click.
#[component]
pub fn Home(role: AppRole) -> impl IntoView {
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
                    <h2 class="card-title">{panel.title()}</h2>
                    <p class="card-text">{panel_description(panel, role)}</p>
                    <span class="card-link">{format!("Open {}", panel.title())}</span>
                </a>
            }
        })
        .collect_view();
    view! {
        <div class="page" data-test="home">
            <h1 class="page-title">"MetaData Sync"</h1>
            <div class="home-cards">{cards}</div>
        </div>
    }
}
