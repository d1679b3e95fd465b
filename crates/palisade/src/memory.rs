//! Allocator tuning that keeps the scan's memory where its bounds say.
//!
//! glibc's `malloc` serves large blocks with `mmap`, but it raises that
//! threshold each time such a block is freed (up to 32 MiB). After the first
//! response body is freed, every later one (up to `--max-body`) is carved
//! from the per-thread heap arenas instead, and freed bodies leave holes
//! there that the arenas keep. Fixing the threshold keeps every block over
//! 256 KiB in its own mapping, given back to the system when freed.
//!
//! Measured on an endless chunked body at default flags (the
//! `palisade/tests/memory.rs` server, debug build): peak RSS 92 MB with the
//! dynamic threshold, 72 MB with it fixed at 256 KiB.

/// Bytes from which `malloc` always maps a block of its own.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 256 * 1024;

/// Fix glibc's mmap threshold; call first thing in `main`, before any
/// thread starts. Other platforms' allocators are left as they are.
#[allow(unsafe_code)]
pub fn keep_large_buffers_out_of_the_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets an allocator parameter; called before any
    // other thread exists, so no allocation races it.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}
