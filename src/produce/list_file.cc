#include "produce/list_file.h"

#include <vector>

#include <fmt/format.h>
#include <openssl/sha.h>

#include "core/text.h"

namespace tagloop {

namespace {

// Counts rows; for checking an upload before it is stored.
class CountingSink final : public RowSink {
 public:
  Status Begin(int) override { return Status::Ok(); }
  Status Rows(std::span<const SourceRow>) override { return Status::Ok(); }
};

}  // namespace

Status ReadListBytes(std::string_view bytes, std::string_view name, RowSink& sink) {
  struct Line {
    std::string_view id, value;
    bool has_value;
    size_t number;
  };
  std::vector<Line> lines;
  bool any_value = false;
  size_t number = 0;
  for (size_t pos = 0; pos < bytes.size();) {
    size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view line = Trim(bytes.substr(pos, end - pos));
    pos = end + 1;
    ++number;
    if (line.empty() || line.front() == '#') continue;
    size_t sep = line.find_first_of(",\t");
    Line l{Trim(line.substr(0, sep)), sep == std::string_view::npos ? "" : Trim(line.substr(sep + 1)),
           sep != std::string_view::npos, number};
    if (lines.empty() && (l.id.starts_with("user_id") || l.id == "id")) continue;  // a header
    if (l.id.empty()) return Status::InvalidArgument(fmt::format("{}:{}: the line has no user id", name, number));
    if (l.has_value && l.value.empty()) {
      return Status::InvalidArgument(fmt::format("{}:{}: empty value after the separator", name, number));
    }
    any_value = any_value || l.has_value;
    lines.push_back(l);
  }
  TAGLOOP_RETURN_IF_ERROR(sink.Begin(any_value ? 2 : 1));
  std::vector<SourceRow> batch;
  for (const Line& l : lines) {
    if (any_value && !l.has_value) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: user '{}' has no value while other lines have one", name, l.number, l.id));
    }
    batch.push_back(SourceRow{l.id, l.value, false});
    if (batch.size() == 8192) {
      TAGLOOP_RETURN_IF_ERROR(sink.Rows(batch));
      batch.clear();
    }
  }
  return sink.Rows(batch);
}

Status ReadListFile(const std::string& path, RowSink& sink, Env* env) {
  TAGLOOP_ASSIGN_OR_RETURN(std::string bytes, env->ReadFile(path));
  return ReadListBytes(bytes, path, sink);
}

Result<std::string> StoreListFile(const std::string& dir, std::string_view tag, std::string_view bytes, Env* env) {
  CountingSink check;
  TAGLOOP_RETURN_IF_ERROR(ReadListBytes(bytes, "upload", check));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  std::string hex;
  for (int i = 0; i < 6; ++i) hex += fmt::format("{:02x}", digest[i]);
  std::string relative = fmt::format("lists/{}-{}.txt", tag, hex);
  TAGLOOP_RETURN_IF_ERROR(env->CreateDirs(dir + "/lists"));
  TAGLOOP_RETURN_IF_ERROR(env->WriteFileAtomic(dir + "/" + relative, bytes));
  return relative;
}

}  // namespace tagloop
