//! Lock exceptions (`/api/lockExceptions`): a (data set, period, org unit) that stays open for
//! data entry after the data set's expiry days have passed (`LockExceptionController`).

use super::dates::parse_period;
use super::meta::referenced_ids;
use crate::metadata::MetadataStore;
use crate::{RequestContext, SimResponse};
use serde_json::{json, Value};

/// One lock exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockException {
    pub data_set: String,
    pub period: String,
    pub org_unit: String,
}

/// Every lock exception of an instance.
#[derive(Debug, Default)]
pub struct LockExceptions(Vec<LockException>);

impl LockExceptions {
    pub fn add(&mut self, data_set: &str, period: &str, org_unit: &str) {
        let exception = LockException {
            data_set: data_set.to_string(),
            period: period.to_string(),
            org_unit: org_unit.to_string(),
        };
        if !self.0.contains(&exception) {
            self.0.push(exception);
        }
    }

    /// DHIS2 skips the lookup when no exception exists at all (`skipLockExceptionCheck`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn opens(&self, data_set: &str, period: &str, org_unit: &str) -> bool {
        self.0
            .iter()
            .any(|e| e.data_set == data_set && e.period == period && e.org_unit == org_unit)
    }

    /// `GET|POST|DELETE /api/lockExceptions`.
    pub fn handle(&mut self, ctx: &RequestContext, metadata: &MetadataStore) -> SimResponse {
        let version = ctx.version;
        let param = |key: &str| ctx.query.get(key).map(str::trim).unwrap_or("");
        let data_set = metadata.get("dataSets", param("ds"));
        let period_valid = parse_period(param("pe")).is_some();
        match ctx.method {
            "GET" => {
                let listed: Vec<Value> = self
                    .0
                    .iter()
                    .map(|e| {
                        json!({ "period": { "id": e.period },
                                "organisationUnit": { "id": e.org_unit },
                                "dataSet": { "id": e.data_set } })
                    })
                    .collect();
                SimResponse::json(200, &json!({ "lockExceptions": listed }))
            }
            "POST" => {
                let Some(data_set) = data_set.filter(|_| period_valid) else {
                    return message(version, 409, " DataSet or Period is invalid");
                };
                if !may_change(ctx, data_set) {
                    return message(
                        version,
                        403,
                        "You don't have the proper permissions to update this object",
                    );
                }
                let units = unit_list(param("ou"));
                if units.is_empty() {
                    return message(version, 409, "OrganisationUnit ID is invalid.");
                }
                let assigned = referenced_ids(data_set, "organisationUnits", None);
                let mut added = false;
                for unit in &units {
                    if metadata.get("organisationUnits", unit).is_none() {
                        return message(
                            version,
                            409,
                            &format!("Can't find OrganisationUnit with id ={unit}"),
                        );
                    }
                    if assigned.contains(unit) {
                        self.add(param("ds"), param("pe"), unit);
                        added = true;
                    }
                }
                if !added {
                    return message(
                        version,
                        409,
                        &format!(
                            "None of the target organisation unit(s) {} is linked to the specified data set: {}",
                            units.join(","),
                            param("ds")
                        ),
                    );
                }
                message(version, 201, "LockException created successfully.")
            }
            "DELETE" => {
                if data_set.is_none() || !period_valid {
                    return message(
                        version,
                        409,
                        &format!(
                            "Can't find LockException with combination: dataSet={}, period={}",
                            param("ds"),
                            param("pe")
                        ),
                    );
                }
                let unit = param("ou");
                self.0.retain(|e| {
                    !(e.data_set == param("ds")
                        && e.period == param("pe")
                        && (unit.is_empty() || e.org_unit == unit))
                });
                SimResponse::empty(204)
            }
            _ => message(version, 405, "Request method not supported"),
        }
    }
}

/// `ou=a` or `ou=[a,b]`.
fn unit_list(text: &str) -> Vec<String> {
    let inner = text
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(text);
    inner
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect()
}

/// A superuser, or a user the data set's sharing lets write its metadata.
fn may_change(ctx: &RequestContext, data_set: &Value) -> bool {
    if ctx.user.is_superuser() {
        return true;
    }
    super::checks::access::grants(data_set, ctx.user, 1)
}

fn message(version: crate::SimVersion, status: u16, text: &str) -> SimResponse {
    super::summary::web_message(version, status, text, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_unit_lists_and_lookups() {
        assert_eq!(unit_list("[a, b]"), vec!["a".to_string(), "b".to_string()]);
        assert_eq!(unit_list("a"), vec!["a".to_string()]);
        let mut locks = LockExceptions::default();
        assert!(locks.is_empty());
        locks.add("ds", "202401", "ou");
        locks.add("ds", "202401", "ou");
        assert!(locks.opens("ds", "202401", "ou") && !locks.opens("ds", "202402", "ou"));
    }
}
