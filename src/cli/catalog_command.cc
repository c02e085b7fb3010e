// The tag catalog from the command line (catalog/):
//   tagloop tags apply|export|publish|offline|show|history   definitions as code, lifecycle
//   tagloop categories [add|rename|move|remove]              the category tree
//   tagloop sources add|list|remove                          SQL sources of producers
// Changes are recorded as made by "cli:<login user>" (`tags apply --as` names
// someone else, e.g. the author of a merged change in CI). Results go to
// stdout, notes and errors to stderr; exit 0 on success, 1 on an error.
//
// `tags` itself (the store's tags, tags_command.cc) owns --data and its
// callback lists the store: its subcommands read --data from it (fallthrough)
// and end the parse with CLI::RuntimeError(exit code) so that the listing
// does not run after them.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <iostream>
#include <map>
#include <set>

#include "catalog/catalog_db.h"
#include "catalog/definition_files.h"
#include "catalog/tag_catalog.h"
#include "cli/commands.h"
#include "cli/store_access.h"
#include "core/env.h"
#include "events/event_types.h"
#include "produce/definition_check.h"
#include "produce/production.h"
#include "segment/saved_segments.h"
#include "source/source_registry.h"

namespace tagloop::cli {

namespace {

// "2026-10-01T08:30:00Z".
std::string FormatTime(int64_t unix_ms) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// "1 tag", "2 tags".
std::string Plural(size_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

// Prints the lines of `text` with `indent` spaces before each.
void PrintIndented(std::string_view text, int indent) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (line.empty()) {
      fmt::print("\n");
    } else {
      fmt::print("{:{}}{}\n", "", indent, line);
    }
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// The store's snapshot when DIR holds a store; null when it holds none yet
// (the catalog may be filled before anything is imported).
Result<std::shared_ptr<const Snapshot>> StoreSnapshotIfAny(const std::string& data) {
  auto store = OpenStoreForCli(data);
  if (!store.ok()) {
    if (store.status().code() == Status::Code::kNotFound) return std::shared_ptr<const Snapshot>();
    return store.status();
  }
  return std::shared_ptr<const Snapshot>((*store)->snapshot());
}

// ------------------------------------------------------------ tags apply

struct ApplyArgs {
  std::vector<std::string> paths;
  bool dry_run = false;
  bool publish = false;
  std::string as;
};

// The definitions' problems (produce/definition_check.h) as "FILE:LINE:COL:
// tag 'NAME': FIELD: WHAT" lines, one per refused definition. The files are
// one batch: their tags may read each other, also before any has data.
Result<std::vector<std::string>> CheckBatch(const std::string& data,
                                            const std::vector<DefinitionInFile>& defs,
                                            std::shared_ptr<const Snapshot> snapshot, TagCatalog& catalog) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<SourceRegistry> sources, SourceRegistry::Open(data));
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<CatalogDb> db, CatalogDb::Open(data));
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<events::EventTypeRegistry> event_types,
                           events::EventTypeRegistry::Open(db.get()));
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<SavedSegments> segments,
                           SavedSegments::Open(Env::Default(), data));
  const ProductionOptions production;  // what `tagloop produce` runs with
  DefinitionCheckContext check;
  check.snapshot = std::move(snapshot);
  check.catalog = &catalog;
  check.source_exists = [&sources](std::string_view name) -> Result<bool> {
    auto record = sources->Get(name);  // any error but NotFound is a failure
    if (record.ok()) return true;
    if (record.status().code() == Status::Code::kNotFound) return false;
    return record.status();
  };
  check.event_types = event_types.get();
  check.segments = segments.get();
  check.tag_access = nullptr;  // the data directory's owner may build on every tag
  check.today =
      DaysFromUnixSeconds(production.clock->NowUnixSeconds() + int64_t{production.utc_offset_minutes} * 60);
  check.default_quality = production.default_quality;
  check.data_dir = data;
  check.inputs_may_lack_data = true;
  check.hints.sources = fmt::format("tagloop sources list --data {} lists them", data);
  check.hints.list_upload = fmt::format("copy it into {}/lists/ first", data);

  std::vector<TagDefinition> batch;
  for (const DefinitionInFile& d : defs) batch.push_back(d.definition);
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<DefinitionProblem> problems, CheckDefinitions(check, batch));
  std::vector<std::string> errors;
  for (const DefinitionProblem& p : problems) {
    const DefinitionInFile& d = defs[p.index];
    errors.push_back(fmt::format("{}: tag '{}': {}{}{}", d.Where(), d.definition.name, p.error.field,
                                 p.error.field.empty() ? "" : ": ", p.error.what));
  }
  return errors;
}

