// tagloop_bench_events: the events benchmark (issue 5; scripts/bench-events.sh,
// docs in bench/README.md, "Events").
//
//   tagloop_bench_events inprocess --data DIR --tags bench/event_tags.yaml --users N --events E --json OUT
//   tagloop_bench_events pg        --conninfo C --users N --events E --json OUT
//   tagloop_bench_events http      --port P --token T --users N --events E --json OUT
//   tagloop_bench_events latency   --port P --token T --users N --probes 500 --load 30000 --json OUT
//   tagloop_bench_events report    --json OUT
//
// Each part adds its section to OUT; `report` prints the comparison and
// checks the targets (>= 100,000 events/s in-process, p99 ack -> visible
// <= 10 ms) and the counts.
#include "bench_events.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "event_model.h"
#include "stats.h"

namespace tagloop::bench {

void Die(const std::string& what) {
  std::fprintf(stderr, "bench_events: %s\n", what.c_str());
  std::exit(1);
}

int64_t UnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void MergeResult(const std::string& path, const std::string& key, const nlohmann::json& value) {
  if (path.empty()) return;
  nlohmann::json all = nlohmann::json::object();
  if (std::filesystem::exists(path)) {
    std::ifstream in(path);
    all = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!all.is_object()) all = nlohmann::json::object();
  }
  all[key] = value;
  std::ofstream(path) << all.dump(2) << "\n";
}

nlohmann::json LatencyJson(std::vector<double> samples_ms) {
  TimingStats t = Summarize(std::move(samples_ms));
  return {{"p50_ms", t.median_ms}, {"p99_ms", t.p99_ms}, {"max_ms", t.max_ms}, {"n", t.runs}};
}

Bodies MakeBodies(const EventBenchOptions& o, const std::string& prefix, uint64_t events,
                  std::vector<uint8_t>* paid) {
  EventStreamOptions s;
  s.seed = o.seed;
  s.member_seed = o.seed;
  s.rows = LoadRows(o.users);
  s.prefix = prefix;
  s.base_time_ms = UnixMillis() - 3'600'000;  // the last hour
  s.paid = paid;
  EventStream stream(s);
  Bodies b;
  for (uint64_t done = 0; done < events; done += o.batch) {
    std::string& body = b.bodies.emplace_back();
    body.reserve(o.batch * 272);
    stream.NextBatch(std::min<uint64_t>(o.batch, events - done), &body);
    b.bytes += body.size();
  }
  b.events = stream.events();
  return b;
}

namespace {

double Get(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* p = &j;
  for (const char* k : path) {
    if (!p->is_object() || !p->contains(k)) return -1;
    p = &(*p)[k];
  }
  return p->is_number() ? p->get<double>() : -1;
}

std::string Rate(double v) {
  if (v < 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f/s", v);
  return buf;
}

std::string Ratio(double a, double b) {
  if (a <= 0 || b <= 0) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fx", a / b);
  return buf;
}

std::string Lat(const nlohmann::json& l) {
  if (!l.is_object()) return "-";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.3f / %.3f / %.3f ms", l["p50_ms"].get<double>(),
                l["p99_ms"].get<double>(), l["max_ms"].get<double>());
  return buf;
}

void Row(const std::string& what, const std::string& tagloop, const std::string& peer = "",
         const std::string& ratio = "") {
  std::printf("%-50s %-32s %-32s %s\n", what.c_str(), tagloop.c_str(), peer.c_str(), ratio.c_str());
}

}  // namespace

