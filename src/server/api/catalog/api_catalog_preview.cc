// POST /catalog/preview (operator): what a SQL tag's query would produce,
// before the tag is saved: the first rows, and a dry-run count of the rows,
// the distinct users and how many of them the store knows. The web UI's tag
// editor shows it next to the query.
//
//   {"source": "shop", "query": "SELECT member_id, level FROM members WHERE dt = '{{biz_date}}'",
//    "biz_date": "2026-11-24", "rows": 20}
//   -> {"columns": 2, "rows": [["m1", "gold"], ["m2", null]], "rows_total": 20000, "users": 19998,
//       "known_users": 19990, "biz_date": "2026-11-24", "query": "<expanded>", "elapsed_ms": 35.2}
//
// The query runs read-only like a production run (source.h), with a 60 s
// deadline; errors are the source's ("source 'shop': no such table: ...").
#include <fmt/format.h>

#include <chrono>
#include <unordered_set>

#include "server/api/catalog/api_catalog.h"
#include "server/api/api_error.h"
#include "server/api/api_routes.h"
#include "source/source.h"
#include "source/sql_template.h"

namespace tagloop {

namespace {

using namespace catalog_api;

constexpr std::chrono::seconds kPreviewDeadline{60};
constexpr uint64_t kMaxPreviewRows = 100;

// Keeps the first rows and counts all of them.
class PreviewSink final : public RowSink {
 public:
  PreviewSink(size_t keep, const UserDictionary* dictionary) : keep_(keep), dictionary_(dictionary) {}

  Status Begin(int columns) override {
    columns_ = columns;
    return Status::Ok();
  }
  Status Rows(std::span<const SourceRow> rows) override {
    for (const SourceRow& r : rows) {
      ++total_;
      if (shown_.size() < keep_) {
        Json row = Json::array({std::string(r.user_id)});
        if (columns_ > 1) row.push_back(r.value_null ? Json(nullptr) : Json(std::string(r.value)));
        shown_.push_back(std::move(row));
      }
      if (users_.emplace(r.user_id).second && dictionary_ && dictionary_->Find(r.user_id)) ++known_;
    }
    return Status::Ok();
  }

  int columns_ = 0;
  uint64_t total_ = 0;
  uint64_t known_ = 0;
  Json shown_ = Json::array();
  std::unordered_set<std::string> users_;

 private:
  size_t keep_;
  const UserDictionary* dictionary_;
};

Result<HttpResponse> Preview(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"source", "query", "biz_date", "rows"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string source_name, body.String("source"));
  TAGLOOP_ASSIGN_OR_RETURN(std::string query, body.String("query"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> biz_date, body.OptionalDate("biz_date"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<uint64_t> rows, body.OptionalUint("rows", kMaxPreviewRows));
  const Days date = biz_date.value_or(ctx.Today() - 1);

  Result<SourceSpec> record = ctx.workspace->sources().Get(source_name);
  if (!record.ok()) {
    return record.status().code() == Status::Code::kNotFound
               ? Status::InvalidArgument(fmt::format("source: no source '{}'", source_name))
               : record.status();
  }
  const SourceSpec& config = *record;
  Result<std::string> sql = ExpandSqlTemplate(query, date);
  if (!sql.ok()) return Status::InvalidArgument("query: " + sql.status().message());

  std::shared_ptr<const Snapshot> snap = ctx.workspace->store().snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snap->dictionary());
  PreviewSink sink(rows.value_or(20), dictionary);
  RunControl control;
  control.deadline = std::chrono::steady_clock::now() + kPreviewDeadline;
  const auto start = std::chrono::steady_clock::now();
  Status st = [&]() -> Status {
    TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, OpenSource(config, ctx.workspace->store().dir()));
    return source->Query(*sql, sink, control);
  }();
  if (!st.ok()) return st;  // the sources scrub the password from driver messages
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return JsonResponse({{"source", source_name},
                       {"biz_date", FormatDate(date)},
                       {"query", *sql},
                       {"columns", sink.columns_},
                       {"rows", std::move(sink.shown_)},
                       {"rows_total", sink.total_},
                       {"users", sink.users_.size()},
                       {"known_users", sink.known_},
                       {"elapsed_ms", ms}});
}

}  // namespace

void AddCatalogPreviewRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/catalog/preview", Role::kOperator, Preview, ApiBodyKind::kJson, {},
                        /*blocking=*/true));
}

}  // namespace tagloop
