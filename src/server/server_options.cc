#include "server/server_options.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <thread>

namespace tagloop {

namespace {

unsigned Cores() { return std::max(1u, std::thread::hardware_concurrency()); }

Status BadValue(const std::string& path, const YAML::Node& node, const std::string& key, const char* want) {
  return Status::InvalidArgument(
      fmt::format("{}:{}: '{}' must be {}", path, node.Mark().line + 1, key, want));
}

template <typename T>
Status Read(const std::string& path, const std::string& key, const YAML::Node& node, const char* want, T* out) {
  try {
    *out = node.as<T>();
  } catch (const YAML::Exception&) {
    return BadValue(path, node, key, want);
  }
  return Status::Ok();
}

}  // namespace

Status LoadServerConfigFile(const std::string& path, ServerOptions* options) {
  std::ifstream in(path);
  if (!in) return Status::IOError(fmt::format("cannot read config file '{}'", path));
  std::stringstream text;
  text << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::ParserException& e) {
    return Status::InvalidArgument(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
  }
  if (root.IsNull()) return Status::Ok();  // an empty file
  if (!root.IsMap()) return Status::InvalidArgument(fmt::format("{}: expected a mapping of settings", path));
  for (const auto& kv : root) {
    std::string key;
    try {
      key = kv.first.as<std::string>();
    } catch (const YAML::Exception&) {
      return Status::InvalidArgument(fmt::format("{}:{}: keys must be strings", path, kv.first.Mark().line + 1));
    }
    const YAML::Node& v = kv.second;
    if (!v.IsScalar()) return BadValue(path, v, key, "a single value");
    ServerOptions& o = *options;
    Status st;
    if (key == "data") st = Read(path, key, v, "a path", &o.data);
    else if (key == "listen") st = Read(path, key, v, "HOST:PORT", &o.listen);
    else if (key == "threads") st = Read(path, key, v, "a non-negative integer", &o.threads);
    else if (key == "blocking_threads") st = Read(path, key, v, "a positive integer", &o.blocking_threads);
    else if (key == "import_threads") st = Read(path, key, v, "a non-negative integer", &o.import_threads);
    else if (key == "log_level") st = Read(path, key, v, "a log level", &o.log_level);
    else if (key == "max_body_bytes") st = Read(path, key, v, "a byte count", &o.max_body_bytes);
    else if (key == "max_import_bytes") st = Read(path, key, v, "a byte count", &o.max_import_bytes);
    else if (key == "max_event_bytes") st = Read(path, key, v, "a byte count", &o.max_event_bytes);
    else if (key == "realtime") st = Read(path, key, v, "true or false", &o.realtime);
    else if (key == "sync_events") st = Read(path, key, v, "true or false", &o.sync_events);
    else if (key == "max_header_bytes") st = Read(path, key, v, "a byte count", &o.max_header_bytes);
    else if (key == "idle_timeout") st = Read(path, key, v, "seconds", &o.idle_timeout);
    else if (key == "read_timeout") st = Read(path, key, v, "seconds", &o.read_timeout);
    else if (key == "write_timeout") st = Read(path, key, v, "seconds", &o.write_timeout);
    else if (key == "shutdown_timeout") st = Read(path, key, v, "seconds", &o.shutdown_timeout);
    else if (key == "refresh_interval") st = Read(path, key, v, "seconds", &o.refresh_interval);
    else if (key == "query_timeout") st = Read(path, key, v, "seconds", &o.query_timeout);
    else if (key == "producer_workers") st = Read(path, key, v, "a positive integer", &o.producer_workers);
    else if (key == "schedules") st = Read(path, key, v, "true or false", &o.schedules);
    else if (key == "business_utc_offset") st = Read(path, key, v, "minutes", &o.business_utc_offset);
    else if (key == "web_root") st = Read(path, key, v, "a path", &o.web_root);
    else if (key == "alert_webhook") st = Read(path, key, v, "a URL", &o.alert_webhook);
    else {
      return Status::InvalidArgument(fmt::format("{}:{}: unknown setting '{}'", path, kv.first.Mark().line + 1, key));
    }
    TAGLOOP_RETURN_IF_ERROR(st);
  }
  return Status::Ok();
}

Status ValidateServerOptions(const ServerOptions& o) {
  if (o.data.empty()) return Status::InvalidArgument("no data directory (--data or 'data' in the config file)");
  static constexpr std::array<const char*, 7> kLevels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), o.log_level) == kLevels.end()) {
    return Status::InvalidArgument(
        fmt::format("log_level '{}': expected trace, debug, info, warn, error, critical or off", o.log_level));
  }
  if (o.blocking_threads == 0) return Status::InvalidArgument("blocking_threads must be at least 1");
  if (o.threads > 1024) return Status::InvalidArgument("threads must be at most 1024");
  if (o.producer_workers == 0 || o.producer_workers > 64) {
    return Status::InvalidArgument("producer_workers must be between 1 and 64");
  }
  if (o.business_utc_offset < -14 * 60 || o.business_utc_offset > 14 * 60) {
    return Status::InvalidArgument("business_utc_offset must be between -840 and 840 minutes");
  }
  if (!o.alert_webhook.empty() && !o.alert_webhook.starts_with("http://") && !o.alert_webhook.starts_with("https://")) {
    return Status::InvalidArgument("alert_webhook must be an http:// or https:// URL");
  }
  if (o.max_body_bytes == 0) return Status::InvalidArgument("max_body_bytes must be positive");
  if (o.max_import_bytes == 0) return Status::InvalidArgument("max_import_bytes must be positive");
  if (o.max_event_bytes == 0) return Status::InvalidArgument("max_event_bytes must be positive");
  if (o.max_header_bytes < 1024) return Status::InvalidArgument("max_header_bytes must be at least 1024");
  for (auto [name, v] : {std::pair{"idle_timeout", o.idle_timeout}, std::pair{"read_timeout", o.read_timeout},
                         std::pair{"write_timeout", o.write_timeout}, std::pair{"shutdown_timeout", o.shutdown_timeout},
                         std::pair{"refresh_interval", o.refresh_interval},
                         std::pair{"query_timeout", o.query_timeout}}) {
    if (!(v > 0) || v > 86400) return Status::InvalidArgument(fmt::format("{} must be between 0 and 86400 seconds", name));
  }
  return Status::Ok();
}

unsigned EffectiveIoThreads(const ServerOptions& o) { return o.threads ? o.threads : std::max(4u, 2 * Cores()); }
unsigned EffectiveImportThreads(const ServerOptions& o) {
  return o.import_threads ? o.import_threads : std::max(1u, Cores() / 2);
}

}  // namespace tagloop
