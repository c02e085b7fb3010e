// `tagloop tags`: list tags with their type, versions and user counts;
// `tagloop prune`: drop old versions by a retention policy.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/store_access.h"

namespace tagloop::cli {

namespace {

struct TagsArgs {
  std::string data;
  std::string tag;
  bool json = false;
};

std::string Grouped(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

int RunTags(const TagsArgs& a) {
  auto store = OpenStoreForCli(a.data);
  if (!store.ok()) return Fail("tags", store.status());
  auto snap = (*store)->snapshot();
  if (!a.tag.empty() && !snap->FindTag(a.tag)) {
    return Fail("tags", Status::NotFound(fmt::format("unknown tag '{}'", a.tag)));
  }
  if (a.json) {
    nlohmann::json out = {{"users", snap->universe_size()}, {"tags", nlohmann::json::array()}};
    for (const auto& [name, tag] : snap->tags()) {
      if (!a.tag.empty() && name != a.tag) continue;
      nlohmann::json versions = nlohmann::json::array();
      for (const auto& v : tag.versions) {
        versions.push_back({{"date", FormatDate(v.date)}, {"users", v.users}, {"bytes", v.bytes}});
      }
      out["tags"].push_back({{"name", name}, {"type", tag.type.ToString()}, {"versions", versions}});
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  if (!a.tag.empty()) {
    const TagInfo& tag = *snap->FindTag(a.tag);
    fmt::print("{} ({})\n{:<12} {:>14} {:>14}\n", tag.name, tag.type.ToString(), "VERSION", "USERS", "BYTES");
    for (const auto& v : tag.versions) {
      fmt::print("{:<12} {:>14} {:>14}\n", FormatDate(v.date), Grouped(v.users), Grouped(v.bytes));
    }
    return 0;
  }
  fmt::print("{:<28} {:<10} {:>8} {:<12} {:>14}\n", "TAG", "TYPE", "VERSIONS", "LATEST", "USERS");
  for (const auto& [name, tag] : snap->tags()) {
    const VersionInfo& latest = tag.versions.back();
    fmt::print("{:<28} {:<10} {:>8} {:<12} {:>14}\n", name, tag.type.ToString(), tag.versions.size(),
               FormatDate(latest.date), Grouped(latest.users));
  }
  fmt::print("{} tags, {} users\n", snap->tags().size(), Grouped(snap->universe_size()));
  return 0;
}

struct PruneArgs {
  std::string data;
  std::string tag;
  std::string before;
  size_t keep = 1;
};

int RunPrune(const PruneArgs& a) {
  auto before = ParseDate(a.before);
  if (!before.ok()) return Fail("prune", before.status());
  auto store = OpenStoreForCli(a.data);
  if (!store.ok()) return Fail("prune", store.status());
  auto w = (*store)->BeginWrite();
  if (!w.ok()) return Fail("prune", w.status());
  auto n = (*w)->ApplyRetention(a.tag, *before, a.keep);
  if (!n.ok()) return Fail("prune", n.status());
  Status st = (*w)->Commit();
  if (!st.ok()) return Fail("prune", st);
  fmt::print(stderr, "dropped {} version(s) older than {} (kept at least {} per tag)\n", *n, a.before, a.keep);
  return 0;
}

}  // namespace

void RegisterTagsCommands(CLI::App& app, int& exit_code) {
  auto tags_args = std::make_shared<TagsArgs>();
  CLI::App* tags = app.add_subcommand("tags", "List tags: type, versions, users with a value in the latest version");
  tags->add_option("--data", tags_args->data, "Data directory")->required();
  tags->add_option("--tag", tags_args->tag, "Show every version of this tag");
  tags->add_flag("--json", tags_args->json, "Print JSON instead of a table");
  tags->callback([tags_args, &exit_code] { exit_code = RunTags(*tags_args); });

  auto prune_args = std::make_shared<PruneArgs>();
  CLI::App* prune = app.add_subcommand(
      "prune", "Drop versions older than a date (retention), keeping the newest ones of each tag");
  prune->add_option("--data", prune_args->data, "Data directory")->required();
  prune->add_option("--before", prune_args->before, "Drop versions dated before YYYY-MM-DD")->required();
  prune->add_option("--keep", prune_args->keep, "Always keep this many newest versions per tag")
      ->default_val(1);
  prune->add_option("--tag", prune_args->tag, "Only this tag (default: every tag)");
  prune->callback([prune_args, &exit_code] { exit_code = RunPrune(*prune_args); });
}

}  // namespace tagloop::cli
