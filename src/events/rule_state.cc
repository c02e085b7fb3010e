#include "events/rule_state.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <utility>

#include "events/rule_state_impl.h"

namespace tagloop::events {

using internal::kMillisPerDay;

Days BusinessDateOf(int64_t time_ms, int utc_offset_minutes) {
  const int64_t local = time_ms + int64_t{utc_offset_minutes} * 60'000;
  int64_t days = local / kMillisPerDay;
  if (local % kMillisPerDay < 0) --days;
  return static_cast<Days>(days);
}

int64_t EndOfBusinessDateMillis(Days date, int utc_offset_minutes) {
  return (int64_t{date} + 1) * kMillisPerDay - int64_t{utc_offset_minutes} * 60'000 - 1;
}

namespace internal {

uint32_t& UserIndex::Ref(uint32_t user) {
  const size_t page = user >> kPageBits;
  if (page >= pages_.size()) pages_.resize(page + 1);
  if (pages_[page] == nullptr) {
    pages_[page] = std::make_unique<uint32_t[]>(size_t{1} << kPageBits);
    std::fill_n(pages_[page].get(), size_t{1} << kPageBits, kNoSlot);
    ++allocated_pages_;
  }
  return pages_[page][user & kPageMask];
}

std::optional<int64_t> ScaleDouble(double value, int scale) {
  if (!std::isfinite(value)) return std::nullopt;
  if (scale < 0 || scale > 18) return std::nullopt;
  const double y = value * static_cast<double>(kPow10[scale]);
  if (std::fabs(y) >= 9.2e18) return std::nullopt;
  const double magnitude = std::fabs(y);
  const double fraction = magnitude - std::floor(magnitude);
  // Far from a tie the product's rounding error cannot matter.
  if (std::fabs(fraction - 0.5) > std::max(1e-6, magnitude * 1e-15)) {
    return static_cast<int64_t>(std::round(y));
  }
  // Near a tie: round the shortest decimal text that reads back as `value`
  // ("d.ddde±x"), exactly in integers.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), std::fabs(value), std::chars_format::scientific);
  if (ec != std::errc()) return std::nullopt;
  int64_t mantissa = 0;
  int digits = 0;
  const char* p = buf;
  for (; p < end && *p != 'e'; ++p) {
    if (*p == '.') continue;
    mantissa = mantissa * 10 + (*p - '0');
    ++digits;
  }
  int exponent = 0;
  if (p < end) std::from_chars(p + 1 + (p[1] == '+'), end, exponent);
  const int shift = exponent - (digits - 1) + scale;  // result = mantissa x 10^shift
  int64_t out = 0;
  if (shift >= 0) {
    if (shift > 18 || __builtin_mul_overflow(mantissa, kPow10[shift], &out)) return std::nullopt;
  } else if (-shift <= 18) {
    const int64_t div = kPow10[-shift];
    out = mantissa / div + (2 * (mantissa % div) >= div ? 1 : 0);
  }  // else: below 10^-18 of a unit: rounds to 0
  return value < 0 ? -out : out;
}

}  // namespace internal

// --- RuleStateImpl ----------------------------------------------------------

RuleStateImpl::RuleStateImpl(EventRule rule, TagType type, int utc_offset_minutes)
    : rule_(std::move(rule)), type_(type), offset_minutes_(utc_offset_minutes) {}

int RuleStateImpl::IndexOf(const std::vector<std::string>& list, std::string_view type) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i] == type) return static_cast<int>(i);
  }
  return -1;
}

uint32_t RuleStateImpl::Intern(std::string_view text) {
  auto it = codes_.find(text);
  if (it != codes_.end()) return it->second;
  const auto code = static_cast<uint32_t>(texts_.size());
  texts_.emplace_back(text);
  codes_.emplace(texts_.back(), code);
  return code;
}

size_t RuleStateImpl::value_table_bytes() const {
  size_t bytes = texts_.capacity() * sizeof(std::string) + codes_.bucket_count() * sizeof(void*);
  for (const std::string& t : texts_) bytes += 2 * (t.capacity() + 1) + 32;  // text, key copy, node
  return bytes;
}

std::optional<int64_t> RuleStateImpl::NumberOf(const PropertyValue& value) const {
  if (type_.kind == TagKind::kDate) {
    if (const auto* ms = std::get_if<int64_t>(&value)) return DateOf(*ms);
    return std::nullopt;
  }
  const int scale = type_.kind == TagKind::kDecimal ? type_.scale : 0;
  if (const auto* i = std::get_if<int64_t>(&value)) {
    int64_t out;
    if (__builtin_mul_overflow(*i, internal::kPow10[scale], &out)) return std::nullopt;
    return out;
  }
  if (const auto* d = std::get_if<double>(&value)) return internal::ScaleDouble(*d, scale);
  return std::nullopt;
}

