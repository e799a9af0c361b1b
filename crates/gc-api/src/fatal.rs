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
    let (line, len) = compose(call, message, b'\n');
    crate::platform::write_message(&line[..len + 1]);
}

/// `rgc: <call>: <message>` followed by `end`, and its length without `end`.
fn compose(call: &str, message: &Message, end: u8) -> ([u8; Message::CAPACITY + 64], usize) {
    let mut line = [0u8; Message::CAPACITY + 64];
    let mut len = 0;
    for part in [b"rgc: ".as_slice(), call.as_bytes(), b": ", message.as_bytes()] {
        let n = part.len().min(line.len() - 1 - len);
        line[len..len + n].copy_from_slice(&part[..n]);
        len += n;
    }
    line[len] = end;
    (line, len)
}

/// Reports and aborts. Never returns. A hosted program's abort hook
/// ([`set_abort_hook`]) sees the message first.
#[cold]
#[inline(never)]
pub fn fatal(call: &str, message: &Message) -> ! {
    report(call, message);
    #[cfg(feature = "std")]
    abort_hook::call(call, message);
    crate::platform::abort()
}

/// What a hosted program may ask to be called with a fatal error's
/// message before rgc aborts (the Boehm layer's `GC_set_abort_func`): a C
/// function taking the NUL-terminated line `rgc: <call>: <message>`
/// (without the newline). If it returns, rgc aborts as before.
#[cfg(feature = "std")]
pub type AbortHook = unsafe extern "C" fn(*const core::ffi::c_char);

/// Sets (or, with `None`, clears) the abort hook; returns the previous one.
/// The hook is taken out before it runs, so a fatal error inside it (a
/// call back into rgc, which holds its lock) aborts instead of recursing.
///
/// # Safety
/// `hook` may be called from any thread that meets a fatal error, possibly
/// with the collector lock held, with the line described at [`AbortHook`];
/// it must be safe to call so until it is replaced.
#[cfg(feature = "std")]
pub unsafe fn set_abort_hook(hook: Option<AbortHook>) -> Option<AbortHook> {
    abort_hook::set(hook)
}

/// The abort hook.
///
/// | state | written by | read by | ordering |
/// |---|---|---|---|
/// | `HOOK` | [`set_abort_hook`]; [`fatal`], which takes it out before calling it | [`fatal`], any thread | acquire/release: the hook's code is the program's, loaded before it is set |
#[cfg(feature = "std")]
mod abort_hook {
    use super::{AbortHook, Message};
    use core::sync::atomic::{AtomicPtr, Ordering};

    static HOOK: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

    pub fn set(hook: Option<AbortHook>) -> Option<AbortHook> {
        let old = HOOK.swap(hook.map_or(core::ptr::null_mut(), |f| f as *mut ()), Ordering::AcqRel);
        // SAFETY: HOOK holds null or an `AbortHook` stored just like this.
        (!old.is_null()).then(|| unsafe { core::mem::transmute::<*mut (), AbortHook>(old) })
    }

    pub fn call(call: &str, message: &Message) {
        let hook = HOOK.swap(core::ptr::null_mut(), Ordering::AcqRel);
        if hook.is_null() {
            return;
        }
        let (line, _) = super::compose(call, message, 0);
        // SAFETY: HOOK held an `AbortHook` (see `set`), which its setter
        // made safe to call here (`set_abort_hook`'s contract); the line is
        // NUL-terminated and outlives the call.
        unsafe { core::mem::transmute::<*mut (), AbortHook>(hook)(line.as_ptr().cast()) };
    }
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
