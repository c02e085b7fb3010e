// Differential test: random data and random expressions, evaluated by the
// bitmap engine (EvaluateSegment/CountSegment) and by a naive row-by-row
// evaluator written here from the SPEC's rules ("Meaning", "As-of"), which
// shares nothing with the engine but the store's write API.
//
// Expressions are generated as trees, rendered to text (random keyword case,
// spacing, optional parentheses, equivalent literal spellings) and the text
// is what the engine gets. Literals for int and decimal tags are sometimes
// finer than the tag (30.5 on an int tag, 12.505 on a decimal:2 tag): the
// naive evaluator compares them exactly, in thousandths of the tag's unit. On a mismatch the seed and the expression are
// printed; rerun one seed with TAGLOOP_DIFF_SEED=<seed>.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "fixture_store.h"
#include "segment/segment.h"

namespace tagloop {
namespace {

// ---- The data, as plain rows ----------------------------------------------------

struct Version {
  Days date = 0;
  // One entry per user; an empty vector is NULL. bool: "true"/"false";
  // enum: one string; set: the values; numeric: one int64 (as text-free ints).
  std::vector<std::vector<std::string>> text;
  std::vector<std::optional<int64_t>> number;
};

struct Tag {
  std::string name;
  TagType type;
  std::vector<Version> versions;  // ascending dates

