// Profile look-ups: every tag value of one user, as of a date. Reads each
// tag's version in force through its forward column (one field per tag), so
// a look-up costs O(tags), independent of the number of users or values.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "store/tag_store.h"

namespace tagloop {

struct TagValue {
  TagType type;
  Days version = 0;                 // business date of the version read
  std::vector<std::string> values;  // one value; several for set tags
};

struct Profile {
  std::string external_id;
  uint32_t user = 0;                      // dense id
  std::map<std::string, TagValue> tags;   // only tags with a value
};

// NotFound when the external id is unknown or the user was deleted.
// Thread-safe.
Result<Profile> LookupProfile(const Snapshot& snapshot, std::string_view external_id, Days as_of);

}  // namespace tagloop
