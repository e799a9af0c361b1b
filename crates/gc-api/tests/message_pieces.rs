//! `msg!` and `fatal!` take pieces, not a format string: a `{name}` left in
//! a text piece would be printed literally instead of the value. This test
//! reads every Rust source of the workspace and fails on such a piece.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() && !p.ends_with("target") {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The string literals inside the macro call that starts at `start` (just
/// past its opening parenthesis), up to the matching parenthesis.
fn literals_of_call(src: &[u8], start: usize) -> Vec<String> {
    let (mut depth, mut i, mut lits) = (1, start, Vec::new());
    while i < src.len() && depth > 0 {
        match src[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'\'' if src.get(i + 2) == Some(&b'\'') => i += 2,
            b'"' => {
                let mut lit = String::new();
                i += 1;
                while i < src.len() && src[i] != b'"' {
                    if src[i] == b'\\' {
                        i += 1;
                    }
                    lit.push(src[i] as char);
                    i += 1;
                }
                lits.push(lit);
            }
            _ => {}
        }
        i += 1;
    }
    lits
}

/// A `{}`-style placeholder: `{`, then an identifier, `:` or nothing, then `}`.
fn has_placeholder(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c == b'{' && {
            let rest = &b[i + 1..];
            let end = rest.iter().position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b':' || c == b'?'));
            matches!(end, Some(n) if rest[n] == b'}')
        }
    })
}

#[test]
fn no_message_piece_holds_a_format_placeholder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("libs"), &mut files);
    assert!(files.len() > 20, "found only {} sources under {}", files.len(), root.display());
    let mut bad = Vec::new();
    let mut calls = 0;
    for f in files.iter().filter(|f| !f.ends_with(file!().rsplit('/').next().unwrap())) {
        let src = std::fs::read(f).unwrap();
        for pat in [&b"msg!("[..], &b"fatal!("[..]] {
            for at in src.windows(pat.len()).enumerate().filter(|(_, w)| *w == pat).map(|(i, _)| i) {
                if at > 0 && (src[at - 1].is_ascii_alphanumeric() || src[at - 1] == b'_') {
                    continue;
                }
                calls += 1;
                for lit in literals_of_call(&src, at + pat.len()) {
                    if has_placeholder(&lit) {
                        bad.push(format!("{}: {lit}", f.display()));
                    }
                }
            }
        }
    }
    assert!(calls > 50, "found only {calls} msg!/fatal! calls");
    assert!(bad.is_empty(), "pieces with format placeholders (pass the value as its own piece):\n{}", bad.join("\n"));
}

#[test]
fn the_placeholder_check_can_fail() {
    assert!(has_placeholder("object {obj:p} is bad"));
    assert!(has_placeholder("{}"));
    assert!(!has_placeholder("a { b } c"));
    assert!(!has_placeholder("no braces"));
    let src = b"(\"a {x}\", v, \"b\")";
    assert_eq!(literals_of_call(src, 1), ["a {x}", "b"]);
}
