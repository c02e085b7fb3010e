// `tagloop token`: create, list and revoke the API tokens of a data directory.
// `create` prints the secret alone on stdout (scripts capture it); it is
// shown only this once. Creating and revoking are written to the audit log
// as the local user ("cli:<user>"), who holds the admin role by owning the
// data directory.
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "auth/audit_log.h"
#include "auth/token_store.h"
#include "cli/commands.h"
#include "cli/store_access.h"

namespace tagloop::cli {

namespace {

struct TokenArgs {
  std::string data;
  std::string role;
  std::string name;
  int64_t id = 0;
  bool json = false;
};

// "2026-10-01T08:30:00Z", or "-" for none.
std::string FormatTime(std::optional<int64_t> unix_ms) {
  if (!unix_ms) return "-";
  const std::time_t secs = static_cast<std::time_t>(*unix_ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// `create`: false for commands that only read or change existing tokens.
Result<std::unique_ptr<TokenStore>> OpenTokens(const std::string& data, bool create) {
  TokenStoreOptions o;
  o.background = false;  // a short-lived process: no refresh thread
  o.catalog.create_if_missing = create;
  return TokenStore::Open(data, o);
}

// Audits a token change; a failure is reported but does not undo the change.
void Audit(const std::string& data, std::string_view action, int64_t token_id, const std::string& detail) {
  AuditLogOptions o;
  o.background = false;
  auto log = AuditLog::Open(data, o);
  Status st = log.ok() ? Status::Ok() : log.status();
  if (st.ok()) {
    AuditEntry e;
    e.principal_name = LocalUser();
    e.role = Role::kAdmin;
    e.action = action;
    e.target = std::to_string(token_id);
    e.item_count = 1;
    e.detail = detail;
    st = (*log)->Record(std::move(e));
    if (st.ok()) st = (*log)->Flush();
  }
  if (!st.ok())
    fmt::print(stderr, "tagloop token: warning: not written to the audit log: {}\n", st.ToString());
}

int RunCreate(const TokenArgs& a) {
  auto role = ParseRole(a.role);
  if (!role.ok()) return Fail("token create", role.status());
  auto tokens = OpenTokens(a.data, /*create=*/true);
  if (!tokens.ok()) return Fail("token create", tokens.status());
  auto created = (*tokens)->Create(a.name, *role, LocalUser());
  if (!created.ok()) return Fail("token create", created.status());
  fmt::print("{}\n", created->secret);
  std::fflush(stdout);
  fmt::print(stderr,
             "created token {} '{}' (role {}). The secret above is shown only once: store it now; "
             "use it as 'Authorization: Bearer <secret>'.\n",
             created->id, a.name, RoleName(*role));
  nlohmann::json detail = {{"name", a.name}, {"role", RoleName(*role)}};
  Audit(a.data, audit_action::kTokensCreate, created->id, detail.dump());
  return 0;
}

int RunList(const TokenArgs& a) {
  auto tokens = OpenTokens(a.data, /*create=*/false);
  Result<std::vector<TokenInfo>> list = std::vector<TokenInfo>();  // no catalog database yet: no tokens
  if (tokens.ok()) {
    list = (*tokens)->List();
  } else if (tokens.status().code() != Status::Code::kNotFound || !std::filesystem::is_directory(a.data)) {
    return Fail("token list", tokens.status());
  }
  if (!list.ok()) return Fail("token list", list.status());
  if (a.json) {
    auto time_or_null = [](std::optional<int64_t> ms) -> nlohmann::json {
      return ms ? nlohmann::json(FormatTime(ms)) : nlohmann::json(nullptr);
    };
    nlohmann::json out = nlohmann::json::array();
    for (const TokenInfo& t : *list) {
      out.push_back({{"id", t.id},
                     {"name", t.name},
                     {"role", RoleName(t.role)},
                     {"active", t.active()},
                     {"created_at", FormatTime(t.created_at_ms)},
                     {"created_by", t.created_by},
                     {"last_used_at", time_or_null(t.last_used_at_ms)},
                     {"revoked_at", time_or_null(t.revoked_at_ms)}});
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("{:>5}  {:<24} {:<9} {:<8} {:<21} {:<21} {}\n", "ID", "NAME", "ROLE", "STATUS", "CREATED",
             "LAST USED", "CREATED BY");
  for (const TokenInfo& t : *list) {
    fmt::print("{:>5}  {:<24} {:<9} {:<8} {:<21} {:<21} {}\n", t.id, t.name, RoleName(t.role),
               t.active() ? "active" : "revoked", FormatTime(t.created_at_ms), FormatTime(t.last_used_at_ms),
               t.created_by);
  }
  return 0;
}

int RunRevoke(const TokenArgs& a) {
  auto tokens = OpenTokens(a.data, /*create=*/false);
  if (!tokens.ok()) return Fail("token revoke", tokens.status());
  auto before = (*tokens)->Get(a.id);
  if (!before.ok()) return Fail("token revoke", before.status());
  if (!before->active()) {
    fmt::print(stderr, "token {} '{}' was already revoked at {}\n", a.id, before->name,
               FormatTime(before->revoked_at_ms));
    return 0;
  }
  Status st = (*tokens)->Revoke(a.id);
  if (!st.ok()) return Fail("token revoke", st);
  fmt::print(stderr, "revoked token {} '{}'; a running server refuses it within a second\n", a.id,
             before->name);
  nlohmann::json detail = {{"name", before->name}, {"role", RoleName(before->role)}};
  Audit(a.data, audit_action::kTokensRevoke, a.id, detail.dump());
  return 0;
}

}  // namespace

void RegisterTokenCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TokenArgs>();
  CLI::App* token = app.add_subcommand("token", "API tokens for the REST server: create, list, revoke");
  token->require_subcommand(1);

  CLI::App* create = token->add_subcommand(
      "create", "Create a token and print its secret on stdout (shown only once; only its hash is kept)");
  create->add_option("--data", args->data, "Data directory")->required();
  create->add_option("--role", args->role, "viewer, analyst, operator or admin")->required();
  create->add_option("--name", args->name, "A name for the token, shown in logs and the audit log")
      ->required();
  create->callback([args, &exit_code] { exit_code = RunCreate(*args); });

  CLI::App* list = token->add_subcommand("list", "List tokens (never their secrets)");
  list->add_option("--data", args->data, "Data directory")->required();
  list->add_flag("--json", args->json, "Print JSON instead of a table");
  list->callback([args, &exit_code] { exit_code = RunList(*args); });

  CLI::App* revoke =
      token->add_subcommand("revoke", "Revoke a token; a running server refuses it within a second");
  revoke->add_option("--data", args->data, "Data directory")->required();
  revoke->add_option("id", args->id, "Token id (see 'tagloop token list')")->required();
  revoke->callback([args, &exit_code] { exit_code = RunRevoke(*args); });
}

}  // namespace tagloop::cli
