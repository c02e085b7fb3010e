#include "outreach/dispatcher.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <queue>

#include "outreach/message_id.h"
#include "outreach/rate_limiter.h"

namespace tagloop::outreach {
namespace {

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// A job's state, shared by its handle and its lane.
struct DispatchHandle::State {
  DispatchJob job;
  // Lane-only: recipients never tried in this session, and those waiting
  // for a retry time (min-heap by time).
  std::vector<uint32_t> fresh;
  size_t cursor = 0;
  std::priority_queue<std::pair<int64_t, uint32_t>, std::vector<std::pair<int64_t, uint32_t>>, std::greater<>>
      retries;

  mutable std::mutex mu;
  std::condition_variable cv;
  DispatchProgress progress;  // guarded by mu
  Status status;              // guarded by mu
  std::atomic<bool> paused{false}, cancelled{false};
  std::atomic<bool> finished{false};  // progress.done, readable without mu
  std::function<void()> wake_lane;
  // Lane-only: recipients taken into a batch whose answers are not
  // committed yet (the job is not done while any are).
  size_t in_pipeline = 0;

  bool HasWork() const { return cursor < fresh.size() || !retries.empty(); }
  void Finish(Status st) {
    std::lock_guard lock(mu);
    if (progress.done) return;
    status = std::move(st);
    progress.done = true;
    finished = true;
    cv.notify_all();
  }
};

void DispatchHandle::Pause() { state_->paused = true; }
void DispatchHandle::Resume() {
  state_->paused = false;
  state_->wake_lane();
}
void DispatchHandle::Cancel() {
  state_->cancelled = true;
  state_->wake_lane();
}
DispatchProgress DispatchHandle::Progress() const {
  std::lock_guard lock(state_->mu);
  DispatchProgress p = state_->progress;
  p.paused = state_->paused;
  p.cancelled = state_->cancelled;
  return p;
}
Status DispatchHandle::Wait() {
  std::unique_lock lock(state_->mu);
  state_->cv.wait(lock, [&] { return state_->progress.done; });
  return state_->status;
}
bool DispatchHandle::WaitFor(int64_t timeout_ms) {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return state_->progress.done; });
}

