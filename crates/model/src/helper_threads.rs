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
                .start_handler(|_| {
                    placement::note_helper();
                })
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
    placement::keep_helpers_off_this_processor();
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
    placement::keep_helpers_off_this_processor();
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

/// Keeps the calling thread, which works beside the frame (the journal's
/// writer), off the frame's processor as the helpers are, until the
/// returned guard is dropped (on this thread, before it ends: thread ids
/// are reused, and a thread gone must leave the list first).
pub fn work_beside_the_frame() -> BesideTheFrame {
    BesideTheFrame { tid: placement::note_helper(), _on_this_thread: std::marker::PhantomData }
}

/// While it lives, its thread is kept off the frame's processor
/// ([`work_beside_the_frame`]).
#[must_use = "the thread is kept off the frame's processor only while this lives"]
#[derive(Debug)]
pub struct BesideTheFrame {
    tid: Option<i64>,
    /// Dropped on the thread it was made on.
    _on_this_thread: std::marker::PhantomData<*const ()>,
}

impl Drop for BesideTheFrame {
    fn drop(&mut self) {
        if let Some(tid) = self.tid {
            placement::forget(tid);
        }
    }
}

/// Where the helpers may run: anywhere but the processor of the thread
/// that hands them work.
///
/// On a virtual machine the kernel may take a halted processor for one
/// its hypervisor has descheduled, and wake a helper on the processor of
/// the thread that woke it instead, queued behind that thread, while the
/// other processor idles. In nudges of everything at 100,000 widgets on a
/// 2-core VM, `perf record -e sched:sched_switch -a` showed the helper
/// (writing the digest) preempting the frame's layout for 2 to 2.7 ms, the
/// other processor idle, six times in one pass of `select-all-move`. So
/// the helpers' affinity leaves out the caller's processor: set again only
/// when the caller is on another processor than the last time (a system
/// call a helper, rarely), and a helper starting later keeps itself off
/// it. The set is the caller's own affinity less its processor, so a
/// process confined with `taskset` stays within it. Where the kernel
/// refuses, they run where it puts them. `TRELLIS_HELPERS_ANYWHERE=1`
/// leaves them there, to compare.
///
/// The confinement is strict: while the caller waits for a helper at the
/// end of a job, or another process holds the helpers' processors, a
/// helper does not move to the caller's. The frame hands out jobs about
/// as long as its own part, and on the 2-core VM measured the helpers'
/// processor was idle when a job came.
#[cfg(target_os = "linux")]
mod placement {
    use std::sync::{Mutex, OnceLock};

    /// The helpers' thread ids, as each started, and the processor they
    /// were last kept off (`None`: none yet). Changed together, under
    /// the lock, so that a helper's affinity always matches it.
    static HELPERS: Mutex<(Vec<libc::pid_t>, Option<usize>)> = Mutex::new((Vec::new(), None));

    /// The calling thread's processor, if the kernel says.
    fn this_processor() -> Option<usize> {
        // SAFETY: sched_getcpu takes nothing; a negative answer is an error.
        usize::try_from(unsafe { libc::sched_getcpu() }).ok()
    }