std::optional<int64_t> RuleStateImpl::RawOfProperty(const PropertyValue& value) {
  if (type_.kind == TagKind::kBool) {
    if (const auto* b = std::get_if<bool>(&value)) return *b ? 1 : 0;
    return std::nullopt;
  }
  if (type_.kind != TagKind::kEnum) return NumberOf(value);
  fmt::memory_buffer number;
  std::string_view text;
  if (const auto* s = std::get_if<std::string>(&value)) {
    text = *s;
  } else if (const auto* b = std::get_if<bool>(&value)) {
    text = *b ? "true" : "false";
  } else {
    std::visit([&](const auto& v) { fmt::format_to(std::back_inserter(number), "{}", v); }, value);
    text = std::string_view(number.data(), number.size());
  }
  if (text.empty()) return std::nullopt;  // an enum value is never empty
  if (!rule_.map.empty()) {
    if (auto it = rule_.map.find(text); it != rule_.map.end()) text = it->second;
  }
  return Intern(text);
}

TagValueChange RuleStateImpl::MakeChange(uint32_t user, bool has_value, int64_t raw) const {
  TagValueChange c;
  c.user = user;
  c.has_value = has_value;
  if (!has_value) return c;
  if (type_.kind == TagKind::kBool) {
    c.text = raw != 0 ? "true" : "false";
  } else if (type_.kind == TagKind::kEnum) {
    c.text = texts_[static_cast<size_t>(raw)];
  } else {
    c.number = raw;
  }
  return c;
}

namespace {

// latest: the value of the user's latest matching event.
class LatestState final : public RuleStateImpl {
 public:
  LatestState(EventRule rule, TagType type, int offset) : RuleStateImpl(std::move(rule), type, offset) {
    if (rule_.property == kTypeProperty) {
      for (const std::string& t : rule_.events) type_codes_.push_back(*RawOfProperty(PropertyValue(t)));
    }
  }
  void Apply(uint32_t user, const Event& e, std::vector<TagValueChange>* changes) override {
    const int index = IndexOf(rule_.events, e.type);
    if (index < 0 || !MatchesWhere(rule_.where, e)) return;
    int64_t raw;
    if (!type_codes_.empty()) {
      raw = type_codes_[static_cast<size_t>(index)];
    } else {
      const PropertyValue* v = e.Find(rule_.property);
      if (v == nullptr) return;
      std::optional<int64_t> r = RawOfProperty(*v);
      if (!r) return;
      raw = *r;
    }
    bool created;
    Slot& s = slots_.FindOrCreate(user, &created);
    if (!created && e.time_ms < s.time) return;  // ties: the later applied wins
    const bool changed = created || s.raw != raw;
    s = Slot{e.time_ms, raw};
    if (changed) Emit(changes, user, true, raw);
  }
  void ForEachRaw(const std::function<void(uint32_t, int64_t)>& fn) const override {
    slots_.ForEach([&](uint32_t user, const Slot& s) { fn(user, s.raw); });
  }
  std::optional<int64_t> RawOf(uint32_t user) const override {
    const Slot* s = slots_.Find(user);
    return s == nullptr ? std::nullopt : std::optional<int64_t>(s->raw);
  }
  size_t users() const override { return slots_.size(); }
  size_t memory_bytes() const override {
    return slots_.memory_bytes() + value_table_bytes() + type_codes_.capacity() * sizeof(int64_t);
  }

