#include "produce/definition_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>

#include "events/event_rule.h"
#include "produce/composite.h"
#include "produce/cron.h"
#include "produce/dependency_graph.h"
#include "segment/segment.h"
#include "source/sql_template.h"

namespace tagloop {

namespace {

// A problem with a definition: "FIELD: WHAT" (the public message adds
// "tag definition: " in front).
Status Problem(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(fmt::format("{}: {}", field, what));
}

// Whether `st` is a refusal of the definition rather than a failure to read
// what the check needs.
bool IsProblem(const Status& st) {
  return st.code() == Status::Code::kInvalidArgument || st.code() == Status::Code::kFailedPrecondition;
}

std::string WithHint(std::string what, std::string_view hint) {
  if (!hint.empty()) what += fmt::format(" ({})", hint);
  return what;
}

Status CheckProducerKeys(const TagDefinition& def, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : def.producer_config.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list = "kind";
    for (std::string_view k : known) list += ", " + std::string(k);
    return Problem(fmt::format("producer.{}", key), fmt::format("unknown field for a {} producer (known: {})",
                                                                ProducerKindName(def.producer), list));
  }
  if (auto it = def.producer_config.find("timeout_seconds"); it != def.producer_config.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 86'400) {
      return Problem("producer.timeout_seconds", "must be a whole number of seconds from 1 to 86400");
    }
  }
  return Status::Ok();
}

// A non-empty string setting of the producer, or "" when absent.
Result<std::string> ProducerString(const TagDefinition& def, const char* key, bool required) {
  auto it = def.producer_config.find(key);
  if (it == def.producer_config.end() || it->is_null()) {
    if (required) return Problem(fmt::format("producer.{}", key), "is required");
    return std::string();
  }
  if (!it->is_string() || it->get<std::string>().empty()) {
    return Problem(fmt::format("producer.{}", key), "must be a non-empty string");
  }
  return it->get<std::string>();
}

