#include "produce/tag_producer.h"

#include <chrono>
#include <cstdio>
#include <thread>
#include <unordered_set>

#include <fmt/format.h>

#include "produce/composite.h"
#include "produce/event_tags.h"
#include "produce/list_file.h"
#include "produce/row_collector.h"
#include "source/sql_template.h"

namespace tagloop {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Appends "[  1.23s] message" lines: the run's log as stored in RunHistory.
class RunLog {
 public:
  explicit RunLog(std::string* out) : out_(out), start_(Clock::now()) {}
  template <typename... Args>
  void operator()(fmt::format_string<Args...> format, Args&&... args) {
    *out_ += fmt::format("[{:7.2f}s] ", SecondsSince(start_));
    *out_ += fmt::format(format, std::forward<Args>(args)...);
    *out_ += '\n';
  }

 private:
  std::string* out_;
  Clock::time_point start_;
};

std::string ConfigString(const TagDefinition& def, const char* key) {
  auto it = def.producer_config.find(key);
  return it != def.producer_config.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string FailedChecks(const std::vector<QualityCheck>& checks) {
  std::string out;
  for (const QualityCheck& c : checks) {
    if (!c.passed) out += (out.empty() ? "" : "; ") + c.message;
  }
  return out;
}

// Reads the one value a freshness query returns.
class FirstValueSink final : public RowSink {
 public:
  Status Begin(int columns) override {
    if (columns != 1) return Status::InvalidArgument("a freshness query returns one column");
    return Status::Ok();
  }
  Status Rows(std::span<const SourceRow> rows) override {
    if (!rows.empty() && !value) value = std::string(rows[0].user_id);
    return Status::Ok();
  }
  std::optional<std::string> value;
};

// "1732400000" (unix seconds), "2026-11-23" or "2026-11-23 18:30:00[.fff]"
// (in the business calendar's offset) -> unix seconds.
Result<int64_t> ParseFreshness(std::string_view text, int utc_offset_minutes) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos && text.size() <= 12) {
    return static_cast<int64_t>(std::stoll(std::string(text)));
  }
  TAGLOOP_ASSIGN_OR_RETURN(Days day, ParseDate(text.substr(0, 10)));
  int64_t seconds = int64_t{day} * 86400;
  if (text.size() >= 19 && (text[10] == ' ' || text[10] == 'T')) {
    int h = 0, m = 0, sec = 0;
    if (std::sscanf(std::string(text.substr(11, 8)).c_str(), "%d:%d:%d", &h, &m, &sec) != 3) {
      return Status::InvalidArgument(fmt::format("freshness value '{}' is not a time", text));
    }
    seconds += h * 3600 + m * 60 + sec;
  }
  return seconds - int64_t{utc_offset_minutes} * 60;
}

}  // namespace

// What the fetch phase produced: rows still to be resolved, or (composite)
// a finished version over dense ids.
struct TagProducer::Fetched {
  std::unique_ptr<RowCollector> rows;
  std::optional<TagVersionContent> content;
  std::vector<QualityCheck> source_checks;  // checked before the fetch (source freshness)
};

TagProducer::TagProducer(TagStore* store, TagCatalog* catalog, RunHistory* runs, SourceRegistry* sources,
                         const SegmentResolver* segments, ProducerOptions options)
    : store_(store), catalog_(catalog), runs_(runs), sources_(sources), segments_(segments), options_(options) {}

Result<DefinitionVersion> TagProducer::DefinitionAt(std::string_view tag, Days date) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<DefinitionVersion> history, catalog_->History(tag));
  // The end of `date` in the business calendar, in unix milliseconds.
  int64_t end_ms = (int64_t{date} + 1) * 86'400'000 - int64_t{options_.utc_offset_minutes} * 60'000;
  const DefinitionVersion* best = &history.front();
  for (const DefinitionVersion& v : history) {
    if (v.created_at_ms < end_ms) best = &v;
  }
  return *best;
}

