//! Rewriting the ids inside expressions in place: `#{dataElement.optionCombo}`, `D{program.de}`,
//! `A{attribute}`, `#{stage.dataElement}`, `PS_EVENTDATE:stage`…; the rest of the text (spaces,
//! functions, operators) is left exactly as it was.
//!
//! MDSync parses an expression into tokens and builds it again, which fails on anything its
//! small grammar does not know (functions such as `if`, `isNull`, `d2:…`, `[days]` aside): it
//! then leaves the whole expression unmapped, and when it succeeds it respaces it. We rewrite
//! the ids where they stand.

/// How an expression's `#{…}` items read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grammar {
    /// Indicators, validation rules, predictors: `#{dataElement.optionCombo.attributeCombo}`.
    Aggregate,
    /// Program indicators: `#{programStage.dataElement}`, `A{attribute}`.
    Program,
}

/// The JSON paths of the expressions of each metadata type.
pub const EXPRESSION_FIELDS: &[(&str, Grammar, &[&str])] = &[
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

/// One item of an expression: its marker (`#`, `A`, `D`, `C`, `I`, `N`, `R`, `OUG`,
/// `PS_EVENTDATE:`…) and its dot-separated parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item<'a> {
    pub marker: &'a str,
    pub parts: Vec<&'a str>,
}

/// Rewrites every item of `text` with `map`, which returns the new parts (same count) or `None`
/// to leave the item as it is. Returns `None` when nothing changed.
pub fn rewrite(
    text: &str,
    map: &mut dyn FnMut(&Item<'_>) -> Option<Vec<String>>,
) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    loop {
        let brace = rest.find('{');
        let stage_date = rest.find(STAGE_DATE);
        match (brace, stage_date) {
            (Some(open), stage) if stage.is_none_or(|stage| open < stage) => {
                let Some(length) = rest[open..].find('}') else {
                    break;
                };
                let marker = marker_before(&rest[..open]);
                let inner = &rest[open + 1..open + length];
                out.push_str(&rest[..open + 1]);
                let item = Item {
                    marker,
                    parts: inner.split('.').collect(),
                };
                match map(&item) {
                    Some(parts) if parts.join(".") != inner => {
                        changed = true;
                        out.push_str(&parts.join("."));
                    }
                    _ => out.push_str(inner),
                }
                out.push('}');
                rest = &rest[open + length + 1..];
            }
            (_, Some(stage)) => {
                let start = stage + STAGE_DATE.len();
                let id_length = rest[start..]
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(rest.len() - start);
                out.push_str(&rest[..start]);
                let id = &rest[start..start + id_length];
                let item = Item {
                    marker: STAGE_DATE,
                    parts: vec![id],
                };
                match map(&item) {
                    Some(parts) if parts.len() == 1 && parts[0] != id => {
                        changed = true;
                        out.push_str(&parts[0]);
                    }
                    _ => out.push_str(id),
                }
                rest = &rest[start + id_length..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// `PS_EVENTDATE:<stage>` (program indicators): the date of an event of that stage.
pub const STAGE_DATE: &str = "PS_EVENTDATE:";

/// The item marker before `{`: `#`, `A`, `C`, `D`, `I`, `N`, `R`, `V`, `OUG`…
fn marker_before(before: &str) -> &str {
    let start = before
        .rfind(|c: char| !(c.is_ascii_uppercase() || c == '#'))
        .map_or(0, |i| i + 1);
    &before[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_rewritten_where_they_stand() {
        let text = "if(isNull(#{Dat0000Aaaa.Coc0000Aaaa}), 0, #{Dat0000Aaaa})*C{Con0000Aaaa} \
                    + d2:daysBetween(PS_EVENTDATE:Stg0000Aaaa, V{event_date})";
        let mut seen = Vec::new();
        let rewritten = rewrite(text, &mut |item| {
            seen.push((item.marker.to_string(), item.parts.join(".")));
            let parts = item
                .parts
                .iter()
                .map(|part| part.replace("Aaaa", "Bbbb"))
                .collect();
            (item.marker != "V").then_some(parts)
        })
        .expect("changed");
        assert_eq!(
            rewritten,
            "if(isNull(#{Dat0000Bbbb.Coc0000Bbbb}), 0, #{Dat0000Bbbb})*C{Con0000Bbbb} \
             + d2:daysBetween(PS_EVENTDATE:Stg0000Bbbb, V{event_date})"
        );
        assert_eq!(
            seen,
            [
                ("#".to_string(), "Dat0000Aaaa.Coc0000Aaaa".to_string()),
                ("#".into(), "Dat0000Aaaa".into()),
                ("C".into(), "Con0000Aaaa".into()),
                ("PS_EVENTDATE:".into(), "Stg0000Aaaa".into()),
                ("V".into(), "event_date".into()),
            ]
        );
        assert_eq!(rewrite("1 + 2", &mut |_| None), None);
        assert_eq!(rewrite("#{unclosed", &mut |_| None), None);
    }
}
