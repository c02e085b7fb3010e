// Fuzzes the segment lexer and parser (no store needed): arbitrary bytes must
// be rejected with InvalidArgument or parsed, never crash, and whatever
// parses must print (ToString) as text that parses back to the same tree.
// Seeds: fuzz/corpus/segment_parser/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "segment/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tokens = tagloop::segment::Lex(text);
  if (!tokens.ok()) {
    if (tokens.status().code() != tagloop::Status::Code::kInvalidArgument) std::abort();
    return 0;
  }
  auto tree = tagloop::segment::ParseTokens(*tokens);
  if (!tree.ok()) {
    const auto& st = tree.status();
    if (st.code() != tagloop::Status::Code::kInvalidArgument || !st.position() || *st.position() > size) {
      std::abort();
    }
    return 0;
  }
  const std::string once = tagloop::segment::ToString(*tree);
  auto again = tagloop::segment::Parse(once);
  // The canonical text may nest deeper than the input (it adds parentheses),
  // so only a nesting error is allowed on the way back.
  if (!again.ok()) {
    if (again.status().message().find("nested more than") == std::string::npos) {
      std::fprintf(stderr, "canonical text does not parse: %s\n%s\n", once.c_str(),
                   again.status().ToString().c_str());
      std::abort();
    }
    return 0;
  }
  if (tagloop::segment::ToString(*again) != once) {
    std::fprintf(stderr, "round trip changed the tree:\n%s\n%s\n", once.c_str(),
                 tagloop::segment::ToString(*again).c_str());
    std::abort();
  }
  return 0;
}
