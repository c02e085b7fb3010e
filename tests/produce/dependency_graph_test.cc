// The dependency graph of composite tags (produce/dependency_graph.h).
#include "produce/dependency_graph.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tagloop {
namespace {

using Names = std::vector<std::string>;

TEST(DependencyGraphTest, ChainsComeInInputOrderNotNameOrder) {
  DependencyGraph g;
  g.SetInputs("x", {"a"});  // x reads a
  g.SetInputs("b", {"x"});  // b reads x: it must come after x although "b" < "x"
  g.SetInputs("c", {"b"});
  EXPECT_EQ(g.DependentsInOrder("a"), (Names{"x", "b", "c"}));
  EXPECT_EQ(g.DependentsInOrder("x"), (Names{"b", "c"}));
  EXPECT_EQ(g.DependentsInOrder("c"), Names{});
  EXPECT_EQ(g.DependentsInOrder("unknown"), Names{});
  EXPECT_EQ(g.DirectDependents("a"), Names{"x"});
  EXPECT_EQ(g.InputsOf("b"), Names{"x"});
  EXPECT_EQ(g.InputsOf("a"), Names{});
  EXPECT_TRUE(g.CheckAcyclic().ok());
}

TEST(DependencyGraphTest, DiamondsListEachTagOnceAfterAllItsInputs) {
  DependencyGraph g;
  g.SetInputs("b", {"a"});
  g.SetInputs("c", {"a", "a"});  // duplicates are ignored
  g.SetInputs("d", {"c", "b"});
  g.SetInputs("e", {"d", "a"});
  g.SetInputs("f", {"z"});  // unrelated
  EXPECT_EQ(g.InputsOf("c"), Names{"a"});
  EXPECT_EQ(g.InputsOf("d"), (Names{"b", "c"}));
  EXPECT_EQ(g.DirectDependents("a"), (Names{"b", "c", "e"}));
  EXPECT_EQ(g.DependentsInOrder("a"), (Names{"b", "c", "d", "e"}));
  EXPECT_EQ(g.DependentsInOrder("c"), (Names{"d", "e"}));
  EXPECT_EQ(g.DependentsInOrder("z"), Names{"f"});
}

TEST(DependencyGraphTest, SetInputsReplacesAndRemoveForgets) {
  DependencyGraph g;
  g.SetInputs("b", {"a"});
  g.SetInputs("c", {"b"});
  g.SetInputs("b", {"x", "y"});
  EXPECT_EQ(g.DirectDependents("a"), Names{});
  EXPECT_EQ(g.DirectDependents("x"), Names{"b"});
  EXPECT_EQ(g.DependentsInOrder("y"), (Names{"b", "c"}));

  g.Remove("b");
  EXPECT_EQ(g.InputsOf("b"), Names{});
  EXPECT_EQ(g.DirectDependents("x"), Names{});
  EXPECT_EQ(g.DependentsInOrder("y"), Names{});
  // c still reads b: that is c's definition.
  EXPECT_EQ(g.DirectDependents("b"), Names{"c"});
  g.Remove("nobody");  // no effect
  g.SetInputs("b", {"a"});
  EXPECT_EQ(g.DependentsInOrder("a"), (Names{"b", "c"}));
  g.SetInputs("b", {});  // the same as Remove
  EXPECT_EQ(g.DependentsInOrder("a"), Names{});
}

TEST(DependencyGraphTest, WouldCreateCycleNamesAShortestPath) {
  DependencyGraph g;
  g.SetInputs("b", {"a"});
  g.SetInputs("c", {"b"});
  g.SetInputs("d", {"c"});
  g.SetInputs("e", {"a"});
  Status self = g.WouldCreateCycle("a", {"x", "a"});
  EXPECT_EQ(self.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(self.message(), "composite tag 'a' would create a cycle: a -> a");
  EXPECT_EQ(g.WouldCreateCycle("a", {"d"}).message(),
            "composite tag 'a' would create a cycle: a -> d -> c -> b -> a");
  EXPECT_EQ(g.WouldCreateCycle("a", {"d", "e"}).message(),
            "composite tag 'a' would create a cycle: a -> e -> a");
  EXPECT_EQ(g.WouldCreateCycle("b", {"d"}).message(),
            "composite tag 'b' would create a cycle: b -> d -> c -> b");
  // Fine: other inputs, or replacing a tag's current inputs.
  EXPECT_TRUE(g.WouldCreateCycle("a", {"x"}).ok());
  EXPECT_TRUE(g.WouldCreateCycle("b", {"e"}).ok());
  EXPECT_TRUE(g.WouldCreateCycle("d", {"a", "b", "e"}).ok());
  EXPECT_TRUE(g.WouldCreateCycle("new", {"d", "e"}).ok());
  // Nothing changed.
  EXPECT_EQ(g.InputsOf("a"), Names{});
  EXPECT_EQ(g.DependentsInOrder("a"), (Names{"b", "c", "d", "e"}));
}

TEST(DependencyGraphTest, CheckAcyclicFindsACycleLoadedAsIs) {
  DependencyGraph g;
  g.SetInputs("a", {"b", "z"});
  g.SetInputs("b", {"c"});
  g.SetInputs("d", {"z"});
  EXPECT_TRUE(g.CheckAcyclic().ok());
  g.SetInputs("c", {"a"});
  Status st = g.CheckAcyclic();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.message(), "dependency cycle: a -> b -> c -> a");
  // Ordering still terminates: the cycle comes last, in byte order.
  EXPECT_EQ(g.DependentsInOrder("z"), (Names{"d", "a", "b", "c"}));
  EXPECT_EQ(g.DependentsInOrder("a"), (Names{"c", "b"}));

  DependencyGraph self;
  self.SetInputs("s", {"s"});
  EXPECT_EQ(self.CheckAcyclic().message(), "dependency cycle: s -> s");
  EXPECT_EQ(self.DependentsInOrder("s"), Names{});
}

TEST(DependencyGraphTest, LongChainsNeedNoDeepRecursion) {
  DependencyGraph g;
  const int n = 20000;
  for (int i = 1; i < n; ++i) g.SetInputs(fmt::format("t{}", i), {fmt::format("t{}", i - 1)});
  EXPECT_TRUE(g.CheckAcyclic().ok());
  Names order = g.DependentsInOrder("t0");
  ASSERT_EQ(order.size(), size_t(n - 1));
  for (int i = 1; i < n; ++i) ASSERT_EQ(order[i - 1], fmt::format("t{}", i));
  Status st = g.WouldCreateCycle("t0", {fmt::format("t{}", n - 1)});
  EXPECT_EQ(st.message().rfind("composite tag 't0' would create a cycle: t0 -> t19999 -> t19998 -> ", 0), 0u);
  EXPECT_TRUE(st.message().ends_with(" -> t2 -> t1 -> t0")) << st.message().substr(st.message().size() - 40);
}

}  // namespace
}  // namespace tagloop
