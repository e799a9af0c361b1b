//! Bitmap searches shared by the heap's sweepers and lookups.

/// The highest set bit of the bitmap `words` in `lowest..=at`, scanning
/// down a word at a time.
///
/// # Safety
/// The bitmap covers bit `at`.
pub(crate) unsafe fn last_set_bit(words: *const u64, lowest: usize, at: usize) -> Option<usize> {
    let mut at = at;
    loop {
        // SAFETY: caller contract; `at` only goes down.
        let word = unsafe { *words.add(at >> 6) } & (u64::MAX >> (63 - (at & 63)));
        if word != 0 {
            let found = (at & !63) + 63 - word.leading_zeros() as usize;
            return (found >= lowest).then_some(found);
        }
        if at & !63 <= lowest {
            return None;
        }
        at = (at & !63) - 1;
    }
}
