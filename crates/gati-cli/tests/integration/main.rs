//! The integration tests of the `gati` command, as one binary so that they build and link once.

mod cli;
#[cfg(unix)]
mod install_crash;
mod publishing;
#[cfg(unix)]
#[path = "../../../gati-core/tests/support/synthetic.rs"]
mod synthetic;
