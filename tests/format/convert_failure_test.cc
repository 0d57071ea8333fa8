// Failure paths of ConvertFile (what `tessera convert` runs), through a
// fault-injecting Env: a clean run counts its I/O calls N; then for every
// k = 1..N the k-th call fails, and the conversion must fail with a one-line
// message while the folder stays byte for byte as it was (the output absent
// or its old contents, the input untouched, no temporary file). A full disk
// and a crash at every call are checked the same way; after a crash the
// output is the old or the new file, never a mix, and a later run succeeds.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tessera/core/fault_injection_env.h"
#include "tessera/format/convert.h"

namespace tessera::format {
namespace {

namespace fs = std::filesystem;
using Files = std::map<std::string, std::string>;  // name -> contents

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string CsvInput() {
  std::string text = "id,name,score,ts,ok\n";
  for (int i = 0; i < 300; ++i) {
    text += std::to_string(i) + ",\"n," + std::to_string(i) + "\"," + std::to_string(i * 0.5) +
            ",2024-03-01T00:00:" + (i % 60 < 10 ? "0" : "") + std::to_string(i % 60) + "Z," +
            (i % 3 ? "true" : "false") + "\n";
  }
  return text;
}

struct Case {
  const char* name;
  FileFormat in;
  FileFormat out;
  bool old_output;  // the output path holds an older file before the run
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class ConvertFailureTest : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-convert-fault-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    std::ofstream(Path("in.csv"), std::ios::binary) << CsvInput();
    ConvertRequest to_parquet = Request(FileFormat::kCsv, FileFormat::kParquet, Env::Default());
    to_parquet.output = Path("in.parquet");
    ASSERT_TRUE(ConvertFile(to_parquet).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  ConvertRequest Request(FileFormat in, FileFormat out, Env* env) const {
    ConvertRequest r;
    r.input = Path(in == FileFormat::kCsv ? "in.csv" : "in.parquet");
    r.output = Path(out == FileFormat::kCsv ? "out.csv" : "out.parquet");
    r.input_format = in;
    r.output_format = out;
    r.parquet.row_group_size = 64;  // several row groups: several reads
    r.env = env;
    return r;
  }

  Files Snapshot() const {
    Files files;
    for (const auto& e : fs::directory_iterator(dir_)) {
      files[e.path().filename().string()] = Slurp(e.path().string());
    }
    return files;
  }

  // Puts the folder in its "before" state.
  void Prepare(const Case& c, const std::string& output) {
    fs::remove(output);
    if (c.old_output) std::ofstream(output, std::ios::binary) << "old output, not converted\n";
  }

  std::string dir_;
};

TEST_P(ConvertFailureTest, FaultAtEveryCallChangesNothing) {
  const Case& c = GetParam();
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  ConvertRequest request = Request(c.in, c.out, &env);

  Prepare(c, request.output);
  Result<int64_t> clean = ConvertFile(request);
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  ASSERT_EQ(*clean, 300);
  const int64_t n = policy.calls();
  const std::string after = Slurp(request.output);
  ASSERT_GT(n, 8);
  RecordProperty("io_calls", static_cast<int>(n));

  const int errnos[] = {EIO, ENOSPC, EACCES, EROFS};
  for (int64_t k = 1; k <= n; ++k) {
    Prepare(c, request.output);
    const Files before = Snapshot();
    policy.Reset();
    const int err = errnos[k % 4];
    policy.FailCallNumber(k, err);
    Result<int64_t> r = ConvertFile(request);
    ASSERT_TRUE(policy.injected()) << "call " << k;
    const std::string where = "call " + std::to_string(k) + " (" + IoOpName(policy.injected_op()) +
                              " " + policy.injected_path() + ")";
    ASSERT_FALSE(r.ok()) << where << " was swallowed";
    const std::string& msg = r.status().message();
    EXPECT_FALSE(msg.empty()) << where;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << where << ": " << msg;
    if (policy.injected_op() == IoOp::kSyncDir) {
      // The rename was done; only its durability is in doubt.
      Files want = before;
      want[fs::path(request.output).filename().string()] = after;
      EXPECT_EQ(Snapshot(), want) << where;
    } else {
      EXPECT_EQ(Snapshot(), before) << where << ": " << msg;
    }
  }
}

TEST_P(ConvertFailureTest, FullDiskChangesNothing) {
  const Case& c = GetParam();
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  ConvertRequest request = Request(c.in, c.out, &env);
  Prepare(c, request.output);
  ASSERT_TRUE(ConvertFile(request).ok());
  const int64_t size = static_cast<int64_t>(Slurp(request.output).size());
  for (int64_t limit : {int64_t{0}, int64_t{1}, size / 2, size - 1}) {
    Prepare(c, request.output);
    const Files before = Snapshot();
    policy.Reset();
    policy.SetSpaceLimit(limit);
    Result<int64_t> r = ConvertFile(request);
    ASSERT_FALSE(r.ok()) << "limit " << limit;
    EXPECT_NE(r.status().message().find("No space left on device"), std::string::npos)
        << r.status().message();
    EXPECT_EQ(Snapshot(), before) << "limit " << limit;
  }
}

TEST_P(ConvertFailureTest, CrashAtEveryCallLeavesOldOrNewAndALaterRunWorks) {
  const Case& c = GetParam();
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  ConvertRequest request = Request(c.in, c.out, &env);
  const std::string out_name = fs::path(request.output).filename().string();
  Prepare(c, request.output);
  ASSERT_TRUE(ConvertFile(request).ok());
  const int64_t n = policy.calls();
  const std::string after = Slurp(request.output);

  for (int64_t k = 1; k <= n; ++k) {
    Prepare(c, request.output);
    const Files before = Snapshot();
    policy.Reset();
    policy.CrashAtCall(k);
    ASSERT_FALSE(ConvertFile(request).ok()) << "crash at call " << k;
    ASSERT_TRUE(env.SimulateCrash().ok());
    Files now = Snapshot();
    // Old or new output, never a part; the input as it was.
    const bool is_new = now.count(out_name) > 0 && now[out_name] == after;
    const bool is_old = before.count(out_name) > 0
                            ? now.count(out_name) > 0 && now[out_name] == before.at(out_name)
                            : now.count(out_name) == 0;
    EXPECT_TRUE(is_new || is_old) << "crash at call " << k;
    for (const auto& [name, contents] : before) {
      if (name != out_name) {
        EXPECT_EQ(now[name], contents) << name;
      }
    }
    // A stale temporary file from the "killed" run does not trip the next.
    policy.Reset();
    ASSERT_TRUE(ConvertFile(request).ok()) << "rerun after crash at call " << k;
    EXPECT_EQ(Slurp(request.output), after);
    for (const auto& [name, contents] : Snapshot()) {
      if (name.find(".tmp-") != std::string::npos) fs::remove(Path(name));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Directions, ConvertFailureTest,
    ::testing::Values(Case{"CsvToParquet", FileFormat::kCsv, FileFormat::kParquet, false},
                      Case{"CsvToParquetOverOld", FileFormat::kCsv, FileFormat::kParquet, true},
                      Case{"ParquetToCsv", FileFormat::kParquet, FileFormat::kCsv, false},
                      Case{"ParquetToCsvOverOld", FileFormat::kParquet, FileFormat::kCsv, true}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tessera::format
