//! Fatal errors: how rgc reports misuse.
//!
//! A collector that meets a null or foreign pointer, a contradictory type
//! descriptor or an impossible size cannot continue without risking freeing
//! live objects, so it stops the process. The message always starts with
//! `rgc: <call>:` and names the offending value, so a user can grep for it.

use core::fmt::{self, Write};

struct MessageBuf {
    buf: [u8; 1024],
    len: usize,
}

impl Write for MessageBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// Writes `rgc: <call>: <message>` to stderr (on a board: the message
/// hook, see [`crate::platform`]) without allocating.
pub fn report(call: &str, args: fmt::Arguments<'_>) {
    let mut out = MessageBuf { buf: [0; 1024], len: 0 };
    let _ = write!(out, "rgc: {call}: {args}\n");
    crate::platform::write_message(&out.buf[..out.len]);
}

/// Reports and aborts. Never returns.
#[cold]
#[inline(never)]
pub fn fatal(call: &str, args: fmt::Arguments<'_>) -> ! {
    report(call, args);
    crate::platform::abort()
}

/// `fatal!("rgc_alloc", "type {} is ...", name)`.
#[macro_export]
macro_rules! fatal {
    ($call:expr, $($arg:tt)*) => {
        $crate::fatal::fatal($call, format_args!($($arg)*))
    };
}

/// What a bare-metal collector library does on a Rust panic (a failed
/// internal assertion or bounds check: an rgc bug, or memory corrupted by
/// the program): the same one-line report and abort hook as any fatal
/// error. Hosted builds keep std's handler, which aborts too (`panic =
/// "abort"`).
#[cold]
#[inline(never)]
pub fn panicked(info: &core::panic::PanicInfo<'_>) -> ! {
    fatal("internal error", format_args!("{info}"))
}

/// Defines the `#[panic_handler]` of a `no_std` collector library (see
/// [`panicked`]). Each library invokes it when its `std` feature is off.
#[macro_export]
macro_rules! bare_metal_panic_handler {
    () => {
        #[panic_handler]
        fn rgc_panic(info: &core::panic::PanicInfo<'_>) -> ! {
            $crate::fatal::panicked(info)
        }
    };
}
