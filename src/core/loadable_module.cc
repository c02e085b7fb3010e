#include "core/loadable_module.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <filesystem>
#include <mutex>

namespace tagloop {

std::vector<std::string> ModuleSearchPath() {
  std::vector<std::string> path;
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) path.push_back(exe.parent_path().string());
#ifdef TAGLOOP_BUILD_MODULE_DIR
  if (path.empty() || path.front() != TAGLOOP_BUILD_MODULE_DIR) path.push_back(TAGLOOP_BUILD_MODULE_DIR);
#endif
  return path;
}

Result<void*> LoadModuleSymbol(std::string_view file_name, const char* symbol) {
  // dlopen is thread-safe; the lock only keeps two first uses from racing
  // to report different errors.
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::vector<std::string> folders = ModuleSearchPath();
  for (const std::string& folder : folders) {
    std::filesystem::path file = std::filesystem::path(folder) / file_name;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) continue;
    // RTLD_LOCAL: a module's symbols (its own copy of helpers) never
    // resolve another module's references. RTLD_NOW: a missing symbol is an
    // error here, not a crash in the middle of a query.
    void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      return Status::FailedPrecondition(
          fmt::format("cannot load module {}: {}", file.string(), why != nullptr ? why : "unknown reason"));
    }
    ::dlerror();
    void* address = ::dlsym(handle, symbol);
    if (address == nullptr) {
      return Status::FailedPrecondition(fmt::format("module {} does not export {}", file.string(), symbol));
    }
    return address;
  }
  std::string searched;
  for (const std::string& folder : folders) searched += (searched.empty() ? "" : ", ") + folder;
  return Status::FailedPrecondition(fmt::format(
      "module {} is missing (looked in {}); it is built and installed next to the tagloop executable", file_name,
      searched.empty() ? "no folder: /proc/self/exe is unreadable" : searched));
}

}  // namespace tagloop
