// `tagloop count` and `tagloop query`: evaluate a segment expression on the
// current state (or as of a date) and print the count, or the external ids.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "cli/commands.h"
#include "core/wall_clock.h"
#include "cli/store_access.h"
#include "segment/saved_segments.h"
#include "segment/segment.h"

namespace tagloop::cli {

namespace {

struct QueryArgs {
  std::string data;
  std::string as_of;
  std::string expr;
  uint64_t limit = 0;
  bool explain = false;
};

// Error text plus the expression with a caret under the failing position.
int FailWithPosition(const char* command, const Status& st, const std::string& expr) {
  fmt::print(stderr, "tagloop {}: {}\n", command, st.ToString());
  if (st.position() && *st.position() <= expr.size() && expr.find('\n') == std::string::npos) {
    fmt::print(stderr, "  {}\n  {:>{}}\n", expr, "^", *st.position() + 1);
  }
  return 1;
}

Result<Days> AsOfDate(const std::string& text) {
  if (!text.empty()) return ParseDate(text);
  return DaysFromUnixSeconds(WallClock::Default()->NowUnixSeconds());
}

int Run(const char* command, const QueryArgs& a, bool materialize) {
  auto as_of = AsOfDate(a.as_of);
  if (!as_of.ok()) return Fail(command, as_of.status());
  auto store = OpenStoreForCli(a.data);
  if (!store.ok()) return Fail(command, store.status());
  auto saved = SavedSegments::Open(Env::Default(), a.data);
  if (!saved.ok()) return Fail(command, saved.status());
  auto snap = (*store)->snapshot();
  SegmentQueryOptions options;
  options.as_of = *as_of;
  options.segments = saved->get();

  if (a.explain) {
    auto plan = ExplainSegment(*snap, a.expr, options);
    if (!plan.ok()) return FailWithPosition(command, plan.status(), a.expr);
    fmt::print(stderr, "{}\n", *plan);
  }
  if (!materialize) {
    auto n = CountSegment(*snap, a.expr, options);
    if (!n.ok()) return FailWithPosition(command, n.status(), a.expr);
    fmt::print("{}\n", *n);
    return 0;
  }
  auto users = EvaluateSegment(*snap, a.expr, options);
  if (!users.ok()) return FailWithPosition(command, users.status(), a.expr);
  auto dict = snap->dictionary();
  if (!dict.ok()) return Fail(command, dict.status());
  // Stream the ids through one large buffer: millions of lines per second.
  std::string out;
  out.reserve(1 << 20);
  uint64_t printed = 0;
  roaring_uint32_iterator_t it;
  roaring_init_iterator(users->get(), &it);
  uint32_t batch[4096];
  for (;;) {
    uint32_t n = roaring_read_uint32_iterator(&it, batch, 4096);
    if (n == 0) break;
    for (uint32_t i = 0; i < n && (a.limit == 0 || printed < a.limit); ++i, ++printed) {
      out.append((*dict)->ExternalId(batch[i]));
      out.push_back('\n');
    }
    if (out.size() > (1 << 20) - 4096) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
    if (a.limit != 0 && printed >= a.limit) break;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

void AddCommon(CLI::App* cmd, QueryArgs& a) {
  cmd->add_option("--data", a.data, "Data directory")->required();
  cmd->add_option("--as-of", a.as_of, "Evaluate every tag as of this date, YYYY-MM-DD (default: today, UTC)");
  cmd->add_flag("--explain", a.explain, "Print the query plan on stderr");
  cmd->add_option("expr", a.expr, "Segment expression, e.g. \"city = '上海' AND age >= 30\"")->required();
}

}  // namespace

void RegisterQueryCommands(CLI::App& app, int& exit_code) {
  auto count_args = std::make_shared<QueryArgs>();
  CLI::App* count = app.add_subcommand("count", "Print the number of users in a segment");
  AddCommon(count, *count_args);
  count->callback([count_args, &exit_code] { exit_code = Run("count", *count_args, false); });

  auto query_args = std::make_shared<QueryArgs>();
  CLI::App* query = app.add_subcommand("query", "Print the external ids of a segment's users, one per line");
  AddCommon(query, *query_args);
  query->add_option("--limit", query_args->limit, "Print at most N ids (0: all)");
  query->callback([query_args, &exit_code] { exit_code = Run("query", *query_args, true); });
}

}  // namespace tagloop::cli
