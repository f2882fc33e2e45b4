//! The integration tests of the `gati` command, as one binary so that they build and link once.

mod cli;
mod editing;
#[cfg(unix)]
mod install_crash;
// The update tests use the server's ways to misbehave that they need.
#[cfg(unix)]
#[allow(dead_code)]
#[path = "../../../gati-core/tests/support/http.rs"]
mod http;
mod plans;
mod publishing;
#[cfg(unix)]
#[path = "../../../gati-core/tests/support/synthetic.rs"]
mod synthetic;
