use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A DHIS2 server version as `/api/system/info` reports it:
/// `MAJOR.MINOR[.PATCH[.HOTFIX]][-SUFFIX]`, e.g. `2.30`, `2.38.1.1`, `2.41-SNAPSHOT`.
///
/// Ordering compares the numbers only (a missing patch counts as 0); the suffix is kept for
/// display. Newer servers sometimes drop the leading `2.` (`41.0.1`); that is read as `2.41.0.1`.
#[derive(Debug, Clone, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: Option<u32>,
    pub hotfix: Option<u32>,
    pub suffix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a DHIS2 version; expected something like 2.38 or 2.40.1")]
pub struct VersionParseError(pub String);

impl Version {
    /// The oldest DHIS2 version MetaData Sync talks to.
    pub const OLDEST_SUPPORTED: Version = Version::new(2, 30);

    pub const fn new(major: u32, minor: u32) -> Self {
        Version {
            major,
            minor,
            patch: None,
            hotfix: None,
            suffix: None,
        }
    }

    pub const fn with_patch(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch: Some(patch),
            hotfix: None,
            suffix: None,
        }
    }

    /// True when this version is `major.minor.patch` or later.
    pub fn at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.numbers() >= (major, minor, patch, 0)
    }

    /// True when this is a 2.x release at or above 2.`minor`.
    pub fn minor_at_least(&self, minor: u32) -> bool {
        self.at_least(2, minor, 0)
    }

    /// Personal access tokens (`Authorization: ApiToken …`) exist from 2.37 on.
    pub fn supports_api_tokens(&self) -> bool {
        self.minor_at_least(37)
    }

    pub fn is_supported(&self) -> bool {
        *self >= Self::OLDEST_SUPPORTED
    }

    fn numbers(&self) -> (u32, u32, u32, u32) {
        (
            self.major,
            self.minor,
            self.patch.unwrap_or(0),
            self.hotfix.unwrap_or(0),
        )
    }
}

impl FromStr for Version {
    type Err = VersionParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || VersionParseError(text.to_string());
        let trimmed = text.trim();
        let (numbers, suffix) = match trimmed.split_once('-') {
            Some((numbers, suffix)) if !suffix.is_empty() => (numbers, Some(suffix.to_string())),
            Some(_) => return Err(error()),
            None => (trimmed, None),
        };
        let parts = numbers
            .split('.')
            .map(|part| {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(error());
                }
                part.parse::<u32>().map_err(|_| error())
            })
            .collect::<Result<Vec<u32>, _>>()?;
        // "41.0.1" (no leading "2.") is the newer numbering of 2.41.0.1.
        let parts = match parts.first() {
            Some(&first) if first >= 30 => std::iter::once(2).chain(parts).collect(),
            _ => parts,
        };
        match parts.as_slice() {
            [major, minor] => Ok(Version {
                major: *major,
                minor: *minor,
                patch: None,
                hotfix: None,
                suffix,
            }),
            [major, minor, patch] => Ok(Version {
                major: *major,
                minor: *minor,
                patch: Some(*patch),
                hotfix: None,
                suffix,
            }),
            [major, minor, patch, hotfix] => Ok(Version {
                major: *major,
                minor: *minor,
                patch: Some(*patch),
                hotfix: Some(*hotfix),
                suffix,
            }),
            _ => Err(error()),
        }
    }
}

impl TryFrom<String> for Version {
    type Error = VersionParseError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Version> for String {
    fn from(version: Version) -> String {
        version.to_string()
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(patch) = self.patch {
            write!(f, ".{patch}")?;
        }
        if let Some(hotfix) = self.hotfix {
            write!(f, ".{hotfix}")?;
        }
        if let Some(suffix) = &self.suffix {
            write!(f, "-{suffix}")?;
        }
        Ok(())
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.numbers() == other.numbers()
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers().cmp(&other.numbers())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Version {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_every_documented_form() {
        assert_eq!(parse("2.30"), Version::new(2, 30));
        assert_eq!(parse("2.30").patch, None);
        let hotfix = parse("2.38.1.1");
        assert_eq!(
            (hotfix.minor, hotfix.patch, hotfix.hotfix),
            (38, Some(1), Some(1))
        );
        let snapshot = parse("2.41-SNAPSHOT");
        assert_eq!(
            (snapshot.minor, snapshot.suffix.as_deref()),
            (41, Some("SNAPSHOT"))
        );
        assert_eq!(parse("2.41.10-SNAPSHOT").patch, Some(10));
        assert_eq!(parse("41.0.1"), parse("2.41.0.1"));
    }

    #[test]
    fn display_round_trips() {
        for text in ["2.30", "2.38.1.1", "2.41-SNAPSHOT", "2.40.0"] {
            assert_eq!(parse(text).to_string(), text);
        }
    }

    #[test]
    fn orders_by_numbers_with_missing_patch_as_zero() {
        assert!(parse("2.38.5") > parse("2.38.4.3"));
        assert!(parse("2.39") < parse("2.40.0.1"));
        assert_eq!(parse("2.40"), parse("2.40.0"));
        assert!(parse("2.41-SNAPSHOT").at_least(2, 41, 0));
        assert!(!parse("2.38.4").at_least(2, 38, 5));
        assert!(!parse("2.29").is_supported());
        assert!(parse("2.30").is_supported());
    }

    #[test]
    fn rejects_what_is_not_a_version() {
        for text in [
            "",
            "2",
            "two.thirty",
            "2..3",
            "2.38.",
            "2.38-",
            "<html>",
            "2.3.4.5.6",
        ] {
            assert!(
                text.parse::<Version>().is_err(),
                "{text:?} should be rejected"
            );
        }
    }
}
