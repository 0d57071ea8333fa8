#include "tessera/registry/sqlite_fault_vfs.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstddef>

namespace tessera::registry {

// ---- the shim ----

namespace {

// What the shim keeps in sqlite3_vfs::pAppData.
struct VfsState {
  sqlite3_vfs* real;
  FaultPolicy* policy;
};

// An open file: the shim's header, then the real VFS's file object.
struct FaultFile {
  sqlite3_file base;
  FaultPolicy* policy;
  sqlite3_file* real;
  // For the policy's report; "" for temporary files. SQLite keeps the name
  // given to xOpen valid until xClose.
  const char* path;
};

VfsState* State(sqlite3_vfs* vfs) { return static_cast<VfsState*>(vfs->pAppData); }
sqlite3_vfs* Real(sqlite3_vfs* vfs) { return State(vfs)->real; }
FaultFile* Shim(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file); }
const sqlite3_io_methods* RealMethods(sqlite3_file* file) { return Shim(file)->real->pMethods; }

// The SQLite code the unix VFS returns when a call of `op` fails with `err`.
int SqliteCode(IoOp op, int err) {
  if (err == ENOSPC && (op == IoOp::kWrite || op == IoOp::kTruncate)) return SQLITE_FULL;
  switch (op) {
    case IoOp::kOpen: return SQLITE_CANTOPEN;
    case IoOp::kRemove: return SQLITE_IOERR_DELETE;
    case IoOp::kRead: return SQLITE_IOERR_READ;
    case IoOp::kWrite: return SQLITE_IOERR_WRITE;
    case IoOp::kTruncate: return SQLITE_IOERR_TRUNCATE;
    case IoOp::kSync: return SQLITE_IOERR_FSYNC;
    case IoOp::kStat: return SQLITE_IOERR_FSTAT;
    case IoOp::kLock: return SQLITE_IOERR_LOCK;
    case IoOp::kShmMap: return SQLITE_IOERR_SHMMAP;
    default: return SQLITE_IOERR;
  }
}

// The code a call fails with, errno set as a real failure sets it.
int Failed(IoOp op, int err) {
  errno = err;
  return SqliteCode(op, err);
}

// Runs `call` unless the policy fails this call of `op` on `path`.
template <typename Call>
int Counted(FaultPolicy* policy, IoOp op, std::string_view path, Call call) {
  const int err = policy->BeforeCall(op, path);
  return err == 0 ? call() : Failed(op, err);
}

int Close(sqlite3_file* f) { return RealMethods(f)->xClose(Shim(f)->real); }
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Counted(Shim(f)->policy, IoOp::kRead, Shim(f)->path,
                 [&] { return RealMethods(f)->xRead(Shim(f)->real, buf, n, off); });
}
// A write also counts against the policy's space limit: a full disk takes
// what fits, then fails (as write(2) does).
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  size_t allowed = 0;
  const int err = Shim(f)->policy->BeforeWrite(Shim(f)->path, static_cast<size_t>(n), &allowed);
  if (allowed > 0) {
    int rc = RealMethods(f)->xWrite(Shim(f)->real, buf, static_cast<int>(allowed), off);
    if (rc != SQLITE_OK) return rc;
  }
  return err == 0 ? SQLITE_OK : Failed(IoOp::kWrite, err);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Counted(Shim(f)->policy, IoOp::kTruncate, Shim(f)->path,
                 [&] { return RealMethods(f)->xTruncate(Shim(f)->real, size); });
}
int Sync(sqlite3_file* f, int flags) {
  return Counted(Shim(f)->policy, IoOp::kSync, Shim(f)->path,
                 [&] { return RealMethods(f)->xSync(Shim(f)->real, flags); });
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Counted(Shim(f)->policy, IoOp::kStat, Shim(f)->path,
                 [&] { return RealMethods(f)->xFileSize(Shim(f)->real, size); });
}
int Lock(sqlite3_file* f, int level) {
  return Counted(Shim(f)->policy, IoOp::kLock, Shim(f)->path,
                 [&] { return RealMethods(f)->xLock(Shim(f)->real, level); });
}
int Unlock(sqlite3_file* f, int level) { return RealMethods(f)->xUnlock(Shim(f)->real, level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return RealMethods(f)->xCheckReservedLock(Shim(f)->real, out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return RealMethods(f)->xFileControl(Shim(f)->real, op, arg);
}
int SectorSize(sqlite3_file* f) { return RealMethods(f)->xSectorSize(Shim(f)->real); }
int DeviceCharacteristics(sqlite3_file* f) {
  return RealMethods(f)->xDeviceCharacteristics(Shim(f)->real);
}
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Counted(Shim(f)->policy, IoOp::kShmMap, Shim(f)->path,
                 [&] { return RealMethods(f)->xShmMap(Shim(f)->real, page, size, extend, out); });
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return RealMethods(f)->xShmLock(Shim(f)->real, offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { RealMethods(f)->xShmBarrier(Shim(f)->real); }
int ShmUnmap(sqlite3_file* f, int del) { return RealMethods(f)->xShmUnmap(Shim(f)->real, del); }
int Fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return RealMethods(f)->xFetch(Shim(f)->real, off, n, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return RealMethods(f)->xUnfetch(Shim(f)->real, off, p);
}

// Version 3 methods; used only over real files of version 3 (the unix VFS),
// which Open checks.
const sqlite3_io_methods kMethods = {
    .iVersion = 3,
    .xClose = Close,
    .xRead = Read,
    .xWrite = Write,
    .xTruncate = Truncate,
    .xSync = Sync,
    .xFileSize = FileSize,
    .xLock = Lock,
    .xUnlock = Unlock,
    .xCheckReservedLock = CheckReservedLock,
    .xFileControl = FileControl,
    .xSectorSize = SectorSize,
    .xDeviceCharacteristics = DeviceCharacteristics,
    .xShmMap = ShmMap,
    .xShmLock = ShmLock,
    .xShmBarrier = ShmBarrier,
    .xShmUnmap = ShmUnmap,
    .xFetch = Fetch,
    .xUnfetch = Unfetch,
};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  FaultFile* f = Shim(file);
  f->base.pMethods = nullptr;  // SQLite calls no method of a file that failed to open
  f->policy = State(vfs)->policy;
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + sizeof(FaultFile));
  f->path = name != nullptr ? name : "";
  int rc = Counted(f->policy, IoOp::kOpen, f->path,
                   [&] { return Real(vfs)->xOpen(Real(vfs), name, f->real, flags, out_flags); });
  if (rc != SQLITE_OK) return rc;
  if (f->real->pMethods == nullptr || f->real->pMethods->iVersion < 3) {
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    return SQLITE_CANTOPEN;
  }
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return Counted(State(vfs)->policy, IoOp::kRemove, name,
                 [&] { return Real(vfs)->xDelete(Real(vfs), name, sync_dir); });
}
int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return Real(vfs)->xAccess(Real(vfs), name, flags, out);
}
int FullPathname(sqlite3_vfs* vfs, const char* name, int n, char* out) {
  return Real(vfs)->xFullPathname(Real(vfs), name, n, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) { return Real(vfs)->xDlOpen(Real(vfs), name); }
void DlError(sqlite3_vfs* vfs, int n, char* out) { Real(vfs)->xDlError(Real(vfs), n, out); }
void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return Real(vfs)->xDlSym(Real(vfs), handle, symbol);
}
void DlClose(sqlite3_vfs* vfs, void* handle) { Real(vfs)->xDlClose(Real(vfs), handle); }
int Randomness(sqlite3_vfs* vfs, int n, char* out) {
  return Real(vfs)->xRandomness(Real(vfs), n, out);
}
int Sleep(sqlite3_vfs* vfs, int micros) { return Real(vfs)->xSleep(Real(vfs), micros); }
int CurrentTime(sqlite3_vfs* vfs, double* out) { return Real(vfs)->xCurrentTime(Real(vfs), out); }
int GetLastError(sqlite3_vfs* vfs, int n, char* out) {
  return Real(vfs)->xGetLastError(Real(vfs), n, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return Real(vfs)->xCurrentTimeInt64(Real(vfs), out);
}

}  // namespace

