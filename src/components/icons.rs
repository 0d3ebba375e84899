//! Small inline SVG icons (drawn for this app; no icon font or sprite to download).

use leptos::prelude::*;

/// The app's logo mark: two arrows chasing each other around a hub, in white.
#[component]
pub fn LogoMark() -> impl IntoView {
    view! {
        <svg class="logo-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
            <circle cx="16" cy="16" r="4" fill="currentColor"></circle>
            <path d="M6 14a10 10 0 0 1 17-6l2-2v7h-7l3-3a7 7 0 0 0-12 4z" fill="currentColor"></path>
            <path d="M26 18a10 10 0 0 1-17 6l-2 2v-7h7l-3 3a7 7 0 0 0 12-4z" fill="currentColor"></path>
        </svg>
    }
}

/// A 3×3 grid of dots: the apps menu button.
#[component]
pub fn AppsIcon() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" fill="currentColor">
            <rect x="4" y="4" width="4" height="4"></rect>
            <rect x="10" y="4" width="4" height="4"></rect>
            <rect x="16" y="4" width="4" height="4"></rect>
            <rect x="4" y="10" width="4" height="4"></rect>
            <rect x="10" y="10" width="4" height="4"></rect>
            <rect x="16" y="10" width="4" height="4"></rect>
            <rect x="4" y="16" width="4" height="4"></rect>
            <rect x="10" y="16" width="4" height="4"></rect>
            <rect x="16" y="16" width="4" height="4"></rect>
        </svg>
    }
}
