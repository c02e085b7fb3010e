// The synthetic event stream of the events benchmark (issue 5,
// scripts/bench-events.sh): rental orders of the built-in car-rental event
// types, as NDJSON lines the ingestion API takes.
//
// Each stream keeps a pool of orders in flight; every step advances one of
// them (order_created -> order_paid or order_cancelled -> car_picked_up ->
// order_extended sometimes -> car_returned) or, one step in twelve, emits an
// outreach event (message_sent, coupon_issued) that no benchmark tag reads.
// A finished order is replaced by a new one for a user drawn uniformly from
// rows [first_row, first_row + rows) of the member table (member_model.h, ids
// "M" + 10 digits, the same users `tagloop_gen_users` writes).
//
// Deterministic: the same options give the same events (the event times are
// `base_time_ms` plus a fixed step per event, so only they depend on when the
// stream is made). Event ids are "<prefix>-<n>": streams with different
// prefixes never collide. Lines are about 250 bytes.
//
// Not thread-safe: one stream per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "member_model.h"

namespace tagloop::bench {

struct EventStreamOptions {
  uint64_t seed = 42;         // of the stream's choices
  uint64_t member_seed = 42;  // of the member ids (tagloop_gen_users --seed)
  uint64_t first_row = 0;     // users are rows [first_row, first_row + rows)
  uint64_t rows = 0;
  std::string prefix = "e";  // of event and order ids
  int64_t base_time_ms = 0;  // time of the first event (Unix ms)
  int64_t step_us = 250;     // event time step (4 events per millisecond)
  size_t orders_in_flight = 4096;
  // When set, marks the rows that got an order_paid (indexed by row; must
  // hold first_row + rows entries): the expected `orders_30d >= 1` count.
  std::vector<uint8_t>* paid = nullptr;
};

class EventStream {
 public:
  explicit EventStream(EventStreamOptions options);

  // Appends the next event as one NDJSON line ending in '\n'.
  void Next(std::string* out);
  // Appends `n` events (a batch body).
  void NextBatch(size_t n, std::string* out);
  // Appends one order_paid event for row `row` (the latency probes), or
  // for any user id (one the store does not know yet).
  void Paid(uint64_t row, std::string* out);
  void PaidBy(const std::string& user_id, std::string* out);

  uint64_t events() const { return events_; }

  // "M" + the 10-digit member number of `row`.
  std::string UserId(uint64_t row) const;

 private:
  struct Order {
    uint64_t row = 0;
    uint64_t number = 0;
    int stage =
        0;  // the next event: 0 created, 1 paid/cancelled, 2 picked up, 3 extended/returned, 4 returned
  };
  uint64_t Next64();
  uint64_t Below(uint64_t n);
  void NewOrder(Order* o);
  void Begin(const char* type, const std::string& user_id, std::string* out);
  void OrderProperties(const Order& o, bool with_amount, std::string* out);

  EventStreamOptions options_;
  MemberGenerator members_;
  uint64_t state_;
  uint64_t events_ = 0;
  uint64_t orders_ = 0;
  std::vector<Order> pool_;
};

}  // namespace tagloop::bench
