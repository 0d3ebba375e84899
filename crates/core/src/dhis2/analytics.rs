//! Analytics: aggregated values as a data value set (`GET /api/analytics/dataValueSet.json`,
//! every version 2.30+) and running the analytics tables (`POST /api/resourceTables/analytics`,
//! a job of type `ANALYTICS_TABLE` followed through `GET /api/system/tasks/ANALYTICS_TABLE/{id}`).
//!
//! The tables job keeps no summary worth reading (`taskSummaries` is empty for it on most
//! versions): it is done when a notification says `completed`, and failed when that one is of
//! level `ERROR`.

use std::time::Duration;

use serde_json::Value;

use super::import_jobs::{JobPolling, StartedJob};
use super::{Dhis2Client, Dhis2Error, Method, Transport};
use crate::clock::Clock;

/// One `analytics/dataValueSet` request: data items (data elements, `element.optionCombo`,
/// indicators, program indicators), ISO periods and org units.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnalyticsQuery {
    pub data: Vec<String>,
    pub periods: Vec<String>,
    pub org_units: Vec<String>,
    /// Attribute option combos (`dimension=ao:`): values are then split by them.
    pub attribute_option_combos: Vec<String>,
}

impl AnalyticsQuery {
    pub fn path(&self) -> String {
        let mut path = format!(
            "api/analytics/dataValueSet.json?dimension=dx:{}&dimension=pe:{}&dimension=ou:{}",
            self.data.join(";"),
            self.periods.join(";"),
            self.org_units.join(";")
        );
        if !self.attribute_option_combos.is_empty() {
            path.push_str(&format!(
                "&dimension=ao:{}",
                self.attribute_option_combos.join(";")
            ));
        }
        path
    }
}

/// How a tables run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnalyticsRun {
    Done,
    /// The server says the job failed; its last message says why.
    Failed {
        message: String,
    },
}

/// Starts the analytics tables job (`lastYears` when given) and follows it to the end, telling
/// `on_message` the server's latest message as it goes.
pub async fn run_analytics_tables<T: Transport, C: Clock>(
    client: &Dhis2Client<T>,
    clock: &C,
    last_years: Option<u32>,
    polling: &JobPolling,
    on_message: &dyn Fn(&str),
) -> Result<AnalyticsRun, Dhis2Error> {
    let mut path = "api/resourceTables/analytics".to_string();
    if let Some(years) = last_years {
        path.push_str(&format!("?lastYears={years}"));
    }
    let answer: Value = client
        .execute_json(client.request(Method::Post, &path))
        .await?;
    let Some(job) = StartedJob::from_answer(&answer) else {
        return Err(Dhis2Error::Decode {
            url: client.url(&path),
            reason: "the answer does not name the analytics job".into(),
        });
    };
    let notifications = format!("api/system/tasks/ANALYTICS_TABLE/{}", job.id);
    let started = clock.now_millis();
    let mut interval = polling.first_interval;
    let mut unknown_polls = 0;
    loop {
        clock.sleep(interval).await;
        interval = polling.next_interval(interval);
        let list: Value = client.get_json(&notifications).await?;
        let list = list.as_array().cloned().unwrap_or_default();
        if list.is_empty() {
            unknown_polls += 1;
            if unknown_polls >= polling.max_unknown_polls {
                return Err(Dhis2Error::JobLost {
                    base_url: client.base_url().to_string(),
                    job: job.id.clone(),
                });
            }
        }
        // Newest first.
        if let Some(latest) = list
            .first()
            .and_then(|n| n.get("message"))
            .and_then(Value::as_str)
        {
            on_message(latest);
        }
        if let Some(done) = list
            .iter()
            .find(|n| n.get("completed").and_then(Value::as_bool) == Some(true))
        {
            let message = done.get("message").and_then(Value::as_str).unwrap_or("");
            return Ok(
                if done.get("level").and_then(Value::as_str) == Some("ERROR") {
                    AnalyticsRun::Failed {
                        message: message.to_string(),
                    }
                } else {
                    AnalyticsRun::Done
                },
            );
        }
        let waited = Duration::from_millis(clock.now_millis().saturating_sub(started));
        if waited >= polling.give_up_after {
            return Err(Dhis2Error::JobTimedOut {
                base_url: client.base_url().to_string(),
                job: job.id,
                minutes: waited.as_secs() / 60,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_names_every_dimension() {
        let query = AnalyticsQuery {
            data: vec!["fbfJHSPpUQD".into(), "Uvn6LCg7dVU".into()],
            periods: vec!["202401".into(), "202402".into()],
            org_units: vec!["ImspTQPwCqd".into()],
            attribute_option_combos: Vec::new(),
        };
        assert_eq!(
            query.path(),
            "api/analytics/dataValueSet.json?dimension=dx:fbfJHSPpUQD;Uvn6LCg7dVU\
             &dimension=pe:202401;202402&dimension=ou:ImspTQPwCqd"
        );
    }
}
