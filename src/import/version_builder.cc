#include "import/version_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace tagloop {

namespace {

TagVersionContent BuildNumeric(TagVersionContent c, size_t column, std::span<ParsedChunk> chunks,
                               std::span<const uint32_t> users, std::span<const uint64_t> row_base) {
  size_t total = 0;
  for (const ParsedChunk& p : chunks) total += p.columns[column].numbers.size();
  std::vector<uint32_t> value_users;
  std::vector<int64_t> values;
  value_users.reserve(total);
  values.reserve(total);
  for (size_t k = 0; k < chunks.size(); ++k) {
    ColumnValues& col = chunks[k].columns[column];
    const uint32_t* row_users = users.data() + row_base[k];
    for (uint32_t r : col.rows) value_users.push_back(row_users[r]);
    values.insert(values.end(), col.numbers.begin(), col.numbers.end());
    col = ColumnValues();  // release
  }
  c.bsi = BuildBsi(value_users, values);
  return c;
}

Result<TagVersionContent> BuildCategorical(TagVersionContent c, const WideColumn& tag, size_t column,
                                           std::span<ParsedChunk> chunks, std::span<const uint32_t> users,
                                           std::span<const uint64_t> row_base) {
  // One dictionary for the whole column; chunk codes map into it.
  ValueDictionary all;
  std::vector<std::vector<uint32_t>> remap(chunks.size());
  for (size_t k = 0; k < chunks.size(); ++k) {
    const ValueDictionary& d = chunks[k].columns[column].dictionary;
    remap[k].resize(d.size());
    for (uint32_t code = 0; code < d.size(); ++code) remap[k][code] = all.Intern(d.value(code), true);
  }
  if (all.size() > kMaxTagValues) {
    return Status::InvalidArgument(
        fmt::format("column \"{}\" has {} distinct values; a version holds at most {}", tag.name, all.size(),
                    kMaxTagValues));
  }
  // Counting sort of the users by value, keeping file order within a value.
  std::vector<uint64_t> start(all.size() + 1, 0);
  for (size_t k = 0; k < chunks.size(); ++k) {
    for (uint32_t code : chunks[k].columns[column].codes) ++start[remap[k][code] + 1];
  }
  for (size_t v = 0; v < all.size(); ++v) start[v + 1] += start[v];
  std::vector<uint32_t> by_value(start.back());
  std::vector<uint64_t> fill(start.begin(), start.end() - 1);
  for (size_t k = 0; k < chunks.size(); ++k) {
    const ColumnValues& col = chunks[k].columns[column];
    const uint32_t* row_users = users.data() + row_base[k];
    for (size_t i = 0; i < col.codes.size(); ++i) {
      by_value[fill[remap[k][col.codes[i]]]++] = row_users[col.rows[i]];
    }
  }
  for (uint32_t v = 0; v < all.size(); ++v) {
    if (start[v] == start[v + 1]) continue;  // bool: a value no row has
    c.values.emplace_back(all.value(v));
    auto first = by_value.begin() + static_cast<std::ptrdiff_t>(start[v]);
    auto last = by_value.begin() + static_cast<std::ptrdiff_t>(start[v + 1]);
    if (!std::is_sorted(first, last)) std::sort(first, last);
    c.value_users.push_back(
        Bitmap::Of(std::span<const uint32_t>(&*first, static_cast<size_t>(last - first))));
  }
  // The values are copied; now the parsed column can go.
  for (ParsedChunk& p : chunks) p.columns[column] = ColumnValues();
  return c;
}

}  // namespace

Result<TagVersionContent> BuildVersionContent(const WideColumn& tag, size_t column, Days date,
                                              std::span<ParsedChunk> chunks, std::span<const uint32_t> users,
                                              std::span<const uint64_t> row_base) {
  TagVersionContent c;
  c.type = tag.type;
  c.date = date;
  if (tag.type.is_numeric()) return BuildNumeric(std::move(c), column, chunks, users, row_base);
  return BuildCategorical(std::move(c), tag, column, chunks, users, row_base);
}

}  // namespace tagloop
