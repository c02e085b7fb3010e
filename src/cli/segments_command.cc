// `tagloop segments`: save, list, show and delete named segments, which
// expressions then use as SEGMENT('name').
#include <fmt/format.h>

#include <ctime>

#include "cli/commands.h"
#include "cli/store_access.h"
#include "segment/saved_segments.h"

namespace tagloop::cli {

namespace {

struct SegmentsArgs {
  std::string data;
  std::string name;
  std::string expr;
  std::string as_of;
};

enum class Action { kList, kSave, kShow, kDelete };

int Run(Action action, const SegmentsArgs& a) {
  auto saved = SavedSegments::Open(Env::Default(), a.data);
  if (!saved.ok()) return Fail("segments", saved.status());
  switch (action) {
    case Action::kList:
      for (const SavedSegment& s : (*saved)->List()) fmt::print("{}\t{}\n", s.name, s.expr);
      return 0;
    case Action::kShow: {
      auto s = (*saved)->Get(a.name);
      if (!s.ok()) return Fail("segments", s.status());
      fmt::print("{}\n", s->expr);
      return 0;
    }
    case Action::kDelete: {
      Status st = (*saved)->Delete(a.name);
      return st.ok() ? 0 : Fail("segments", st);
    }
    case Action::kSave: {
      Result<Days> as_of = a.as_of.empty() ? Result<Days>(DaysFromUnixSeconds(std::time(nullptr)))
                                           : ParseDate(a.as_of);
      if (!as_of.ok()) return Fail("segments", as_of.status());
      auto store = OpenStoreForCli(a.data);
      if (!store.ok()) return Fail("segments", store.status());
      Status st = (*saved)->Save(a.name, a.expr, *(*store)->snapshot(), *as_of);
      if (!st.ok()) {
        fmt::print(stderr, "tagloop segments: {}\n", st.ToString());
        if (st.position() && *st.position() <= a.expr.size()) {
          fmt::print(stderr, "  {}\n  {:>{}}\n", a.expr, "^", *st.position() + 1);
        }
        return 1;
      }
      return 0;
    }
  }
  return 1;
}

}  // namespace

void RegisterSegmentsCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SegmentsArgs>();
  CLI::App* seg = app.add_subcommand("segments", "Saved segments: named expressions used as SEGMENT('name')");
  seg->add_option("--data", args->data, "Data directory")->required();
  seg->require_subcommand(1);

  CLI::App* list = seg->add_subcommand("list", "List saved segments (name, tab, expression)");
  list->callback([args, &exit_code] { exit_code = Run(Action::kList, *args); });

  CLI::App* save = seg->add_subcommand("save", "Create or replace a saved segment (the expression is checked first)");
  save->add_option("name", args->name, "Segment name")->required();
  save->add_option("expr", args->expr, "Segment expression")->required();
  save->add_option("--as-of", args->as_of, "Check the expression as of this date (default: today)");
  save->callback([args, &exit_code] { exit_code = Run(Action::kSave, *args); });

  CLI::App* show = seg->add_subcommand("show", "Print a saved segment's expression");
  show->add_option("name", args->name, "Segment name")->required();
  show->callback([args, &exit_code] { exit_code = Run(Action::kShow, *args); });

  CLI::App* del = seg->add_subcommand("delete", "Delete a saved segment (refused while others use it)");
  del->add_option("name", args->name, "Segment name")->required();
  del->callback([args, &exit_code] { exit_code = Run(Action::kDelete, *args); });
}

}  // namespace tagloop::cli
