//! Where the heap's bytes come from.
//!
//! The heap asks for one contiguous region up front and afterwards only
//! tells the source which ranges it no longer needs. Two sources exist:
//! [`MmapMemory`] reserves address space with `memmap2` and hands unused
//! blocks back to the kernel with `madvise(MADV_DONTNEED)`, so RSS follows
//! the live heap; [`FixedMemory`] wraps a buffer the caller owns (a static
//! array on a board without an MMU, or a `Vec` under Miri).

/// A contiguous, writable region owned by the heap for its whole life.
pub trait Memory {
    fn base(&self) -> *mut u8;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// True if every byte of the region read zero when it was handed over
    /// (lets the heap skip clearing its metadata, which would commit it).
    fn starts_zeroed(&self) -> bool;
    /// True if pages cost memory only once touched (a reservation), so the
    /// untouched tail of the metadata is not memory spent.
    fn commits_on_touch(&self) -> bool {
        false
    }
    /// The heap will not read `[offset, offset + len)` again before writing
    /// it; the source may drop the pages. Contents afterwards are unspecified.
    fn release(&mut self, offset: usize, len: usize);
    /// Bytes given back by `release` so far (for statistics and tests).
    fn released_bytes(&self) -> u64 {
        0
    }
}

/// A caller-provided buffer. `release` is a no-op: the memory stays the caller's.
pub struct FixedMemory {
    base: *mut u8,
    len: usize,
    zeroed: bool,
}

impl FixedMemory {
    /// # Safety
    /// 1. `[base, base + len)` is writable and used by nothing else for the
    ///    life of the heap built on it.
    /// 2. `zeroed` is true only if all of it reads zero.
    pub unsafe fn new(base: *mut u8, len: usize, zeroed: bool) -> Self {
        FixedMemory { base, len, zeroed }
    }
}

impl Memory for FixedMemory {
    fn base(&self) -> *mut u8 {
        self.base
    }
    fn len(&self) -> usize {
        self.len
    }
    fn starts_zeroed(&self) -> bool {
        self.zeroed
    }
    fn release(&mut self, _offset: usize, _len: usize) {}
}

#[cfg(feature = "std")]
pub use mmap::MmapMemory;

#[cfg(feature = "std")]
mod mmap {
    use super::Memory;

    /// An anonymous private mapping: address space reserved at once, pages
    /// committed by the kernel on first touch and dropped again on release.
    pub struct MmapMemory {
        map: memmap2::MmapMut,
        released: u64,
    }

    impl MmapMemory {
        pub fn reserve(len: usize) -> std::io::Result<Self> {
            let map = memmap2::MmapOptions::new().len(len).map_anon()?;
            Ok(MmapMemory { map, released: 0 })
        }
    }

    impl Memory for MmapMemory {
        fn base(&self) -> *mut u8 {
            self.map.as_ptr() as *mut u8
        }
        fn len(&self) -> usize {
            self.map.len()
        }
        fn starts_zeroed(&self) -> bool {
            true
        }
        fn commits_on_touch(&self) -> bool {
            true
        }
        fn release(&mut self, offset: usize, len: usize) {
            // SAFETY: MADV_DONTNEED on a private anonymous mapping only drops
            // pages (they read back as zero); the heap promised not to rely
            // on their contents, and no Rust reference into them exists.
            let r = unsafe { self.map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, len) };
            if r.is_ok() {
                self.released += len as u64;
            }
        }
        fn released_bytes(&self) -> u64 {
            self.released
        }
    }
}
