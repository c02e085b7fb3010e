// tagloop: the command-line entry point. See `tagloop --help`.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"tagloop: versioned user tags, segments and closed-loop outreach"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tagloop 0.1.0");
  int exit_code = 0;
  tagloop::cli::RegisterImportCommand(app, exit_code);
  tagloop::cli::RegisterQueryCommands(app, exit_code);
  tagloop::cli::RegisterExportCommand(app, exit_code);
  tagloop::cli::RegisterTagsCommands(app, exit_code);
  tagloop::cli::RegisterCatalogCommands(app, exit_code);  // after `tags`: adds its subcommands
  tagloop::cli::RegisterProduceCommand(app, exit_code);
  tagloop::cli::RegisterEventsCommand(app, exit_code);
  tagloop::cli::RegisterSegmentsCommand(app, exit_code);
  tagloop::cli::RegisterTokenCommand(app, exit_code);
  tagloop::cli::RegisterServeCommand(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
