#include "segment/saved_segments.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/utf8.h"
#include "segment/lexer.h"
#include "segment/members_file.h"
#include "segment/parser.h"
#include "segment/segment.h"
#include "segment/segments_index.h"
#include "segment/suggest.h"

namespace tagloop {

namespace {

constexpr size_t kMaxNameBytes = 128;
constexpr size_t kMaxDescriptionChars = 2000;
constexpr size_t kMaxFileStemBytes = 40;

// A resolver over a map (the file just re-read under the lock), with one
// dynamic segment added or replaced when `pending_name` is set: what changes
// are validated against.
class MapResolver : public SegmentResolver {
 public:
  MapResolver(const SavedSegments& loader, const SavedSegments::Map& m) : loader_(loader), m_(m) {}
  void SetPending(std::string_view name, std::string_view expr) {
    pending_ = true;
    name_ = name;
    expr_ = expr;
  }
  Result<std::string> ExpressionOf(std::string_view name) const override {
    if (pending_ && name == name_) return std::string(expr_);
    auto it = m_.find(name);
    if (it == m_.end()) return Status::NotFound(fmt::format("unknown segment '{}'", name));
    return it->second.expr;
  }
  std::vector<std::string> Names() const override {
    std::vector<std::string> names;
    for (const auto& [n, _] : m_) names.push_back(n);
    if (pending_ && !m_.count(name_)) names.emplace_back(name_);
    return names;
  }
  Result<std::optional<FrozenMembers>> MembersOf(std::string_view name, Days as_of,
                                                 bool load) const override {
    if (pending_ && name == name_) return std::optional<FrozenMembers>();
    auto it = m_.find(name);
    if (it == m_.end()) return Status::NotFound(fmt::format("unknown segment '{}'", name));
    return FrozenMembersOf(loader_, it->second, as_of, load);
  }

 private:
  const SavedSegments& loader_;
  const SavedSegments::Map& m_;
  bool pending_ = false;
  std::string_view name_, expr_;
};

void CollectSegmentRefs(const segment::Node& n, std::vector<std::string>& out) {
  if (n.kind == segment::NodeKind::kSegment) out.push_back(n.segment_name);
  for (const auto& c : n.children) CollectSegmentRefs(c, out);
}

// The stem of a segment's member files: the name's [A-Za-z0-9_-] bytes kept,
// others as '_', at most kMaxFileStemBytes ("vip list" -> "vip_list").
std::string FileStem(std::string_view name) {
  std::string stem;
  for (char c : name) {
    if (stem.size() == kMaxFileStemBytes) break;
    const bool keep =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    stem.push_back(keep ? c : '_');
  }
  return stem;
}

Status KindMismatch(const SavedSegment& s, SegmentKind wanted) {
  return Status::FailedPrecondition(
      fmt::format("segment '{}' is a {} segment, not a {} one (delete it first to change its kind)", s.name,
                  SegmentKindName(s.kind), SegmentKindName(wanted)));
}

}  // namespace

const char* SegmentKindName(SegmentKind kind) {
  switch (kind) {
    case SegmentKind::kDynamic: return "dynamic";
    case SegmentKind::kSnapshot: return "snapshot";
    case SegmentKind::kList: return "list";
    case SegmentKind::kSql: return "sql";
  }
  return "?";
}

Result<SegmentKind> ParseSegmentKind(std::string_view text) {
  for (SegmentKind k :
       {SegmentKind::kDynamic, SegmentKind::kSnapshot, SegmentKind::kList, SegmentKind::kSql}) {
    if (text == SegmentKindName(k)) return k;
  }
  return Status::InvalidArgument(
      fmt::format("unknown segment kind '{}' (kinds: dynamic, snapshot, list, sql)", text));
}

const SegmentVersion* SavedSegment::VersionAsOf(Days as_of) const {
  const SegmentVersion* best = nullptr;
  for (const SegmentVersion& v : versions) {
    if (v.date <= as_of && (!best || v.date >= best->date)) best = &v;  // ascending numbers: ties go later
  }
  if (!best && !versions.empty()) best = &versions.back();
  return best;
}

Result<std::optional<FrozenMembers>> FrozenMembersOf(const SavedSegments& loader, const SavedSegment& segment,
                                                     Days as_of, bool load) {
  const SegmentVersion* v = segment.VersionAsOf(as_of);
  if (!segment.frozen() || !v) return std::optional<FrozenMembers>();
  FrozenMembers out;
  out.kind = SegmentKindName(segment.kind);
  out.version = v->number;
  if (load) {
    TAGLOOP_ASSIGN_OR_RETURN(out.members, loader.LoadMembers(*v));
  }
  return std::optional<FrozenMembers>(std::move(out));
}

Status SavedSegments::ValidateName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return Status::InvalidArgument(fmt::format("a segment name must have 1 to {} bytes", kMaxNameBytes));
  }
  if (FindInvalidUtf8(name) != std::string_view::npos) {
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

Status SavedSegments::ValidateDescription(std::string_view description) {
  if (FindInvalidUtf8(description) != std::string_view::npos) {
    return Status::InvalidArgument("field 'description' must be valid UTF-8");
  }
  size_t chars = 0;
  for (char c : description) {
    const auto u = static_cast<unsigned char>(c);
    if ((u & 0xC0) != 0x80) ++chars;  // not a continuation byte: a new code point
    if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f) {
      return Status::InvalidArgument("field 'description' must not contain control characters");
    }
  }
  if (chars > kMaxDescriptionChars) {
    return Status::InvalidArgument(fmt::format(
        "field 'description' has {} characters; at most {} are allowed", chars, kMaxDescriptionChars));
  }
  return Status::Ok();
}