Result<ProduceResult> TagProducer::Produce(const ProduceRequest& request, const RunControl& control) {
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, catalog_->Get(request.tag));
  DefinitionVersion def;
  if (request.definition_version) {
    TAGLOOP_ASSIGN_OR_RETURN(def, catalog_->GetVersion(request.tag, *request.definition_version));
  } else {
    TAGLOOP_ASSIGN_OR_RETURN(def, DefinitionAt(request.tag, request.biz_date));
  }
  return Run(def.definition, def.version, request, control, nullptr);
}

Result<ProduceResult> TagProducer::PushValues(std::string_view tag, Days date, const ValuePush& push,
                                              std::string_view principal) {
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, catalog_->Get(tag));
  if (entry.definition.producer != ProducerKind::kExternal) {
    return Status::FailedPrecondition(fmt::format("tag '{}' has producer '{}'; only external tags take pushed values", tag,
                                                  ProducerKindName(entry.definition.producer)));
  }
  ProduceRequest request;
  request.tag = std::string(tag);
  request.biz_date = date;
  request.trigger = RunTrigger::kPush;
  request.requested_by = std::string(principal);
  return Run(entry.definition, entry.version, request, {}, &push);
}

Result<ProduceResult> TagProducer::Run(const TagDefinition& def, int64_t definition_version,
                                       const ProduceRequest& request, const RunControl& given_control,
                                       const ValuePush* push) {
  Clock::time_point start = Clock::now();
  ProduceResult result;
  result.definition_version = definition_version;
  result.run_id = request.run_id;
  if (result.run_id == 0) {
    RunRecord record;
    record.tag = def.name;
    record.biz_date = request.biz_date;
    record.definition_version = definition_version;
    record.trigger = request.trigger;
    record.attempt = request.attempt;
    record.requested_by = request.requested_by;
    TAGLOOP_ASSIGN_OR_RETURN(result.run_id, runs_->Enqueue(record));
  }
  TAGLOOP_RETURN_IF_ERROR(runs_->MarkRunning(result.run_id, request.attempt));

  RunControl control = given_control;
  if (!control.deadline) {
    int64_t timeout = def.producer_config.value("timeout_seconds", int64_t{0});
    control.deadline = start + (timeout > 0 ? std::chrono::seconds(timeout) : options_.default_timeout);
  }
  std::string log;
  RunLog say(&log);
  say("{} run of '{}' for {} (definition v{}, attempt {})", RunTriggerName(request.trigger), def.name,
      FormatDate(request.biz_date), definition_version, request.attempt);

  Fetched fetched;
  Status status;
  if (push != nullptr) {
    // Pushes read the previous version and write in one turn, so two pushes
    // to one tag never lose each other's values.
    std::lock_guard lock(write_mu_);
    status = [&]() -> Status {
      TAGLOOP_RETURN_IF_ERROR(store_->Refresh());
      std::shared_ptr<const Snapshot> snap = store_->snapshot();
      fetched.rows = std::make_unique<RowCollector>(def.type);
      TAGLOOP_RETURN_IF_ERROR(fetched.rows->Begin(2));
      std::unordered_set<std::string_view> dropped(push->unset.begin(), push->unset.end());
      if (def.type.kind != TagKind::kSet) {
        for (const auto& [user, value] : push->set) dropped.insert(user);
      }
      if (!push->replace && snap->FindTag(def.name) != nullptr) {
        TAGLOOP_ASSIGN_OR_RETURN(std::shared_ptr<const TagVersion> previous, snap->VersionAsOf(def.name, request.biz_date));
        if (previous) {
          TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dict, snap->dictionary());
          std::vector<std::string> values;
          roaring_uint32_iterator_t* it = roaring_create_iterator(previous->exists());
          for (; it->has_value; roaring_advance_uint32_iterator(it)) {
            std::string_view id = dict->ExternalId(it->current_value);
            if (dropped.count(id) != 0) continue;
            previous->ValuesOf(it->current_value, &values);
            for (const std::string& v : values) {
              Status added = fetched.rows->AddRow(id, v, false);
              if (!added.ok()) {
                roaring_free_uint32_iterator(it);
                return added;
              }
            }
          }
          roaring_free_uint32_iterator(it);
        }
      }
      for (const auto& [user, value] : push->set) TAGLOOP_RETURN_IF_ERROR(fetched.rows->AddRow(user, value, false));
      say("pushed: {} values set, {} users unset{}; {} rows in the new version", push->set.size(), push->unset.size(),
          push->replace ? " (replacing the version)" : "", fetched.rows->rows());
      result.fetch_seconds = SecondsSince(start);
      return Write(def, request.biz_date, fetched, result.run_id, control, &result, &log);
    }();
  } else {
    status = Fetch(def, request.biz_date, control, &fetched, &log);
    result.fetch_seconds = SecondsSince(start);
    if (status.ok()) {
      say("fetched in {:.2f}s", result.fetch_seconds);
      std::lock_guard lock(write_mu_);
      status = Write(def, request.biz_date, fetched, result.run_id, control, &result, &log);
    }
  }
  result.seconds = SecondsSince(start);
  result.write_seconds = result.seconds - result.fetch_seconds;
  if (fetched.rows) result.rows = fetched.rows->rows();
  if (status.ok()) {
    result.state = RunState::kSucceeded;
    say("published {} users in {:.2f}s", result.users, result.seconds);
  } else if (result.state != RunState::kRejected) {
    result.state = status.code() == Status::Code::kCancelled ? RunState::kCancelled : RunState::kFailed;
    say("{}: {}", RunStateName(result.state), status.ToString());
  }
  result.error = status;
  TAGLOOP_RETURN_IF_ERROR(runs_->Finish(result.run_id, result.state, result.rows, result.users,
                                        status.ok() ? std::string() : status.ToString(), log));
  return result;
}