Status CheckSql(const DefinitionCheckContext& ctx, const TagDefinition& def) {
  TAGLOOP_RETURN_IF_ERROR(CheckProducerKeys(def, {"source", "query", "freshness_query", "timeout_seconds"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string source, ProducerString(def, "source", true));
  TAGLOOP_ASSIGN_OR_RETURN(std::string query, ProducerString(def, "query", true));
  TAGLOOP_ASSIGN_OR_RETURN(std::string freshness, ProducerString(def, "freshness_query", false));
  if (!ctx.source_exists) return Status::Internal("definition check: no way to look up sources was given");
  TAGLOOP_ASSIGN_OR_RETURN(bool exists, ctx.source_exists(source));
  if (!exists) {
    return Problem("producer.source", WithHint(fmt::format("no source '{}'", source), ctx.hints.sources));
  }
  // The templates expand the same way for every date: today stands for all.
  Result<std::string> expanded = ExpandSqlTemplate(query, ctx.today);
  if (!expanded.ok()) return Problem("producer.query", expanded.status().message());
  if (!freshness.empty()) {
    expanded = ExpandSqlTemplate(freshness, ctx.today);
    if (!expanded.ok()) return Problem("producer.freshness_query", expanded.status().message());
  }
  return Status::Ok();
}

Status CheckList(const DefinitionCheckContext& ctx, const TagDefinition& def) {
  TAGLOOP_RETURN_IF_ERROR(CheckProducerKeys(def, {"file", "timeout_seconds"}));
  // No file yet: it is uploaded next (the API's list upload).
  TAGLOOP_ASSIGN_OR_RETURN(std::string file, ProducerString(def, "file", false));
  if (file.empty()) return Status::Ok();
  if (!file.starts_with("lists/") || file.find("..") != std::string::npos ||
      file.find('/', 6) != std::string::npos) {
    return Problem("producer.file", fmt::format("'{}' is not an uploaded list (lists/NAME.txt)", file));
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::path(ctx.data_dir) / file, ec)) {
    std::string hint = ctx.hints.list_upload;
    if (size_t at = hint.find("{tag}"); at != std::string::npos) hint.replace(at, 5, def.name);
    return Problem("producer.file", WithHint(fmt::format("'{}' does not exist", file), hint));
  }
  return Status::Ok();
}

// The composite's inputs (its tags, saved segments expanded) when its
// expressions bind on `snap`.
Result<std::vector<std::string>> CheckComposite(const DefinitionCheckContext& ctx, const Snapshot& snap,
                                                const TagDefinition& def) {
  Result<CompositeSpec> spec = ParseCompositeSpec(def.type, def.producer_config);
  if (!spec.ok()) return spec.status().WithPrefix("producer");
  SegmentQueryOptions options;
  options.as_of = ctx.today;
  options.segments = ctx.segments;
  options.tag_access = ctx.tag_access;
  Result<SegmentReferences> refs = CompositeReferences(snap, *spec, options);
  if (refs.ok()) return std::move(refs->tags);
  const Status& st = refs.status();
  if (!IsProblem(st)) return st;
  // "expression: ..." or "rules[1].when: ..." is a field of the producer;
  // the expression's position and the reason (unknown_tag ...) stay.
  Status problem = Status::InvalidArgument("producer." + st.message(), st.position());
  return st.reason() == ErrorReason::kNone ? problem : problem.With(st.reason(), st.reason_args());
}

Status CheckEventRule(const DefinitionCheckContext& ctx, const TagDefinition& def) {
  Result<events::EventRule> rule = events::ParseEventRule(
      def.producer_config, def.type, def.producer == ProducerKind::kRealtime, ctx.event_types);
  return rule.status();  // already "producer.FIELD: WHAT"
}

// Everything about one definition but cycles. `inputs` receives a
// composite's inputs when it binds.
Status CheckOne(const DefinitionCheckContext& ctx, const Snapshot& stored, const Snapshot& readable,
                const TagDefinition& def, std::optional<std::vector<std::string>>* inputs) {
  if (const TagInfo* info = stored.FindTag(def.name); info != nullptr && info->type != def.type) {
    return Status::FailedPrecondition(
        fmt::format("type: tag '{}' has data of type {}; its type cannot change to {} (define a new tag)",
                    def.name, info->type.ToString(), def.type.ToString()));
  }
  switch (def.producer) {
    case ProducerKind::kSql: TAGLOOP_RETURN_IF_ERROR(CheckSql(ctx, def)); break;
    case ProducerKind::kList: TAGLOOP_RETURN_IF_ERROR(CheckList(ctx, def)); break;
    case ProducerKind::kComposite: {
      TAGLOOP_ASSIGN_OR_RETURN(std::vector<std::string> read, CheckComposite(ctx, readable, def));
      *inputs = std::move(read);
      break;
    }
    case ProducerKind::kRealtime:
    case ProducerKind::kBehavior: TAGLOOP_RETURN_IF_ERROR(CheckEventRule(ctx, def)); break;
    case ProducerKind::kExternal:
    case ProducerKind::kImport: TAGLOOP_RETURN_IF_ERROR(CheckProducerKeys(def, {})); break;
  }
  if (!def.schedule.empty()) {
    if (def.producer == ProducerKind::kExternal) {
      return Problem("schedule", "external tags get their values pushed and cannot have a schedule");
    }
    Result<CronSchedule> cron = CronSchedule::Parse(def.schedule);
    if (!cron.ok()) return Problem("schedule", cron.status().message());
  }
  Result<QualityRules> rules = ApplyQualityOverrides(ctx.default_quality, def.quality);
  if (!rules.ok()) return Problem("quality", rules.status().message());
  return Status::Ok();
}

DefinitionProblem MakeProblem(size_t index, const Status& st) {
  // Every problem's message is "FIELD: WHAT" (see Problem and the rule and
  // composite errors it passes on).
  const std::string& message = st.message();
  size_t colon = message.find(": ");
  DefinitionProblem p;
  p.index = index;
  if (colon == std::string::npos) {
    p.error = {"", message};
  } else {
    p.error = {message.substr(0, colon), message.substr(colon + 2)};
  }
  p.status = st.WithPrefix("tag definition");
  return p;
}

}  // namespace

