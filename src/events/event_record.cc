#include "events/event_record.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <cstring>

namespace tagloop::events {

namespace {

template <typename T>
void Put(std::string* out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // little-endian hosts only (as every tagloop file)
  out->append(b, sizeof(T));
}

template <typename T>
T Get(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

void PutVarint(std::string* out, uint64_t v) {
  char b[10];
  size_t n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  out->append(b, n);
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

// A bounded reader over a payload; the first failure sticks.
class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool ok() const { return ok_; }
  bool done() const { return pos_ == b_.size(); }
  const char* error() const { return error_; }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= b_.size()) return Fail("truncated varint");
      const uint8_t c = static_cast<uint8_t>(b_[pos_++]);
      if (shift == 63 && c > 1) return Fail("varint overflow");
      v |= static_cast<uint64_t>(c & 0x7F) << shift;
      if (c < 0x80) return v;
    }
    return Fail("varint overflow");
  }
  std::string_view String() {
    const uint64_t n = Varint();
    if (!ok_ || n > b_.size() - pos_) return Fail("string runs past the payload"), std::string_view();
    std::string_view s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint8_t Byte() {
    if (pos_ >= b_.size()) return static_cast<uint8_t>(Fail("truncated value"));
    return static_cast<uint8_t>(b_[pos_++]);
  }
  double Double() {
    if (b_.size() - pos_ < 8) return static_cast<double>(Fail("truncated number"));
    double d = Get<double>(b_.data() + pos_);
    pos_ += 8;
    return d;
  }
  uint64_t Fail(const char* what) {
    if (ok_) error_ = what;
    ok_ = false;
    pos_ = b_.size();
    return 0;
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;
  bool ok_ = true;
  const char* error_ = "";
};

enum : uint8_t { kKindString = 0, kKindInt = 1, kKindNumber = 2, kKindBool = 3 };

}  // namespace

std::string EncodeSegmentHeader(const SegmentHeader& h) {
  std::string out(kSegmentMagic);
  Put<uint32_t>(&out, kSegmentFormatVersion);
  Put<int32_t>(&out, h.day);
  Put<int32_t>(&out, h.utc_offset_minutes);
  Put<uint32_t>(&out, 0);
  Put<uint64_t>(&out, XXH3_64bits(out.data(), out.size()));
  return out;
}

Result<SegmentHeader> DecodeSegmentHeader(std::string_view file) {
  if (file.size() < kSegmentHeaderBytes) return Status::Corruption("shorter than its header");
  if (file.substr(0, 8) != kSegmentMagic) return Status::Corruption("bad magic (not an event log segment)");
  if (Get<uint64_t>(file.data() + 24) != XXH3_64bits(file.data(), 24)) {
    return Status::Corruption("header checksum mismatch");
  }
  const uint32_t version = Get<uint32_t>(file.data() + 8);
  if (version != kSegmentFormatVersion) {
    return Status::Corruption(fmt::format("unsupported format version {}", version));
  }
  SegmentHeader h;
  h.day = Get<int32_t>(file.data() + 12);
  h.utc_offset_minutes = Get<int32_t>(file.data() + 16);
  return h;
}

Status AppendEventRecord(const Event& e, std::string* out) {
  const size_t start = out->size();
  out->append(kRecordHeaderBytes, '\0');
  PutString(out, e.event_id);
  PutString(out, e.type);
  PutString(out, e.user_id);
  PutVarint(out, ZigZag(e.time_ms));
  PutVarint(out, e.properties.size());
  for (const auto& [name, value] : e.properties) {
    PutString(out, name);
    switch (value.index()) {
      case 0:
        out->push_back(static_cast<char>(kKindString));
        PutString(out, std::get<std::string>(value));
        break;
      case 1:
        out->push_back(static_cast<char>(kKindInt));
        PutVarint(out, ZigZag(std::get<int64_t>(value)));
        break;
      case 2:
        out->push_back(static_cast<char>(kKindNumber));
        Put<double>(out, std::get<double>(value));
        break;
      default:
        out->push_back(static_cast<char>(kKindBool));
        out->push_back(std::get<bool>(value) ? 1 : 0);
        break;
    }
  }
  const size_t len = out->size() - start - kRecordHeaderBytes;
  if (len > kMaxRecordPayloadBytes) {
    out->resize(start);
    return Status::InvalidArgument(fmt::format("event '{}' encodes to {} bytes (more than {})",
                                               e.event_id.substr(0, 128), len, kMaxRecordPayloadBytes));
  }
  char* h = out->data() + start;
  const uint32_t len32 = static_cast<uint32_t>(len);
  const uint64_t sum = XXH3_64bits(h + kRecordHeaderBytes, len);
  std::memcpy(h, &len32, 4);
  std::memcpy(h + 4, &sum, 8);
  return Status::Ok();
}

std::string_view RecordPayloadAt(std::string_view file, size_t offset, size_t* next) {
  if (offset > file.size() || file.size() - offset < kRecordHeaderBytes) return {};
  const uint32_t len = Get<uint32_t>(file.data() + offset);
  if (len == 0 || len > kMaxRecordPayloadBytes || len > file.size() - offset - kRecordHeaderBytes) return {};
  const char* payload = file.data() + offset + kRecordHeaderBytes;
  if (Get<uint64_t>(file.data() + offset + 4) != XXH3_64bits(payload, len)) return {};
  *next = offset + kRecordHeaderBytes + len;
  return std::string_view(payload, len);
}

Result<Event> DecodeEventPayload(std::string_view payload) {
  Reader r(payload);
  Event e;
  e.event_id = r.String();
  e.type = r.String();
  e.user_id = r.String();
  e.time_ms = UnZigZag(r.Varint());
  const uint64_t count = r.Varint();
  // Each property takes at least 3 bytes: a bound before reserving.
  if (r.ok() && count > payload.size() / 3) r.Fail("property count larger than the payload");
  if (r.ok()) e.properties.reserve(count);
  for (uint64_t i = 0; i < count && r.ok(); ++i) {
    std::string_view name = r.String();
    if (!r.ok()) break;
    if (!e.properties.empty() && name <= e.properties.back().first) {
      r.Fail("property names not strictly ascending");
      break;
    }
    const uint8_t kind = r.Byte();
    PropertyValue v;
    switch (kind) {
      case kKindString: v = std::string(r.String()); break;
      case kKindInt: v = UnZigZag(r.Varint()); break;
      case kKindNumber: v = r.Double(); break;
      case kKindBool: {
        const uint8_t b = r.Byte();
        if (b > 1) r.Fail("bool value not 0 or 1");
        v = b == 1;
        break;
      }
      default: r.Fail("unknown property kind"); break;
    }
    if (r.ok()) e.properties.emplace_back(std::string(name), std::move(v));
  }
  if (r.ok() && !r.done()) r.Fail("bytes after the last property");
  if (r.ok() && e.event_id.empty()) r.Fail("empty event_id");
  if (!r.ok()) return Status::Corruption(fmt::format("bad event record: {}", r.error()));
  return e;
}

Result<std::string_view> DecodeEventId(std::string_view payload) {
  Reader r(payload);
  std::string_view id = r.String();
  if (!r.ok() || id.empty()) return Status::Corruption("bad event record: no event_id");
  return id;
}

SegmentCheck CheckSegmentRecords(std::string_view file) {
  SegmentCheck c;
  size_t pos = kSegmentHeaderBytes;
  size_t next = 0;
  while (pos < file.size() && !RecordPayloadAt(file, pos, &next).empty()) {
    ++c.records;
    pos = next;
  }
  c.valid_end = pos;
  for (size_t q = pos + 1; q + kRecordHeaderBytes < file.size() && !c.valid_after_bad; ++q) {
    c.valid_after_bad = !RecordPayloadAt(file, q, &next).empty();
  }
  return c;
}

}  // namespace tagloop::events