int RunReport(const std::string& json_path) {
  std::ifstream in(json_path);
  if (!in) Die("cannot read " + json_path);
  const nlohmann::json r = nlohmann::json::parse(in);
  const nlohmann::json& ip = r.value("inprocess", nlohmann::json::object());
  const nlohmann::json& pg = r.value("pg", nlohmann::json::object());
  const nlohmann::json& http = r.value("http", nlohmann::json::object());
  const nlohmann::json& lat = r.value("latency", nlohmann::json::object());
  int status = 0;
  std::printf(
      "\n=== events: %.0f users, %.0f events per in-process part, batches of %.0f, %.0f bytes/event ===\n",
      Get(ip, {"users"}), Get(ip, {"events_per_part"}), Get(ip, {"batch"}), Get(ip, {"avg_event_bytes"}));
  std::printf("load average (1 min): in-process %.2f..%.2f, PostgreSQL %.2f..%.2f, HTTP latency %.2f..%.2f\n",
              Get(ip, {"load_before"}), Get(ip, {"load_after"}), Get(pg, {"load_before"}),
              Get(pg, {"load_after"}), Get(lat, {"load"}), Get(lat, {"load_after"}));
  Row("", "tagloop", "PostgreSQL 15", "tagloop/PG");
  const double pg1 = Get(pg, {"insert_1c", "events_per_s"}), pg2 = Get(pg, {"insert_2c", "events_per_s"});
  const double pipe1 = Get(ip, {"pipeline_1t", "events_per_s"}),
               pipe2 = Get(ip, {"pipeline_2t", "events_per_s"});
  Row("ingest in-process: parse+append+apply, 1 thread", Rate(pipe1), Rate(pg1) + " INSERT",
      Ratio(pipe1, pg1));
  Row("ingest in-process: parse+append+apply, 2 threads", Rate(pipe2), Rate(pg2) + " INSERT",
      Ratio(pipe2, pg2));
  Row("  parse only (ParseEventBatch)", Rate(Get(ip, {"parse", "events_per_s"})));
  Row("  append only (EventLog::Append, fdatasync)", Rate(Get(ip, {"append", "events_per_s"})),
      Rate(Get(pg, {"copy_1c", "events_per_s"})) + " COPY");
  if (ip.contains("sync_floor"))
    Row("  the disk: pwrite + fdatasync of a batch's bytes", Lat(ip["sync_floor"]));
  Row("  apply only (Submit + WaitVisible per batch)", Rate(Get(ip, {"apply", "events_per_s"})));
  Row("  apply only (all queued)", Rate(Get(ip, {"apply_queued", "events_per_s"})));
  Row("  apply only, 1% of the events from new users",
      Rate(Get(ip, {"new_users", "mixed_1pct_events_per_s"})));
  if (ip.contains("new_users")) {
    Row("  a batch with a new user: Submit -> visible", Lat(ip["new_users"]["engine_visible"]));
  }
  if (http.contains("runs")) {
    for (const auto& run : http["runs"]) {
      const double v = run["events_per_s"].get<double>();
      Row("ingest over HTTP, batches of " + std::to_string(run["batch"].get<int>()) + ", " +
              std::to_string(run["threads"].get<int>()) + " connections",
          Rate(v), Rate(pg2) + " INSERT", Ratio(v, pg2));
    }
  }
  if (lat.is_object() && lat.contains("ack")) {
    std::printf("at %.0f users, background load %.0f events/s (p50 / p99 / max):\n", Get(lat, {"users"}),
                Get(lat, {"background", "events_per_s"}));
    Row("  ack of one event (durable)", Lat(lat["ack"]));
    Row("  ack -> visible (upper bound)", Lat(lat["visible_upper"]));
    Row("  ack -> visible (lower bound)", Lat(lat["visible_lower"]));
    Row("  ?wait=visible answer", Lat(lat["wait_visible"]));
    Row("  new user: ack -> visible (upper bound)", Lat(lat["new_user_visible_upper"]));
    Row("  count orders_30d >= 1 under load (HTTP)", Lat(lat["count_under_load"]));
  }
  const double pg_query = Get(pg, {"query", "p50_ms"});
  if (ip.contains("counts")) {
    const double c = ip["counts"][0]["p50_ms"].get<double>();
    Row("orders_30d >= 1: count in-process vs SQL", Lat(ip["counts"][0]),
        Lat(pg.value("query", nlohmann::json())), Ratio(pg_query, c) + " faster");
  }
  if (lat.contains("counts")) {
    const double c = lat["counts"][0]["p50_ms"].get<double>();
    Row("orders_30d >= 1: count over HTTP, idle", Lat(lat["counts"][0]), "", Ratio(pg_query, c) + " faster");
  }

  // Targets and checks.
  auto check = [&](const char* what, bool ok) {
    std::printf("%s %s\n", ok ? "  ok  " : "  FAIL", what);
    if (!ok) status = 1;
  };
  if (pipe1 > 0) check("in-process ingestion >= 100,000 events/s (1 thread)", pipe1 >= 100'000);
  if (ip.contains("orders_30d_ok"))
    check("in-process orders_30d >= 1 = users paid for", ip["orders_30d_ok"].get<bool>());
  if (pg.contains("query")) {
    check("PostgreSQL count(DISTINCT) = users paid for", pg["query"]["count"] == pg["query"]["expected"]);
  }
  if (ip.contains("orders_30d_expected") && pg.contains("query")) {
    check("PostgreSQL and tagloop agree on orders_30d >= 1",
          pg["query"]["count"] == ip["counts"][0]["count"]);
  }
  if (lat.contains("visible_upper")) {
    check("p99 ack -> visible <= 10 ms (upper bound)", Get(lat, {"visible_upper", "p99_ms"}) <= 10);
    check("every ?wait=visible answer visible to the next count",
          Get(lat, {"wait_visible_not_visible"}) == 0);
  }
  return status;
}

}  // namespace tagloop::bench

