// The OpenAPI 3 document of /api/v1 (served at GET /api/v1/openapi.json).
// Every operation names its minimum role in `x-min-role`; a test checks that
// the paths and methods here are exactly the router's.
#include "server/openapi_spec.h"

namespace tagloop {

namespace {

constexpr std::string_view kSpec = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "tagloop API",
    "version": "1",
    "description": "Versioned user tags, segments and profiles. Every endpoint but /health needs 'Authorization: Bearer <token>'. Roles: viewer < analyst < operator < admin; each operation's minimum role is in x-min-role. Errors: {\"error\": {\"code\", \"message\", \"position\"?}}."
  },
  "servers": [{"url": "/"}],
  "security": [{"bearer": []}],
  "paths": {
    "/api/v1/health": {
      "get": {"summary": "Liveness", "security": [], "x-min-role": null,
              "responses": {"200": {"description": "Up", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}}}}}}}}
    },
    "/api/v1/version": {
      "get": {"summary": "Server and store version", "x-min-role": "viewer",
              "responses": {"200": {"description": "Versions", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Version"}}}},
                            "401": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/me": {
      "get": {"summary": "The caller: token name, role and token id (the web UI shows only what the role allows)", "x-min-role": "viewer",
              "responses": {"200": {"description": "The caller", "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}, "role": {"type": "string", "enum": ["viewer", "analyst", "operator", "admin"]}, "token_id": {"type": "integer"}}}}}},
                            "401": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/metrics": {
      "get": {"summary": "Prometheus metrics (text format 0.0.4)", "x-min-role": "viewer",
              "responses": {"200": {"description": "Metrics", "content": {"text/plain": {"schema": {"type": "string"}}}},
                            "401": {"$ref": "#/components/responses/Error"}}}
    },
    "/metrics": {
      "get": {"summary": "The same Prometheus metrics at the conventional scrape path", "x-min-role": "viewer",
              "responses": {"200": {"description": "Metrics", "content": {"text/plain": {"schema": {"type": "string"}}}},
                            "401": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/openapi.json": {
      "get": {"summary": "This document", "x-min-role": "viewer",
              "responses": {"200": {"description": "OpenAPI 3 document", "content": {"application/json": {"schema": {"type": "object"}}}}}}
    },
    "/api/v1/tags": {
      "get": {"summary": "Every tag of the store with its type and versions (offline tags only for admins, drafts for operators and admins)", "x-min-role": "viewer",
              "responses": {"200": {"description": "Tags", "content": {"application/json": {"schema": {"type": "object", "properties": {"tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}}}}},
                            "401": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/tags/{name}": {
      "get": {"summary": "One tag", "x-min-role": "viewer",
              "parameters": [{"$ref": "#/components/parameters/TagName"}],
              "responses": {"200": {"description": "The tag", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Tag"}}}},
                            "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/tags/{name}/distribution": {
      "get": {"summary": "Value distribution of one version: every value with its users, most users first, ties by value (bool, enum, set; with max_values only the first N, and other_values counts the rest), or count, min, max, sum, avg and about 10 equal-width buckets (int, decimal, date)",
              "x-min-role": "viewer",
              "parameters": [{"$ref": "#/components/parameters/TagName"},
                             {"name": "version", "in": "query", "description": "The version's date (default: the version in force as of today)", "schema": {"type": "string", "format": "date"}},
                             {"name": "as_of", "in": "query", "description": "Use the version in force at this date (not with version)", "schema": {"type": "string", "format": "date"}},
                             {"name": "max_values", "in": "query", "description": "bool, enum, set: keep the N values with the most users and count the others in other_values (numeric tags ignore it)", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}}],
              "responses": {"200": {"description": "Distribution", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Distribution"}}}},
                            "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/segments/count": {
      "post": {"summary": "Count the users of a segment expression", "x-min-role": "viewer",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CountRequest"}}}},
               "responses": {"200": {"description": "Count", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CountResult"}}}},
                             "400": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/segments/query": {
      "post": {"summary": "The external ids of a segment: one page (limit, cursor), or all of them streamed as NDJSON (stream: true or Accept: application/x-ndjson). Audited.",
               "x-min-role": "analyst",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueryRequest"}}}},
               "responses": {"200": {"description": "A page, or the NDJSON stream (one JSON string per line)",
                                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueryPage"}},
                                                 "application/x-ndjson": {"schema": {"type": "string"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/segments/export": {
      "post": {"summary": "A segment's users with tag columns as of a date, streamed as CSV (header user_id,tag,...; sets joined with |) or NDJSON (one object per user). Values of personal tags are \"***\" below the operator role (header X-Tagloop-Masked). Audited before streaming (503 when the audit log refuses).",
               "x-min-role": "analyst",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false,
                 "properties": {"expr": {"type": "string"}, "segment": {"type": "string", "description": "A saved segment's name (instead of expr)"},
                                "as_of": {"type": "string", "format": "date"},
                                "columns": {"type": "array", "maxItems": 200, "items": {"type": "string"}},
                                "format": {"type": "string", "enum": ["csv", "ndjson"], "description": "Default csv, or ndjson with Accept: application/x-ndjson"},
                                "limit": {"type": "integer", "minimum": 0, "description": "At most this many rows (0 or absent: all)"}}}}}},
               "responses": {"200": {"description": "The rows, chunked",
                                     "headers": {"X-Tagloop-Rows": {"schema": {"type": "integer"}}, "X-Tagloop-As-Of": {"schema": {"type": "string"}},
                                                 "X-Tagloop-Masked": {"description": "Masked columns, comma-separated", "schema": {"type": "string"}}},
                                     "content": {"text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/segments": {
      "get": {"summary": "Saved segments, sorted by name; with with_counts=true each with its count as of as_of, all counted on one snapshot (a segment that cannot be counted has count null and count_error)", "x-min-role": "analyst",
              "parameters": [{"name": "with_counts", "in": "query", "description": "Add count (or count_error) to every segment", "schema": {"type": "boolean"}},
                             {"name": "as_of", "in": "query", "description": "The counts' date (default today; only with with_counts)", "schema": {"type": "string", "format": "date"}}],
              "responses": {"200": {"description": "Saved segments", "content": {"application/json": {"schema": {"type": "object", "properties": {"segments": {"type": "array", "items": {"$ref": "#/components/schemas/SavedSegment"}},
                                                                                                                                        "as_of": {"type": "string", "format": "date", "description": "with_counts only"}}}}}},
                            "400": {"$ref": "#/components/responses/Error"}}},
      "post": {"summary": "Save a new segment (409 if the name exists): dynamic (expr), snapshot (expr frozen as of as_of, version 1) or sql (source + query, run now; operator role). List segments come from POST /segments/{name}/list.", "x-min-role": "analyst",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/SegmentRequest"}, {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}]}}}},
               "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavedSegment"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "504": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/segments/{name}": {
      "get": {"summary": "One saved segment", "x-min-role": "analyst",
              "parameters": [{"$ref": "#/components/parameters/SegmentName"}],
              "responses": {"200": {"description": "The segment", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavedSegment"}}}},
                            "404": {"$ref": "#/components/responses/Error"}}},
      "put": {"summary": "Create or replace a saved segment; on a snapshot or sql segment a new version (the kind defaults to the existing segment's; changing it is 409)", "x-min-role": "analyst",
              "parameters": [{"$ref": "#/components/parameters/SegmentName"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SegmentRequest"}}}},
              "responses": {"200": {"description": "Saved", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavedSegment"}}}},
                            "201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavedSegment"}}}},
                            "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Delete a saved segment (409 while another segment uses it)", "x-min-role": "analyst",
                 "parameters": [{"$ref": "#/components/parameters/SegmentName"}],
                 "responses": {"204": {"description": "Deleted"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/segments/{name}/versions": {
      "get": {"summary": "The versions of a frozen (snapshot, list, sql) segment, newest first: who, when, members, source", "x-min-role": "analyst",
              "parameters": [{"$ref": "#/components/parameters/SegmentName"}],
              "responses": {"200": {"description": "Versions", "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}, "kind": {"type": "string"},
                                    "versions": {"type": "array", "items": {"$ref": "#/components/schemas/SegmentVersion"}}}}}}},
                            "404": {"$ref": "#/components/responses/Error"}}},
      "post": {"summary": "A new version: a snapshot is frozen again (as of as_of), an sql segment's query runs again (operator role; {{biz_date}} = as_of). Lists take uploads instead (409).", "x-min-role": "analyst",
               "parameters": [{"$ref": "#/components/parameters/SegmentName"}],
               "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {"as_of": {"type": "string", "format": "date"}}}}}},
               "responses": {"201": {"description": "The new version (sql: with the match report)", "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}, "kind": {"type": "string"},
                                     "version": {"$ref": "#/components/schemas/SegmentVersion"}, "match": {"$ref": "#/components/schemas/ListMatch"}}}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"},
                             "409": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}, "504": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/segments/{name}/list": {
      "post": {"summary": "Upload external ids as the next version of a list segment (created if new): text/plain one id per line, or text/csv with a header (the id in ?column= or the first column). Unknown ids are reported, never added. Audited.", "x-min-role": "analyst",
               "parameters": [{"$ref": "#/components/parameters/SegmentName"},
                              {"name": "column", "in": "query", "description": "The id column of a CSV upload (implies CSV)", "schema": {"type": "string"}},
                              {"name": "date", "in": "query", "description": "The business date the version stands for (default today)", "schema": {"type": "string", "format": "date"}}],
               "requestBody": {"required": true, "content": {"text/plain": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}},
               "responses": {"200": {"description": "A new version of an existing list", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListUpload"}}}},
                             "201": {"description": "A new list segment", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListUpload"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/lists/match": {
      "post": {"summary": "The match report of an id list against the users, without saving (or saved as a list segment with ?save_as=NAME). Audited.", "x-min-role": "analyst",
               "parameters": [{"name": "column", "in": "query", "description": "The id column of a CSV upload (implies CSV)", "schema": {"type": "string"}},
                              {"name": "save_as", "in": "query", "description": "Also save the list as this list segment's next version", "schema": {"type": "string"}}],
               "requestBody": {"required": true, "content": {"text/plain": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}},
               "responses": {"200": {"description": "The report", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListMatch"}}}},
                             "201": {"description": "Saved as a new list segment", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListUpload"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/segments/{name}/count": {
      "get": {"summary": "Count a saved segment as of a date", "x-min-role": "viewer",
              "parameters": [{"$ref": "#/components/parameters/SegmentName"}, {"$ref": "#/components/parameters/AsOf"}],
              "responses": {"200": {"description": "Count", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CountResult"}}}},
                            "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/imports": {
      "post": {"summary": "Import a wide CSV upload (same rules as `tagloop import`; all or nothing). Audited.", "x-min-role": "operator",
               "parameters": [{"name": "id_column", "in": "query", "required": true, "schema": {"type": "string"}},
                              {"name": "types", "in": "query", "description": "col:type,col:type (other columns are enum)", "schema": {"type": "string"}},
                              {"name": "version", "in": "query", "description": "Business date (default today, UTC)", "schema": {"type": "string", "format": "date"}}],
               "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}}},
               "responses": {"200": {"description": "Import summary", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportSummary"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/users/{id}/profile": {
      "get": {"summary": "Every tag value of one user (as of a date). Audited.", "x-min-role": "analyst",
              "parameters": [{"$ref": "#/components/parameters/UserId"}, {"$ref": "#/components/parameters/AsOf"}],
              "responses": {"200": {"description": "Profile", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}}},
                            "404": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/users/{id}": {
      "delete": {"summary": "Forget a user: removed from the universe and from every tag's latest version. Audited.", "x-min-role": "operator",
                 "parameters": [{"$ref": "#/components/parameters/UserId"}],
                 "responses": {"204": {"description": "Deleted"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/tokens": {
      "get": {"summary": "Every token (never its secret)", "x-min-role": "admin",
              "responses": {"200": {"description": "Tokens", "content": {"application/json": {"schema": {"type": "object", "properties": {"tokens": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}}}}}}}}},
      "post": {"summary": "Create a token; its secret is in this answer only", "x-min-role": "admin",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name", "role"], "additionalProperties": false,
                                                                                             "properties": {"name": {"type": "string"}, "role": {"type": "string", "enum": ["viewer", "analyst", "operator", "admin"]}}}}}},
               "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"}, "token": {"type": "string"}}}}}},
                             "400": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/tokens/{id}": {
      "delete": {"summary": "Revoke a token", "x-min-role": "admin",
                 "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                 "responses": {"204": {"description": "Revoked"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/events": {
      "post": {"summary": "Ingest a batch of events (a JSON array or NDJSON, one event per line): each valid event is appended to the durable event log (fdatasync'ed before the answer; an event_id already logged for its business day is acknowledged as a duplicate and not applied again) and applied to the real-time tags; invalid events are rejected with their index and reason while the others are kept. 400 when every event is rejected, 413 over max_event_bytes.",
               "x-min-role": "operator",
               "parameters": [{"name": "wait", "in": "query", "description": "durable (default): answer once the events are durable; visible: once they also show in counts, queries and profiles (504 if not within 10 s)", "schema": {"type": "string", "enum": ["durable", "visible"], "default": "durable"}}],
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}}},
                                                             "application/x-ndjson": {"schema": {"type": "string", "description": "One Event object per line"}}}},
               "responses": {"200": {"description": "The outcome", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventBatchResult"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"},
                             "415": {"$ref": "#/components/responses/Error"}, "504": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/insight/distribution": {
      "post": {"summary": "Distribution of chosen tags over a segment: every value (numeric tags: round buckets chosen from the universe) with users, share, universe users, universe share and TGI (100 = like everyone), its expr for drill-down; numeric tags add count/sum/avg/min/max/percentiles for the segment and the universe", "x-min-role": "viewer",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["tags"], "properties": {"expr": {"type": "string", "description": "a segment expression"}, "segment": {"type": "string", "description": "or a saved segment name"}, "as_of": {"type": "string", "format": "date"}, "tags": {"type": "array", "items": {"type": "string"}}, "percentiles": {"type": "array", "items": {"type": "number", "enum": [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]}}, "max_values": {"type": "integer", "minimum": 1, "maximum": 10000}}}}}},
               "responses": {"200": {"description": "Per tag: values and statistics", "content": {"application/json": {"schema": {"type": "object"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/insight/characterize": {
      "post": {"summary": "What else characterises a segment: every value of every published tag (or of 'tags') ranked by TGI, keeping values held by at least min_share of the segment and min_users users; 'over' (TGI > 100, highest first) and 'under' (TGI < 100, lowest first). The segment's own tags are left out unless 'tags' or 'exclude_tags' is given", "x-min-role": "viewer",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {"expr": {"type": "string", "description": "a segment expression"}, "segment": {"type": "string", "description": "or a saved segment name"}, "as_of": {"type": "string", "format": "date"}, "tags": {"type": "array", "items": {"type": "string"}}, "exclude_tags": {"type": "array", "items": {"type": "string"}}, "min_share": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.01}, "min_users": {"type": "integer", "minimum": 0, "default": 30}, "limit": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}}}}}},
               "responses": {"200": {"description": "Ranked values", "content": {"application/json": {"schema": {"type": "object"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/insight/overlap": {
      "post": {"summary": "Overlap of 2 to 16 segments: sizes, the pairwise intersection matrix, union, users in all, each one's exclusive part and (up to 8 segments) every non-empty Venn region with its expr", "x-min-role": "viewer",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["segments"], "properties": {"segments": {"type": "array", "minItems": 2, "maxItems": 16, "items": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"expr": {"type": "string"}, "segment": {"type": "string"}, "label": {"type": "string"}}}]}}, "as_of": {"type": "string", "format": "date"}}}}}},
               "responses": {"200": {"description": "The overlap", "content": {"application/json": {"schema": {"type": "object"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/insight/history": {
      "post": {"summary": "A segment's size as of each day (every step_days) from 'from' to 'to' (at most 731 points)", "x-min-role": "viewer",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["from", "to"], "properties": {"expr": {"type": "string"}, "segment": {"type": "string"}, "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "step_days": {"type": "integer", "minimum": 1, "maximum": 366}}}}}},
               "responses": {"200": {"description": "points: [{date, users}]", "content": {"application/json": {"schema": {"type": "object"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/insight/diff": {
      "post": {"summary": "Who entered and who left a segment between two dates: counts for viewers; with ids_limit > 0 (analyst) also the first ids of each group, audited (insight.diff)", "x-min-role": "viewer",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "required": ["from", "to"], "properties": {"expr": {"type": "string"}, "segment": {"type": "string"}, "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "ids_limit": {"type": "integer", "minimum": 0, "maximum": 100000}}}}}},
               "responses": {"200": {"description": "from_users, to_users, stayed, entered, left (+ entered_ids, left_ids)", "content": {"application/json": {"schema": {"type": "object"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/reports": {
      "get": {"summary": "Saved reports (name, title, version, who and when)", "x-min-role": "viewer",
              "responses": {"200": {"description": "The reports", "content": {"application/json": {"schema": {"type": "object"}}}}}},
      "post": {"summary": "Save a new report (the definition is checked against the current tags); 409 when the name exists", "x-min-role": "analyst",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name", "definition"], "additionalProperties": false, "properties": {"name": {"type": "string"}, "definition": {"$ref": "#/components/schemas/ReportDefinition"}}}}}},
               "responses": {"201": {"description": "Saved", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/reports/run": {
      "post": {"summary": "Run a report definition without saving it: a table per date whose every cell is a segment (keys, expr, users, measure values)", "x-min-role": "viewer",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["definition"], "additionalProperties": false, "properties": {"definition": {"$ref": "#/components/schemas/ReportDefinition"}, "as_of": {"type": "string", "format": "date"}}}}}},
               "responses": {"200": {"description": "The tables", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportResult"}}}}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/reports/{name}": {
      "get": {"summary": "One report: its definition and version", "x-min-role": "viewer", "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {"200": {"description": "The report", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": {"$ref": "#/components/responses/Error"}}},
      "put": {"summary": "Create or replace a report (a new version)", "x-min-role": "analyst", "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["definition"], "additionalProperties": false, "properties": {"definition": {"$ref": "#/components/schemas/ReportDefinition"}}}}}},
              "responses": {"200": {"description": "Saved", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Delete a report (its versions stay listed); 409 while a dashboard shows it", "x-min-role": "analyst", "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
                 "responses": {"204": {"description": "Deleted"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/reports/{name}/versions": {
      "get": {"summary": "Every version of a report, newest first, with who changed it and when", "x-min-role": "viewer", "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {"200": {"description": "Versions", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/reports/{name}/run": {
      "post": {"summary": "Run a saved report (optionally as of another date)", "x-min-role": "viewer", "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
               "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {"as_of": {"type": "string", "format": "date"}}}}}},
               "responses": {"200": {"description": "The tables", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportResult"}}}}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/dashboards": {
      "get": {"summary": "Dashboards the caller's role may see", "x-min-role": "viewer",
              "responses": {"200": {"description": "The dashboards", "content": {"application/json": {"schema": {"type": "object"}}}}}},
      "post": {"summary": "Save a new dashboard: a title, an ordered list of saved reports and the minimum role that sees it", "x-min-role": "analyst",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dashboard"}}}},
               "responses": {"201": {"description": "Saved", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/dashboards/{name}": {
      "get": {"summary": "One dashboard (404 when the caller's role may not see it)", "x-min-role": "viewer", "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {"200": {"description": "The dashboard", "content": {"application/json": {"schema": {"type": "object"}}}}, "404": {"$ref": "#/components/responses/Error"}}},
      "put": {"summary": "Create or replace a dashboard", "x-min-role": "analyst", "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dashboard"}}}},
              "responses": {"200": {"description": "Saved", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Delete a dashboard", "x-min-role": "analyst", "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
                 "responses": {"204": {"description": "Deleted"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/insight/metrics": {
      "post": {"summary": "Business metrics of a segment computed by a SQL source: the segment's ids are pushed to the source as {{segment}} (a relation of one column user_id) and the query's rows come back. Audited (insight.metrics).",
               "x-min-role": "analyst",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["source", "query"], "additionalProperties": false,
                 "properties": {"expr": {"type": "string"}, "segment": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
                                "source": {"type": "string"}, "query": {"type": "string"},
                                "max_rows": {"type": "integer", "minimum": 1, "maximum": 100000}}}}}},
               "responses": {"200": {"description": "The metric rows", "content": {"application/json": {"schema": {"type": "object", "properties": {
                                "columns": {"type": "array", "items": {"type": "string"}}, "rows": {"type": "array", "items": {"type": "array", "items": {}}},
                                "truncated": {"type": "boolean"}, "users": {"type": "integer"}, "source": {"type": "string"},
                                "pushed_as": {"type": "string", "enum": ["temp_table", "values"]}, "as_of": {"type": "string"}, "elapsed_ms": {"type": "number"}}}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/events/stats": {
      "get": {"summary": "The event log (segments, events, bytes, days, torn tail cut off at start) and the real-time engine (tags, events applied and replayed, publishes, new users, pending, memory, last error)", "x-min-role": "analyst",
              "responses": {"200": {"description": "Statistics", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventStats"}}}}}}
    },
    "/api/v1/events/types": {
      "get": {"summary": "Every registered event type: the built-in ones first, then custom types by name", "x-min-role": "viewer",
              "responses": {"200": {"description": "Types", "content": {"application/json": {"schema": {"type": "object", "properties": {"types": {"type": "array", "items": {"$ref": "#/components/schemas/EventType"}}}}}}}}}
    },
    "/api/v1/events/types/{name}": {
      "get": {"summary": "One event type with its property schema", "x-min-role": "viewer",
              "parameters": [{"$ref": "#/components/parameters/EventTypeName"}],
              "responses": {"200": {"description": "The type", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventType"}}}},
                            "404": {"$ref": "#/components/responses/Error"}}},
      "put": {"summary": "Register or replace a custom event type. A replacement may only add optional properties or relax required ones (events already logged were checked against the old schema); built-in types cannot be replaced.", "x-min-role": "admin",
              "parameters": [{"$ref": "#/components/parameters/EventTypeName"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventType"}}}},
              "responses": {"200": {"description": "The stored type", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventType"}}}},
                            "400": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Remove a custom event type (events already logged stay in the log); built-in types cannot be removed", "x-min-role": "admin",
                 "parameters": [{"$ref": "#/components/parameters/EventTypeName"}],
                 "responses": {"200": {"description": "Removed", "content": {"application/json": {"schema": {"type": "object", "properties": {"removed": {"type": "string"}}}}}},
                               "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags": {
      "get": {"summary": "Tag definitions with status, version, category, titles, owner, producer, schedule, latest data version and the stale flag. Drafts only for operators and admins; offline tags only for admins with include_offline=true", "x-min-role": "viewer",
              "parameters": [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["draft", "published", "offline"]}},
                             {"name": "category", "in": "query", "description": "Category path prefix ('交易' holds '交易/会员')", "schema": {"type": "string"}},
                             {"name": "q", "in": "query", "description": "Substring of the name or a title (ASCII case-insensitive)", "schema": {"type": "string"}},
                             {"name": "include_offline", "in": "query", "description": "Admins only", "schema": {"type": "boolean", "default": false}},
                             {"name": "type", "in": "query", "schema": {"type": "string", "enum": ["bool", "enum", "set", "int", "decimal", "date", "numeric", "categorical"]}},
                             {"name": "limit", "in": "query", "description": "A page of at most this many (by name); absent: every match", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}},
                             {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}}],
              "responses": {"200": {"description": "Definitions", "content": {"application/json": {"schema": {"type": "object", "properties": {"tags": {"type": "array", "items": {"$ref": "#/components/schemas/CatalogTagSummary"}}, "total": {"type": "integer", "description": "Matches before paging"}, "offset": {"type": "integer"}}}}}},
                            "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}": {
      "get": {"summary": "One definition with its status, data versions and their provenance (definition version, run), last run and dependents", "x-min-role": "viewer",
              "parameters": [{"$ref": "#/components/parameters/TagName"}],
              "responses": {"200": {"description": "The tag", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CatalogTag"}}}},
                            "404": {"$ref": "#/components/responses/Error"}}},
      "put": {"summary": "Create or change a definition (a new tag is a draft; every change is a new immutable version). Checked completely first: the store's type, the source, the list file, the composite's expressions and cycles, the schedule, the quality rules. Audited.", "x-min-role": "operator",
              "parameters": [{"$ref": "#/components/parameters/TagName"},
                             {"name": "dry_run", "in": "query", "description": "Only show what would change", "schema": {"type": "boolean", "default": false}}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TagDefinition"}}}},
              "responses": {"200": {"description": "The outcome", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DefinitionChange"}}}},
                            "400": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}/history": {
      "get": {"summary": "Every version of a definition, oldest first", "x-min-role": "viewer",
              "parameters": [{"$ref": "#/components/parameters/TagName"}],
              "responses": {"200": {"description": "Versions", "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"},
                            "versions": {"type": "array", "items": {"type": "object", "properties": {"version": {"type": "integer"}, "created_at_ms": {"type": "integer"}, "created_by": {"type": "string"}, "definition": {"$ref": "#/components/schemas/TagDefinition"}}}}}}}}},
                            "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}/publish": {
      "post": {"summary": "Publish a draft: live at once; a producible tag without data is produced now. Audited.", "x-min-role": "operator",
               "parameters": [{"$ref": "#/components/parameters/TagName"}],
               "responses": {"200": {"description": "New status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StatusChange"}}}},
                             "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}/offline": {
      "post": {"summary": "Take a tag offline (it stops producing; only admins read it). Refused (409, error.dependents) while published composite tags or saved segments read it, unless an admin gives force=true. Audited.", "x-min-role": "operator",
               "parameters": [{"$ref": "#/components/parameters/TagName"},
                              {"name": "force", "in": "query", "description": "Admins only: take it offline although others depend on it", "schema": {"type": "boolean", "default": false}}],
               "responses": {"200": {"description": "New status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StatusChange"}}}},
                             "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}/restore": {
      "post": {"summary": "Bring an offline tag back (published). Audited.", "x-min-role": "operator",
               "parameters": [{"$ref": "#/components/parameters/TagName"}],
               "responses": {"200": {"description": "New status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StatusChange"}}}},
                             "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}/category": {
      "put": {"summary": "Move a tag to a category (0 or null: none); a new definition version, no data changes. Audited.", "x-min-role": "operator",
              "parameters": [{"$ref": "#/components/parameters/TagName"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false, "properties": {"category_id": {"type": "integer", "nullable": true}}}}}},
              "responses": {"200": {"description": "The outcome", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DefinitionChange"}}}},
                            "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}/runs": {
      "get": {"summary": "A tag's runs, newest first (without logs)", "x-min-role": "viewer",
              "parameters": [{"$ref": "#/components/parameters/TagName"}, {"$ref": "#/components/parameters/Limit"}],
              "responses": {"200": {"description": "Runs", "content": {"application/json": {"schema": {"type": "object", "properties": {"tag": {"type": "string"}, "runs": {"type": "array", "items": {"$ref": "#/components/schemas/Run"}}}}}}},
                            "404": {"$ref": "#/components/responses/Error"}}},
      "post": {"summary": "Queue a run (manual, or repair: replace that date's version) and optionally wait for it. 200 when the run finished, 202 while it is queued or running. Audited.", "x-min-role": "operator",
               "parameters": [{"$ref": "#/components/parameters/TagName"}],
               "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false,
                               "properties": {"date": {"type": "string", "format": "date", "description": "Business date (default: the one a scheduled run now would produce)"},
                                              "definition_version": {"type": "integer", "description": "Default: the version valid at the date"},
                                              "wait_seconds": {"type": "integer", "minimum": 0, "maximum": 600, "default": 0},
                                              "repair": {"type": "boolean", "default": false}}}}}},
               "responses": {"200": {"description": "The finished run", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunStarted"}}}},
                             "202": {"description": "The run, still queued or running", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunStarted"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}/backfill": {
      "post": {"summary": "Queue one run per date from `from` to `to` (at most 3660), each with the definition version valid at its date or the one given. Audited.", "x-min-role": "operator",
               "parameters": [{"$ref": "#/components/parameters/TagName"}],
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["from", "to"], "additionalProperties": false,
                               "properties": {"from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "definition_version": {"type": "integer"}}}}}},
               "responses": {"202": {"description": "Queued", "content": {"application/json": {"schema": {"type": "object", "properties": {"tag": {"type": "string"}, "from": {"type": "string"}, "to": {"type": "string"}, "run_ids": {"type": "array", "items": {"type": "integer"}}}}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}/quality": {
      "get": {"summary": "Quality checks of the tag's new data versions, newest first", "x-min-role": "viewer",
              "parameters": [{"$ref": "#/components/parameters/TagName"}, {"$ref": "#/components/parameters/Limit"}],
              "responses": {"200": {"description": "Checks", "content": {"application/json": {"schema": {"type": "object", "properties": {"tag": {"type": "string"}, "checks": {"type": "array", "items": {"$ref": "#/components/schemas/QualityRecord"}}}}}}},
                            "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}/usage": {
      "get": {"summary": "How the tag is used (counts, queries, saved segments, composite tags, profiles) by whom, and what depends on it", "x-min-role": "viewer",
              "parameters": [{"$ref": "#/components/parameters/TagName"}],
              "responses": {"200": {"description": "Usage", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Usage"}}}},
                            "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}/values": {
      "post": {"summary": "Push values to an external tag: the version of the date becomes the version in force then plus the changes (or only `set` with replace). At most 100,000 items. Audited.", "x-min-role": "operator",
               "parameters": [{"$ref": "#/components/parameters/TagName"}],
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}}},
               "responses": {"200": {"description": "Published", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushResult"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/tags/{name}/list": {
      "put": {"summary": "Upload the file of a list tag (one id per line, or id,value); a new definition version names it. With run=true the tag is also produced (waits up to 60 s). Audited.", "x-min-role": "operator",
              "parameters": [{"$ref": "#/components/parameters/TagName"},
                             {"name": "run", "in": "query", "schema": {"type": "boolean", "default": false}}],
              "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}}}},
              "responses": {"200": {"description": "Stored (and produced)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListUpload"}}}},
                            "202": {"description": "Stored; the run is still going", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListUpload"}}}},
                            "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/runs/{id}": {
      "get": {"summary": "One run with its log", "x-min-role": "viewer",
              "parameters": [{"$ref": "#/components/parameters/RunId"}],
              "responses": {"200": {"description": "The run", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}},
                            "404": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/runs/{id}/cancel": {
      "post": {"summary": "Cancel a queued or running run (409 when it already finished). Audited.", "x-min-role": "operator",
               "parameters": [{"$ref": "#/components/parameters/RunId"}],
               "responses": {"200": {"description": "The run, stopped", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}},
                             "202": {"description": "Asked to stop; still running", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}},
                             "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/categories": {
      "get": {"summary": "The category tree with the number of tags in each category and below", "x-min-role": "viewer",
              "responses": {"200": {"description": "Tree", "content": {"application/json": {"schema": {"type": "object", "properties": {"categories": {"type": "array", "items": {"$ref": "#/components/schemas/CategoryNode"}}, "uncategorized_tags": {"type": "integer"}}}}}}}},
      "post": {"summary": "Create a category (parent_id 0 or absent: top level). Audited.", "x-min-role": "operator",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name"], "additionalProperties": false,
                               "properties": {"parent_id": {"type": "integer"}, "name": {"type": "string"}, "title_en": {"type": "string"}}}}}},
               "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Category"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/categories/{id}": {
      "patch": {"summary": "Rename a category or move it (parent_id 0: top level); no data and no definition changes. Audited.", "x-min-role": "operator",
                "parameters": [{"$ref": "#/components/parameters/CategoryId"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "additionalProperties": false,
                                "properties": {"parent_id": {"type": "integer"}, "name": {"type": "string"}, "title_en": {"type": "string"}}}}}},
                "responses": {"200": {"description": "Changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Category"}}}},
                              "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Delete an empty category (409 while it holds tags or categories). Audited.", "x-min-role": "operator",
                 "parameters": [{"$ref": "#/components/parameters/CategoryId"}],
                 "responses": {"204": {"description": "Deleted"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/runs": {
      "get": {"summary": "Runs of every tag the caller may see, newest first (the jobs page)", "x-min-role": "viewer",
              "parameters": [{"name": "state", "in": "query", "description": "One state or several, comma-separated (queued,running)", "schema": {"type": "string"}},
                             {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}}],
              "responses": {"200": {"description": "Runs", "content": {"application/json": {"schema": {"type": "object", "properties": {"runs": {"type": "array", "items": {"type": "object"}}}}}}},
                            "400": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/quality": {
      "get": {"summary": "Quality checks of every tag the caller may see, newest first; failed=true: only the failed ones", "x-min-role": "viewer",
              "parameters": [{"name": "failed", "in": "query", "schema": {"type": "boolean", "default": false}},
                             {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}}],
              "responses": {"200": {"description": "Checks", "content": {"application/json": {"schema": {"type": "object", "properties": {"checks": {"type": "array", "items": {"type": "object", "properties": {"tag": {"type": "string"}, "run_id": {"type": "integer"}, "biz_date": {"type": "string"}, "at_ms": {"type": "integer"}, "check": {"type": "string"}, "passed": {"type": "boolean"}, "observed": {"type": "number"}, "bound": {"type": "number"}, "message": {"type": "string"}}}}}}}}},
                            "400": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/preview": {
      "post": {"summary": "Run a SQL tag's query read-only before saving it: the first rows and a dry-run count (rows, distinct users, users the store knows)", "x-min-role": "operator",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["source", "query"], "additionalProperties": false,
                               "properties": {"source": {"type": "string"}, "query": {"type": "string"}, "biz_date": {"type": "string", "format": "date", "description": "Default: yesterday"}, "rows": {"type": "integer", "minimum": 0, "maximum": 100, "default": 20}}}}}},
               "responses": {"200": {"description": "Preview", "content": {"application/json": {"schema": {"type": "object", "properties": {"source": {"type": "string"}, "biz_date": {"type": "string"}, "query": {"type": "string", "description": "With its parameters expanded"}, "columns": {"type": "integer"}, "rows": {"type": "array", "items": {"type": "array"}}, "rows_total": {"type": "integer"}, "users": {"type": "integer"}, "known_users": {"type": "integer"}, "elapsed_ms": {"type": "number"}}}}}},
                             "400": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/sources": {
      "get": {"summary": "SQL sources (never their passwords)", "x-min-role": "admin",
              "responses": {"200": {"description": "Sources", "content": {"application/json": {"schema": {"type": "object", "properties": {"sources": {"type": "array", "items": {"$ref": "#/components/schemas/Source"}}}}}}}}}
    },
    "/api/v1/catalog/sources/{name}": {
      "put": {"summary": "Create or replace a source; without \"password\" the stored one is kept. Audited (never the password).", "x-min-role": "admin",
              "parameters": [{"$ref": "#/components/parameters/SourceName"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["kind", "connection"], "additionalProperties": false,
                              "properties": {"kind": {"type": "string", "enum": ["sqlite", "postgresql", "odbc"]}, "connection": {"type": "string", "description": "Without a password"},
                                             "password": {"type": "string", "writeOnly": true}, "password_env": {"type": "string"},
                                             "fetch_rows": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 10000}}}}}},
              "responses": {"200": {"description": "Stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Source"}}}},
                            "400": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Delete a source. Refused (409, error.tags) while SQL tags name it, unless force=true. Audited.", "x-min-role": "admin",
                 "parameters": [{"$ref": "#/components/parameters/SourceName"},
                                {"name": "force", "in": "query", "description": "Delete it although tags still name it", "schema": {"type": "boolean", "default": false}}],
                 "responses": {"204": {"description": "Deleted"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/catalog/sources/{name}/test": {
      "post": {"summary": "Connect and run a trivial query; the driver's message on failure (never the password)", "x-min-role": "admin",
               "parameters": [{"$ref": "#/components/parameters/SourceName"}],
               "responses": {"200": {"description": "The outcome", "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}, "ok": {"type": "boolean"}, "description": {"type": "string"},
                             "error": {"type": "object", "nullable": true, "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}, "elapsed_ms": {"type": "number"}}}}}},
                             "404": {"$ref": "#/components/responses/Error"}}}
    }
  },
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "parameters": {
      "TagName": {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
      "SegmentName": {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
      "UserId": {"name": "id", "in": "path", "required": true, "description": "External id, percent-encoded", "schema": {"type": "string"}},
      "AsOf": {"name": "as_of", "in": "query", "description": "YYYY-MM-DD (default today, UTC)", "schema": {"type": "string", "format": "date"}},
      "CategoryId": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
      "RunId": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
      "SourceName": {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
      "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}},
      "EventTypeName": {"name": "name", "in": "path", "required": true, "description": "[a-z][a-z0-9_]{0,63}", "schema": {"type": "string"}}
    },
    "responses": {
      "Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "schemas": {
      "ReportDefinition": {"type": "object", "required": ["dimensions"], "additionalProperties": false, "properties": {
        "title": {"type": "string"}, "description": {"type": "string"}, "base": {"type": "string", "default": "ALL"},
        "dimensions": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "object", "required": ["tag"], "properties": {
          "tag": {"type": "string"}, "limit": {"type": "integer", "minimum": 1, "maximum": 200, "default": 20}, "include_null": {"type": "boolean"},
          "edges": {"type": "array", "items": {"oneOf": [{"type": "number"}, {"type": "string"}]}}}}},
        "measures": {"type": "array", "items": {"type": "object", "required": ["kind"], "properties": {
          "kind": {"type": "string", "enum": ["users", "sum", "avg", "min", "max", "metric"]}, "tag": {"type": "string"},
          "source": {"type": "string"}, "query": {"type": "string"}, "label": {"type": "string"}}}},
        "as_of": {"type": "string", "format": "date"},
        "series": {"type": "object", "required": ["from", "to"], "properties": {"from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "step_days": {"type": "integer"}}}}},
      "ReportResult": {"type": "object", "properties": {
        "measures": {"type": "array", "items": {"type": "object"}},
        "tables": {"type": "array", "items": {"type": "object", "properties": {
          "as_of": {"type": "string"}, "base_users": {"type": "integer"}, "truncated": {"type": "boolean"},
          "dimensions": {"type": "array", "items": {"type": "object", "properties": {"tag": {"type": "string"}, "values": {"type": "array", "items": {"type": "string"}}}}},
          "cells": {"type": "array", "items": {"type": "object", "properties": {"keys": {"type": "array", "items": {"type": "string", "nullable": true}}, "expr": {"type": "string"}, "users": {"type": "integer"}, "values": {"type": "array", "items": {}}}}}}}},
        "elapsed_ms": {"type": "number"}}},
      "Dashboard": {"type": "object", "required": ["reports"], "properties": {
        "name": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
        "reports": {"type": "array", "maxItems": 50, "items": {"type": "string"}},
        "min_role": {"type": "string", "enum": ["viewer", "analyst", "operator", "admin"], "default": "viewer"}}},
      "Error": {"type": "object", "properties": {"error": {"type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string", "example": "invalid_argument"}, "message": {"type": "string"},
                               "position": {"type": "integer", "description": "Byte offset in the expression (or JSON body)"}}}}},
      "Version": {"type": "object", "properties": {"version": {"type": "string"}, "api": {"type": "string"},
                  "store": {"type": "object", "properties": {"generation": {"type": "integer"}, "users": {"type": "integer"}, "tags": {"type": "integer"}}}}},
      "Tag": {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string", "example": "decimal:2"},
              "category": {"type": "string", "nullable": true, "description": "The catalog's category path"}, "users": {"type": "integer", "description": "Users with a value in the latest version"},
              "title": {"$ref": "#/components/schemas/Title"}, "status": {"type": "string", "description": "Only for tags the catalog defines"},
              "versions": {"type": "array", "items": {"type": "object", "properties": {"date": {"type": "string", "format": "date"}, "users": {"type": "integer"}, "bytes": {"type": "integer"}}}}}},
      "Distribution": {"type": "object", "properties": {"tag": {"type": "string"}, "type": {"type": "string"}, "version": {"type": "string", "format": "date"},
                       "users": {"type": "integer"},
                       "values": {"type": "array", "items": {"type": "object", "properties": {"value": {}, "users": {"type": "integer"}}}},
                       "other_values": {"type": "integer", "description": "With max_values (bool, enum, set): how many values were left out"},
                       "min": {}, "max": {}, "sum": {}, "avg": {"type": "number"},
                       "buckets": {"type": "array", "items": {"type": "object", "properties": {"from": {}, "to": {}, "users": {"type": "integer"}}}}}},
      "CountRequest": {"type": "object", "required": ["expr"], "additionalProperties": false,
                       "properties": {"expr": {"type": "string"}, "as_of": {"type": "string", "format": "date"}}},
      "CountResult": {"type": "object", "properties": {"name": {"type": "string"}, "count": {"type": "integer"}, "as_of": {"type": "string", "format": "date"}, "elapsed_ms": {"type": "number"}}},
      "QueryRequest": {"type": "object", "required": ["expr"], "additionalProperties": false,
                       "properties": {"expr": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
                                      "limit": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1000},
                                      "cursor": {"type": "string", "description": "next_cursor of the previous page"},
                                      "stream": {"type": "boolean", "default": false}}},
      "QueryPage": {"type": "object", "properties": {"ids": {"type": "array", "items": {"type": "string"}}, "count": {"type": "integer"},
                    "total": {"type": "integer"}, "as_of": {"type": "string", "format": "date"}, "next_cursor": {"type": "string", "nullable": true}}},
      "SavedSegment": {"type": "object", "properties": {"name": {"type": "string"}, "kind": {"type": "string", "enum": ["dynamic", "snapshot", "list", "sql"]},
                       "expr": {"type": "string", "description": "dynamic: the expression; snapshot: the one frozen; list, sql: empty"},
                       "description": {"type": "string", "description": "Free text for people (\"\" when none)"},
                       "source": {"type": "string", "description": "sql only"}, "query": {"type": "string", "description": "sql only"},
                       "created_unix": {"type": "integer"}, "updated_unix": {"type": "integer"},
                       "versions": {"type": "integer", "description": "Frozen kinds only: how many versions"},
                       "latest_version": {"$ref": "#/components/schemas/SegmentVersion"},
                       "match": {"$ref": "#/components/schemas/ListMatch"},
                       "count": {"type": "integer", "nullable": true, "description": "GET /segments?with_counts=true: the count as of as_of; null when it cannot be counted"},
                       "count_error": {"type": "string", "description": "With count null: why (an offline or unknown tag, ...)"}}},
      "SegmentRequest": {"type": "object", "additionalProperties": false,
                         "properties": {"kind": {"type": "string", "enum": ["dynamic", "snapshot", "sql"], "description": "Default dynamic (PUT: the existing segment's kind)"},
                                        "expr": {"type": "string", "description": "dynamic, snapshot"},
                                        "as_of": {"type": "string", "format": "date", "description": "snapshot: the date frozen at; sql: {{biz_date}} (default today)"},
                                        "source": {"type": "string", "description": "sql: a catalog source"}, "query": {"type": "string", "description": "sql: one column of user ids"},
                                        "description": {"type": "string", "maxLength": 2000, "description": "Free text for people (UTF-8, at most 2000 characters; tab and line breaks allowed, other control characters not). PUT: absent keeps the current one, \"\" clears it"}}},
      "SegmentVersion": {"type": "object", "properties": {"version": {"type": "integer"}, "created_unix": {"type": "integer"}, "created_by": {"type": "string"},
                         "date": {"type": "string", "format": "date", "description": "The business date it stands for"}, "members": {"type": "integer"}, "source": {"type": "string"}}},
      "ListMatch": {"type": "object", "properties": {"lines": {"type": "integer"}, "blank_lines": {"type": "integer"}, "distinct": {"type": "integer"}, "duplicates": {"type": "integer"},
                    "matched": {"type": "integer"}, "unknown": {"type": "integer"}, "match_rate": {"type": "number"},
                    "unknown_ids": {"type": "array", "maxItems": 100, "items": {"type": "string"}}}},
      "ListUpload": {"allOf": [{"$ref": "#/components/schemas/ListMatch"}, {"type": "object", "properties": {"name": {"type": "string"}, "kind": {"type": "string"}, "version": {"$ref": "#/components/schemas/SegmentVersion"}}}]},
      "ImportSummary": {"type": "object", "properties": {"version": {"type": "string", "format": "date"}, "rows": {"type": "integer"}, "tags": {"type": "integer"},
                        "new_users": {"type": "integer"}, "bytes": {"type": "integer"}, "generation": {"type": "integer"}, "seconds": {"type": "number"},
                        "phases": {"type": "object", "additionalProperties": {"type": "number"}}}},
      "Profile": {"type": "object", "properties": {"user_id": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
                  "tags": {"type": "object", "description": "bool: true/false; enum: string; set: array of strings; int: number; decimal: string with the tag's scale (\"12.50\"); date: \"YYYY-MM-DD\"",
                           "additionalProperties": {}}}},
      "Token": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"},
                "created_at_ms": {"type": "integer"}, "created_by": {"type": "string"}, "last_used_at_ms": {"type": "integer", "nullable": true},
                "revoked_at_ms": {"type": "integer", "nullable": true}, "active": {"type": "boolean"}}},
      "Title": {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}},
      "TagDefinition": {"type": "object", "required": ["type", "producer"],
                        "description": "name (optional in a PUT; must match the path), type, title (string = zh, or {zh, en}), description, owner, category (path, created when missing), producer {kind: sql|list|composite|external|import|realtime|behavior, ...settings}, schedule (cron), biz_date (yesterday|today), quality (rule overrides), retention {keep_days, keep_versions}",
                        "properties": {"name": {"type": "string"}, "type": {"type": "string"}, "title": {}, "description": {"type": "string"}, "owner": {"type": "string"},
                                       "category": {"type": "string"}, "producer": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}, "additionalProperties": true},
                                       "schedule": {"type": "string"}, "biz_date": {"type": "string", "enum": ["yesterday", "today"]},
                                       "quality": {"type": "object"}, "retention": {"type": "object", "properties": {"keep_days": {"type": "integer"}, "keep_versions": {"type": "integer"}}}}},
      "CatalogTagSummary": {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string"}, "status": {"type": "string", "enum": ["draft", "published", "offline"]},
                            "version": {"type": "integer"}, "category": {"type": "string", "nullable": true}, "title": {"$ref": "#/components/schemas/Title"}, "owner": {"type": "string"},
                            "producer": {"type": "string"}, "schedule": {"type": "string", "nullable": true},
                            "latest": {"type": "object", "nullable": true, "properties": {"date": {"type": "string", "format": "date"}, "users": {"type": "integer"}}},
                            "stale": {"type": "boolean"}, "updated_at_ms": {"type": "integer"}, "updated_by": {"type": "string"}}},
      "Lineage": {"type": "object", "properties": {"composite_tags": {"type": "array", "items": {"type": "string"}}, "saved_segments": {"type": "array", "items": {"type": "string"}}}},
      "CatalogTag": {"type": "object", "properties": {"name": {"type": "string"}, "status": {"type": "string"}, "version": {"type": "integer"}, "definition": {"$ref": "#/components/schemas/TagDefinition"},
                     "created_at_ms": {"type": "integer"}, "created_by": {"type": "string"}, "updated_at_ms": {"type": "integer"}, "updated_by": {"type": "string"}, "stale": {"type": "boolean"},
                     "data_versions": {"type": "array", "items": {"type": "object", "properties": {"date": {"type": "string", "format": "date"}, "users": {"type": "integer"}, "bytes": {"type": "integer"},
                                       "published_unix": {"type": "integer"}, "definition_version": {"type": "integer", "nullable": true}, "run_id": {"type": "integer", "nullable": true}}}},
                     "last_run": {"allOf": [{"$ref": "#/components/schemas/Run"}], "nullable": true}, "dependents": {"$ref": "#/components/schemas/Lineage"}}},
      "DefinitionChange": {"type": "object", "properties": {"name": {"type": "string"}, "change": {"type": "string", "enum": ["created", "updated", "unchanged"]}, "version": {"type": "integer"},
                           "status": {"type": "string"}, "diff": {"type": "array", "items": {"type": "string"}}, "dry_run": {"type": "boolean"}, "category": {"type": "string", "nullable": true}}},
      "StatusChange": {"type": "object", "properties": {"name": {"type": "string"}, "status": {"type": "string"}, "status_before": {"type": "string"}, "version": {"type": "integer"},
                       "forced_over": {"$ref": "#/components/schemas/Lineage"}}},
      "Run": {"type": "object", "properties": {"id": {"type": "integer"}, "tag": {"type": "string"}, "biz_date": {"type": "string", "format": "date"}, "definition_version": {"type": "integer"},
              "trigger": {"type": "string", "enum": ["schedule", "manual", "backfill", "repair", "dependency", "push"]},
              "state": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "rejected", "cancelled"]}, "attempt": {"type": "integer"}, "requested_by": {"type": "string"},
              "queued_at_ms": {"type": "integer"}, "started_at_ms": {"type": "integer", "nullable": true}, "finished_at_ms": {"type": "integer", "nullable": true},
              "rows": {"type": "integer"}, "users": {"type": "integer"}, "error": {"type": "string", "nullable": true}, "log": {"type": "string"}}},
      "RunStarted": {"type": "object", "properties": {"run_id": {"type": "integer"}, "run": {"$ref": "#/components/schemas/Run"}}},
      "QualityRecord": {"type": "object", "properties": {"run_id": {"type": "integer"}, "biz_date": {"type": "string", "format": "date"}, "at_ms": {"type": "integer"}, "check": {"type": "string"},
                        "passed": {"type": "boolean"}, "observed": {"type": "number"}, "bound": {"type": "number"}, "message": {"type": "string"}}},
      "Usage": {"type": "object", "properties": {"tag": {"type": "string"}, "uses": {"type": "integer"}, "last_used_ms": {"type": "integer", "nullable": true},
                "totals": {"type": "object", "additionalProperties": {"type": "integer"}},
                "rows": {"type": "array", "items": {"type": "object", "properties": {"kind": {"type": "string"}, "principal": {"type": "string"}, "uses": {"type": "integer"}, "last_used_ms": {"type": "integer"}}}},
                "lineage": {"$ref": "#/components/schemas/Lineage"}}},
      "PushRequest": {"type": "object", "additionalProperties": false,
                      "properties": {"date": {"type": "string", "format": "date", "description": "Default: the business date a run now would produce"},
                                     "set": {"type": "array", "items": {"type": "object", "required": ["user", "value"], "properties": {"user": {"type": "string"}, "value": {"description": "string, number, boolean; an array of strings for set tags"}}}},
                                     "unset": {"type": "array", "items": {"type": "string"}}, "replace": {"type": "boolean", "default": false}}},
      "PushResult": {"type": "object", "properties": {"tag": {"type": "string"}, "date": {"type": "string", "format": "date"}, "run_id": {"type": "integer"}, "state": {"type": "string"},
                     "rows": {"type": "integer"}, "users": {"type": "integer"}, "generation": {"type": "integer"},
                     "checks": {"type": "array", "items": {"type": "object", "properties": {"check": {"type": "string"}, "passed": {"type": "boolean"}, "observed": {"type": "number"}, "bound": {"type": "number"}, "message": {"type": "string"}}}}}},
      "ListUpload": {"type": "object", "properties": {"name": {"type": "string"}, "change": {"type": "string"}, "version": {"type": "integer"}, "file": {"type": "string"}, "rows": {"type": "integer"},
                     "run": {"$ref": "#/components/schemas/Run"}}},
      "Category": {"type": "object", "properties": {"id": {"type": "integer"}, "parent_id": {"type": "integer", "nullable": true}, "name": {"type": "string"}, "path": {"type": "string"}, "title_en": {"type": "string"}}},
      "CategoryNode": {"allOf": [{"$ref": "#/components/schemas/Category"},
                                 {"type": "object", "properties": {"tags": {"type": "integer"}, "total_tags": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/components/schemas/CategoryNode"}}}}]},
      "Event": {"type": "object", "required": ["event_id", "type", "user_id", "time"], "additionalProperties": false,
                "properties": {"event_id": {"type": "string", "maxLength": 128, "description": "De-duplicates: an id already logged for the event's business day is ignored"},
                               "type": {"type": "string", "description": "A registered event type"}, "user_id": {"type": "string", "maxLength": 128},
                               "time": {"type": "string", "format": "date-time", "description": "RFC 3339 with an offset; not before 2000, at most one day ahead"},
                               "properties": {"type": "object", "description": "As the type's schema declares", "additionalProperties": {}}}},
      "EventBatchResult": {"type": "object", "properties": {"received": {"type": "integer"}, "accepted": {"type": "integer", "description": "New events appended"},
                           "duplicates": {"type": "integer"}, "rejected_count": {"type": "integer"},
                           "rejected": {"type": "array", "description": "At most 1000", "items": {"type": "object", "properties": {"index": {"type": "integer", "description": "Position in the body (0-based)"}, "reason": {"type": "string"}}}},
                           "visible": {"type": "boolean", "description": "true when wait=visible and the events show in counts"}}},
      "EventType": {"type": "object", "properties": {"name": {"type": "string"}, "title": {"$ref": "#/components/schemas/Title"}, "description": {"type": "string"},
                    "properties": {"type": "array", "items": {"type": "object", "required": ["name", "type"], "properties": {"name": {"type": "string"},
                                   "type": {"type": "string", "enum": ["string", "int", "number", "bool", "time"]}, "required": {"type": "boolean", "default": false}, "description": {"type": "string"}}}},
                    "builtin": {"type": "boolean"}}},
      "EventStats": {"type": "object", "properties": {
                     "log": {"type": "object", "nullable": true, "properties": {"segments": {"type": "integer"}, "events": {"type": "integer"}, "bytes": {"type": "integer"},
                             "first_day": {"type": "string", "format": "date", "nullable": true}, "last_day": {"type": "string", "format": "date", "nullable": true}, "truncated_tail_bytes": {"type": "integer"}}},
                     "realtime": {"type": "object", "nullable": true, "properties": {"tags": {"type": "integer"}, "events_applied": {"type": "integer"}, "events_replayed": {"type": "integer"},
                                  "last_replay_seconds": {"type": "number"}, "publishes": {"type": "integer"}, "new_users": {"type": "integer"}, "pending": {"type": "integer"},
                                  "memory_bytes": {"type": "integer"}, "last_error": {"type": "string"}}}}},
      "Source": {"type": "object", "properties": {"name": {"type": "string"}, "kind": {"type": "string"}, "connection": {"type": "string"}, "has_password": {"type": "boolean"},
                 "password_env": {"type": "string", "nullable": true}, "fetch_rows": {"type": "integer"}, "description": {"type": "string"},
                 "updated_at_ms": {"type": "integer"}, "updated_by": {"type": "string"}}}
    }
  }
}
)json";

}  // namespace

std::string_view OpenApiSpecJson() { return kSpec; }

}  // namespace tagloop
