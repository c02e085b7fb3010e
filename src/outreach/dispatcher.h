// The dispatcher: sends a plan's messages through their channel, durably
// (docs/outreach.md, "Delivery"; the guarantee: ../shared/SPEC-outreach.md,
// "Delivery guarantee").
//
// One lane per channel (by name), each with the channel's token bucket
// (`rate_per_second`), its concurrency limit (`concurrency` requests in
// flight) and its retries; lanes share nothing, so a hanging gateway stalls
// only its own lane. A lane has two threads. The send thread takes a batch
// of at most `commit_batch` pending recipients of a job, renders each (at
// send time, so send-time suppression works), sends, and hands one ledger
// record per answer to the commit thread, which appends them, commits the
// ledger (write + fdatasync) and only then hands the committed `sent`
// records to `on_committed`. The send thread goes on with the next batch
// while the previous one commits, but hands it over only once that commit
// is done: at most one batch waits for durability while one is sent. A
// SIGKILL therefore re-sends at most two batches (≤ 2 · commit_batch
// messages), each with the same message id and body, and nothing reported
// through `on_committed` or Progress().sent can be lost by a kill.
//
// Transient answers become `retry` records with the next attempt's time
// (the gateway's Retry-After, capped at retry_after_max_ms, else
// backoff_base_ms · backoff_factor^(n-1)); after `max_attempts` attempts the
// recipient is `dead`. A gateway's Retry-After (or WeChat's quota) also
// pauses the lane that long and halves its token bucket's rate, which
// climbs back over a few seconds (rate_limiter.h); the rest of the batch is
// not sent and goes back to the queue. A restarted dispatcher reads the
// retry times back from the ledger.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/bitmap.h"
#include "core/status.h"
#include "outreach/channel.h"
#include "outreach/ledger.h"

namespace tagloop::outreach {

struct DispatchOptions {
  // Answers committed together; also the most recipients a lane takes at once.
  size_t commit_batch = 256;
  // A lane commits at least this often (ms) when its channel's rate is low.
  int64_t commit_interval_ms = 50;
  // Backoff of the n-th transient failure: base · factor^(n-1), at most max.
  int64_t backoff_base_ms = 1000;
  int64_t backoff_factor = 4;
  int64_t backoff_max_ms = 3600 * 1000;
  // A gateway's Retry-After is obeyed up to this long (a retry's delay and
  // the lane's pause).
  int64_t retry_after_max_ms = 3600 * 1000;
  // WeChat's quota error (45009) pauses a channel this long when the channel
  // does not say.
  int64_t default_pause_ms = 60 * 1000;
  // Wall-clock Unix ms for ledger times (null: the system clock).
  std::function<int64_t()> now_ms;
};

// The renderer's answer for one recipient (called at send time).
struct RenderResult {
  std::string suppressed;          // non-empty: not sent; the suppression reason (e.g. "no_address")
  // Non-empty: the message could not be rendered now (e.g. the address
  // source is down); recorded like a transient answer of the channel
  // (retried with backoff, dead after max_attempts).
  std::string retry_error;
  std::string external_user_id;
  std::string address;
  nlohmann::json content;
};
using Renderer = std::function<RenderResult(uint32_t user)>;
// Renders a whole batch at once (one address query for the batch): one
// result per user, in order.
using BatchRenderer = std::function<std::vector<RenderResult>(const std::vector<uint32_t>& users)>;

// A committed `sent` record, for the caller's `message_sent` events and
// touch history (and `coupon_issued` from the gateway id of a coupon channel).
struct CommittedSend {
  uint32_t user = 0;
  std::string message_id;
  std::string gateway_id;
  int64_t time_ms = 0;
};
using OnCommitted = std::function<void(const std::vector<CommittedSend>&)>;

struct DispatchJob {
  std::string campaign_id;
  std::string step = "send";
  uint32_t occurrence = 0;
  Bitmap plan;                        // dense ids of the planned recipients
  Ledger* ledger = nullptr;           // not owned; outlives the job
  std::shared_ptr<Channel> channel;
  Renderer render;              // per recipient; or
  BatchRenderer render_batch;   // per batch (takes precedence)
  // Optional; called on the lane's commit thread, after the records are
  // durable, one batch at a time, in commit order.
  OnCommitted on_committed;
};

struct DispatchProgress {
  uint64_t planned = 0;
  uint64_t sent = 0, failed = 0, dead = 0, suppressed = 0;  // final, this session and before
  uint64_t transient = 0;        // transient answers this session
  uint64_t waiting_retry = 0;    // recipients waiting for their next attempt
  uint64_t pending = 0;          // not yet final (including waiting_retry)
  bool paused = false, cancelled = false, done = false;
};

// One running job. Thread-safe.
class DispatchHandle {
 public:
  void Pause();
  void Resume();
  // Stops taking recipients; the batch in flight is still committed.
  void Cancel();
  DispatchProgress Progress() const;
  // Until every planned recipient is final, the job was cancelled or it
  // failed (an error of the ledger). Returns the job's status.
  Status Wait();
  // Like Wait, for at most `timeout_ms`; false when it is still running.
  bool WaitFor(int64_t timeout_ms);

 private:
  friend class Dispatcher;
  struct State;
  std::shared_ptr<State> state_;
};

class Dispatcher {
 public:
  explicit Dispatcher(DispatchOptions options = {});
  // Cancels every job and joins the lanes.
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Starts a job on its channel's lane (created on first use). The job's
  // pending recipients are the plan minus the ledger's final states; those
  // in `retry` wait for the time the ledger recorded. InvalidArgument when
  // the job lacks a ledger, channel or renderer.
  Result<std::shared_ptr<DispatchHandle>> Start(DispatchJob job);

 private:
  class Lane;
  DispatchOptions options_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Lane>> lanes_;  // guarded by mu_
};

}  // namespace tagloop::outreach
