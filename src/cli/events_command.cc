// `tagloop events`: bulk history into the event log (`events import FILE`,
// NDJSON or a JSON array, checked against the event types like POST
// /api/v1/events) and the registered event types (`events types`).
//
// The log belongs to one process at a time: while `tagloop serve` runs on
// the directory, events go through its API instead. Real-time tags replay
// the log when the server starts; their past daily versions come from
// `tagloop produce TAG --from --to` (a backfill over the log).
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "catalog/catalog_db.h"
#include "cli/commands.h"
#include "cli/store_access.h"
#include "core/wall_clock.h"
#include "events/event_json.h"
#include "events/event_log.h"
#include "events/event_types.h"

namespace tagloop::cli {

namespace {

constexpr size_t kLinesPerBatch = 20'000;
constexpr size_t kMaxRejectionsShown = 20;

struct EventsArgs {
  std::string data;
  std::string file;
  int utc_offset = 480;
};

class Importer {
 public:
  Importer(const EventsArgs& a, events::EventLog& log, const events::EventTypeRegistry& types)
      : a_(a), log_(log), types_(types), now_ms_(WallClock::Default()->NowUnixMillis()) {}

  // One batch; `lines[i]` is the file line of the batch's i-th item.
  Status Batch(const std::string& body, const std::vector<size_t>& lines) {
    TAGLOOP_ASSIGN_OR_RETURN(events::ParsedBatch batch, events::ParseEventBatch(body, types_, now_ms_));
    for (const auto& [pos, reason] : batch.rejected) {
      if (++rejected_ <= kMaxRejectionsShown) {
        if (lines.empty()) {
          fmt::print(stderr, "{}: event #{}: {}\n", a_.file, pos, reason);
        } else {
          fmt::print(stderr, "{}:{}: {}\n", a_.file, lines[pos], reason);
        }
      }
    }
    TAGLOOP_ASSIGN_OR_RETURN(events::AppendResult r, log_.Append(batch.events));
    appended_ += r.appended;
    duplicates_ += r.duplicates;
    return Status::Ok();
  }

  int Finish(double seconds) const {
    if (rejected_ > kMaxRejectionsShown) {
      fmt::print(stderr, "... and {} more rejected events\n", rejected_ - kMaxRejectionsShown);
    }
    std::vector<Days> days = log_.days();
    fmt::print("imported {} events ({} already logged, {} rejected) in {:.1f} s ({:.0f} events/s); the log holds {} "
               "days{}\n",
               appended_, duplicates_, rejected_, seconds, seconds > 0 ? appended_ / seconds : 0.0, days.size(),
               days.empty() ? "" : fmt::format(" ({} to {})", FormatDate(days.front()), FormatDate(days.back())));
    if (rejected_ > 0) {
      fmt::print(stderr, "tagloop events import: {} events were rejected (the valid ones are kept)\n", rejected_);
      return 1;
    }
    return 0;
  }

 private:
  const EventsArgs& a_;
  events::EventLog& log_;
  const events::EventTypeRegistry& types_;
  const int64_t now_ms_;
  uint64_t appended_ = 0, duplicates_ = 0, rejected_ = 0;
};

Result<std::unique_ptr<events::EventLog>> OpenLog(const EventsArgs& a) {
  events::EventLogOptions o;
  o.utc_offset_minutes = a.utc_offset;
  o.sync = false;  // one fdatasync of every day at the end (RunImport), not one per batch and day
  auto log = events::EventLog::Open(a.data, o);
  if (!log.ok() && log.status().code() == Status::Code::kFailedPrecondition &&
      log.status().message().find("LOCK") != std::string::npos) {
    return Status::FailedPrecondition(fmt::format(
        "{} (is `tagloop serve` running on this directory? then POST the events to /api/v1/events)",
        log.status().message()));
  }
  return log;
}

int RunImport(const EventsArgs& a) {
  auto store = OpenStoreForCli(a.data, /*create=*/true);  // the data directory must be a store
  if (!store.ok()) return Fail("events import", store.status());
  auto db = CatalogDb::Open(a.data);
  if (!db.ok()) return Fail("events import", db.status());
  auto types = events::EventTypeRegistry::Open(db->get());
  if (!types.ok()) return Fail("events import", types.status());
  auto log = OpenLog(a);
  if (!log.ok()) return Fail("events import", log.status());
  std::ifstream in(a.file, std::ios::binary);
  if (!in) return Fail("events import", Status::IOError(fmt::format("cannot read '{}'", a.file)));

  const auto started = std::chrono::steady_clock::now();
  Importer importer(a, **log, **types);
  // A JSON array is read whole; NDJSON in batches of lines (any size of file).
  int first = in.peek();
  while (first == ' ' || first == '\n' || first == '\r' || first == '\t') {
    in.get();
    first = in.peek();
  }
  if (first == '[') {
    std::stringstream all;
    all << in.rdbuf();
    if (Status st = importer.Batch(all.str(), {}); !st.ok()) return Fail("events import", st);
  } else {
    std::string line, body;
    std::vector<size_t> lines;
    size_t number = 0;
    auto flush = [&]() -> Status {
      Status st = body.empty() ? Status::Ok() : importer.Batch(body, lines);
      body.clear();
      lines.clear();
      return st;
    };
    while (std::getline(in, line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      body.append(line).push_back('\n');
      lines.push_back(number);
      if (lines.size() >= kLinesPerBatch) {
        if (Status st = flush(); !st.ok()) return Fail("events import", st);
      }
    }
    if (Status st = flush(); !st.ok()) return Fail("events import", st);
  }
  // Nothing is acknowledged before this: after a crash, importing the file
  // again adds what is missing (events logged before are ignored).
  if (Status st = (*log)->Sync(); !st.ok()) return Fail("events import", st);
  return importer.Finish(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

int RunTypes(const EventsArgs& a) {
  auto db = CatalogDb::Open(a.data);
  if (!db.ok()) return Fail("events types", db.status());
  auto types = events::EventTypeRegistry::Open(db->get());
  if (!types.ok()) return Fail("events types", types.status());
  for (const events::EventTypeSchema& s : (*types)->List()) {
    std::string props;
    for (const events::PropertyDef& p : s.properties) {
      props += fmt::format("{}{}:{}{}", props.empty() ? "" : " ", p.name, events::PropertyTypeName(p.type),
                           p.required ? "!" : "");
    }
    fmt::print("{:<18} {:<8} {}  [{}]\n", s.name, s.builtin ? "built-in" : "custom", s.title_zh, props);
  }
  return 0;
}

}  // namespace

void RegisterEventsCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<EventsArgs>();
  CLI::App* cmd = app.add_subcommand("events", "Events: bulk import into the event log, event types");
  cmd->require_subcommand(1);
  CLI::App* imp = cmd->add_subcommand(
      "import", "Append events from FILE (NDJSON, or a JSON array) to the durable event log; invalid events are "
                "reported (FILE:LINE: reason) and skipped, events logged before are ignored");
  imp->add_option("--data", a->data, "Data directory")->required();
  imp->add_option("file", a->file, "The events: one JSON object per line, or a JSON array")->required();
  imp->add_option("--business-utc-offset", a->utc_offset,
                  "Minutes east of UTC of the business calendar (default 480; must match the log's)");
  imp->callback([a, &exit_code] { exit_code = RunImport(*a); });
  CLI::App* types = cmd->add_subcommand("types", "List the event types and their properties (! = required)");
  types->add_option("--data", a->data, "Data directory")->required();
  types->callback([a, &exit_code] { exit_code = RunTypes(*a); });
}

}  // namespace tagloop::cli
