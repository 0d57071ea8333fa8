#include "tessera/core/file_glob.h"

#include <algorithm>

namespace tessera {
namespace {

constexpr int kMaxDoubleStarDepth = 64;

// Matches the bracket expression starting at pattern[*p] (just after '[')
// against `c`. On success advances *p past the closing ']'. Returns false
// with *p unchanged when the set is not closed (then '[' is literal).
bool MatchBracket(std::string_view pattern, size_t* p, char c, bool* matched) {
  size_t i = *p;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool found = false;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    char lo = pattern[i];
    char hi = lo;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hi = pattern[i + 2];
      i += 3;
    } else {
      ++i;
    }
    auto uc = static_cast<unsigned char>(c);
    if (static_cast<unsigned char>(lo) <= uc && uc <= static_cast<unsigned char>(hi)) found = true;
  }
  if (i >= pattern.size()) return false;  // no closing ']'
  *p = i + 1;
  *matched = found != negate;
  return true;
}

class Globber {
 public:
  Globber(Env* env, std::string root, std::vector<std::string> components, bool absolute)
      : env_(env), root_(std::move(root)), comps_(std::move(components)), absolute_(absolute) {}

  Result<std::vector<std::string>> Run() {
    TS_RETURN_NOT_OK(Walk("", 0, 0));
    std::sort(out_.begin(), out_.end());
    out_.erase(std::unique(out_.begin(), out_.end()), out_.end());
    return std::move(out_);
  }

 private:
  std::string Join(const std::string& dir, const std::string& name) const {
    if (dir.empty()) return absolute_ ? "/" + name : name;
    return dir + "/" + name;
  }
  std::string Full(const std::string& rel) const {
    if (absolute_) return rel.empty() ? "/" : rel;
    if (root_.empty()) return rel.empty() ? "." : rel;
    return rel.empty() ? root_ : root_ + "/" + rel;
  }

  // The entries of folder `rel`; an empty list when it is not a folder.
  Result<std::vector<std::string>> List(const std::string& rel, bool* is_dir) {
    Result<std::vector<std::string>> names = env_->GetChildren(Full(rel));
    *is_dir = names.ok();
    if (names.ok() || names.status().IsNotFound()) {
      return names.ok() ? std::move(names) : std::vector<std::string>{};
    }
    return names.status();
  }

  // `rel` exists and is not a folder. Asks for its size rather than
  // FileExists so that a failing stat is an error, not a missing file.
  Result<bool> IsFile(const std::string& rel) {
    Result<uint64_t> size = env_->GetFileSize(Full(rel));
    if (!size.ok()) {
      if (size.status().IsNotFound()) return false;
      return size.status();
    }
    bool is_dir = false;
    TS_RETURN_NOT_OK(List(rel, &is_dir).status());
    return !is_dir;
  }

  // Matches components [i, end) below folder `rel`.
  Status Walk(const std::string& rel, size_t i, int depth) {
    const std::string& comp = comps_[i];
    const bool last = i + 1 == comps_.size();
    if (comp == "**") return WalkDoubleStar(rel, i, depth);
    if (!HasGlobChars(comp)) {
      std::string next = Join(rel, comp);
      if (!last) return Walk(next, i + 1, depth);
      TS_ASSIGN_OR_RETURN(bool file, IsFile(next));
      if (file) out_.push_back(std::move(next));
      return Status::OK();
    }
    bool is_dir = false;
    TS_ASSIGN_OR_RETURN(std::vector<std::string> names, List(rel, &is_dir));
    for (const std::string& name : names) {
      if (name[0] == '.' || !GlobMatchName(comp, name)) continue;
      std::string next = Join(rel, name);
      if (!last) {
        TS_RETURN_NOT_OK(Walk(next, i + 1, depth));
        continue;
      }
      TS_ASSIGN_OR_RETURN(bool file, IsFile(next));
      if (file) out_.push_back(std::move(next));
    }
    return Status::OK();
  }

  // "**" at component i: zero folders (the rest matched here; a trailing
  // "**" matches every file), then each visible subfolder, recursively.
  Status WalkDoubleStar(const std::string& rel, size_t i, int depth) {
    if (depth > kMaxDoubleStarDepth) {
      return Status::Invalid("'**' reaches deeper than " + std::to_string(kMaxDoubleStarDepth) +
                             " folders below '" + Full(rel) + "' (a symlink loop?)");
    }
    const bool last = i + 1 == comps_.size();
    if (!last) TS_RETURN_NOT_OK(Walk(rel, i + 1, depth));
    bool is_dir = false;
    TS_ASSIGN_OR_RETURN(std::vector<std::string> names, List(rel, &is_dir));
    for (const std::string& name : names) {
      if (name[0] == '.') continue;
      std::string next = Join(rel, name);
      bool child_is_dir = false;
      TS_RETURN_NOT_OK(List(next, &child_is_dir).status());
      if (child_is_dir) {
        TS_RETURN_NOT_OK(WalkDoubleStar(next, i, depth + 1));
      } else if (last) {
        out_.push_back(std::move(next));  // listed, so it exists
      }
    }
    return Status::OK();
  }

  Env* env_;
  std::string root_;
  std::vector<std::string> comps_;
  bool absolute_;
  std::vector<std::string> out_;
};

}  // namespace

bool HasGlobChars(std::string_view component) {
  return component.find_first_of("*?[") != std::string_view::npos;
}

bool GlobMatchName(std::string_view pattern, std::string_view name) {
  size_t p = 0;
  size_t n = 0;
  size_t star_p = std::string_view::npos;  // just after the last '*'
  size_t star_n = 0;                       // where that '*' resumes matching
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_n = n;
      continue;
    }
    if (p < pattern.size()) {
      char pc = pattern[p];
      size_t after = p + 1;
      bool ok = false;
      if (pc == '?') {
        ok = true;
      } else if (pc == '[' && MatchBracket(pattern, &after, name[n], &ok)) {
        // `after` is past the set; `ok` says whether it matched
      } else {
        ok = pc == name[n];
      }
      if (ok) {
        p = after;
        ++n;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;  // let the last '*' take one more character
    n = ++star_n;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> SplitPathComponents(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<std::vector<std::string>> GlobFiles(Env* env, const std::string& root,
                                           const std::string& pattern) {
  std::vector<std::string> comps = SplitPathComponents(pattern);
  if (comps.empty()) return std::vector<std::string>{};
  const bool absolute = !pattern.empty() && pattern[0] == '/';
  return Globber(env, root, std::move(comps), absolute).Run();
}

}  // namespace tessera
