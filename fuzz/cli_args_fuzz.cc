// libFuzzer target: the `tessera` command-line parser. The input, split on
// NUL bytes, is argv after "tessera"; CommandLine::Parse parses it and picks
// the command without running it (nothing touches the file system), with
// help and errors sent to a stream that discards them. Besides "never
// crash" (ASan and UBSan watch that), it checks that an exception never
// escapes Parse and that every outcome is a known exit code.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tessera/cli/app.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args{"tessera"};
  std::string current;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  if (size > 0) args.push_back(current);
  if (args.size() > 64) return 0;  // long argv adds nothing but time
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);

  std::ostream null_stream(nullptr);
  tessera::cli::CommandLine command_line;
  std::optional<int> code;
  try {
    code = command_line.Parse(static_cast<int>(args.size()), argv.data(), null_stream, null_stream);
  } catch (...) {
    abort();  // Parse must report every problem as an exit code
  }
  if (code && *code != 0 && *code != 2) abort();
  return 0;
}
