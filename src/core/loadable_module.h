// Loadable modules: parts of tagloop built as shared objects next to the
// `tagloop` executable (the SQL source drivers, the webhook client), so the
// libraries they need are mapped only by the processes that use them, the
// way unixODBC loads its drivers. Every command otherwise paid for mapping
// and relocating libpq, unixODBC and libcurl with their TLS stacks at start.
//
// A module is looked for, in order:
//   1. the folder of the running executable (/proc/self/exe): where
//      `tagloop` is built and installed;
//   2. the build tree's output folder (compiled in), so test and benchmark
//      binaries in sub-folders of the build tree find the modules built
//      with them.
// A module stays loaded until the process exits (objects it created run
// its code). Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tagloop {

// The folders searched, in order.
std::vector<std::string> ModuleSearchPath();

// Loads module `file_name` (e.g. "tagloop_source_postgresql.so"; loading it
// again returns the same handle) and returns the address of its exported
// `symbol`. FailedPrecondition naming the file and the folders searched when
// it is in none of them; FailedPrecondition with the dynamic loader's reason
// when it does not load (a library it needs is missing) or lacks `symbol`.
Result<void*> LoadModuleSymbol(std::string_view file_name, const char* symbol);

}  // namespace tagloop
