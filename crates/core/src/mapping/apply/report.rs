//! What applying a mapping left out, as typed values (the app translates them; the CLI prints
//! their English `Display`).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// Why an item was left out of the mapped payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Exclusion {
    /// Its data element is excluded (`DISABLED`).
    DataElement,
    OrgUnit,
    CategoryOptionCombo,
    AttributeOptionCombo,
    /// Its option value is excluded.
    OptionValue,
    Program,
    ProgramStage,
    Attribute,
    RelationshipType,
    /// An enrollment into (or ownership by) a program that is an event program at the
    /// destination.
    EventProgramAtDestination,
    /// An attribute no destination tracker program of the payload has.
    AttributeNotInDestinationProgram,
    /// A tracked entity left without any program owner.
    NoProgramOwner,
    /// A relationship already sent with an earlier tracked entity.
    RepeatedRelationship,
    /// A relationship whose other end is not in this sync (outside the selection): the
    /// destination would refuse it (E4012).
    OtherEndNotSynced,
    /// An enrollment whose program is not mapped to a destination event program (tracker →
    /// event conversion).
    NoEventProgram,
    /// A converted event with no data value left.
    NoDataValues,
}

impl fmt::Display for Exclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Exclusion::DataElement => "data element excluded",
            Exclusion::OrgUnit => "organisation unit excluded",
            Exclusion::CategoryOptionCombo => "category option combo excluded",
            Exclusion::AttributeOptionCombo => "attribute option combo excluded",
            Exclusion::OptionValue => "option value excluded",
            Exclusion::Program => "program excluded",
            Exclusion::ProgramStage => "program stage excluded",
            Exclusion::Attribute => "attribute excluded",
            Exclusion::RelationshipType => "relationship type excluded",
            Exclusion::EventProgramAtDestination => {
                "program is an event program at the destination"
            }
            Exclusion::AttributeNotInDestinationProgram => {
                "attribute not in any destination tracker program"
            }
            Exclusion::NoProgramOwner => "no program owner left",
            Exclusion::RepeatedRelationship => "relationship already sent",
            Exclusion::OtherEndNotSynced => "its other end is not in this sync",
            Exclusion::NoEventProgram => "program not mapped to a destination event program",
            Exclusion::NoDataValues => "no data value left",
        })
    }
}

/// The parts of a payload the report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ItemKind {
    DataValue,
    Event,
    EventDataValue,
    TrackedEntity,
    Enrollment,
    ProgramOwner,
    Attribute,
    Relationship,
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ItemKind::DataValue => "data values",
            ItemKind::Event => "events",
            ItemKind::EventDataValue => "event data values",
            ItemKind::TrackedEntity => "tracked entities",
            ItemKind::Enrollment => "enrollments",
            ItemKind::ProgramOwner => "program owners",
            ItemKind::Attribute => "attributes",
            ItemKind::Relationship => "relationships",
        })
    }
}

/// What applying a mapping did to a payload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    /// Top-level items read and written (data values, events, tracked entities).
    pub read: usize,
    pub written: usize,
    /// Items left out, by kind and reason (JSON: a list of `{kind, reason, count}`).
    #[serde(serialize_with = "excluded_as_list")]
    pub excluded: BTreeMap<(ItemKind, Exclusion), usize>,
    /// Data values left out because an earlier one has the same destination key (two origin
    /// items mapped onto one destination item).
    pub duplicates: usize,
    /// Data element values combined into one by an overlap `replacer` (events).
    pub combined: usize,
}

fn excluded_as_list<S: serde::Serializer>(
    excluded: &BTreeMap<(ItemKind, Exclusion), usize>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Row {
        kind: ItemKind,
        reason: Exclusion,
        count: usize,
    }
    serializer.collect_seq(excluded.iter().map(|(&(kind, reason), &count)| Row {
        kind,
        reason,
        count,
    }))
}

impl ApplyReport {
    pub(crate) fn exclude(&mut self, kind: ItemKind, why: Exclusion) {
        *self.excluded.entry((kind, why)).or_default() += 1;
    }

    pub fn excluded_count(&self, kind: ItemKind) -> usize {
        self.excluded
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|(_, count)| count)
            .sum()
    }

    /// Adds the figures of another chunk of the same payload.
    pub fn merge(&mut self, other: ApplyReport) {
        self.read += other.read;
        self.written += other.written;
        self.duplicates += other.duplicates;
        self.combined += other.combined;
        for (key, count) in other.excluded {
            *self.excluded.entry(key).or_default() += count;
        }
    }
}

impl fmt::Display for ApplyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} read, {} written", self.read, self.written)?;
        for ((kind, why), count) in &self.excluded {
            write!(f, "; {count} {kind} left out ({why})")?;
        }
        if self.duplicates > 0 {
            write!(
                f,
                "; {} duplicate{} left out (same destination item as an earlier one)",
                self.duplicates,
                if self.duplicates == 1 { "" } else { "s" }
            )?;
        }
        if self.combined > 0 {
            write!(f, "; {} values combined by overlaps", self.combined)?;
        }
        Ok(())
    }
}

/// A mapped payload and what mapping it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied<T> {
    pub payload: T,
    pub report: ApplyReport,
}