void PrintOutcome(const std::string& name, const ApplyOutcome& out, TagStatus status_after) {
  switch (out.change) {
    case ApplyOutcome::Change::kCreated:
      fmt::print("+ {} (new, {})\n", name, TagStatusName(status_after));
      return;
    case ApplyOutcome::Change::kUpdated:
      fmt::print("~ {}:\n", name);
      for (const std::string& line : out.diff) fmt::print("    {}\n", line);
      if (status_after != out.status_before) {
        fmt::print("    status: {} -> {}\n", TagStatusName(out.status_before), TagStatusName(status_after));
      }
      return;
    case ApplyOutcome::Change::kUnchanged:
      if (status_after != out.status_before) {
        fmt::print("= {} (unchanged, {} -> {})\n", name, TagStatusName(out.status_before), TagStatusName(status_after));
      } else {
        fmt::print("= {} (unchanged)\n", name);
      }
      return;
  }
}

int RunApply(const std::string& data, const ApplyArgs& a) {
  constexpr const char* kCmd = "tags apply";
  Result<std::vector<DefinitionInFile>> defs = ReadDefinitionFiles(a.paths);
  if (!defs.ok()) return Fail(kCmd, defs.status());
  if (defs->empty()) return Fail(kCmd, Status::InvalidArgument("the files hold no tag definitions"));
  auto snap = StoreSnapshotIfAny(data);
  if (!snap.ok()) return Fail(kCmd, snap.status());
  auto catalog = TagCatalog::Open(data);
  if (!catalog.ok()) return Fail(kCmd, catalog.status());
  // Everything is checked before anything is written, dry run or not
  // (ApplyAll is one transaction too): the definitions against the store,
  // the catalog and each other, then their category paths.
  auto errors = CheckBatch(data, *defs, *snap, **catalog);
  if (!errors.ok()) return Fail(kCmd, errors.status());
  std::vector<ApplyOutcome> previews;
  for (const DefinitionInFile& d : *defs) {
    Result<ApplyOutcome> preview = (*catalog)->Preview(d.definition);
    if (!preview.ok()) {
      if (preview.status().code() != Status::Code::kInvalidArgument) return Fail(kCmd, preview.status());
      errors->push_back(fmt::format("{}: {}", d.Where(), preview.status().message()));
      continue;
    }
    previews.push_back(std::move(*preview));
  }
  if (!errors->empty()) {
    std::string message;
    for (const std::string& e : *errors) message += (message.empty() ? "" : "\n") + e;
    return Fail(kCmd, Status::InvalidArgument(std::move(message)));
  }

  std::vector<ApplyOutcome> outcomes;
  if (a.dry_run) {
    outcomes = std::move(previews);
  } else {
    std::vector<TagDefinition> definitions;
    for (const DefinitionInFile& d : *defs) definitions.push_back(d.definition);
    auto applied = (*catalog)->ApplyAll(std::move(definitions), a.as.empty() ? LocalUser() : a.as, a.publish);
    if (!applied.ok()) return Fail(kCmd, applied.status());
    outcomes = std::move(*applied);
  }
  int created = 0, updated = 0, unchanged = 0, published = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const ApplyOutcome& out = outcomes[i];
    TagStatus after = a.dry_run && a.publish ? TagStatus::kPublished : out.status;
    PrintOutcome((*defs)[i].definition.name, out, after);
    created += out.change == ApplyOutcome::Change::kCreated;
    updated += out.change == ApplyOutcome::Change::kUpdated;
    unchanged += out.change == ApplyOutcome::Change::kUnchanged;
    published += after == TagStatus::kPublished && out.status_before != TagStatus::kPublished;
  }
  fmt::print(stderr, "{}{}: {} new, {} changed, {} unchanged{}\n",
             a.dry_run ? "dry run, nothing written: would apply " : "applied ", Plural(outcomes.size(), "definition"),
             created, updated,
             unchanged, a.publish ? fmt::format("; {} {}published", published, a.dry_run ? "to be " : "") : "");
  return 0;
}

