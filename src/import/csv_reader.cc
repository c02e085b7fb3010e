#include "import/csv_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "core/parallel.h"
#include "core/utf8.h"

namespace tagloop {

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7full;
constexpr uint64_t kHigh = 0x8080808080808080ull;

// How many bytes of `w` equal the byte broadcast in `pattern` (exact, no carries).
inline int CountEqualBytes(uint64_t w, uint64_t pattern) {
  const uint64_t x = w ^ pattern;
  const uint64_t t = ((x & kLow7) + kLow7) | x;
  return __builtin_popcountll(~t & kHigh);
}

struct ByteCounts {
  uint64_t quotes = 0;
  uint64_t line_feeds = 0;
};

ByteCounts CountQuotesAndLineFeeds(const char* p, size_t n) {
  ByteCounts c;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    c.quotes += static_cast<uint64_t>(CountEqualBytes(w, kOnes * '"'));
    c.line_feeds += static_cast<uint64_t>(CountEqualBytes(w, kOnes * '\n'));
  }
  for (; i < n; ++i) {
    c.quotes += p[i] == '"';
    c.line_feeds += p[i] == '\n';
  }
  return c;
}

// Bytes that end an unquoted field (or are not allowed in one).
constexpr std::array<bool, 256> kUnquotedStop = [] {
  std::array<bool, 256> t{};
  t[','] = t['\n'] = t['\r'] = t['"'] = true;
  return t;
}();

}  // namespace

CsvText::CsvText(std::string name, std::string_view bytes) : name_(std::move(name)), bytes_(bytes) {
  if (bytes_.starts_with("\xEF\xBB\xBF")) body_begin_ = 3;
}

TextPosition CsvText::Locate(const CsvChunk& chunk, size_t offset) const {
  offset = std::min(offset, bytes_.size());
  TextPosition pos;
  pos.line = chunk.first_line;
  size_t line_start = chunk.begin;
  for (size_t i = chunk.begin; i < offset; ++i) {
    if (bytes_[i] == '\n') ++pos.line, line_start = i + 1;
  }
  pos.column = offset - std::max(line_start, body_begin_) + 1;
  return pos;
}

Status CsvText::ErrorAt(const CsvChunk& chunk, size_t offset, std::string_view message) const {
  const TextPosition p = Locate(chunk, offset);
  return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", name_, p.line, p.column, message));
}

uint64_t CountLineFeeds(std::string_view bytes, size_t begin, size_t end) {
  return CountQuotesAndLineFeeds(bytes.data() + begin, end - begin).line_feeds;
}

std::vector<CsvChunk> SplitRows(const CsvText& text, size_t begin, uint64_t first_line, size_t target_bytes,
                                unsigned threads) {
  const std::string_view bytes = text.bytes();
  const size_t end = bytes.size();
  begin = std::min(begin, end);
  target_bytes = std::max<size_t>(target_bytes, 1);
  const size_t blocks = std::max<size_t>(1, (end - begin + target_bytes - 1) / target_bytes);
  auto block_begin = [&](size_t b) { return begin + b * target_bytes; };
  auto block_end = [&](size_t b) { return std::min(end, begin + (b + 1) * target_bytes); };

  // Pass 1 (parallel): quotes and line feeds per block.
  std::vector<ByteCounts> counts(blocks);
  const unsigned workers = static_cast<unsigned>(std::min<size_t>(threads, blocks));
  const size_t per_worker = (blocks + std::max(workers, 1u) - 1) / std::max(workers, 1u);
  ParallelFor(workers, (blocks + per_worker - 1) / per_worker, [&](size_t w) {
    for (size_t b = w * per_worker; b < std::min(blocks, (w + 1) * per_worker); ++b) {
      counts[b] = CountQuotesAndLineFeeds(bytes.data() + block_begin(b), block_end(b) - block_begin(b));
    }
  });

  // Pass 2: in each block, the first line feed outside quotes ends a chunk.
  // Each search stops at its block's end, so every byte is looked at once.
  std::vector<CsvChunk> chunks;
  CsvChunk current{begin, end, first_line};
  uint64_t quotes_before = 0, lines_before = 0;
  for (size_t b = 0; b < blocks; ++b) {
    if (b > 0) {
      bool in_quotes = quotes_before % 2 == 1;
      uint64_t line = first_line + lines_before;
      for (size_t i = block_begin(b); i < block_end(b); ++i) {
        const char c = bytes[i];
        if (c == '"') {
          in_quotes = !in_quotes;
        } else if (c == '\n') {
          ++line;
          if (!in_quotes) {
            if (i + 1 < end) {
              current.end = i + 1;
              chunks.push_back(current);
              current = CsvChunk{i + 1, end, line};
            }
            break;
          }
        }
      }
    }
    quotes_before += counts[b].quotes;
    lines_before += counts[b].line_feeds;
  }
  current.end = end;
  chunks.push_back(current);
  return chunks;
}

