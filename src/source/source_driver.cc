#include "source/source_driver.h"

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "core/loadable_module.h"
#include "source/source.h"
#include "source/sqlite_source.h"

namespace tagloop {

namespace {

// The module file of each kind that is not built in.
struct ModuleKind {
  const char* kind;
  const char* file;
};
constexpr ModuleKind kModuleKinds[] = {
    {"postgresql", "tagloop_source_postgresql.so"},
    {"odbc", "tagloop_source_odbc.so"},
};

struct Drivers {
  std::mutex mu;
  std::map<std::string, const SourceDriver*, std::less<>> by_kind;
};

Drivers& TheDrivers() {
  static Drivers* drivers = [] {
    auto* d = new Drivers;  // never destroyed: Sources may outlive static destruction order
    d->by_kind.emplace("sqlite", &SqliteSourceDriver());
    return d;
  }();
  return *drivers;
}

}  // namespace

const std::vector<std::string>& SourceKinds() {
  static const std::vector<std::string> kinds = {"sqlite", "postgresql", "odbc"};
  return kinds;
}

void RegisterSourceDriver(const SourceDriver* driver) {
  Drivers& d = TheDrivers();
  std::lock_guard lock(d.mu);
  d.by_kind.insert_or_assign(driver->kind, driver);
}

Result<const SourceDriver*> FindSourceDriver(std::string_view kind) {
  Drivers& d = TheDrivers();
  {
    std::lock_guard lock(d.mu);
    auto it = d.by_kind.find(kind);
    if (it != d.by_kind.end()) return it->second;
  }
  const ModuleKind* module = nullptr;
  for (const ModuleKind& m : kModuleKinds) {
    if (kind == m.kind) module = &m;
  }
  if (module == nullptr) {
    return Status::InvalidArgument(fmt::format("kind: unknown source kind '{}' (expected sqlite, postgresql or odbc)",
                                               kind.substr(0, 64)));
  }
  // Loaded outside the lock: dlopen runs the module's constructors and may
  // take a while; loading twice returns the same handle.
  Result<void*> entry = LoadModuleSymbol(module->file, kSourceDriverEntry);
  if (!entry.ok()) {
    return Status::FailedPrecondition(
        fmt::format("the {} source driver is not available: {}", module->kind, entry.status().message()));
  }
  using EntryFn = const SourceDriver* (*)();
  const SourceDriver* driver = reinterpret_cast<EntryFn>(*entry)();
  if (driver == nullptr || driver->abi != kSourceDriverAbi || std::string_view(driver->kind) != kind ||
      driver->open == nullptr) {
    return Status::FailedPrecondition(fmt::format(
        "the {} source driver module {} is from another build of tagloop (driver interface {}, expected {})",
        module->kind, module->file, driver == nullptr ? 0 : driver->abi, kSourceDriverAbi));
  }
  std::lock_guard lock(d.mu);
  return d.by_kind.emplace(module->kind, driver).first->second;
}

Result<std::unique_ptr<Source>> OpenSource(const SourceSpec& spec, const std::string& data_dir) {
  TAGLOOP_RETURN_IF_ERROR(ValidateSourceSpec(spec));
  TAGLOOP_ASSIGN_OR_RETURN(const SourceDriver* driver, FindSourceDriver(spec.kind));
  return driver->open(spec, data_dir);
}

}  // namespace tagloop
