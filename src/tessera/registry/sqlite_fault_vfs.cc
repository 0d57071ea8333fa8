#include "tessera/registry/sqlite_fault_vfs.h"

#include <sqlite3.h>

#include <cstddef>

namespace tessera::registry {

// ---- SqliteFaultPolicy ----

void SqliteFaultPolicy::FailNth(int64_t n, Fault fault) {
  fault_.store(fault);
  fail_at_.store(n);
  calls_.store(0);
  failures_.store(0);
}

int SqliteFaultPolicy::Before(Op op) {
  int64_t call = calls_.fetch_add(1) + 1;
  if (call != fail_at_.load()) return SQLITE_OK;
  failures_.fetch_add(1);
  bool full = fault_.load() == Fault::kDiskFull;
  switch (op) {
    case Op::kOpen: return SQLITE_CANTOPEN;
    case Op::kDelete: return SQLITE_IOERR_DELETE;
    case Op::kRead: return SQLITE_IOERR_READ;
    case Op::kWrite: return full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    case Op::kTruncate: return full ? SQLITE_FULL : SQLITE_IOERR_TRUNCATE;
    case Op::kSync: return SQLITE_IOERR_FSYNC;
    case Op::kFileSize: return SQLITE_IOERR_FSTAT;
    case Op::kLock: return SQLITE_IOERR_LOCK;
    case Op::kShmMap: return SQLITE_IOERR_SHMMAP;
  }
  return SQLITE_IOERR;
}

// ---- the shim ----

namespace {

using Op = SqliteFaultPolicy::Op;

// What the shim keeps in sqlite3_vfs::pAppData.
struct VfsState {
  sqlite3_vfs* real;
  SqliteFaultPolicy* policy;
};

// An open file: the shim's header, then the real VFS's file object.
struct FaultFile {
  sqlite3_file base;
  SqliteFaultPolicy* policy;
  sqlite3_file* real;
};

VfsState* State(sqlite3_vfs* vfs) { return static_cast<VfsState*>(vfs->pAppData); }
sqlite3_vfs* Real(sqlite3_vfs* vfs) { return State(vfs)->real; }
FaultFile* Shim(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file); }
const sqlite3_io_methods* RealMethods(sqlite3_file* file) { return Shim(file)->real->pMethods; }

// Runs `call` unless the policy fails this call of `op`.
template <typename Call>
int Counted(SqliteFaultPolicy* policy, Op op, Call call) {
  int rc = policy->Before(op);
  return rc == SQLITE_OK ? call() : rc;
}

int Close(sqlite3_file* f) { return RealMethods(f)->xClose(Shim(f)->real); }
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Counted(Shim(f)->policy, Op::kRead,
                 [&] { return RealMethods(f)->xRead(Shim(f)->real, buf, n, off); });
}
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  return Counted(Shim(f)->policy, Op::kWrite,
                 [&] { return RealMethods(f)->xWrite(Shim(f)->real, buf, n, off); });
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Counted(Shim(f)->policy, Op::kTruncate,
                 [&] { return RealMethods(f)->xTruncate(Shim(f)->real, size); });
}
int Sync(sqlite3_file* f, int flags) {
  return Counted(Shim(f)->policy, Op::kSync,
                 [&] { return RealMethods(f)->xSync(Shim(f)->real, flags); });
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Counted(Shim(f)->policy, Op::kFileSize,
                 [&] { return RealMethods(f)->xFileSize(Shim(f)->real, size); });
}
int Lock(sqlite3_file* f, int level) {
  return Counted(Shim(f)->policy, Op::kLock,
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
  return Counted(Shim(f)->policy, Op::kShmMap,
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
  int rc = Counted(f->policy, Op::kOpen,
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
  return Counted(State(vfs)->policy, Op::kDelete,
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

Result<std::unique_ptr<SqliteFaultVfs>> SqliteFaultVfs::Register(const std::string& name) {
  if (sqlite3_initialize() != SQLITE_OK) return Status::IOError("cannot initialize SQLite");
  if (sqlite3_vfs_find(name.c_str()) != nullptr) {
    return Status::AlreadyExists("SQLite VFS '" + name + "' is already registered");
  }
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (real == nullptr || real->iVersion < 2) return Status::IOError("no usable default SQLite VFS");
  std::unique_ptr<SqliteFaultVfs> shim(new SqliteFaultVfs());
  shim->name_ = name;
  auto* state = new VfsState{real, &shim->policy_};
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
