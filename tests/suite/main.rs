//! Integration tests of the `alumni` binary on fixture sites.
//!
//! Every test copies a fixture site from `tests/fixtures/` into a temporary
//! folder, changes what it needs, runs the real binary and compares outputs
//! and diagnostics. Snapshots live in `tests/snapshots/`; run with
//! `UPDATE_SNAPSHOTS=1` to rewrite them after an intended change, then review
//! the diff.

mod harness;

mod build;
mod check;
mod cli;
mod faults;
mod files;
mod growth;
mod hostile;
mod images;
mod invalid;
mod languages;
mod layers;
mod live;
mod locations;
mod messages;
mod publish;
mod sanitize;
mod schedule;
mod schema;
mod serve;
mod time_zones;
mod untrusted;
mod yaml_spans;
