// The `where` conditions of event rules (event_rule.h): matching an event.
#include <optional>
#include <string>
#include <string_view>

#include "events/event_rule.h"

namespace tagloop::events {

namespace {

// Three-way comparison of an event's value with an operand; nullopt when
// they are of different kinds (string, number, bool).
std::optional<int> Compare(const PropertyValue& a, const PropertyValue& b) {
  auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (const auto* s = std::get_if<std::string>(&a)) {
    const auto* t = std::get_if<std::string>(&b);
    if (t == nullptr) return std::nullopt;
    return sign(std::string_view(*s), std::string_view(*t));
  }
  if (const auto* x = std::get_if<bool>(&a)) {
    const auto* y = std::get_if<bool>(&b);
    if (y == nullptr) return std::nullopt;
    return sign(*x, *y);
  }
  if (std::holds_alternative<std::string>(b) || std::holds_alternative<bool>(b)) return std::nullopt;
  const auto* ia = std::get_if<int64_t>(&a);
  const auto* ib = std::get_if<int64_t>(&b);
  if (ia != nullptr && ib != nullptr) return sign(*ia, *ib);
  const double da = ia != nullptr ? static_cast<double>(*ia) : std::get<double>(a);
  const double db = ib != nullptr ? static_cast<double>(*ib) : std::get<double>(b);
  return sign(da, db);
}

bool Holds(const Condition& c, const PropertyValue& v) {
  if (c.op == CompareOp::kEq) {
    for (const PropertyValue& operand : c.values) {
      if (Compare(v, operand) == 0) return true;
    }
    return false;
  }
  std::optional<int> r = Compare(v, c.values.front());
  if (!r) return false;
  switch (c.op) {
    case CompareOp::kNe: return *r != 0;
    case CompareOp::kLt: return *r < 0;
    case CompareOp::kLe: return *r <= 0;
    case CompareOp::kGt: return *r > 0;
    case CompareOp::kGe: return *r >= 0;
    case CompareOp::kEq: break;
  }
  return false;
}

}  // namespace

bool MatchesWhere(const std::vector<Condition>& where, const Event& event) {
  for (const Condition& c : where) {
    const PropertyValue* v = event.Find(c.property);
    if (v == nullptr || !Holds(c, *v)) return false;
  }
  return true;
}

}  // namespace tagloop::events
