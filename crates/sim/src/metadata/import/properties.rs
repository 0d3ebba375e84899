//! Property values: what `DefaultSchemaValidator` refuses per object (column lengths E4001,
//! e-mail E4003, URL E4004, hex colour E4006), and what Jackson refuses before any import
//! starts (an enum constant the version does not have, text where a number or boolean
//! belongs), which DHIS2 answers with a 500 WebMessage for the whole request.

use super::validate::{dotted, error_report, Candidate, Checker, ErrorSpec};
use crate::metadata::schema::{Catalog, PropertyType, Schema};
use crate::SimVersion;
use serde_json::Value;

/// Column lengths of the Hibernate mappings (`identifiableProperties.hbm`, `*.hbm.xml`).
fn max_length(schema: &Schema, property: &str) -> Option<usize> {
    match (schema.singular.as_str(), property) {
        ("option", "code") => Some(230),
        (_, "code" | "shortName") => Some(50),
        (_, "name" | "formName") => Some(230),
        ("organisationUnit", "contactPerson" | "address") => Some(255),
        ("organisationUnit", "email" | "phoneNumber") => Some(150),
        _ => None,
    }
}

fn is_hex_color(text: &str) -> bool {
    let hex = text.strip_prefix('#').unwrap_or(text);
    matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.contains(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains(char::is_whitespace)
}

/// E4001, E4003, E4004, E4006 of one object's persisted text properties.
pub fn check(checker: &Checker, schema: &Schema, candidate: &mut Candidate) {
    let version = checker.version;
    let mut reports = Vec::new();
    for property in schema.properties.iter().filter(|p| p.persisted) {
        let Some(Value::String(text)) = candidate.object.get(&property.name) else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        let name = &property.name;
        let length = text.chars().count();
        let (code, message, args) = match max_length(schema, name) {
            Some(max) if length > max => (
                "E4001",
                format!(
                    "Maximum length of property `{name}`is {max}, but given length was {length}"
                ),
                vec![name.clone(), max.to_string(), length.to_string()],
            ),
            _ => {
                let what = match property.property_type {
                    PropertyType::Email if !is_email(text) => ("E4003", "a valid email address"),
                    PropertyType::Url
                        if !(text.starts_with("http://") || text.starts_with("https://")) =>
                    {
                        ("E4004", "a valid URL")
                    }
                    PropertyType::Color if !is_hex_color(text) => ("E4006", "a valid HEX color"),
                    _ => continue,
                };
                (
                    what.0,
                    format!("Property `{name}` requires {}, was given `{text}`", what.1),
                    vec![name.clone(), text.clone()],
                )
            }
        };
        reports.push(error_report(
            version,
            ErrorSpec {
                code,
                message: dotted(version, message),
                main_klass: &schema.klass,
                main_id: candidate.id(),
                error_klass: &property.klass,
                error_property: Some(name),
                args,
            },
        ));
    }
    candidate.errors.extend(reports);
}

/// The constants of the enums the catalog's properties use, as each version declares them.
fn enum_constants(klass: &str, version: SimVersion) -> Option<Vec<&'static str>> {
    let minor = version.minor;
    let list: Vec<&'static str> = match klass {
        "org.hisp.dhis.common.ValueType" => {
            let mut list = vec![
                "TEXT",
                "LONG_TEXT",
                "LETTER",
                "PHONE_NUMBER",
                "EMAIL",
                "BOOLEAN",
                "TRUE_ONLY",
                "DATE",
                "DATETIME",
                "TIME",
                "NUMBER",
                "UNIT_INTERVAL",
                "PERCENTAGE",
                "INTEGER",
                "INTEGER_POSITIVE",
                "INTEGER_NEGATIVE",
                "INTEGER_ZERO_OR_POSITIVE",
                "TRACKER_ASSOCIATE",
                "USERNAME",
                "COORDINATE",
                "ORGANISATION_UNIT",
                "AGE",
                "URL",
                "FILE_RESOURCE",
                "IMAGE",
            ];
            if minor >= 38 {
                list.insert(21, "REFERENCE");
                list.push("GEOJSON");
            }
            // Added last in 2.39, moved next to the other texts in 2.40.
            match minor {
                39 => list.push("MULTI_TEXT"),
                40.. => list.insert(2, "MULTI_TEXT"),
                _ => {}
            }
            list
        }
        "org.hisp.dhis.analytics.AggregationType" => {
            let mut list = vec![
                "SUM",
                "AVERAGE",
                "AVERAGE_SUM_ORG_UNIT",
                "LAST",
                "LAST_AVERAGE_ORG_UNIT",
            ];
            if minor >= 40 {
                list.push("LAST_LAST_ORG_UNIT");
            }
            if minor >= 35 {
                list.extend(["LAST_IN_PERIOD", "LAST_IN_PERIOD_AVERAGE_ORG_UNIT"]);
            }
            if minor >= 33 {
                list.extend(["FIRST", "FIRST_AVERAGE_ORG_UNIT"]);
            }
            if minor >= 40 {
                list.push("FIRST_FIRST_ORG_UNIT");
            }
            list.extend(["COUNT", "STDDEV", "VARIANCE", "MIN", "MAX"]);
            if minor >= 40 {
                list.extend(["MIN_SUM_ORG_UNIT", "MAX_SUM_ORG_UNIT"]);
            }
            list.extend(["NONE", "CUSTOM", "DEFAULT"]);
            list
        }
        "org.hisp.dhis.common.DataDimensionType" => vec!["DISAGGREGATION", "ATTRIBUTE"],
        "org.hisp.dhis.dataelement.DataElementDomain" => vec!["AGGREGATE", "TRACKER"],
        "org.hisp.dhis.organisationunit.FeatureType" => {
            vec!["NONE", "MULTI_POLYGON", "POLYGON", "POINT", "SYMBOL"]
        }
        "org.hisp.dhis.program.ProgramType" => vec!["WITH_REGISTRATION", "WITHOUT_REGISTRATION"],
        "org.hisp.dhis.common.AccessLevel" => vec!["OPEN", "AUDITED", "PROTECTED", "CLOSED"],
        _ => return None,
    };
    Some(list)
}

