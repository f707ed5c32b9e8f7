//! Production readiness, in one test binary (each binary here weighs over a gigabyte in debug):
//! the release binary alone in an empty folder, backups and restore on both backends, the daily
//! backup and its dashboard card, `tagih check`, and the upgrade from this release's fixture.

mod backup;
mod check;
mod demo;
mod dist;
mod support;
mod upgrade;