Result<std::vector<DefinitionProblem>> CheckDefinitions(const DefinitionCheckContext& ctx,
                                                        std::span<const TagDefinition> batch) {
  if (ctx.catalog == nullptr) return Status::Internal("definition check: no catalog was given");
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<TagEntry> entries, ctx.catalog->List(/*include_offline=*/true));

  // The batch replaces the catalog's definitions of the same names.
  std::map<std::string, const TagDefinition*, std::less<>> in_batch;
  for (const TagDefinition& d : batch) in_batch.emplace(d.name, &d);
  std::vector<std::pair<std::string, TagType>> declared;
  for (const TagEntry& e : entries) {
    if (!in_batch.contains(e.definition.name)) declared.emplace_back(e.definition.name, e.definition.type);
  }
  for (const TagDefinition& d : batch) declared.emplace_back(d.name, d.type);
  // What the definitions will be produced over: the store's tags, and the
  // defined ones that have no data yet (typed by their definitions).
  std::shared_ptr<const Snapshot> stored =
      ctx.snapshot ? ctx.snapshot : Snapshot::WithDeclaredTags(nullptr, {});
  std::shared_ptr<const Snapshot> defined = Snapshot::WithDeclaredTags(ctx.snapshot, declared);
  const Snapshot& readable = ctx.inputs_may_lack_data ? *defined : *stored;

  std::vector<DefinitionProblem> problems;
  std::vector<std::optional<std::vector<std::string>>> inputs(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    Status st = CheckOne(ctx, *stored, readable, batch[i], &inputs[i]);
    if (st.ok()) continue;
    if (!IsProblem(st)) return st;
    problems.push_back(MakeProblem(i, st));
  }

  // The composite graph as it would be: the catalog's composites (over
  // defined tags, so edges to tags without data count) with the batch's
  // definitions in place of theirs. A stored definition that no longer
  // binds has no edges: it cannot close a cycle until it binds again.
  DependencyGraph graph;
  SegmentQueryOptions options;
  options.as_of = ctx.today;
  options.segments = ctx.segments;
  for (const TagEntry& e : entries) {
    const TagDefinition& d = e.definition;
    if (d.producer != ProducerKind::kComposite || in_batch.contains(d.name)) continue;
    Result<CompositeSpec> spec = ParseCompositeSpec(d.type, d.producer_config);
    if (!spec.ok()) continue;
    Result<SegmentReferences> refs = CompositeReferences(*defined, *spec, options);
    if (refs.ok()) graph.SetInputs(d.name, refs->tags);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (inputs[i]) graph.SetInputs(batch[i].name, *inputs[i]);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!inputs[i]) continue;
    Status st = graph.WouldCreateCycle(batch[i].name, *inputs[i]);
    if (st.ok()) continue;
    DefinitionProblem cycle;
    cycle.index = i;
    cycle.error = {"producer", st.message()};
    cycle.status = std::move(st);
    // The producer is checked before the schedule and the quality rules: a
    // cycle is the first problem of its definition.
    auto at = std::lower_bound(problems.begin(), problems.end(), i,
                               [](const DefinitionProblem& p, size_t index) { return p.index < index; });
    if (at != problems.end() && at->index == i) {
      *at = std::move(cycle);
    } else {
      problems.insert(at, std::move(cycle));
    }
  }
  return problems;
}

Status CheckDefinition(const DefinitionCheckContext& context, const TagDefinition& definition) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<DefinitionProblem> problems,
                           CheckDefinitions(context, std::span<const TagDefinition>(&definition, 1)));
  return problems.empty() ? Status::Ok() : problems.front().status;
}

}  // namespace tagloop