// ------------------------------------------------------------ tags export, show, history, lifecycle

struct ExportArgs {
  std::string tag;
  std::string out;
};

int RunExport(const std::string& data, const ExportArgs& a) {
  constexpr const char* kCmd = "tags export";
  auto catalog = TagCatalog::Open(data);
  if (!catalog.ok()) return Fail(kCmd, catalog.status());
  std::vector<TagDefinition> defs;
  if (!a.tag.empty()) {
    auto entry = (*catalog)->Get(a.tag);
    if (!entry.ok()) return Fail(kCmd, entry.status());
    defs.push_back(std::move(entry->definition));
  } else {
    auto entries = (*catalog)->List(/*include_offline=*/true);
    if (!entries.ok()) return Fail(kCmd, entries.status());
    for (TagEntry& e : *entries) defs.push_back(std::move(e.definition));
  }
  if (a.out.empty()) {
    for (size_t i = 0; i < defs.size(); ++i) fmt::print("{}{}", i == 0 ? "" : "---\n", DefinitionToYaml(defs[i]));
    if (defs.empty()) fmt::print(stderr, "the catalog holds no tag definitions\n");
    return 0;
  }
  Env* env = Env::Default();
  if (Status st = env->CreateDirs(a.out); !st.ok()) return Fail(kCmd, st);
  for (const TagDefinition& d : defs) {
    Status st = env->WriteFileAtomic(fmt::format("{}/{}.yaml", a.out, d.name), DefinitionToYaml(d));
    if (!st.ok()) return Fail(kCmd, st);
  }
  fmt::print(stderr, "wrote {} definition file(s) to {}\n", defs.size(), a.out);
  return 0;
}

int RunSetStatus(const std::string& data, const std::string& name, TagStatus status) {
  const std::string cmd = fmt::format("tags {}", status == TagStatus::kPublished ? "publish" : "offline");
  auto catalog = TagCatalog::Open(data);
  if (!catalog.ok()) return Fail(cmd.c_str(), catalog.status());
  auto before = (*catalog)->Get(name);
  if (!before.ok()) return Fail(cmd.c_str(), before.status());
  if (before->status == status) {
    fmt::print("{} is already {}\n", name, TagStatusName(status));
    return 0;
  }
  Status st = (*catalog)->SetStatus(name, status, LocalUser());
  if (!st.ok()) return Fail(cmd.c_str(), st);
  fmt::print("{}: {} -> {}\n", name, TagStatusName(before->status), TagStatusName(status));
  return 0;
}

int RunShow(const std::string& data, const std::string& name) {
  constexpr const char* kCmd = "tags show";
  auto catalog = TagCatalog::Open(data);
  if (!catalog.ok()) return Fail(kCmd, catalog.status());
  auto e = (*catalog)->Get(name);
  if (!e.ok()) return Fail(kCmd, e.status());
  auto snap = StoreSnapshotIfAny(data);
  if (!snap.ok()) return Fail(kCmd, snap.status());
  const TagInfo* stored = *snap ? (*snap)->FindTag(name) : nullptr;
  const TagDefinition& d = e->definition;
  fmt::print("tag:        {}\n", d.name);
  fmt::print("status:     {}\n", TagStatusName(e->status));
  fmt::print("definition: version {}\n", e->version);
  fmt::print("category:   {}\n", d.category_path.empty() ? "(none)" : d.category_path);
  fmt::print("created:    {} by {}\n", FormatTime(e->created_at_ms), e->created_by);
  fmt::print("updated:    {} by {}\n", FormatTime(e->updated_at_ms), e->updated_by);
  if (stored == nullptr || stored->versions.empty()) {
    fmt::print("data:       none yet\n");
  } else {
    const VersionInfo& latest = stored->versions.back();
    fmt::print("data:       {} version(s), latest {} with {} users\n", stored->versions.size(),
               FormatDate(latest.date), latest.users);
  }
  fmt::print("\n");
  PrintIndented(DefinitionToYaml(d), 2);
  return 0;
}