std::string SavedSegments::path() const { return dir_ + "/segments.json"; }

Result<SavedSegments::Map> SavedSegments::ReadFile() const {
  if (!env_->FileExists(path())) return Map();
  TAGLOOP_ASSIGN_OR_RETURN(std::string text, env_->ReadFile(path()));
  return DecodeSegmentsIndex(text, path());
}

Status SavedSegments::WriteFile(const Map& segments) const {
  return env_->WriteFileAtomic(path(), EncodeSegmentsIndex(segments));
}

void SavedSegments::RemoveUnnamedFiles(const Map& segments) const {
  const std::string folder = dir_ + "/segments";
  if (!env_->FileExists(folder)) return;
  Result<std::vector<std::string>> names = env_->ListDir(folder);
  if (!names.ok()) return;  // retried by the next change
  std::vector<std::string> named;
  for (const auto& [_, s] : segments) {
    for (const SegmentVersion& v : s.versions)
      named.push_back(v.file.substr(std::string_view("segments/").size()));
  }
  for (const std::string& file : *names) {
    const bool ours = file.ends_with(".roar") || file.ends_with(".roar.tmp");
    if (!ours || std::find(named.begin(), named.end(), file) != named.end()) continue;
    (void)env_->RemoveFile(folder + "/" + file);  // a failure leaves it for the next change
  }
  EvictUnnamed(segments);
}

Result<std::unique_ptr<SavedSegments>> SavedSegments::Open(Env* env, const std::string& dir) {
  std::unique_ptr<SavedSegments> s(new SavedSegments(env, dir));
  TAGLOOP_ASSIGN_OR_RETURN(s->segments_, s->ReadFile());
  return s;
}

