//! Threads kept for work a frame hands off while it goes on with its own:
//! the own parts of thousands of edited widgets (the digest), the items of
//! half the display list a nudge of everything moves.
//!
//! They are started once and sleep between jobs. A thread started for each
//! job, as these were, began on the processor of the thread that started
//! it and often stayed there, while the other processor idled: in the
//! nudges of everything at 100,000 widgets on a 2-core VM, the helper and
//! the frame took turns on one processor in up to seven of the ten nudges
//! of a pass (seen with `perf record -a`), and those frames' layout and
//! display list took 1.6 to 2 times as long. A sleeping thread woken for a
//! job is given an idle processor where there is one.

use std::sync::OnceLock;

/// The most helpers kept: the digest writes own parts on at most four
/// threads, the caller's included.
const MAX_HELPERS: usize = 3;

/// The helpers, started on first use: one fewer than the processors this
/// process may use (at least one, at most [`MAX_HELPERS`]); `None` where
/// none could be started, and callers then do the work themselves.
fn helpers() -> Option<&'static rayon::ThreadPool> {
    static HELPERS: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    HELPERS
        .get_or_init(|| {
            let processors = std::thread::available_parallelism().map_or(1, usize::from);
            rayon::ThreadPoolBuilder::new()
                .num_threads(processors.saturating_sub(1).clamp(1, MAX_HELPERS))
                .thread_name(|i| format!("trellis helper {i}"))
                .build()
                .ok()
        })
        .as_ref()
}

/// Runs `theirs` on a helper thread while `ours` runs on this one, and
/// returns what each gave. Where no helper can be had, this thread runs
/// `ours`, then `theirs`. A panic in either is raised here once both
/// are over.
pub fn alongside<T: Send, U>(theirs: impl FnOnce() -> T + Send, ours: impl FnOnce() -> U) -> (T, U) {
    let Some(helpers) = helpers() else {
        let mine = ours();
        return (theirs(), mine);
    };
    let mut given = None;
    let mine = helpers.in_place_scope(|scope| {
        scope.spawn(|_| given = Some(theirs()));
        ours()
    });
    (given.expect("the scope ends after the work it was given"), mine)
}

/// Runs `work` on every one of `jobs`: the first on this thread, the
/// others on helpers (all on this thread where none can be had), and
/// returns what each gave, in the order of `jobs`. A panic in any is
/// raised here once all are over.
pub(crate) fn each<J: Send, T: Send>(jobs: Vec<J>, work: impl Fn(J) -> T + Sync) -> Vec<T> {
    let mut jobs = jobs.into_iter();
    let Some(first) = jobs.next() else { return Vec::new() };
    let Some(helpers) = helpers() else {
        return std::iter::once(first).chain(jobs).map(&work).collect();
    };
    let mut given: Vec<Option<T>> = (0..jobs.len()).map(|_| None).collect();
    let work = &work;
    let mine = helpers.in_place_scope(|scope| {
        for (slot, job) in given.iter_mut().zip(jobs) {
            scope.spawn(move |_| *slot = Some(work(job)));
        }
        work(first)
    });
    std::iter::once(mine)
        .chain(given.into_iter().map(|t| t.expect("the scope ends after the work it was given")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread_name() -> String {
        std::thread::current().name().unwrap_or_default().to_owned()
    }

    #[test]
    fn work_handed_alongside_runs_on_a_kept_helper_while_the_caller_does_its_own() {
        let caller = std::thread::current().id();
        for _ in 0..3 {
            let ((their_thread, their_name), (our_thread, sum)) = alongside(
                || (std::thread::current().id(), thread_name()),
                || (std::thread::current().id(), (1..=10).sum::<i32>()),
            );
            assert_eq!((our_thread, sum), (caller, 55), "the caller's own work runs on the caller");
            assert_ne!(their_thread, caller);
            // A kept helper, not a thread started for the job.
            assert!(their_name.starts_with("trellis helper "), "ran on '{their_name}'");
        }
    }

    #[test]
    fn work_borrowed_from_the_caller_is_handed_out_and_given_back_in_order() {
        let words = ["a", "bb", "ccc", "dddd", "eeeee"];
        let jobs: Vec<&[&str]> = words.chunks(2).collect();
        let lengths = each(jobs, |chunk| chunk.iter().map(|w| w.len()).collect::<Vec<_>>());
        assert_eq!(lengths, vec![vec![1, 2], vec![3, 4], vec![5]]);
        assert!(each(Vec::<u8>::new(), |j| j).is_empty());
        // The first job is the caller's own.
        let names = each(vec![0, 1], |_| std::thread::current().id());
        assert_eq!(names[0], std::thread::current().id());
    }

    #[test]
    fn a_panic_in_the_helpers_work_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| alongside(|| panic!("the helper's work failed"), || 1));
        let message = caught.expect_err("the panic is raised here");
        assert_eq!(message.downcast_ref::<&str>(), Some(&"the helper's work failed"));
        // The helper is still there for the next job.
        assert_eq!(alongside(|| 2, || 3), (2, 3));
    }
}
