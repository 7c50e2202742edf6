//! k0smotron: run k0s control planes as pods inside an existing cluster (the mothership).
//!
//! `core` is pure (planning, formats, verdicts), `mothership` talks to the API server,
//! `ui` owns the terminal, and `cli` holds one thin file per subcommand.

pub mod cli;
pub mod core;
pub mod error;
pub mod files;
pub mod mothership;
pub mod ui;
