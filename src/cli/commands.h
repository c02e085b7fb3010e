// The `tagloop` subcommands. Each Register* adds one subcommand (with its
// --help) to the app; its callback sets the exit code through `exit_code`.
// Commands print results on stdout and errors on stderr, exit 0 on success.
#pragma once

#include <CLI/CLI.hpp>

namespace tagloop::cli {

void RegisterImportCommand(CLI::App& app, int& exit_code);   // import_command.cc
void RegisterQueryCommands(CLI::App& app, int& exit_code);   // query_commands.cc: count, query
void RegisterExportCommand(CLI::App& app, int& exit_code);   // export_command.cc: ids with tag columns
void RegisterTagsCommands(CLI::App& app, int& exit_code);    // tags_command.cc: tags, prune
void RegisterSegmentsCommand(CLI::App& app, int& exit_code); // segments_command.cc: saved segments
void RegisterTokenCommand(CLI::App& app, int& exit_code);    // token_command.cc: API tokens
void RegisterServeCommand(CLI::App& app, int& exit_code);    // serve_command.cc: the HTTP API
// catalog_command.cc: `tags apply|export|publish|offline|show|history` (added
// to the `tags` command, so register it after RegisterTagsCommands),
// `categories`, `sources`.
void RegisterCatalogCommands(CLI::App& app, int& exit_code);
void RegisterProduceCommand(CLI::App& app, int& exit_code);  // produce_command.cc: run a producer now
void RegisterEventsCommand(CLI::App& app, int& exit_code);   // events_command.cc: import, types

}  // namespace tagloop::cli
