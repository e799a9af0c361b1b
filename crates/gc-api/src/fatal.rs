//! Fatal errors: how rgc reports misuse.
//!
//! A collector that meets a null or foreign pointer, a contradictory type
//! descriptor or an impossible size cannot continue without risking freeing
//! live objects, so it stops the process. The message always starts with
//! `rgc: <call>:` and names the offending value, so a user can grep for it.

use core::fmt::{self, Write};

struct StderrBuf {
    buf: [u8; 1024],
    len: usize,
}

impl Write for StderrBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// Writes `rgc: <call>: <message>` to stderr without allocating.
pub fn report(call: &str, args: fmt::Arguments<'_>) {
    let mut out = StderrBuf { buf: [0; 1024], len: 0 };
    let _ = write!(out, "rgc: {call}: {args}\n");
    // SAFETY: the buffer holds `len` initialised bytes; fd 2 may be closed, in
    // which case write fails harmlessly.
    unsafe { libc::write(2, out.buf.as_ptr().cast(), out.len) };
}

/// Reports and aborts. Never returns.
#[cold]
#[inline(never)]
pub fn fatal(call: &str, args: fmt::Arguments<'_>) -> ! {
    report(call, args);
    // SAFETY: abort has no preconditions.
    unsafe { libc::abort() }
}

/// `fatal!("rgc_alloc", "type {} is ...", name)`.
#[macro_export]
macro_rules! fatal {
    ($call:expr, $($arg:tt)*) => {
        $crate::fatal::fatal($call, format_args!($($arg)*))
    };
}
