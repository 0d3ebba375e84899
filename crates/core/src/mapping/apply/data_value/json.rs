//! The JSON of `dataValueSets`, read and written without going through serde's generic
//! machinery for the common case: a million values are read, mapped and written per second.
//!
//! Reading walks the bytes once; a key or text without escapes is taken as it stands, and
//! anything less plain (an escape, a number, an unknown field's nested value) is handed to
//! `serde_json` for that one value. Whatever the walk does not expect (a syntax error, a wrong
//! type, a missing field) makes it give up, and the whole answer is then read by `serde_json`,
//! so that errors and results are exactly serde's (the tests compare both on tricky inputs).

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::shared::Interner;
use super::{DataValue, DataValueSet, SharedStr, Text};

/// Reads a `dataValueSets` answer; `None` when serde must (an error, or an unusual shape).
pub(super) fn read_set(body: &[u8]) -> Option<DataValueSet> {
    let mut cursor = Cursor {
        bytes: body,
        at: 0,
        texts: Interner::default(),
    };
    let set = cursor.set()?;
    cursor.whitespace();
    (cursor.at == body.len()).then_some(set)
}

/// The bytes of a JSON text and a position in them. Only strings may hold other than ASCII
/// (anything else makes the walk give up): each is checked for UTF-8 as it is read (once per
/// distinct text: the texts of fields are shared through `texts`).
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
    texts: Interner<'a>,
}

/// A string's contents, the cursor past it; or, when it has an escape, the cursor left on
/// its opening quote (serde reads it).
enum Run<'a> {
    Plain(&'a [u8]),
    Escaped,
}

