// `tagloop segments`: save, list, show and delete named segments, which
// expressions then use as SEGMENT('name'); freeze snapshots, upload id lists
// and show the versions of frozen segments (segment/saved_segments.h).
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <ctime>
#include <optional>

#include "auth/audit_log.h"
#include "cli/commands.h"
#include "core/wall_clock.h"
#include "cli/store_access.h"
#include "import/id_list_reader.h"
#include "segment/list_match.h"
#include "segment/saved_segments.h"

namespace tagloop::cli {

namespace {

struct SegmentsArgs {
  std::string data;
  std::string name;
  std::string expr;
  std::string as_of;
  std::string file;
  std::string column;
  std::optional<std::string> description;  // save, freeze: nullopt keeps the current one
  bool csv = false;
};

enum class Action { kList, kSave, kShow, kDelete, kFreeze, kUpload, kVersions };

Result<Days> AsOf(const SegmentsArgs& a) {
  return a.as_of.empty() ? Result<Days>(DaysFromUnixSeconds(WallClock::Default()->NowUnixSeconds())) : ParseDate(a.as_of);
}

// Prints an expression error with a caret under its position.
int FailExpr(const SegmentsArgs& a, const Status& st) {
  fmt::print(stderr, "tagloop segments: {}\n", st.ToString());
  if (st.position() && *st.position() <= a.expr.size()) {
    fmt::print(stderr, "  {}\n  {:>{}}\n", a.expr, "^", *st.position() + 1);
  }
  return 1;
}

// Uploads touch personal ids: recorded like the API's uploads; a failure
// is reported but does not undo the stored list.
void Audit(const SegmentsArgs& a, const ListMatch& m, int version) {
  AuditLogOptions o;
  o.background = false;
  o.catalog.create_if_missing = true;
  auto log = AuditLog::Open(a.data, o);
  Status st = log.ok() ? Status::Ok() : log.status();
  if (st.ok()) {
    AuditEntry e;
    e.principal_name = LocalUser();
    e.role = Role::kAdmin;
    e.action = "segments.list_upload";
    e.target = a.name;
    e.item_count = static_cast<int64_t>(m.matched);
    e.detail = fmt::format("version={} lines={} distinct={} unknown={} file={}", version, m.lines, m.distinct,
                           m.unknown, a.file);
    st = (*log)->Record(std::move(e));
    if (st.ok()) st = (*log)->Flush();
  }
  if (!st.ok()) {
    fmt::print(stderr, "tagloop segments: warning: not written to the audit log: {}\n", st.ToString());
  }
}

int Upload(SavedSegments& saved, const SegmentsArgs& a) {
  auto store = OpenStoreForCli(a.data);
  if (!store.ok()) return Fail("segments", store.status());
  auto bytes = Env::Default()->ReadFile(a.file);
  if (!bytes.ok()) return Fail("segments", bytes.status());
  IdListOptions options;
  options.format = a.csv || !a.column.empty() ? IdListFormat::kCsv : IdListFormat::kLines;
  options.column = a.column;
  options.name = a.file;
  auto list = ReadIdList(*bytes, options);
  if (!list.ok()) return Fail("segments", list.status());
  auto snapshot = (*store)->snapshot();
  auto matcher = IdMatcher::Create(*snapshot);
  if (!matcher.ok()) return Fail("segments", matcher.status());
  matcher->Add(list->ids);
  ListMatch m = std::move(*matcher).Finish();
  auto date = AsOf(a);
  if (!date.ok()) return Fail("segments", date.status());
  FrozenVersionInput input;
  input.kind = SegmentKind::kList;
  input.date = *date;
  input.created_by = LocalUser();
  input.source = fmt::format("upload: {} lines, {} unknown", m.lines, m.unknown);
  input.members = Bitmap::Copy(m.members.get());
  auto version = saved.AddVersion(a.name, std::move(input));
  if (!version.ok()) return Fail("segments", version.status());
  Audit(a, m, version->number);
  fmt::print(
      "version {}: {} lines ({} blank skipped), {} distinct, {} duplicates, {} matched, {} unknown "
      "({:.2f}%)\n",
      version->number, m.lines, list->blank_lines, m.distinct, m.duplicates, m.matched, m.unknown,
      100.0 * m.match_rate());
  for (const std::string& id : m.unknown_sample) fmt::print("unknown\t{}\n", id);
  return 0;
}

int Run(Action action, const SegmentsArgs& a) {
  auto saved = SavedSegments::Open(Env::Default(), a.data);
  if (!saved.ok()) return Fail("segments", saved.status());
  switch (action) {
    case Action::kList:
      for (const SavedSegment& s : (*saved)->List()) {
        fmt::print("{}\t{}\t{}\n", s.name, s.kind == SegmentKind::kSql ? s.query : s.expr,
                   SegmentKindName(s.kind));
      }
      return 0;
    case Action::kShow: {
      auto s = (*saved)->Get(a.name);
      if (!s.ok()) return Fail("segments", s.status());
      if (s->kind == SegmentKind::kSql) {
        fmt::print("sql on '{}': {}\n", s->source_name, s->query);
      } else if (s->kind == SegmentKind::kList) {
        fmt::print("list of {} versions\n", s->versions.size());
      } else {
        fmt::print("{}\n", s->expr);
      }
      return 0;
    }
    case Action::kVersions: {
      auto s = (*saved)->Get(a.name);
      if (!s.ok()) return Fail("segments", s.status());
      for (const SegmentVersion& v : s->versions) {
        fmt::print("{}\t{}\t{}\t{}\t{}\t{}\n", v.number, FormatDate(v.date), v.created_unix, v.created_by,
                   v.members, v.source);
      }
      return 0;
    }
    case Action::kDelete: {
      Status st = (*saved)->Delete(a.name);
      return st.ok() ? 0 : Fail("segments", st);
    }
    case Action::kSave:
    case Action::kFreeze: {
      auto as_of = AsOf(a);
      if (!as_of.ok()) return Fail("segments", as_of.status());
      auto store = OpenStoreForCli(a.data);
      if (!store.ok()) return Fail("segments", store.status());
      if (action == Action::kSave) {
        Status st = (*saved)->Save(a.name, a.expr, *(*store)->snapshot(), *as_of, a.description);
        return st.ok() ? 0 : FailExpr(a, st);
      }
      auto v = (*saved)->Freeze(a.name, a.expr, *(*store)->snapshot(), *as_of, LocalUser(), nullptr,
                                a.description);
      if (!v.ok()) return FailExpr(a, v.status());
      fmt::print("version {}: {} members\n", v->number, v->members);
      return 0;
    }
    case Action::kUpload: return Upload(**saved, a);
  }
  return 1;
}

}  // namespace

void RegisterSegmentsCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SegmentsArgs>();
  CLI::App* seg = app.add_subcommand("segments", "Saved segments: named audiences used as SEGMENT('name')");
  seg->add_option("--data", args->data, "Data directory")->required();
  seg->require_subcommand(1);

