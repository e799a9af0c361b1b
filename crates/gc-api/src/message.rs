//! Error text without `core::fmt`.
//!
//! Every message rgc prints or returns (fatal errors, rejected
//! configurations and type descriptors, verifier findings) is a
//! [`Message`]: a fixed buffer filled by [`msg!`](crate::msg) from text and
//! numbers. `core::fmt` would do the same job, but it brings padding,
//! `Debug` builders, Unicode counting and 64-bit division with it, about
//! 6 KB of Thumb-2 code on a board whose whole collector should fit in
//! 16 KB. What a message can hold:
//!
//! | piece | prints | example |
//! |-------|--------|---------|
//! | `&str`, `&String`, `&Message` | the text | `"type '"`, `name` |
//! | `u8` … `u64`, `usize`, `i32`, `i64`, `isize` | decimal | `42`, `-1` |
//! | [`Hex`] | `0x` and lowercase hex | `0x1f` |
//! | `*const T`, `*mut T` | like `{:p}`: `0x` and lowercase hex | `0x7f3a2c000010` |
//!
//! A message holds [`Message::CAPACITY`] bytes. Longer text is cut there
//! and ends in `...`, so a message is never silently garbled, only
//! shortened; every message rgc writes is well under the limit.

use core::fmt;

/// Text built by [`msg!`](crate::msg): a fixed buffer, no allocation.
#[derive(Clone)]
pub struct Message {
    len: usize,
    buf: [u8; Message::CAPACITY],
}

impl Message {
    /// Bytes a message holds before it is cut.
    pub const CAPACITY: usize = 320;

    pub const fn new() -> Self {
        Message { len: 0, buf: [0; Message::CAPACITY] }
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        // SAFETY: the buffer up to `len` only ever receives whole `&str`s,
        // prefixes of them cut at a character boundary, and ASCII (see
        // `push_str`, the only writer), so it is valid UTF-8. (Checking
        // would link core's UTF-8 validator into a board image.)
        unsafe { core::str::from_utf8_unchecked(&self.buf[..self.len]) }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the text contains `pattern` (what tests of error paths ask).
    pub fn contains(&self, pattern: &str) -> bool {
        self.as_str().contains(pattern)
    }

    /// Appends `s`, or as much of it as fits (cut at a character boundary,
    /// then `...`).
    #[inline(never)]
    pub fn push_str(&mut self, s: &str) {
        let room = Self::CAPACITY - self.len;
        if s.len() <= room {
            self.buf[self.len..self.len + s.len()].copy_from_slice(s.as_bytes());
            self.len += s.len();
            return;
        }
        let mut cut = room.saturating_sub(3);
        while cut > 0 && !s.is_char_boundary(cut) {
            cut -= 1;
        }
        self.buf[self.len..self.len + cut].copy_from_slice(&s.as_bytes()[..cut]);
        self.len += cut;
        let dots = (Self::CAPACITY - self.len).min(3);
        self.buf[self.len..self.len + dots].copy_from_slice(&b"..."[..dots]);
        self.len += dots;
    }

    /// Appends `v` in decimal. On 32-bit targets this divides by 10 in
    /// 32-bit steps, so no 64-bit division routine is linked.
    #[inline(never)]
    pub fn push_decimal(&mut self, mut v: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            let (q, r) = div10(v);
            at -= 1;
            digits[at] = b'0' + r as u8;
            v = q;
            if v == 0 {
                break;
            }
        }
        self.push_ascii(&digits[at..]);
    }

    /// Appends ASCII bytes (digits).
    fn push_ascii(&mut self, ascii: &[u8]) {
        debug_assert!(ascii.is_ascii());
        // SAFETY: ASCII is valid UTF-8.
        self.push_str(unsafe { core::str::from_utf8_unchecked(ascii) })
    }

