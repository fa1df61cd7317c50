//! Standard output that a closed pipe ends quietly.
//!
//! `hwnas validate NET | head` closes the pipe after ten lines; `println!` then panics with
//! "failed printing to stdout: Broken pipe". Unix tools end quietly instead, and so does hwnas.

use std::io::Write;

/// Writes `text` to standard output; when the reader has gone away (a closed pipe), the
/// command ends here with success, as Unix tools do.
pub fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let result = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if let Err(e) = result {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to standard output: {e}");
        std::process::exit(1);
    }
}

/// [`print`] with a newline.
pub fn line(text: &str) {
    print(&format!("{text}\n"));
}

/// `println!` to standard output through [`print`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::out::line(&format!($($arg)*))
    };
}

/// `print!` to standard output through [`print`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::print(&format!($($arg)*))
    };
}