int RunHistory(const std::string& data, const std::string& name) {
  constexpr const char* kCmd = "tags history";
  auto catalog = TagCatalog::Open(data);
  if (!catalog.ok()) return Fail(kCmd, catalog.status());
  auto history = (*catalog)->History(name);
  if (!history.ok()) return Fail(kCmd, history.status());
  for (size_t i = 0; i < history->size(); ++i) {
    const DefinitionVersion& v = (*history)[i];
    fmt::print("version {}  {}  {}{}\n", v.version, FormatTime(v.created_at_ms), v.created_by,
               i + 1 == history->size() ? "  (current)" : "");
    if (i == 0) {
      fmt::print("    created\n");
      continue;
    }
    std::vector<std::string> diff = DiffDefinitions((*history)[i - 1].definition, v.definition);
    if (diff.empty()) fmt::print("    (no visible change)\n");
    for (const std::string& line : diff) fmt::print("    {}\n", line);
  }
  return 0;
}

// ------------------------------------------------------------ categories

struct CategoryArgs {
  std::string path;
  std::string target;  // rename: the new name; move: the new parent's path
  std::string title_en;
  bool title_given = false;
};

void PrintTree(const std::vector<CategoryInfo>& cats, const std::map<int64_t, int>& tags_in, int64_t parent,
               int depth) {
  std::vector<const CategoryInfo*> children;
  for (const CategoryInfo& c : cats) {
    if (c.parent_id == parent) children.push_back(&c);
  }
  std::sort(children.begin(), children.end(), [](auto* x, auto* y) { return x->name < y->name; });
  for (const CategoryInfo* c : children) {
    auto n = tags_in.find(c->id);
    fmt::print("{:{}}{}{}{}\n", "", depth * 2, c->name, c->title_en.empty() ? "" : " (" + c->title_en + ")",
               n == tags_in.end() ? "" : fmt::format("  [{}]", Plural(static_cast<size_t>(n->second), "tag")));
    PrintTree(cats, tags_in, c->id, depth + 1);
  }
}

int RunCategoryTree(const std::string& data) {
  constexpr const char* kCmd = "categories";
  auto catalog = TagCatalog::Open(data);
  if (!catalog.ok()) return Fail(kCmd, catalog.status());
  auto cats = (*catalog)->Categories();
  if (!cats.ok()) return Fail(kCmd, cats.status());
  auto tags = (*catalog)->List(/*include_offline=*/true);
  if (!tags.ok()) return Fail(kCmd, tags.status());
  std::map<int64_t, int> tags_in;
  for (const TagEntry& t : *tags) ++tags_in[t.definition.category_id];
  PrintTree(*cats, tags_in, 0, 0);
  fmt::print("{} {}, {} ({} without a category)\n", cats->size(), cats->size() == 1 ? "category" : "categories",
             Plural(tags->size(), "tag"), tags_in[0]);
  return 0;
}

enum class CategoryAction { kAdd, kRename, kMove, kRemove };

Status ChangeCategory(TagCatalog& catalog, CategoryAction action, const CategoryArgs& a) {
  if (action == CategoryAction::kAdd) {
    size_t slash = a.path.rfind('/');
    int64_t parent = 0;
    if (slash != std::string::npos) {
      TAGLOOP_ASSIGN_OR_RETURN(parent, catalog.EnsureCategoryPath(std::string_view(a.path).substr(0, slash)));
    }
    TAGLOOP_ASSIGN_OR_RETURN(CategoryInfo c, catalog.CreateCategory(
                                                 parent, slash == std::string::npos ? a.path : a.path.substr(slash + 1),
                                                 a.title_en));
    fmt::print("added category {}\n", c.path);
    return Status::Ok();
  }
  TAGLOOP_ASSIGN_OR_RETURN(CategoryInfo c, catalog.FindCategory(a.path));
  switch (action) {
    case CategoryAction::kRename: {
      TAGLOOP_RETURN_IF_ERROR(catalog.RenameCategory(c.id, a.target, a.title_given ? a.title_en : c.title_en));
      size_t slash = c.path.rfind('/');
      fmt::print("renamed category {} to {}\n", c.path,
                 slash == std::string::npos ? a.target : c.path.substr(0, slash + 1) + a.target);
      return Status::Ok();
    }
    case CategoryAction::kMove: {
      int64_t parent = 0;
      if (!a.target.empty() && a.target != "/") {
        TAGLOOP_ASSIGN_OR_RETURN(CategoryInfo p, catalog.FindCategory(a.target));
        parent = p.id;
      }
      TAGLOOP_RETURN_IF_ERROR(catalog.MoveCategory(c.id, parent));
      fmt::print("moved category {} to {}\n", c.path, parent == 0 ? c.name : a.target + "/" + c.name);
      return Status::Ok();
    }
    case CategoryAction::kRemove:
      TAGLOOP_RETURN_IF_ERROR(catalog.DeleteCategory(c.id));
      fmt::print("removed category {}\n", c.path);
      return Status::Ok();
    case CategoryAction::kAdd:
      break;
  }
  return Status::Internal("unreachable");
}

