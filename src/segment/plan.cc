#include "segment/plan.h"

#include <fmt/format.h>

namespace tagloop::segment {

namespace {

void Explain(const PlanNode& n, int depth, std::string& out) {
  const std::string indent(static_cast<size_t>(depth) * 2, ' ');
  const std::string size = fmt::format("{}{}", n.exact ? "=" : "~", n.estimate);
  switch (n.op) {
    case PlanOp::kEmpty:
      out +=
          n.label.empty() ? fmt::format("{}EMPTY\n", indent) : fmt::format("{}EMPTY {}\n", indent, n.label);
      return;
    case PlanOp::kUniverse: out += fmt::format("{}UNIVERSE  {}\n", indent, size); return;
    case PlanOp::kStored: out += fmt::format("{}BITMAP {}  {}\n", indent, n.label, size); return;
    case PlanOp::kBsiCompare:
    case PlanOp::kBsiBetween:
      out += fmt::format("{}BSI {}  {} ({} slices)\n", indent, n.label, size, n.bsi.slices.size());
      return;
    case PlanOp::kOr:
      out += fmt::format("{}OR  {}\n", indent, size);
      for (const PlanNode& c : n.children) Explain(c, depth + 1, out);
      return;
    case PlanOp::kAnd:
      out += fmt::format("{}{}  {}\n", indent, n.children.empty() ? "UNIVERSE ANDNOT" : "AND", size);
      for (const PlanNode& c : n.children) Explain(c, depth + 1, out);
      if (!n.excluded.empty() && !n.children.empty()) out += fmt::format("{}  ANDNOT\n", indent);
      for (const PlanNode& c : n.excluded) Explain(c, depth + (n.children.empty() ? 1 : 2), out);
      return;
  }
}

}  // namespace

PlanNode MakeLeaf(PlanOp op, std::string label, uint64_t estimate, bool exact) {
  PlanNode n;
  n.op = op;
  n.label = std::move(label);
  n.estimate = estimate;
  n.exact = exact;
  return n;
}

PlanNode MakeComplement(PlanNode x) {
  PlanNode n;
  n.op = PlanOp::kAnd;
  n.excluded.push_back(std::move(x));
  return n;
}

PlanNode MakeNary(PlanOp op, std::vector<PlanNode> children) {
  PlanNode n;
  n.op = op;
  n.children = std::move(children);
  return n;
}

std::string ExplainPlan(const SegmentPlan& plan) {
  std::string out = fmt::format("universe: {} users{}\n", plan.universe_size,
                                plan.universe_is_dense ? "" : " (with deleted users)");
  Explain(plan.root, 0, out);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace tagloop::segment
