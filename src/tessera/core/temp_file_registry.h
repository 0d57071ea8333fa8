// The process-wide list of temporary files still in the making, so a
// SIGINT/SIGTERM/SIGHUP does not leave "OUT.tmp-XXXXXX" files behind: the
// handler installed by InstallTempFileSignalHandlers() unlinks every listed
// path, restores the default action and re-raises the signal (the process
// still dies of it, with the usual exit status).
//
// The handler allocates nothing and takes no lock: paths live in a fixed
// array of fixed-size slots whose state is a lock-free atomic. A path that
// does not fit (too long, or all slots busy) is simply not listed; its file
// is still removed by its owner on every ordinary error path.
//
// A SIGKILL cannot be caught; its temporary file stays, and since every
// temporary name is unique (AtomicFileWriter) a stale one never trips a
// later run.
//
// Thread-safety: all functions are safe from any thread; the handler is
// async-signal-safe.
#pragma once

namespace tessera {

// Lists `path` (while its file exists). Returns a slot id for
// UnregisterTempFile, or -1 when the path could not be listed.
int RegisterTempFile(const char* path);
// Forgets the slot (after the file was renamed or removed). -1 is a no-op.
void UnregisterTempFile(int slot);

// Installs the cleanup handler for SIGINT, SIGTERM and SIGHUP. Called once by
// the CLI's main(); later calls are harmless.
void InstallTempFileSignalHandlers();

// What the handler does before re-raising: unlinks every listed path.
// Async-signal-safe; exposed for tests.
void RemoveRegisteredTempFiles();

}  // namespace tessera