  const Version* AsOf(Days d) const {
    const Version* v = nullptr;
    for (const auto& x : versions) {
      if (x.date <= d) v = &x;
    }
    return v;
  }
};

const std::vector<std::string> kEnumPool = {"上海", "北京", "O'Hare", "a b", "x", "Zz"};
const std::vector<std::string> kSetPool = {"sports", "music", "travel", "书", "it's"};

Days D(const char* s) { return *ParseDate(s); }

struct World {
  uint32_t users = 0;
  std::vector<Tag> tags;
  std::vector<Days> version_dates = {D("2026-01-10"), D("2026-02-10"), D("2026-03-10")};
};

int64_t RandomNumber(std::mt19937_64& rng, const TagType& type) {
  std::uniform_int_distribution<int> pick(0, 99);
  const int p = pick(rng);
  if (type.kind == TagKind::kDate) return D("2026-02-01") + std::uniform_int_distribution<int>(-40, 40)(rng);
  if (type.kind == TagKind::kDecimal) return std::uniform_int_distribution<int64_t>(-2000, 2000)(rng);
  if (p < 2) return p == 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  if (p < 6) return std::uniform_int_distribution<int64_t>(-(int64_t{1} << 40), int64_t{1} << 40)(rng);
  return std::uniform_int_distribution<int64_t>(-20, 20)(rng);
}

World MakeWorld(std::mt19937_64& rng, uint32_t users) {
  World w;
  w.users = users;
  const std::vector<std::pair<std::string, std::string>> specs = {
      {"b1", "bool"}, {"b2", "bool"},      {"e1", "enum"}, {"s1", "set"},
      {"i1", "int"},  {"d1", "decimal:2"}, {"t1", "date"}, {"i2", "int"}};
  std::uniform_real_distribution<double> unit(0, 1);
  for (const auto& [name, type_text] : specs) {
    Tag tag;
    tag.name = name;
    tag.type = *TagType::Parse(type_text);
    for (Days date : w.version_dates) {
      // i2 has only a late version; others skip some dates at random.
      if (name == "i2" ? date != w.version_dates.back() : (unit(rng) < 0.3 && date != w.version_dates[1]))
        continue;
      Version v;
      v.date = date;
      v.text.resize(users);
      v.number.resize(users);
      const double null_rate = unit(rng) * 0.6;
      for (uint32_t u = 0; u < users; ++u) {
        if (unit(rng) < null_rate) continue;
        switch (tag.type.kind) {
          case TagKind::kBool: v.text[u] = {unit(rng) < 0.5 ? "true" : "false"}; break;
          case TagKind::kEnum: v.text[u] = {kEnumPool[rng() % kEnumPool.size()]}; break;
          case TagKind::kSet:
            for (const auto& s : kSetPool) {
              if (unit(rng) < 0.35) v.text[u].push_back(s);
            }
            break;
          default: v.number[u] = RandomNumber(rng, tag.type);
        }
      }
      tag.versions.push_back(std::move(v));
    }
    w.tags.push_back(std::move(tag));
  }
  return w;
}

Result<std::unique_ptr<testing::FixtureStore>> BuildStore(const World& w) {
  auto fx = std::make_unique<testing::FixtureStore>();
  StoreOptions options;
  options.create_if_missing = true;
  TAGLOOP_ASSIGN_OR_RETURN(fx->store, TagStore::Open(fx->dir.Sub("store"), options));
  TAGLOOP_ASSIGN_OR_RETURN(auto writer, fx->store->BeginWrite());
  std::vector<std::string> ids;
  for (uint32_t u = 0; u < w.users; ++u) ids.push_back(fmt::format("user{:06}", u));
  std::vector<std::string_view> views(ids.begin(), ids.end());
  std::vector<uint32_t> dense;
  TAGLOOP_RETURN_IF_ERROR(writer->InternUsers(views, &dense));
  for (const Tag& tag : w.tags) {
    for (const Version& v : tag.versions) {
      TagVersionBuilder b(tag.type, v.date);
      for (uint32_t u = 0; u < w.users; ++u) {
        if (tag.type.is_numeric()) {
          if (v.number[u]) b.AddNumber(dense[u], *v.number[u]);
        } else {
          for (const auto& s : v.text[u]) b.AddValue(dense[u], s);
        }
      }
      TAGLOOP_RETURN_IF_ERROR(writer->PutVersion(tag.name, b.Finish()));
    }
  }
  TAGLOOP_RETURN_IF_ERROR(writer->Commit());
  fx->users = std::move(ids);
  return fx;
}

// ---- Expressions ------------------------------------------------------------------

// Numeric literals are kept in thousandths of the tag's unit.
constexpr int64_t kFine = 1000;

enum class Op {
  kAnd,
  kOr,
  kNot,
  kAll,
  kSegment,
  kBare,
  kCmp,
  kIn,
  kNotIn,
  kContainsAny,
  kContainsAll,
  kBetween,
  kNotBetween,
  kIsNull,
  kIsNotNull
};
enum class Cmp { kEq, kNe, kLt, kLe, kGt, kGe };

struct Expr {
  Op op = Op::kAll;
  std::vector<Expr> children;
  const Tag* tag = nullptr;
  std::optional<Days> at;  // tag@DATE
  Cmp cmp = Cmp::kEq;
  std::vector<std::string> text_values;  // categorical
  // Numeric (BETWEEN: lo, hi), exactly, in thousandths of the unit the tag
  // stores (an int, a hundredth for decimal:2, a day): 30.5 on an int tag is
  // 30500, 12.505 on a decimal:2 tag is 1250500.
  std::vector<__int128> number_values;
  std::vector<std::string> literal_text;  // how each value is written
  std::string segment;
};

class Generator {
 public:
  Generator(std::mt19937_64& rng, const World& w, Days as_of, const std::map<std::string, Expr>* segments)
      : rng_(rng), w_(w), as_of_(as_of), segments_(segments) {}

