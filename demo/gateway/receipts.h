// Receipts: what the simulated world reports back to tagloop after a
// gateway accepted a message (SPEC-outreach, "Outcome events"):
// `message_delivered` for most messages, `message_clicked` for a share of
// the delivered ones and, with a goal, the goal event for a share of the
// recipients, all through `POST /api/v1/events` as NDJSON. With an SMS
// report URL, SMS delivery is reported as Aliyun's gateway does instead: a
// JSON array of SmsReport entries (out_id = the message id, success,
// report_time, err_code, err_msg) posted to the channel's receipts route
// (`POST /api/v1/channels/{name}/receipts`), which needs no user id.
//
// Every choice is a hash of (seed, message id), so a demo set up twice
// reports the same users; event ids are derived from the message id, so a
// message handed over twice (a retry, a re-send after a crash) is reported
// once (the event log drops repeated ids). Event times are the hand-over
// time on the process's WallClock (TAGLOOP_NOW shifts it, as it shifts the
// server's) plus a small delay per kind.
//
// Posting is asynchronous and batched: Report() only queues; a thread posts
// what is queued every 200 ms (a batch up to 1000 events) and keeps a batch
// that failed (the server restarting, a 5xx) to post it again. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace tagloop::demo {

struct ReceiptOptions {
  std::string events_url;  // http://HOST:PORT/api/v1/events
  std::string token;       // an operator's bearer token
  uint64_t seed = 1;
  double delivered_share = 0.95;  // of the accepted messages
  double clicked_share = 0.12;    // of the delivered ones
  std::string goal_event;         // empty: none
  double goal_share = 0;          // of the accepted messages
  std::string sms_report_url;     // empty: SMS delivery as message_delivered events
};

// One accepted message, as far as its request tells.
struct AcceptedMessage {
  std::string message_id, user_id, campaign_id;
  std::string channel;    // empty when the request does not name it
  std::string coupon_id;  // the coupon route's answer
  int64_t sent_ms = 0;    // the hand-over time (WallClock)
  bool sms = false;       // came through the SMS route
  std::string phone;      // the SMS's PhoneNumbers
};

// A unit-interval number fixed by (seed, salt, key): FNV-1a, stable across
// builds and platforms (std::hash is not).
double HashUnit(uint64_t seed, const std::string& salt, const std::string& key);

class ReceiptReporter {
 public:
  explicit ReceiptReporter(ReceiptOptions options);
  ~ReceiptReporter() { Finish(); }

  // Posts what is still queued (one try per batch, a message on stderr for
  // what the server did not take) and stops the thread; Report() queues
  // nothing after it. Idempotent.
  void Finish();

  // Queues the receipts of one accepted message (no events when it carries
  // no user id or campaign id: they would be rejected; an SMS report needs
  // neither).
  void Report(const AcceptedMessage& m);

 private:
  void Run();
  // Posts what `queue` holds, a batch at a time; `last`: one try each.
  void Drain(std::unique_lock<std::mutex>& lock, std::deque<std::string>& queue, bool last, bool sms_reports);
  // false when the server did not take the batch (left for the next round).
  bool Post(const std::string& url, const char* content_type, const std::string& body);

  const ReceiptOptions options_;
  std::mutex mu_;  // guards the queues and stop_
  std::condition_variable wake_;
  std::deque<std::string> queue_;    // one NDJSON line per event
  std::deque<std::string> reports_;  // one SmsReport entry (JSON) per SMS
  bool stop_ = false;
  std::thread thread_;  // joined by Finish()
};

}  // namespace tagloop::demo
