//! Checks a value against its data element's value type, as DHIS2's `ValidationUtils` does.

use super::dates::parse_timestamp;

/// Why a value does not fit: DHIS2's i18n key and its English text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid {
    pub key: &'static str,
    pub text: &'static str,
}

const fn invalid(key: &'static str, text: &'static str) -> Option<Invalid> {
    Some(Invalid { key, text })
}

fn is_number(value: &str) -> bool {
    let trimmed = value.trim();
    !trimmed.is_empty()
        && trimmed == value
        && trimmed.parse::<f64>().is_ok_and(f64::is_finite)
        && !trimmed.contains(['e', 'E', 'x', 'X'])
        && !trimmed.eq_ignore_ascii_case("nan")
}

fn is_integer(value: &str) -> bool {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && value.parse::<i64>().is_ok()
}

/// DHIS2 normalises booleans before validation (`1`/`0`, any case) — see `normalize_boolean`.
pub fn normalize_boolean(value: &str, value_type: &str) -> String {
    if !matches!(value_type, "BOOLEAN" | "TRUE_ONLY") {
        return value.to_string();
    }
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "t" | "yes" | "y" => "true".to_string(),
        "false" | "0" | "f" | "no" | "n" => "false".to_string(),
        _ => value.to_string(),
    }
}

/// `None` when `value` fits `value_type`.
pub fn check_value(value: &str, value_type: &str) -> Option<Invalid> {
    if value.len() > 50_000 {
        return invalid(
            "value_length_greater_than_max_length",
            "Data value is longer than max length",
        );
    }
    match value_type {
        "NUMBER" | "UNIT_INTERVAL" | "PERCENTAGE" if !is_number(value) => {
            invalid("value_not_numeric", "Data value is not numeric")
        }
        "UNIT_INTERVAL" if !(0.0..=1.0).contains(&value.parse::<f64>().unwrap_or(-1.0)) => invalid(
            "value_not_unit_interval",
            "Data value is not a unit interval",
        ),
        "PERCENTAGE" if !(0.0..=100.0).contains(&value.parse::<f64>().unwrap_or(-1.0)) => {
            invalid("value_not_percentage", "Data value is not a percentage")
        }
        "INTEGER" if !is_integer(value) => {
            invalid("value_not_integer", "Data value is not an integer")
        }
        "INTEGER_POSITIVE" if !is_integer(value) || value.parse::<i64>().unwrap_or(0) <= 0 => {
            invalid(
                "value_not_positive_integer",
                "Data value is not a positive integer",
            )
        }
        "INTEGER_NEGATIVE" if !is_integer(value) || value.parse::<i64>().unwrap_or(0) >= 0 => {
            invalid(
                "value_not_negative_integer",
                "Data value is not a negative integer",
            )
        }
        "INTEGER_ZERO_OR_POSITIVE"
            if !is_integer(value) || value.parse::<i64>().unwrap_or(-1) < 0 =>
        {
            invalid(
                "value_not_zero_or_positive_integer",
                "Data value is not zero or positive integer",
            )
        }
        "BOOLEAN" if value != "true" && value != "false" => {
            invalid("value_not_bool", "Data value is not boolean")
        }
        "TRUE_ONLY" if value != "true" => invalid(
            "value_not_true_only",
            "Data value is not true (true-only value type)",
        ),
        "DATE" if value.len() != 10 || parse_timestamp(value).is_none() => {
            invalid("value_not_valid_date", "Data value is not a valid date")
        }
        "DATETIME" if parse_timestamp(value).is_none() => invalid(
            "value_not_valid_datetime",
            "Data value is not a valid datetime",
        ),
        "TEXT" if value.chars().count() > 50_000 => invalid(
            "value_length_greater_than_max_length",
            "Data value is longer than max length",
        ),
        _ => None,
    }
}

/// Zero for a numeric data element whose zeros are not stored.
pub fn is_insignificant_zero(value: &str, value_type: &str, zero_is_significant: bool) -> bool {
    let numeric = matches!(
        value_type,
        "NUMBER"
            | "INTEGER"
            | "INTEGER_POSITIVE"
            | "INTEGER_NEGATIVE"
            | "INTEGER_ZERO_OR_POSITIVE"
            | "PERCENTAGE"
            | "UNIT_INTERVAL"
    );
    numeric && !zero_is_significant && value.parse::<f64>().is_ok_and(|number| number == 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_types() {
        assert_eq!(check_value("12", "INTEGER_POSITIVE"), None);
        assert_eq!(
            check_value("0", "INTEGER_POSITIVE").unwrap().key,
            "value_not_positive_integer"
        );
        assert_eq!(
            check_value("40L", "INTEGER_POSITIVE").unwrap().text,
            "Data value is not a positive integer"
        );
        assert_eq!(check_value("0", "INTEGER_ZERO_OR_POSITIVE"), None);
        assert!(check_value("-1", "INTEGER_ZERO_OR_POSITIVE").is_some());
        assert!(check_value("1.5", "INTEGER").is_some());
        assert_eq!(check_value("-1.5", "NUMBER"), None);
        assert!(check_value("abc", "NUMBER").is_some());
        assert!(check_value("101", "PERCENTAGE").is_some());
        assert_eq!(check_value("true", "BOOLEAN"), None);
        assert!(check_value("false", "TRUE_ONLY").is_some());
        assert_eq!(check_value("2024-02-29", "DATE"), None);
        assert!(check_value("2023-02-29", "DATE").is_some());
        assert_eq!(check_value("anything", "LONG_TEXT"), None);
        assert_eq!(normalize_boolean("1", "BOOLEAN"), "true");
        assert!(is_insignificant_zero("0", "INTEGER", false));
        assert!(!is_insignificant_zero("0", "INTEGER", true));
    }
}
