// ChannelStore: the named channels of the catalog database (table
// `channels`; contract ../shared/SPEC-outreach.md "Channels").
//
// Secrets are write-only. A channel document (PUT /api/v1/channels/{name})
// is flat, as the contract writes it: the common keys (kind,
// rate_per_second, concurrency, max_attempts, timeout_ms), secret keys
// (`secret`, `appsecret`, `password`, and any key ending in `_secret` or
// `_password`) and the kind's other fields. ChannelFromJson splits it into
// a ChannelSpec (settings vs. secrets). Get() is for the delivery engine
// and returns the secrets; Describe()/List() are for answers and never do
// (they name which secrets are set, not their values). A replacement that
// omits a secret keeps the stored one.
//
// Thread-safety: one connection guarded by a mutex; several processes may
// share the database.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_db.h"
#include "core/status.h"
#include "core/wall_clock.h"
#include "outreach/channel_spec.h"
#include "outreach/json_fields.h"

namespace tagloop::outreach {

// True for a key whose value is a secret (see the top).
bool IsSecretKey(std::string_view key);

// Parses a channel document named `name`; InvalidArgument naming the field
// (an unknown kind, a missing required field of the kind, a bad number).
[[nodiscard]] Result<ChannelSpec> ChannelFromJson(std::string_view name, const Json& j);
// The document without secrets: common keys, settings, and
// "secrets_set": [key, ...] (names only).
Json DescribeChannel(const ChannelSpec& spec);

class ChannelStore {
 public:
  [[nodiscard]] static Result<std::unique_ptr<ChannelStore>> Open(const std::string& dir,
                                                                  WallClock* clock = WallClock::Default());

  // Creates or replaces `spec.name` (secrets the spec omits are kept).
  [[nodiscard]] Status Put(const ChannelSpec& spec, std::string_view actor);
  // With secrets: for the delivery engine only. NotFound (reason not_found
  // {kind: channel, name}).
  [[nodiscard]] Result<ChannelSpec> Get(std::string_view name);
  // Without secrets (DescribeChannel), for answers.
  [[nodiscard]] Result<Json> Describe(std::string_view name);
  // Every channel, by name, without secrets.
  [[nodiscard]] Result<std::vector<Json>> List();
  [[nodiscard]] Status Delete(std::string_view name);

 private:
  ChannelStore(std::unique_ptr<CatalogDb> db, WallClock* clock) : db_(std::move(db)), clock_(clock) {}
  Result<ChannelSpec> GetLocked(std::string_view name, bool with_secrets);
  std::mutex mu_;
  std::unique_ptr<CatalogDb> db_;
  WallClock* clock_;
};

}  // namespace tagloop::outreach