int RunCategory(const std::string& data, CategoryAction action, const CategoryArgs& a) {
  const char* cmd = action == CategoryAction::kAdd      ? "categories add"
                    : action == CategoryAction::kRename ? "categories rename"
                    : action == CategoryAction::kMove   ? "categories move"
                                                        : "categories remove";
  auto catalog = TagCatalog::Open(data);
  if (!catalog.ok()) return Fail(cmd, catalog.status());
  Status st = ChangeCategory(**catalog, action, a);
  return st.ok() ? 0 : Fail(cmd, st);
}

// ------------------------------------------------------------ sources

struct SourceArgs {
  std::string data;
  std::string name;
  std::string kind;
  std::string connection;
  std::string password_env;
  bool password_stdin = false;
  int64_t fetch_rows = 10000;
  bool force = false;  // remove: even though definitions name it
};

bool IsEnvName(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// One line from stdin, without echo when it is a terminal. Never logged.
Result<std::string> ReadPassword(const std::string& source) {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (tty) {
    fmt::print(stderr, "password for source '{}': ", source);
    std::fflush(stderr);
    if (::tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    fmt::print(stderr, "\n");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return Status::InvalidArgument("--password-stdin: no password on the standard input");
  return line;
}

int RunSourceAdd(const SourceArgs& a) {
  constexpr const char* kCmd = "sources add";
  if (!a.password_env.empty() && !IsEnvName(a.password_env)) {
    return Fail(kCmd, Status::InvalidArgument(fmt::format(
                          "--password-env: '{}' is not an environment variable name", a.password_env)));
  }
  auto sources = SourceRegistry::Open(a.data);
  if (!sources.ok()) return Fail(kCmd, sources.status());
  auto existing = (*sources)->Get(a.name);
  if (!existing.ok() && existing.status().code() != Status::Code::kNotFound) return Fail(kCmd, existing.status());
  SourceSpec s;
  s.name = a.name;
  s.kind = a.kind;
  s.connection = a.connection;
  s.fetch_rows = a.fetch_rows;
  s.password_env = a.password_env;
  if (a.password_stdin) {
    auto password = ReadPassword(a.name);
    if (!password.ok()) return Fail(kCmd, password.status());
    s.password = std::move(*password);
  }
  // Neither flag on an update keeps what is set (a stored password or a
  // variable name): changing the host need not resend the secret.
  const bool keep = !a.password_stdin && a.password_env.empty();
  if (keep && existing.ok()) s.password_env = existing->password_env;
  Status st = (*sources)->Put(s, LocalUser(), /*keep_password=*/keep);
  if (!st.ok()) return Fail(kCmd, st);
  auto stored = (*sources)->Get(a.name);
  if (!stored.ok()) return Fail(kCmd, stored.status());
  const std::string password = !stored->password.empty()       ? "stored"
                               : !stored->password_env.empty() ? "from $" + stored->password_env
                                                               : "none";
  fmt::print(stderr, "{} source '{}' ({}, password: {})\n", existing.ok() ? "updated" : "added", a.name, a.kind,
             password);
  if (!a.password_env.empty() && std::getenv(a.password_env.c_str()) == nullptr) {
    fmt::print(stderr, "note: {} is not set in this shell; the producer reads it when it connects\n", a.password_env);
  }
  return 0;
}

int RunSourceList(const SourceArgs& a) {
  auto sources = SourceRegistry::Open(a.data);
  if (!sources.ok()) return Fail("sources list", sources.status());
  auto list = (*sources)->List();
  if (!list.ok()) return Fail("sources list", list.status());
  fmt::print("{:<16} {:<10} {:<48} {:<20} {:>8}  {:<20} {}\n", "NAME", "KIND", "CONNECTION", "PASSWORD", "FETCH",
             "UPDATED", "BY");
  for (const SourceRegistry::Listed& l : *list) {
    const SourceSpec& s = l.source;
    fmt::print("{:<16} {:<10} {:<48} {:<20} {:>8}  {:<20} {}\n", s.name, s.kind, s.connection,
               l.has_password ? "stored" : s.password_env.empty() ? "-" : "env:" + s.password_env, s.fetch_rows,
               FormatTime(s.updated_at_ms), s.updated_by);
  }
  return 0;
}

int RunSourceRemove(const SourceArgs& a) {
  constexpr const char* kCmd = "sources remove";
  auto sources = SourceRegistry::Open(a.data);
  if (!sources.ok()) return Fail(kCmd, sources.status());
  auto catalog = TagCatalog::Open(a.data);
  if (!catalog.ok()) return Fail(kCmd, catalog.status());
  std::vector<std::string> naming;
  Status st = RemoveSource(**sources, **catalog, a.name, a.force, &naming);
  if (st.code() == Status::Code::kFailedPrecondition && !naming.empty()) {
    return Fail(kCmd, Status::FailedPrecondition(st.message() + " with --force"));
  }
  if (!st.ok()) return Fail(kCmd, st);
  if (!naming.empty()) {
    fmt::print(stderr, "removed source '{}'; tags {} still name it and will fail until their definitions change\n",
               a.name, fmt::join(naming, ", "));
  } else {
    fmt::print(stderr, "removed source '{}'\n", a.name);
  }
  return 0;
}

// ------------------------------------------------------------ registration

constexpr const char* kDataFooter = "--data DIR (the data directory) is required; it may come before or after the "
                                    "subcommand's name.";

// A subcommand of `tags`: runs `run` with the parent's --data and ends the
// parse with its exit code, before `tags` would list the store.
template <typename Fn>
void TagsSubcommand(CLI::App* tags, CLI::App* sub, Fn run) {
  sub->fallthrough();
  sub->footer(kDataFooter);
  sub->callback([tags, run] { throw CLI::RuntimeError(run(tags->get_option("--data")->as<std::string>())); });
}

void RegisterTagsSubcommands(CLI::App& app) {
  CLI::App* tags = app.get_subcommand("tags");

  auto apply_args = std::make_shared<ApplyArgs>();
  CLI::App* apply = tags->add_subcommand(
      "apply", "Apply tag definitions from YAML files (tags as code): show what changes, then store it");
  apply->add_option("files", apply_args->paths, "YAML files, or folders (every *.yaml/*.yml in them)")->required();
  apply->add_flag("--dry-run", apply_args->dry_run, "Only show what would change");
  apply->add_flag("--publish", apply_args->publish, "Also publish every applied tag");
  apply->add_option("--as", apply_args->as, "Record this name as who made the change (default cli:<login user>)");
  TagsSubcommand(tags, apply, [apply_args](const std::string& data) { return RunApply(data, *apply_args); });

  auto export_args = std::make_shared<ExportArgs>();
  CLI::App* exp = tags->add_subcommand("export", "Write the catalog's tag definitions as YAML (stdout or files)");
  exp->add_option("--tag", export_args->tag, "Only this tag");
  exp->add_option("--out", export_args->out, "Write one file per tag, NAME.yaml, into this folder");
  TagsSubcommand(tags, exp, [export_args](const std::string& data) { return RunExport(data, *export_args); });

  auto name = std::make_shared<std::string>();
  struct Simple {
    const char* name;
    const char* help;
    std::function<int(const std::string&, const std::string&)> run;
  };
  const Simple simple[] = {
      {"publish", "Publish a tag (draft or offline -> published)",
       [](const std::string& d, const std::string& n) { return RunSetStatus(d, n, TagStatus::kPublished); }},
      {"offline", "Take a tag offline (no more production; its history stays)",
       [](const std::string& d, const std::string& n) { return RunSetStatus(d, n, TagStatus::kOffline); }},
      {"show", "Show a tag's definition, status, versions and category", RunShow},
      {"history", "List the versions of a tag's definition and what each changed", RunHistory},
  };
  for (const Simple& s : simple) {
    CLI::App* sub = tags->add_subcommand(s.name, s.help);
    sub->add_option("name", *name, "Tag name")->required();
    TagsSubcommand(tags, sub, [name, run = s.run](const std::string& data) { return run(data, *name); });
  }
}

void RegisterCategoriesCommand(CLI::App& app, int& exit_code) {
  auto data = std::make_shared<std::string>();
  auto args = std::make_shared<CategoryArgs>();
  CLI::App* cats = app.add_subcommand("categories", "The category tree of the tag catalog: print or change it");
  cats->add_option("--data", *data, "Data directory")->required();
  cats->callback([cats, data, &exit_code] {
    if (cats->get_subcommands().empty()) exit_code = RunCategoryTree(*data);
  });
  auto sub = [&](const char* name, const char* help, CategoryAction action) {
    CLI::App* c = cats->add_subcommand(name, help);
    c->fallthrough();
    c->footer(kDataFooter);
    c->add_option("path", args->path, "Category path, like 交易/会员")->required();
    c->callback([data, args, action, &exit_code] { exit_code = RunCategory(*data, action, *args); });
    return c;
  };
  CLI::App* add = sub("add", "Add a category (missing parents are created too)", CategoryAction::kAdd);
  add->add_option("--title-en", args->title_en, "English title");
  CLI::App* rename = sub("rename", "Rename a category (no tag definition changes)", CategoryAction::kRename);
  rename->add_option("new_name", args->target, "The new name of the last level")->required();
  rename->add_option("--title-en", args->title_en, "English title (default: keep it)")
      ->each([args](const std::string&) { args->title_given = true; });
  CLI::App* move = sub("move", "Move a category under another (no tag definition changes)", CategoryAction::kMove);
  move->add_option("new_parent", args->target, "Path of the new parent; '/' for the top level")->required();
  sub("remove", "Remove an empty category", CategoryAction::kRemove);
}

void RegisterSourcesCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SourceArgs>();
  CLI::App* sources = app.add_subcommand("sources", "SQL sources that producers read from: add, list, remove");
  sources->require_subcommand(1);

  CLI::App* add = sources->add_subcommand(
      "add", "Add or update a source. The password never goes on the command line (shell history, ps): give it on "
             "stdin or name an environment variable; an update without either keeps the current one.");
  add->add_option("--data", args->data, "Data directory")->required();
  add->add_option("name", args->name, "Source name ([a-z][a-z0-9_]*), as definitions name it")->required();
  add->add_option("--kind", args->kind, "sqlite, postgresql or odbc")->required();
  add->add_option("--connection", args->connection,
                  "Connection without the password: a libpq conninfo, an ODBC string or an SQLite file")
      ->required();
  CLI::Option* env = add->add_option("--password-env", args->password_env,
                                     "Name of the environment variable holding the password (read at each connect)");
  CLI::Option* stdin_opt =
      add->add_flag("--password-stdin", args->password_stdin, "Read the password from the standard input (stored)");
  env->excludes(stdin_opt);
  add->add_option("--fetch-rows", args->fetch_rows, "Rows per batch, 1 to 1000000")->default_val(10000);
  add->callback([args, &exit_code] { exit_code = RunSourceAdd(*args); });

  CLI::App* list = sources->add_subcommand("list", "List sources (never their passwords)");
  list->add_option("--data", args->data, "Data directory")->required();
  list->callback([args, &exit_code] { exit_code = RunSourceList(*args); });

  CLI::App* remove = sources->add_subcommand(
      "remove", "Remove a source; refused while tag definitions name it, unless --force");
  remove->add_option("--data", args->data, "Data directory")->required();
  remove->add_option("name", args->name, "Source name")->required();
  remove->add_flag("--force", args->force, "Remove it although tag definitions still name it");
  remove->callback([args, &exit_code] { exit_code = RunSourceRemove(*args); });
}

}  // namespace

void RegisterCatalogCommands(CLI::App& app, int& exit_code) {
  RegisterTagsSubcommands(app);
  RegisterCategoriesCommand(app, exit_code);
  RegisterSourcesCommand(app, exit_code);
}

}  // namespace tagloop::cli
