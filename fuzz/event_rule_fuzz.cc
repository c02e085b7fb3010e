// Fuzzes the event rule reader (events/event_rule.h) and the rule state it
// drives: arbitrary JSON is accepted or rejected with InvalidArgument for
// each tag type, with and without the built-in event types; an accepted
// rule then takes a few events derived from the input and advances its
// clock without crashing, and its values agree with ValueOf.
// Seeds: fuzz/corpus/event_rule/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "events/event_rule.h"
#include "events/event_types.h"
#include "events/rule_state.h"

namespace {

void Exercise(const tagloop::events::EventRule& rule, const tagloop::TagType& type, const uint8_t* data,
              size_t size) {
  using namespace tagloop::events;
  RuleState state(rule, type, 480);
  std::vector<TagValueChange> changes;
  const char* types[] = {"order_paid", "order_created", "car_picked_up", "car_returned", "order_cancelled"};
  int64_t t = 1'790'000'000'000;
  for (size_t i = 0; i < size && i < 64; ++i) {
    Event e;
    e.event_id = std::to_string(i);
    e.type = types[data[i] % 5];
    e.user_id = "u";
    e.time_ms = t + int64_t{data[i]} * 3'600'000 * 24;
    e.properties = {{"amount", double(data[i]) / 7}, {"city", std::string(data[i] % 2 ? "上海" : "北京")},
                    {"order_id", std::string("o")}};
    state.Apply(data[i] % 4, e, &changes);
    if (data[i] % 3 == 0) state.AdvanceTo(e.time_ms + int64_t{data[i]} * 86'400'000, &changes);
  }
  state.ForEachValue([&](uint32_t user, const TagValueChange& v) {
    auto again = state.ValueOf(user);
    if (!again || !(*again == v)) std::abort();
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  static const auto registry = tagloop::events::EventTypeRegistry::BuiltinOnly();
  for (const char* type_text : {"enum", "bool", "int", "decimal:2", "date"}) {
    const tagloop::TagType type = *tagloop::TagType::Parse(type_text);
    for (bool realtime : {true, false}) {
      const tagloop::events::EventTypeRegistry* const registries[] = {nullptr, registry.get()};
      for (const tagloop::events::EventTypeRegistry* types : registries) {
        auto rule = tagloop::events::ParseEventRule(json, type, realtime, types);
        if (!rule.ok()) {
          if (rule.status().code() != tagloop::Status::Code::kInvalidArgument) std::abort();
          continue;
        }
        Exercise(*rule, type, data, size);
      }
    }
  }
  return 0;
}
