#include "tessera/cli/server_forward.h"

#include "tessera/serving/api_client.h"
#include "tessera/serving/http_client.h"
#include "tessera/serving/serve_lock.h"

namespace tessera::cli {
namespace {

constexpr std::chrono::minutes kResponseTimeout{10};

std::string Describe(const serving::ServeLockInfo& server) {
  return "the tessera server of this repo (pid " + std::to_string(server.pid) +
         ", data/serve.lock)";
}

}  // namespace

Result<std::optional<std::string>> ForwardToServer(const std::string& repo_dir,
                                                   const std::string& path,
                                                   const std::function<std::string()>& make_body,
                                                   const ForwardOptions& options) {
  TS_ASSIGN_OR_RETURN(std::optional<serving::ServeLockInfo> server,
                      serving::FindRunningServer(repo_dir));
  if (!server) return std::optional<std::string>();
  if (options.note != nullptr) {
    *options.note << "sent to the running server at http://" << server->address << " (pid "
                  << server->pid << ")" << std::endl;
  }
  serving::HttpClientOptions http;
  if (!options.long_running) http.response_timeout = kResponseTimeout;
  const std::string body = make_body();
  Result<serving::HttpClientResponse> answer =
      serving::HttpPost(server->host, server->port, path, body, http);
  if (!answer.ok()) {
    if (answer.status().code() != StatusCode::kUnavailable) {
      return Status(answer.status().code(), Describe(*server) + ": " + answer.status().message());
    }
    // Refused: a server that has just stopped has removed its lock (or the
    // kernel has dropped it); then the store is free.
    TS_ASSIGN_OR_RETURN(std::optional<serving::ServeLockInfo> again,
                        serving::FindRunningServer(repo_dir));
    if (!again) return std::optional<std::string>();
    return Status::Unavailable(Describe(*server) +
                               " does not answer: " + answer.status().message());
  }
  if (answer->status == 413) {
    // The body is the command's whole input as JSON; say whose limit it hit.
    Status st = serving::StatusOfErrorAnswer(answer->status, answer->body);
    return Status(st.code(), st.message() + " (this request: " + std::to_string(body.size()) +
                                 " bytes of JSON; the server's --body-limit)");
  }
  if (answer->status / 100 != 2) return serving::StatusOfErrorAnswer(answer->status, answer->body);
  return std::optional<std::string>(std::move(answer->body));
}

}  // namespace tessera::cli
