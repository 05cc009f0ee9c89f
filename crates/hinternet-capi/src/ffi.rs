//! The frame every export runs in: panics are caught (FALSE/NULL with
//! ERROR_INTERNAL_ERROR), results become return values and the thread's last error.

use std::panic::{AssertUnwindSafe, catch_unwind};

use hinternet_core::consts::{ERROR_INTERNAL_ERROR, ERROR_IO_PENDING};
use hinternet_core::{Error, Outcome, Result};

use crate::last_error;

/// Runs an export body; `Ok` sets the last error to 0 and returns the value, `Err` records the
/// error and returns `fail`. A panic is caught and reported as ERROR_INTERNAL_ERROR.
pub fn guard<T>(fail: T, body: impl FnOnce() -> Result<T>) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(v)) => {
            last_error::set(0);
            v
        }
        Ok(Err(e)) => {
            last_error::fail(&e);
            fail
        }
        Err(_) => {
            last_error::set(ERROR_INTERNAL_ERROR);
            fail
        }
    }
}

/// Turns a dispatched call's outcome into the export's result: `Pending` is ERROR_IO_PENDING.
pub fn outcome<T>(o: Outcome<T>) -> Result<T> {
    match o {
        Outcome::Done(r) => r,
        Outcome::Pending => Err(Error::new(ERROR_IO_PENDING)),
    }
}

/// A caller's output location written at completion of a pending call. WinINet requires it to
/// stay valid until REQUEST_COMPLETE.
pub struct OutPtr<T>(pub *mut T);

// SAFETY: the pointer is only written once, by the completing task, and the caller guarantees
// (WinINet contract) that it stays valid until REQUEST_COMPLETE.
unsafe impl<T> Send for OutPtr<T> {}

impl<T> OutPtr<T> {
    /// The pointer.
    pub fn ptr(&self) -> *mut T {
        self.0
    }

    /// Writes `v` if the pointer is not NULL.
    ///
    /// # Safety
    /// The pointer is NULL or valid for writes.
    pub unsafe fn write(&self, v: T) {
        if !self.0.is_null() {
            // SAFETY: checked non-NULL; validity is the caller's contract.
            unsafe { self.0.write_unaligned(v) };
        }
    }
}

/// A caller's buffer used by a call that may complete later.
pub struct RawBuf {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: the buffer is used by one task at a time and stays valid until REQUEST_COMPLETE
// (WinINet contract).
unsafe impl Send for RawBuf {}

impl RawBuf {
    /// Wraps a caller's buffer.
    ///
    /// # Safety
    /// `ptr` is valid for `len` bytes until the call completes (NULL only with `len` 0).
    pub unsafe fn new(ptr: *mut u8, len: usize) -> RawBuf {
        RawBuf { ptr, len }
    }
}

impl AsMut<[u8]> for RawBuf {
    fn as_mut(&mut self) -> &mut [u8] {
        if self.ptr.is_null() || self.len == 0 {
            return &mut [];
        }
        // SAFETY: validity for `len` bytes is the constructor's contract.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

impl AsRef<[u8]> for RawBuf {
    fn as_ref(&self) -> &[u8] {
        if self.ptr.is_null() || self.len == 0 {
            return &[];
        }
        // SAFETY: validity for `len` bytes is the constructor's contract.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}
