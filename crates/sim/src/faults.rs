//! Injected faults: latency, error statuses, requests that never get an answer, dropped
//! connections and the HTML login page a real server answers with when a session expired.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What a fault does to a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultKind {
    /// Answer normally, after `latencyMs`.
    Latency,
    /// Answer with `status` (a WebMessage body) instead of handling the request.
    Status,
    /// Never answer (over HTTP the socket stays open, for at most ten minutes).
    NeverAnswer,
    /// Close the connection without an answer.
    Drop,
    /// Answer 200 with DHIS2's HTML login page, as a server does when a session expired.
    LoginPage,
}

/// A fault rule, as posted to `/__sim/faults` or given to [`crate::Sim::add_fault`].
///
/// The rule counts the requests matching `pathPattern` (a glob on the path, `*` any run) and
/// `method`; it fires from the `nth` matching request on (default 1), at most `times` times
/// (default: without end). `{nth: 3, times: 1}` fails the third matching request only.
/// `urlLongerThan` narrows the rule to requests whose path and query (the request line's
/// target, as sent) are longer than that many bytes: a server or proxy with a URL limit
/// (`{kind: status, status: 414, urlLongerThan: 2048}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    pub path_pattern: String,
    #[serde(default)]
    pub method: Option<String>,
    pub kind: FaultKind,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub latency_ms: Option<u64>,
    #[serde(default)]
    pub nth: Option<u32>,
    #[serde(default)]
    pub times: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_longer_than: Option<usize>,
}

impl FaultRule {
    pub fn new(path_pattern: &str, kind: FaultKind) -> Self {
        FaultRule {
            path_pattern: path_pattern.to_string(),
            method: None,
            kind,
            status: None,
            latency_ms: None,
            nth: None,
            times: None,
            url_longer_than: None,
        }
    }
}

/// A rule with its counters.
#[derive(Debug, Clone)]
pub struct ActiveFault {
    pub rule: FaultRule,
    matched: u32,
    fired: u32,
}

/// What the faults decided for one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultDecision {
    pub latency: Duration,
    /// The fault that replaces the normal answer, if any (latency never does).
    pub replacement: Option<FaultRule>,
}

#[derive(Debug, Default, Clone)]
pub struct Faults {
    active: Vec<ActiveFault>,
}

impl Faults {
    pub fn add(&mut self, rule: FaultRule) {
        self.active.push(ActiveFault {
            rule,
            matched: 0,
            fired: 0,
        });
    }

    pub fn clear(&mut self) {
        self.active.clear();
    }

    pub fn rules(&self) -> Vec<FaultRule> {
        self.active.iter().map(|a| a.rule.clone()).collect()
    }

    /// Counts the request against every rule and returns what fires. `url_bytes`: the length
    /// of the request's path and query as sent.
    pub fn decide(&mut self, method: &str, path: &str, url_bytes: usize) -> FaultDecision {
        let mut decision = FaultDecision::default();
        for fault in &mut self.active {
            let rule = &fault.rule;
            let method_matches = rule
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method));
            let long_enough = rule.url_longer_than.is_none_or(|limit| url_bytes > limit);
            if !method_matches
                || !long_enough
                || !crate::cors::glob_matches(&rule.path_pattern, path)
            {
                continue;
            }
            fault.matched += 1;
            let due = fault.matched >= rule.nth.unwrap_or(1);
            let left = rule.times.is_none_or(|times| fault.fired < times);
            // A replacing rule only fires (and uses up its `times`) when no earlier one did.
            let applies = rule.kind == FaultKind::Latency || decision.replacement.is_none();
            if !due || !left || !applies {
                continue;
            }
            fault.fired += 1;
            match rule.kind {
                FaultKind::Latency => {
                    decision.latency += Duration::from_millis(rule.latency_ms.unwrap_or(0))
                }
                _ => decision.replacement = Some(rule.clone()),
            }
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nth_and_times_select_the_failing_requests() {
        let mut faults = Faults::default();
        faults.add(FaultRule {
            nth: Some(2),
            times: Some(1),
            status: Some(500),
            ..FaultRule::new("/api/metadata*", FaultKind::Status)
        });
        let fired: Vec<bool> = (0..4)
            .map(|_| {
                faults
                    .decide("GET", "/api/metadata", 13)
                    .replacement
                    .is_some()
            })
            .collect();
        assert_eq!(fired, vec![false, true, false, false]);
        assert!(faults.decide("GET", "/api/me", 7).replacement.is_none());
    }

    #[test]
    fn a_url_limit_refuses_only_longer_urls_every_time() {
        let mut faults = Faults::default();
        faults.add(FaultRule {
            status: Some(414),
            url_longer_than: Some(100),
            ..FaultRule::new("/api/*", FaultKind::Status)
        });
        let refused = |faults: &mut Faults, bytes| {
            faults
                .decide("GET", "/api/dataElements", bytes)
                .replacement
                .is_some()
        };
        assert!(!refused(&mut faults, 100));
        assert!(refused(&mut faults, 101));
        assert!(refused(&mut faults, 5000));
        assert!(!refused(&mut faults, 40));
    }
}
