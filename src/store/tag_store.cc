#include "store/tag_store.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <thread>

#include "store/manifest.h"

namespace tagloop {

namespace {

constexpr const char* kManifest = "MANIFEST";
constexpr const char* kLock = "LOCK";
// Writes hand their dictionary to the state they publish at most this many
// times in a row (each adds a small index a look-up of an old id passes).
constexpr int kMaxDictionaryDepth = 16;

std::string Join(const std::string& dir, const std::string& rel) { return dir + "/" + rel; }

constexpr char kDeletedMagic[8] = {'T', 'L', 'D', 'E', 'L', '0', '0', '1'};

// The deleted-users file: magic, u64 length, a portable Roaring bitmap, XXH3-64 of all before.
std::string EncodeDeletedUsers(const Bitmap& deleted) {
  std::string out(kDeletedMagic, 8);
  const uint64_t n = roaring_bitmap_portable_size_in_bytes(deleted.get());
  out.append(reinterpret_cast<const char*>(&n), 8);
  const size_t at = out.size();
  out.resize(at + n);
  roaring_bitmap_portable_serialize(deleted.get(), out.data() + at);
  const uint64_t h = XXH3_64bits(out.data(), out.size());
  out.append(reinterpret_cast<const char*>(&h), 8);
  return out;
}

Result<Bitmap> ReadDeletedUsers(Env* env, const std::string& path) {
  auto bytes = env->ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  const std::string& b = *bytes;
  uint64_t n = 0, h = 0;
  if (b.size() < 24 || std::memcmp(b.data(), kDeletedMagic, 8) != 0) {
    return Status::Corruption(fmt::format("{}: not a deleted-users file", path));
  }
  std::memcpy(&n, b.data() + 8, 8);
  if (n != b.size() - 24) return Status::Corruption(fmt::format("{}: bad size", path));
  std::memcpy(&h, b.data() + 16 + n, 8);
  if (h != XXH3_64bits(b.data(), 16 + n))
    return Status::Corruption(fmt::format("{}: checksum mismatch", path));
  roaring_bitmap_t* r = roaring_bitmap_portable_deserialize_safe(b.data() + 16, n);
  if (!r) return Status::Corruption(fmt::format("{}: bad bitmap", path));
  return Bitmap(r);
}

// The content of `v` without the users in `removed`, for a rewrite.
TagVersionContent WithoutUsers(const TagVersion& v, const roaring_bitmap_t* removed) {
  TagVersionContent c;
  c.type = v.type();
  c.date = v.date();
  if (v.type().is_numeric()) {
    BsiView view = v.bsi();
    c.bsi.base = view.base;
    c.bsi.exists = Bitmap::AndNot(view.exists, removed);
    for (const roaring_bitmap_t* s : view.slices) c.bsi.slices.push_back(Bitmap::AndNot(s, removed));
  } else {
    for (size_t i = 0; i < v.value_count(); ++i) {
      Bitmap users = Bitmap::AndNot(v.value_users(i), removed);
      if (users.empty()) continue;
      c.values.emplace_back(v.value(i));
      c.value_users.push_back(std::move(users));
    }
  }
  return c;
}

}  // namespace

// ---- TagInfo / Snapshot ----------------------------------------------------

const VersionInfo* TagInfo::VersionAsOf(Days as_of) const {
  auto it = std::upper_bound(versions.begin(), versions.end(), as_of,
                             [](Days d, const VersionInfo& v) { return d < v.date; });
  return it == versions.begin() ? nullptr : &*std::prev(it);
}

const TagInfo* Snapshot::FindTag(std::string_view name) const {
  auto it = tags_.find(name);
  return it == tags_.end() ? nullptr : &it->second;
}

namespace {
constexpr std::string_view kLivePrefix = "live:";
}

Result<std::shared_ptr<const TagVersion>> Snapshot::OpenVersion(const TagInfo& tag,
                                                                const VersionInfo& version) const {
  if (live_ && version.file.starts_with(kLivePrefix)) {
    auto it = live_->versions.find(std::string_view(version.file).substr(kLivePrefix.size()));
    if (it == live_->versions.end()) return Status::NotFound(fmt::format("no live version '{}'", version.file));
    return it->second;
  }
  auto v = store_->OpenVersionFile(version.file);
  if (!v.ok()) return v.status();
  if ((*v)->type() != tag.type || (*v)->date() != version.date) {
    return Status::Corruption(fmt::format("{}: holds {} {} but MANIFEST says {} {}", version.file,
                                          (*v)->type().ToString(), FormatDate((*v)->date()),
                                          tag.type.ToString(), FormatDate(version.date)));
  }
  return v;
}

Result<std::shared_ptr<const TagVersion>> Snapshot::VersionAsOf(std::string_view name, Days as_of) const {
  const TagInfo* tag = FindTag(name);
  if (!tag) return Status::NotFound(fmt::format("unknown tag '{}'", name));
  const VersionInfo* v = tag->VersionAsOf(as_of);
  if (!v) return std::shared_ptr<const TagVersion>();
  return OpenVersion(*tag, *v);
}

std::shared_ptr<const Snapshot> Snapshot::WithDeclaredTags(
    std::shared_ptr<const Snapshot> base, const std::vector<std::pair<std::string, TagType>>& declared) {
  auto s = std::make_shared<Snapshot>();
  if (base) {
    s->store_ = base->store_;
    s->generation_ = base->generation_;
    s->user_count_ = base->user_count_;
    s->id_segments_ = base->id_segments_;
    s->universe_ = Bitmap::Copy(base->universe_.get());
    s->deleted_file_ = base->deleted_file_;
    s->deleted_ = Bitmap::Copy(base->deleted_.get());
    s->tags_ = base->tags_;
    s->live_ = base->live_;  // its tags name live versions: OpenVersion finds them there
  }
  for (const auto& [name, type] : declared) {
    auto [it, added] = s->tags_.try_emplace(name);
    if (!added) continue;  // data wins: its type is what expressions read
    it->second.name = name;
    it->second.type = type;
  }
  // files_ answers dictionary(): base's own (or its files' when it shows live versions).
  s->files_ = std::move(base);
  return s;
}

void Snapshot::AdoptDictionary(std::unique_ptr<UserDictionary> dictionary,
                               std::shared_ptr<const Snapshot> base) const {
  if (dictionary->size() != user_count_) return;
  // Only when nobody opened this state's dictionary yet (then it stays).
  std::call_once(dictionary_once_, [&] {
    dictionary_ = std::move(dictionary);
    dictionary_base_ = std::move(base);
  });
}

Result<const UserDictionary*> Snapshot::dictionary() const {
  if (files_) return files_->dictionary();
  if (store_ == nullptr)
    return Status::FailedPrecondition("a state of declared tags only has no user dictionary");
  std::call_once(dictionary_once_, [this] {
    std::vector<std::string> paths;
    for (const auto& s : id_segments_) paths.push_back(Join(store_->dir(), s));
    auto d = UserDictionary::Open(store_->options().env, paths);
    if (!d.ok()) {
      dictionary_status_ = d.status();
      return;
    }
    if ((*d)->size() != user_count_) {
      dictionary_status_ = Status::Corruption(
          fmt::format("user dictionary holds {} users, MANIFEST says {}", (*d)->size(), user_count_));
      return;
    }
    dictionary_ = std::move(*d);
  });
  if (!dictionary_) return dictionary_status_;
  return static_cast<const UserDictionary*>(dictionary_.get());
}

// ---- TagStore ----------------------------------------------------------------

TagStore::~TagStore() = default;

Result<std::unique_ptr<TagStore>> TagStore::Open(const std::string& dir, StoreOptions options) {
  std::unique_ptr<TagStore> store(new TagStore(dir, options));
  Env* env = options.env;
  if (!env->FileExists(Join(dir, kManifest))) {
    if (!options.create_if_missing) {
      return Status::NotFound(fmt::format("no tag store at '{}' (no MANIFEST)", dir));
    }
    TAGLOOP_RETURN_IF_ERROR(env->CreateDirs(Join(dir, "tags")));
    TAGLOOP_RETURN_IF_ERROR(env->CreateDirs(Join(dir, "ids")));
    auto lock = env->LockFile(Join(dir, kLock));
    if (!lock.ok()) return lock.status();
    if (!env->FileExists(Join(dir, kManifest))) {
      TAGLOOP_RETURN_IF_ERROR(env->WriteFileAtomic(Join(dir, kManifest), EncodeManifest(Manifest{})));
    }
  }
  auto snap = store->LoadManifest();
  if (!snap.ok()) return snap.status();
  store->Publish(std::move(*snap));
  return store;
}

Result<std::shared_ptr<const Snapshot>> TagStore::LoadManifest() {
  auto text = options_.env->ReadFile(Join(dir_, kManifest));
  if (!text.ok()) return text.status();
  auto m = DecodeManifest(*text);
  if (!m.ok()) return Status::Corruption(fmt::format("{}: {}", dir_, m.status().message()));
  auto snap = std::make_shared<Snapshot>();
  snap->store_ = this;
  snap->generation_ = m->generation;
  snap->user_count_ = m->user_count;
  snap->id_segments_ = std::move(m->id_segments);
  snap->tags_ = std::move(m->tags);
  snap->universe_ = Bitmap::Range(0, m->user_count);
  snap->deleted_file_ = m->deleted_file;
  if (!m->deleted_file.empty()) {
    auto deleted = ReadDeletedUsers(options_.env, Join(dir_, m->deleted_file));
    if (!deleted.ok()) return deleted.status();
    snap->deleted_ = std::move(*deleted);
    snap->universe_.AndNotWith(snap->deleted_.get());
  }
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

std::shared_ptr<const Snapshot> TagStore::snapshot() const {
  std::lock_guard<std::mutex> l(mu_);
  return current_;
}

std::shared_ptr<const Snapshot> TagStore::files_snapshot() const {
  std::lock_guard<std::mutex> l(mu_);
  return files_;
}

void TagStore::SetLiveVersions(std::shared_ptr<const LiveVersions> live) {
  // Built outside the lock (readers keep taking snapshots meanwhile); a
  // publish of files in between is caught and built again under it.
  std::shared_ptr<const Snapshot> files = files_snapshot();
  std::shared_ptr<const Snapshot> combined = WithLive(files, live);
  std::lock_guard<std::mutex> l(mu_);
  live_ = std::move(live);
  current_ = files_ == files ? std::move(combined) : WithLive(files_, live_);
}

std::shared_ptr<const Snapshot> TagStore::WithLive(std::shared_ptr<const Snapshot> files,
                                                   std::shared_ptr<const LiveVersions> live) {
  if (!live || live->versions.empty()) return files;
  auto s = std::make_shared<Snapshot>();
  s->store_ = files->store_;
  s->generation_ = files->generation_;
  s->user_count_ = files->user_count_;
  s->id_segments_ = files->id_segments_;
  s->universe_ = Bitmap::Copy(files->universe_.get());
  s->deleted_file_ = files->deleted_file_;
  s->deleted_ = Bitmap::Copy(files->deleted_.get());
  s->tags_ = files->tags_;
  for (const auto& [name, version] : live->versions) {
    auto [it, added] = s->tags_.try_emplace(name);
    TagInfo& tag = it->second;
    if (added) {
      tag.name = name;
      tag.type = version->type();
    } else if (tag.type != version->type()) {
      continue;  // the files win; the catalog refuses such a definition anyway
    }
    VersionInfo info{version->date(), std::string(kLivePrefix) + name, version->users_with_value(), 0, 0};
    auto at = std::lower_bound(tag.versions.begin(), tag.versions.end(), info.date,
                               [](const VersionInfo& v, Days d) { return v.date < d; });
    if (at != tag.versions.end() && at->date == info.date) {
      *at = std::move(info);
    } else {
      tag.versions.insert(at, std::move(info));
    }
  }
  s->files_ = std::move(files);
  s->live_ = std::move(live);
  return s;
}

Status TagStore::Refresh() {
  auto snap = LoadManifest();
  if (!snap.ok()) return snap.status();
  if (auto files = files_snapshot(); files && (*snap)->generation() == files->generation()) return Status::Ok();
  Publish(std::move(*snap));
  return Status::Ok();
}

void TagStore::Publish(std::shared_ptr<const Snapshot> snap) {
  std::set<std::string> live;
  for (const auto& [name, tag] : snap->tags()) {
    for (const auto& v : tag.versions) live.insert(v.file);
  }
  std::lock_guard<std::mutex> l(mu_);
  if (files_ && files_->generation() > snap->generation()) return;  // a newer one is in
  files_ = std::move(snap);
  current_ = WithLive(files_, live_);
  // Keep open only what the current state names; older snapshots reopen on demand.
  for (auto it = version_cache_.begin(); it != version_cache_.end();) {
    it = live.count(it->first) ? std::next(it) : version_cache_.erase(it);
  }
}

Result<std::shared_ptr<const TagVersion>> TagStore::OpenVersionFile(const std::string& file) const {
  std::lock_guard<std::mutex> l(version_mu_);
  {
    std::lock_guard<std::mutex> cl(mu_);
    auto it = version_cache_.find(file);
    if (it != version_cache_.end()) return it->second;
  }
  auto v = TagVersion::Open(options_.env, Join(dir_, file), options_.verify_checksums);
  if (!v.ok()) return v.status();
  std::lock_guard<std::mutex> cl(mu_);
  version_cache_[file] = *v;
  return v;
}

Status TagStore::RemoveObsoleteFiles(const Snapshot& current) {
  Env* env = options_.env;
  std::set<std::string> live(current.id_segments_.begin(), current.id_segments_.end());
  if (!current.deleted_file_.empty()) live.insert(current.deleted_file_);
  for (const auto& [name, tag] : current.tags()) {
    for (const auto& v : tag.versions) live.insert(v.file);
  }
  const int64_t now = env->NowUnixSeconds();
  auto sweep = [&](const std::string& rel_dir) -> Status {
    auto names = env->ListDir(Join(dir_, rel_dir));
    if (!names.ok()) return names.status().code() == Status::Code::kNotFound ? Status::Ok() : names.status();
    for (const std::string& n : *names) {
      const std::string rel = rel_dir + "/" + n;
      if (live.count(rel)) continue;
      auto mtime = env->FileModifiedUnix(Join(dir_, rel));
      if (mtime.ok() && now - *mtime >= options_.obsolete_file_grace_seconds) {
        TAGLOOP_RETURN_IF_ERROR(env->RemoveFile(Join(dir_, rel)));
      }
    }
    return Status::Ok();
  };
  TAGLOOP_RETURN_IF_ERROR(sweep("ids"));
  TAGLOOP_RETURN_IF_ERROR(sweep("deleted"));
  auto tag_dirs = env->ListDir(Join(dir_, "tags"));
  if (tag_dirs.ok()) {
    for (const std::string& t : *tag_dirs) TAGLOOP_RETURN_IF_ERROR(sweep("tags/" + t));
  }
  return env->RemoveFile(Join(dir_, std::string(kManifest) + ".tmp"));
}

Result<std::unique_ptr<StoreWriter>> TagStore::BeginWrite() {
  auto lock = options_.env->LockFile(Join(dir_, kLock));
  if (!lock.ok()) return lock.status();
  // Another process may have published since we loaded: start from the newest.
  TAGLOOP_RETURN_IF_ERROR(Refresh());
  std::unique_ptr<StoreWriter> w(new StoreWriter());
  w->store_ = this;
  w->lock_ = std::move(*lock);
  w->base_ = files_snapshot();
  TAGLOOP_RETURN_IF_ERROR(RemoveObsoleteFiles(*w->base_));
  auto dict = w->base_->dictionary();
  if (!dict.ok()) return dict.status();
  w->dictionary_ = (*dict)->Fork();
  w->tags_ = w->base_->tags();
  w->deleted_ = Bitmap::Copy(w->base_->deleted_.get());
  return w;
}

// ---- StoreWriter -----------------------------------------------------------

StoreWriter::~StoreWriter() = default;

uint32_t StoreWriter::user_count() const {
  return dictionary_ ? dictionary_->size() : user_count_after_commit_;
}

Status StoreWriter::InternUsers(std::span<const std::string_view> ids, std::vector<uint32_t>* out,
                                unsigned threads) {
  out->resize(ids.size());
  // Validate and look up on `threads` threads (the dictionary is only read),
  // then assign new dense ids in order on this one.
  const size_t parts = ids.size() >= (size_t{1} << 16) ? std::max(1u, threads) : 1;
  std::vector<Status> errors(parts);
  auto work = [&](size_t part) {
    const size_t begin = ids.size() * part / parts, end = ids.size() * (part + 1) / parts;
    for (size_t i = begin; i < end; ++i) {
      Status st = ValidateExternalId(ids[i]);
      if (!st.ok()) {
        errors[part] = Status::InvalidArgument(fmt::format("id #{}: {}", i, st.message()));
        return;
      }
    }
    dictionary_->FindMany(ids.subspan(begin, end - begin), out->data() + begin);
  };
  dictionary_->Reserve(dictionary_->size());  // builds the index before the threads share it
  {
    std::vector<std::jthread> pool;
    for (size_t part = 1; part < parts; ++part) pool.emplace_back(work, part);
    work(0);
  }
  for (const Status& st : errors) TAGLOOP_RETURN_IF_ERROR(st);
  for (size_t i = 0; i < ids.size(); ++i) {
    uint32_t& user = (*out)[i];
    if (user != UserDictionary::kNotFound && !deleted_.Contains(user)) continue;
    // New (or deleted and back): an earlier row of this batch may have added it.
    auto found = dictionary_->Find(ids[i]);
    if (found && !deleted_.Contains(*found)) {
      user = *found;
      continue;
    }
    if (dictionary_->size() == UINT32_MAX)
      return Status::FailedPrecondition("the store is full (2^32-1 users)");
    user = dictionary_->Append(ids[i]);
  }
  return Status::Ok();
}

Result<uint32_t> StoreWriter::InternUser(std::string_view id) {
  std::vector<uint32_t> out;
  TAGLOOP_RETURN_IF_ERROR(InternUsers(std::span<const std::string_view>(&id, 1), &out));
  return out[0];
}

Status StoreWriter::PutVersion(std::string_view name, TagVersionContent content) {
  if (!IsValidTagName(name)) {
    return Status::InvalidArgument(
        fmt::format("invalid tag name '{}' (expected [A-Za-z_][A-Za-z0-9_]*)", name));
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    if (committed_) return Status::FailedPrecondition("write already committed");
    auto it = tags_.find(name);
    if (it != tags_.end() && it->second.type != content.type) {
      return Status::InvalidArgument(fmt::format("tag '{}' is {}; the new version is {}", name,
                                                 it->second.type.ToString(), content.type.ToString()));
    }
  }
  // Encoding and writing run outside the lock: callers may put many tags at once.
  const std::string folder = fmt::format("tags/{}", name);
  const std::string file =
      fmt::format("{}/{}.g{}.tlv", folder, FormatDate(content.date), base_->generation() + 1);
  Env* env = store_->options().env;
  TAGLOOP_RETURN_IF_ERROR(env->CreateDirs(Join(store_->dir(), folder)));
  const std::string bytes = EncodeTagVersion(content);
  TAGLOOP_RETURN_IF_ERROR(env->WriteFileDurable(Join(store_->dir(), file), bytes));

  VersionInfo info;
  info.date = content.date;
  info.file = file;
  info.bytes = bytes.size();
  info.created_unix = env->NowUnixSeconds();
  uint64_t users;
  std::memcpy(&users, bytes.data() + 32, 8);  // header: users with a value
  info.users = users;

  std::lock_guard<std::mutex> l(mu_);
  written_files_.push_back(file);
  TagInfo& tag = tags_[std::string(name)];
  if (!tag.versions.empty() && tag.type != content.type) {
    return Status::InvalidArgument(fmt::format("tag '{}' is {}; the new version is {}", name,
                                               tag.type.ToString(), content.type.ToString()));
  }
  tag.name = name;
  tag.type = content.type;
  auto pos = std::lower_bound(tag.versions.begin(), tag.versions.end(), info.date,
                              [](const VersionInfo& v, Days d) { return v.date < d; });
  if (pos != tag.versions.end() && pos->date == info.date) {
    *pos = std::move(info);
  } else {
    tag.versions.insert(pos, std::move(info));
  }
  return Status::Ok();
}

Status StoreWriter::DeleteUsers(std::span<const uint32_t> users) {
  for (uint32_t u : users) {
    if (u >= dictionary_->size()) return Status::NotFound(fmt::format("no user with dense id {}", u));
  }
  deleted_.AddMany(users);
  deleted_changed_ = true;
  return Status::Ok();
}

Status StoreWriter::PurgeDeletedFromLatestVersions() {
  Env* env = store_->options().env;
  std::vector<std::pair<std::string, VersionInfo>> latest;
  for (const auto& [name, tag] : tags_) latest.emplace_back(name, tag.versions.back());
  for (const auto& [name, info] : latest) {
    auto v = TagVersion::Open(env, Join(store_->dir(), info.file), store_->options().verify_checksums);
    if (!v.ok()) return v.status();
    if (!roaring_bitmap_intersect((*v)->exists(), deleted_.get())) continue;
    TAGLOOP_RETURN_IF_ERROR(PutVersion(name, WithoutUsers(**v, deleted_.get())));
  }
  return Status::Ok();
}

Status StoreWriter::DropVersion(std::string_view name, Days date) {
  auto it = tags_.find(name);
  if (it == tags_.end()) return Status::NotFound(fmt::format("unknown tag '{}'", name));
  auto& vs = it->second.versions;
  auto pos = std::find_if(vs.begin(), vs.end(), [&](const VersionInfo& v) { return v.date == date; });
  if (pos == vs.end()) {
    return Status::NotFound(fmt::format("tag '{}' has no version {}", name, FormatDate(date)));
  }
  vs.erase(pos);
  if (vs.empty()) tags_.erase(it);
  return Status::Ok();
}

Result<size_t> StoreWriter::ApplyRetention(std::string_view name, Days before, size_t keep_latest) {
  // The tag as this write sees it: a version put earlier in the same write
  // (a tag's first production) counts.
  if (!name.empty() && tags_.find(std::string(name)) == tags_.end()) {
    return Status::NotFound(fmt::format("unknown tag '{}'", name));
  }
  size_t dropped = 0;
  for (auto it = tags_.begin(); it != tags_.end();) {
    if (!name.empty() && it->first != name) {
      ++it;
      continue;
    }
    auto& vs = it->second.versions;
    const size_t droppable = vs.size() > keep_latest ? vs.size() - keep_latest : 0;
    size_t n = 0;
    while (n < droppable && vs[n].date < before) ++n;
    vs.erase(vs.begin(), vs.begin() + static_cast<std::ptrdiff_t>(n));
    dropped += n;
    it = vs.empty() ? tags_.erase(it) : std::next(it);
  }
  return dropped;
}

Status StoreWriter::Commit() {
  if (committed_) return Status::FailedPrecondition("write already committed");
  Env* env = store_->options().env;
  const std::string& dir = store_->dir();
  Manifest m;
  m.generation = base_->generation() + 1;
  m.user_count = dictionary_->size();
  m.id_segments = base_->id_segments_;
  m.deleted_file = base_->deleted_file_;
  if (deleted_changed_) {
    TAGLOOP_RETURN_IF_ERROR(PurgeDeletedFromLatestVersions());
    TAGLOOP_RETURN_IF_ERROR(env->CreateDirs(Join(dir, "deleted")));
    m.deleted_file = fmt::format("deleted/users.g{}.del", m.generation);
    TAGLOOP_RETURN_IF_ERROR(env->WriteFileDurable(Join(dir, m.deleted_file), EncodeDeletedUsers(deleted_)));
    written_files_.push_back(m.deleted_file);
  }
  if (dictionary_->pending_count() > 0) {
    const std::string seg = fmt::format("ids/{:010}.g{}.ids", base_->user_count(), m.generation);
    TAGLOOP_RETURN_IF_ERROR(env->WriteFileDurable(Join(dir, seg), dictionary_->EncodePendingSegment()));
    written_files_.push_back(seg);
    m.id_segments.push_back(seg);
  }
  // The new files' names must be durable before MANIFEST names them.
  std::set<std::string> folders;
  for (const auto& f : written_files_) folders.insert(f.substr(0, f.find_last_of('/')));
  for (const auto& f : folders) TAGLOOP_RETURN_IF_ERROR(env->SyncDir(Join(dir, f)));
  TAGLOOP_RETURN_IF_ERROR(env->SyncDir(Join(dir, "tags")));
  m.tags = tags_;
  TAGLOOP_RETURN_IF_ERROR(env->WriteFileAtomic(Join(dir, kManifest), EncodeManifest(m)));
  committed_ = true;
  TAGLOOP_RETURN_IF_ERROR(store_->Refresh());
  // The new state's dictionary is this write's fork (index built, new ids
  // indexed): the next write forks it instead of re-indexing every id, which
  // costs ~0.3 s at 10M users. Past kMaxDictionaryDepth the chain is cut and
  // the next user rebuilds one full index.
  user_count_after_commit_ = dictionary_->size();
  std::shared_ptr<const Snapshot> now = store_->files_snapshot();
  if (now->generation() == m.generation && dictionary_->depth() < kMaxDictionaryDepth) {
    now->AdoptDictionary(std::move(dictionary_), base_);
  }
  return Status::Ok();
}

}  // namespace tagloop
