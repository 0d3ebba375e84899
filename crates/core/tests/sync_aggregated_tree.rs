//! The org unit tree of the aggregated page: a unit says whether it has children (`children[id]`,
//! which the simulator answers as DHIS2 does), so leaves show no caret.

mod aggregated_common;
mod support;

use aggregated_common::{demo, district, province};
use dhis2_sim::DemoSide;
use mdsync_core::dhis2::org_units::{fetch_children, fetch_roots};
use support::{block_on, client_for};

#[test]
fn units_say_whether_they_have_children_down_to_the_facilities() {
    for version in ["2.30", "2.36", "2.41", "2.42"] {
        let sim = demo("tree", version, DemoSide::Source);
        let client = client_for(&sim, "admin");
        let roots = block_on(fetch_roots(&client)).expect("roots");
        assert!(
            roots.iter().all(|r| r.has_children == Some(true)),
            "{version}: {roots:?}"
        );
        let provinces = block_on(fetch_children(&client, &roots[0].id)).expect("provinces");
        assert!(
            provinces.iter().all(|p| p.has_children == Some(true)),
            "{version}"
        );
        let districts = block_on(fetch_children(&client, &province(0))).expect("districts");
        assert!(
            districts.iter().all(|d| d.has_children == Some(true)),
            "{version}"
        );
        let facilities = block_on(fetch_children(&client, &district(0, 0))).expect("facilities");
        assert!(!facilities.is_empty(), "{version}");
        assert!(
            facilities.iter().all(|f| f.has_children == Some(false)),
            "{version}: leaves have no children: {facilities:?}"
        );
    }
}