// ---- SqliteFaultVfs ----

Result<std::unique_ptr<SqliteFaultVfs>> SqliteFaultVfs::Register(const std::string& name,
                                                                 FaultPolicy* policy) {
  if (sqlite3_initialize() != SQLITE_OK) return Status::IOError("cannot initialize SQLite");
  if (sqlite3_vfs_find(name.c_str()) != nullptr) {
    return Status::AlreadyExists("SQLite VFS '" + name + "' is already registered");
  }
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (real == nullptr || real->iVersion < 2) return Status::IOError("no usable default SQLite VFS");
  std::unique_ptr<SqliteFaultVfs> shim(new SqliteFaultVfs());
  shim->name_ = name;
  shim->policy_ = policy;
  auto* state = new VfsState{real, policy};
  shim->vfs_ = std::make_unique<sqlite3_vfs>();
  sqlite3_vfs* vfs = shim->vfs_.get();
  *vfs = sqlite3_vfs{};
  vfs->iVersion = 2;
  vfs->szOsFile = static_cast<int>(sizeof(FaultFile)) + real->szOsFile;
  vfs->mxPathname = real->mxPathname;
  vfs->zName = shim->name_.c_str();
  vfs->pAppData = state;
  vfs->xOpen = Open;
  vfs->xDelete = Delete;
  vfs->xAccess = Access;
  vfs->xFullPathname = FullPathname;
  vfs->xDlOpen = DlOpen;
  vfs->xDlError = DlError;
  vfs->xDlSym = DlSym;
  vfs->xDlClose = DlClose;
  vfs->xRandomness = Randomness;
  vfs->xSleep = Sleep;
  vfs->xCurrentTime = CurrentTime;
  vfs->xGetLastError = GetLastError;
  vfs->xCurrentTimeInt64 = CurrentTimeInt64;
  if (sqlite3_vfs_register(vfs, /*makeDflt=*/0) != SQLITE_OK) {
    delete state;
    shim->vfs_.reset();
    return Status::IOError("cannot register SQLite VFS '" + name + "'");
  }
  return shim;
}

SqliteFaultVfs::~SqliteFaultVfs() {
  if (vfs_ == nullptr) return;
  sqlite3_vfs_unregister(vfs_.get());
  delete static_cast<VfsState*>(vfs_->pAppData);
}

}  // namespace tessera::registry