Status TagProducer::Fetch(const TagDefinition& def, Days date, const RunControl& control, Fetched* out,
                          std::string* log) {
  RunLog say(log);
  // The store keeps one type per tag: a definition that changed it cannot
  // write there (fail before a long query, not after).
  if (const TagInfo* info = store_->snapshot()->FindTag(def.name); info != nullptr && info->type != def.type) {
    return Status::InvalidArgument(fmt::format("tag '{}' holds {} data; a {} definition cannot write to it (define a "
                                               "new tag for the new type)",
                                               def.name, info->type.ToString(), def.type.ToString()));
  }
  switch (def.producer) {
    case ProducerKind::kSql: {
      std::string source_name = ConfigString(def, "source");
      std::string query = ConfigString(def, "query");
      if (source_name.empty() || query.empty()) {
        return Status::InvalidArgument("producer: a sql tag needs \"source\" and \"query\"");
      }
      TAGLOOP_ASSIGN_OR_RETURN(SourceSpec config, sources_->Get(source_name));
      TAGLOOP_ASSIGN_OR_RETURN(std::string sql, ExpandSqlTemplate(query, date));
      say("query on {}", DescribeSource(config));
      TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, OpenSource(config, store_->dir()));
      if (std::string freshness = ConfigString(def, "freshness_query"); !freshness.empty()) {
        TAGLOOP_ASSIGN_OR_RETURN(QualityCheck check, CheckSourceFreshness(def, *source, freshness, date, control));
        say("source freshness: {}", check.message);
        out->source_checks.push_back(std::move(check));
      }
      out->rows = std::make_unique<RowCollector>(def.type);
      TAGLOOP_RETURN_IF_ERROR(source->Query(sql, *out->rows, control));
      say("{} rows ({} with a NULL value)", out->rows->rows(), out->rows->null_rows());
      return Status::Ok();
    }
    case ProducerKind::kList: {
      std::string file = ConfigString(def, "file");
      if (file.empty()) return Status::InvalidArgument("producer: a list tag needs \"file\" (an uploaded list)");
      out->rows = std::make_unique<RowCollector>(def.type);
      TAGLOOP_RETURN_IF_ERROR(ReadListFile(store_->dir() + "/" + file, *out->rows));
      say("list {}: {} rows", file, out->rows->rows());
      return Status::Ok();
    }
    case ProducerKind::kComposite: {
      TAGLOOP_ASSIGN_OR_RETURN(CompositeSpec spec, ParseCompositeSpec(def.type, def.producer_config));
      TAGLOOP_RETURN_IF_ERROR(store_->Refresh());
      std::shared_ptr<const Snapshot> snap = store_->snapshot();
      SegmentQueryOptions options;
      options.as_of = date;
      options.segments = segments_;
      TAGLOOP_ASSIGN_OR_RETURN(out->content, BuildComposite(*snap, spec, date, options));
      if (options_.usage != nullptr) {
        TAGLOOP_ASSIGN_OR_RETURN(SegmentReferences refs, CompositeReferences(*snap, spec, options));
        for (const std::string& input : refs.tags) options_.usage->Record(input, "composite", def.name);
      }
      return Status::Ok();
    }
    case ProducerKind::kRealtime:
    case ProducerKind::kBehavior: {
      if (options_.event_log == nullptr) {
        return Status::FailedPrecondition(fmt::format("tag '{}' reads events, but no event log is open", def.name));
      }
      TAGLOOP_ASSIGN_OR_RETURN(events::EventRule rule,
                               events::ParseEventRule(def.producer_config, def.type,
                                                      def.producer == ProducerKind::kRealtime, options_.event_types));
      out->rows = std::make_unique<RowCollector>(def.type);
      TAGLOOP_ASSIGN_OR_RETURN(EventTagRun run, EvaluateEventTag(*options_.event_log, rule, def.type, date,
                                                                 options_.utc_offset_minutes, *out->rows, control));
      say("{} rule over the event log, days {} to {}: {} events, {} users with a value",
          events::RuleKindName(rule.kind), FormatDate(run.first_day), FormatDate(run.last_day), run.events_read,
          run.users);
      return Status::Ok();
    }
    case ProducerKind::kExternal:
      return Status::FailedPrecondition(fmt::format(
          "tag '{}' is external: its values are pushed through the API (POST /api/v1/catalog/tags/{}/values)",
          def.name, def.name));
    case ProducerKind::kImport:
      return Status::FailedPrecondition(
          fmt::format("tag '{}' is written by CSV imports (tagloop import); it has no producer to run", def.name));
  }
  return Status::Internal("unknown producer kind");
}

