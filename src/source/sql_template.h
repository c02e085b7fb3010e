// Query templates: the parameters of a SQL source's query text, expanded
// before the query is sent.
//
//   {{biz_date}} and its variants    the business date (ExpandSqlTemplate)
//   {{segment}} (or another name)    a pushed id table: a relation of one text
//                                    column user_id that the source fills
//                                    with a segment's ids (Source::QueryTable)
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace tagloop {

// Expands a query template for business date `biz_date`:
//   {{biz_date}}         2026-11-23
//   {{biz_date_nodash}}  20261123
//   {{biz_month}}        2026-11
//   {{biz_date-N}}, {{biz_date+N}}, {{biz_date_nodash-N}}: shifted by N days;
//   {{biz_month-N}}, {{biz_month+N}}: shifted by N months (N up to 99999).
// Spaces inside the braces are allowed ("{{ biz_date - 7 }}"). A "{{" that is
// not followed (after spaces) by a letter is left alone, so PostgreSQL array
// literals like '{{1,2},{3,4}}' pass. An unknown name, a malformed shift, a
// missing "}}" or a date outside years 1..9999 is InvalidArgument with the
// byte position of the "{{".
Result<std::string> ExpandSqlTemplate(std::string_view sql, Days biz_date);

// Splits a template at each reference to the pushed id table `table`
// ("{{segment}}", spaces inside the braces allowed) and expands the other
// parameters at `biz_date` in each piece: the pieces of a TableQuery
// (source/source.h), one more than the references (a template without one
// gives one piece). Errors: those of ExpandSqlTemplate, with the byte
// position in the whole template.
Result<std::vector<std::string>> ExpandTableTemplate(std::string_view query_template, std::string_view table,
                                                     Days biz_date);

}  // namespace tagloop