  Expr Make(int depth) {
    const int r = Pick(100);
    if (depth > 0 && r < 25) return Nary(Op::kAnd, depth);
    if (depth > 0 && r < 40) return Nary(Op::kOr, depth);
    if (depth > 0 && r < 50) {
      Expr e;
      e.op = Op::kNot;
      e.children.push_back(Make(depth - 1));
      return e;
    }
    const int leaf = Pick(100);
    if (leaf < 3) return Expr{};  // ALL
    if (leaf < 7 && segments_ && !segments_->empty()) {
      Expr e;
      e.op = Op::kSegment;
      auto it = segments_->begin();
      std::advance(it, Pick(static_cast<int>(segments_->size())));
      e.segment = it->first;
      return e;
    }
    return Predicate();
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  bool Coin(int percent) { return Pick(100) < percent; }

  Expr Nary(Op op, int depth) {
    Expr e;
    e.op = op;
    const int n = 2 + Pick(3);
    for (int i = 0; i < n; ++i) e.children.push_back(Make(depth - 1));
    return e;
  }

  // The values that appear in the data for this tag (and a few that do not).
  std::string TextValue(const Tag& t) {
    if (t.type.kind == TagKind::kBool) return Coin(50) ? "true" : "false";
    const auto& pool = t.type.kind == TagKind::kEnum ? kEnumPool : kSetPool;
    if (Coin(8)) return "nobody";
    return pool[Pick(static_cast<int>(pool.size()))];
  }

  // In thousandths of the tag's unit (Expr::number_values).
  __int128 NumberValue(const Tag& t) {
    // Mostly a value some user has, so equality hits.
    const Version& v = t.versions[Pick(static_cast<int>(t.versions.size()))];
    int64_t x = 0;
    bool found = false;
    for (int tries = 0; tries < 4 && !found && Coin(70); ++tries) {
      const auto& y = v.number[Pick(static_cast<int>(w_.users))];
      if (y) x = *y, found = true;
    }
    if (!found) x = RandomNumber(rng_, t.type);
    __int128 fine = static_cast<__int128>(x) * kFine;
    // Now and then a literal between two values the tag can hold, on either
    // side of x (also beyond the ends of the 64-bit range).
    if (t.type.kind != TagKind::kDate && Coin(25)) {
      static const int kSteps[] = {1, 5, 10, 100, 250, 500, 750, 900, 990, 999};
      const int step = kSteps[Pick(10)];
      fine += Coin(50) ? step : -step;
    }
    return fine;
  }

  static std::string Quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }

  std::string WriteText(const Tag& t, const std::string& v) {
    if (t.type.kind != TagKind::kBool) return Quote(v);
    const bool b = v == "true";
    switch (Pick(5)) {
      case 0: return b ? "TRUE" : "false";
      case 1: return b ? "'true'" : "'False'";
      case 2: return b ? "1" : "0";
      case 3: return b ? "'1'" : "'0'";
      default: return b ? "true" : "FALSE";
    }
  }

  // A number in thousandths of the tag's unit, as the tag's digits and three
  // more, trailing zeros kept or not ("30.500", "30.5"; "30.000", "30").
  std::string WriteFine(const Tag& t, __int128 fine) {
    const int digits = t.type.scale + 3;
    unsigned __int128 pow = 1;
    for (int i = 0; i < digits; ++i) pow *= 10;
    const unsigned __int128 mag =
        fine < 0 ? static_cast<unsigned __int128>(-(fine + 1)) + 1 : static_cast<unsigned __int128>(fine);
    std::string s = fmt::format("{}{}.{:0{}}", fine < 0 ? "-" : "", static_cast<uint64_t>(mag / pow),
                                static_cast<uint64_t>(mag % pow), digits);
    if (Coin(70)) {
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
      if (s == "-0") s = "0";
    }
    return s;
  }

  std::string WriteNumber(const Tag& t, __int128 fine) {
    if (fine % kFine != 0 || (t.type.kind != TagKind::kDate && Coin(5))) {
      const std::string s = WriteFine(t, fine);
      return Coin(15) ? Quote(s) : s;
    }
    const int64_t v = static_cast<int64_t>(fine / kFine);
    if (t.type.kind == TagKind::kDate) {
      const int64_t ago = static_cast<int64_t>(as_of_) - v;
      // Saved segments are bound at the query's date: no DAYS_AGO in them.
      if (segments_ && Coin(40)) return fmt::format("DAYS_AGO({})", ago);
      return Quote(FormatDate(static_cast<Days>(v)));
    }
    std::string s = FormatNumericValue(t.type, v);
    if (t.type.kind == TagKind::kDecimal && Coin(50)) {  // 12.50 -> 12.5, 3.00 -> 3
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
      if (s == "-0") s = "0";
    }
    return Coin(15) ? Quote(s) : s;
  }

