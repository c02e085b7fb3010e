#include "events/event.h"

#include <algorithm>

namespace tagloop::events {

const char* PropertyTypeName(PropertyType type) {
  switch (type) {
    case PropertyType::kString: return "string";
    case PropertyType::kInt: return "int";
    case PropertyType::kNumber: return "number";
    case PropertyType::kBool: return "bool";
    case PropertyType::kTime: return "time";
  }
  return "?";
}

const PropertyValue* Event::Find(std::string_view name) const {
  auto it = std::lower_bound(properties.begin(), properties.end(), name,
                             [](const auto& p, std::string_view n) { return p.first < n; });
  return it != properties.end() && it->first == name ? &it->second : nullptr;
}

}  // namespace tagloop::events
