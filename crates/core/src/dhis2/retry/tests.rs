use std::cell::RefCell;
use std::collections::VecDeque;

use super::*;
use crate::clock::TestClock;

/// What the scripted server does with the next request.
#[derive(Clone, Copy)]
enum Answer {
    Status(u16),
    LoginPage,
    Drop,
    Unreachable,
    Never,
}

/// Answers requests from a script; once it runs out, answers 200.
struct Script {
    answers: RefCell<VecDeque<Answer>>,
    sent: Cell<usize>,
}

impl Script {
    fn new(answers: &[Answer]) -> Self {
        Script {
            answers: RefCell::new(answers.iter().cloned().collect()),
            sent: Cell::new(0),
        }
    }
}

impl Transport for Script {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.set(self.sent.get() + 1);
        let answer = self
            .answers
            .borrow_mut()
            .pop_front()
            .unwrap_or(Answer::Status(200));
        let url = request.url;
        let response = |status: u16, body: &str| HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        };
        match answer {
            Answer::Status(status) => Ok(response(status, "{}")),
            Answer::LoginPage => Ok(response(200, "<html><form>j_username</form></html>")),
            Answer::Drop => Err(TransportError::ConnectionDropped { url }),
            Answer::Unreachable => Err(TransportError::Unreachable {
                url,
                reason: "no route".into(),
            }),
            Answer::Never => futures::future::pending().await,
        }
    }
}

fn get() -> HttpRequest {
    HttpRequest::get("https://dhis.example/api/dataElements?fields=id")
}

fn import(strategy: &str) -> HttpRequest {
    HttpRequest::new(
        Method::Post,
        format!("https://dhis.example/api/metadata?importMode=COMMIT&importStrategy={strategy}"),
    )
}

/// Sends `request` through a reliable transport over `script`; returns the outcome, the
/// requests the server saw, the retries counted and the notices given.
fn run(
    script: &Script,
    request: HttpRequest,
) -> (
    Result<HttpResponse, TransportError>,
    usize,
    usize,
    Vec<RetryNotice>,
) {
    let clock = TestClock::new();
    let notices = RefCell::new(Vec::new());
    let listener = |notice: &RetryNotice| notices.borrow_mut().push(*notice);
    let transport =
        ReliableTransport::new(script, &clock, RetryPolicy::default()).with_listener(&listener);
    let outcome = clock.run(transport.send(request));
    let retries = transport.retries();
    (outcome, script.sent.get(), retries, notices.into_inner())
}

#[test]
fn reads_are_retried_after_transient_failures_until_they_succeed() {
    let script = Script::new(&[Answer::Drop, Answer::Status(503), Answer::Never]);
    let (outcome, sent, retries, notices) = run(&script, get());
    assert_eq!(outcome.map(|r| r.status), Ok(200));
    assert_eq!((sent, retries), (4, 3));
    let reasons: Vec<RetryReason> = notices.iter().map(|n| n.reason).collect();
    assert_eq!(
        reasons,
        vec![
            RetryReason::ConnectionDropped,
            RetryReason::ServerUnavailable { status: 503 },
            RetryReason::Timeout
        ]
    );
    assert_eq!(
        notices.iter().map(|n| n.attempt).collect::<Vec<_>>(),
        [2, 3, 4]
    );
    assert!(notices.iter().all(|n| n.max_attempts == 5));
}

#[test]
fn attempts_are_bounded_and_the_last_failure_is_returned() {
    let script = Script::new(&[Answer::Status(502); 9]);
    let (outcome, sent, retries, _) = run(&script, get());
    assert_eq!(outcome.map(|r| r.status), Ok(502));
    assert_eq!((sent, retries), (5, 4));
}

#[test]
fn a_refused_login_or_a_login_page_is_never_retried() {
    for answer in [Answer::Status(401), Answer::LoginPage] {
        let script = Script::new(&[answer]);
        let (outcome, sent, retries, _) = run(&script, get());
        assert!(outcome.is_ok());
        assert_eq!((sent, retries), (1, 0));
    }
}

#[test]
fn server_errors_and_conflicts_are_not_transient() {
    for status in [500, 409, 404, 413] {
        let script = Script::new(&[Answer::Status(status)]);
        let (outcome, sent, _, _) = run(&script, get());
        assert_eq!(outcome.map(|r| r.status), Ok(status));
        assert_eq!(sent, 1, "{status}");
    }
}

#[test]
fn writes_are_repeated_only_when_repeating_changes_nothing() {
    let script = Script::new(&[Answer::Drop]);
    let (outcome, sent, _, _) = run(&script, import("CREATE_AND_UPDATE"));
    assert!(outcome.is_ok());
    assert_eq!(sent, 2, "an update by UID is repeated");

    let script = Script::new(&[Answer::Drop]);
    let (outcome, sent, _, _) = run(&script, import("CREATE"));
    assert!(matches!(
        outcome,
        Err(TransportError::ConnectionDropped { .. })
    ));
    assert_eq!(sent, 1, "a create is not repeated: it could create twice");

    // A write that timed out is the caller's to resend smaller.
    let script = Script::new(&[Answer::Never]);
    let (outcome, sent, _, _) = run(&script, import("UPDATE"));
    assert!(matches!(outcome, Err(TransportError::Timeout { .. })));
    assert_eq!(sent, 1);
}

