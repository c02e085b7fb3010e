// Writes the generated company (company_model.h) as the files the demo
// setup reads (scripts/demo-setup.sh):
//
//   business.db           the business database (SQLite): members, stores,
//                         orders, coupons, complaints, payments_overdue,
//                         holidays, member_app_status (a daily snapshot of
//                         the app's push switch, one partition `dt` per day
//                         for the last `partition_days` days; the partition
//                         of end - 2 is deliberately incomplete: an upstream
//                         job that was late, so a quality check rejects it)
//   events.ndjson         the order lifecycle and coupon events of the last
//                         `event_days` days, consistent with the tables
//   lists/*.txt           the risk system's blacklist (ids), the risk
//                         reasons (id,value), the CRM campaign list (ids) and
//                         the same list as a marketer would upload it (with
//                         a few ids nobody knows)
//   external/*.json       value pushes of the external tags (a partner's
//                         credit score, a data-science churn model) as
//                         POST /api/v1/catalog/tags/{tag}/values bodies, and
//                         external/pushes.txt: "TAG FILE" lines in push order
//   company.json          a summary: options and row counts
//
// Each function returns false after printing the error on stderr.
#pragma once

#include <string>

#include "company_model.h"

namespace tagloop::demo {

struct FileOptions {
  int event_days = 45;
  int partition_days = 10;
};

bool WriteBusinessDb(const Company& company, const FileOptions& options, const std::string& path);
bool WriteEventHistory(const Company& company, const FileOptions& options, const std::string& path);
bool WriteListsAndPushes(const Company& company, const std::string& dir);
bool WriteSummary(const Company& company, const std::string& path);

}  // namespace tagloop::demo
