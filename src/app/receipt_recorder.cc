// OutreachService, receipts: from a gateway's message id back to the
// campaign and user it was sent for, and the outcome event written for them.
// A message id is a hash (outreach/message_id.h), so the way back is an
// index of a run's message ids, built from its frozen treatment segment on
// the first receipt and kept for the next ones (a gateway reports a
// campaign's receipts over minutes to days).
#include <algorithm>

#include <fmt/format.h>

#include "app/outreach_service.h"
#include "outreach/message_id.h"

namespace tagloop {

using outreach::CampaignRecord;
using outreach::CampaignState;

// The message ids of one run, as the 64 bits of their first 16 hex digits,
// sorted, with the user each was made for (MessageId is checked in full on
// a hit, so a collision of the 64 bits cannot misattribute a receipt).
struct OutreachService::MessageIndex {
  std::string campaign_id;
  std::vector<std::pair<uint64_t, uint32_t>> keys;

  static uint64_t Key(std::string_view message_id) {
    uint64_t k = 0;
    for (char c : message_id.substr(1, 16)) k = k << 4 | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    return k;
  }
};

namespace {

// Indexes kept at once (each is 16 bytes a recipient: 16 MB at 1M).
constexpr size_t kMaxMessageIndexes = 8;
// Campaigns of one channel looked through for one request, newest first.
constexpr size_t kMaxCampaignsSearched = 50;

}  // namespace

Result<std::shared_ptr<const OutreachService::MessageIndex>> OutreachService::MessageIndexOf(
    const CampaignRecord& record) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, campaigns_->Runs(record.id));
  if (runs.empty()) return std::shared_ptr<const MessageIndex>();
  const std::string key = fmt::format("{}/{}", record.id, runs.back().run);
  {
    std::lock_guard lock(index_mu_);
    if (auto it = message_indexes_.find(key); it != message_indexes_.end()) return it->second;
  }
  TAGLOOP_ASSIGN_OR_RETURN(Bitmap members, FrozenMembers(runs.back().treatment_segment));
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  auto index = std::make_shared<MessageIndex>();
  index->campaign_id = record.id;
  index->keys.reserve(members.cardinality());
  for (uint32_t u : members.ToVector()) {
    index->keys.emplace_back(MessageIndex::Key(outreach::MessageId(record.id, "send", dictionary->ExternalId(u), 0)), u);
  }
  std::sort(index->keys.begin(), index->keys.end());
  std::lock_guard lock(index_mu_);
  if (message_indexes_.emplace(key, index).second) {
    message_index_order_.push_back(key);
    if (message_index_order_.size() > kMaxMessageIndexes) {
      message_indexes_.erase(message_index_order_.front());
      message_index_order_.erase(message_index_order_.begin());
    }
  }
  return std::shared_ptr<const MessageIndex>(index);
}

Result<ReceiptsRecorded> OutreachService::RecordReceipts(std::string_view channel,
                                                         const std::vector<outreach::Receipt>& receipts) {
  TAGLOOP_RETURN_IF_ERROR(channels_->Get(channel).status());
  // The channel's campaigns that sent something, the latest started first.
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<CampaignRecord> all, campaigns_->List());
  std::vector<std::pair<int64_t, CampaignRecord>> senders;
  for (CampaignRecord& c : all) {
    if (c.definition.channel != channel) continue;
    if (c.state != CampaignState::kRunning && c.state != CampaignState::kPaused && c.state != CampaignState::kDone &&
        c.state != CampaignState::kCancelled) {
      continue;
    }
    TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, campaigns_->Runs(c.id));
    if (!runs.empty()) senders.emplace_back(runs.back().started_ms, std::move(c));
  }
  std::sort(senders.begin(), senders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (senders.size() > kMaxCampaignsSearched) senders.resize(kMaxCampaignsSearched);

  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  const int64_t now_ms = options_.clock->NowUnixMillis();
  std::vector<events::Event> batch;
  ReceiptsRecorded out;
  std::vector<const outreach::Receipt*> open;  // not yet found
  for (const outreach::Receipt& r : receipts) open.push_back(&r);
  for (const auto& [started, campaign] : senders) {
    if (open.empty()) break;
    TAGLOOP_ASSIGN_OR_RETURN(std::shared_ptr<const MessageIndex> index, MessageIndexOf(campaign));
    if (index == nullptr) continue;
    std::vector<const outreach::Receipt*> still_open;
    for (const outreach::Receipt* r : open) {
      const uint64_t key = MessageIndex::Key(r->message_id);
      auto hit = std::lower_bound(index->keys.begin(), index->keys.end(), std::make_pair(key, uint32_t{0}));
      bool found = false;
      for (; hit != index->keys.end() && hit->first == key && !found; ++hit) {
        const std::string user(dictionary->ExternalId(hit->second));
        if (outreach::MessageId(campaign.id, "send", user, 0) != r->message_id) continue;
        found = true;
        events::Event e;
        e.type = outreach::ReceiptEventType(r->kind);
        e.event_id = e.type.substr(std::string_view("message_").size()) + ":" + r->message_id;
        e.user_id = user;
        e.time_ms = r->time_ms > 0 ? r->time_ms : now_ms;
        e.properties = {{"campaign_id", campaign.id}, {"channel", std::string(channel)}};
        if (r->kind == outreach::ReceiptKind::kBounced && !r->error.empty()) e.properties.emplace_back("error", r->error);
        e.properties.emplace_back("message_id", r->message_id);
        batch.push_back(std::move(e));
      }
      if (!found) still_open.push_back(r);
    }
    open = std::move(still_open);
  }
  for (const outreach::Receipt* r : open) out.unknown.push_back(r->message_id);
  if (!batch.empty()) {
    TAGLOOP_ASSIGN_OR_RETURN(events::AppendResult appended, AppendEvents(std::move(batch)));
    out.recorded = appended.appended;
    out.repeated = appended.duplicates;
  }
  return out;
}

}  // namespace tagloop
