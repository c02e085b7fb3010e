// OutreachService, receipts: from a gateway's message id back to the
// campaign and user it was sent for, and the outcome event written for them.
// A message id is a hash (outreach/message_id.h), so the way back is an
// index of a run's message ids, built from its frozen treatment segment on
// the first receipt and kept for the next ones (a gateway reports a
// campaign's receipts over minutes to days).
#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "app/outreach_service.h"
#include "outreach/message_id.h"

namespace tagloop {

using outreach::CampaignRecord;
using outreach::CampaignState;

// The message ids of one run (a campaign's latest; a journey's ledger), as
// the 64 bits of their first 16 hex digits, sorted, with the user, step and
// occurrence each was made for (MessageId is checked in full on a hit, so a
// collision of the 64 bits cannot misattribute a receipt).
struct OutreachService::MessageIndex {
  struct Entry {
    uint64_t key = 0;
    uint32_t user = 0;
    uint32_t occurrence = 0;
    uint16_t step = 0;  // in `steps`
    bool operator<(const Entry& o) const { return key < o.key; }
  };
  std::string campaign_id;
  std::vector<std::string> steps{"send"};
  std::vector<Entry> keys;
  uint64_t ledger_bytes = 0;  // a journey's: the ledger's size when built

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
    const CampaignRecord& record, bool refresh) {
  std::string key;
  std::shared_ptr<const MessageIndex> cached;
  const bool journey = record.definition.IsJourney();
  const std::string ledger = journey ? journeys_->LedgerPath(record.id) : "";
  if (journey) {
    if (!std::filesystem::exists(ledger)) return std::shared_ptr<const MessageIndex>();
    key = record.id + "/journey";
  } else {
    TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, campaigns_->Runs(record.id));
    if (runs.empty()) return std::shared_ptr<const MessageIndex>();
    key = fmt::format("{}/{}", record.id, runs.back().run);
  }
  {
    std::lock_guard lock(index_mu_);
    if (auto it = message_indexes_.find(key); it != message_indexes_.end()) cached = it->second;
  }
  // A journey keeps sending: its index is built again when asked to and the ledger grew.
  if (cached && !(journey && refresh && std::filesystem::file_size(ledger) > cached->ledger_bytes)) return cached;
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  auto index = std::make_shared<MessageIndex>();
  index->campaign_id = record.id;
  if (journey) {
    TAGLOOP_ASSIGN_OR_RETURN(std::string bytes, Env::Default()->ReadFile(ledger));
    index->ledger_bytes = bytes.size();
    uint64_t valid_end = 0;
    TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::LedgerRecord> records, outreach::DecodeLedger(bytes, &valid_end));
    index->steps.clear();
    std::set<std::tuple<uint32_t, uint16_t, uint32_t>> seen;
    for (const outreach::LedgerRecord& r : records) {
      if (r.state != outreach::DeliveryState::kSent) continue;
      auto step = std::find(index->steps.begin(), index->steps.end(), r.step);
      if (step == index->steps.end()) step = index->steps.insert(step, r.step);
      const auto s = static_cast<uint16_t>(step - index->steps.begin());
      if (!seen.emplace(r.user, s, r.occurrence).second) continue;
      index->keys.push_back({MessageIndex::Key(outreach::MessageId(record.id, r.step, dictionary->ExternalId(r.user),
                                                                   r.occurrence)),
                             r.user, r.occurrence, s});
    }
  } else {
    TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, campaigns_->Runs(record.id));
    TAGLOOP_ASSIGN_OR_RETURN(Bitmap members, FrozenMembers(runs.back().treatment_segment));
    index->keys.reserve(members.cardinality());
    for (uint32_t u : members.ToVector()) {
      index->keys.push_back({MessageIndex::Key(outreach::MessageId(record.id, "send", dictionary->ExternalId(u), 0)), u,
                             0, 0});
    }
  }
  std::sort(index->keys.begin(), index->keys.end());
  std::lock_guard lock(index_mu_);
  if (cached) {
    message_indexes_[key] = index;
  } else if (message_indexes_.emplace(key, index).second) {
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
    const std::vector<std::string> channels = c.definition.Channels();
    if (std::find(channels.begin(), channels.end(), channel) == channels.end()) continue;
    if (c.state != CampaignState::kRunning && c.state != CampaignState::kPaused && c.state != CampaignState::kDone &&
        c.state != CampaignState::kCancelled) {
      continue;
    }
    if (c.definition.IsJourney()) {  // it sends as long as it runs: the most recent sender
      senders.emplace_back(c.state == CampaignState::kRunning ? INT64_MAX : c.updated_ms, std::move(c));
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
    for (bool refresh : {false, true}) {
      if (open.empty()) break;
      if (refresh && !campaign.definition.IsJourney()) break;
      TAGLOOP_ASSIGN_OR_RETURN(std::shared_ptr<const MessageIndex> index, MessageIndexOf(campaign, refresh));
      if (index == nullptr) break;
      std::vector<const outreach::Receipt*> still_open;
      for (const outreach::Receipt* r : open) {
        MessageIndex::Entry probe;
        probe.key = MessageIndex::Key(r->message_id);
        auto hit = std::lower_bound(index->keys.begin(), index->keys.end(), probe);
        bool found = false;
        for (; hit != index->keys.end() && hit->key == probe.key && !found; ++hit) {
          const std::string user(dictionary->ExternalId(hit->user));
          const std::string& step = index->steps[hit->step];
          if (outreach::MessageId(campaign.id, step, user, hit->occurrence) != r->message_id) continue;
          found = true;
          events::Event e;
          e.type = outreach::ReceiptEventType(r->kind);
          e.event_id = e.type.substr(std::string_view("message_").size()) + ":" + r->message_id;
          e.user_id = user;
          e.time_ms = r->time_ms > 0 ? r->time_ms : now_ms;
          e.properties = {{"campaign_id", campaign.id}, {"channel", std::string(channel)}};
          if (r->kind == outreach::ReceiptKind::kBounced && !r->error.empty()) {
            e.properties.emplace_back("error", r->error);
          }
          e.properties.emplace_back("message_id", r->message_id);
          if (step != "send") e.properties.emplace_back("step", step);
          batch.push_back(std::move(e));
        }
        if (!found) still_open.push_back(r);
      }
      open = std::move(still_open);
    }
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