 private:
  struct Slot {
    int64_t time = 0;
    int64_t raw = 0;
  };
  std::vector<int64_t> type_codes_;  // $type: the code of each event type's (mapped) name
  internal::SlotTable<Slot> slots_;
};

// flag: true when the latest of the start/end events is a start.
class FlagState final : public RuleStateImpl {
 public:
  using RuleStateImpl::RuleStateImpl;
  void Apply(uint32_t user, const Event& e, std::vector<TagValueChange>* changes) override {
    const bool is_start = IndexOf(rule_.start, e.type) >= 0;
    if (!is_start && IndexOf(rule_.end, e.type) < 0) return;
    if (!MatchesWhere(rule_.where, e)) return;
    bool created;
    Slot& s = slots_.FindOrCreate(user, &created);
    const Slot before = s;
    if (created || e.time_ms >= s.time) {
      s.time = e.time_ms;
      s.latest_is_start = is_start;
    }
    s.started = s.started || is_start;
    if (s.started && (!before.started || before.latest_is_start != s.latest_is_start)) {
      Emit(changes, user, true, s.latest_is_start ? 1 : 0);
    }
  }
  void ForEachRaw(const std::function<void(uint32_t, int64_t)>& fn) const override {
    slots_.ForEach([&](uint32_t user, const Slot& s) {
      if (s.started) fn(user, s.latest_is_start ? 1 : 0);
    });
  }
  std::optional<int64_t> RawOf(uint32_t user) const override {
    const Slot* s = slots_.Find(user);
    if (s == nullptr || !s->started) return std::nullopt;
    return s->latest_is_start ? 1 : 0;
  }
  size_t users() const override { return slots_.size(); }
  size_t memory_bytes() const override { return slots_.memory_bytes(); }

 private:
  struct Slot {
    int64_t time = 0;              // of the latest start or end event
    bool latest_is_start = false;  // which one it was
    bool started = false;          // any start event seen
  };
  internal::SlotTable<Slot> slots_;
};

// first_time / last_time: the business date of the first / last matching event.
class TimeState final : public RuleStateImpl {
 public:
  using RuleStateImpl::RuleStateImpl;
  void Apply(uint32_t user, const Event& e, std::vector<TagValueChange>* changes) override {
    if (IndexOf(rule_.events, e.type) < 0 || !MatchesWhere(rule_.where, e)) return;
    bool created;
    int64_t& time = slots_.FindOrCreate(user, &created);
    const bool first = rule_.kind == RuleKind::kFirstTime;
    if (!created && (first ? e.time_ms >= time : e.time_ms <= time)) return;
    const bool changed = created || DateOf(time) != DateOf(e.time_ms);
    time = e.time_ms;
    if (changed) Emit(changes, user, true, DateOf(time));
  }
  void ForEachRaw(const std::function<void(uint32_t, int64_t)>& fn) const override {
    slots_.ForEach([&](uint32_t user, int64_t time) { fn(user, DateOf(time)); });
  }
  std::optional<int64_t> RawOf(uint32_t user) const override {
    const int64_t* time = slots_.Find(user);
    return time == nullptr ? std::nullopt : std::optional<int64_t>(DateOf(*time));
  }
  size_t users() const override { return slots_.size(); }
  size_t memory_bytes() const override { return slots_.memory_bytes(); }

 private:
  internal::SlotTable<int64_t> slots_;
};

}  // namespace

// --- RuleState --------------------------------------------------------------

RuleState::RuleState(EventRule rule, TagType type, int utc_offset_minutes) {
  switch (rule.kind) {
    case RuleKind::kLatest:
      impl_ = std::make_unique<LatestState>(std::move(rule), type, utc_offset_minutes);
      break;
    case RuleKind::kFlag:
      impl_ = std::make_unique<FlagState>(std::move(rule), type, utc_offset_minutes);
      break;
    case RuleKind::kFirstTime:
    case RuleKind::kLastTime:
      impl_ = std::make_unique<TimeState>(std::move(rule), type, utc_offset_minutes);
      break;
    default: impl_ = MakeWindowState(std::move(rule), type, utc_offset_minutes); break;
  }
}

RuleState::~RuleState() = default;
RuleState::RuleState(RuleState&&) noexcept = default;
RuleState& RuleState::operator=(RuleState&&) noexcept = default;

void RuleState::Apply(uint32_t user, const Event& event, std::vector<TagValueChange>* changes) {
  impl_->Apply(user, event, changes);
}

void RuleState::AdvanceTo(int64_t now_ms, std::vector<TagValueChange>* changes) {
  impl_->AdvanceTo(now_ms, changes);
}

int64_t RuleState::now() const { return impl_->now(); }

void RuleState::ForEachValue(const std::function<void(uint32_t, const TagValueChange&)>& fn) const {
  impl_->ForEachRaw([&](uint32_t user, int64_t raw) { fn(user, impl_->MakeChange(user, true, raw)); });
}

std::optional<TagValueChange> RuleState::ValueOf(uint32_t user) const {
  std::optional<int64_t> raw = impl_->RawOf(user);
  if (!raw) return std::nullopt;
  return impl_->MakeChange(user, true, *raw);
}

size_t RuleState::users() const { return impl_->users(); }
size_t RuleState::memory_bytes() const { return sizeof(RuleStateImpl) + impl_->memory_bytes(); }

}  // namespace tagloop::events