int main(int argc, char** argv) {
  namespace tb = tagloop::bench;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines in order with the script's own
  CLI::App app{"tagloop events benchmark: ingestion rate, visibility latency, PostgreSQL peer"};
  app.require_subcommand(1);
  tb::EventBenchOptions o;
  tb::HttpBenchOptions h;
  std::string data, tags = "bench/event_tags.yaml", conninfo, batches = "1000,100";
  auto common = [&](CLI::App* c) {
    c->add_option("--users", o.users, "users in the store (rows of the member table)")->capture_default_str();
    c->add_option("--seed", o.seed, "member ids and streams")->capture_default_str();
    c->add_option("--events", o.events, "events per measured part")->capture_default_str();
    c->add_option("--batch", o.batch, "events per batch")->capture_default_str();
    c->add_option("--json", o.json, "results file (sections are merged into it)");
  };
  CLI::App* inproc = app.add_subcommand("inprocess", "parse / append / apply, alone and as the pipeline");
  common(inproc);
  inproc->add_option("--data", data, "the store (its users are rows [0, users))")->required();
  inproc->add_option("--tags", tags, "real-time tag definitions (YAML)")->capture_default_str();
  CLI::App* pg = app.add_subcommand("pg", "the PostgreSQL peer");
  common(pg);
  pg->add_option("--conninfo", conninfo, "libpq conninfo")->required();
  auto server = [&](CLI::App* c) {
    common(c);
    c->add_option("--port", h.port, "tagloop serve on 127.0.0.1:PORT")->required();
    c->add_option("--token", h.token, "operator token")->required();
  };
  CLI::App* http = app.add_subcommand("http", "events/s acknowledged over HTTP");
  server(http);
  http->add_option("--threads", h.threads, "client connections (one thread each)")->capture_default_str();
  http->add_option("--batches", batches, "batch sizes")->capture_default_str();
  http->add_option("--events-small", h.events_small, "events per run for batches below 1000")
      ->capture_default_str();
  CLI::App* latency = app.add_subcommand("latency", "ack -> visible latency under a background load");
  server(latency);
  latency->add_option("--probes", h.probes, "probes of each kind")->capture_default_str();
  latency->add_option("--new-user-probes", h.new_user_probes, "probes for unknown users")
      ->capture_default_str();
  latency->add_option("--load", h.load, "background events/s")->capture_default_str();
  latency->add_option("--pool", h.pool, "users of the background load")->capture_default_str();
  CLI::App* report = app.add_subcommand("report", "print the comparison from the results file");
  report->add_option("--json", o.json, "results file")->required();
  CLI11_PARSE(app, argc, argv);

  if (o.users <= tb::kReservedRows * 2)
    tb::Die("--users must be above " + std::to_string(tb::kReservedRows * 2));
  if (*inproc) return tb::RunInProcess(o, data, tags);
  if (*pg) return tb::RunPostgres(o, conninfo);
  if (*http) {
    h.batches.clear();
    std::stringstream ss(batches);
    for (std::string b; std::getline(ss, b, ',');) h.batches.push_back(std::stoul(b));
    return tb::RunHttpThroughput(o, h);
  }
  if (*latency) return tb::RunHttpLatency(o, h);
  return tb::RunReport(o.json);
}
