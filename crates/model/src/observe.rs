//! Change notification and per-widget caches that cannot leak.
//!
//! A subscriber gets a [`Subscription`] handle; dropping it unsubscribes, so
//! there is no manual unregister to forget. A [`WidgetCache`] registers with
//! the document the same way, and the document purges its entries when their
//! widget leaves the document. The table holds only what live handles own,
//! so [`crate::LiveCounts`] can report exactly how many are alive.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use crate::document::WidgetId;
use crate::property::PropKeys;

/// What one primitive operation changed. Subscribers read these to update
/// their own derived state (layout, spatial index, display list).
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// `id` (with its subtree) entered the document under `parent`.
    Inserted {
        /// The widget inserted.
        id: WidgetId,
        /// Its parent.
        parent: WidgetId,
        /// Its position among the parent's children.
        index: usize,
    },
    /// `id` (with its subtree, listed in `subtree`, `id` first) left the document.
    Removed {
        /// The widget removed.
        id: WidgetId,
        /// The parent it left.
        parent: WidgetId,
        /// The position it had among that parent's children.
        index: usize,
        /// Every widget that left, `id` first.
        subtree: Vec<WidgetId>,
    },
    /// `id` moved from one parent (or position) to another.
    Moved {
        /// The widget moved.
        id: WidgetId,
        /// Its parent before.
        from: WidgetId,
        /// Its parent now (may be `from`).
        to: WidgetId,
        /// Its position among the new parent's children.
        index: usize,
    },
    /// Properties of `id` changed.
    Props {
        /// The widget.
        id: WidgetId,
        /// The properties whose value changed.
        keys: PropKeys,
    },
    /// `id` was renamed.
    Renamed {
        /// The widget.
        id: WidgetId,
    },
    /// Too many changes piled up unread (or the document was replaced):
    /// the subscriber must rebuild everything it derived.
    Reset,
}

/// Most changes a subscription keeps unread; past that they collapse into
/// one [`Change::Reset`], so a forgotten subscription cannot grow without bound.
pub const MAX_PENDING_CHANGES: usize = 65_536;

type Queue = Arc<Mutex<VecDeque<Change>>>;

pub(crate) trait PurgeTarget: Send + Sync {
    fn purge(&self, ids: &[WidgetId]);
    fn clear(&self);
    fn len(&self) -> usize;
}

#[derive(Default)]
pub(crate) struct ObserverTable {
    next_key: u64,
    queues: Vec<(u64, Queue)>,
    caches: Vec<(u64, Arc<dyn PurgeTarget>)>,
}

/// The document's side of the subscription table.
#[derive(Default)]
pub(crate) struct Observers {
    table: Arc<Mutex<ObserverTable>>,
}

impl fmt::Debug for Observers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let table = lock(&self.table);
        f.debug_struct("Observers")
            .field("subscriptions", &table.queues.len())
            .field("caches", &table.caches.len())
            .finish()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in a subscriber's thread must not take the document down.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Observers {
    pub(crate) fn subscribe(&self) -> Subscription {
        let queue: Queue = Arc::default();
        let mut table = lock(&self.table);
        let key = table.next_key;
        table.next_key += 1;
        table.queues.push((key, queue.clone()));
        Subscription { table: Arc::downgrade(&self.table), key, queue }
    }

    fn register_cache(&self, target: Arc<dyn PurgeTarget>) -> Registration {
        let mut table = lock(&self.table);
        let key = table.next_key;
        table.next_key += 1;
        table.caches.push((key, target));
        Registration { table: Arc::downgrade(&self.table), key }
    }

    pub(crate) fn notify(&self, change: &Change) {
        self.notify_all(std::slice::from_ref(change));
    }

    /// Tells every subscriber `changes`, in order, taking each lock once
    /// (a batch of commands tells its changes together).
    pub(crate) fn notify_all(&self, changes: &[Change]) {
        if changes.is_empty() {
            return;
        }
        let table = lock(&self.table);
        for change in changes {
            if let Change::Removed { subtree, .. } = change {
                for (_, cache) in &table.caches {
                    cache.purge(subtree);
                }
            }
            if matches!(change, Change::Reset) {
                for (_, cache) in &table.caches {
                    cache.clear();
                }
            }
        }
        for (_, queue) in &table.queues {
            let mut queue = lock(queue);
            for change in changes {
                if queue.len() >= MAX_PENDING_CHANGES {
                    queue.clear();
                    queue.push_back(Change::Reset);
                } else if queue.back() != Some(&Change::Reset) {
                    queue.push_back(change.clone());
                }
            }
        }
    }

    pub(crate) fn subscription_count(&self) -> usize {
        lock(&self.table).queues.len()
    }

    pub(crate) fn cache_counts(&self) -> (usize, usize) {
        let table = lock(&self.table);
        (table.caches.len(), table.caches.iter().map(|(_, c)| c.len()).sum())
    }
}

