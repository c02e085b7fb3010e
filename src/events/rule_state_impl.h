// Internals of RuleState (rule_state.h), shared by rule_state.cc (latest,
// flag, first/last time) and rule_window.cc (count, sum, avg, min, max).
// Not part of the API.
//
// Every rule keeps a "raw" int64 per user: the stored number of a numeric
// tag, 0/1 for bool, or the code of an enum value in the state's value
// table. RuleStateImpl turns raw values into TagValueChange.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "events/rule_state.h"

namespace tagloop::events {

namespace internal {

inline constexpr uint32_t kNoSlot = std::numeric_limits<uint32_t>::max();
inline constexpr int64_t kNoClock = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMillisPerDay = 86'400'000;
// 10^0 .. 10^18.
inline constexpr std::array<int64_t, 19> kPow10 = [] {
  std::array<int64_t, 19> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}();

// Dense user id -> slot number. Pages of 4096 ids are allocated when a user
// of theirs first gets a slot, so a few users spread over 10M ids cost a
// few pages, and every id in use costs 4 bytes at most.
class UserIndex {
 public:
  uint32_t Find(uint32_t user) const {
    const size_t page = user >> kPageBits;
    if (page >= pages_.size() || pages_[page] == nullptr) return kNoSlot;
    return pages_[page][user & kPageMask];
  }
  uint32_t& Ref(uint32_t user);  // kNoSlot when the user has none yet
  size_t memory_bytes() const {
    return pages_.capacity() * sizeof(pages_[0]) + allocated_pages_ * (sizeof(uint32_t) << kPageBits);
  }

 private:
  static constexpr int kPageBits = 12;
  static constexpr uint32_t kPageMask = (1u << kPageBits) - 1;
  std::vector<std::unique_ptr<uint32_t[]>> pages_;
  size_t allocated_pages_ = 0;
};

// Per-user slots of type Slot, reused through a free list.
template <typename Slot>
class SlotTable {
 public:
  Slot* Find(uint32_t user) {
    const uint32_t s = index_.Find(user);
    return s == kNoSlot ? nullptr : &slots_[s];
  }
  const Slot* Find(uint32_t user) const {
    const uint32_t s = index_.Find(user);
    return s == kNoSlot ? nullptr : &slots_[s];
  }
  // The user's slot, value-initialized and *created = true when new. The
  // reference is valid until the next FindOrCreate.
  Slot& FindOrCreate(uint32_t user, bool* created) {
    uint32_t& s = index_.Ref(user);
    *created = s == kNoSlot;
    if (*created) {
      if (free_.empty()) {
        s = static_cast<uint32_t>(slots_.size());
        slots_.emplace_back();
        owners_.push_back(user);
      } else {
        s = free_.back();
        free_.pop_back();
        owners_[s] = user;
      }
    }
    return slots_[s];
  }
  void Erase(uint32_t user) {
    uint32_t& s = index_.Ref(user);
    if (s == kNoSlot) return;
    slots_[s] = Slot{};
    owners_[s] = kNoSlot;
    free_.push_back(s);
    s = kNoSlot;
  }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (owners_[i] != kNoSlot) fn(owners_[i], slots_[i]);
    }
  }
  size_t size() const { return slots_.size() - free_.size(); }
  size_t memory_bytes() const {
    return index_.memory_bytes() + slots_.capacity() * sizeof(Slot) +
           (owners_.capacity() + free_.capacity()) * sizeof(uint32_t);
  }

 private:
  UserIndex index_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> owners_;  // slot -> user, kNoSlot when free
  std::vector<uint32_t> free_;
};

// `value` x 10^scale rounded half away from zero, deciding ties on the
// shortest decimal text of `value` (0.285 at scale 2 is 29, although the
// double is 0.28499999...). nullopt when not finite or out of int64.
std::optional<int64_t> ScaleDouble(double value, int scale);

}  // namespace internal

class RuleStateImpl {
 public:
  RuleStateImpl(EventRule rule, TagType type, int utc_offset_minutes);
  virtual ~RuleStateImpl() = default;

  virtual void Apply(uint32_t user, const Event& event, std::vector<TagValueChange>* changes) = 0;
  // Called with now > now_; now_ is already updated.
  virtual void Expire(std::vector<TagValueChange>* changes) {}
  virtual void ForEachRaw(const std::function<void(uint32_t user, int64_t raw)>& fn) const = 0;
  virtual std::optional<int64_t> RawOf(uint32_t user) const = 0;
  virtual size_t users() const = 0;
  virtual size_t memory_bytes() const = 0;

  void AdvanceTo(int64_t now_ms, std::vector<TagValueChange>* changes) {
    if (now_ms <= now_) return;
    now_ = now_ms;
    Expire(changes);
  }
  int64_t now() const { return now_; }
  TagValueChange MakeChange(uint32_t user, bool has_value, int64_t raw) const;
  size_t value_table_bytes() const;

 protected:
  // The index of `type` in `list`, or -1.
  static int IndexOf(const std::vector<std::string>& list, std::string_view type);
  Days DateOf(int64_t time_ms) const { return BusinessDateOf(time_ms, offset_minutes_); }
  // The raw value of a property for this tag: numbers scaled for int and
  // decimal, a time as its business date for date, a bool as 0/1, text
  // (mapped, interned) for enum. nullopt when the value does not fit.
  std::optional<int64_t> RawOfProperty(const PropertyValue& value);
  // Numeric only (int/decimal scaled, date from a time).
  std::optional<int64_t> NumberOf(const PropertyValue& value) const;
  uint32_t Intern(std::string_view text);
  void Emit(std::vector<TagValueChange>* changes, uint32_t user, bool has_value, int64_t raw) const {
    changes->push_back(MakeChange(user, has_value, raw));
  }

  const EventRule rule_;
  const TagType type_;
  const int offset_minutes_;
  int64_t now_ = internal::kNoClock;

 private:
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> texts_;  // enum value code -> text
  std::unordered_map<std::string, uint32_t, TextHash, std::equal_to<>> codes_;
};

std::unique_ptr<RuleStateImpl> MakeWindowState(EventRule rule, TagType type, int utc_offset_minutes);

}  // namespace tagloop::events
