//! What the user has picked so far, type by type: single objects, or "all of this type".

use std::collections::BTreeMap;

use crate::dhis2::metadata_list::{fetch_all_ids, ListFilters, ListedObject};
use crate::dhis2::{Dhis2Client, Dhis2Error, Transport};
use crate::sync::metadata::MetadataSelection;

/// The picks of one type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypePicks {
    /// Every object of the type, whatever is in `objects`.
    pub all: bool,
    /// id → display name.
    pub objects: BTreeMap<String, String>,
}

impl TypePicks {
    fn is_empty(&self) -> bool {
        !self.all && self.objects.is_empty()
    }
}

/// One line of the running list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickedLine {
    pub plural: String,
    pub all: bool,
    /// (id, display name), by name.
    pub objects: Vec<(String, String)>,
}

impl PickedLine {
    /// "all", or the number of objects.
    pub fn count_label(&self) -> String {
        if self.all {
            "all".to_string()
        } else {
            self.objects.len().to_string()
        }
    }
}

/// The whole selection, by type (plural).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectionState {
    by_type: BTreeMap<String, TypePicks>,
}

impl SelectionState {
    pub fn is_empty(&self) -> bool {
        self.by_type.values().all(TypePicks::is_empty)
    }

    pub fn is_selected(&self, plural: &str, id: &str) -> bool {
        self.by_type
            .get(plural)
            .is_some_and(|picks| picks.all || picks.objects.contains_key(id))
    }

    pub fn is_all(&self, plural: &str) -> bool {
        self.by_type.get(plural).is_some_and(|picks| picks.all)
    }

    /// Picks or unpicks one object.
    pub fn toggle(&mut self, plural: &str, object: &ListedObject) {
        let picks = self.by_type.entry(plural.to_string()).or_default();
        if picks.objects.remove(&object.id).is_none() {
            picks
                .objects
                .insert(object.id.clone(), object.display_name.clone());
        }
        self.tidy();
    }

    /// True when every object of the page is picked (and the page is not empty).
    pub fn page_selected(&self, plural: &str, page: &[ListedObject]) -> bool {
        !page.is_empty()
            && page
                .iter()
                .all(|object| self.is_selected(plural, &object.id))
    }

    /// "Select all on this page": picks the whole page, or unpicks it when it was all picked.
    pub fn toggle_page(&mut self, plural: &str, page: &[ListedObject]) {
        let unpick = self.page_selected(plural, page);
        let picks = self.by_type.entry(plural.to_string()).or_default();
        for object in page {
            if unpick {
                picks.objects.remove(&object.id);
            } else {
                picks
                    .objects
                    .insert(object.id.clone(), object.display_name.clone());
            }
        }
        self.tidy();
    }

    /// "All of this type" on or off; single picks are kept for when it goes off.
    pub fn set_all(&mut self, plural: &str, all: bool) {
        self.by_type.entry(plural.to_string()).or_default().all = all;
        self.tidy();
    }

    pub fn remove(&mut self, plural: &str, id: &str) {
        if let Some(picks) = self.by_type.get_mut(plural) {
            picks.objects.remove(id);
        }
        self.tidy();
    }

    pub fn clear_type(&mut self, plural: &str) {
        self.by_type.remove(plural);
    }

    pub fn clear(&mut self) {
        self.by_type.clear();
    }

    fn tidy(&mut self) {
        self.by_type.retain(|_, picks| !picks.is_empty());
    }

    /// The running list, one line per type with picks, objects by name.
    pub fn lines(&self) -> Vec<PickedLine> {
        self.by_type
            .iter()
            .map(|(plural, picks)| {
                let mut objects: Vec<(String, String)> = picks
                    .objects
                    .iter()
                    .map(|(id, name)| (id.clone(), name.clone()))
                    .collect();
                objects.sort_by_key(|a| a.1.to_lowercase());
                PickedLine {
                    plural: plural.clone(),
                    all: picks.all,
                    objects,
                }
            })
            .collect()
    }

    /// Objects picked one by one (types picked as "all" are not counted).
    pub fn object_count(&self) -> usize {
        self.by_type
            .values()
            .filter(|picks| !picks.all)
            .map(|picks| picks.objects.len())
            .sum()
    }

    /// The selection as the engine takes it when no type is picked as "all" (no request
    /// needed); `None` otherwise.
    pub fn without_lookups(&self) -> Option<MetadataSelection> {
        if self.by_type.values().any(|picks| picks.all) {
            return None;
        }
        let mut ids = Vec::new();
        let mut types = Vec::new();
        for (plural, picks) in &self.by_type {
            types.push(plural.clone());
            ids.extend(picks.objects.keys().cloned());
        }
        Some(MetadataSelection { ids, types })
    }

    /// The engine's selection: "all of this type" becomes every id the origin lists for it.
    pub async fn resolve<T: Transport>(
        &self,
        origin: &Dhis2Client<T>,
    ) -> Result<MetadataSelection, Dhis2Error> {
        let mut ids = Vec::new();
        let mut types = Vec::new();
        let no_filter = ListFilters {
            filters: Vec::new(),
            any: false,
        };
        for (plural, picks) in &self.by_type {
            types.push(plural.clone());
            if picks.all {
                ids.extend(fetch_all_ids(origin, plural, &no_filter).await?);
            } else {
                ids.extend(picks.objects.keys().cloned());
            }
        }
        ids.sort();
        ids.dedup();
        Ok(MetadataSelection { ids, types })
    }
}
