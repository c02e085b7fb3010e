#include "insight/segment_export.h"

#include <fmt/format.h>

#include <set>

#include "core/utf8.h"
#include "store/user_dictionary.h"

namespace tagloop {

namespace {

constexpr uint32_t kBatchUsers = 1024;
constexpr std::string_view kMasked = "***";

// A JSON string literal; bytes that are not valid UTF-8 become U+FFFD (the
// store validates text on the way in, this is defence in depth).
void AppendJsonText(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      size_t j = i + 1;
      while (j < s.size()) {
        auto d = static_cast<unsigned char>(s[j]);
        if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\') break;
        ++j;
      }
      out.append(s.data() + i, j - i);
      i = j;
      continue;
    }
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out += fmt::format("\\u{:04x}", c);
      }
      ++i;
      continue;
    }
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (n > 1 && i + n <= s.size() && FindInvalidUtf8(s.substr(i, n)) == std::string_view::npos) {
      out.append(s.data() + i, n);
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  out.push_back('"');
}

bool NeedsCsvQuotes(std::string_view v) {
  for (char c : v) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

}  // namespace

void AppendCsvField(std::string& out, std::string_view value) {
  if (!NeedsCsvQuotes(value)) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

const char* ExportFormatName(ExportFormat format) { return format == ExportFormat::kCsv ? "csv" : "ndjson"; }

Result<ExportFormat> ParseExportFormat(std::string_view text) {
  if (text == "csv") return ExportFormat::kCsv;
  if (text == "ndjson") return ExportFormat::kNdjson;
  return Status::InvalidArgument(fmt::format("format: '{}' is not one of csv, ndjson", text.substr(0, 64)));
}

Result<std::vector<ExportColumn>> ResolveExportColumns(const Snapshot& snapshot, std::span<const std::string> tags,
                                                       Days as_of) {
  if (tags.size() > kMaxExportColumns) {
    return Status::InvalidArgument(
        fmt::format("columns: {} tags named; at most {} per export", tags.size(), kMaxExportColumns));
  }
  std::set<std::string_view> seen;
  std::vector<ExportColumn> columns;
  columns.reserve(tags.size());
  for (const std::string& tag : tags) {
    if (tag == "user_id") return Status::InvalidArgument("columns: 'user_id' is the id column's name");
    if (!seen.insert(tag).second) return Status::InvalidArgument(fmt::format("columns: '{}' is named twice", tag));
    const TagInfo* info = snapshot.FindTag(tag);
    if (info == nullptr) return Status::InvalidArgument(fmt::format("columns: unknown tag '{}'", tag.substr(0, 128)));
    ExportColumn column;
    column.tag = tag;
    column.type = info->type;
    if (const VersionInfo* v = info->VersionAsOf(as_of)) {
      TAGLOOP_ASSIGN_OR_RETURN(column.version, snapshot.OpenVersion(*info, *v));
    }
    columns.push_back(std::move(column));
  }
  return columns;
}

SegmentExportWriter::SegmentExportWriter(std::shared_ptr<const Snapshot> snapshot, const UserDictionary* dictionary,
                                         Bitmap users, std::vector<ExportColumn> columns, ExportFormat format,
                                         uint64_t limit)
    : snapshot_(std::move(snapshot)),
      dictionary_(dictionary),
      users_(std::move(users)),
      columns_(std::move(columns)),
      format_(format),
      batch_(kBatchUsers),
      cells_(columns_.size()),
      ends_(columns_.size()) {
  total_ = users_.cardinality();
  for (const ExportColumn& c : columns_) {  // NDJSON: ,"tag": before each value
    std::string& key = keys_.emplace_back(",");
    AppendJsonText(key, c.tag);
    key.push_back(':');
  }
  if (limit > 0 && limit < total_) total_ = limit;
  roaring_init_iterator(users_.get(), &it_);
}

void SegmentExportWriter::WriteHeader(std::string& out) {
  if (format_ != ExportFormat::kCsv) return;
  out += "user_id";
  for (const ExportColumn& c : columns_) {
    out.push_back(',');
    AppendCsvField(out, c.tag);
  }
  out.push_back('\n');
}

void SegmentExportWriter::ReadColumn(size_t c, std::span<const uint32_t> users) {
  const ExportColumn& column = columns_[c];
  std::string& cells = cells_[c];
  std::vector<uint32_t>& ends = ends_[c];
  cells.clear();
  ends.clear();
  const bool csv = format_ == ExportFormat::kCsv;
  if (column.masked || column.version == nullptr) {
    std::string_view fixed = column.masked ? (csv ? kMasked : std::string_view("\"***\"")) : (csv ? "" : "null");
    for (size_t i = 0; i < users.size(); ++i) {
      cells.append(fixed);
      ends.push_back(static_cast<uint32_t>(cells.size()));
    }
    return;
  }
  const TagVersion& version = *column.version;
  const TagKind kind = column.type.kind;
  for (uint32_t user : users) {
    version.ValuesOf(user, &values_);
    if (values_.empty()) {
      if (!csv) cells += "null";
    } else if (csv) {
      if (kind == TagKind::kSet && values_.size() > 1) {
        std::string joined = values_[0];
        for (size_t v = 1; v < values_.size(); ++v) (joined += '|') += values_[v];
        AppendCsvField(cells, joined);
      } else {
        AppendCsvField(cells, values_[0]);
      }
    } else {
      switch (kind) {
        case TagKind::kBool:
        case TagKind::kInt:
        case TagKind::kDecimal: cells += values_[0]; break;  // JSON literals as stored: true, -3, 12.50
        case TagKind::kSet:
          cells.push_back('[');
          for (size_t v = 0; v < values_.size(); ++v) {
            if (v > 0) cells.push_back(',');
            AppendJsonText(cells, values_[v]);
          }
          cells.push_back(']');
          break;
        case TagKind::kEnum:
        case TagKind::kDate: AppendJsonText(cells, values_[0]); break;
      }
    }
    ends.push_back(static_cast<uint32_t>(cells.size()));
  }
}

bool SegmentExportWriter::Next(std::string& out, size_t min_bytes) {
  if (!header_done_) {
    WriteHeader(out);
    header_done_ = true;
  }
  const bool csv = format_ == ExportFormat::kCsv;
  while (written_ < total_ && out.size() < min_bytes) {
    uint32_t want = static_cast<uint32_t>(std::min<uint64_t>(total_ - written_, kBatchUsers));
    uint32_t n = roaring_read_uint32_iterator(&it_, batch_.data(), want);
    if (n == 0) {
      total_ = written_;
      break;
    }
    std::span<const uint32_t> users(batch_.data(), n);
    for (size_t c = 0; c < columns_.size(); ++c) ReadColumn(c, users);
    for (uint32_t i = 0; i < n; ++i) {
      std::string_view id = dictionary_->ExternalId(users[i]);
      if (csv) {
        AppendCsvField(out, id);
      } else {
        out += "{\"user_id\":";
        AppendJsonText(out, id);
      }
      for (size_t c = 0; c < columns_.size(); ++c) {
        const std::vector<uint32_t>& ends = ends_[c];
        uint32_t begin = i == 0 ? 0 : ends[i - 1];
        if (csv) {
          out.push_back(',');
        } else {
          out += keys_[c];
        }
        out.append(cells_[c], begin, ends[i] - begin);
      }
      if (!csv) out.push_back('}');
      out.push_back('\n');
    }
    written_ += n;
  }
  return written_ < total_;
}

}  // namespace tagloop
