// Helpers shared by the CLI commands: opening the store, who is acting, and printing errors
// in one format ("tagloop <command>: <message>" on stderr).
#pragma once

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "core/status.h"
#include "store/tag_store.h"

namespace tagloop::cli {

// Prints `st` on stderr and returns the exit code for it (1).
inline int Fail(const char* command, const Status& st) {
  fmt::print(stderr, "tagloop {}: {}\n", command, st.ToString());
  return 1;
}

// "cli:<login name>" (or "cli:uid-N"): who made a change from the command
// line, as the audit log, the catalog and saved segments record it.
inline std::string LocalUser() {
  const passwd* pw = ::getpwuid(::geteuid());
  if (pw != nullptr && pw->pw_name != nullptr && pw->pw_name[0] != '\0') return fmt::format("cli:{}", pw->pw_name);
  return fmt::format("cli:uid-{}", ::geteuid());
}

inline Result<std::unique_ptr<TagStore>> OpenStoreForCli(const std::string& dir, bool create = false) {
  StoreOptions o;
  o.create_if_missing = create;
  return TagStore::Open(dir, o);
}

}  // namespace tagloop::cli
