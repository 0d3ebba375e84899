//! The org unit tree's reads against the simulator's demo (Lakeland: 8 provinces of 10 districts
//! of facilities), on an old and a new version: the user's root, the children of a unit (one
//! level, read when opened), and a search by name within the user's hierarchy.

mod aggregated_common;
mod support;

use aggregated_common::{demo, district, province};
use dhis2_sim::DemoSide;
use mdsync_core::dhis2::org_units::{fetch_children, fetch_roots, search, SEARCH_LIMIT};
use support::{block_on, client_for};

#[test]
fn roots_children_and_search_read_one_level_at_a_time() {
    for version in ["2.30", "2.41"] {
        let sim = demo("tree", version, DemoSide::Source);
        let client = client_for(&sim, "admin");
        sim.clear_request_log();

        let roots = block_on(fetch_roots(&client)).expect("roots");
        assert_eq!(roots.len(), 1, "{version}: {roots:?}");
        assert_eq!(roots[0].name, "Lakeland", "{version}");
        assert_eq!(roots[0].level, Some(1));
        assert_eq!(
            sim.request_log().len(),
            2,
            "{version}: the user's units, then their names"
        );

        let provinces = block_on(fetch_children(&client, &roots[0].id)).expect("children");
        assert_eq!(provinces.len(), 8, "{version}");
        assert!(provinces
            .iter()
            .all(|p| p.level == Some(2) && p.path == format!("/{}/{}", roots[0].id, p.id)));
        let names: Vec<&str> = provinces.iter().map(|p| p.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_by_key(|n| n.to_lowercase());
        assert_eq!(names, sorted, "by name");
        assert!(provinces.iter().any(|p| p.id == province(0)));

        let districts = block_on(fetch_children(&client, &province(0))).expect("districts");
        assert_eq!(districts.len(), 10, "{version}");
        assert!(districts.iter().any(|d| d.id == district(0, 0)));
        assert!(districts
            .iter()
            .all(|d| d.ancestors() == [roots[0].id.as_str(), &province(0)]));

        let found = block_on(search(&client, "district", &[province(0)])).expect("search");
        assert!(!found.is_empty(), "{version}");
        assert!(found.len() <= SEARCH_LIMIT as usize);
        assert!(
            found.iter().all(|unit| unit.is_within(&province(0))),
            "only units below the given roots: {found:?}"
        );
        assert!(block_on(search(&client, "  ", &[]))
            .expect("empty")
            .is_empty());
    }
}
