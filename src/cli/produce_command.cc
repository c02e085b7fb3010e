// `tagloop produce`: runs a tag's producer now, on this machine, for one
// date, a range of dates (backfill) or one date again (repair), and prints
// each run's outcome: state, rows, users, quality checks, time. The runs
// are recorded in the catalog's run history like the server's.
#include <fmt/format.h>

#include <ctime>

#include "app/workspace.h"
#include "cli/commands.h"
#include "core/wall_clock.h"
#include "cli/store_access.h"
#include "produce/production.h"
#include "segment/saved_segments.h"

namespace tagloop::cli {

namespace {

struct ProduceArgs {
  std::string data;
  std::string tag;
  std::string date;
  std::string from;
  std::string to;
  int64_t definition_version = 0;
  bool repair = false;
  int utc_offset = 480;
};

Result<Days> DateArg(const char* flag, const std::string& text) {
  Result<Days> d = ParseDate(text);
  if (!d.ok()) return Status::InvalidArgument(fmt::format("{}: {}", flag, d.status().message()));
  return d;
}

int RunProduce(const ProduceArgs& a) {
  WorkspaceOptions options;
  options.production.utc_offset_minutes = a.utc_offset;
  auto workspace = Workspace::Open(a.data, options);
  if (!workspace.ok()) return Fail("produce", workspace.status());
  Production& p = (*workspace)->production();
  auto entry = (*workspace)->catalog().Get(a.tag);
  if (!entry.ok()) return Fail("produce", entry.status());

  std::vector<Days> dates;
  if (!a.from.empty() || !a.to.empty()) {
    if (a.from.empty() || a.to.empty() || !a.date.empty()) {
      return Fail("produce", Status::InvalidArgument("give --from and --to together (a backfill), or --date"));
    }
    auto from = DateArg("--from", a.from);
    auto to = DateArg("--to", a.to);
    if (!from.ok()) return Fail("produce", from.status());
    if (!to.ok()) return Fail("produce", to.status());
    if (*to < *from || *to - *from >= 3660) {
      return Fail("produce", Status::InvalidArgument("--from must not be after --to (at most 3660 dates)"));
    }
    for (Days d = *from; d <= *to; ++d) dates.push_back(d);
  } else if (!a.date.empty()) {
    auto d = DateArg("--date", a.date);
    if (!d.ok()) return Fail("produce", d.status());
    dates.push_back(*d);
  } else {
    dates.push_back(p.scheduler().BizDateFor(entry->definition, WallClock::Default()->NowUnixSeconds()));
  }

  int failures = 0;
  for (Days date : dates) {
    ProduceRequest request;
    request.tag = a.tag;
    request.biz_date = date;
    if (a.definition_version > 0) request.definition_version = a.definition_version;
    request.trigger = a.repair ? RunTrigger::kRepair : dates.size() > 1 ? RunTrigger::kBackfill : RunTrigger::kManual;
    request.requested_by = "cli";
    auto result = p.producer().Produce(request);
    if (!result.ok()) return Fail("produce", result.status());
    const ProduceResult& r = *result;
    fmt::print("{} {} run {} (definition v{}): {} — {} rows, {} users, fetch {:.2f}s, write {:.2f}s\n", a.tag,
               FormatDate(date), r.run_id, r.definition_version, RunStateName(r.state), r.rows, r.users,
               r.fetch_seconds, r.write_seconds);
    for (const QualityCheck& c : r.checks) {
      fmt::print("  {} {}: {}\n", c.passed ? "ok  " : "FAIL", c.name, c.message);
    }
    if (r.state != RunState::kSucceeded) {
      ++failures;
      fmt::print(stderr, "tagloop produce: {} {}: {}\n", a.tag, FormatDate(date), r.error.ToString());
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void RegisterProduceCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ProduceArgs>();
  CLI::App* cmd = app.add_subcommand(
      "produce", "Run a tag's producer now: one date, a backfill (--from/--to) or a repair (--repair)");
  cmd->add_option("--data", a->data, "Data directory")->required();
  cmd->add_option("tag", a->tag, "The tag (defined in the catalog: tagloop tags apply)")->required();
  cmd->add_option("--date", a->date, "Business date YYYY-MM-DD (default: the date a run now would produce)");
  cmd->add_option("--from", a->from, "First date of a backfill");
  cmd->add_option("--to", a->to, "Last date of a backfill (inclusive)");
  cmd->add_option("--definition-version", a->definition_version,
                  "Use this definition version (default: the one valid at each date)");
  cmd->add_flag("--repair", a->repair, "Re-run the date and replace its version (recorded as a repair)");
  cmd->add_option("--business-utc-offset", a->utc_offset, "Minutes east of UTC of the business calendar (default 480)");
  cmd->callback([a, &exit_code] { exit_code = RunProduce(*a); });
}

}  // namespace tagloop::cli
