#include "import/wide_csv_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "import/csv_reader.h"
#include "core/parallel.h"
#include "import/version_builder.h"
#include "import/wide_csv_reader.h"

namespace tagloop {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Phase timing and throttled progress reports.
class PhaseTracker {
 public:
  PhaseTracker(const ImportProgressFn& fn, uint64_t total_bytes) : fn_(fn) {
    progress_.total_bytes = total_bytes;
  }
  void Begin(ImportPhase phase) {
    End();
    progress_.phase = phase;
    phase_start_ = Clock::now();
    in_phase_ = true;
    Report();
  }
  void End() {
    if (in_phase_) phases_.push_back({progress_.phase, SecondsSince(phase_start_)});
    in_phase_ = false;
  }
  void Report() {
    if (!fn_) return;
    progress_.seconds = SecondsSince(start_);
    fn_(progress_);
  }
  ImportProgress& progress() { return progress_; }
  std::vector<ImportPhaseTime> phases() {
    End();
    return phases_;
  }
  double seconds() const { return SecondsSince(start_); }

 private:
  const ImportProgressFn& fn_;
  ImportProgress progress_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point phase_start_;
  bool in_phase_ = false;
  std::vector<ImportPhaseTime> phases_;
};

// "NAME:LINE:COLUMN" of row `row`'s id cell.
struct RowLocator {
  const CsvText& text;
  const std::vector<ParsedChunk>& chunks;
  const std::vector<uint64_t>& row_base;

  std::pair<size_t, size_t> Find(uint64_t row) const {  // chunk, id offset
    const size_t k =
        static_cast<size_t>(std::upper_bound(row_base.begin(), row_base.end(), row) - row_base.begin() - 1);
    return {k, chunks[k].id_offsets[row - row_base[k]]};
  }
  TextPosition Locate(uint64_t row) const {
    auto [k, offset] = Find(row);
    return text.Locate(chunks[k].chunk, offset);
  }
  Status Error(uint64_t row, std::string_view message) const {
    auto [k, offset] = Find(row);
    return text.ErrorAt(chunks[k].chunk, offset, message);
  }
};

// A tag that exists keeps its type: say so at the header, before any work.
Status CheckTypesAgainstStore(const CsvText& text, const WideSchema& schema, const Snapshot& base) {
  for (const WideColumn& c : schema.tags) {
    const TagInfo* existing = base.FindTag(c.name);
    if (existing && existing->type != c.type) {
      return text.ErrorAt(
          schema.header, c.header_offset,
          fmt::format("column \"{}\": the tag is {} in the store but {} here (--types {}:{})", c.name,
                      existing->type.ToString(), c.type.ToString(), c.name, existing->type.ToString()));
    }
  }
  return Status::Ok();
}

// Dense ids of every row, in file order; an id twice in the file is an error.
Status ResolveUsers(StoreWriter& writer, const WideSchema& schema, const RowLocator& where,
                    std::vector<ParsedChunk>& chunks, uint64_t rows, unsigned threads, PhaseTracker& tracker,
                    std::vector<uint32_t>* users) {
  users->reserve(rows);
  constexpr size_t kBatch = 1 << 18;
  std::vector<uint32_t> ids;
  auto last_report = Clock::now();
  for (ParsedChunk& chunk : chunks) {
    for (size_t i = 0; i < chunk.ids.size(); i += kBatch) {
      const size_t n = std::min(kBatch, chunk.ids.size() - i);
      TAGLOOP_RETURN_IF_ERROR(
          writer.InternUsers(std::span<const std::string_view>(chunk.ids.data() + i, n), &ids, threads));
      users->insert(users->end(), ids.begin(), ids.end());
      if (Clock::now() - last_report > std::chrono::milliseconds(100)) {
        tracker.progress().rows = users->size();
        tracker.Report();
        last_report = Clock::now();
      }
    }
  }
  std::vector<uint64_t> seen((writer.user_count() + 63) / 64, 0);
  for (uint64_t row = 0; row < users->size(); ++row) {
    const uint32_t u = (*users)[row];
    uint64_t& word = seen[u / 64];
    const uint64_t bit = uint64_t{1} << (u % 64);
    if (word & bit) {
      const uint64_t first =
          static_cast<uint64_t>(std::find(users->begin(), users->end(), u) - users->begin());
      const size_t k = where.Find(row).first;
      const std::string_view id = chunks[k].ids[row - where.row_base[k]];
      return where.Error(row, fmt::format("column \"{}\": duplicate user id '{}' (also on line {})",
                                          schema.id_column, id, where.Locate(first).line));
    }
    word |= bit;
  }
  tracker.progress().rows = users->size();
  return Status::Ok();
}

// Builds, encodes and writes every tag's version on all threads
// (StoreWriter::PutVersion may run on several threads at once).
Status BuildAndWriteVersions(StoreWriter& writer, const WideSchema& schema, Days version, unsigned threads,
                             std::vector<ParsedChunk>& chunks, const std::vector<uint32_t>& users,
                             const std::vector<uint64_t>& row_base, PhaseTracker& tracker) {
  const size_t n = schema.tags.size();
  std::vector<Status> errors(n);
  std::atomic<bool> failed{false};
  std::atomic<size_t> done{0};
  ParallelFor(
      threads, n,
      [&](size_t c) {
        if (failed.load()) return;
        const WideColumn& tag = schema.tags[c];
        auto content = BuildVersionContent(tag, c, version, chunks, users, row_base);
        errors[c] = content.ok() ? writer.PutVersion(tag.name, std::move(*content)) : content.status();
        if (!errors[c].ok()) failed = true;
        ++done;
      },
      [&] {
        tracker.progress().tags_done = done.load();
        tracker.Report();
      });
  tracker.progress().tags_done = done.load();
  for (Status& st : errors) TAGLOOP_RETURN_IF_ERROR(std::move(st));
  return Status::Ok();
}

}  // namespace

