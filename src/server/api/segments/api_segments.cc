// POST /segments/count and POST /segments/query (pages or a streamed export).
#include <fmt/format.h>

#include <chrono>

#include "segment/segment.h"
#include "server/api/api_context.h"
#include "server/api/api_json.h"
#include "server/api/api_routes.h"

namespace tagloop {

namespace {

constexpr uint64_t kDefaultPageSize = 1000;
constexpr uint64_t kMaxPageSize = 100'000;
constexpr size_t kStreamPieceBytes = 64 << 10;

int64_t MicrosSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
      .count();
}

// Cursors are opaque to clients: "u" + the last dense id returned, in hex.
std::string EncodeCursor(uint32_t last) { return fmt::format("u{:08x}", last); }
Result<uint32_t> DecodeCursor(std::string_view cursor) {
  if (cursor.size() != 9 || cursor[0] != 'u') return Status::InvalidArgument("invalid cursor");
  uint32_t v = 0;
  for (char c : cursor.substr(1)) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return Status::InvalidArgument("invalid cursor");
    v = v * 16 + static_cast<uint32_t>(d);
  }
  return v;
}

Result<HttpResponse> Count(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"expr", "as_of"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string expr, body.String("expr"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> as_of, body.OptionalDate("as_of"));
  auto snap = ctx.workspace->store().snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  SegmentQueryOptions options = QueryOptionsFor(ctx, call, as_of.value_or(ctx.Today()), &access);
  auto start = std::chrono::steady_clock::now();
  auto n = CountSegment(*snap, expr, options);
  int64_t micros = MicrosSince(start);
  ctx.metrics->RecordQuery(QueryKind::kCount, n.ok(), micros);
  if (!n.ok()) return n.status();
  RecordTagUse(ctx, call, *snap, expr, options, "count");
  return JsonResponse({{"count", *n}, {"as_of", FormatDate(options.as_of)}, {"elapsed_ms", micros / 1000.0}});
}

struct ExportState {
  std::shared_ptr<const Snapshot> snapshot;  // keeps the dictionary mapped
  const UserDictionary* dictionary = nullptr;
  Bitmap users;
  roaring_uint32_iterator_t it;
  uint64_t remaining = 0;  // ids still to send
  uint32_t batch[1024];
};

// NDJSON, one JSON string (an external id) per line, in dense-id order.
HttpResponse StreamIds(std::shared_ptr<ExportState> state) {
  HttpResponse r;
  r.content_type = "application/x-ndjson";
  r.stream = [state](std::string& out) {
    while (state->remaining > 0 && out.size() < kStreamPieceBytes) {
      uint32_t want = static_cast<uint32_t>(std::min<uint64_t>(state->remaining, std::size(state->batch)));
      uint32_t n = roaring_read_uint32_iterator(&state->it, state->batch, want);
      if (n == 0) {
        state->remaining = 0;
        break;
      }
      for (uint32_t i = 0; i < n; ++i) {
        AppendJsonString(out, state->dictionary->ExternalId(state->batch[i]));
        out.push_back('\n');
      }
      state->remaining -= n;
    }
    return state->remaining > 0;
  };
  return r;
}

Result<HttpResponse> Query(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(
      JsonBody body, JsonBody::Parse(call.request->body, {"expr", "as_of", "limit", "cursor", "stream"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string expr, body.String("expr"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> as_of, body.OptionalDate("as_of"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<uint64_t> limit, body.OptionalUint("limit", UINT64_MAX));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> cursor_text, body.OptionalString("cursor"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<bool> stream_flag, body.OptionalBool("stream"));
  bool stream = stream_flag.value_or(false) ||
                call.request->Header("accept").find("application/x-ndjson") != std::string_view::npos;
  if (!stream && limit && (*limit == 0 || *limit > kMaxPageSize)) {
    return Status::InvalidArgument(
        fmt::format("field 'limit' must be between 1 and {} (or stream the ids)", kMaxPageSize));
  }
  std::optional<uint32_t> after;
  if (cursor_text) {
    TAGLOOP_ASSIGN_OR_RETURN(after, DecodeCursor(*cursor_text));
  }

  auto state = std::make_shared<ExportState>();
  state->snapshot = ctx.workspace->store().snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  SegmentQueryOptions options = QueryOptionsFor(ctx, call, as_of.value_or(ctx.Today()), &access);
  auto start = std::chrono::steady_clock::now();
  auto users = EvaluateSegment(*state->snapshot, expr, options);
  ctx.metrics->RecordQuery(stream ? QueryKind::kExport : QueryKind::kQuery, users.ok(), MicrosSince(start));
  if (!users.ok()) return users.status();
  RecordTagUse(ctx, call, *state->snapshot, expr, options, stream ? "export" : "query");
  TAGLOOP_ASSIGN_OR_RETURN(state->dictionary, state->snapshot->dictionary());
  state->users = std::move(*users);
  uint64_t total = state->users.cardinality();
  roaring_init_iterator(state->users.get(), &state->it);
  if (after) {
    if (*after == UINT32_MAX || !roaring_move_uint32_iterator_equalorlarger(&state->it, *after + 1)) {
      state->it.has_value = false;
    }
  }
  uint64_t from =
      after ? (*after == UINT32_MAX ? total : roaring_bitmap_rank(state->users.get(), *after)) : 0;
  uint64_t available = total - std::min(total, from);

  if (stream) {
    state->remaining = limit && *limit > 0 ? std::min(*limit, available) : available;
    AuditEntry entry = AuditEntry::For(call.principal, audit_action::kSegmentsExport, expr,
                                       static_cast<int64_t>(state->remaining));
    entry.detail = fmt::format("as_of={}", FormatDate(options.as_of));
    if (Status st = RecordAudit(ctx, std::move(entry)); !st.ok()) return AuditUnavailable(st);
    return StreamIds(state);
  }

  // The page is written by hand: it may hold 100,000 ids.
  uint64_t page = limit.value_or(kDefaultPageSize);
  HttpResponse r;
  std::string& out = r.body;
  out.reserve(64 + page * 16);
  out += "{\"ids\":[";
  uint64_t sent = 0;
  uint32_t last = 0;
  while (sent < page && state->it.has_value) {
    if (sent) out.push_back(',');
    last = state->it.current_value;
    AppendJsonString(out, state->dictionary->ExternalId(last));
    ++sent;
    roaring_advance_uint32_iterator(&state->it);
  }
  AuditEntry entry =
      AuditEntry::For(call.principal, audit_action::kSegmentsQuery, expr, static_cast<int64_t>(sent));
  entry.detail = fmt::format("as_of={} cursor={}", FormatDate(options.as_of), cursor_text.value_or(""));
  if (Status st = RecordAudit(ctx, std::move(entry)); !st.ok()) return AuditUnavailable(st);
  out += fmt::format("],\"count\":{},\"total\":{},\"as_of\":\"{}\",\"next_cursor\":", sent, total,
                     FormatDate(options.as_of));
  out += state->it.has_value && sent > 0 ? "\"" + EncodeCursor(last) + "\"" : std::string("null");
  out += "}\n";
  return r;
}

}  // namespace

void AddSegmentRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/segments/count", Role::kViewer, Count, ApiBodyKind::kJson));
  router.Add(ApiV1Route("POST", "/segments/query", Role::kAnalyst, Query, ApiBodyKind::kJson));
}

}  // namespace tagloop