#[test]
fn unreachable_is_retried_only_once_the_server_was_reached() {
    let script = Script::new(&[Answer::Unreachable]);
    let (outcome, sent, _, _) = run(&script, get());
    assert!(outcome.is_err());
    assert_eq!(sent, 1, "a wrong URL or a CORS refusal fails at once");

    let clock = TestClock::new();
    let script = Script::new(&[Answer::Status(200), Answer::Unreachable]);
    let transport = ReliableTransport::new(&script, &clock, RetryPolicy::default());
    clock.run(async {
        assert!(transport.send(get()).await.is_ok());
        assert!(transport.send(get()).await.is_ok());
    });
    assert_eq!(transport.retries(), 1);
}

#[test]
fn backoff_doubles_up_to_the_cap_with_jitter_within_half() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.backoff(2), Duration::from_secs(2));
    assert_eq!(policy.backoff(3), Duration::from_secs(4));
    assert_eq!(policy.backoff(9), Duration::from_secs(60));
    let script = Script::new(&[Answer::Status(503); 4]);
    let (_, _, _, notices) = run(&script, get());
    for notice in notices {
        let backoff = policy.backoff(notice.attempt);
        assert!(
            notice.delay >= backoff / 2 && notice.delay <= backoff,
            "{notice:?}"
        );
    }
}

#[test]
fn requests_are_classified_by_what_repeating_them_does() {
    let put = HttpRequest::new(
        Method::Put,
        "https://dhis.example/api/dataStore/metadata-sync/run-abc",
    );
    assert_eq!(repeat_safety(&put), RepeatSafety::IdempotentWrite);
    let routed = HttpRequest::new(
        Method::Post,
        "https://local.example/api/routes/r1/run/api/metadata?importStrategy=DELETE",
    );
    assert_eq!(repeat_safety(&routed), RepeatSafety::IdempotentWrite);
    let tracker = HttpRequest::new(Method::Post, "https://dhis.example/api/tracker?async=false");
    assert_eq!(repeat_safety(&tracker), RepeatSafety::Unsafe);
    for url in [
        "https://dhis.example/api/tracker?async=false&importStrategy=CREATE_AND_UPDATE",
        "https://dhis.example/api/events?strategy=CREATE_AND_UPDATE&dryRun=false",
    ] {
        let create_or_update = HttpRequest::new(Method::Post, url);
        assert_eq!(
            repeat_safety(&create_or_update),
            RepeatSafety::IdempotentWrite,
            "{url}"
        );
    }
    let tracker_create = HttpRequest::new(
        Method::Post,
        "https://dhis.example/api/tracker?importStrategy=CREATE",
    );
    assert_eq!(repeat_safety(&tracker_create), RepeatSafety::Unsafe);
    let datastore_post = HttpRequest::new(
        Method::Post,
        "https://dhis.example/api/dataStore/metadata-sync/history-x",
    );
    assert_eq!(repeat_safety(&datastore_post), RepeatSafety::Unsafe);
}

#[test]
fn a_stop_ends_the_backoff_wait_at_once() {
    let script = Script::new(&[Answer::Drop, Answer::Drop, Answer::Drop]);
    let clock = TestClock::new();
    let cancel = CancellationToken::new();
    let policy = RetryPolicy {
        first_delay: Duration::from_secs(20),
        ..RetryPolicy::default()
    };
    let transport = ReliableTransport::new(&script, &clock, policy).with_cancel(&cancel);
    // The stop comes 500 ms into a wait of at least 10 s (half of 20 s is fixed).
    let stop = async {
        clock.sleep(Duration::from_millis(500)).await;
        cancel.cancel();
    };
    let (_, outcome) = clock.run(futures::future::join(stop, transport.send(get())));
    assert!(
        matches!(outcome, Err(TransportError::ConnectionDropped { .. })),
        "{outcome:?}"
    );
    assert_eq!(clock.now_millis(), 500, "the wait ended when the stop came");
    assert_eq!(script.sent.get(), 1, "no attempt after the stop");
    assert_eq!(transport.retries(), 0, "the retry announced was never made");
}

#[test]
fn no_retry_starts_once_the_run_was_stopped() {
    let script = Script::new(&[Answer::Status(503), Answer::Status(503)]);
    let clock = TestClock::new();
    let cancel = CancellationToken::new();
    cancel.cancel();
    let transport =
        ReliableTransport::new(&script, &clock, RetryPolicy::default()).with_cancel(&cancel);
    let outcome = clock.run(transport.send(get())).expect("an answer");
    assert_eq!(outcome.status, 503);
    assert_eq!(script.sent.get(), 1);
    assert_eq!(clock.now_millis(), 0, "nothing waited");
    assert!(
        clock
            .sleeps()
            .iter()
            .all(|s| *s >= Duration::from_secs(180)),
        "only the request timer"
    );
}

#[test]
fn an_instance_s_own_time_limit_cuts_a_request_that_never_answers() {
    let script = Script::new(&[Answer::Never]);
    let clock = TestClock::new();
    let transport = ReliableTransport::new(&script, &clock, RetryPolicy::default()).with_timeouts(
        RequestTimeouts {
            connect_seconds: 5,
            total_seconds: 7,
        },
    );
    // A creation is sent once: the time limit alone decides when it ends.
    let outcome = clock.run(transport.send(import("CREATE")));
    assert!(
        matches!(outcome, Err(TransportError::Timeout { .. })),
        "{outcome:?}"
    );
    assert_eq!(clock.now_millis(), 7_000);
    assert_eq!(
        transport.policy().timeouts.connect(),
        Duration::from_secs(5)
    );
}
