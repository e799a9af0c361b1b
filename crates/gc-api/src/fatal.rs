//! Fatal errors: how rgc reports misuse.
//!
//! A collector that meets a null or foreign pointer, a contradictory type
//! descriptor or an impossible size cannot continue without risking freeing
//! live objects, so it stops the process. The message always starts with
//! `rgc: <call>:` and names the offending value, so a user can grep for it.
//! Messages are [`Message`]s, built without `core::fmt` (see
//! [`crate::message`]).

use crate::message::Message;

/// Writes `rgc: <call>: <message>` and a newline to stderr (on a board:
/// the message hook, see [`crate::platform`]) in one write, without
/// allocating.
pub fn report(call: &str, message: &Message) {
    let mut line = [0u8; Message::CAPACITY + 64];
    let mut len = 0;
    for part in [b"rgc: ".as_slice(), call.as_bytes(), b": ", message.as_bytes()] {
        let n = part.len().min(line.len() - 1 - len);
        line[len..len + n].copy_from_slice(&part[..n]);
        len += n;
    }
    line[len] = b'\n';
    crate::platform::write_message(&line[..len + 1]);
}

/// Reports and aborts. Never returns.
#[cold]
#[inline(never)]
pub fn fatal(call: &str, message: &Message) -> ! {
    report(call, message);
    crate::platform::abort()
}

/// Stops on a broken internal invariant (an rgc bug, or memory the program
/// corrupted): `rgc: internal error: <what>`. Used where `expect` would
/// be, because `expect`'s message goes through `core::fmt`, which a
/// board's image otherwise does without (see [`crate::message`]).
#[cold]
#[inline(never)]
pub fn internal(what: &str) -> ! {
    fatal("internal error", &crate::msg!(what))
}

/// `fatal!("rgc_alloc", "type '", name, "' is ...")`: the pieces are those
/// of [`msg!`](crate::msg).
#[macro_export]
macro_rules! fatal {
    ($call:expr, $($piece:tt)+) => {
        $crate::fatal::fatal($call, &$crate::msg!($($piece)+))
    };
}

/// What a bare-metal collector library does on a Rust panic (a failed
/// internal assertion or bounds check: an rgc bug, or memory corrupted by
/// the program): `rgc: internal error: panicked at <file>:<line>` through
/// the same message and abort hooks as any fatal error. It names the
/// source line but not the panic's own text, which would need `core::fmt`
/// (see [`crate::message`]); the line identifies the check. Hosted builds
/// keep std's handler, which prints the text and aborts too (`panic =
/// "abort"`).
#[cold]
#[inline(never)]
pub fn panicked(info: &core::panic::PanicInfo<'_>) -> ! {
    let m = match info.location() {
        Some(at) => crate::msg!("panicked at ", at.file(), ":", at.line()),
        None => crate::msg!("panicked"),
    };
    fatal("internal error", &m)
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