/// Eight bytes at a time: which of them is a quote, a backslash or a control character
/// (the high bit of each such byte set; exact for every byte below the first such one).
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS;
    let quote = zero_byte(word ^ (ONES * b'"' as u64));
    let backslash = zero_byte(word ^ (ONES * b'\\' as u64));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    quote | backslash | control
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    /// Skips whitespace, then `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        self.whitespace();
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &str) -> bool {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    /// One JSON value read by serde from here (whitespace skipped first).
    fn by_serde<T: DeserializeOwned>(&mut self) -> Option<T> {
        let rest = &self.bytes[self.at..];
        let mut stream = serde_json::Deserializer::from_slice(rest).into_iter::<T>();
        let value = stream.next()?.ok()?;
        self.at += stream.byte_offset();
        Some(value)
    }

    /// A string's run (the cursor on its opening quote); `None` on what is not a valid
    /// string.
    fn run(&mut self) -> Option<Run<'a>> {
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.at + 1;
        let bytes = self.bytes;
        let mut end = start;
        // Whole words while no byte of them ends the plain run.
        while let Some(chunk) = bytes.get(end..end + 8) {
            let word = u64::from_le_bytes(chunk.try_into().ok()?);
            let special = special_bytes(word);
            if special != 0 {
                end += (special.trailing_zeros() / 8) as usize;
                break;
            }
            end += 8;
        }
        loop {
            match bytes.get(end)? {
                b'"' => break,
                b'\\' => return Some(Run::Escaped),
                byte if *byte < 0x20 => return None,
                _ => end += 1,
            }
        }
        self.at = end + 1;
        Some(Run::Plain(&bytes[start..end]))
    }

    /// A string (the cursor on its opening quote): borrowed when it has no escape.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        match self.run()? {
            Run::Plain(bytes) => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
            Run::Escaped => self.by_serde::<String>().map(Cow::Owned),
        }
    }

    /// A text field (`field`: its place in `texts`): a string, or a number or boolean read as
    /// its text; `null` is none.
    fn text(&mut self, field: usize) -> Option<Option<SharedStr>> {
        self.whitespace();
        match self.peek()? {
            b'"' => match self.run()? {
                Run::Plain(bytes) => self.texts.get(field, bytes).map(Some),
                Run::Escaped => self.by_serde::<String>().map(|text| Some(text.into())),
            },
            b'n' if self.literal("null") => Some(None),
            b't' if self.literal("true") => self.texts.get(field, b"true").map(Some),
            b'f' if self.literal("false") => self.texts.get(field, b"false").map(Some),
            _ => self.by_serde::<Text>().map(|text| text.0),
        }
    }

    fn flag(&mut self) -> Option<Option<bool>> {
        self.whitespace();
        match self.peek()? {
            b'n' if self.literal("null") => Some(None),
            b't' if self.literal("true") => Some(Some(true)),
            b'f' if self.literal("false") => Some(Some(false)),
            _ => self.by_serde::<Option<bool>>(),
        }
    }

    /// `"key":` (the cursor before it).
    fn key(&mut self) -> Option<Cow<'a, str>> {
        self.whitespace();
        let key = self.string()?;
        self.eat(b':').then_some(key)
    }

    /// After a member: `true` when another follows (`,`), `false` at `close`.
    fn more(&mut self, close: u8) -> Option<bool> {
        self.whitespace();
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            byte if byte == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    fn set(&mut self) -> Option<DataValueSet> {
        if !self.eat(b'{') {
            return None;
        }
        let mut data_values = None;
        let mut extra = Map::new();
        if !self.eat(b'}') {
            loop {
                let key = self.key()?;
                if key == "dataValues" {
                    if data_values.is_some() {
                        return None;
                    }
                    data_values = Some(self.values()?);
                } else {
                    let value: Value = self.by_serde()?;
                    extra.insert(key.into_owned(), value);
                }
                if !self.more(b'}')? {
                    break;
                }
            }
        }
        Some(DataValueSet {
            data_values: data_values.unwrap_or_default(),
            extra,
        })
    }

    fn values(&mut self) -> Option<Vec<DataValue>> {
        if !self.eat(b'[') {
            return None;
        }
        // A value takes about 150 to 300 bytes: room for most without over-reserving.
        let mut values = Vec::with_capacity((self.bytes.len() - self.at) / 256);
        if self.eat(b']') {
            return Some(values);
        }
        loop {
            // Read in place: a value is too large to be moved cheaply.
            values.push(DataValue::default());
            let last = values.last_mut()?;
            self.value(last)?;
            if !self.more(b']')? {
                return Some(values);
            }
        }
    }

    /// A data value read into `value` (a default one).
    fn value(&mut self, value: &mut DataValue) -> Option<()> {
        if !self.eat(b'{') {
            return None;
        }
        let (mut has_element, mut has_period, mut has_unit) = (false, false, false);
        if self.eat(b'}') {
            return None;
        }
        loop {
            // Keys are matched as bytes: only an unknown or escaped one is read as text.
            self.whitespace();
            let unescaped: String;
            let name: &[u8] = match self.run()? {
                Run::Plain(bytes) => bytes,
                Run::Escaped => {
                    unescaped = self.by_serde()?;
                    unescaped.as_bytes()
                }
            };
            if !self.eat(b':') {
                return None;
            }
            let (field, slot) = match name {
                b"dataElement" => {
                    has_element = true;
                    value.data_element = self.text(0)?.unwrap_or_default();
                    (0, None)
                }
                b"period" => {
                    has_period = true;
                    value.period = self.text(1)?.unwrap_or_default();
                    (1, None)
                }
                b"orgUnit" => {
                    has_unit = true;
                    value.org_unit = self.text(2)?.unwrap_or_default();
                    (2, None)
                }
                b"followup" => {
                    value.followup = self.flag()?;
                    (0, None)
                }
                b"categoryOptionCombo" => (3, Some(&mut value.category_option_combo)),
                b"attributeOptionCombo" => (4, Some(&mut value.attribute_option_combo)),
                b"value" => (5, Some(&mut value.value)),
                b"comment" => (6, Some(&mut value.comment)),
                b"storedBy" => (7, Some(&mut value.stored_by)),
                b"created" => (8, Some(&mut value.created)),
                b"lastUpdated" => (9, Some(&mut value.last_updated)),
                other => {
                    let other = std::str::from_utf8(other).ok()?.to_string();
                    let extra: Value = self.by_serde()?;
                    value.extra.push((other, extra));
                    (0, None)
                }
            };
            if let Some(slot) = slot {
                *slot = self.text(field)?;
            }
            if !self.more(b'}')? {
                break;
            }
        }
        (has_element && has_period && has_unit).then_some(())
    }
}