  Expr Predicate() {
    Expr e;
    e.tag = &w_.tags[Pick(static_cast<int>(w_.tags.size()))];
    const Tag& t = *e.tag;
    if (Coin(15)) e.at = w_.version_dates[Pick(3)] + Pick(5) - 2;
    const bool numeric = t.type.is_numeric();
    std::vector<Op> ops = {Op::kCmp, Op::kIn, Op::kNotIn, Op::kIsNull, Op::kIsNotNull};
    if (numeric) ops.insert(ops.end(), {Op::kBetween, Op::kNotBetween, Op::kCmp, Op::kCmp});
    if (t.type.kind == TagKind::kSet) ops.insert(ops.end(), {Op::kContainsAny, Op::kContainsAll});
    if (t.type.kind == TagKind::kBool) ops.insert(ops.end(), {Op::kBare, Op::kBare});
    e.op = ops[Pick(static_cast<int>(ops.size()))];
    int n = 0;
    switch (e.op) {
      case Op::kCmp:
        e.cmp = numeric ? static_cast<Cmp>(Pick(6)) : static_cast<Cmp>(Pick(2));
        n = 1;
        break;
      case Op::kIn:
      case Op::kNotIn:
      case Op::kContainsAny:
      case Op::kContainsAll: n = 1 + Pick(3); break;
      case Op::kBetween:
      case Op::kNotBetween: n = 2; break;
      default: break;
    }
    for (int i = 0; i < n; ++i) {
      if (numeric) {
        e.number_values.push_back(NumberValue(t));
        e.literal_text.push_back(WriteNumber(t, e.number_values.back()));
      } else {
        e.text_values.push_back(TextValue(t));
        e.literal_text.push_back(WriteText(t, e.text_values.back()));
      }
    }
    return e;
  }

  std::mt19937_64& rng_;
  const World& w_;
  Days as_of_;
  const std::map<std::string, Expr>* segments_;
};

// ---- Rendering ----------------------------------------------------------------------

class Renderer {
 public:
  explicit Renderer(std::mt19937_64& rng) : rng_(rng) {}

  // prec: 0 = an OR operand may stand bare, 1 = inside AND, 2 = under NOT.
  std::string Render(const Expr& e, int prec) {
    std::string s;
    int own = 3;
    switch (e.op) {
      case Op::kAnd:
      case Op::kOr: {
        own = e.op == Op::kOr ? 0 : 1;
        for (size_t i = 0; i < e.children.size(); ++i) {
          if (i) s += Space() + Kw(e.op == Op::kOr ? "OR" : "AND") + Space();
          s += Render(e.children[i], own + 1 > 1 ? own + 1 : 1);
        }
        break;
      }
      case Op::kNot:
        own = 2;
        s = Kw("NOT") + Space() + Render(e.children[0], 2);
        break;
      case Op::kAll: s = Kw("ALL"); break;
      case Op::kSegment: s = Kw("SEGMENT") + "('" + e.segment + "')"; break;
      default: s = Pred(e);
    }
    // Parentheses where precedence needs them, and now and then where not.
    const bool needed = (e.op == Op::kOr && prec >= 1) || (e.op == Op::kAnd && prec >= 2);
    if (needed || Pick(10) == 0) s = "(" + s + ")";
    return s;
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  std::string Space() { return Pick(6) == 0 ? "  " : " "; }
  std::string Kw(std::string k) {
    switch (Pick(3)) {
      case 0:
        for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        break;
      case 1:
        if (k.size() > 1) k[1] = static_cast<char>(std::tolower(static_cast<unsigned char>(k[1])));
        break;
      default: break;
    }
    return k;
  }
  std::string List(const Expr& e) {
    std::string s = "(";
    for (size_t i = 0; i < e.literal_text.size(); ++i)
      s += (i ? (Pick(2) ? ", " : ",") : "") + e.literal_text[i];
    return s + ")";
  }
  std::string Pred(const Expr& e) {
    std::string t = e.tag->name;
    if (e.at) t += Pick(2) ? "@" + FormatDate(*e.at) : "@'" + FormatDate(*e.at) + "'";
    static const char* kCmp[] = {"=", "!=", "<", "<=", ">", ">="};
    switch (e.op) {
      case Op::kBare: return t;
      case Op::kCmp: {
        std::string op = kCmp[static_cast<int>(e.cmp)];
        if (e.cmp == Cmp::kNe && Pick(2)) op = "<>";
        return t + Space() + op + Space() + e.literal_text[0];
      }
      case Op::kIn: return t + " " + Kw("IN") + " " + List(e);
      case Op::kNotIn: return t + " " + Kw("NOT") + " " + Kw("IN") + " " + List(e);
      case Op::kContainsAny: return t + " " + Kw("CONTAINS") + " " + Kw("ANY") + " " + List(e);
      case Op::kContainsAll: return t + " " + Kw("CONTAINS") + " " + Kw("ALL") + " " + List(e);
      case Op::kBetween:
        return t + " " + Kw("BETWEEN") + " " + e.literal_text[0] + " " + Kw("AND") + " " + e.literal_text[1];
      case Op::kNotBetween:
        return t + " " + Kw("NOT") + " " + Kw("BETWEEN") + " " + e.literal_text[0] + " " + Kw("AND") + " " +
               e.literal_text[1];
      case Op::kIsNull: return t + " " + Kw("IS") + " " + Kw("NULL");
      case Op::kIsNotNull: return t + " " + Kw("IS") + " " + Kw("NOT") + " " + Kw("NULL");
      default: return "?";
    }
  }

  std::mt19937_64& rng_;
};

// ---- The naive evaluator (the SPEC's rules, one user at a time) ------------------------

class Naive {
 public:
  Naive(const World& w, Days as_of, const std::map<std::string, Expr>& segments)
      : w_(w), as_of_(as_of), segments_(segments) {}

