//! UIDs named inside expressions (indicator numerators, validation rule sides, predictor
//! generators, program indicator expressions), typed by where they appear.

use serde_json::Value;

/// How a type's expressions are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grammar {
    /// `#{dataElement.categoryOptionCombo.attributeOptionCombo}`, `I{programIndicator}`,
    /// `N{indicator}`, `C{constant}`, `D{program.dataElement}`, `A{program.attribute}`.
    Aggregate,
    /// `#{programStage.dataElement}`, `A{attribute}`, `C{constant}`; `V{…}` are variable names.
    Program,
}

/// JSON paths of the expressions of each type.
const EXPRESSION_FIELDS: &[(&str, Grammar, &[&str])] = &[
    (
        "indicators",
        Grammar::Aggregate,
        &["numerator", "denominator"],
    ),
    (
        "validationRules",
        Grammar::Aggregate,
        &["leftSide.expression", "rightSide.expression"],
    ),
    (
        "predictors",
        Grammar::Aggregate,
        &["generator.expression", "sampleSkipTest.expression"],
    ),
    (
        "programIndicators",
        Grammar::Program,
        &["expression", "filter"],
    ),
];

/// The (plural, uid) pairs an object's expressions name.
pub fn expression_references(plural: &str, object: &Value) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    for (owner, grammar, paths) in EXPRESSION_FIELDS {
        if *owner != plural {
            continue;
        }
        for path in *paths {
            let text = path
                .split('.')
                .try_fold(object, |value, key| value.get(key))
                .and_then(Value::as_str);
            if let Some(text) = text {
                scan(text, *grammar, &mut found);
            }
        }
    }
    found
}

fn scan(text: &str, grammar: Grammar, found: &mut Vec<(&'static str, String)>) {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let prefix = item_prefix(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        for (position, part) in inner.split('.').enumerate() {
            if !is_uid(part) {
                continue;
            }
            if let Some(plural) = type_at(grammar, prefix, position, inner.contains('.')) {
                found.push((plural, part.to_string()));
            }
        }
        rest = &rest[open + close + 1..];
    }
}

/// The item marker before `{`: `#`, `A`, `C`, `D`, `I`, `N`, `R`, `V`, `OUG`…
fn item_prefix(before: &str) -> &str {
    let start = before
        .rfind(|c: char| !(c.is_ascii_uppercase() || c == '#'))
        .map_or(0, |i| i + 1);
    &before[start..]
}

fn type_at(grammar: Grammar, prefix: &str, position: usize, dotted: bool) -> Option<&'static str> {
    match (grammar, prefix, position) {
        (Grammar::Aggregate, "#", 0) => Some("dataElements"),
        (Grammar::Aggregate, "#", _) => Some("categoryOptionCombos"),
        (Grammar::Aggregate, "D", 1) => Some("dataElements"),
        (Grammar::Aggregate, "A", 1) => Some("trackedEntityAttributes"),
        (Grammar::Aggregate, "I", 0) => Some("programIndicators"),
        (Grammar::Aggregate, "N", 0) => Some("indicators"),
        (Grammar::Program, "#", 0) if dotted => Some("programStages"),
        (Grammar::Program, "#", _) => Some("dataElements"),
        (Grammar::Program, "A", _) => Some("trackedEntityAttributes"),
        (_, "C", 0) => Some("constants"),
        (_, "OUG", 0) => Some("organisationUnitGroups"),
        _ => None,
    }
}

/// DHIS2's UID shape: 11 characters, a letter first, then letters and digits.
pub fn is_uid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 11
        && bytes[0].is_ascii_alphabetic()
        && bytes.iter().all(u8::is_ascii_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_indicator_and_program_indicator_expressions() {
        let indicator = json!({"numerator": "#{pmRn0GsUfr6}+#{DPNsg3wjxGm.HllvX50cXC0}*C{Gfd3ppDfq8E}",
            "denominator": "N{K1DkT2kokjD} + I{ISTEJWQz7tr} + 1"});
        let found = expression_references("indicators", &indicator);
        assert_eq!(
            found,
            vec![
                ("dataElements", "pmRn0GsUfr6".to_string()),
                ("dataElements", "DPNsg3wjxGm".to_string()),
                ("categoryOptionCombos", "HllvX50cXC0".to_string()),
                ("constants", "Gfd3ppDfq8E".to_string()),
                ("indicators", "K1DkT2kokjD".to_string()),
                ("programIndicators", "ISTEJWQz7tr".to_string()),
            ]
        );
        let program_indicator = json!({"expression": "#{xfxTWRvnCOK.BuZ5LGNfGET} + A{ypGAwVRNtVY}",
            "filter": "V{event_date} > 0 && d2:hasValue(#{xfxTWRvnCOK.mB2QHw1tU96})"});
        let found = expression_references("programIndicators", &program_indicator);
        assert_eq!(found.len(), 5);
        assert_eq!(found[0], ("programStages", "xfxTWRvnCOK".to_string()));
        assert_eq!(found[1], ("dataElements", "BuZ5LGNfGET".to_string()));
        assert_eq!(
            found[2],
            ("trackedEntityAttributes", "ypGAwVRNtVY".to_string())
        );
        let rule = json!({"leftSide": {"expression": "#{FyouhDzv0bP}"}});
        assert_eq!(expression_references("validationRules", &rule).len(), 1);
        assert!(expression_references("dataElements", &indicator).is_empty());
    }
}