// One channel's lane: a send thread with the channel's token bucket and
// jobs, and a commit thread that makes each batch's answers durable. The
// two overlap (group commit, pipelined): while batch N is appended, written
// and fdatasynced, batch N+1 is rendered and sent. At most one batch waits
// for its commit, so a SIGKILL re-sends at most two batches: the one being
// committed and the one being sent.
class Dispatcher::Lane {
 public:
  Lane(const DispatchOptions& options, double rate) : options_(options), limiter_(rate) {
    committer_ = std::thread([this] { CommitLoop(); });
    thread_ = std::thread([this] { Run(); });
  }
  ~Lane() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();  // Run drains the commit stage before it returns
    {
      std::lock_guard lock(commit_mu_);
      commit_stop_ = true;
    }
    commit_cv_.notify_all();
    committer_.join();
    for (auto& job : jobs_) job->Finish(Status::Cancelled("the dispatcher stopped"));
  }
  void Add(std::shared_ptr<DispatchHandle::State> job) {
    {
      std::lock_guard lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_all();
  }
  void Wake() { cv_.notify_all(); }

 private:
  // One batch's answers on their way to the ledger.
  struct Batch {
    std::shared_ptr<DispatchHandle::State> job;
    size_t taken = 0;  // recipients of the job this batch holds until it is merged
    std::vector<LedgerRecord> records;
    std::vector<CommittedSend> sent;
    std::vector<std::pair<int64_t, uint32_t>> rescheduled;
    uint64_t n_sent = 0, n_failed = 0, n_dead = 0, n_suppressed = 0, n_transient = 0;
  };

  int64_t Now() const { return options_.now_ms ? options_.now_ms() : SystemNowMs(); }

  void Run() {
    size_t turn = 0;
    std::unique_lock lock(mu_);
    while (!stop_) {
      std::erase_if(jobs_, [](const auto& j) { return j->finished.load(); });
      // A job ends only once its last batch is committed: its retries may
      // come back, and Wait() promises every answer is recorded.
      const bool ending = std::any_of(jobs_.begin(), jobs_.end(), [](const auto& j) {
        return (j->cancelled || !j->HasWork()) && j->in_pipeline > 0;
      });
      if (ending) {
        lock.unlock();
        Drain();
        lock.lock();
        continue;
      }
      // Find the next job with work due now.
      const int64_t now = Now();
      int64_t wait_ms = 1000;
      std::shared_ptr<DispatchHandle::State> pick;
      for (size_t k = 0; k < jobs_.size() && !pick; ++k) {
        auto& j = jobs_[(turn + k) % jobs_.size()];
        if (j->cancelled) {
          j->Finish(Status::Cancelled("the dispatch was cancelled"));
          continue;
        }
        if (!j->HasWork()) {
          j->Finish(Status::Ok());
          continue;
        }
        if (j->paused) continue;
        const bool fresh_due = j->cursor < j->fresh.size();
        const int64_t retry_at = j->retries.empty() ? INT64_MAX : j->retries.top().first;
        if (fresh_due || retry_at <= now) {
          pick = j;
          turn = (turn + k + 1) % jobs_.size();
        } else {
          wait_ms = std::min(wait_ms, retry_at - now);
        }
      }
      if (paused_until_ms_ > now) wait_ms = std::min<int64_t>(wait_ms, paused_until_ms_ - now);
      const bool idle = !pick || paused_until_ms_ > now;
      // Before idling, and before another campaign's batch (its renderer may
      // read the touches the pending commit records for frequency caps), the
      // commit stage is drained: pipelining is for one campaign's batches.
      // A journey's jobs (one per group reaching a send step) pipeline with
      // each other: a user is in one group of a journey at a time, so no
      // cap counts a send of the batch being committed.
      if (uncommitted_ > 0 && (idle || (pick.get() != last_handed_ && pick->job.campaign_id != last_campaign_))) {
        lock.unlock();
        Drain();
        lock.lock();
        continue;
      }
      if (idle) {
        cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(wait_ms, 1)));
        continue;
      }
      lock.unlock();
      RunBatch(pick);
      lock.lock();
    }
    lock.unlock();
    Drain();
  }

  // Takes, renders and sends one batch of a job, then hands its answers to
  // the commit stage.
  void RunBatch(const std::shared_ptr<DispatchHandle::State>& state) {
    DispatchHandle::State& s = *state;
    DispatchJob& job = s.job;
    const ChannelSpec& spec = job.channel->spec();
    const int64_t now = Now();
    const double rate = limiter_.rate();
    const size_t paced = static_cast<size_t>(std::max(1.0, rate * static_cast<double>(options_.commit_interval_ms) / 1000));
    const size_t limit = std::min(options_.commit_batch, paced);
    std::vector<uint32_t> users;
    while (users.size() < limit && !s.retries.empty() && s.retries.top().first <= now) {
      users.push_back(s.retries.top().second);
      s.retries.pop();
    }
    while (users.size() < limit && s.cursor < s.fresh.size()) users.push_back(s.fresh[s.cursor++]);

    Batch b;
    b.job = state;
    b.taken = users.size();
    s.in_pipeline += users.size();
    std::vector<RenderResult> rendered;
    if (job.render_batch) {
      rendered = job.render_batch(users);
      rendered.resize(users.size(), RenderResult{{}, "the renderer gave no answer", {}, {}, {}});
    } else {
      rendered.reserve(users.size());
      for (uint32_t u : users) rendered.push_back(job.render(u));
    }
    std::vector<OutgoingMessage> batch;
    batch.reserve(users.size());
    // Messages that could not be rendered now: answered as transient without a send.
    std::vector<OutgoingMessage> unrendered;
    std::vector<std::string> unrendered_errors;
    for (size_t i = 0; i < users.size(); ++i) {
      const uint32_t u = users[i];
      RenderResult& r = rendered[i];
      if (!r.suppressed.empty()) {
        b.records.push_back(
            LedgerRecord{u, job.step, job.occurrence, DeliveryState::kSuppressed, 0, now, 0, r.suppressed});
        ++b.n_suppressed;
        continue;
      }
      OutgoingMessage m;
      m.user = u;
      m.message_id = MessageId(job.campaign_id, job.step, r.external_user_id, job.occurrence);
      m.campaign_id = job.campaign_id;
      m.step = job.step;
      m.external_user_id = std::move(r.external_user_id);
      m.address = std::move(r.address);
      m.content = std::move(r.content);
      if (!r.retry_error.empty()) {
        unrendered.push_back(std::move(m));
        unrendered_errors.push_back(std::move(r.retry_error));
        continue;
      }
      batch.push_back(std::move(m));
    }

    std::vector<SendOutcome> outcomes = SendPaced(*job.channel, batch);
    // What the gateway asked us not to send yet goes back to the queue
    // unrecorded (it was never handed over): it is still pending.
    const int64_t answered = Now();
    for (size_t i = outcomes.size(); i < batch.size(); ++i) s.retries.emplace(paused_until_ms_, batch[i].user);
    b.taken -= batch.size() - outcomes.size();
    s.in_pipeline -= batch.size() - outcomes.size();
    batch.resize(outcomes.size());
    for (size_t i = 0; i < unrendered.size(); ++i) {
      batch.push_back(std::move(unrendered[i]));
      outcomes.push_back(SendOutcome::Transient(std::move(unrendered_errors[i])));
    }

    for (size_t i = 0; i < batch.size(); ++i) {
      const OutgoingMessage& m = batch[i];
      const SendOutcome& o = outcomes[i];
      LedgerRecord rec{m.user, job.step, job.occurrence, DeliveryState::kSent, 0, answered, 0, {}};
      // The user's records are all committed: a batch never holds a user
      // whose earlier answer is still in the commit stage (retries are
      // queued only once committed).
      const LedgerEntry before = job.ledger->Lookup(m.user, job.step, job.occurrence);
      rec.attempt = static_cast<uint16_t>(std::min<int>(before.attempt + 1, 65535));
      switch (o.kind) {
        case SendOutcome::Kind::kSent:
          rec.detail = o.gateway_id;
          b.sent.push_back(CommittedSend{m.user, m.message_id, o.gateway_id, answered});
          ++b.n_sent;
          break;
        case SendOutcome::Kind::kPermanent:
          rec.state = DeliveryState::kFailed;
          rec.detail = o.error;
          ++b.n_failed;
          break;
        case SendOutcome::Kind::kTransient: {
          ++b.n_transient;
          rec.detail = o.error;
          if (rec.attempt >= std::max(1, spec.max_attempts)) {
            rec.state = DeliveryState::kDead;
            ++b.n_dead;
            break;
          }
          // Never earlier than the gateway asked (capped) nor than a pause of the channel.
          int64_t delay = o.retry_after_ms >= 0 ? std::min(o.retry_after_ms, options_.retry_after_max_ms)
                                                : Backoff(rec.attempt);
          delay = std::max(delay, o.pause_channel_ms);
          rec.state = DeliveryState::kRetry;
          rec.next_ms = answered + delay;
          b.rescheduled.emplace_back(rec.next_ms, m.user);
          break;
        }
      }
      b.records.push_back(std::move(rec));
    }
    HandToCommit(std::move(b));
  }

  // Sends the batch in chunks the token bucket allows, at most the
  // channel's concurrency in flight. Returns the outcomes of a prefix of the
  // batch, in order: a gateway that asks the channel to wait (Retry-After,
  // WeChat's quota) pauses the lane, slows the bucket down and stops the
  // batch there; the rest was not sent.
  std::vector<SendOutcome> SendPaced(Channel& channel, std::vector<OutgoingMessage>& batch) {
    std::vector<SendOutcome> outcomes;
    outcomes.reserve(batch.size());
    for (size_t done = 0; done < batch.size();) {
      size_t n = limiter_.TryAcquire(batch.size() - done);
      if (n == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(limiter_.MicrosUntilNext()));
        continue;
      }
      std::vector<OutgoingMessage> chunk(std::make_move_iterator(batch.begin() + done),
                                         std::make_move_iterator(batch.begin() + done + n));
      std::vector<SendOutcome> got = channel.Send(chunk, std::max(1, channel.spec().concurrency));
      got.resize(chunk.size(), SendOutcome::Transient("the channel gave no answer"));
      for (size_t i = 0; i < n; ++i) batch[done + i] = std::move(chunk[i]);
      int64_t wait_ms = 0;
      for (SendOutcome& o : got) {
        if (o.kind == SendOutcome::Kind::kTransient) {
          wait_ms = std::max({wait_ms, o.pause_channel_ms, std::min(o.retry_after_ms, options_.retry_after_max_ms)});
        }
        outcomes.push_back(std::move(o));
      }
      done += n;
      if (wait_ms > 0) {
        paused_until_ms_ = std::max(paused_until_ms_, Now() + wait_ms);
        limiter_.Throttle();
        break;
      }
    }
    return outcomes;
  }

  int64_t Backoff(int attempt) const {
    int64_t d = options_.backoff_base_ms;
    for (int i = 1; i < attempt && d < options_.backoff_max_ms; ++i) d *= options_.backoff_factor;
    return std::min(d, options_.backoff_max_ms);
  }

  // The commit thread: appends and commits the batch in the slot; only
  // after fdatasync returned are its sends handed to on_committed and
  // counted. Its retries are left for the send thread (Merge).
  void CommitLoop() {
    std::unique_lock lock(commit_mu_);
    while (true) {
      commit_cv_.wait(lock, [&] { return committing_.has_value() || commit_stop_; });
      if (!committing_) return;
      lock.unlock();
      Commit(*committing_);
      lock.lock();
      committed_.push_back(std::move(*committing_));
      committing_.reset();
      commit_cv_.notify_all();
    }
  }

  static void Commit(Batch& b) {
    DispatchHandle::State& s = *b.job;
    Status st;
    for (const LedgerRecord& r : b.records) {
      st = s.job.ledger->Append(r);
      if (!st.ok()) break;
    }
    if (st.ok()) st = s.job.ledger->Commit();
    b.records.clear();
    if (!st.ok()) {
      b.rescheduled.clear();
      s.Finish(st);
      return;
    }
    if (!b.sent.empty() && s.job.on_committed) s.job.on_committed(b.sent);
    std::lock_guard lock(s.mu);
    DispatchProgress& p = s.progress;
    p.sent += b.n_sent;
    p.failed += b.n_failed;
    p.dead += b.n_dead;
    p.suppressed += b.n_suppressed;
    p.transient += b.n_transient;
  }

  // Send thread: waits until the commit stage is free and hands it `b`.
  void HandToCommit(Batch b) {
    last_handed_ = b.job.get();
    last_campaign_ = b.job->job.campaign_id;
    ++uncommitted_;
    std::vector<Batch> done;
    {
      std::unique_lock lock(commit_mu_);
      commit_cv_.wait(lock, [&] { return !committing_.has_value(); });
      done.swap(committed_);
      committing_ = std::move(b);
    }
    commit_cv_.notify_all();
    Merge(done);
  }

  // Send thread: waits until every batch handed over is committed.
  void Drain() {
    std::vector<Batch> done;
    {
      std::unique_lock lock(commit_mu_);
      commit_cv_.wait(lock, [&] { return !committing_.has_value(); });
      done.swap(committed_);
    }
    Merge(done);
  }

  // Send thread: queues the committed batches' retries and releases their recipients.
  void Merge(std::vector<Batch>& done) {
    for (Batch& b : done) {
      DispatchHandle::State& s = *b.job;
      for (const auto& r : b.rescheduled) s.retries.push(r);
      s.in_pipeline -= b.taken;
      --uncommitted_;
      std::lock_guard lock(s.mu);
      s.progress.waiting_retry = s.retries.size();
      s.progress.pending = (s.fresh.size() - s.cursor) + s.retries.size() + s.in_pipeline;
    }
  }

  const DispatchOptions& options_;
  // Send thread only:
  RateLimiter limiter_;
  int64_t paused_until_ms_ = 0;
  size_t uncommitted_ = 0;                         // batches handed over, not merged yet
  const DispatchHandle::State* last_handed_ = nullptr;
  std::string last_campaign_;  // of last_handed_

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                                         // guarded by mu_
  std::vector<std::shared_ptr<DispatchHandle::State>> jobs_;  // guarded by mu_
  std::thread thread_;

  std::mutex commit_mu_;
  std::condition_variable commit_cv_;
  std::optional<Batch> committing_;  // guarded by commit_mu_; owned by the commit thread while it commits
  std::vector<Batch> committed_;     // guarded by commit_mu_
  bool commit_stop_ = false;         // guarded by commit_mu_
  std::thread committer_;
};

