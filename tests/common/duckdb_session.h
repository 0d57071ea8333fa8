// DuckDbSession: one long-lived DuckDB process (node running
// tests/duckdb/duckdb_session.mjs, installed into TESSERA_DUCKDB_DIR by
// tests/duckdb/install.sh) that a test binary starts once and sends many
// queries to, so thousands of queries cost one DuckDB start-up. Requests and
// answers are JSON lines over two pipes; answers are parsed with RapidJSON
// at full precision, so a double arrives bit-exact (see the .mjs for the
// encoding of -0.0, NaN, infinities, int64 and timestamps).
//
//   if (auto why = DuckDbSessionUnavailable()) TESSERA_MISSING_ORACLE("DuckDB: " << *why);
//   TS_ASSIGN_OR_RETURN(auto duck, DuckDbSession::Start());
//   TS_ASSIGN_OR_RETURN(DuckDbAnswer a, duck->Query("SELECT 1 + 1"));
//
// Ownership: the session owns the child process; the destructor closes its
// stdin and waits for it. Thread-compatible (one query at a time). Header-only.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "duckdb_location.h"
#include "tessera/core/result.h"

namespace tessera::testing {

// Why the session cannot be started here, or nullopt when it can.
inline std::optional<std::string> DuckDbSessionUnavailable() {
  return DuckDbUnavailable("duckdb_session.mjs");
}

// One answer: either DuckDB's error, or the result table.
struct DuckDbAnswer {
  bool ok = false;
  std::string error;                              // when !ok: DuckDB's message, one line
  std::vector<std::string> columns;               // names
  std::vector<std::string> types;                 // DuckDB's spelling: "BIGINT", "DOUBLE[]"
  std::shared_ptr<rapidjson::Document> document;  // owns `rows`
  const rapidjson::Value* rows = nullptr;         // array of arrays, one value per column

  size_t num_rows() const { return rows == nullptr ? 0 : rows->Size(); }
  const rapidjson::Value& at(size_t row, size_t col) const { return (*rows)[row][col]; }
};

class DuckDbSession {
 public:
  static Result<std::unique_ptr<DuckDbSession>> Start() {
    if (auto why = DuckDbSessionUnavailable()) return Status::NotFound(*why);
    ::signal(SIGPIPE, SIG_IGN);  // a dead child must be an error, not a kill
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0) return Status::IOError("pipe failed");
    if (::pipe(from_child) != 0) return Status::IOError("pipe failed");
    const std::string node = NodeBinary();
    const std::string script = DuckDbDir() + "/duckdb_session.mjs";
    pid_t pid = ::fork();
    if (pid < 0) return Status::IOError("fork failed");
    if (pid == 0) {
      ::dup2(to_child[0], 0);
      ::dup2(from_child[1], 1);
      ::close(to_child[0]);
      ::close(to_child[1]);
      ::close(from_child[0]);
      ::close(from_child[1]);
      ::execl(node.c_str(), node.c_str(), script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    auto session = std::unique_ptr<DuckDbSession>(new DuckDbSession());
    session->pid_ = pid;
    session->in_ = ::fdopen(to_child[1], "w");
    session->out_ = ::fdopen(from_child[0], "r");
    if (session->in_ == nullptr || session->out_ == nullptr) {
      return Status::IOError("fdopen failed");
    }
    return session;
  }

  ~DuckDbSession() {
    if (in_ != nullptr) std::fclose(in_);
    if (out_ != nullptr) std::fclose(out_);
    if (pid_ > 0) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  // Runs one statement. A DuckDB error is an answer with ok == false; a
  // non-OK Status means the session itself broke (the process died).
  Result<DuckDbAnswer> Query(const std::string& sql) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("sql");
    w.String(sql.data(), static_cast<rapidjson::SizeType>(sql.size()));
    w.EndObject();
    std::string line = std::string(buffer.GetString(), buffer.GetSize()) + "\n";
    if (std::fwrite(line.data(), 1, line.size(), in_) != line.size() || std::fflush(in_) != 0) {
      return Status::IOError("duckdb session: write failed (process died?)");
    }
    std::string answer;
    char chunk[65536];
    while (true) {
      if (std::fgets(chunk, sizeof(chunk), out_) == nullptr) {
        return Status::IOError("duckdb session: no answer (process died?)");
      }
      answer += chunk;
      if (!answer.empty() && answer.back() == '\n') break;
    }
    DuckDbAnswer a;
    a.document = std::make_shared<rapidjson::Document>();
    // Full precision: the default fast path may be one ulp off.
    a.document->Parse<rapidjson::kParseFullPrecisionFlag>(answer.data(), answer.size());
    if (a.document->HasParseError() || !a.document->IsObject()) {
      return Status::Corruption("duckdb session: bad JSON answer: " + answer.substr(0, 200));
    }
    const rapidjson::Document& d = *a.document;
    a.ok = d["ok"].GetBool();
    if (!a.ok) {
      a.error = d["error"].GetString();
      return a;
    }
    for (const auto& c : d["columns"].GetArray()) a.columns.push_back(c.GetString());
    for (const auto& t : d["types"].GetArray()) a.types.push_back(t.GetString());
    a.rows = &d["rows"];
    return a;
  }

  // Runs a statement that must succeed (CREATE, INSERT, SET).
  Status Execute(const std::string& sql) {
    TS_ASSIGN_OR_RETURN(DuckDbAnswer a, Query(sql));
    if (!a.ok) return Status::Invalid("duckdb: " + a.error);
    return Status::OK();
  }

 private:
  DuckDbSession() = default;

  pid_t pid_ = -1;
  FILE* in_ = nullptr;   // the child's stdin
  FILE* out_ = nullptr;  // the child's stdout
};

}  // namespace tessera::testing
