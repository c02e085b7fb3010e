// Campaign: the definition of one campaign as an operator writes it
// (contract: ../shared/SPEC-outreach.md "Campaigns"; design:
// docs/outreach.md). A campaign is a flow of one `send` step; journeys (the
// next issue) add step types to the same `steps` list, so nothing a
// campaign stores changes when they land.
//
// JSON (every key but name, audience and channel optional):
//   {"name": "renew_nov",                  // [a-z0-9_]{1,64}, unique
//    "title": "...", "theme": "续租",        // theme: dedup between campaigns
//    "audience": {"expr": "..."} | {"segment": "name"} | {"list": "name"}
//              | {"report": "name", "cell": {...}, "expr": "<resolved>"?},
//    "channel": "sms_main", "content": {...},
//    "control": {"share": 0.1},             // 0 <= share < 1
//    "goal": {"event": "order_paid", "window_days": 7},
//    "budget": {"max_recipients": 100000, "cost_per_message": 0.05},
//    "schedule": {"at": "2026-11-25T10:00:00+08:00"},  // absent: when approved
//    "class": "marketing" | "transactional",
//    "policy": {...overrides, policy.h...},
//    "steps": [{"name": "send", "type": "send"}]}      // default
// A definition with "entry" is a journey (journey.h: entry, reentry,
// max_concurrent, exit, start and a graph of steps; no top-level channel).
// Errors are InvalidArgument naming the field (json_fields.h). Expressions,
// segment names, the channel and the goal event are checked against the
// store and catalog by the caller (the API), not here.
//
// Thread-safety: plain values; the functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "outreach/journey.h"
#include "outreach/json_fields.h"

namespace tagloop::outreach {

enum class CampaignClass : uint8_t { kMarketing, kTransactional };
const char* CampaignClassName(CampaignClass c);

// Who receives the campaign, before suppression.
struct Audience {
  enum class Kind : uint8_t { kExpr, kSegment, kList, kReport };
  Kind kind = Kind::kExpr;
  std::string expr;     // kExpr; kReport: the cell's expression once resolved ("" until then)
  std::string segment;  // kSegment, kList: a saved segment (kList: an uploaded frozen one)
  std::string report;   // kReport: the report's name
  Json cell;            // kReport: the cell as the report names it

  // The segment-language expression to evaluate: expr, or SEGMENT('name').
  // FailedPrecondition for a report cell not resolved yet.
  [[nodiscard]] Result<std::string> Expression() const;
};

// One step of a flow. A campaign has exactly one, {"name": "send", "type": "send"}.
struct FlowStep {
  std::string name;  // [a-z0-9_]{1,64}, unique within the flow
  std::string type;  // "send" (journeys add wait, wait_event, branch, split, exit)
};

struct CampaignGoal {
  std::string event;    // an event type name
  int window_days = 7;  // 1..90
};

struct CampaignBudget {
  std::optional<uint64_t> max_recipients;   // >= 1
  std::optional<double> cost_per_message;   // >= 0, for display
};

struct Campaign {
  std::string name;
  std::string title;  // defaults to the name
  std::string theme;  // "" = no theme (never deduplicated)
  Audience audience;
  std::string channel;
  Json content = Json::object();
  double control_share = 0;
  std::optional<CampaignGoal> goal;
  CampaignBudget budget;
  std::optional<int64_t> schedule_at_ms;  // Unix ms; absent = when approved
  CampaignClass campaign_class = CampaignClass::kMarketing;
  Json policy_overrides = Json::object();  // validated by SuppressionPolicy::ValidateOverrides
  std::vector<FlowStep> steps{{"send", "send"}};
  // A journey (the definition has an `entry`; journey.h): its steps replace
  // `steps`, and `channel`/`content` are per send step (both empty here).
  // For an event entry without an audience the audience is "ALL".
  std::optional<Journey> journey;

  bool IsJourney() const { return journey.has_value(); }
  // The channels the campaign sends on (a journey's send steps'), each once.
  std::vector<std::string> Channels() const;

  // Parses and validates a definition (see the top).
  [[nodiscard]] static Result<Campaign> FromJson(const Json& j);
  // The definition again: FromJson(ToJson()) gives the same campaign.
  Json ToJson() const;

  // Saved segments the plan is frozen into ("campaign_<name>_treatment").
  std::string TreatmentSegment() const { return "campaign_" + name + "_treatment"; }
  std::string ControlSegment() const { return "campaign_" + name + "_control"; }
};

}  // namespace tagloop::outreach
