// Builds a Channel from its ChannelSpec by kind (kChannelKinds), checking
// the common settings (rate_per_second > 0, concurrency 1..1024,
// max_attempts 1..100, timeout_ms > 0) and then the kind's own. Errors are
// InvalidArgument naming the channel and the field; never a secret's value.
// FailedPrecondition when the HTTP client module cannot be loaded.
#pragma once

#include <memory>

#include "core/status.h"
#include "outreach/channel.h"

namespace tagloop::outreach {

Result<std::unique_ptr<Channel>> MakeChannel(const ChannelSpec& spec);

}  // namespace tagloop::outreach