/// Writes `{"dataValues":[…]}` as `serde_json` would (the same bytes), into a buffer sized
/// for it up front.
pub(super) fn write_set(values: &[DataValue]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + values.iter().map(size_hint).sum::<usize>());
    out.extend_from_slice(b"{\"dataValues\":[");
    for (index, value) in values.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_value(value, &mut out);
    }
    out.extend_from_slice(b"]}");
    out
}

/// About the length of a value's JSON (exact unless it has escapes or unknown fields).
fn size_hint(value: &DataValue) -> usize {
    let optional = [
        &value.category_option_combo,
        &value.attribute_option_combo,
        &value.value,
        &value.comment,
        &value.stored_by,
        &value.created,
        &value.last_updated,
    ];
    // Keys, quotes, colons and commas of every field.
    60 + value.data_element.len()
        + value.period.len()
        + value.org_unit.len()
        + optional
            .iter()
            .map(|field| field.as_ref().map_or(0, |text| text.len() + 24))
            .sum::<usize>()
        + value.followup.map_or(0, |_| 17)
        + value.extra.len() * 48
}

pub(super) fn write_value(value: &DataValue, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"dataElement\":");
    write_str(&value.data_element, out);
    out.extend_from_slice(b",\"period\":");
    write_str(&value.period, out);
    out.extend_from_slice(b",\"orgUnit\":");
    write_str(&value.org_unit, out);
    let optional: [(&[u8], &Option<SharedStr>); 7] = [
        (b",\"categoryOptionCombo\":", &value.category_option_combo),
        (b",\"attributeOptionCombo\":", &value.attribute_option_combo),
        (b",\"value\":", &value.value),
        (b",\"comment\":", &value.comment),
        (b",\"storedBy\":", &value.stored_by),
        (b",\"created\":", &value.created),
        (b",\"lastUpdated\":", &value.last_updated),
    ];
    for (key, field) in optional {
        if let Some(text) = field {
            out.extend_from_slice(key);
            write_str(text, out);
        }
    }
    match value.followup {
        Some(true) => out.extend_from_slice(b",\"followup\":true"),
        Some(false) => out.extend_from_slice(b",\"followup\":false"),
        None => {}
    }
    for (key, extra) in &value.extra {
        out.push(b',');
        write_str(key, out);
        out.push(b':');
        // Writing a `Value` into memory cannot fail.
        let _ = serde_json::to_writer(&mut *out, extra);
    }
    out.push(b'}');
}