// The source's newest data must be recent enough: within the rules'
// max_staleness_seconds of now when set, else at least as new as the end of
// the business date being produced (the source has caught up through it).
Result<QualityCheck> TagProducer::CheckSourceFreshness(const TagDefinition& def, Source& source,
                                                       const std::string& query, Days date,
                                                       const RunControl& control) {
  TAGLOOP_ASSIGN_OR_RETURN(std::string sql, ExpandSqlTemplate(query, date));
  FirstValueSink sink;
  Status ran = source.Query(sql, sink, control);
  if (!ran.ok()) return ran;  // the source names itself in its errors
  if (!sink.value) return Status::InvalidArgument("freshness_query returned no row (or NULL)");
  TAGLOOP_ASSIGN_OR_RETURN(int64_t newest, ParseFreshness(*sink.value, options_.utc_offset_minutes));
  TAGLOOP_ASSIGN_OR_RETURN(QualityRules rules, ApplyQualityOverrides(options_.default_quality, def.quality));
  const int64_t now = options_.clock->NowUnixSeconds();
  QualityCheck check;
  check.name = "source_fresh";
  check.observed = static_cast<double>(newest);
  if (rules.max_staleness_seconds > 0) {
    check.bound = static_cast<double>(now - rules.max_staleness_seconds);
    check.passed = now - newest <= rules.max_staleness_seconds;
    check.message = fmt::format("newest source data '{}' is {} s old (at most {} s allowed)", *sink.value,
                                now - newest, rules.max_staleness_seconds);
  } else {
    int64_t end_of_date = (int64_t{date} + 1) * 86400 - int64_t{options_.utc_offset_minutes} * 60;
    check.bound = static_cast<double>(end_of_date);
    check.passed = newest >= end_of_date;
    check.message = fmt::format("newest source data '{}' {} the end of {}", *sink.value,
                                check.passed ? "reaches" : "does not reach", FormatDate(date));
  }
  return check;
}

