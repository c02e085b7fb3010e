#include "source/sql_template.h"

#include <fmt/format.h>

namespace tagloop {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

enum class TemplateParam { kDate, kDateNodash, kMonth };

// Adds `months` to the month of `days` (the day of the month is irrelevant:
// only "YYYY-MM" is printed).
std::string ShiftedMonth(Days days, int64_t months) {
  std::string ymd = FormatDate(days);
  int64_t year = std::stoi(ymd.substr(0, 4));
  int64_t month = std::stoi(ymd.substr(5, 2)) - 1 + months;
  year += month >= 0 ? month / 12 : -((-month + 11) / 12);
  month = ((month % 12) + 12) % 12;
  if (year < 1 || year > 9999) return "";
  return fmt::format("{:04}-{:02}", year, month + 1);
}

}  // namespace

Result<std::string> ExpandSqlTemplate(std::string_view sql, Days biz_date) {
  static constexpr Days kMinDay = -719162;  // 0001-01-01
  static constexpr Days kMaxDay = 2932896;  // 9999-12-31
  std::string out;
  out.reserve(sql.size() + 16);
  size_t i = 0;
  while (i < sql.size()) {
    size_t open = sql.find("{{", i);
    if (open == std::string_view::npos) break;
    size_t p = open + 2;
    auto skip_spaces = [&] {
      while (p < sql.size() && (sql[p] == ' ' || sql[p] == '\t')) ++p;
    };
    skip_spaces();
    if (p >= sql.size() || !IsAlpha(sql[p])) {  // not a parameter: keep "{{" as text
      out.append(sql.substr(i, open + 2 - i));
      i = open + 2;
      continue;
    }
    auto error = [&](std::string_view what) {
      return Status::InvalidArgument(fmt::format("query template: {} at position {}", what, open), open);
    };
    size_t name_begin = p;
    while (p < sql.size() && (IsAlpha(sql[p]) || IsDigit(sql[p]) || sql[p] == '_')) ++p;
    std::string_view name = sql.substr(name_begin, p - name_begin);
    TemplateParam param;
    if (name == "biz_date") {
      param = TemplateParam::kDate;
    } else if (name == "biz_date_nodash") {
      param = TemplateParam::kDateNodash;
    } else if (name == "biz_month") {
      param = TemplateParam::kMonth;
    } else {
      return error(fmt::format("unknown parameter '{}' (expected biz_date, biz_date_nodash or biz_month)",
                               name.substr(0, 64)));
    }
    skip_spaces();
    int64_t shift = 0;
    if (p < sql.size() && (sql[p] == '+' || sql[p] == '-')) {
      int sign = sql[p] == '-' ? -1 : 1;
      ++p;
      skip_spaces();
      size_t digits = 0;
      while (p < sql.size() && IsDigit(sql[p])) {
        if (++digits > 5) return error("shift too large (at most 99999)");
        shift = shift * 10 + (sql[p] - '0');
        ++p;
      }
      if (digits == 0) return error(fmt::format("'{}' needs a number after + or -", name));
      shift *= sign;
      skip_spaces();
    }
    if (sql.substr(p, 2) != "}}") return error("malformed parameter (expected '}}')");
    p += 2;
    std::string value;
    if (param == TemplateParam::kMonth) {
      value = ShiftedMonth(biz_date, shift);
      if (value.empty()) return error("shifted month outside years 1..9999");
    } else {
      int64_t day = int64_t{biz_date} + shift;
      if (day < kMinDay || day > kMaxDay) return error("shifted date outside years 1..9999");
      value = FormatDate(static_cast<Days>(day));
      if (param == TemplateParam::kDateNodash)
        value = value.substr(0, 4) + value.substr(5, 2) + value.substr(8, 2);
    }
    out.append(sql.substr(i, open - i));
    out += value;
    i = p;
  }
  out.append(sql.substr(i));
  return out;
}

namespace {

// Where the next "{{ table }}" starts at or after `from` (npos when none);
// *length gets its length.
size_t FindTableReference(std::string_view text, std::string_view table, size_t from, size_t* length) {
  for (size_t open = text.find("{{", from); open != std::string_view::npos; open = text.find("{{", open + 1)) {
    size_t p = open + 2;
    auto blanks = [&] {
      while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
    };
    blanks();
    if (text.substr(p, table.size()) != table) continue;
    p += table.size();
    blanks();
    if (text.substr(p, 2) != "}}") continue;
    *length = p + 2 - open;
    return open;
  }
  return std::string_view::npos;
}

}  // namespace

Result<std::vector<std::string>> ExpandTableTemplate(std::string_view query_template, std::string_view table,
                                                     Days biz_date) {
  std::vector<std::string_view> raw;
  std::string blanked(query_template);  // references as blanks: same positions for errors
  size_t start = 0, length = 0;
  for (size_t at = FindTableReference(query_template, table, 0, &length); at != std::string_view::npos;
       at = FindTableReference(query_template, table, start, &length)) {
    raw.push_back(query_template.substr(start, at - start));
    blanked.replace(at, length, length, ' ');
    start = at + length;
  }
  raw.push_back(query_template.substr(start));
  // Checks the whole text once, so an error's position is the template's.
  Result<std::string> whole = ExpandSqlTemplate(blanked, biz_date);
  if (!whole.ok()) return whole.status();
  if (raw.size() == 1) return std::vector<std::string>{std::move(*whole)};
  std::vector<std::string> pieces;
  pieces.reserve(raw.size());
  for (std::string_view piece : raw) {
    // A parameter never spans a reference, so each piece expands alone.
    TAGLOOP_ASSIGN_OR_RETURN(std::string expanded, ExpandSqlTemplate(piece, biz_date));
    pieces.push_back(std::move(expanded));
  }
  return pieces;
}

}  // namespace tagloop
