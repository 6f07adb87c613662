//! Link the `calm-advisor` executable position-dependent on Linux.
//!
//! Why: a position-independent executable (PIE, rustc's default) is relocated by the dynamic
//! loader at every start. This binary carries everything from SVG rendering to the MCP server,
//! so that is about 39,000 pointers across 170 pages of `.data.rel.ro`, each page copied on write:
//! about 0.6 ms of a 3-4 ms `validate` of the tutorial file (half the page faults of the run).
//! A position-dependent executable has those addresses fixed at link time. The libraries, heap
//! and stack stay randomised; only the executable image loads at a fixed address (as Go
//! binaries do by default on Linux). `CALM_ADVISOR_PIE=1` at build time keeps rustc's PIE.
//!
//! The crates are still compiled as position-independent code: only the final link changes,
//! so no other crate's build is affected.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CALM_ADVISOR_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    let keep_pie = std::env::var_os("CALM_ADVISOR_PIE").is_some_and(|v| v != "0" && !v.is_empty());
    if linux && !keep_pie {
        // Passed after rustc's own `-pie`: the C compiler driver takes the last of the two.
        println!("cargo:rustc-link-arg-bin=calm-advisor=-no-pie");
    }
}
