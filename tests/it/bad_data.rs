//! Every broken dataset under `tests/bad-data/` is rejected by `aikg check` with located errors;
//! the full output is snapshotted. Each case folder holds one class of error.

use crate::common;

#[test]
fn bad_data() {
    common::settings().bind(|| {
        insta::glob!("../bad-data", "*/chain.toml", |path| {
            let dir = path.parent().expect("a case folder");
            let rel = dir.strip_prefix(env!("CARGO_MANIFEST_DIR")).expect("inside the crate");
            let out = common::run(&["--data", &rel.display().to_string(), "check"]);
            insta::assert_snapshot!(out);
        });
    });
}

#[test]
fn every_bad_case_fails_with_exit_2_except_lints() {
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad-data")).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let rel = format!("tests/bad-data/{name}");
        let out = common::run(&["--data", &rel, "check"]);
        // Three cases hold lints only (warnings, exit 0): the rest are errors.
        let lints_only = ["orphan-and-unused-source", "anachronism", "acquisition-loop"];
        let expected = if lints_only.contains(&name.as_str()) { "exit: 0" } else { "exit: 2" };
        assert!(out.contains(expected), "{name}: {out}");
        assert!(!out.contains("panicked"), "{name}: {out}");
    }
}

#[test]
fn lints_fail_under_strict() {
    let out = common::run(&["--data", "tests/bad-data/orphan-and-unused-source", "check", "--strict"]);
    assert!(out.contains("exit: 2"), "{out}");
    assert!(out.contains("error: 2 warnings (--strict)"), "{out}");
}
