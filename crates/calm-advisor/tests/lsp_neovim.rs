//! `calm-advisor lsp` with Neovim as the client (Debian's `neovim`, installed by
//! `.ci/install-test-deps`): headless Neovim opens the Day 13 tutorial file with the server
//! attached, reads `vim.diagnostic.get()`, applies the gateway finding's code action, and writes
//! the buffer; the buffer must then hold exactly what `calm-advisor fix --finding` writes.
//! The Lua side is `tests/lsp/neovim_test.lua` (Neovim 0.7 or later).
//!
//! Skipped (with a message) when `nvim` is missing, except under CI=true where it fails.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GATEWAY: &str = "single-ingress-path@api-gateway";

#[path = "lsp/fixture.rs"]
mod fixture;
use fixture::day13;

/// `nvim --version`'s first line, when Neovim is installed. Under CI=true a missing `nvim` fails.
fn nvim_version() -> Option<String> {
    let v = Command::new("nvim")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string()
        });
    if v.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "CI=true but `nvim` is missing: run .ci/install-test-deps (apt-get install neovim)"
            );
        }
        eprintln!(
            "skipped: `nvim` is missing (apt-get install neovim, or run .ci/install-test-deps)"
        );
    }
    v
}

/// A writable copy (the shared fixture has no write bits; an editor's file normally has them).
fn copy_writable(from: &Path, to: &Path) {
    fs::create_dir_all(to.parent().unwrap()).unwrap();
    fs::write(to, fs::read(from).unwrap()).unwrap();
}

/// Run `cmd` with its output in files, killing it after `limit`.
fn run_with_timeout(
    mut cmd: Command,
    dir: &Path,
    limit: Duration,
) -> (Option<i32>, String, String) {
    let out_path = dir.join("nvim.stdout");
    let err_path = dir.join("nvim.stderr");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("nvim starts");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let read = |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap_or_default()).into_owned();
    let code = match status {
        Some(s) => s.code(),
        None => None,
    };
    (code, read(&out_path), read(&err_path))
}

#[test]
fn neovim_applies_the_gateway_quick_fix_exactly_as_fix_writes_it() {
    let Some(fixture) = day13() else { return };
    let Some(version) = nvim_version() else {
        return;
    };
    eprintln!("{version}");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // The file Neovim edits, and the one `fix` changes in place.
    let edited = root.join("workspace/ecommerce-platform.json");
    let by_cli = root.join("cli/ecommerce-platform.json");
    let written = root.join("nvim-buffer.json");
    copy_writable(&fixture, &edited);
    copy_writable(&fixture, &by_cli);

    let fix = Command::new(env!("CARGO_BIN_EXE_calm-advisor"))
        .arg("fix")
        .arg(&by_cli)
        .args(["--finding", GATEWAY])
        .env("XDG_CACHE_HOME", root.join("cache"))
        .output()
        .unwrap();
    assert!(
        fix.status.success(),
        "calm-advisor fix failed: {}",
        String::from_utf8_lossy(&fix.stderr)
    );
    let expected = fs::read(&by_cli).unwrap();
    assert_ne!(expected, fs::read(&fixture).unwrap(), "fix changed nothing");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsp/neovim_test.lua");
    let mut cmd = Command::new("nvim");
    // -u NONE --clean: no user config or plugins; -i NONE: no shada; -n: no swap file.
    cmd.args([
        "--headless",
        "--clean",
        "-u",
        "NONE",
        "-i",
        "NONE",
        "-n",
        "-c",
    ])
    .arg(format!("luafile {}", script.display()))
    .current_dir(root)
    .env("CALM_ADVISOR_BIN", env!("CARGO_BIN_EXE_calm-advisor"))
    .env("CALM_NVIM_FILE", &edited)
    .env("CALM_NVIM_OUT", &written);
    // Neovim's own files (LSP log, state) and the server's cache stay in the temp dir.
    for (var, sub) in [
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
    ] {
        fs::create_dir_all(root.join(sub)).unwrap();
        cmd.env(var, root.join(sub));
    }
    let (code, stdout, stderr) = run_with_timeout(cmd, root, Duration::from_secs(120));
    eprintln!("{stderr}");
    let log = fs::read_to_string(root.join("state/nvim/lsp.log"))
        .or_else(|_| fs::read_to_string(root.join("cache/nvim/lsp.log")))
        .unwrap_or_default();
    assert_eq!(
        code,
        Some(0),
        "nvim failed or timed out (exit {code:?})\n--- stdout\n{stdout}\n--- stderr\n{stderr}\n--- lsp.log\n{log}"
    );
    assert!(
        stderr.contains("[nvim] ok"),
        "the script did not finish:\n{stderr}"
    );

    let got = fs::read(&written).expect("nvim wrote the buffer");
    if got != expected {
        let (g, e) = (
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
        );
        let line = g
            .lines()
            .zip(e.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(g.lines().count().min(e.lines().count()));
        panic!(
            "the buffer after the code action differs from `calm-advisor fix` (first at line {}; {} vs {} bytes)\n--- nvim: {:?}\n--- fix:  {:?}",
            line + 1,
            got.len(),
            expected.len(),
            g.lines().nth(line),
            e.lines().nth(line)
        );
    }
    // Neither Neovim nor the server saved the file being edited.
    assert_eq!(fs::read(&edited).unwrap(), fs::read(&fixture).unwrap());
}