CsvRowReader::CsvRowReader(const CsvText& text, const CsvChunk& chunk, size_t expected_fields)
    : text_(text), chunk_(chunk), expected_fields_(expected_fields), pos_(chunk.begin) {
  fields_.reserve(expected_fields ? expected_fields : 16);
}

bool CsvRowReader::Fail(size_t offset, std::string_view message) {
  // A malformed UTF-8 byte earlier in the row is the first error.
  const size_t bad = FindInvalidUtf8(text_.bytes().substr(row_begin_, offset - row_begin_));
  if (bad != std::string_view::npos) return FailUtf8(row_begin_ + bad);
  status_ = text_.ErrorAt(chunk_, offset, message);
  pos_ = chunk_.end;
  return false;
}

bool CsvRowReader::FailUtf8(size_t offset) {
  status_ = text_.ErrorAt(
      chunk_, offset,
      fmt::format("invalid UTF-8 (byte 0x{:02X})", static_cast<unsigned char>(text_.bytes()[offset])));
  pos_ = chunk_.end;
  return false;
}

std::string* CsvRowReader::NextScratch() {
  if (scratch_used_ == scratch_.size()) scratch_.emplace_back();
  std::string* s = &scratch_[scratch_used_++];
  s->clear();
  return s;
}

bool CsvRowReader::Next() {
  if (!status_.ok() || pos_ >= chunk_.end) return false;
  const char* const base = text_.bytes().data();
  const char* const end = base + chunk_.end;
  const char* p = base + pos_;
  row_begin_ = pos_;
  fields_.clear();
  scratch_used_ = 0;
  const size_t limit = expected_fields_ ? expected_fields_ : kMaxCsvFields;
  size_t count = 0;        // fields seen, also past the limit
  size_t first_extra = 0;  // offset of field number limit+1
  for (;;) {
    const char* const start = p;
    CsvField field;
    field.offset = static_cast<size_t>(start - base);
    if (p < end && *p == '"') {
      ++p;
      const char* piece = p;
      std::string* unescaped = nullptr;
      for (;;) {
        const auto* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
        if (!q) return Fail(field.offset, "unterminated quoted field (no closing quote)");
        if (q + 1 < end && q[1] == '"') {  // "" stands for one quote
          if (!unescaped) unescaped = NextScratch();
          unescaped->append(piece, static_cast<size_t>(q + 1 - piece));
          p = piece = q + 2;
          continue;
        }
        if (unescaped) {
          unescaped->append(piece, static_cast<size_t>(q - piece));
          field.value = *unescaped;
          field.stable = false;
        } else {
          field.value = std::string_view(piece, static_cast<size_t>(q - piece));
        }
        p = q + 1;
        break;
      }
      if (p < end && *p != ',' && *p != '\n' && *p != '\r') {
        return Fail(static_cast<size_t>(p - base),
                    "unexpected character after a closing quote (expected ',' or a line break)");
      }
    } else {
      while (p < end && !kUnquotedStop[static_cast<unsigned char>(*p)]) ++p;
      if (p < end && *p == '"') {
        return Fail(static_cast<size_t>(p - base),
                    "quote inside an unquoted field (quote the whole field and double the quote)");
      }
      field.value = std::string_view(start, static_cast<size_t>(p - start));
    }
    if (count < limit) {
      fields_.push_back(field);
    } else if (count == limit) {
      first_extra = field.offset;
    }
    ++count;
    if (p == end) break;  // the last row of the text, without a line break
    if (*p == ',') {
      ++p;
      continue;
    }
    if (*p == '\r') {
      if (p + 1 == end || p[1] != '\n') {
        return Fail(static_cast<size_t>(p - base), "carriage return not followed by a line feed");
      }
      ++p;
    }
    ++p;  // the line feed
    break;
  }
  const size_t row_end = static_cast<size_t>(p - base);
  const size_t bad = FindInvalidUtf8(text_.bytes().substr(row_begin_, row_end - row_begin_));
  if (bad != std::string_view::npos) return FailUtf8(row_begin_ + bad);
  if (count > limit) {
    pos_ = row_end;
    return Fail(first_extra, expected_fields_ ? fmt::format("row has {} fields; the header has {}", count,
                                                            expected_fields_)
                                              : fmt::format("more than {} fields in a row", kMaxCsvFields));
  }
  if (expected_fields_ && count < expected_fields_) {
    // Point at the end of the row's text (before its line break).
    size_t at = row_end;
    if (at > row_begin_ && base[at - 1] == '\n') --at;
    if (at > row_begin_ && base[at - 1] == '\r') --at;
    return Fail(at, fmt::format("row has {} field{}; the header has {}", count, count == 1 ? "" : "s",
                                expected_fields_));
  }
  pos_ = row_end;
  return true;
}

}  // namespace tagloop
