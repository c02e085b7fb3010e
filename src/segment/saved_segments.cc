#include "segment/saved_segments.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "segment/lexer.h"
#include "segment/parser.h"
#include "segment/segment.h"
#include "segment/suggest.h"

namespace tagloop {

namespace {

constexpr int kFormat = 1;
constexpr size_t kMaxNameBytes = 128;

// `base` with one segment added or replaced: what Save validates against.
class WithPending : public SegmentResolver {
 public:
  WithPending(const SegmentResolver& base, std::string_view name, std::string_view expr)
      : base_(base), name_(name), expr_(expr) {}
  Result<std::string> ExpressionOf(std::string_view name) const override {
    if (name == name_) return std::string(expr_);
    return base_.ExpressionOf(name);
  }
  std::vector<std::string> Names() const override {
    std::vector<std::string> names = base_.Names();
    names.emplace_back(name_);
    return names;
  }

 private:
  const SegmentResolver& base_;
  std::string_view name_, expr_;
};

// A resolver over a map (the file just re-read under the lock).
class MapResolver : public SegmentResolver {
 public:
  explicit MapResolver(const std::map<std::string, SavedSegment, std::less<>>& m) : m_(m) {}
  Result<std::string> ExpressionOf(std::string_view name) const override {
    auto it = m_.find(name);
    if (it == m_.end()) return Status::NotFound(fmt::format("unknown segment '{}'", name));
    return it->second.expr;
  }
  std::vector<std::string> Names() const override {
    std::vector<std::string> names;
    for (const auto& [n, _] : m_) names.push_back(n);
    return names;
  }

 private:
  const std::map<std::string, SavedSegment, std::less<>>& m_;
};

void CollectSegmentRefs(const segment::Node& n, std::vector<std::string>& out) {
  if (n.kind == segment::NodeKind::kSegment) out.push_back(n.segment_name);
  for (const auto& c : n.children) CollectSegmentRefs(c, out);
}

}  // namespace

Status SavedSegments::ValidateName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return Status::InvalidArgument(fmt::format("a segment name must have 1 to {} bytes", kMaxNameBytes));
  }
  if (segment::FindInvalidUtf8(name) != std::string_view::npos) {
    return Status::InvalidArgument("a segment name must be valid UTF-8");
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("a segment name must not contain control characters");
    }
  }
  if (name.front() == ' ' || name.back() == ' ') {
    return Status::InvalidArgument(fmt::format("segment name '{}' starts or ends with a space", name));
  }
  return Status::Ok();
}

std::string SavedSegments::path() const { return dir_ + "/segments.json"; }

Result<SavedSegments::Map> SavedSegments::ReadFile() const {
  Map out;
  if (!env_->FileExists(path())) return out;
  TAGLOOP_ASSIGN_OR_RETURN(std::string text, env_->ReadFile(path()));
  auto bad = [&](std::string why) { return Status::Corruption(fmt::format("{}: {}", path(), why)); };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not valid JSON");
  try {
    if (j.at("format").get<int>() != kFormat)
      return bad(fmt::format("unsupported format {}", j.at("format").dump()));
    for (const auto& s : j.at("segments")) {
      SavedSegment seg;
      seg.name = s.at("name").get<std::string>();
      seg.expr = s.at("expr").get<std::string>();
      seg.created_unix = s.value("created_unix", int64_t{0});
      seg.updated_unix = s.value("updated_unix", int64_t{0});
      if (!ValidateName(seg.name).ok()) return bad(fmt::format("invalid segment name '{}'", seg.name));
      if (!out.emplace(seg.name, seg).second) return bad(fmt::format("segment '{}' appears twice", seg.name));
    }
  } catch (const nlohmann::json::exception& e) {
    return bad(e.what());
  }
  return out;
}

