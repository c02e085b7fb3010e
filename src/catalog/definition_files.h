// Tags as code: tag definitions kept as YAML files (usually in a git
// repository) and applied to the catalog with `tagloop tags apply`; the
// reverse, `tagloop tags export`, writes the catalog's definitions as YAML.
//
// A file holds YAML documents (separated by `---`; empty documents are
// skipped). Each document is either ONE definition, a mapping with the fields
// of the JSON form (catalog/tag_definition.h):
//
//   name: vip_level
//   type: enum
//   title: {zh: 会员等级, en: VIP level}
//   category: 交易/会员
//   producer:
//     kind: sql
//     source: shop
//     query: |
//       SELECT member_id, level FROM members
//   schedule: "0 2 * * *"
//
// or a mapping holding only `tags:`, a list of such definitions. Scalars are
// read with the YAML 1.2 core schema: unquoted true/false, null/~, integers
// and floats are those types, everything else (and anything quoted) is a
// string; `yes`/`no`/`on`/`off` stay strings. `category` is a path; the
// stored-form field `category_id` is refused in files.
//
// Errors are InvalidArgument "FILE:LINE:COLUMN: FIELD: WHAT" (1-based, as
// editors count; at the key of the offending field, or at the start of the
// definition when a required field is missing), for example
//   tags/vip.yaml:7:3: producer.kind: unknown producer 'sqll' (sql, list, ...)
//   tags/vip.yaml:2:1: nmae: unknown field (known: name, type, ...)
//   tags/vip.yaml:4:9: YAML: end of sequence flow not found
// Files are untrusted input: at most kMaxDefinitionFileBytes, nesting at most
// 64 levels (also stops alias cycles), at most 100000 YAML nodes per document
// (alias bombs), duplicate keys refused.
//
// Thread-safe: functions only read their arguments and files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/tag_definition.h"
#include "core/env.h"
#include "core/status.h"

namespace tagloop {

inline constexpr size_t kMaxDefinitionFileBytes = 4 << 20;

// A definition and where it was written.
struct DefinitionInFile {
  TagDefinition definition;  // as TagDefinitionFromJson returns it (category_path set, category_id 0)
  std::string file;          // the path as given
  int line = 0;              // 1-based position of the definition's mapping
  int column = 0;
  std::string Where() const;  // "FILE:LINE:COLUMN"
};

// Parses YAML text (`file` only names it in messages and results). Every
// definition of the text in order, or the errors of all its definitions
// (one per line, each "FILE:LINE:COLUMN: ...").
Result<std::vector<DefinitionInFile>> ParseDefinitionsYaml(std::string_view text, const std::string& file);

// Reads and parses one file. NotFound when it does not exist.
Result<std::vector<DefinitionInFile>> ReadDefinitionFile(const std::string& path, Env* env = Env::Default());

// The files `paths` stand for, in order: a file as given; a folder is every
// *.yaml and *.yml file directly in it (not in sub-folders, not hidden
// files), sorted by name. NotFound for a path that does not exist.
Result<std::vector<std::string>> ListDefinitionFiles(const std::vector<std::string>& paths,
                                                     Env* env = Env::Default());

// Every definition of the files `paths` stand for (ListDefinitionFiles), in
// order. Reads all of them before answering: the error lists every problem
// of every file, one per line, including a tag defined twice ("b.yaml:1:1:
// tag 'vip' is already defined at a.yaml:3:3").
Result<std::vector<DefinitionInFile>> ReadDefinitionFiles(const std::vector<std::string>& paths,
                                                          Env* env = Env::Default());

// One definition as a YAML document (UTF-8, ending in a newline, no `---`),
// in the field order of the example above, leaving out empty and default
// fields (biz_date yesterday, zero retention). Multi-line text (SQL) is a
// literal block. ParseDefinitionsYaml of the result gives back a definition
// that is SameAs `definition` with the same category_path.
std::string DefinitionToYaml(const TagDefinition& definition);

}  // namespace tagloop
