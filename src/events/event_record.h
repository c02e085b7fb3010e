// The bytes of the event log (docs/format.md, "Event log"): the segment
// header, the record framing and the compact binary encoding of one Event.
// Used by EventLog; every decoder is bounded and safe on arbitrary bytes.
//
// Segment file: a 32-byte header, then records
//   [u32 payload length][u64 XXH3-64 of the payload][payload]
// Payload: varint-length-prefixed event_id, type, user_id; zigzag varint
// time_ms; varint property count; per property a varint-length-prefixed
// name, a kind byte (0 string, 1 int, 2 number, 3 bool) and the value
// (string: varint length + bytes; int: zigzag varint; number: 8-byte IEEE
// double; bool: one byte 0/1). Property names strictly ascending.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/status.h"
#include "events/event.h"

namespace tagloop::events {

inline constexpr std::string_view kSegmentMagic = "TLEVL001";
inline constexpr uint32_t kSegmentFormatVersion = 1;
inline constexpr size_t kSegmentHeaderBytes = 32;
inline constexpr size_t kRecordHeaderBytes = 12;
// Larger payloads are refused on append and treated as damage on read.
inline constexpr uint32_t kMaxRecordPayloadBytes = 1 << 20;

struct SegmentHeader {
  Days day = 0;                    // the business day the segment holds
  int32_t utc_offset_minutes = 0;  // the offset business days were computed with
};

// Exactly kSegmentHeaderBytes bytes.
std::string EncodeSegmentHeader(const SegmentHeader& header);
// Corruption ("bad magic", "unsupported format version", "header checksum
// mismatch", "shorter than its header") for anything but a valid header at
// the start of `file`.
Result<SegmentHeader> DecodeSegmentHeader(std::string_view file);

// Appends the record (framing + payload) of `event` to `out`.
// InvalidArgument when the payload would exceed kMaxRecordPayloadBytes.
Status AppendEventRecord(const Event& event, std::string* out);

// The payload of the record at `offset` of `file` and, in *next, the offset
// after it; empty when no complete record with a valid length and checksum
// starts there (a torn or damaged record).
std::string_view RecordPayloadAt(std::string_view file, size_t offset, size_t* next);

// Decodes a payload. Corruption (saying what is wrong) when it is not a
// well-formed event encoding.
Result<Event> DecodeEventPayload(std::string_view payload);
// Only the event_id (the payload's first field); Corruption if malformed.
Result<std::string_view> DecodeEventId(std::string_view payload);

// What a check of a segment's records found.
struct SegmentCheck {
  uint64_t records = 0;  // valid records before valid_end
  size_t valid_end = 0;  // end of the last valid record (>= header)
  // When valid_end < file size: true if a valid record starts somewhere
  // after the first bad one (damage in the middle: Corruption), false if
  // nothing valid follows (a torn tail: safe to truncate at valid_end).
  bool valid_after_bad = false;
};
// Checks every record of `file` after its header (framing and checksums,
// not the payload encoding). Looking for valid records after a bad one
// tries every later offset, so it costs up to O(tail x record size).
SegmentCheck CheckSegmentRecords(std::string_view file);

}  // namespace tagloop::events
