use std::fmt;
use std::str::FromStr;

/// The DHIS2 version an instance of the simulator behaves as: `2.MINOR[.PATCH[.HOTFIX]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimVersion {
    pub minor: u32,
    pub patch: u32,
    pub hotfix: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a DHIS2 version the simulator runs; use 2.30 … 2.42, e.g. 2.38 or 2.39.3")]
pub struct SimVersionError(pub String);

impl SimVersion {
    pub const fn new(minor: u32, patch: u32) -> Self {
        SimVersion {
            minor,
            patch,
            hotfix: 0,
        }
    }

    /// True when this version is 2.`minor`.`patch` or later.
    pub fn at_least(self, minor: u32, patch: u32) -> bool {
        (self.minor, self.patch) >= (minor, patch)
    }

    /// True when a change DHIS2 shipped in the given patches (one per minor line, oldest line
    /// first, e.g. `[(38, 6), (39, 5), (40, 3), (41, 0)]`) is in this version: on a listed line
    /// from its patch on, on every later line, on no earlier line.
    pub fn has_fix(self, fixed_in: &[(u32, u32)]) -> bool {
        match fixed_in.iter().find(|(minor, _)| *minor == self.minor) {
            Some((_, patch)) => self.patch >= *patch,
            None => fixed_in
                .iter()
                .map(|(minor, _)| *minor)
                .max()
                .is_some_and(|last| self.minor > last),
        }
    }

    /// The `version` string `/api/system/info` reports: "2.30" had no patch number.
    pub fn system_info_string(self) -> String {
        match (self.minor, self.patch, self.hotfix) {
            (30, 0, 0) => "2.30".to_string(),
            (minor, patch, 0) => format!("2.{minor}.{patch}"),
            (minor, patch, hotfix) => format!("2.{minor}.{patch}.{hotfix}"),
        }
    }
}

impl FromStr for SimVersion {
    type Err = SimVersionError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || SimVersionError(text.to_string());
        let mut numbers = text
            .trim()
            .split('.')
            .map(|part| part.parse::<u32>().map_err(|_| error()));
        let major = numbers.next().ok_or_else(error)??;
        let minor = numbers.next().ok_or_else(error)??;
        let patch = numbers.next().transpose()?.unwrap_or(0);
        let hotfix = numbers.next().transpose()?.unwrap_or(0);
        if major != 2 || !(30..=42).contains(&minor) || numbers.next().is_some() {
            return Err(error());
        }
        Ok(SimVersion {
            minor,
            patch,
            hotfix,
        })
    }
}

impl fmt::Display for SimVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.system_info_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_compares() {
        let v: SimVersion = "2.38.5".parse().unwrap();
        assert!(v.at_least(38, 5) && !v.at_least(39, 0));
        assert_eq!(
            "2.30".parse::<SimVersion>().unwrap().system_info_string(),
            "2.30"
        );
        assert_eq!(
            "2.41".parse::<SimVersion>().unwrap().system_info_string(),
            "2.41.0"
        );
        assert!("2.29".parse::<SimVersion>().is_err());
        let fixed = [(38, 6), (39, 5), (40, 3), (41, 0)];
        let has = |text: &str| text.parse::<SimVersion>().unwrap().has_fix(&fixed);
        assert!(!has("2.37.10") && !has("2.38.5") && has("2.38.6") && has("2.38.7"));
        assert!(!has("2.39.4") && has("2.39.5") && !has("2.40.2") && has("2.40.3"));
        assert!(has("2.41.0") && has("2.42.1"));
        assert!("3.1".parse::<SimVersion>().is_err());
        assert!("2.x".parse::<SimVersion>().is_err());
    }
}
