// tagloop_demo_company: the demo car-rental company (issue 7).
//   generate --members N --days D --seed S --end-date YYYY-MM-DD --out DIR
//       business.db, events.ndjson, lists/, external/, company.json (company_files.h)
//   events --url URL --token-file F --db business.db --rate R
//       live traffic for a running server (live_events.h)
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "company_files.h"
#include "core/wall_clock.h"
#include "live_events.h"

namespace {

struct GenerateArgs {
  size_t members = 20000;
  int days = 400;
  int event_days = 45;
  uint64_t seed = 42;
  std::string end_date;
  std::string out;
};

int RunGenerate(const GenerateArgs& a) {
  using namespace tagloop;
  using namespace tagloop::demo;
  const auto start = std::chrono::steady_clock::now();
  demo::CompanyOptions options;
  options.seed = a.seed;
  options.members = a.members;
  options.history_days = a.days;
  if (a.end_date.empty()) {  // yesterday in Beijing
    options.end_date = DaysFromUnixSeconds(WallClock::Default()->NowUnixSeconds() + 8 * 3600) - 1;
  } else {
    Result<Days> d = ParseDate(a.end_date);
    if (!d.ok()) {
      fmt::print(stderr, "generate: --end-date: {}\n", d.status().message());
      return 1;
    }
    options.end_date = *d;
  }
  if (a.members == 0 || a.members > 10'000'000 || a.days < 60 || a.days > 2000 || a.event_days < 1 ||
      a.event_days > a.days) {
    fmt::print(stderr, "generate: --members must be 1..10000000, --days 60..2000, --event-days 1..days\n");
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) {
    fmt::print(stderr, "generate: cannot create {}: {}\n", a.out, ec.message());
    return 1;
  }
  Company company = GenerateCompany(options);
  FileOptions files;
  files.event_days = a.event_days;
  if (!WriteBusinessDb(company, files, a.out + "/business.db") ||
      !WriteEventHistory(company, files, a.out + "/events.ndjson") || !WriteListsAndPushes(company, a.out) ||
      !WriteSummary(company, a.out + "/company.json")) {
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(
      "generated {} members, {} stores, {} orders, {} coupons, {} complaints, {} overdue payments "
      "(history to {}) into {} in {:.1f}s\n",
      company.members.size(), company.stores.size(), company.orders.size(), company.coupons.size(),
      company.complaints.size(), company.overdues.size(), FormatDate(options.end_date), a.out, seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tagloop_demo_company: the demo car-rental company (data generator and live event traffic)"};
  app.require_subcommand(1);
  int exit_code = 0;

  GenerateArgs g;
  CLI::App* gen =
      app.add_subcommand("generate", "Write the business database, event history, lists and external values");
  gen->add_option("--members", g.members, "Members")->default_val(20000);
  gen->add_option("--days", g.days, "Days of order history")->default_val(400);
  gen->add_option("--event-days", g.event_days, "Days of event history (the last ones)")->default_val(45);
  gen->add_option("--seed", g.seed, "Seed: the same seed gives the same company")->default_val(42);
  gen->add_option("--end-date", g.end_date,
                  "Last business date of the history, YYYY-MM-DD (default: yesterday, +08:00)");
  gen->add_option("--out", g.out, "Output folder")->required();
  gen->callback([&] { exit_code = RunGenerate(g); });

  tagloop::demo::LiveOptions live;
  CLI::App* ev = app.add_subcommand("events", "Post live order events to a running server until stopped");
  ev->add_option("--url", live.url, "Server URL")->default_val("http://127.0.0.1:8080");
  ev->add_option("--token-file", live.token_file, "File holding an operator (or admin) token")->required();
  ev->add_option("--db", live.db, "The generated business.db (members and stores)")->required();
  ev->add_option("--rate", live.rate, "Events per second")->default_val(20)->check(CLI::Range(0.1, 10000.0));
  ev->add_option("--seed", live.seed, "Seed of the traffic")->default_val(7);
  ev->add_option("--max-seconds", live.max_seconds, "Stop after this many seconds (0: run until a signal)");
  ev->add_flag("--quiet", live.quiet, "No progress lines");
  ev->callback([&] { exit_code = tagloop::demo::RunLiveEvents(live); });

  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
