//! Rebuild when the folder the web assets are embedded from changes (`src/assets.rs`): release
//! builds copy its files into the binary, and a new build of the site must reach them.

fn main() {
    println!("cargo:rerun-if-env-changed=TAGIH_EMBED_SITE");
    // Debug builds read the folder at run time: a new site must not recompile them (make test
    // builds the site between the unit tests and the binary-alone tests).
    if std::env::var("PROFILE").as_deref() != Ok("release") {
        return;
    }
    let Some(dir) = std::env::var_os("TAGIH_EMBED_SITE") else {
        return;
    };
    // Cargo scans a watched folder recursively, so added, removed and changed files all count.
    // A folder that does not exist yet is not watched (a missing path would rerun this, and
    // rebuild the crate, on every build); the Makefile builds the site before the binary.
    let dir = std::path::PathBuf::from(dir);
    if dir.exists() {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
}
