//! The handle table: handle values to nodes, with slot reuse under a new generation.

use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex};

use dashmap::DashMap;

use crate::consts::{ERROR_INTERNET_OUT_OF_HANDLES, ERROR_INVALID_HANDLE};
use crate::node::{Node, lock};
use crate::{Error, Handle, Result};

/// The most handles alive at once.
const MAX_SLOTS: u32 = u32::MAX - 1;

#[derive(Default)]
struct Slots {
    /// Generation to use next, per slot.
    generation: Vec<u32>,
    /// Free slots, reused most-recently-freed first (as WinINet reuses values quickly).
    free: Vec<u32>,
}

/// Hashes a handle value with one multiplication (Fibonacci hashing): handle values are not
/// attacker-chosen keys, and SipHash was most of the cost of a lookup, made on every call.
#[derive(Default, Clone, Copy)]
struct HandleHasher(u64);

impl Hasher for HandleHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Live handles by value.
#[derive(Default)]
pub struct Table {
    map: DashMap<u64, Arc<Node>, BuildHasherDefault<HandleHasher>>,
    slots: Mutex<Slots>,
}

impl Table {
    pub(crate) fn allocate(&self) -> Result<Handle> {
        let mut s = lock(&self.slots);
        let slot = match s.free.pop() {
            Some(slot) => slot,
            None => {
                let slot = u32::try_from(s.generation.len())
                    .ok()
                    .filter(|&n| n < MAX_SLOTS)
                    .ok_or_else(|| Error::new(ERROR_INTERNET_OUT_OF_HANDLES))?;
                s.generation.push(0);
                slot
            }
        };
        Ok(Handle::new(slot, s.generation[slot as usize]))
    }

    /// Returns a slot for reuse; the next handle in it gets the next generation.
    pub(crate) fn free(&self, h: Handle) {
        let mut s = lock(&self.slots);
        let slot = h.slot();
        let g = &mut s.generation[slot as usize];
        *g = g.wrapping_add(1);
        s.free.push(slot);
    }

    pub(crate) fn publish(&self, node: Arc<Node>) {
        self.map.insert(node.handle.as_raw(), node);
    }

    pub(crate) fn unpublish(&self, h: Handle) {
        self.map.remove(&h.as_raw());
    }

    /// The node behind a live handle value; `ERROR_INVALID_HANDLE` for 0, unknown, stale or
    /// closed values.
    pub fn get(&self, raw: u64) -> Result<Arc<Node>> {
        self.map
            .get(&raw)
            .map(|n| Arc::clone(n.value()))
            .ok_or_else(|| Error::new(ERROR_INVALID_HANDLE))
    }

    /// How many handles are published (open, not yet closed).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no handle is open.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// How many slots are taken (handles open, or closed but not yet finalized).
    pub fn slots_in_use(&self) -> usize {
        let s = lock(&self.slots);
        s.generation.len() - s.free.len()
    }
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").field("live", &self.len()).finish()
    }
}
