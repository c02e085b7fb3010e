// business.db: the company's tables in SQLite (company_files.h).
#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>

#include "company_files.h"

namespace tagloop::demo {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE stores (
  store_id TEXT PRIMARY KEY, city TEXT NOT NULL, name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('airport', 'rail', 'downtown')));
CREATE TABLE members (
  member_id TEXT PRIMARY KEY, name TEXT NOT NULL, gender TEXT NOT NULL, birth_date TEXT NOT NULL,
  city TEXT NOT NULL, register_date TEXT NOT NULL, register_channel TEXT NOT NULL,
  member_level TEXT NOT NULL, phone TEXT, sms_opt_in INTEGER NOT NULL, wechat_bound INTEGER NOT NULL);
CREATE TABLE orders (
  order_id TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members, store_id TEXT NOT NULL REFERENCES stores,
  car_class TEXT NOT NULL, created_at TEXT NOT NULL, paid_at TEXT, pickup_time TEXT NOT NULL,
  return_time TEXT NOT NULL, extended_at TEXT, cancelled_at TEXT, rent_days INTEGER NOT NULL,
  amount REAL NOT NULL, coupon_id TEXT, status TEXT NOT NULL);
CREATE TABLE coupons (
  coupon_id TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members, type TEXT NOT NULL,
  value INTEGER NOT NULL, campaign_id TEXT NOT NULL, issued_at TEXT NOT NULL, expires_at TEXT NOT NULL,
  redeemed_at TEXT, order_id TEXT);
CREATE TABLE complaints (
  complaint_id TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members, order_id TEXT NOT NULL,
  category TEXT NOT NULL, created_at TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE payments_overdue (
  overdue_id TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members, order_id TEXT NOT NULL,
  reason TEXT NOT NULL, amount REAL NOT NULL, due_date TEXT NOT NULL, paid_at TEXT);
CREATE TABLE holidays (date TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE member_app_status (
  dt TEXT NOT NULL, member_id TEXT NOT NULL, push_enabled INTEGER NOT NULL, PRIMARY KEY (dt, member_id));
)sql";

constexpr const char* kIndexes = R"sql(
CREATE INDEX orders_member ON orders (member_id, paid_at);
CREATE INDEX orders_paid ON orders (paid_at);
CREATE INDEX coupons_member ON coupons (member_id);
CREATE INDEX complaints_member ON complaints (member_id);
CREATE INDEX overdue_member ON payments_overdue (member_id);
ANALYZE;
)sql";