    /// Appends `v` as `0x` and lowercase hex digits.
    #[inline(never)]
    pub fn push_hex(&mut self, v: u64) {
        let mut digits = [0u8; 18];
        let mut at = digits.len();
        let mut v = v;
        loop {
            at -= 1;
            digits[at] = b"0123456789abcdef"[(v & 15) as usize];
            v >>= 4;
            if v == 0 {
                break;
            }
        }
        at -= 2;
        digits[at] = b'0';
        digits[at + 1] = b'x';
        self.push_ascii(&digits[at..]);
    }
}

impl Default for Message {
    fn default() -> Self {
        Message::new()
    }
}

/// `v / 10` and `v % 10`.
#[inline]
fn div10(v: u64) -> (u64, u32) {
    if usize::BITS >= 64 {
        (v / 10, (v % 10) as u32)
    } else {
        div10_in_u32_steps(v)
    }
}

/// `v / 10` and `v % 10` with 32-bit divisions only (a 64-bit division
/// is a library routine on 32-bit targets): the high word first, then the
/// remainder and the low word in 16-bit halves, which keeps each dividend
/// below `10 << 16`.
fn div10_in_u32_steps(v: u64) -> (u64, u32) {
    let (hi, lo) = ((v >> 32) as u32, v as u32);
    let (q_hi, r) = (hi / 10, hi % 10);
    let mid = (r << 16) | (lo >> 16);
    let (q_mid, r) = (mid / 10, mid % 10);
    let low = (r << 16) | (lo & 0xffff);
    let (q_low, r) = (low / 10, low % 10);
    (((q_hi as u64) << 32) | ((q_mid as u64) << 16) | q_low as u64, r)
}

/// A number printed as `0x…` in a [`msg!`](crate::msg).
#[derive(Clone, Copy)]
pub struct Hex(pub u64);

/// Something [`msg!`](crate::msg) can append.
pub trait Piece {
    fn append_to(&self, m: &mut Message);
}

impl Piece for str {
    fn append_to(&self, m: &mut Message) {
        m.push_str(self)
    }
}

impl Piece for alloc::string::String {
    fn append_to(&self, m: &mut Message) {
        m.push_str(self)
    }
}

impl Piece for Message {
    fn append_to(&self, m: &mut Message) {
        m.push_str(self.as_str())
    }
}

impl Piece for Hex {
    fn append_to(&self, m: &mut Message) {
        m.push_hex(self.0)
    }
}

impl<T: ?Sized> Piece for *const T {
    fn append_to(&self, m: &mut Message) {
        m.push_hex(self.cast::<u8>() as usize as u64)
    }
}

impl<T: ?Sized> Piece for *mut T {
    fn append_to(&self, m: &mut Message) {
        m.push_hex(self.cast::<u8>() as usize as u64)
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn append_to(&self, m: &mut Message) {
        (**self).append_to(m)
    }
}

macro_rules! unsigned_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn append_to(&self, m: &mut Message) {
                m.push_decimal(*self as u64)
            }
        }
    )*};
}
unsigned_pieces!(u8, u16, u32, u64, usize);

macro_rules! signed_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn append_to(&self, m: &mut Message) {
                if *self < 0 {
                    m.push_str("-");
                }
                m.push_decimal((*self as i64).unsigned_abs())
            }
        }
    )*};
}
signed_pieces!(i32, i64, isize);

/// Hosted code (the CLI, tests) prints messages with `{}`; the collectors
/// themselves never go through this.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Message {}

/// Marks where a value goes in a [`Message::from_template`] template.
pub const VALUE_MARK: char = '\u{1}';

impl Message {
    /// The message made of `template`, with each [`VALUE_MARK`] replaced
    /// by the next of `values`: what [`msg!`](crate::msg) expands to. The
    /// text of a message is one static string and only its values are
    /// passed at run time, so a call site costs a few instructions per
    /// value, which matters on a board.
    #[inline(never)]
    pub fn from_template(template: &str, values: &[&dyn Piece]) -> Message {
        let mut m = Message::new();
        let mut values = values.iter();
        let bytes = template.as_bytes();
        let mut start = 0;
        // A byte loop rather than `str::split`, which brings in a 340-byte
        // memchr.
        for end in 0..=bytes.len() {
            if end < bytes.len() && bytes[end] != VALUE_MARK as u8 {
                continue;
            }
            // SAFETY: `start` and `end` are 0, the template's length, or
            // next to a VALUE_MARK byte, which is ASCII: char boundaries.
            m.push_str(unsafe { template.get_unchecked(start..end) });
            if end < bytes.len() {
                if let Some(v) = values.next() {
                    v.append_to(&mut m);
                }
            }
            start = end + 1;
        }
        m
    }
}