  std::vector<uint32_t> Users(const Expr& e) const {
    std::vector<uint32_t> out;
    for (uint32_t u = 0; u < w_.users; ++u) {
      if (Eval(e, u)) out.push_back(u);
    }
    return out;
  }

 private:
  bool Eval(const Expr& e, uint32_t u) const {
    switch (e.op) {
      case Op::kAnd:
        for (const auto& c : e.children) {
          if (!Eval(c, u)) return false;
        }
        return true;
      case Op::kOr:
        for (const auto& c : e.children) {
          if (Eval(c, u)) return true;
        }
        return false;
      case Op::kNot: return !Eval(e.children[0], u);
      case Op::kAll: return true;
      case Op::kSegment: return Eval(segments_.at(e.segment), u);
      default: return Predicate(e, u);
    }
  }

  bool Predicate(const Expr& e, uint32_t u) const {
    const Version* v = e.tag->AsOf(e.at ? *e.at : as_of_);
    const bool numeric = e.tag->type.is_numeric();
    static const std::vector<std::string> kNone;
    const std::vector<std::string>& texts = v && !numeric ? v->text[u] : kNone;
    const std::optional<int64_t> value = v && numeric ? v->number[u] : std::nullopt;
    const bool has = numeric ? value.has_value() : !texts.empty();
    // The value in the literals' thousandths: every comparison is exact.
    const __int128 x = value ? static_cast<__int128>(*value) * kFine : 0;
    auto has_text = [&](const std::string& s) {
      return std::find(texts.begin(), texts.end(), s) != texts.end();
    };
    auto any_listed = [&] {
      if (numeric) {
        return std::find(e.number_values.begin(), e.number_values.end(), x) != e.number_values.end();
      }
      return std::any_of(e.text_values.begin(), e.text_values.end(), has_text);
    };
    switch (e.op) {
      case Op::kIsNull: return !has;
      case Op::kIsNotNull: return has;
      default: break;
    }
    if (!has) return false;  // no value: in no comparison
    switch (e.op) {
      case Op::kBare: return has_text("true");
      case Op::kCmp:
        if (!numeric) return e.cmp == Cmp::kEq ? has_text(e.text_values[0]) : !has_text(e.text_values[0]);
        switch (e.cmp) {
          case Cmp::kEq: return x == e.number_values[0];
          case Cmp::kNe: return x != e.number_values[0];
          case Cmp::kLt: return x < e.number_values[0];
          case Cmp::kLe: return x <= e.number_values[0];
          case Cmp::kGt: return x > e.number_values[0];
          case Cmp::kGe: return x >= e.number_values[0];
        }
        return false;
      case Op::kIn:
      case Op::kContainsAny: return any_listed();
      case Op::kNotIn: return !any_listed();
      case Op::kContainsAll: return std::all_of(e.text_values.begin(), e.text_values.end(), has_text);
      case Op::kBetween: return e.number_values[0] <= x && x <= e.number_values[1];
      case Op::kNotBetween: return !(e.number_values[0] <= x && x <= e.number_values[1]);
      default: return false;
    }
  }

