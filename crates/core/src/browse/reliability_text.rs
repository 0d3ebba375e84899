//! The English sentences about retries and resumable runs, for the CLI (which speaks English)
//! and logs. The app does not show these strings: it says the same facts in the user's language
//! from the typed values ([`RetryReason`] and `RetryNotice` through `sync.retry.*` in
//! `src/l10n/messages/sync.rs`; a resumed run's note is `ReportNote::InterruptedThenResumed`;
//! the resume offer and retry counts through the history panel's `resume.*` and
//! `history.details.*` keys). Keep the two in step when a sentence changes meaning.

use crate::dhis2::retry::RetryReason;

/// "a network error", as in "retrying (2 of 5) after a network error".
pub fn retry_reason(reason: RetryReason) -> String {
    match reason {
        RetryReason::Timeout => "a timeout".into(),
        RetryReason::ConnectionDropped | RetryReason::Unreachable => "a network error".into(),
        RetryReason::ServerUnavailable { status } => {
            format!("the server was unavailable ({status})")
        }
        RetryReason::TooLarge => "a request too large for the link, in smaller chunks".into(),
    }
}

/// "retrying (2 of 5) after a network error".
pub fn retrying(attempt: u32, max_attempts: u32, reason: RetryReason) -> String {
    format!(
        "retrying ({attempt} of {max_attempts}) after {}",
        retry_reason(reason)
    )
}

/// The summary line of a report that needed retries.
pub fn retries_in_report(retries: usize) -> String {
    match retries {
        1 => "1 request was sent again after a transient failure.".into(),
        n => format!("{n} requests were sent again after transient failures."),
    }
}

/// Offered when the app opens and a run of this user was cut short.
pub fn resume_offer(started: &str, origin: &str) -> String {
    format!(
        "A sync from {origin} started {started} did not finish (the page was closed or the \
         connection was lost). Resume it: what was already written is not sent again."
    )
}

/// Said by the CLI when a run stopped in a way that can be resumed.
pub fn resume_hint(run_id: &str) -> String {
    format!("The run can be resumed: mdsync sync resume {run_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_which_attempt_and_why() {
        assert_eq!(
            retrying(2, 5, RetryReason::ConnectionDropped),
            "retrying (2 of 5) after a network error"
        );
        assert!(retrying(3, 5, RetryReason::ServerUnavailable { status: 503 }).contains("503"));
    }
}
