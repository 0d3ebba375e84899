//! Metadata objects as auto-map reads them (DHIS2 JSON with the fields [`MAPPABLE_FIELDS`]
//! names), and the name comparison it uses.

use serde::{Deserialize, Serialize};

use super::context::ProgramType;
use crate::model::Uid;

/// The fields to request for origin rows and destination candidates.
pub const MAPPABLE_FIELDS: &str = "id,name,code,path,level,programType,\
categoryCombo[id,name,categories[id,categoryOptions[id,name,code]]],\
optionSet[options[id,name,code]],commentOptionSet[options[id,name,code]],programStages[id,name]";

/// A metadata object as auto-map reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MappableObject {
    pub id: Option<Uid>,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub code: Option<String>,
    pub path: Option<String>,
    pub level: Option<u64>,
    pub program_type: Option<ProgramType>,
    pub category_combo: Option<ComboShape>,
    pub option_set: Option<OptionSetShape>,
    pub comment_option_set: Option<OptionSetShape>,
    pub program_stages: Vec<MappableObject>,
}

impl MappableObject {
    /// The name, else the display name.
    pub fn label(&self) -> &str {
        match (&self.name, &self.display_name) {
            (name, Some(display)) if name.is_empty() => display,
            (name, _) => name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComboShape {
    pub id: Uid,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub categories: Vec<CategoryShape>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryShape {
    pub id: Uid,
    #[serde(default)]
    pub category_options: Vec<MappableObject>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OptionSetShape {
    #[serde(default)]
    pub options: Vec<MappableObject>,
}

/// Lower case, without accents or whitespace: "Centre  de Santé" → "centredesante".
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            continue;
        }
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
            'ç' | 'ć' | 'č' => out.push('c'),
            'ď' | 'đ' => out.push('d'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => out.push('i'),
            'ł' | 'ľ' | 'ĺ' => out.push('l'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'ŕ' | 'ř' => out.push('r'),
            'ś' | 'š' | 'ş' | 'ș' => out.push('s'),
            'ť' | 'ţ' | 'ț' => out.push('t'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            other => out.push(other),
        }
    }
    out
}
