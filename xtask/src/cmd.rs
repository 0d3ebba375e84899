//! Running child processes: echo the command, fail with a clear error, or capture output.

use std::ffi::OsStr;
use std::process::{Command, Stdio};

use crate::error::{Result, XtaskError};

/// A printable form of a command line (`program arg arg`), for logs and error messages.
pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&quote(arg));
    }
    text
}

fn quote(arg: &OsStr) -> String {
    let arg = arg.to_string_lossy();
    if arg.is_empty() || arg.contains(char::is_whitespace) {
        format!("'{arg}'")
    } else {
        arg.into_owned()
    }
}

/// Runs the command with inherited stdio, echoing it first; a non-zero exit is an error.
pub fn run(command: &mut Command) -> Result<()> {
    let line = describe(command);
    println!("$ {line}");
    let status = command.status().map_err(|source| XtaskError::Spawn {
        program: command.get_program().to_string_lossy().into_owned(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(XtaskError::CommandFailed {
            command: line,
            status,
        })
    }
}

/// Runs a `cargo test`-like command, passing its output through, and returns how many tests
/// passed (the sum of its `test result: … N passed` lines). A non-zero exit is an error, and so
/// is a run that found no test at all: a step that should test something never passes empty.
pub fn run_counting_tests(command: &mut Command) -> Result<usize> {
    use std::io::{BufRead, BufReader, Write};
    let line = describe(command);
    println!("$ {line}");
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|source| XtaskError::Spawn {
            program: command.get_program().to_string_lossy().into_owned(),
            source,
        })?;
    let mut passed = 0usize;
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout();
        for text in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            passed += passed_in(&text);
            let _ = writeln!(out, "{text}");
        }
    }
    let status = child.wait().map_err(|source| XtaskError::Spawn {
        program: command.get_program().to_string_lossy().into_owned(),
        source,
    })?;
    if !status.success() {
        return Err(XtaskError::CommandFailed {
            command: line,
            status,
        });
    }
    if passed == 0 {
        return Err(XtaskError::NothingTested { command: line });
    }
    Ok(passed)
}

/// `N` of a `test result: ok. N passed; …` line, else 0.
fn passed_in(line: &str) -> usize {
    line.trim()
        .strip_prefix("test result: ok. ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|count| count.parse().ok())
        .unwrap_or(0)
}

/// Runs the command and returns its stdout as text; a non-zero exit is an error.
pub fn output(command: &mut Command) -> Result<String> {
    let line = describe(command);
    let out = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|source| XtaskError::Spawn {
            program: command.get_program().to_string_lossy().into_owned(),
            source,
        })?;
    if !out.status.success() {
        return Err(XtaskError::CommandFailed {
            command: line,
            status: out.status,
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The first line a tool prints for `--version`, or `None` when it is not installed or fails.
pub fn tool_version(program: &str) -> Option<String> {
    let out = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().next().map(|line| line.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::passed_in;

    #[test]
    fn counts_the_passed_tests_of_a_result_line() {
        assert_eq!(
            passed_in("test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured"),
            12
        );
        assert_eq!(
            passed_in("test result: ok. 0 passed; 0 failed; 0 ignored"),
            0
        );
        assert_eq!(passed_in("test result: FAILED. 3 passed; 1 failed"), 0);
        assert_eq!(passed_in("running 3 tests"), 0);
    }
}