/// A JSON string: copied as it stands unless it has something to escape (then serde writes it).
fn write_str(text: &str, out: &mut Vec<u8>) {
    let plain = text
        .bytes()
        .all(|byte| byte >= 0x20 && byte != b'"' && byte != b'\\');
    if plain {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk and serde give the same set, or both refuse.
    fn same_as_serde(text: &str) {
        let ours = DataValueSet::from_json(text.as_bytes());
        let serde = serde_json::from_str::<DataValueSet>(text);
        match (ours, serde) {
            (Ok(ours), Ok(serde)) => {
                assert_eq!(ours, serde, "{text}");
                #[derive(serde::Serialize)]
                struct Body<'a> {
                    #[serde(rename = "dataValues")]
                    data_values: &'a [DataValue],
                }
                assert_eq!(
                    String::from_utf8(DataValueSet::encode_values(&ours.data_values)).unwrap(),
                    serde_json::to_string(&Body {
                        data_values: &serde.data_values
                    })
                    .unwrap(),
                    "{text}"
                );
            }
            (Err(ours), Err(serde)) => assert_eq!(ours.to_string(), serde.to_string(), "{text}"),
            (ours, serde) => panic!("{text}: ours {ours:?}, serde {serde:?}"),
        }
    }

    #[test]
    fn reads_what_serde_reads_and_refuses_what_it_refuses() {
        let cases = [
            r#"{"dataValues":[]}"#,
            r#"{}"#,
            r#" { "dataSet" : "Set0000Aaaa" , "dataValues" : [ { "dataElement" : "Dat0000Aaaa" , "period" : "202401" , "orgUnit" : "Org0000Aaaa" , "value" : "3" } ] , "completeDate" : "2024-02-01" } "#,
            "{\n  \"dataValues\": [\n    {\n      \"dataElement\": \"Dat0000Aaaa\",\n      \"period\": \"202401\",\n      \"orgUnit\": \"Org0000Aaaa\",\n      \"followup\": true\n    }\n  ]\n}\n",
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","categoryOptionCombo":"HllvX50cXC0","attributeOptionCombo":"HllvX50cXC0","value":12.5,"comment":"line\nbreak \"quoted\" \u00e9","storedBy":"ad\\min","created":"2024-02-01T10:00:00.000+0000","lastUpdated":"2024-02-01T10:00:00.000+0000","followup":false,"deleted":false,"nested":{"a":[1,2,{"b":null}]}}]}"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":2024,"orgUnit":"Org0000Aaaa","value":true,"comment":null,"followup":null}]}"#,
            r#"{"dataValues":[{"data\u0045lement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","value":-7,"value":"8"}]}"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","value":"ünïcödé ✓"}],"dataValues2":[1]}"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","value":1e400}]}"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","comment":"a much longer comment, past sixteen bytes, \"quoted\" at 50","storedBy":"0123456789abcdef\\"}]}"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","comment":"données de l'unité d'organisation — ✓✓✓ 数据","storedBy":"12345678"}]}"#,
            "{\"dataValues\":[{\"dataElement\":\"Dat0000Aaaa\",\"period\":\"202401\",\"orgUnit\":\"Org0000Aaaa\",\"comment\":\"0123456789abc\u{1}def\"}]}",
            "{\"dataValues\":[{\"dataElement\":\"Dat0000Aaaa\",\"period\":\"202401\",\"orgUnit\":\"Org0000Aaaa\",\"comment\":\"0123456789abcdef\u{7f}\u{1f}\"}]}",
            // Refused by both.
            r#"{"dataValues":[{"period":"2024"}]}"#,
            r#"{"dataValues":[{}]}"#,
            r#"{"dataValues":null}"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","followup":"yes"}]}"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa"},]}"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa"}]} x"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","value":"a	tab"}]}"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa","value":nul}]}"#,
            r#"{"dataValues":[],"dataValues":[]}"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa""period":"202401"}]}"#,
            r#"<html><body>Login</body></html>"#,
            r#"{"dataValues":[{"dataElement":"Dat0000Aaaa","period":"202401","orgUnit":"Org0000Aaaa""#,
            "",
        ];
        for case in cases {
            same_as_serde(case);
        }
        for invalid_utf8 in [
            &b"{\"dataValues\":[{\"dataElement\":\"\xff\"}]}"[..],
            b"{\"dataValues\":[{\"dataElement\":\"Dat0000Aaaa\",\"period\":\"202401\",\"orgUnit\":\"Org0000Aaaa\",\"comment\":\"0123456789\xc3(\"}]}",
        ] {
            let ours = DataValueSet::from_json(invalid_utf8).unwrap_err();
            let serde = serde_json::from_slice::<DataValueSet>(invalid_utf8).unwrap_err();
            assert_eq!(ours.to_string(), serde.to_string());
        }
    }
}