Status SavedSegments::WriteFile(const Map& segments) const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, s] : segments) {
    list.push_back({{"name", s.name},
                    {"expr", s.expr},
                    {"created_unix", s.created_unix},
                    {"updated_unix", s.updated_unix}});
  }
  nlohmann::json j = {{"format", kFormat}, {"segments", std::move(list)}};
  // Names and expressions are checked to be UTF-8, so `replace` never acts;
  // it only guarantees dump() cannot throw.
  return env_->WriteFileAtomic(path(),
                               j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

Result<std::unique_ptr<SavedSegments>> SavedSegments::Open(Env* env, const std::string& dir) {
  std::unique_ptr<SavedSegments> s(new SavedSegments(env, dir));
  TAGLOOP_ASSIGN_OR_RETURN(s->segments_, s->ReadFile());
  return s;
}

Status SavedSegments::Save(std::string_view name, std::string_view expr, const Snapshot& snapshot,
                           Days as_of) {
  TAGLOOP_RETURN_IF_ERROR(ValidateName(name));
  std::lock_guard<std::mutex> l(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(auto lock, env_->LockFile(dir_ + "/segments.lock"));
  TAGLOOP_ASSIGN_OR_RETURN(Map current, ReadFile());
  MapResolver base(current);
  WithPending pending(base, name, expr);
  SegmentQueryOptions options;
  options.as_of = as_of;
  options.segments = &pending;
  TAGLOOP_RETURN_IF_ERROR(ValidateSegment(snapshot, expr, options));
  const int64_t now = env_->NowUnixSeconds();
  auto it = current.find(name);
  if (it == current.end()) {
    it = current.emplace(std::string(name), SavedSegment{std::string(name), "", now, now}).first;
  }
  it->second.expr = std::string(expr);
  it->second.updated_unix = now;
  TAGLOOP_RETURN_IF_ERROR(WriteFile(current));
  segments_ = std::move(current);
  return Status::Ok();
}

Status SavedSegments::Delete(std::string_view name) {
  std::lock_guard<std::mutex> l(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(auto lock, env_->LockFile(dir_ + "/segments.lock"));
  TAGLOOP_ASSIGN_OR_RETURN(Map current, ReadFile());
  auto it = current.find(name);
  if (it == current.end()) return Status::NotFound(fmt::format("unknown segment '{}'", name));
  std::vector<std::string> users;
  for (const auto& [other, s] : current) {
    if (other == name) continue;
    Result<segment::Node> ast = segment::Parse(s.expr);
    if (!ast.ok()) continue;  // cannot run anyway
    std::vector<std::string> refs;
    CollectSegmentRefs(*ast, refs);
    if (std::find(refs.begin(), refs.end(), name) != refs.end()) users.push_back(other);
  }
  if (!users.empty()) {
    std::string list;
    for (const auto& u : users) list += (list.empty() ? "'" : ", '") + u + "'";
    return Status::FailedPrecondition(fmt::format("segment '{}' is used by {}", name, list));
  }
  current.erase(it);
  TAGLOOP_RETURN_IF_ERROR(WriteFile(current));
  segments_ = std::move(current);
  return Status::Ok();
}

Status SavedSegments::Reload() {
  // Read under mu_: a Save in this process between reading the file and
  // taking the lock would otherwise be undone (until the next Reload).
  std::lock_guard<std::mutex> l(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Map current, ReadFile());
  segments_ = std::move(current);
  return Status::Ok();
}

Result<SavedSegment> SavedSegments::Get(std::string_view name) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = segments_.find(name);
  if (it != segments_.end()) return it->second;
  std::vector<std::string_view> names;
  for (const auto& [n, _] : segments_) names.push_back(n);
  return Status::NotFound(fmt::format("unknown segment '{}'{}", name, segment::DidYouMean(name, names)));
}

std::vector<SavedSegment> SavedSegments::List() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<SavedSegment> out;
  for (const auto& [_, s] : segments_) out.push_back(s);
  return out;
}

Result<std::string> SavedSegments::ExpressionOf(std::string_view name) const {
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment s, Get(name));
  return std::move(s.expr);
}

std::vector<std::string> SavedSegments::Names() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> out;
  for (const auto& [n, _] : segments_) out.push_back(n);
  return out;
}

}  // namespace tagloop