/// Builds a [`Message`] from pieces (see the [module](crate::message)
/// table): `msg!("block ", b, " is free but marked ", Hex(bits))`.
/// Literal pieces are joined at compile time into one template string;
/// the others become its values.
#[macro_export]
macro_rules! msg {
    ($($piece:tt)*) => {
        $crate::__msg_template!([] [] $($piece)*)
    };
}

/// The muncher behind [`msg!`](crate::msg): collects literal pieces into
/// the template and the rest into the values, in order.
#[doc(hidden)]
#[macro_export]
macro_rules! __msg_template {
    ([$($text:expr,)*] [$($value:expr,)*]) => {
        $crate::message::Message::from_template(
            concat!($($text),*),
            &[$(&$value as &dyn $crate::message::Piece),*],
        )
    };
    ([$($text:expr,)*] [$($value:expr,)*] $piece:literal $(, $($rest:tt)*)?) => {
        $crate::__msg_template!([$($text,)* $piece,] [$($value,)*] $($($rest)*)?)
    };
    ([$($text:expr,)*] [$($value:expr,)*] $piece:expr $(, $($rest:tt)*)?) => {
        $crate::__msg_template!([$($text,)* "\u{1}",] [$($value,)* $piece,] $($($rest)*)?)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn numbers_print_like_core_fmt() {
        for v in [0u64, 7, 10, 99, 4_294_967_295, 4_294_967_296, 12_345_678_901_234, u64::MAX] {
            assert_eq!(msg!(v).as_str(), v.to_string());
            assert_eq!(msg!(Hex(v)).as_str(), alloc::format!("0x{v:x}"));
        }
        assert_eq!(msg!(-5i64, " ", i64::MIN).as_str(), alloc::format!("-5 {}", i64::MIN));
        let p = 0x1234usize as *const u8;
        assert_eq!(msg!(p).as_str(), alloc::format!("{p:p}"));
    }

    #[test]
    fn literal_pieces_join_into_the_template_and_values_fill_its_marks() {
        let (n, name) = (42usize, "Node");
        let m = msg!("type '", name, "' has ", n, " fields, flags ", Hex(255), ", ", 7, " ", -3i32);
        assert_eq!(m.as_str(), "type 'Node' has 42 fields, flags 0xff, 7 -3");
        assert_eq!(msg!().as_str(), "");
        assert_eq!(msg!(n).as_str(), "42");
        assert_eq!(Message::from_template("a\u{1}b\u{1}", &[&1u8]).as_str(), "a1b", "missing values print nothing");
    }

    #[test]
    fn div10_in_32_bit_steps_matches_division() {
        let mut v = 0x9e37_79b9_7f4a_7c15u64;
        for edge in [0, 9, 10, u32::MAX as u64, 1 << 32, u64::MAX, u64::MAX - 5] {
            assert_eq!(div10_in_u32_steps(edge), (edge / 10, (edge % 10) as u32), "{edge}");
        }
        for _ in 0..1000 {
            assert_eq!(div10_in_u32_steps(v), (v / 10, (v % 10) as u32), "{v}");
            v = v.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) >> (v % 17);
        }
    }

    #[test]
    fn long_text_is_cut_with_dots_at_a_character_boundary() {
        let long = "é".repeat(Message::CAPACITY);
        let m = msg!("x", long.as_str());
        assert!(m.as_str().ends_with("..."), "{m}");
        assert!(m.as_bytes().len() <= Message::CAPACITY);
        let full = msg!("a".repeat(Message::CAPACITY).as_str(), "more");
        assert_eq!(full.as_bytes().len(), Message::CAPACITY);
    }
}