class Db {
 public:
  ~Db() {
    if (db_ != nullptr) sqlite3_close(db_);
  }
  bool Open(const std::string& path) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) return Error("open " + path);
    return Exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192;");
  }
  bool Exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
      fmt::print(stderr, "business.db: {}\n", msg != nullptr ? msg : "error");
      sqlite3_free(msg);
      return false;
    }
    return true;
  }
  bool Error(const std::string& what) {
    fmt::print(stderr, "business.db: {}: {}\n", what, db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory");
    return false;
  }
  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// One prepared INSERT; Bind* by 1-based index; "" binds NULL for text.
class Insert {
 public:
  Insert(Db& db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db.get(), sql, -1, &stmt_, nullptr) != SQLITE_OK) db.Error(sql);
  }
  ~Insert() { sqlite3_finalize(stmt_); }
  bool ok() const { return stmt_ != nullptr; }
  Insert& Text(int i, const std::string& v) {
    if (v.empty()) {
      sqlite3_bind_null(stmt_, i);
    } else {
      sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    return *this;
  }
  Insert& Int(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Insert& Real(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  bool Step() {
    bool ok = sqlite3_step(stmt_) == SQLITE_DONE;
    sqlite3_reset(stmt_);
    return ok || db_.Error("insert");
  }

 private:
  Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

bool WriteBusinessDb(const Company& c, const FileOptions& options, const std::string& path) {
  Db db;
  if (!db.Open(path) || !db.Exec(kSchema) || !db.Exec("BEGIN")) return false;
  {
    Insert ins(db, "INSERT INTO stores VALUES (?,?,?,?)");
    if (!ins.ok()) return false;
    for (const Store& s : c.stores)
      if (!ins.Text(1, s.store_id).Text(2, s.city).Text(3, s.name).Text(4, s.type).Step()) return false;
  }
  {
    Insert ins(db, "INSERT INTO members VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    if (!ins.ok()) return false;
    for (const Member& m : c.members) {
      ins.Text(1, m.member_id)
          .Text(2, m.name)
          .Text(3, m.gender)
          .Text(4, FormatDate(m.birth_date))
          .Text(5, m.city);
      ins.Text(6, FormatDate(m.register_date))
          .Text(7, m.register_channel)
          .Text(8, m.member_level)
          .Text(9, m.phone);
      if (!ins.Int(10, m.sms_opt_in).Int(11, m.wechat_bound).Step()) return false;
    }
  }
  {
    Insert ins(db, "INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!ins.ok()) return false;
    for (const Order& o : c.orders) {
      ins.Text(1, o.order_id).Text(2, c.members[o.member].member_id).Text(3, c.stores[o.store].store_id);
      ins.Text(4, o.car_class).Text(5, o.created_at).Text(6, o.paid_at).Text(7, o.pickup_time);
      ins.Text(8, o.return_time).Text(9, o.extended_at).Text(10, o.cancelled_at).Int(11, o.rent_days);
      if (!ins.Real(12, static_cast<double>(o.amount_cents) / 100)
               .Text(13, o.coupon_id)
               .Text(14, o.status)
               .Step())
        return false;
    }
  }
  {
    Insert ins(db, "INSERT INTO coupons VALUES (?,?,?,?,?,?,?,?,?)");
    if (!ins.ok()) return false;
    for (const Coupon& k : c.coupons) {
      ins.Text(1, k.coupon_id).Text(2, c.members[k.member].member_id).Text(3, k.type).Int(4, k.value);
      ins.Text(5, k.campaign_id).Text(6, k.issued_at).Text(7, k.expires_at).Text(8, k.redeemed_at);
      if (!ins.Text(9, k.order_id).Step()) return false;
    }
  }
  {
    Insert ins(db, "INSERT INTO complaints VALUES (?,?,?,?,?,?)");
    if (!ins.ok()) return false;
    for (const Complaint& q : c.complaints) {
      ins.Text(1, q.complaint_id).Text(2, c.members[q.member].member_id).Text(3, q.order_id);
      if (!ins.Text(4, q.category).Text(5, q.created_at).Text(6, q.status).Step()) return false;
    }
  }
  {
    Insert ins(db, "INSERT INTO payments_overdue VALUES (?,?,?,?,?,?,?)");
    if (!ins.ok()) return false;
    for (const Overdue& d : c.overdues) {
      ins.Text(1, d.overdue_id).Text(2, c.members[d.member].member_id).Text(3, d.order_id).Text(4, d.reason);
      ins.Real(5, static_cast<double>(d.amount_cents) / 100).Text(6, FormatDate(d.due_date));
      if (!ins.Text(7, d.paid_at).Step()) return false;
    }
  }
  {
    Insert ins(db, "INSERT OR IGNORE INTO holidays VALUES (?,?)");
    if (!ins.ok()) return false;
    for (const Holiday& h : c.holidays)
      if (!ins.Text(1, FormatDate(h.date)).Text(2, h.name).Step()) return false;
  }
  {
    // The app's push switch, one snapshot per day: members flip it now and
    // then; the partition of end - 2 holds only a quarter of its rows.
    Insert ins(db, "INSERT INTO member_app_status VALUES (?,?,?)");
    if (!ins.ok()) return false;
    const Days end = c.options.end_date;
    for (size_t i = 0; i < c.members.size(); ++i) {
      const Member& m = c.members[i];
      DemoRandom r(c.options.seed ^ (0x9FB21C651E98DF25ULL * (i + 3)));
      bool on = m.push_enabled;
      for (Days d = end - options.partition_days + 1; d <= end; ++d) {
        if (r.Chance(0.01)) on = !on;
        if (m.register_date > d) continue;
        if (d == end - 2 && i % 4 != 0) continue;
        if (!ins.Text(1, FormatDate(d)).Text(2, m.member_id).Int(3, on).Step()) return false;
      }
    }
  }
  return db.Exec("COMMIT") && db.Exec(kIndexes);
}

bool WriteSummary(const Company& c, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    fmt::print(stderr, "cannot write {}\n", path);
    return false;
  }
  fmt::print(f,
             "{{\"seed\": {}, \"members\": {}, \"end_date\": \"{}\", \"history_days\": {}, \"stores\": {}, "
             "\"orders\": {}, \"coupons\": {}, \"complaints\": {}, \"overdue_payments\": {}}}\n",
             c.options.seed, c.members.size(), FormatDate(c.options.end_date), c.options.history_days,
             c.stores.size(), c.orders.size(), c.coupons.size(), c.complaints.size(), c.overdues.size());
  return std::fclose(f) == 0;
}

}  // namespace tagloop::demo
