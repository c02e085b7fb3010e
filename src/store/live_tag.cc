#include "store/live_tag.h"

#include <algorithm>
#include <atomic>

namespace tagloop {

struct LiveTag::Buffer {
  Bitmap exists;
  std::vector<std::string> names;  // categorical, by code - 1 (a copy: readers see these)
  std::vector<Bitmap> value_users;  // categorical, by code - 1
  std::vector<Bitmap> slices;       // numeric, bit i of the value (base 0, two's complement)

  std::shared_ptr<Buffer> Clone() const {
    auto b = std::make_shared<Buffer>();
    b->exists = Bitmap::Copy(exists.get());
    b->names = names;
    for (const Bitmap& x : value_users) b->value_users.push_back(Bitmap::Copy(x.get()));
    for (const Bitmap& x : slices) b->slices.push_back(Bitmap::Copy(x.get()));
    return b;
  }
};

LiveTag::LiveTag(TagType type) : type_(type) {
  buffers_[0] = std::make_shared<Buffer>();
  buffers_[1] = std::make_shared<Buffer>();
}

uint32_t LiveTag::CodeOf(std::string_view value) {
  auto it = codes_.find(std::string(value));
  if (it != codes_.end()) return it->second;
  names_.emplace_back(value);
  const uint32_t code = static_cast<uint32_t>(names_.size());
  codes_.emplace(names_.back(), code);
  return code;
}

void LiveTag::Apply(std::span<const LiveChange> changes) {
  for (const LiveChange& c : changes) {
    Delta d;
    d.user = c.user;
    d.has_value = c.has_value;
    if (type_.is_numeric()) {
      d.number = c.number;
      if (c.has_value && c.number < base_) rebase_to_ = std::min(rebase_to_, c.number);
    } else {
      if (c.user >= code_of_user_.size()) code_of_user_.resize(std::max<size_t>(c.user + 1, code_of_user_.size() * 3 / 2), 0);
      d.old_code = code_of_user_[c.user];
      d.new_code = c.has_value ? CodeOf(c.text) : 0;
      if (d.old_code == d.new_code) continue;
      code_of_user_[c.user] = d.new_code;
    }
    incoming_.push_back(d);
  }
}

void LiveTag::ApplyTo(Buffer& b, std::span<const Delta> deltas) const {
  if (type_.is_numeric()) {
    // Only the bits that differ between the old and the new value change
    // (reading a bit is cheaper than writing one: ~2x per change measured).
    for (const Delta& d : deltas) {
      const bool had = roaring_bitmap_contains(b.exists.get(), d.user);
      uint64_t old_bits = 0;
      if (had) {
        for (size_t i = 0; i < b.slices.size(); ++i) {
          if (roaring_bitmap_contains(b.slices[i].get(), d.user)) old_bits |= uint64_t{1} << i;
        }
      }
      const uint64_t new_bits =
          d.has_value ? static_cast<uint64_t>(d.number) - static_cast<uint64_t>(base_) : 0;
      for (uint64_t diff = old_bits ^ new_bits; diff != 0; diff &= diff - 1) {
        const int i = __builtin_ctzll(diff);
        while (b.slices.size() <= static_cast<size_t>(i)) b.slices.emplace_back();
        if ((new_bits >> i) & 1) {
          roaring_bitmap_add(b.slices[i].get(), d.user);
        } else {
          roaring_bitmap_remove(b.slices[i].get(), d.user);
        }
      }
      if (had != d.has_value) {
        if (d.has_value) {
          roaring_bitmap_add(b.exists.get(), d.user);
        } else {
          roaring_bitmap_remove(b.exists.get(), d.user);
        }
      }
    }
    return;
  }
  for (const Delta& d : deltas) {
    if (d.old_code != 0) roaring_bitmap_remove(b.value_users[d.old_code - 1].get(), d.user);
    if (d.new_code == 0) {
      roaring_bitmap_remove(b.exists.get(), d.user);
      continue;
    }
    while (b.value_users.size() < d.new_code) b.value_users.emplace_back();
    while (b.names.size() < d.new_code) b.names.push_back(names_[b.names.size()]);
    roaring_bitmap_add(b.value_users[d.new_code - 1].get(), d.user);
    roaring_bitmap_add(b.exists.get(), d.user);
  }
}

std::shared_ptr<const TagVersion> LiveTag::Publish(Days date) {
  if (version_ && incoming_.empty() && version_->date() == date) return version_;
  const int target = 1 - published_;
  std::shared_ptr<Buffer>& buffer = buffers_[target];
  if (rebase_to_ < base_) {
    // A value below the base: rebuild from the published values (rare: the
    // first negative value of a tag). The other buffer is then stale.
    buffer = Rebased(*buffers_[published_], rebase_to_);
    clone_next_ = true;
  } else if (buffer.use_count() > 1 || clone_next_) {
    // Readers release versions on their own threads; once the count is 1 no
    // new reader can reach this buffer (it is not published), so it is ours.
    buffer = buffers_[published_]->Clone();
    clone_next_ = false;
    ++copies_;
  } else {
    std::atomic_thread_fence(std::memory_order_acquire);
    ApplyTo(*buffer, lag_);
  }
  ApplyTo(*buffer, incoming_);
  lag_.swap(incoming_);
  incoming_.clear();
  published_ = target;

  TagVersion::MemoryContent c;
  c.type = type_;
  c.date = date;
  c.exists = buffer->exists.get();
  if (type_.is_numeric()) {
    c.bsi_base = base_;
    for (const Bitmap& s : buffer->slices) c.slices.push_back(s.get());
  } else {
    for (size_t i = 0; i < buffer->value_users.size(); ++i)
      c.values.emplace_back(buffer->names[i], buffer->value_users[i].get());
  }
  version_ = TagVersion::FromMemory(c, std::shared_ptr<const void>(buffer));
  return version_;
}

std::shared_ptr<LiveTag::Buffer> LiveTag::Rebased(const Buffer& from, int64_t minimum) {
  const int64_t old_base = base_;
  base_ = minimum < INT64_MIN / 2 ? INT64_MIN : 2 * minimum;  // room for smaller ones
  rebase_to_ = base_;
  // Decode every value slice by slice, then re-encode against the new base.
  std::vector<uint64_t> stored;
  for (size_t i = 0; i < from.slices.size(); ++i) {
    roaring_uint32_iterator_t* it = roaring_create_iterator(from.slices[i].get());
    for (; it->has_value; roaring_advance_uint32_iterator(it)) {
      if (it->current_value >= stored.size()) stored.resize(size_t{it->current_value} + 1, 0);
      stored[it->current_value] |= uint64_t{1} << i;
    }
    roaring_free_uint32_iterator(it);
  }
  auto b = std::make_shared<Buffer>();
  std::vector<Delta> all;
  roaring_uint32_iterator_t* it = roaring_create_iterator(from.exists.get());
  for (; it->has_value; roaring_advance_uint32_iterator(it)) {
    const uint32_t u = it->current_value;
    const uint64_t bits = u < stored.size() ? stored[u] : 0;
    all.push_back({u, 0, 0, true, static_cast<int64_t>(static_cast<uint64_t>(old_base) + bits)});
  }
  roaring_free_uint32_iterator(it);
  ApplyTo(*b, all);
  return b;
}

uint64_t LiveTag::users() const { return version_ ? version_->users_with_value() : 0; }

}  // namespace tagloop
