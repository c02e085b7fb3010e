// The source drivers, keyed by kind: "sqlite" (built in), "postgresql" and
// "odbc" (loadable modules, so the libraries they need, libpq and unixODBC
// with what those pull in, are mapped only by a process that uses such a
// source: `tagloop count` never does).
//
// A module is a shared object built and installed next to the `tagloop`
// executable (tagloop_source_postgresql.so, tagloop_source_odbc.so) that
// exports one C function, kSourceDriverEntry, returning its SourceDriver.
// FindSourceDriver loads it the first time its kind is asked for (see
// core/loadable_module.h for where it is looked for) and keeps it loaded
// for the life of the process: the Sources it opens run its code.
//
// Thread-safety: every function may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "source/source_spec.h"

namespace tagloop {

class Source;

// Bumped whenever SourceDriver, SourceSpec, Source or what they use changes
// layout; a module built for another version is refused.
inline constexpr int kSourceDriverAbi = 1;

struct SourceDriver {
  int abi = kSourceDriverAbi;
  // "postgresql".
  const char* kind = "";
  // Checks of spec.connection that need the driver's own library (libpq's
  // option names), after ValidateSourceSpec's checks passed.
  // InvalidArgument ("connection: ...", never quoting values). May be null.
  Status (*validate)(const SourceSpec& spec) = nullptr;
  // A Source for a validated spec (not yet connected; see Source).
  // `data_dir` resolves relative paths (sqlite).
  std::unique_ptr<Source> (*open)(const SourceSpec& spec, const std::string& data_dir) = nullptr;
};

// The name of the function a driver module exports:
//   extern "C" const tagloop::SourceDriver* tagloop_source_driver();
inline constexpr const char* kSourceDriverEntry = "tagloop_source_driver";

// The kinds there are drivers for, in a fixed order: "sqlite",
// "postgresql", "odbc".
const std::vector<std::string>& SourceKinds();

// The driver of `kind`, loading its module on first use. InvalidArgument
// ("kind: unknown source kind 'x' (expected sqlite, postgresql or odbc)")
// for an unknown kind; FailedPrecondition naming the module file and the
// folders searched when it is missing, or dlopen's reason when it does not
// load (a missing libpq), or a module of another ABI. A failure is not
// remembered: a later call tries again.
Result<const SourceDriver*> FindSourceDriver(std::string_view kind);

// Registers a driver for a kind that is linked into the executable (tests,
// embedders), replacing the one of the same kind. `driver` must outlive the
// process.
void RegisterSourceDriver(const SourceDriver* driver);

}  // namespace tagloop
