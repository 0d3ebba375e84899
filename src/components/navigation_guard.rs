//! Holding the browser's Back and Forward buttons (and any other change of the URL hash) while
//! a panel has unsaved work.
//!
//! The router re-mounts the panel on every `hashchange`, so unsaved state would be gone before
//! anyone could ask. A panel that has something to lose registers a guard with [`hold`]; the
//! router asks it through [`NavigationGuard::allows`] before following the new hash. When the
//! guard says no, the old address is put back with `history.pushState` (which fires no
//! `hashchange`), the panel stays mounted with its state, and the panel shows its own dialog;
//! if the user then chooses to leave, [`NavigationGuard::leave_to`] goes on without asking again.

use leptos::prelude::*;

/// Whether leaving for the given hash may go ahead now (`false`: the panel asks the user).
pub type MayLeave = Callback<String, bool>;

/// The router's end of the guard, provided as context by `PanelRouter`.
#[derive(Clone, Copy)]
pub struct NavigationGuard {
    /// The registered guard and the number of its registration.
    current: StoredValue<Option<(u64, MayLeave)>>,
    registrations: StoredValue<u64>,
    /// The next hash change goes through unasked (the user chose to leave).
    pass_next: StoredValue<bool>,
}

impl NavigationGuard {
    pub fn provide() -> NavigationGuard {
        let guard = NavigationGuard {
            current: StoredValue::new(None),
            registrations: StoredValue::new(0),
            pass_next: StoredValue::new(false),
        };
        provide_context(guard);
        guard
    }

    /// Called on `hashchange`: whether to show the page of `new_hash`. When not, the address
    /// bar goes back to `old_url` (without a `hashchange` of its own).
    pub fn allows(&self, new_hash: &str, old_url: &str) -> bool {
        if self.pass_next.get_value() {
            self.pass_next.set_value(false);
            return true;
        }
        let Some((_, may_leave)) = self.current.get_value() else {
            return true;
        };
        if may_leave.run(new_hash.to_string()) {
            return true;
        }
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(old_url));
        }
        false
    }

    /// Goes to `hash` without asking the guard (the user answered "Leave").
    pub fn leave_to(&self, hash: &str) {
        self.pass_next.set_value(true);
        let moved = web_sys::window().is_some_and(|w| w.location().set_hash(hash).is_ok());
        if !moved {
            self.pass_next.set_value(false);
        }
    }
}

/// Registers `may_leave` for as long as the calling component lives. Without a router (a
/// component mounted alone in a test) it does nothing.
pub fn hold(may_leave: MayLeave) -> Option<NavigationGuard> {
    let guard = use_context::<NavigationGuard>()?;
    let number = guard.registrations.get_value() + 1;
    guard.registrations.set_value(number);
    guard.current.set_value(Some((number, may_leave)));
    on_cleanup(move || {
        // A newer registration (the next panel, mounted first) stays.
        guard.current.update_value(|current| {
            if current.as_ref().is_some_and(|(n, _)| *n == number) {
                *current = None;
            }
        });
    });
    Some(guard)
}