Dispatcher::Dispatcher(DispatchOptions options) : options_(std::move(options)) {}

Dispatcher::~Dispatcher() {
  std::lock_guard lock(mu_);
  lanes_.clear();
}

Result<std::shared_ptr<DispatchHandle>> Dispatcher::Start(DispatchJob job) {
  if (job.ledger == nullptr || !job.channel || (!job.render && !job.render_batch)) {
    return Status::InvalidArgument("a dispatch job needs a ledger, a channel and a renderer");
  }
  auto state = std::make_shared<DispatchHandle::State>();
  const int64_t now = options_.now_ms ? options_.now_ms() : SystemNowMs();
  Bitmap pending = job.ledger->Pending(job.plan.get(), job.step, job.occurrence);
  LedgerCounts counts = job.ledger->Counts(job.step, job.occurrence);
  for (uint32_t u : pending.ToVector()) {
    LedgerEntry e = job.ledger->Lookup(u, job.step, job.occurrence);
    if (e.state == DeliveryState::kRetry && e.next_ms > now) {
      state->retries.emplace(e.next_ms, u);
    } else {
      state->fresh.push_back(u);
    }
  }
  DispatchProgress& p = state->progress;
  p.planned = job.plan.cardinality();
  p.sent = counts.sent;
  p.failed = counts.failed;
  p.dead = counts.dead;
  p.suppressed = counts.suppressed;
  p.waiting_retry = state->retries.size();
  p.pending = state->fresh.size() + state->retries.size();
  const std::string lane_name = job.channel->spec().name;
  const double rate = job.channel->MaxRatePerSecond();
  state->job = std::move(job);

  std::lock_guard lock(mu_);
  auto& lane = lanes_[lane_name];
  if (!lane) lane = std::make_unique<Lane>(options_, rate);
  Lane* l = lane.get();
  state->wake_lane = [l] { l->Wake(); };
  auto handle = std::shared_ptr<DispatchHandle>(new DispatchHandle());
  handle->state_ = state;
  l->Add(state);
  return handle;
}

}  // namespace tagloop::outreach
