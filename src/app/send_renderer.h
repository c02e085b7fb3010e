// SendRenderer: what a running campaign's dispatcher lane asks for each batch
// of recipients, at send time (docs/outreach.md, "Planning" and "Content"):
//   1. send-time suppression, under one reason each: the policy's blacklist
//      and the channel's opt-outs (re-evaluated on the current store every
//      `refresh_ms`), frequency caps counted from the touch history as it is
//      now (so campaigns running side by side see each other's sends), and
//      quiet hours in `drop` mode (marketing only; `defer` pauses the lane
//      instead, campaign_runner.cc);
//   2. contact addresses for just the batch, from the channel's `address`
//      setting {"source", "query"}: the query runs on that SQL source with
//      the batch's external ids pushed as the table `{{recipients}}` (one
//      column `user_id`) and returns (user_id, address); a recipient without
//      one is suppressed as `no_address`. Addresses are never stored;
//   3. the content: the campaign's template with `{{user_id}}`,
//      `{{address}}`, `{{message_id}}`, `{{campaign}}` and any tag's value
//      as of today (set tags joined by ","; no value: empty).
// A failure of the address source makes the whole batch a transient
// failure (retried with the channel's backoff), never a suppression.
//
// Thread-safety: Render is called from one lane thread at a time; Preview
// may run concurrently with it (the caches are guarded).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "outreach/campaign.h"
#include "outreach/channel_spec.h"
#include "outreach/content_template.h"
#include "outreach/dispatcher.h"
#include "outreach/policy.h"
#include "outreach/touch_history.h"
#include "segment/saved_segments.h"
#include "source/source.h"
#include "source/source_registry.h"
#include "store/profile.h"
#include "store/tag_store.h"

namespace tagloop {

// The fields a template may name besides tags.
bool IsBuiltinContentField(std::string_view field);
// Compiles `content` allowing the builtin fields and the tags of `snapshot`
// (InvalidArgument naming the field and its place otherwise).
Result<outreach::ContentTemplate> CompileContent(const nlohmann::json& content, const Snapshot& snapshot);

struct SendRendererParts {
  std::string data_dir;
  TagStore* store = nullptr;
  SavedSegments* segments = nullptr;
  SourceRegistry* sources = nullptr;
  const outreach::TouchHistory* touches = nullptr;  // null: no caps at send time
  WallClock* clock = WallClock::Default();
  int utc_offset_minutes = 480;
  int64_t refresh_ms = 30'000;  // how often the policy's sets are evaluated again
};

class SendRenderer {
 public:
  // `campaign_id` and `record` name the campaign; `policy` is the effective
  // policy (with the campaign's overrides). Errors: the content does not
  // compile, or the channel's `address` setting is malformed.
  static Result<std::unique_ptr<SendRenderer>> Make(const SendRendererParts& parts, std::string campaign_id,
                                                    const outreach::Campaign& campaign,
                                                    const outreach::ChannelSpec& channel,
                                                    outreach::SuppressionPolicy policy);
  ~SendRenderer();

  // One result per user, in order (the dispatcher's renderer). A journey's
  // send steps name their step and the users' occurrence (the message id's).
  std::vector<outreach::RenderResult> Render(const std::vector<uint32_t>& users, std::string_view step = "send",
                                             uint32_t occurrence = 0);

  // Rendering without suppression, for previews of sample users: each
  // user's address (empty when none) and content.
  Result<std::vector<outreach::RenderResult>> Preview(const std::vector<uint32_t>& users);

 private:
  SendRenderer() = default;
  // Addresses of `external_ids` (user_id -> address). Empty map when the
  // channel reads none.
  Result<std::unordered_map<std::string, std::string>> Addresses(const std::vector<std::string>& external_ids);
  Status RefreshSets(int64_t now_ms);
  std::string SuppressionAt(uint32_t user, int64_t now_ms) const;
  void RenderContent(uint32_t user, outreach::RenderResult& r, const Profile* profile, const std::string& message_id);
  Status RefreshProfiles(int64_t now_ms);

  SendRendererParts parts_;
  std::string campaign_id_;
  outreach::Campaign campaign_;
  outreach::ChannelSpec channel_;
  outreach::SuppressionPolicy policy_;
  std::optional<outreach::ContentTemplate> content_;
  std::string address_source_, address_query_;  // empty: no address

  std::mutex mu_;  // guards what follows
  std::unique_ptr<Source> source_;
  std::optional<Bitmap> blacklist_, opt_out_;  // none: no such rule
  int64_t sets_at_ms_ = INT64_MIN;
  std::unique_ptr<ProfileReader> profiles_;
  int64_t profiles_at_ms_ = INT64_MIN;
};

}  // namespace tagloop
