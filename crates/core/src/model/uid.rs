use std::fmt;
use std::str::FromStr;

/// A DHIS2 identifier: 11 characters of `[a-zA-Z0-9]`, the first a letter.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Uid(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a DHIS2 identifier: it must be 11 letters or digits, starting with a letter")]
pub struct UidError(pub String);

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LETTERS: usize = 52;

impl Uid {
    pub const LENGTH: usize = 11;

    /// A fresh random identifier (the same shape DHIS2's `CodeGenerator` makes).
    pub fn generate() -> Uid {
        let mut random = [0u8; Self::LENGTH];
        // Without randomness the browser or OS is broken beyond what the app can fix; fall back
        // to a fixed pattern mixed with the address of a local so ids still differ in practice.
        if getrandom::getrandom(&mut random).is_err() {
            let seed = &random as *const _ as usize;
            for (index, byte) in random.iter_mut().enumerate() {
                *byte = (seed >> (index % 8)) as u8 ^ (index as u8).wrapping_mul(37);
            }
        }
        let text = random
            .iter()
            .enumerate()
            .map(|(index, byte)| {
                let range = if index == 0 { LETTERS } else { ALPHABET.len() };
                ALPHABET[*byte as usize % range] as char
            })
            .collect();
        Uid(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_valid(text: &str) -> bool {
        text.len() == Self::LENGTH
            && text.bytes().all(|b| b.is_ascii_alphanumeric())
            && text.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
    }
}

impl FromStr for Uid {
    type Err = UidError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if Uid::is_valid(text) {
            Ok(Uid(text.to_string()))
        } else {
            Err(UidError(text.to_string()))
        }
    }
}

impl TryFrom<String> for Uid {
    type Error = UidError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        if Uid::is_valid(&text) {
            Ok(Uid(text))
        } else {
            Err(UidError(text))
        }
    }
}

impl From<Uid> for String {
    fn from(uid: Uid) -> String {
        uid.0
    }
}

impl fmt::Display for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_uids_are_valid_and_distinct() {
        let first = Uid::generate();
        let second = Uid::generate();
        assert!(Uid::is_valid(first.as_str()), "{first}");
        assert_ne!(first, second);
    }

    #[test]
    fn rejects_malformed_identifiers() {
        assert!("fbfJHSPpUQD".parse::<Uid>().is_ok());
        for bad in [
            "",
            "1bfJHSPpUQD",
            "fbfJHSPpUQ",
            "fbfJHSPpUQDx",
            "fbfJHSPp-QD",
        ] {
            assert!(bad.parse::<Uid>().is_err(), "{bad:?}");
        }
        let decoded: Result<Uid, _> = serde_json::from_str("\"short\"");
        assert!(decoded.is_err());
    }
}
