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
      "get": {"summary": "Every tag with its type and versions", "x-min-role": "viewer",
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
      "get": {"summary": "Value distribution of one version: every value with its users (bool, enum, set), or count, min, max, sum, avg and about 10 equal-width buckets (int, decimal, date)",
              "x-min-role": "viewer",
              "parameters": [{"$ref": "#/components/parameters/TagName"},
                             {"name": "version", "in": "query", "description": "The version's date (default: the version in force as of today)", "schema": {"type": "string", "format": "date"}},
                             {"name": "as_of", "in": "query", "description": "Use the version in force at this date (not with version)", "schema": {"type": "string", "format": "date"}}],
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
    "/api/v1/segments": {
      "get": {"summary": "Saved segments", "x-min-role": "analyst",
              "responses": {"200": {"description": "Saved segments", "content": {"application/json": {"schema": {"type": "object", "properties": {"segments": {"type": "array", "items": {"$ref": "#/components/schemas/SavedSegment"}}}}}}}}},
      "post": {"summary": "Save a new segment (409 if the name exists)", "x-min-role": "analyst",
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name", "expr"], "additionalProperties": false,
                                                                                             "properties": {"name": {"type": "string"}, "expr": {"type": "string"}}}}}},
               "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavedSegment"}}}},
                             "400": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
    },
    "/api/v1/segments/{name}": {
      "get": {"summary": "One saved segment", "x-min-role": "analyst",
              "parameters": [{"$ref": "#/components/parameters/SegmentName"}],
              "responses": {"200": {"description": "The segment", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavedSegment"}}}},
                            "404": {"$ref": "#/components/responses/Error"}}},
      "put": {"summary": "Create or replace a saved segment", "x-min-role": "analyst",
              "parameters": [{"$ref": "#/components/parameters/SegmentName"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["expr"], "additionalProperties": false,
                                                                                            "properties": {"expr": {"type": "string"}}}}}},
              "responses": {"200": {"description": "Saved", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavedSegment"}}}},
                            "400": {"$ref": "#/components/responses/Error"}}},
      "delete": {"summary": "Delete a saved segment (409 while another segment uses it)", "x-min-role": "analyst",
                 "parameters": [{"$ref": "#/components/parameters/SegmentName"}],
                 "responses": {"204": {"description": "Deleted"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}
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
    }
  },
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "parameters": {
      "TagName": {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
      "SegmentName": {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
      "UserId": {"name": "id", "in": "path", "required": true, "description": "External id, percent-encoded", "schema": {"type": "string"}},
      "AsOf": {"name": "as_of", "in": "query", "description": "YYYY-MM-DD (default today, UTC)", "schema": {"type": "string", "format": "date"}}
    },
    "responses": {
      "Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "schemas": {
      "Error": {"type": "object", "properties": {"error": {"type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string", "example": "invalid_argument"}, "message": {"type": "string"},
                               "position": {"type": "integer", "description": "Byte offset in the expression (or JSON body)"}}}}},
      "Version": {"type": "object", "properties": {"version": {"type": "string"}, "api": {"type": "string"},
                  "store": {"type": "object", "properties": {"generation": {"type": "integer"}, "users": {"type": "integer"}, "tags": {"type": "integer"}}}}},
      "Tag": {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string", "example": "decimal:2"},
              "category": {"type": "string", "nullable": true}, "users": {"type": "integer", "description": "Users with a value in the latest version"},
              "versions": {"type": "array", "items": {"type": "object", "properties": {"date": {"type": "string", "format": "date"}, "users": {"type": "integer"}, "bytes": {"type": "integer"}}}}}},
      "Distribution": {"type": "object", "properties": {"tag": {"type": "string"}, "type": {"type": "string"}, "version": {"type": "string", "format": "date"},
                       "users": {"type": "integer"},
                       "values": {"type": "array", "items": {"type": "object", "properties": {"value": {}, "users": {"type": "integer"}}}},
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
      "SavedSegment": {"type": "object", "properties": {"name": {"type": "string"}, "expr": {"type": "string"},
                       "created_unix": {"type": "integer"}, "updated_unix": {"type": "integer"}}},
      "ImportSummary": {"type": "object", "properties": {"version": {"type": "string", "format": "date"}, "rows": {"type": "integer"}, "tags": {"type": "integer"},
                        "new_users": {"type": "integer"}, "bytes": {"type": "integer"}, "generation": {"type": "integer"}, "seconds": {"type": "number"},
                        "phases": {"type": "object", "additionalProperties": {"type": "number"}}}},
      "Profile": {"type": "object", "properties": {"user_id": {"type": "string"}, "as_of": {"type": "string", "format": "date"},
                  "tags": {"type": "object", "description": "bool: true/false; enum: string; set: array of strings; int: number; decimal: string with the tag's scale (\"12.50\"); date: \"YYYY-MM-DD\"",
                           "additionalProperties": {}}}},
      "Token": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"},
                "created_at_ms": {"type": "integer"}, "created_by": {"type": "string"}, "last_used_at_ms": {"type": "integer", "nullable": true},
                "revoked_at_ms": {"type": "integer", "nullable": true}, "active": {"type": "boolean"}}}
    }
  }
}
)json";

}  // namespace

std::string_view OpenApiSpecJson() { return kSpec; }

}  // namespace tagloop
