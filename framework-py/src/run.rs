//! Heavy work run as the CLI runs it: without the GIL, on a thread with a roomy stack. Python
//! may call from a thread with a small stack (threads made with `threading.stack_size`, musl's
//! 128 KiB), and parsers and serializers recurse as deep as their budgets allow.

use pyo3::prelude::*;

/// The stack the work runs on.
const STACK: usize = 64 * 1024 * 1024;

/// Runs `work` without holding the GIL, on a thread with a 64 MiB stack; a panic in it is
/// passed on (pyo3 raises it in Python).
pub(crate) fn detached<T: Send>(py: Python<'_>, work: impl FnOnce() -> T + Send) -> T {
    py.detach(|| {
        std::thread::scope(|scope| {
            match std::thread::Builder::new()
                .stack_size(STACK)
                .spawn_scoped(scope, work)
            {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(e) => std::panic::resume_unwind(Box::new(format!(
                    "cannot start a thread for the work: {e}"
                ))),
            }
        })
    })
}
