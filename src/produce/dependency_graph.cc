#include "produce/dependency_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <utility>

namespace tagloop {

namespace {

using NameSet = std::set<std::string, std::less<>>;
using Edges = std::map<std::string, NameSet, std::less<>>;

const NameSet& Targets(const Edges& edges, std::string_view from) {
  static const NameSet kNone;
  auto it = edges.find(from);
  return it == edges.end() ? kNone : it->second;
}

std::string JoinPath(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& p : path) out += out.empty() ? p : " -> " + p;
  return out;
}

}  // namespace

void DependencyGraph::SetInputs(std::string tag, std::vector<std::string> inputs) {
  if (auto old = inputs_.find(tag); old != inputs_.end()) {
    for (const std::string& y : old->second) {
      auto d = dependents_.find(y);
      d->second.erase(tag);
      if (d->second.empty()) dependents_.erase(d);
    }
    inputs_.erase(old);
  }
  if (inputs.empty()) return;
  for (const std::string& y : inputs) dependents_[y].insert(tag);
  inputs_.emplace(std::move(tag),
                  NameSet(std::make_move_iterator(inputs.begin()), std::make_move_iterator(inputs.end())));
}

void DependencyGraph::Remove(std::string_view tag) { SetInputs(std::string(tag), {}); }

std::vector<std::string> DependencyGraph::InputsOf(std::string_view tag) const {
  const NameSet& in = Targets(inputs_, tag);
  return {in.begin(), in.end()};
}

std::vector<std::string> DependencyGraph::DirectDependents(std::string_view tag) const {
  const NameSet& out = Targets(dependents_, tag);
  return {out.begin(), out.end()};
}

Status DependencyGraph::WouldCreateCycle(std::string_view tag, const std::vector<std::string>& inputs) const {
  auto cycle = [&](std::vector<std::string> path) {
    return Status::InvalidArgument(
        fmt::format("composite tag '{}' would create a cycle: {}", tag, JoinPath(path)));
  };
  const NameSet sources(inputs.begin(), inputs.end());
  if (sources.count(tag)) return cycle({std::string(tag), std::string(tag)});
  // Breadth-first from the new inputs along "reads" edges: the first time
  // `tag` is reached gives a shortest cycle; byte order makes it deterministic.
  std::map<std::string, std::string, std::less<>> parent;  // node -> the node that reads it
  std::deque<std::string> queue;
  for (const std::string& s : sources) {
    parent.emplace(s, std::string(tag));
    queue.push_back(s);
  }
  while (!queue.empty()) {
    const std::string n = std::move(queue.front());
    queue.pop_front();
    for (const std::string& m : Targets(inputs_, n)) {
      if (m == tag) {
        std::vector<std::string> path = {std::string(tag)};
        for (std::string at = n; at != tag; at = parent.at(at)) path.push_back(at);
        std::reverse(path.begin() + 1, path.end());
        path.push_back(std::string(tag));
        return cycle(std::move(path));
      }
      if (parent.emplace(m, n).second) queue.push_back(m);
    }
  }
  return Status::Ok();
}

Status DependencyGraph::CheckAcyclic() const {
  enum class Mark { kOpen, kDone };
  std::map<std::string_view, Mark> marks;
  // Iterative depth-first search: a chain of thousands of tags must not
  // exhaust the stack.
  struct Frame {
    std::string_view node;
    NameSet::const_iterator next, end;
  };
  for (const auto& [root, _] : inputs_) {
    if (marks.count(root)) continue;
    std::vector<Frame> stack;
    auto push = [&](std::string_view n) {
      marks[n] = Mark::kOpen;
      const NameSet& in = Targets(inputs_, n);
      stack.push_back({n, in.begin(), in.end()});
    };
    push(root);
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == f.end) {
        marks[f.node] = Mark::kDone;
        stack.pop_back();
        continue;
      }
      std::string_view m = *f.next++;
      auto mark = marks.find(m);
      if (mark == marks.end()) {
        push(m);
      } else if (mark->second == Mark::kOpen) {
        std::vector<std::string> path;
        auto from = std::find_if(stack.begin(), stack.end(), [&](const Frame& g) { return g.node == m; });
        for (auto it = from; it != stack.end(); ++it) path.emplace_back(it->node);
        path.emplace_back(m);
        return Status::InvalidArgument(fmt::format("dependency cycle: {}", JoinPath(path)));
      }
    }
  }
  return Status::Ok();
}

std::vector<std::string> DependencyGraph::DependentsInOrder(std::string_view changed_tag) const {
  // Everyone downstream of the change.
  NameSet affected;
  std::deque<std::string_view> queue = {changed_tag};
  while (!queue.empty()) {
    std::string_view n = queue.front();
    queue.pop_front();
    for (const std::string& d : Targets(dependents_, n)) {
      if (d != changed_tag && affected.insert(d).second) queue.push_back(d);
    }
  }
  // Kahn's algorithm inside `affected`, smallest name first among the ready.
  std::map<std::string_view, size_t> waiting;  // inputs still to be rebuilt
  NameSet ready;
  for (const std::string& t : affected) {
    size_t n = 0;
    for (const std::string& in : Targets(inputs_, t)) n += affected.count(in);
    if (n == 0) {
      ready.insert(t);
    } else {
      waiting[t] = n;
    }
  }
  std::vector<std::string> order;
  while (!ready.empty()) {
    std::string t = std::move(ready.extract(ready.begin()).value());
    for (const std::string& d : Targets(dependents_, t)) {
      auto w = waiting.find(d);
      if (w != waiting.end() && --w->second == 0) {
        waiting.erase(w);
        ready.insert(d);
      }
    }
    order.push_back(std::move(t));
  }
  for (const auto& [t, _] : waiting) order.emplace_back(t);  // on a cycle: byte order
  return order;
}

}  // namespace tagloop
