// ScratchCliTest: a CLI test with its own scratch folder (created in SetUp,
// removed in TearDown) to write inputs into and run `tessera` in. Header-only;
// a fixture derives from it and may extend SetUp (calling this one first).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run_cli.h"

namespace tessera::cli_test {

class ScratchCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "tessera-cli-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` to the scratch file `name`; returns its path.
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(Path(name), std::ios::binary) << text;
    return Path(name);
  }
  std::string Slurp(const std::string& name) {
    std::ifstream in(Path(name), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string Path(const std::string& name) const {
    return (std::filesystem::path(dir_) / name).string();
  }
  // Runs tessera with `args` in the scratch folder.
  CliResult Run(const std::vector<std::string>& args) { return RunTessera(args, dir_); }

  std::string dir_;
};

}  // namespace tessera::cli_test