Status TagProducer::Write(const TagDefinition& def, Days date, Fetched& fetched, int64_t run_id,
                          const RunControl& control, ProduceResult* result, std::string* log) {
  RunLog say(log);
  // Another process (an import, the CLI) may hold the store's write lock: wait for it.
  Clock::time_point give_up = Clock::now() + options_.lock_wait;
  std::unique_ptr<StoreWriter> writer;
  for (;;) {
    if (control.cancel != nullptr && control.cancel->load()) return Status::Cancelled("cancelled");
    Result<std::unique_ptr<StoreWriter>> begun = store_->BeginWrite();
    if (begun.ok()) {
      writer = std::move(begun).value();
      break;
    }
    if (begun.status().code() != Status::Code::kFailedPrecondition || Clock::now() > give_up) return begun.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  unsigned threads = options_.threads != 0 ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
  TagVersionContent content;
  if (fetched.content) {
    content = std::move(*fetched.content);
  } else {
    TAGLOOP_ASSIGN_OR_RETURN(content, fetched.rows->Finish(*writer, date, threads));
  }

  // Quality: against the newest version before this date.
  const Snapshot& base = writer->base();
  std::shared_ptr<const TagVersion> previous;
  if (const TagInfo* info = base.FindTag(def.name); info != nullptr && date > 0) {
    TAGLOOP_ASSIGN_OR_RETURN(previous, base.VersionAsOf(def.name, date - 1));
  }
  std::optional<VersionStats> previous_stats;
  if (previous) {
    TAGLOOP_ASSIGN_OR_RETURN(previous_stats, StatsOf(*previous, base.universe_size()));
  }
  uint64_t universe = base.universe_size() + (writer->user_count() - base.user_count());
  VersionStats next = StatsOf(content, universe, previous_stats ? &*previous_stats : nullptr);
  result->users = next.users;
  TAGLOOP_ASSIGN_OR_RETURN(QualityRules rules, ApplyQualityOverrides(options_.default_quality, def.quality));
  result->checks = fetched.source_checks;
  for (QualityCheck& c : CheckVersion(next, previous_stats ? &*previous_stats : nullptr, rules)) {
    result->checks.push_back(std::move(c));
  }
  std::vector<QualityRecord> records;
  for (const QualityCheck& c : result->checks) {
    records.push_back(QualityRecord{c.name, c.passed, c.observed, c.bound, c.message});
    say("quality {}: {} ({})", c.name, c.passed ? "passed" : "FAILED", c.message);
  }
  TAGLOOP_RETURN_IF_ERROR(runs_->RecordQuality(run_id, def.name, date, records));
  if (!AllPassed(result->checks)) {
    result->state = RunState::kRejected;
    std::string why = FailedChecks(result->checks);
    if (options_.alerts != nullptr) {
      nlohmann::json checks = nlohmann::json::array();
      for (const QualityCheck& c : result->checks) {
        checks.push_back({{"check", c.name}, {"passed", c.passed}, {"observed", c.observed}, {"bound", c.bound},
                          {"message", c.message}});
      }
      options_.alerts->Send(Alert{"quality_rejected", def.name,
                                  fmt::format("tag '{}' for {}: the new version was not published: {}", def.name,
                                              FormatDate(date), why),
                                  {{"run_id", run_id}, {"biz_date", FormatDate(date)}, {"checks", checks}},
                                  options_.clock->NowUnixMillis()});
    }
    return Status::FailedPrecondition(fmt::format("quality check failed, the previous version keeps serving: {}", why));
  }

  TAGLOOP_RETURN_IF_ERROR(writer->PutVersion(def.name, std::move(content)));
  if (def.retention.keep_days > 0 || def.retention.keep_versions > 0) {
    Days before = def.retention.keep_days > 0 ? date - def.retention.keep_days : date + 1;
    TAGLOOP_ASSIGN_OR_RETURN(size_t dropped,
                             writer->ApplyRetention(def.name, before, static_cast<size_t>(def.retention.keep_versions)));
    if (dropped > 0) say("retention: {} old versions dropped", dropped);
  }
  TAGLOOP_RETURN_IF_ERROR(writer->Commit());
  result->generation = store_->snapshot()->generation();
  return runs_->RecordDataVersion(def.name, DataVersionOrigin{date, result->definition_version, run_id, 0});
}

}  // namespace tagloop
