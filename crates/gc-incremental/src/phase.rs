//! The phases of a cycle ([`CyclePhase`]): what the cycle (`crate::cycle`)
//! advances through and what the verifier (`crate::verify`) checks by.

use gc_api::event::Phase as Event;
use gc_heap::heap::ReleaseCursor;
use gc_heap::runtime::TableCursor;

/// The phases of a cycle, in order. The data in each is where it resumes.
#[derive(Debug, Clone, Copy)]
pub enum CyclePhase {
    /// No cycle: the mutator allocates until the pacer's start point.
    Idle,
    /// Marking the root snapshot taken when the cycle began, from `next`.
    Roots { next: usize },
    /// Draining the mark stack (the write barrier feeds it too).
    Mark,
    /// Clearing weak references whose targets are white, from `next`.
    Weak { next: usize },
    /// Moving white finalizable objects to the dead list, shading each.
    FinalizeScan { cursor: TableCursor, shaded: usize },
    /// Marking everything the dead finalizable objects reach.
    FinalizeMark,
    /// Forgetting weak-reference cells that are white.
    PruneWeak { cursor: TableCursor },
    /// Sweeping blocks (the heap keeps the cursor).
    Sweep,
    /// Giving free blocks beyond the next allowance back to the OS.
    Release { cursor: ReleaseCursor },
}

impl CyclePhase {
    /// The variant's name, for the verifier's messages.
    pub fn name(self) -> &'static str {
        match self {
            CyclePhase::Idle => "Idle",
            CyclePhase::Roots { .. } => "Roots",
            CyclePhase::Mark => "Mark",
            CyclePhase::Weak { .. } => "Weak",
            CyclePhase::FinalizeScan { .. } => "FinalizeScan",
            CyclePhase::FinalizeMark => "FinalizeMark",
            CyclePhase::PruneWeak { .. } => "PruneWeak",
            CyclePhase::Sweep => "Sweep",
            CyclePhase::Release { .. } => "Release",
        }
    }

    /// The event phase reported for this cycle phase.
    pub fn event(self) -> Event {
        match self {
            CyclePhase::Idle | CyclePhase::Roots { .. } => Event::Roots,
            CyclePhase::Mark => Event::Mark,
            CyclePhase::Weak { .. } => Event::Weak,
            CyclePhase::FinalizeScan { .. } | CyclePhase::FinalizeMark | CyclePhase::PruneWeak { .. } => {
                Event::FinalizeMark
            }
            CyclePhase::Sweep => Event::Sweep,
            CyclePhase::Release { .. } => Event::Release,
        }
    }

    /// True from the root snapshot until marking terminates: the barriers
    /// are on and new objects are allocated black.
    pub fn is_marking(self) -> bool {
        matches!(self, CyclePhase::Roots { .. } | CyclePhase::Mark)
    }

    /// True after marking terminated and before the sweep began: every
    /// reachable object is marked.
    pub fn is_marked_through(self) -> bool {
        matches!(
            self,
            CyclePhase::Weak { .. }
                | CyclePhase::FinalizeScan { .. }
                | CyclePhase::FinalizeMark
                | CyclePhase::PruneWeak { .. }
        )
    }
}
