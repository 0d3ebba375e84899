//! Disaggregation of the demo: sex, age groups and sex × age, plus DHIS2's `default` combo.

use super::identifiable;
use super::rng::uid;
use serde_json::{json, Value};

/// The `default` objects every DHIS2 database has, with the UIDs of DHIS2's demo databases.
pub const DEFAULT_COMBO: &str = "bjDvmb4bfuf";
pub const DEFAULT_OPTION_COMBO: &str = "HllvX50cXC0";
const DEFAULT_CATEGORY: &str = "GLevLNI9wkl";
const DEFAULT_OPTION: &str = "xYerKDKCefk";

/// A category combo with its option combos (UIDs), in DHIS2's order.
#[derive(Debug, Clone)]
pub struct Combo {
    pub id: String,
    pub option_combos: Vec<String>,
}

/// (name, code, options as (name, code)).
type CategorySpec = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

pub struct Categories {
    pub default: Combo,
    pub sex: Combo,
    pub age: Combo,
    pub age_and_sex: Combo,
    pub objects: Vec<(&'static str, Value)>,
}

fn option_object(id: &str, name: &str, code: &str) -> Value {
    let mut option = identifiable(id, name, Some(code));
    option["shortName"] = json!(name);
    // Data entry needs data write sharing on every option of the combos it uses.
    option["sharing"] = json!({ "public": "rwrw----", "external": false });
    option
}

/// Builds categories, options, combos and option combos. Option combo UIDs derive from their
/// option names, so both demo sides share them.
pub fn build() -> Categories {
    let mut objects: Vec<(&'static str, Value)> = Vec::new();
    objects.push((
        "categoryOptions",
        option_object(DEFAULT_OPTION, "default", "default"),
    ));
    let mut default_category = identifiable(DEFAULT_CATEGORY, "default", Some("default"));
    default_category["dataDimensionType"] = json!("DISAGGREGATION");
    default_category["categoryOptions"] = json!([{ "id": DEFAULT_OPTION }]);
    objects.push(("categories", default_category));

    let categories: [CategorySpec; 2] = [
        ("Sex", "SEX", &[("Male", "MALE"), ("Female", "FEMALE")]),
        (
            "Age",
            "AGE",
            &[
                ("<5y", "AGE_0_4"),
                ("5-14y", "AGE_5_14"),
                ("15-49y", "AGE_15_49"),
                ("50+y", "AGE_50_PLUS"),
            ],
        ),
    ];
    let mut option_ids: Vec<Vec<(String, String)>> = Vec::new();
    for (name, code, options) in categories {
        let mut ids = Vec::new();
        for (option_name, option_code) in options {
            let id = uid(&format!("co:{option_name}"));
            objects.push((
                "categoryOptions",
                option_object(&id, option_name, option_code),
            ));
            ids.push((id, option_name.to_string()));
        }
        let mut category = identifiable(&uid(&format!("cat:{name}")), name, Some(code));
        category["shortName"] = json!(name);
        category["dataDimensionType"] = json!("DISAGGREGATION");
        category["dataDimension"] = json!(true);
        category["categoryOptions"] = json!(ids
            .iter()
            .map(|(id, _)| json!({ "id": id }))
            .collect::<Vec<_>>());
        objects.push(("categories", category));
        option_ids.push(ids);
    }
    let (sex, age) = (&option_ids[0], &option_ids[1]);

    let mut combo = |name: &str,
                     category_names: &[&str],
                     parts: Vec<Vec<&(String, String)>>|
     -> Combo {
        let id = if name == "default" {
            DEFAULT_COMBO.to_string()
        } else {
            uid(&format!("cc:{name}"))
        };
        let mut object = identifiable(
            &id,
            name,
            Some(&name.to_ascii_uppercase().replace(' ', "_")),
        );
        object["dataDimensionType"] = json!("DISAGGREGATION");
        object["skipTotal"] = json!(false);
        object["categories"] = json!(category_names
            .iter()
            .map(|c| json!({ "id": if *c == "default" { DEFAULT_CATEGORY.to_string() } else { uid(&format!("cat:{c}")) } }))
            .collect::<Vec<_>>());
        objects.push(("categoryCombos", object));
        let mut option_combos = Vec::new();
        for options in parts {
            let names: Vec<&str> = options.iter().map(|(_, n)| n.as_str()).collect();
            let combo_name = names.join(", ");
            let combo_id = if name == "default" {
                DEFAULT_OPTION_COMBO.to_string()
            } else {
                uid(&format!("coc:{combo_name}"))
            };
            let mut coc = identifiable(&combo_id, &combo_name, None);
            coc["categoryCombo"] = json!({ "id": id });
            coc["categoryOptions"] = json!(options
                .iter()
                .map(|(option, _)| json!({ "id": option }))
                .collect::<Vec<_>>());
            coc["ignoreApproval"] = json!(false);
            objects.push(("categoryOptionCombos", coc));
            option_combos.push(combo_id);
        }
        Combo { id, option_combos }
    };
    let default_pair = (DEFAULT_OPTION.to_string(), "default".to_string());
    let default = combo("default", &["default"], vec![vec![&default_pair]]);
    let sex_combo = combo("Sex", &["Sex"], sex.iter().map(|o| vec![o]).collect());
    let age_combo = combo("Age", &["Age"], age.iter().map(|o| vec![o]).collect());
    let both = age
        .iter()
        .flat_map(|a| sex.iter().map(move |s| vec![a, s]))
        .collect();
    let age_and_sex = combo("Age and sex", &["Age", "Sex"], both);
    Categories {
        default,
        sex: sex_combo,
        age: age_combo,
        age_and_sex,
        objects,
    }
}