Status SavedSegments::Save(std::string_view name, std::string_view expr, const Snapshot& snapshot, Days as_of,
                           const std::optional<std::string>& description) {
  TAGLOOP_RETURN_IF_ERROR(ValidateName(name));
  if (description) TAGLOOP_RETURN_IF_ERROR(ValidateDescription(*description));
  std::lock_guard<std::mutex> l(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(auto lock, env_->LockFile(dir_ + "/segments.lock"));
  TAGLOOP_ASSIGN_OR_RETURN(Map current, ReadFile());
  auto it = current.find(name);
  if (it != current.end() && it->second.frozen()) return KindMismatch(it->second, SegmentKind::kDynamic);
  MapResolver pending(*this, current);
  pending.SetPending(name, expr);
  SegmentQueryOptions options;
  options.as_of = as_of;
  options.segments = &pending;
  TAGLOOP_RETURN_IF_ERROR(ValidateSegment(snapshot, expr, options));
  const int64_t now = env_->NowUnixSeconds();
  if (it == current.end()) {
    SavedSegment s;
    s.name = std::string(name);
    s.created_unix = now;
    it = current.emplace(std::string(name), std::move(s)).first;
  }
  it->second.expr = std::string(expr);
  if (description) it->second.description = *description;
  it->second.updated_unix = now;
  TAGLOOP_RETURN_IF_ERROR(WriteFile(current));
  segments_ = std::move(current);
  return Status::Ok();
}

Result<SegmentVersion> SavedSegments::Freeze(std::string_view name, std::string_view expr,
                                             const Snapshot& snapshot, Days as_of,
                                             std::string_view created_by, const TagAccess* access,
                                             const std::optional<std::string>& description) {
  TAGLOOP_RETURN_IF_ERROR(ValidateName(name));
  if (description) TAGLOOP_RETURN_IF_ERROR(ValidateDescription(*description));
  if (auto existing = Get(name); existing.ok() && existing->kind != SegmentKind::kSnapshot) {
    return KindMismatch(*existing, SegmentKind::kSnapshot);
  }
  SegmentQueryOptions options;
  options.as_of = as_of;
  options.segments = this;
  options.tag_access = access;
  TAGLOOP_ASSIGN_OR_RETURN(Bitmap members, EvaluateSegment(snapshot, expr, options));
  FrozenVersionInput input;
  input.kind = SegmentKind::kSnapshot;
  input.expr = std::string(expr);
  input.date = as_of;
  input.created_by = std::string(created_by);
  input.source =
      fmt::format("expr '{}' as of {} (store generation {})", expr, FormatDate(as_of), snapshot.generation());
  input.members = std::move(members);
  input.description = description;
  return AddVersion(name, std::move(input));
}

Result<SegmentVersion> SavedSegments::AddVersion(std::string_view name, FrozenVersionInput input) {
  TAGLOOP_RETURN_IF_ERROR(ValidateName(name));
  if (input.kind == SegmentKind::kDynamic) {
    return Status::InvalidArgument("a dynamic segment has no versions (it is an expression)");
  }
  if (input.description) TAGLOOP_RETURN_IF_ERROR(ValidateDescription(*input.description));
  std::lock_guard<std::mutex> l(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(auto lock, env_->LockFile(dir_ + "/segments.lock"));
  TAGLOOP_ASSIGN_OR_RETURN(Map current, ReadFile());
  const int64_t now = env_->NowUnixSeconds();
  auto it = current.find(name);
  if (it != current.end() && it->second.kind != input.kind) return KindMismatch(it->second, input.kind);
  if (it == current.end()) {
    SavedSegment s;
    s.name = std::string(name);
    s.kind = input.kind;
    s.created_unix = now;
    it = current.emplace(std::string(name), std::move(s)).first;
  }
  SavedSegment& seg = it->second;
  SegmentVersion v;
  v.number = seg.versions.empty() ? 1 : seg.versions.back().number + 1;
  v.created_unix = now;
  v.created_by = std::move(input.created_by);
  v.date = input.date;
  v.source = std::move(input.source);
  // A fresh file name: a deleted segment's files may not be gone yet.
  TAGLOOP_RETURN_IF_ERROR(env_->CreateDirs(dir_ + "/segments"));
  const std::string stem = fmt::format("segments/{}-v{}", FileStem(name), v.number);
  v.file = stem + ".roar";
  for (int k = 2; env_->FileExists(dir_ + "/" + v.file); ++k) v.file = fmt::format("{}-{}.roar", stem, k);
  std::string bytes = EncodeMembersFile(input.members, &v.checksum);
  v.members = input.members.cardinality();
  TAGLOOP_RETURN_IF_ERROR(env_->WriteFileAtomic(dir_ + "/" + v.file, bytes));
  if (seg.kind == SegmentKind::kSnapshot) seg.expr = std::move(input.expr);
  if (seg.kind == SegmentKind::kSql) {
    seg.source_name = std::move(input.source_name);
    seg.query = std::move(input.query);
  }
  if (input.description) seg.description = std::move(*input.description);
  seg.updated_unix = now;
  seg.versions.push_back(v);
  TAGLOOP_RETURN_IF_ERROR(WriteFile(current));
  {
    // The set just written is the one readers will ask for next.
    std::lock_guard<std::mutex> c(cache_mu_);
    cache_[v.file] = std::make_shared<const Bitmap>(std::move(input.members));
  }
  segments_ = current;
  RemoveUnnamedFiles(current);
  return v;
}

Status SavedSegments::Delete(std::string_view name) {
  std::lock_guard<std::mutex> l(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(auto lock, env_->LockFile(dir_ + "/segments.lock"));
  TAGLOOP_ASSIGN_OR_RETURN(Map current, ReadFile());
  auto it = current.find(name);
  if (it == current.end()) return Status::NotFound(fmt::format("unknown segment '{}'", name));
  std::vector<std::string> users;
  for (const auto& [other, s] : current) {
    if (other == name || s.expr.empty()) continue;
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
  segments_ = current;
  // Only now that the index no longer names them.
  RemoveUnnamedFiles(current);
  return Status::Ok();
}

Status SavedSegments::Reload() {
  // Read under mu_: a Save in this process between reading the file and
  // taking the lock would otherwise be undone (until the next Reload).
  std::lock_guard<std::mutex> l(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Map current, ReadFile());
  segments_ = std::move(current);
  EvictUnnamed(segments_);
  return Status::Ok();
}

void SavedSegments::EvictUnnamed(const Map& segments) const {
  std::lock_guard<std::mutex> l(cache_mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    bool named = false;
    for (const auto& [_, s] : segments) {
      for (const SegmentVersion& v : s.versions) named = named || v.file == it->first;
    }
    it = named ? std::next(it) : cache_.erase(it);
  }
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

Result<std::shared_ptr<const Bitmap>> SavedSegments::LoadMembers(const SegmentVersion& version) const {
  {
    std::lock_guard<std::mutex> l(cache_mu_);
    auto it = cache_.find(version.file);
    if (it != cache_.end()) return it->second;
  }
  const std::string path = dir_ + "/" + version.file;
  TAGLOOP_ASSIGN_OR_RETURN(std::string bytes, env_->ReadFile(path));
  TAGLOOP_ASSIGN_OR_RETURN(Bitmap members, DecodeMembersFile(bytes, path, version.checksum));
  if (members.cardinality() != version.members) {
    return Status::Corruption(
        fmt::format("{}: {} members where the index says {}", path, members.cardinality(), version.members));
  }
  auto shared = std::make_shared<const Bitmap>(std::move(members));
  std::lock_guard<std::mutex> l(cache_mu_);
  cache_[version.file] = shared;
  return shared;
}

Result<std::string> SavedSegments::ExpressionOf(std::string_view name) const {
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment s, Get(name));
  if (s.kind == SegmentKind::kList || s.kind == SegmentKind::kSql) {
    return Status::FailedPrecondition(fmt::format(
        "segment '{}' is a {} segment: it has members, not an expression", name, SegmentKindName(s.kind)));
  }
  return std::move(s.expr);
}

std::vector<std::string> SavedSegments::Names() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> out;
  for (const auto& [n, _] : segments_) out.push_back(n);
  return out;
}

Result<std::optional<FrozenMembers>> SavedSegments::MembersOf(std::string_view name, Days as_of,
                                                              bool load) const {
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment s, Get(name));
  return FrozenMembersOf(*this, s, as_of, load);
}

}  // namespace tagloop