const char* ImportPhaseName(ImportPhase phase) {
  switch (phase) {
    case ImportPhase::kScan: return "scan";
    case ImportPhase::kParse: return "parse";
    case ImportPhase::kIds: return "ids";
    case ImportPhase::kBuild: return "build";
    case ImportPhase::kCommit: return "commit";
  }
  return "?";
}

Result<ImportSummary> ImportWideCsv(TagStore& store, std::string_view csv, const ImportOptions& options,
                                    const ImportProgressFn& progress) {
  if (options.id_column.empty()) return Status::InvalidArgument("no id column given (--id-column)");
  const unsigned threads = options.threads ? options.threads : DefaultThreads();
  PhaseTracker tracker(progress, csv.size());
  ImportSummary summary;
  summary.bytes = csv.size();
  summary.version =
      options.version ? *options.version : DaysFromUnixSeconds(store.options().env->NowUnixSeconds());

  tracker.Begin(ImportPhase::kScan);
  const CsvText text(options.source_name.empty() ? "csv" : options.source_name, csv);
  TAGLOOP_ASSIGN_OR_RETURN(const WideSchema schema,
                           ReadWideHeader(text, options.id_column, options.column_types));
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<StoreWriter> writer, store.BeginWrite());
  TAGLOOP_RETURN_IF_ERROR(CheckTypesAgainstStore(text, schema, writer->base()));
  const uint32_t users_before = writer->user_count();
  const std::vector<CsvChunk> split =
      SplitRows(text, schema.data_begin, schema.data_first_line, options.chunk_bytes, threads);

  tracker.Begin(ImportPhase::kParse);
  ParseCounters counters;
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<ParsedChunk> chunks,
                           ParseWideChunks(text, schema, split, threads, &counters, [&] {
                             tracker.progress().rows = counters.rows.load();
                             tracker.progress().bytes = counters.bytes.load();
                             tracker.Report();
                           }));
  std::vector<uint64_t> row_base{0};
  for (const ParsedChunk& c : chunks) row_base.push_back(row_base.back() + c.rows);
  summary.rows = row_base.back();
  row_base.pop_back();
  tracker.progress().bytes = csv.size();
  if (summary.rows >= UINT32_MAX) {
    return Status::InvalidArgument(
        fmt::format("{}: {} rows; an import holds fewer than 2^32", text.name(), summary.rows));
  }

  tracker.progress().rows = 0;
  tracker.Begin(ImportPhase::kIds);
  const RowLocator where{text, chunks, row_base};
  std::vector<uint32_t> users;
  TAGLOOP_RETURN_IF_ERROR(
      ResolveUsers(*writer, schema, where, chunks, summary.rows, threads, tracker, &users));
  summary.new_users = writer->user_count() - users_before;
  for (ParsedChunk& c : chunks) {  // ids are resolved; their text is no longer needed
    c.ids = {};
    c.id_offsets = {};
  }

  tracker.progress().tags_total = schema.tags.size();
  tracker.Begin(ImportPhase::kBuild);
  TAGLOOP_RETURN_IF_ERROR(
      BuildAndWriteVersions(*writer, schema, summary.version, threads, chunks, users, row_base, tracker));
  summary.tags = schema.tags.size();

  tracker.Begin(ImportPhase::kCommit);
  TAGLOOP_RETURN_IF_ERROR(writer->Commit());
  summary.generation = store.snapshot()->generation();
  summary.phases = tracker.phases();
  summary.seconds = tracker.seconds();
  return summary;
}

Result<ImportSummary> ImportWideCsvFile(TagStore& store, const std::string& path,
                                        const ImportOptions& options, const ImportProgressFn& progress) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> file, store.options().env->MapFile(path));
  ImportOptions o = options;
  if (o.source_name.empty()) o.source_name = path;
  const std::string_view bytes =
      file->size() ? std::string_view(file->data(), file->size()) : std::string_view();
  return ImportWideCsv(store, bytes, o, progress);
}

}  // namespace tagloop