/// Jackson's refusal of the first property value it cannot bind, as DHIS2's default exception
/// handler passes it on (the text follows Jackson 2.12+; the order of the accepted enum values
/// is the declaration order here, Jackson's may differ).
pub fn unreadable(catalog: &Catalog, version: SimVersion, payload: &Value) -> Option<String> {
    let root = payload.as_object()?;
    for (plural, items) in root {
        let Some(schema) = catalog
            .by_plural(plural)
            .filter(|s| s.metadata && s.identifiable)
        else {
            continue;
        };
        for item in items.as_array().into_iter().flatten() {
            for property in &schema.properties {
                let Some(value) = item.get(&property.name) else {
                    continue;
                };
                let chain = format!(
                    "(through reference chain: {}[\"{}\"])",
                    schema.klass, property.name
                );
                let problem = match (property.property_type, value) {
                    (PropertyType::Constant, Value::String(text)) => {
                        let constants = enum_constants(&property.klass, version);
                        constants.filter(|list| !list.contains(&text.as_str())).map(|list| {
                            format!(
                                "Cannot deserialize value of type `{}` from String \"{text}\": not one of the values accepted for Enum class: [{}]",
                                property.klass,
                                list.join(", ")
                            )
                        })
                    }
                    (PropertyType::Boolean, Value::String(text))
                        if text != "true" && text != "false" =>
                    {
                        Some(format!(
                            "Cannot deserialize value of type `java.lang.Boolean` from String \"{text}\": only \"true\" or \"false\" recognized"
                        ))
                    }
                    (PropertyType::Integer | PropertyType::Number, Value::String(text))
                        if text.trim().parse::<f64>().is_err() =>
                    {
                        Some(format!(
                            "Cannot deserialize value of type `{0}` from String \"{text}\": not a valid `{0}` value",
                            property.klass
                        ))
                    }
                    _ => None,
                };
                if let Some(problem) = problem {
                    return Some(format!("{problem}\n {chain}"));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_grow_with_versions() {
        let types =
            |minor| enum_constants("org.hisp.dhis.common.ValueType", SimVersion::new(minor, 0));
        assert!(!types(37).unwrap().contains(&"GEOJSON"));
        assert!(types(38).unwrap().contains(&"REFERENCE"));
        assert_eq!(types(40).unwrap()[2], "MULTI_TEXT");
        assert!(is_hex_color("#a0b1c2") && !is_hex_color("blue"));
        assert!(is_email("x@y.org") && !is_email("nobody"));
    }
}
