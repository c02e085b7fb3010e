// `tagloop import`: the wide CSV import of the SPEC. Errors go to stderr as
// "tagloop import: FILE:LINE:COLUMN: message"; stdout stays empty. On a
// terminal, stderr shows a one-line progress indicator; a summary line
// follows on stderr (unless --quiet).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "cli/commands.h"
#include "cli/store_access.h"
#include "import/column_types.h"
#include "import/wide_csv_import.h"

namespace tagloop::cli {

namespace {

struct ImportArgs {
  std::string data;
  std::string csv;
  std::string id_column;
  std::string types;
  std::string version;
  unsigned threads = 0;
  bool quiet = false;
  bool timings = false;
};

// 1234567 -> "1,234,567".
std::string Grouped(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "\r<line>" redrawn in place; cleared before anything else is printed.
void ShowProgress(const ImportProgress& p) {
  std::string line;
  const double rate = p.seconds > 0 ? static_cast<double>(p.rows) / p.seconds : 0;
  switch (p.phase) {
    case ImportPhase::kScan: line = "scanning"; break;
    case ImportPhase::kParse:
      line = fmt::format(
          "parse  {:3.0f}%  {} rows  {} rows/s",
          p.total_bytes ? 100.0 * static_cast<double>(p.bytes) / static_cast<double>(p.total_bytes) : 100.0,
          Grouped(p.rows), Grouped(static_cast<uint64_t>(rate)));
      break;
    case ImportPhase::kIds: line = fmt::format("ids    {} users resolved", Grouped(p.rows)); break;
    case ImportPhase::kBuild: line = fmt::format("build  {}/{} tags", p.tags_done, p.tags_total); break;
    case ImportPhase::kCommit: line = "commit"; break;
  }
  fmt::print(stderr, "\r\033[Kimport: {}  ({:.1f} s)", line, p.seconds);
  std::fflush(stderr);
}

int Fail(const Status& st) {
  // Problems of the file or the flags already say where; print them plainly.
  if (st.code() == Status::Code::kInvalidArgument) {
    fmt::print(stderr, "tagloop import: {}\n", st.message());
    return 1;
  }
  return cli::Fail("import", st);
}

int RunImport(const ImportArgs& a) {
  ImportOptions o;
  o.id_column = a.id_column;
  o.threads = a.threads;
  o.source_name = a.csv == "-" ? "stdin" : a.csv;
  auto types = ParseColumnTypes(a.types);
  if (!types.ok()) return Fail(types.status());
  o.column_types = std::move(*types);
  if (!a.version.empty()) {
    auto v = ParseDate(a.version);
    if (!v.ok()) return Fail(Status::InvalidArgument(fmt::format("--version: {}", v.status().message())));
    o.version = *v;
  }
  auto store = OpenStoreForCli(a.data, /*create=*/true);
  if (!store.ok()) return Fail(store.status());

  const bool show_progress = !a.quiet && isatty(STDERR_FILENO);
  ImportProgressFn progress;
  if (show_progress) progress = ShowProgress;
  Result<ImportSummary> r = Status::Internal("not run");
  if (a.csv == "-") {
    std::string input(std::istreambuf_iterator<char>(std::cin), {});
    r = ImportWideCsv(**store, input, o, progress);
  } else {
    r = ImportWideCsvFile(**store, a.csv, o, progress);
  }
  if (show_progress) fmt::print(stderr, "\r\033[K");
  if (!r.ok()) return Fail(r.status());

  const ImportSummary& s = *r;
  if (!a.quiet) {
    fmt::print(
        stderr, "imported {} users × {} tags for {} in {:.1f} s (new users: {}; {} rows/s)\n",
        Grouped(s.rows), s.tags, FormatDate(s.version), s.seconds, Grouped(s.new_users),
        Grouped(s.seconds > 0 ? static_cast<uint64_t>(static_cast<double>(s.rows) / s.seconds) : s.rows));
  }
  if (a.timings) {
    std::string line = "phases:";
    for (const ImportPhaseTime& p : s.phases)
      line += fmt::format(" {} {:.2f} s", ImportPhaseName(p.phase), p.seconds);
    fmt::print(stderr, "{}\n", line);
  }
  return 0;
}

}  // namespace

void RegisterImportCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand("import",
                                     "Import a wide CSV (one row per user, one column per tag) as new tag "
                                     "versions for one date, all or nothing");
  cmd->add_option("--data", args->data, "data directory (created if missing)")->required();
  cmd->add_option("--csv", args->csv, "the CSV file (RFC 4180, UTF-8, header first); '-' reads stdin")
      ->required();
  cmd->add_option("--id-column", args->id_column, "the column holding the users' external ids")->required();
  cmd->add_option(
      "--types", args->types,
      "tag types, 'col:type,col:type,...' with type bool, enum, set, int, decimal:N (0-6) or date; "
      "other columns are enum");
  cmd->add_option("--version", args->version, "business date of the data, YYYY-MM-DD (default: today, UTC)");
  cmd->add_option("--threads", args->threads, "worker threads (default: one per core)");
  cmd->add_flag("--quiet", args->quiet, "no progress and no summary line");
  cmd->add_flag("--timings", args->timings, "print the time of each phase");
  cmd->callback([args, &exit_code] { exit_code = RunImport(*args); });
}

}  // namespace tagloop::cli
