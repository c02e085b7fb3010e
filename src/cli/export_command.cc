// `tagloop export`: a segment's users with tag columns as of a date, as CSV
// or NDJSON (insight/segment_export.h), to stdout or a file. A local command
// runs as an admin: nothing is masked, and every export is written to the
// audit log first (action segments.export, principal cli:<login>), as the
// server does; when the audit log cannot be written the export is refused.
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "auth/audit_log.h"
#include "cli/commands.h"
#include "core/wall_clock.h"
#include "cli/store_access.h"
#include "insight/segment_export.h"
#include "segment/saved_segments.h"
#include "segment/segment.h"

namespace tagloop::cli {

namespace {

struct ExportArgs {
  std::string data;
  std::string expr;
  std::string as_of;
  std::string columns;
  std::string format = "csv";
  std::string output;
  uint64_t limit = 0;
};

std::vector<std::string> SplitColumns(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t comma = text.find(',', start);
    std::string name = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    if (!name.empty()) out.push_back(std::move(name));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Status Audit(const ExportArgs& a, const std::vector<std::string>& columns, Days as_of, uint64_t rows) {
  AuditLogOptions o;
  o.background = false;
  o.catalog.create_if_missing = true;
  TAGLOOP_ASSIGN_OR_RETURN(auto log, AuditLog::Open(a.data, o));
  AuditEntry e;
  e.principal_name = LocalUser();
  e.role = Role::kAdmin;
  e.action = audit_action::kSegmentsExport;
  e.target = a.expr;
  e.item_count = static_cast<int64_t>(rows);
  nlohmann::json detail = {{"as_of", FormatDate(as_of)},
                           {"format", a.format},
                           {"columns", columns},
                           {"masked", nlohmann::json::array()},
                           {"output", a.output.empty() ? "-" : a.output}};
  e.detail = detail.dump();
  TAGLOOP_RETURN_IF_ERROR(log->Record(std::move(e)));
  return log->Flush();
}

int Run(const ExportArgs& a) {
  const char* command = "export";
  Result<Days> as_of = a.as_of.empty() ? Result<Days>(DaysFromUnixSeconds(WallClock::Default()->NowUnixSeconds()))
                                       : ParseDate(a.as_of);
  if (!as_of.ok()) return Fail(command, as_of.status());
  auto format = ParseExportFormat(a.format);
  if (!format.ok()) return Fail(command, format.status());
  auto store = OpenStoreForCli(a.data);
  if (!store.ok()) return Fail(command, store.status());
  auto saved = SavedSegments::Open(Env::Default(), a.data);
  if (!saved.ok()) return Fail(command, saved.status());
  std::shared_ptr<const Snapshot> snap = (*store)->snapshot();
  SegmentQueryOptions options;
  options.as_of = *as_of;
  options.segments = saved->get();
  auto users = EvaluateSegment(*snap, a.expr, options);
  if (!users.ok()) return Fail(command, users.status());
  std::vector<std::string> column_names = SplitColumns(a.columns);
  auto columns = ResolveExportColumns(*snap, column_names, *as_of);
  if (!columns.ok()) return Fail(command, columns.status());
  auto dict = snap->dictionary();
  if (!dict.ok()) return Fail(command, dict.status());
  SegmentExportWriter writer(snap, *dict, std::move(*users), std::move(*columns), *format, a.limit);
  if (Status st = Audit(a, column_names, *as_of, writer.rows()); !st.ok()) {
    return Fail(command, Status::FailedPrecondition("not exported: the audit log cannot be written: " + st.ToString()));
  }

  std::FILE* out = stdout;
  if (!a.output.empty()) {
    out = std::fopen(a.output.c_str(), "wb");
    if (out == nullptr) return Fail(command, Status::IOError(fmt::format("cannot write {}", a.output)));
  }
  std::string buf;
  buf.reserve((1 << 20) + (64 << 10));
  bool more = true;
  while (more) {
    buf.clear();
    more = writer.Next(buf, 1 << 20);
    if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) break;
  }
  bool ok = std::fflush(out) == 0 && !std::ferror(out);
  if (out != stdout) ok = std::fclose(out) == 0 && ok;
  if (!ok) return Fail(command, Status::IOError(fmt::format("writing {} failed", a.output.empty() ? "stdout" : a.output)));
  return 0;
}

}  // namespace

void RegisterExportCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Write a segment's users with tag columns as CSV or NDJSON (audited; nothing is masked)");
  cmd->add_option("--data", args->data, "Data directory")->required();
  cmd->add_option("--expr", args->expr, "Segment expression, e.g. \"city = '上海'\" or \"SEGMENT('vip')\"")
      ->required();
  cmd->add_option("--as-of", args->as_of, "Read every tag as of this date, YYYY-MM-DD (default: today, UTC)");
  cmd->add_option("--columns", args->columns, "Tags to add as columns, comma-separated (at most 200)");
  cmd->add_option("--format", args->format, "csv (default) or ndjson");
  cmd->add_option("--output", args->output, "Write to this file instead of stdout");
  cmd->add_option("--limit", args->limit, "At most N rows (0: all)");
  cmd->callback([args, &exit_code] { exit_code = Run(*args); });
}

}  // namespace tagloop::cli
