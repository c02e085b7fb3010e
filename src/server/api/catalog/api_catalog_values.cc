// Data that arrives through the API rather than from a source: values pushed
// to external tags (POST /catalog/tags/{name}/values) and the uploaded file
// of a list tag (PUT /catalog/tags/{name}/list). Both write the store, so
// they run on the blocking pool.
#include <fmt/format.h>

#include <chrono>

#include "produce/list_file.h"
#include "server/api/catalog/api_catalog.h"
#include "server/api/api_routes.h"

namespace tagloop {

namespace {

using namespace catalog_api;

// Values set plus users unset in one push (the body is also bounded by
// max_body_bytes): larger changes belong in a list or SQL tag.
constexpr size_t kMaxPushItems = 100'000;
constexpr auto kListRunWait = std::chrono::seconds(60);

// A pushed value as the text the CSV import would read.
Result<std::string> ValueText(const nlohmann::json& v, std::string_view where) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return v.dump();  // decimals are exact only as strings: "12.50"
  return Status::InvalidArgument(fmt::format(
      "{}.value must be a string, number or boolean (an array for set tags; to remove a value use "
      "\"unset\")",
      where));
}

Result<ValuePush> ParsePush(const nlohmann::json& body, const TagType& type, std::optional<Days>* date) {
  for (const auto& [key, value] : body.items()) {
    if (key != "date" && key != "set" && key != "unset" && key != "replace") {
      return Status::InvalidArgument(
          fmt::format("unknown field '{}' (expected: date, set, unset, replace)", key));
    }
  }
  ValuePush push;
  if (auto it = body.find("date"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return Status::InvalidArgument("field 'date' must be a string (YYYY-MM-DD)");
    Result<Days> d = ParseDate(it->get<std::string>());
    if (!d.ok()) return Status::InvalidArgument("field 'date': " + d.status().message());
    *date = *d;
  }
  if (auto it = body.find("replace"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return Status::InvalidArgument("field 'replace' must be a boolean");
    push.replace = it->get<bool>();
  }
  if (auto it = body.find("set"); it != body.end() && !it->is_null()) {
    if (!it->is_array())
      return Status::InvalidArgument("field 'set' must be an array of {\"user\", \"value\"}");
    for (size_t i = 0; i < it->size(); ++i) {
      const nlohmann::json& item = (*it)[i];
      std::string where = fmt::format("set[{}]", i);
      if (!item.is_object() || item.size() != 2 || !item.contains("user") || !item.contains("value")) {
        return Status::InvalidArgument(where + " must be {\"user\": ID, \"value\": VALUE}");
      }
      const nlohmann::json& user = item["user"];
      if (!user.is_string() || user.get<std::string>().empty()) {
        return Status::InvalidArgument(where + ".user must be a non-empty string");
      }
      const nlohmann::json& value = item["value"];
      if (value.is_array()) {
        if (type.kind != TagKind::kSet)
          return Status::InvalidArgument(where + ".value: only set tags take arrays");
        for (const nlohmann::json& v : value) {
          TAGLOOP_ASSIGN_OR_RETURN(std::string text, ValueText(v, where));
          push.set.emplace_back(user.get<std::string>(), std::move(text));
        }
      } else {
        TAGLOOP_ASSIGN_OR_RETURN(std::string text, ValueText(value, where));
        push.set.emplace_back(user.get<std::string>(), std::move(text));
      }
    }
  }
  if (auto it = body.find("unset"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) return Status::InvalidArgument("field 'unset' must be an array of user ids");
    for (size_t i = 0; i < it->size(); ++i) {
      const nlohmann::json& user = (*it)[i];
      if (!user.is_string() || user.get<std::string>().empty()) {
        return Status::InvalidArgument(fmt::format("unset[{}] must be a non-empty string", i));
      }
      push.unset.push_back(user.get<std::string>());
    }
  }
  if (push.set.size() + push.unset.size() > kMaxPushItems) {
    return Status::InvalidArgument(fmt::format("at most {} values and users per push ({} given)",
                                               kMaxPushItems, push.set.size() + push.unset.size()));
  }
  if (push.set.empty() && push.unset.empty() && !push.replace) {
    return Status::InvalidArgument("nothing to push: give \"set\" and/or \"unset\" (or \"replace\": true)");
  }
  return push;
}

Json ChecksJson(const std::vector<QualityCheck>& checks) {
  Json list = Json::array();
  for (const QualityCheck& c : checks) {
    list.push_back({{"check", c.name},
                    {"passed", c.passed},
                    {"observed", c.observed},
                    {"bound", c.bound},
                    {"message", c.message}});
  }
  return list;
}

Result<HttpResponse> PushValues(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, DefinedEntry(ctx, name));
  if (entry.status == TagStatus::kOffline) {
    return Status::FailedPrecondition(
        fmt::format("tag '{}' is offline; restore it before pushing values", name));
  }
  if (entry.definition.producer != ProducerKind::kExternal) {
    return Status::FailedPrecondition(
        fmt::format("tag '{}' has producer '{}'; only external tags take pushed values", name,
                    ProducerKindName(entry.definition.producer)));
  }
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(call.request->body));
  std::optional<Days> date;
  TAGLOOP_ASSIGN_OR_RETURN(ValuePush push, ParsePush(body, entry.definition.type, &date));
  Days day =
      date.value_or(ctx.production->scheduler().BizDateFor(entry.definition, ctx.env->NowUnixSeconds()));
  TAGLOOP_ASSIGN_OR_RETURN(ProduceResult result,
                           ctx.production->producer().PushValues(name, day, push, call.principal.name));
  // A push that did not publish (bad values, a failed quality check) is the
  // caller's error; the run history keeps the details.
  if (result.state != RunState::kSucceeded) {
    if (!result.error.ok()) return result.error;
    return Status::FailedPrecondition(fmt::format("push {} {}", result.run_id, RunStateName(result.state)));
  }
  AuditCatalog(ctx, call, audit::kPush, name, static_cast<int64_t>(push.set.size() + push.unset.size()),
               fmt::format("date={} set={} unset={} replace={} run={}", FormatDate(day), push.set.size(),
                           push.unset.size(), push.replace, result.run_id));
  return JsonResponse({{"tag", name},
                       {"date", FormatDate(day)},
                       {"run_id", result.run_id},
                       {"state", RunStateName(result.state)},
                       {"rows", result.rows},
                       {"users", result.users},
                       {"generation", result.generation},
                       {"checks", ChecksJson(result.checks)}});
}

// Counts the rows of a list (ReadListBytes checks every line).
class CountingSink final : public RowSink {
 public:
  Status Begin(int) override { return Status::Ok(); }
  Status Rows(std::span<const SourceRow> rows) override {
    count += rows.size();
    return Status::Ok();
  }
  uint64_t count = 0;
};

Result<HttpResponse> UploadList(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(bool run, QueryBool(call, "run"));
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, DefinedEntry(ctx, name));
  if (entry.definition.producer != ProducerKind::kList) {
    return Status::FailedPrecondition(fmt::format("tag '{}' has producer '{}'; only list tags take uploaded lists",
                                                  name, ProducerKindName(entry.definition.producer)));
  }
  if (run && entry.status == TagStatus::kOffline) {
    return Status::FailedPrecondition(
        fmt::format("tag '{}' is offline and does not produce; restore it first", name));
  }
  CountingSink rows;
  TAGLOOP_RETURN_IF_ERROR(ReadListBytes(call.request->body, "upload", rows));
  TAGLOOP_ASSIGN_OR_RETURN(std::string file,
                           StoreListFile(ctx.workspace->store().dir(), name, call.request->body, ctx.env));
  TagDefinition def = entry.definition;
  def.producer_config["file"] = file;
  TAGLOOP_ASSIGN_OR_RETURN(ApplyOutcome out, ctx.workspace->catalog().Apply(def, call.principal.name));
  if (out.change != ApplyOutcome::Change::kUnchanged) {
    AuditCatalog(ctx, call, audit::kListUpload, name, static_cast<int64_t>(rows.count),
                 fmt::format("file={} v{}", file, out.version));
    RefreshCatalog(ctx);
  }
  Json answer = {{"name", name},
                 {"change", ApplyChangeName(out.change)},
                 {"version", out.version},
                 {"file", file},
                 {"rows", rows.count}};
  if (!run) return JsonResponse(answer);
  Scheduler& scheduler = ctx.production->scheduler();
  JobRequest job;
  job.tag = name;
  job.biz_date = scheduler.BizDateFor(def, ctx.env->NowUnixSeconds());
  job.definition_version = out.version;
  job.trigger = RunTrigger::kManual;
  job.requested_by = call.principal.name;
  TAGLOOP_ASSIGN_OR_RETURN(int64_t run_id, scheduler.Enqueue(job));
  AuditCatalog(ctx, call, audit::kRun, name, 1,
               fmt::format("run {} for {} (manual, after a list upload)", run_id, FormatDate(job.biz_date)));
  TAGLOOP_ASSIGN_OR_RETURN(RunRecord record, scheduler.Wait(run_id, kListRunWait));
  answer["run"] = RunJson(record, true);
  return JsonResponse(answer, IsFinished(record.state) ? 200 : 202);
}

}  // namespace

void AddCatalogValueRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/catalog/tags/{name}/values", Role::kOperator, PushValues,
                        ApiBodyKind::kJson, {},
                        /*blocking=*/true));
  router.Add(ApiV1Route("PUT", "/catalog/tags/{name}/list", Role::kOperator, UploadList, ApiBodyKind::kCsv,
                        {"run"},
                        /*blocking=*/true));
}

}  // namespace tagloop
