// The synthetic car-rental member table of the benchmarks: its 24 tag columns
// (every tag type of the SPEC), and a deterministic row generator.
//
// Row i depends only on (seed, salt, i), through integer arithmetic alone
// (splitmix64, no floating point, no std:: distributions), so the same
// arguments give byte-identical output on any machine, and rows can be made in
// any order or in parallel. `salt` changes every value but not the ids: it
// makes "a new version of a column" for the same users.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tagloop::bench {

// Appends "YYYY-MM-DD" of `days` since 1970-01-01 (core/date.h parses and
// formats dates elsewhere; this is the generator's allocation-free path).
void AppendYmd(int32_t days, std::string* out);

enum class ColumnKind { kId, kBool, kEnum, kSet, kInt, kDecimal2, kDate };

struct Column {
  const char* name;
  ColumnKind kind;
};

// Column 0 is the id column `member_id`; the rest are the tags, in file order.
const std::vector<Column>& MemberColumns();
// The `--types` argument of `tagloop import` for the given tag columns
// ("is_vip:bool,city:enum,spend_total:decimal:2,...").
std::string ImportTypesArgument(const std::vector<size_t>& columns);

// One generated member. Absent values are flagged, never sentinel-encoded.
struct Member {
  uint64_t number = 0;  // the 10-digit member number behind "M0123456789"
  // bool tags: -1 = no value, else 0/1
  int8_t is_vip = -1, has_app = -1, wechat_bound = -1, sms_opt_in = -1, is_blacklisted = -1;
  // enum tags: index into the column's value list, -1 = no value
  int16_t city = -1, gender = -1, member_level = -1, channel = -1, car_class_pref = -1, payment_method = -1;
  // set tags: bit i = value i of the column's list; 0 = no value
  uint32_t interests = 0, used_car_classes = 0, coupon_types = 0;
  // int / decimal (cents) / date (days): has_* = false means no value
  bool has_age = false, has_orders = false, has_credit = false, has_spend = false, has_avg = false;
  int64_t age = 0, orders_total = 0, rent_days_total = 0, credit_score = 0;
  int64_t spend_total_cents = 0, avg_order_cents = 0;
  bool has_register = false, has_last_order = false, has_birthday = false, has_last_login = false;
  int32_t register_date = 0, last_order_date = 0, birthday = 0, last_login_date = 0;
};

class MemberGenerator {
 public:
  // Ids of rows below 10^10 are distinct. `as_of` is the business date of
  // the data: no date lies after it.
  MemberGenerator(uint64_t seed, uint64_t salt, int32_t as_of);

  Member Generate(uint64_t row) const;
  // The member number of row `row` (Generate(row).number) without the rest
  // of the member: what other generators use to name the same users.
  uint64_t MemberNumber(uint64_t row) const;
  // Appends the CSV cell of column `column` (index into MemberColumns()); an
  // absent value appends nothing. Set values are joined with '|'.
  void AppendCell(const Member& m, size_t column, std::string* out) const;

  // Value lists of the enum and set columns (what AppendCell prints).
  static const std::vector<std::string_view>& Values(std::string_view column);

 private:
  uint64_t seed_, salt_;

  uint64_t id_key_;
  int32_t as_of_;
};

}  // namespace tagloop::bench
