//! What a failing compiler said, in the line(s) that say it.
//!
//! g++ prints context (`In file included from ...`, `In instantiation of ...`, notes, the
//! source line and a caret) around the one line that names the problem, and a failing link
//! ends with `collect2: error: ld returned 1 exit status`, which names nothing. A user needs
//! the line with the file, line and message, or the linker's own line (`/usr/bin/ld: cannot
//! open output file ...`, `undefined reference to ...`).

/// At most this many informative lines are reported.
const MAX_LINES: usize = 4;

/// The informative lines of a compiler's output: the first `file:line:col: error:` (or
/// `fatal error:`) and the linker's own messages, never `collect2`'s summary. Falls back to
/// the first lines of the output when none of them is there.
pub(crate) fn informative_lines(stderr: &str) -> String {
    let wanted: Vec<&str> = stderr
        .lines()
        .map(str::trim_end)
        .filter(|l| is_compile_error(l) || is_linker_message(l))
        .take(MAX_LINES)
        .collect();
    if wanted.is_empty() {
        let head: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("collect2:"))
            .take(MAX_LINES)
            .collect();
        if head.is_empty() {
            return stderr.trim().to_string();
        }
        return head.join("\n");
    }
    // The first compile error is what to fix; later ones usually follow from it.
    let first_compile = wanted.iter().position(|l| is_compile_error(l));
    match first_compile {
        Some(i) => wanted[i].to_string(),
        None => wanted.join("\n"),
    }
}

fn is_compile_error(l: &str) -> bool {
    !l.starts_with("collect2:") && (l.contains(": error:") || l.contains(": fatal error:"))
}

fn is_linker_message(l: &str) -> bool {
    if l.starts_with("collect2:") {
        return false;
    }
    let tool = l.split(": ").next().unwrap_or("");
    tool == "ld"
        || tool.ends_with("/ld")
        || tool.ends_with("-ld")
        || l.contains("undefined reference")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compile_error_with_its_file_and_line_is_kept() {
        let stderr = "In file included from a.cpp:1:\nfirmware/x.h:12:5: error: 'foo' was not \
                      declared\n   12 |     foo();\n      |     ^~~\nb.cpp:3:1: error: second";
        assert_eq!(
            informative_lines(stderr),
            "firmware/x.h:12:5: error: 'foo' was not declared"
        );
    }

    #[test]
    fn a_link_failure_reports_the_linker_not_collect2() {
        let stderr = "/usr/bin/ld: cannot open output file calo-out/build/x_csim: No such file \
                      or directory\ncollect2: error: ld returned 1 exit status\n";
        assert_eq!(
            informative_lines(stderr),
            "/usr/bin/ld: cannot open output file calo-out/build/x_csim: No such file or \
             directory"
        );
        let stderr = "/usr/bin/ld: /tmp/cc.o: in function `main':\nt.cpp:(.text+0x1d): \
                      undefined reference to `top(int*)'\ncollect2: error: ld returned 1 exit \
                      status\n";
        let got = informative_lines(stderr);
        assert!(got.contains("undefined reference to `top(int*)'"), "{got}");
        assert!(!got.contains("collect2"), "{got}");
    }

    #[test]
    fn unknown_output_falls_back_to_its_first_lines() {
        assert_eq!(
            informative_lines("g++: internal compiler error\n"),
            "g++: internal compiler error"
        );
        assert_eq!(informative_lines("  \n"), "");
    }
}
