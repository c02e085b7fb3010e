#include "produce/row_collector.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/bsi.h"

namespace tagloop {

namespace {

// "12.500" -> "12.5" for scale 1..: zeros past the scale carry no value
// (PostgreSQL's numeric keeps the column's scale in its text).
std::string_view TrimFractionZeros(std::string_view text, uint8_t scale) {
  size_t dot = text.find('.');
  if (dot == std::string_view::npos) return text;
  size_t end = text.size();
  while (end > dot + 1 + scale && text[end - 1] == '0') --end;
  if (end == dot + 1) --end;  // "12." -> "12"
  return text.substr(0, end);
}

// A timestamp's date part: "2026-11-23 10:00:00" and "2026-11-23T10:00Z" are that day.
std::string_view DatePart(std::string_view text) {
  if (text.size() > 10 && (text[10] == ' ' || text[10] == 'T')) return text.substr(0, 10);
  return text;
}

}  // namespace

Status RowCollector::Begin(int columns) {
  if (columns == 1 && type_.kind != TagKind::kBool) {
    return Status::InvalidArgument(fmt::format(
        "a tag of type {} needs (user_id, value) rows; the query returns only one column (user_id alone is for bool tags)",
        type_.ToString()));
  }
  if (columns != 1 && columns != 2) {
    return Status::InvalidArgument(
        fmt::format("a tag query returns (user_id, value) or user_id alone; this one returns {} columns", columns));
  }
  columns_ = columns;
  return Status::Ok();
}

Status RowCollector::Rows(std::span<const SourceRow> rows) {
  for (const SourceRow& r : rows) {
    TAGLOOP_RETURN_IF_ERROR(AddRow(r.user_id, r.value, r.value_null));
  }
  return Status::Ok();
}

Status RowCollector::Fail(std::string_view user_id, std::string_view what) const {
  return Status::InvalidArgument(fmt::format("row {} (user '{}'): {}", rows_, user_id, what));
}

Result<uint32_t> RowCollector::ValueCode(std::string_view value) {
  auto it = value_codes_.find(std::string(value));
  if (it != value_codes_.end()) return it->second;
  if (value.empty()) return Status::InvalidArgument("an empty value (use NULL for no value)");
  if (value_names_.size() >= (size_t{1} << 24) - 1) {
    return Status::InvalidArgument("more than 16,777,215 distinct values");
  }
  uint32_t code = static_cast<uint32_t>(value_names_.size());
  value_names_.emplace_back(value);
  value_codes_.emplace(value_names_.back(), code);
  return code;
}

Status RowCollector::AddRow(std::string_view user_id, std::string_view value, bool value_null) {
  ++rows_;
  if (columns_ == 2 && value_null) {
    ++null_rows_;
    return Status::Ok();
  }
  int64_t stored = 0;
  if (type_.kind == TagKind::kBool) {
    bool b = true;
    if (columns_ == 2) {
      std::string_view v = value == "t" ? "true" : value == "f" ? "false" : value;
      Result<bool> parsed = ParseBoolValue(v);
      if (!parsed.ok()) return Fail(user_id, parsed.status().message());
      b = *parsed;
    }
    Result<uint32_t> code = ValueCode(b ? "true" : "false");
    if (!code.ok()) return Fail(user_id, code.status().message());
    stored = *code;
  } else if (type_.is_categorical()) {
    Result<uint32_t> code = ValueCode(value);
    if (!code.ok()) return Fail(user_id, code.status().message());
    stored = *code;
  } else {
    std::string_view text = value;
    if (type_.kind == TagKind::kDecimal) text = TrimFractionZeros(text, type_.scale);
    if (type_.kind == TagKind::kDate) text = DatePart(text);
    Result<int64_t> parsed = ParseNumericValue(type_, text);
    if (!parsed.ok()) return Fail(user_id, parsed.status().message());
    stored = *parsed;
  }
  ids_.append(user_id);
  id_offsets_.push_back(ids_.size());
  row_numbers_.push_back(rows_);
  values_.push_back(stored);
  return Status::Ok();
}

Result<TagVersionContent> RowCollector::Finish(StoreWriter& writer, Days date, unsigned threads) {
  size_t n = values_.size();
  std::vector<std::string_view> ids(n);
  for (size_t i = 0; i < n; ++i) {
    ids[i] = std::string_view(ids_).substr(id_offsets_[i], id_offsets_[i + 1] - id_offsets_[i]);
  }
  std::vector<uint32_t> users;
  Status interned = writer.InternUsers(ids, &users, threads);
  if (!interned.ok()) return Status::InvalidArgument(fmt::format("user ids: {}", interned.message()));

  // One value per user, except set tags (where a repeated pair is harmless).
  if (type_.kind != TagKind::kSet) {
    std::vector<uint64_t> seen((writer.user_count() + 63) / 64);
    for (size_t i = 0; i < n; ++i) {
      uint64_t bit = uint64_t{1} << (users[i] & 63);
      uint64_t& word = seen[users[i] >> 6];
      if ((word & bit) == 0) {
        word |= bit;
        continue;
      }
      size_t first = static_cast<size_t>(std::find(users.begin(), users.end(), users[i]) - users.begin());
      auto shown = [&](size_t k) {
        return type_.is_numeric() ? FormatNumericValue(type_, values_[k]) : value_names_[values_[k]];
      };
      return Status::InvalidArgument(fmt::format(
          "user '{}' has two values: '{}' (row {}) and '{}' (row {}); a tag of type {} holds one value per user", ids[i],
          shown(first), row_numbers_[first], shown(i), row_numbers_[i], type_.ToString()));
    }
  }

  TagVersionContent content;
  content.type = type_;
  content.date = date;
  if (type_.is_numeric()) {
    content.bsi = BuildBsi(users, values_);
  } else {
    std::vector<std::vector<uint32_t>> per_value(value_names_.size());
    for (size_t i = 0; i < n; ++i) per_value[static_cast<size_t>(values_[i])].push_back(users[i]);
    for (size_t code = 0; code < per_value.size(); ++code) {
      std::vector<uint32_t>& u = per_value[code];
      if (u.empty()) continue;
      std::sort(u.begin(), u.end());
      u.erase(std::unique(u.begin(), u.end()), u.end());
      content.values.push_back(value_names_[code]);
      content.value_users.push_back(Bitmap::Of(u));
      std::vector<uint32_t>().swap(u);
    }
  }
  ids_.clear();
  ids_.shrink_to_fit();
  std::vector<int64_t>().swap(values_);
  return content;
}

}  // namespace tagloop