  CLI::App* list =
      seg->add_subcommand("list", "List saved segments (name, tab, expression or sql query, tab, kind)");
  list->callback([args, &exit_code] { exit_code = Run(Action::kList, *args); });

  CLI::App* save =
      seg->add_subcommand("save", "Create or replace a saved segment (the expression is checked first)");
  save->add_option("name", args->name, "Segment name")->required();
  save->add_option("expr", args->expr, "Segment expression")->required();
  save->add_option("--as-of", args->as_of, "Check the expression as of this date (default: today)");
  save->add_option("--description", args->description,
                   "Free text for people, up to 2000 characters (default: keep the current one)");
  save->callback([args, &exit_code] { exit_code = Run(Action::kSave, *args); });

  CLI::App* freeze = seg->add_subcommand(
      "freeze", "Freeze an expression's current members as the next version of a snapshot segment");
  freeze->add_option("name", args->name, "Segment name")->required();
  freeze->add_option("--expr", args->expr, "Segment expression")->required();
  freeze->add_option("--as-of", args->as_of, "Evaluate as of this date (default: today)");
  freeze->add_option("--description", args->description,
                     "Free text for people, up to 2000 characters (default: keep the current one)");
  freeze->callback([args, &exit_code] { exit_code = Run(Action::kFreeze, *args); });

  CLI::App* upload = seg->add_subcommand(
      "upload", "Upload external ids (one per line, or CSV) as the next version of a list segment");
  upload->add_option("name", args->name, "Segment name")->required();
  upload->add_option("file", args->file, "The id list")->required();
  upload->add_flag("--csv", args->csv, "The file is CSV with a header; the id is the first column");
  upload->add_option("--column", args->column, "The id column of a CSV file (implies --csv)");
  upload->add_option("--as-of", args->as_of, "The business date the version stands for (default: today)");
  upload->callback([args, &exit_code] { exit_code = Run(Action::kUpload, *args); });

  CLI::App* versions = seg->add_subcommand(
      "versions", "List a frozen segment's versions (number, date, created, by, members, source)");
  versions->add_option("name", args->name, "Segment name")->required();
  versions->callback([args, &exit_code] { exit_code = Run(Action::kVersions, *args); });

  CLI::App* show = seg->add_subcommand("show", "Print a saved segment's expression (or query)");
  show->add_option("name", args->name, "Segment name")->required();
  show->callback([args, &exit_code] { exit_code = Run(Action::kShow, *args); });

  CLI::App* del = seg->add_subcommand("delete", "Delete a saved segment (refused while others use it)");
  del->add_option("name", args->name, "Segment name")->required();
  del->callback([args, &exit_code] { exit_code = Run(Action::kDelete, *args); });
}

}  // namespace tagloop::cli
