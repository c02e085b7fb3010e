// Checks JSON documents against the schemas of the OpenAPI document
// (src/server/openapi.json), for tests: the golden HTTP cases check every
// request body they send and every answer they get against the operation's
// documented schema, so the document cannot drift from what the server does.
//
// The subset of OpenAPI 3.0 schemas the document uses: $ref to
// #/components/schemas, type (object, array, string, integer, number,
// boolean), nullable, properties, required, additionalProperties (false or
// a schema), items, enum, minimum, maximum, allOf, oneOf, anyOf. `format`
// and descriptions are not checked.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tagloop::testing {

class OpenApiSchemas {
 public:
  explicit OpenApiSchemas(nlohmann::json document) : doc_(std::move(document)) {}

  // The operation object of `method` ("GET") on a route pattern
  // ("/api/v1/tags/{name}"), or null when the document has none.
  const nlohmann::json* Operation(const std::string& method, const std::string& pattern) const {
    std::string lower = method;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto path = doc_["paths"].find(pattern);
    if (path == doc_["paths"].end()) return nullptr;
    auto op = path->find(lower);
    return op == path->end() ? nullptr : &*op;
  }

  // The JSON schema of an operation's answer with `status` (falling back to
  // "default", then to the Error shape for the document's common statuses),
  // or null when it documents none (or a non-JSON body).
  const nlohmann::json* ResponseSchema(const nlohmann::json& op, int status) const {
    auto responses = op.find("responses");
    if (responses != op.end()) {
      auto r = responses->find(std::to_string(status));
      if (r == responses->end()) r = responses->find("default");
      if (r != responses->end()) return JsonSchemaOf(Resolve(*r));
    }
    if (Common(status)) return JsonSchemaOf(Resolve(doc_["components"]["responses"]["Error"]));
    return nullptr;
  }

  // The JSON schema of an operation's request body, or null.
  const nlohmann::json* RequestSchema(const nlohmann::json& op) const {
    auto body = op.find("requestBody");
    if (body == op.end()) return nullptr;
    return JsonSchemaOf(Resolve(*body));
  }

  // Whether the operation documents answering `status` at all (itself, or
  // as one of the document's x-common-responses statuses).
  bool Documents(const nlohmann::json& op, int status) const {
    const auto& responses = op.value("responses", nlohmann::json::object());
    return responses.contains(std::to_string(status)) || responses.contains("default") || Common(status);
  }

  // Every way `value` breaks `schema`, each "<json pointer>: <what>".
  std::vector<std::string> Check(const nlohmann::json& value, const nlohmann::json& schema) const {
    std::vector<std::string> errors;
    CheckAt(value, schema, "", &errors, 0);
    return errors;
  }

 private:
  bool Common(int status) const {
    auto common = doc_.find("x-common-responses");
    if (common == doc_.end()) return false;
    for (const auto& s : common->value("statuses", nlohmann::json::array())) {
      if (s == status) return true;
    }
    return false;
  }

  const nlohmann::json& Resolve(const nlohmann::json& node) const {
    const nlohmann::json* n = &node;
    for (int hops = 0; hops < 16 && n->is_object() && n->contains("$ref"); ++hops) {
      const std::string ref = (*n)["$ref"].get<std::string>();
      n = &doc_.at(nlohmann::json::json_pointer(ref.substr(1)));  // "#/components/..."
    }
    return *n;
  }

  const nlohmann::json* JsonSchemaOf(const nlohmann::json& holder) const {
    auto content = holder.find("content");
    if (content == holder.end()) return nullptr;
    auto json = content->find("application/json");
    if (json == content->end()) return nullptr;
    auto schema = json->find("schema");
    return schema == json->end() ? nullptr : &*schema;
  }

  static std::string TypeOf(const nlohmann::json& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return "boolean";
    if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
    if (v.is_number()) return "number";
    if (v.is_string()) return "string";
    if (v.is_array()) return "array";
    return "object";
  }

  void CheckAt(const nlohmann::json& v, const nlohmann::json& raw, const std::string& at,
               std::vector<std::string>* errors, int depth) const {
    if (depth > 64) return;
    const nlohmann::json& s = Resolve(raw);
    if (!s.is_object()) return;
    const std::string where = at.empty() ? "/" : at;
    if (v.is_null()) {
      if (!s.value("nullable", false) && s.contains("type")) errors->push_back(where + ": null where not nullable");
      return;
    }
    if (auto all = s.find("allOf"); all != s.end()) {
      for (const auto& part : *all) CheckAt(v, part, at, errors, depth + 1);
    }
    for (const char* key : {"oneOf", "anyOf"}) {
      auto alts = s.find(key);
      if (alts == s.end()) continue;
      size_t matching = 0;
      for (const auto& alt : *alts) {
        std::vector<std::string> e;
        CheckAt(v, alt, at, &e, depth + 1);
        matching += e.empty();
      }
      if (matching == 0) errors->push_back(where + ": matches none of " + key);
    }
    if (auto type = s.find("type"); type != s.end()) {
      const std::string want = type->get<std::string>();
      const std::string got = TypeOf(v);
      if (want != got && !(want == "number" && got == "integer")) {
        errors->push_back(where + ": " + got + " where " + want + " is documented");
        return;
      }
    }
    if (auto e = s.find("enum"); e != s.end()) {
      bool found = false;
      for (const auto& option : *e) found = found || option == v;
      if (!found) errors->push_back(where + ": " + v.dump() + " is not one of " + e->dump());
    }
    if (v.is_number()) {
      if (auto m = s.find("minimum"); m != s.end() && v.get<double>() < m->get<double>())
        errors->push_back(where + ": below minimum " + m->dump());
      if (auto m = s.find("maximum"); m != s.end() && v.get<double>() > m->get<double>())
        errors->push_back(where + ": above maximum " + m->dump());
    }
    if (v.is_array()) {
      if (auto items = s.find("items"); items != s.end()) {
        for (size_t i = 0; i < v.size(); ++i) CheckAt(v[i], *items, at + "/" + std::to_string(i), errors, depth + 1);
      }
    }
    if (v.is_object()) {
      const auto props = s.value("properties", nlohmann::json::object());
      for (const auto& req : s.value("required", nlohmann::json::array())) {
        if (!v.contains(req.get<std::string>())) errors->push_back(where + ": missing required '" + req.get<std::string>() + "'");
      }
      auto extra = s.find("additionalProperties");
      for (const auto& [key, item] : v.items()) {
        const std::string child = at + "/" + key;
        if (auto p = props.find(key); p != props.end()) {
          CheckAt(item, *p, child, errors, depth + 1);
        } else if (extra != s.end()) {
          if (extra->is_boolean() && !extra->get<bool>()) {
            errors->push_back(child + ": not documented (additionalProperties: false)");
          } else if (extra->is_object()) {
            CheckAt(item, *extra, child, errors, depth + 1);
          }
        }
      }
    }
  }

  nlohmann::json doc_;
};

}  // namespace tagloop::testing