    /// The processors thread `tid` may run on (0: the calling thread).
    fn allowed(tid: libc::pid_t) -> Option<libc::cpu_set_t> {
        // SAFETY: an all-zero cpu_set_t is the empty set.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        // SAFETY: `set` is a cpu_set_t of the size given.
        let got = unsafe { libc::sched_getaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &mut set) };
        (got == 0).then_some(set)
    }

    /// `set` less processor `cpu`, if that leaves one.
    fn without(mut set: libc::cpu_set_t, cpu: usize) -> Option<libc::cpu_set_t> {
        if cpu >= libc::CPU_SETSIZE as usize {
            return None;
        }
        // SAFETY: `cpu` is below CPU_SETSIZE, checked above.
        unsafe { libc::CPU_CLR(cpu, &mut set) };
        // SAFETY: CPU_COUNT only reads the set.
        (unsafe { libc::CPU_COUNT(&set) } > 0).then_some(set)
    }

    /// Lets thread `tid` (0: the calling one) run only on `set`; whether
    /// the kernel did.
    fn confine(tid: libc::pid_t, set: &libc::cpu_set_t) -> bool {
        // SAFETY: `set` is a valid cpu_set_t of the size given; a thread
        // gone away is refused (ESRCH), and nothing else happens.
        unsafe { libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), set) == 0 }
    }

    /// Whether `TRELLIS_HELPERS_ANYWHERE=1` leaves the helpers where the
    /// kernel puts them (read once: a job is handed out every frame).
    fn switched_off() -> bool {
        static OFF: OnceLock<bool> = OnceLock::new();
        *OFF.get_or_init(|| std::env::var_os("TRELLIS_HELPERS_ANYWHERE").is_some_and(|v| v == "1"))
    }

    /// Notes the calling thread (a helper as it starts), keeping it off
    /// the processor the others are kept off, if any yet; its id.
    pub(super) fn note_helper() -> Option<i64> {
        // SAFETY: the gettid system call takes nothing and cannot fail
        // (called as a system call: glibc's wrapper is from 2.30 on).
        let tid = unsafe { libc::syscall(libc::SYS_gettid) } as libc::pid_t;
        let Ok(mut helpers) = HELPERS.lock() else { return None };
        helpers.0.push(tid);
        if let Some(set) = helpers.1.and_then(|cpu| allowed(0).and_then(|a| without(a, cpu))) {
            // Refused, it runs anywhere, as where the kernel refuses all.
            confine(0, &set);
        }
        Some(i64::from(tid))
    }

    /// Takes thread `tid` off the list, before it ends.
    pub(super) fn forget(tid: i64) {
        if let Ok(mut helpers) = HELPERS.lock() {
            helpers.0.retain(|t| i64::from(*t) != tid);
        }
    }

    /// Whether thread `tid` is on the list (for the tests).
    #[cfg(test)]
    pub(super) fn is_noted(tid: i64) -> bool {
        HELPERS.lock().is_ok_and(|h| h.0.iter().any(|t| i64::from(*t) == tid))
    }

    /// Lets the helpers run on every processor the calling thread may use
    /// but the one it runs on, when that leaves them one.
    pub(super) fn keep_helpers_off_this_processor() {
        if switched_off() {
            return;
        }
        let Some(here) = this_processor() else { return };
        let Ok(mut helpers) = HELPERS.lock() else { return };
        if helpers.1 == Some(here) {
            return;
        }
        let Some(set) = allowed(0).and_then(|a| without(a, here)) else { return };
        let mut confined = true;
        for &tid in &helpers.0 {
            confined &= confine(tid, &set);
        }
        // Noted only where the kernel let every helper be confined (a
        // sandbox may refuse the call): tried again with the next job.
        if confined {
            helpers.1 = Some(here);
        }
    }

    /// The processor the helpers are kept off, and whether the calling
    /// thread may run on it, read together (for the tests, from a helper).
    #[cfg(test)]
    pub(super) fn kept_off_and_whether_allowed_here() -> Option<(usize, bool)> {
        let helpers = HELPERS.lock().ok()?;
        let cpu = helpers.1?;
        // SAFETY: `cpu` was a processor number the kernel gave, below
        // CPU_SETSIZE (checked when it was kept off); CPU_ISSET only reads.
        allowed(0).map(|set| (cpu, unsafe { libc::CPU_ISSET(cpu, &set) }))
    }

    /// How many processors the calling thread may run on, and whether
    /// the kernel lets it set its own affinity (to what it is already).
    #[cfg(test)]
    pub(super) fn processors_allowed_and_settable() -> (usize, bool) {
        let Some(set) = allowed(0) else { return (0, false) };
        // SAFETY: CPU_COUNT only reads the set.
        (unsafe { libc::CPU_COUNT(&set) } as usize, confine(0, &set))
    }

    /// Whether the helpers are left where the kernel puts them.
    #[cfg(test)]
    pub(super) fn left_anywhere() -> bool {
        switched_off()
    }
}

/// Elsewhere the kernel places the helpers.
#[cfg(not(target_os = "linux"))]
mod placement {
    pub(super) fn note_helper() -> Option<i64> {
        None
    }
    pub(super) fn forget(_tid: i64) {}
    pub(super) fn keep_helpers_off_this_processor() {}
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

    /// Regression: on a 2-core VM the helper writing the digest was woken
    /// on the frame's processor, the other idle, and preempted the
    /// frame's layout for 2 to 2.7 ms (`placement`).
    #[cfg(target_os = "linux")]
    #[test]
    fn helpers_run_off_the_processor_of_the_thread_handing_them_work() {
        let (processors, settable) = placement::processors_allowed_and_settable();
        if processors < 2 || !settable || placement::left_anywhere() {
            eprintln!(
                "skipped: {processors} processor(s) allowed, affinity settable: {settable}, \
                 TRELLIS_HELPERS_ANYWHERE=1: {}",
                placement::left_anywhere()
            );
            return;
        }
        for _ in 0..3 {
            let (theirs, ()) = alongside(placement::kept_off_and_whether_allowed_here, || ());
            let (kept_off, allowed_there) = theirs.expect("the helpers are kept off the caller's processor");
            assert!(!allowed_there, "a helper may still run on processor {kept_off}, the caller's");
        }
    }

    /// A thread working beside the frame (the journal's writer) is kept
    /// off the caller's processor as the helpers are while its guard
    /// lives, and off the list once it is dropped.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_thread_beside_the_frame_is_kept_off_its_processor_until_it_lets_go() {
        let (processors, settable) = placement::processors_allowed_and_settable();
        if processors < 2 || !settable || placement::left_anywhere() {
            eprintln!("skipped: {processors} processor(s) allowed, affinity settable: {settable}");
            return;
        }
        let (noted, go) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
        let (noted_tx, noted_rx) = noted;
        let (go_tx, go_rx) = go;
        let beside = std::thread::spawn(move || {
            let guard = work_beside_the_frame();
            let tid = guard.tid.expect("noted on Linux");
            noted_tx.send(()).unwrap();
            go_rx.recv().unwrap();
            let seen = placement::kept_off_and_whether_allowed_here();
            drop(guard);
            (tid, seen)
        });
        noted_rx.recv().unwrap();
        // A job handed out after the thread was noted keeps it off too.
        alongside(|| (), || ());
        go_tx.send(()).unwrap();
        let (tid, seen) = beside.join().unwrap();
        let (kept_off, allowed_there) = seen.expect("the caller's processor is kept off");
        assert!(!allowed_there, "the thread beside the frame may still run on processor {kept_off}");
        assert!(!placement::is_noted(tid), "a thread that let go is off the list");
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
