use leptos::prelude::*;
use mdsync_core::access::{AppRole, Panel};

use crate::pages::coming_soon::ComingSoon;

#[component]
pub fn InstancesPage(role: AppRole) -> impl IntoView {
    let _ = role;
    view! { <ComingSoon panel=Panel::Instances/> }
}
