//! `SharedStr`: the text of a data value's field, shared. A `dataValueSets` answer repeats the
//! same few data elements, periods, org units, combos, users and times thousands of times;
//! reading each once and sharing it saves an allocation per field per value (about ten per
//! value), which is most of what reading a million values costs.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::mapping::hash::FxMap;

/// Immutable text shared by reference count: cloning it copies a pointer. It reads as a `str`
/// (`Deref`), compares with `str` and `String`, and is made from either with `into()`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Hash for SharedStr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> Self {
        SharedStr(Arc::from(text))
    }
}

impl From<&String> for SharedStr {
    fn from(text: &String) -> Self {
        SharedStr(Arc::from(text.as_str()))
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> Self {
        SharedStr(Arc::from(text))
    }
}

impl From<SharedStr> for String {
    fn from(text: SharedStr) -> Self {
        text.as_str().to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SharedStr::from)
    }
}

/// One text per distinct spelling while reading an answer (its keys borrow the answer's
/// bytes, so that a text seen before is neither checked for UTF-8 nor copied again). Long
/// texts are rarely repeated: they are not kept. Each field also remembers its last text: an
/// answer is sorted, so that most fields repeat the previous value's.
pub(crate) struct Interner<'a> {
    known: FxMap<&'a [u8], SharedStr>,
    last: [Option<(&'a [u8], SharedStr)>; Interner::FIELDS],
}

impl Default for Interner<'_> {
    fn default() -> Self {
        Interner {
            // Room for an answer's usual ids without growing.
            known: FxMap::with_capacity_and_hasher(1024, Default::default()),
            last: Default::default(),
        }
    }
}

impl<'a> Interner<'a> {
    /// How many fields remember their last text (`get`'s `field` is below it).
    pub(crate) const FIELDS: usize = 10;
    /// Texts longer than this are shared only by the value that holds them.
    const LONGEST: usize = 40;
    /// Enough for the ids, periods, users, times and small numbers of an answer.
    const MOST: usize = 1 << 16;

    /// The text of `bytes` read for `field`; `None` when they are not UTF-8.
    pub(crate) fn get(&mut self, field: usize, bytes: &'a [u8]) -> Option<SharedStr> {
        let last = self.last.get_mut(field);
        if let Some(Some((seen, shared))) = &last {
            if *seen == bytes {
                return Some(shared.clone());
            }
        }
        let shared = Self::lookup(&mut self.known, bytes)?;
        if let Some(last) = last {
            *last = Some((bytes, shared.clone()));
        }
        Some(shared)
    }

    fn lookup(known: &mut FxMap<&'a [u8], SharedStr>, bytes: &'a [u8]) -> Option<SharedStr> {
        if bytes.len() > Self::LONGEST {
            return std::str::from_utf8(bytes).ok().map(SharedStr::from);
        }
        if let Some(shared) = known.get(bytes) {
            return Some(shared.clone());
        }
        let shared = SharedStr::from(std::str::from_utf8(bytes).ok()?);
        if known.len() < Self::MOST {
            known.insert(bytes, shared.clone());
        }
        Some(shared)
    }
}

#[cfg(test)]
mod tests {
    use super::super::DataValueSet;
    use super::*;

    #[test]
    fn an_answer_reads_each_repeated_text_once_and_compares_as_text() {
        let body = br#"{"dataValues":[
            {"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","value":"7","storedBy":"admin"},
            {"dataElement":"Dat0000Bbbb","period":"202401","orgUnit":"Org0000Bbbb","value":"8","storedBy":"admin"},
            {"dataElement":"Dat0000Aaaa","period":"202402","orgUnit":"Org0000Aaaa","value":"7","storedBy":"admin"}]}"#;
        let set = DataValueSet::from_json(body).expect("set");
        let [a, b, c] = &set.data_values[..] else {
            panic!("three values: {set:?}");
        };
        let same = |x: &SharedStr, y: &SharedStr| std::ptr::eq(x.as_ptr(), y.as_ptr());
        // The same spelling in another value, in the previous value or further back, is shared.
        assert!(same(&a.data_element, &c.data_element));
        assert!(same(&a.period, &b.period));
        assert!(same(&a.org_unit, &c.org_unit));
        assert!(!same(&a.org_unit, &b.org_unit));
        let stored_by = |v: &crate::mapping::DataValue| v.stored_by.clone().expect("storedBy");
        assert!(same(&stored_by(a), &stored_by(c)));
        // It reads, compares, hashes and prints as its text.
        assert_eq!(a.data_element, "Dat0000Aaaa");
        assert_eq!("Dat0000Aaaa", a.data_element);
        assert_eq!(a.data_element, String::from("Dat0000Aaaa"));
        assert_eq!(a.value.as_deref(), Some("7"));
        assert_eq!(format!("{}/{:?}", a.period, a.period), "202401/\"202401\"");
        let mut seen = std::collections::HashSet::new();
        seen.insert(a.data_element.clone());
        assert!(seen.contains("Dat0000Aaaa"));
        assert_eq!(String::from(c.period.clone()), "202402");
        assert_eq!(
            serde_json::to_string(&a.org_unit).unwrap(),
            "\"Org0000Aaaa\""
        );
    }
}
