use leptos::html;
use leptos::prelude::*;

use super::apps_menu::close_on_outside_click;
use crate::l10n::use_language;
use crate::links;
use crate::session::Session;
use crate::tr;
use mdsync_core::dhis2::header_bar;

/// The initials avatar and its menu: name, username, edit profile, logout.
#[component]
pub fn ProfileMenu(session: Session) -> impl IntoView {
    let lang = use_language();
    let open = RwSignal::new(false);
    let container = NodeRef::<html::Div>::new();
    close_on_outside_click(container, open);
    let initials = links::initials(&session.me.name);
    let edit_profile = links::join(&session.base_url, header_bar::EDIT_PROFILE_PATH);
    let logout = links::join(
        &session.base_url,
        header_bar::logout_path(&session.info.version),
    );
    let name = session.me.name.clone();
    let username = session.me.username.clone();
    view! {
        <div class="headerbar-menu" node_ref=container>
            <button
                class="headerbar-button"
                data-test="headerbar-profile-icon"
                title=name.clone()
                aria-label=move || tr!(lang, header.profile)
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|open| *open = !*open)
            >
                <span class="avatar">{initials.clone()}</span>
            </button>
            <Show when=move || open.get()>
                <div class="menu-popup profile-menu" data-test="headerbar-profile-menu">
                    <div class="profile-header">
                        <span class="avatar avatar-large">{initials.clone()}</span>
                        <div>
                            <div class="profile-name" data-test="headerbar-profile-name">
                                {name.clone()}
                            </div>
                            <div class="profile-username" data-test="headerbar-profile-username">
                                {username.clone()}
                            </div>
                        </div>
                    </div>
                    <a class="menu-item" href=edit_profile.clone() data-test="headerbar-profile-edit">
                        {move || tr!(lang, header.edit_profile)}
                    </a>
                    <a class="menu-item" href=logout.clone() data-test="headerbar-logout">
                        {move || tr!(lang, header.logout)}
                    </a>
                </div>
            </Show>
        </div>
    }
}