  const World& w_;
  Days as_of_;
  const std::map<std::string, Expr>& segments_;
};

// ---- The test ---------------------------------------------------------------------------

uint64_t SeedFromEnv() {
  if (const char* s = std::getenv("TAGLOOP_DIFF_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

struct Stats {
  int cases = 0, empty = 0, full = 0;
};

void RunCases(uint64_t seed, uint32_t users, int cases, Stats& stats) {
  std::mt19937_64 rng(seed);
  const World w = MakeWorld(rng, users);
  auto fx = BuildStore(w);
  ASSERT_TRUE(fx.ok()) << "seed " << seed << ": " << fx.status().ToString();
  auto snap = (*fx)->store->snapshot();
  const std::vector<Days> as_ofs = {D("2026-01-05"), D("2026-01-10"), D("2026-02-20"), D("2026-04-01")};

  Renderer renderer(rng);
  // Saved segments, generated once (depth <= 2, no references to others).
  std::map<std::string, Expr> segments;
  {
    Generator g(rng, w, as_ofs[2], nullptr);
    for (const char* name : {"seg_a", "seg_b"}) {
      segments[name] = g.Make(2);
      (*fx)->segments.segments[name] = renderer.Render(segments[name], 0);
    }
  }
  for (int i = 0; i < cases; ++i) {
    // Mostly dates with data; sometimes before any version.
    const uint64_t r = rng() % 10;
    const Days as_of = as_ofs[r < 1 ? 0 : r < 3 ? 1 : r < 7 ? 2 : 3];
    Generator g(rng, w, as_of, &segments);
    const Expr e = g.Make(static_cast<int>(rng() % 5));  // depth <= 4
    const std::string text = renderer.Render(e, 0);
    SegmentQueryOptions options;
    options.as_of = as_of;
    options.segments = &(*fx)->segments;
    auto got = EvaluateSegment(*snap, text, options);
    const std::string where = fmt::format("seed {} case {} as_of {}: {}", seed, i, FormatDate(as_of), text);
    ASSERT_TRUE(got.ok()) << where << "\n  error: " << got.status().ToString();
    const std::vector<uint32_t> want = Naive(w, as_of, segments).Users(e);
    const std::vector<uint32_t> have = got->ToVector();
    if (have != want) {
      std::vector<uint32_t> extra, missing;
      std::set_difference(have.begin(), have.end(), want.begin(), want.end(), std::back_inserter(extra));
      std::set_difference(want.begin(), want.end(), have.begin(), have.end(), std::back_inserter(missing));
      auto plan = ExplainSegment(*snap, text, options);
      FAIL() << where << "\n  engine " << have.size() << " users, naive " << want.size() << "; "
             << extra.size() << " extra (first " << (extra.empty() ? -1 : int64_t{extra[0]}) << "), "
             << missing.size() << " missing (first " << (missing.empty() ? -1 : int64_t{missing[0]}) << ")\n"
             << "  saved: seg_a = " << (*fx)->segments.segments["seg_a"]
             << "\n         seg_b = " << (*fx)->segments.segments["seg_b"] << "\n"
             << (plan.ok() ? *plan : plan.status().ToString());
    }
    auto count = CountSegment(*snap, text, options);
    ASSERT_TRUE(count.ok()) << where;
    ASSERT_EQ(*count, have.size()) << where << "\n  CountSegment disagrees with EvaluateSegment";
    ++stats.cases;
    stats.empty += want.empty();
    stats.full += want.size() == users;
  }
}

TEST(SegmentDifferentialTest, BitmapEngineMatchesNaiveEvaluator) {
  const uint64_t seed = SeedFromEnv();
  std::printf("[ differential ] seed %llu (rerun with TAGLOOP_DIFF_SEED=%llu)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  Stats stats;
  // Many small worlds (one container), then one spanning several containers.
  for (int world = 0; world < 6 && !HasFatalFailure(); ++world) RunCases(seed + world, 1500, 800, stats);
  if (!HasFatalFailure()) RunCases(seed + 100, 140000, 60, stats);
  std::printf("[ differential ] %d cases: %d empty, %d whole universe, %d in between\n", stats.cases,
              stats.empty, stats.full, stats.cases - stats.empty - stats.full);
}

}  // namespace
}  // namespace tagloop