/// Room a reader's vector keeps between [`Subscription::drain_into`] calls:
/// a gesture's changes, not the largest paste's (100,000 widgets would keep
/// megabytes for the rest of the session).
pub const KEPT_CHANGES: usize = 4096;

/// A live subscription to a document's changes. Drop it to unsubscribe.
pub struct Subscription {
    table: Weak<Mutex<ObserverTable>>,
    key: u64,
    queue: Queue,
}

impl Subscription {
    /// Takes every change that arrived since the last call, oldest first.
    pub fn drain(&self) -> Vec<Change> {
        lock(&self.queue).drain(..).collect()
    }

    /// [`Subscription::drain`] into `out` (cleared first), so that a reader
    /// called every frame keeps one vector instead of making one a frame.
    /// `out` keeps room for at most [`KEPT_CHANGES`] between reads.
    pub fn drain_into(&self, out: &mut Vec<Change>) {
        out.clear();
        out.shrink_to(KEPT_CHANGES);
        out.extend(lock(&self.queue).drain(..));
    }

    /// How many changes wait unread.
    pub fn pending(&self) -> usize {
        lock(&self.queue).len()
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription").field("key", &self.key).field("pending", &self.pending()).finish()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(table) = self.table.upgrade() {
            lock(&table).queues.retain(|(k, _)| *k != self.key);
        }
    }
}

struct Registration {
    table: Weak<Mutex<ObserverTable>>,
    key: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Some(table) = self.table.upgrade() {
            lock(&table).caches.retain(|(k, _)| *k != self.key);
        }
    }
}

struct CacheEntries<T>(Mutex<HashMap<WidgetId, T>>);

impl<T: Send> PurgeTarget for CacheEntries<T> {
    fn purge(&self, ids: &[WidgetId]) {
        let mut map = lock(&self.0);
        if map.is_empty() {
            return;
        }
        for id in ids {
            map.remove(id);
        }
    }

    fn clear(&self) {
        lock(&self.0).clear();
    }

    fn len(&self) -> usize {
        lock(&self.0).len()
    }
}

/// A cache of derived values keyed by widget, purged by the document when a
/// widget leaves it. Dropping the cache unregisters it.
pub struct WidgetCache<T: Send + 'static> {
    entries: Arc<CacheEntries<T>>,
    _registration: Registration,
}

impl<T: Send + 'static> WidgetCache<T> {
    /// An empty cache, registered with `doc` so it purges gone widgets.
    pub fn new(doc: &crate::Document) -> Self {
        let entries = Arc::new(CacheEntries(Mutex::new(HashMap::new())));
        let registration = doc.observers().register_cache(entries.clone());
        Self { entries, _registration: registration }
    }

    /// Stores `value` for `id`. Refused (returns false) when `id` is not in
    /// `doc`: an entry for a widget that is gone could never be purged.
    pub fn insert(&self, doc: &crate::Document, id: WidgetId, value: T) -> bool {
        if !doc.contains(id) {
            return false;
        }
        lock(&self.entries.0).insert(id, value);
        true
    }

    /// Calls `f` with the entry for `id`, if any, without cloning it.
    pub fn with<R>(&self, id: WidgetId, f: impl FnOnce(Option<&T>) -> R) -> R {
        f(lock(&self.entries.0).get(&id))
    }

    /// Takes the entry for `id` out of the cache.
    pub fn remove(&self, id: WidgetId) -> Option<T> {
        lock(&self.entries.0).remove(&id)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T: Send + Clone + 'static> WidgetCache<T> {
    /// A copy of the entry for `id`.
    pub fn get(&self, id: WidgetId) -> Option<T> {
        lock(&self.entries.0).get(&id).cloned()
    }
}

impl<T: Send + 'static> fmt::Debug for WidgetCache<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WidgetCache").field("entries", &self.len()).finish()
    }
}
