#include "actors/runtime/trace.hpp"

#include "crypto/counters.hpp"

#include "crypto/hash.hpp"

namespace protobed {

namespace {

/// The first 8 bytes of the packet's SHA-256, so traces show byte divergence.
std::array<std::uint8_t, 8> digest(const std::vector<std::uint8_t>& bytes) {
  crypto::detail::uncounted_scope framework; // not the protocol's crypto
  auto h = crypto::sha256(bytes);
  std::array<std::uint8_t, 8> out{};
  std::copy_n(h.begin(), out.size(), out.begin());
  return out;
}

trace_record base(sim_time t, const char* type) {
  trace_record r;
  r["t"] = t.count();
  r["type"] = type;
  return r;
}

struct to_json {
  sim_time t;
  const std::vector<std::string>& names;

  trace_record operator()(const trace::packet_entry& p) const {
    auto r = base(t, "packet");
    r["id"] = p.id;
    r["from"] = names[p.from];
    r["to"] = names[p.to];
    r["kind"] = names[p.kind];
    r["bytes"] = p.bytes;
    r["digest"] = crypto::to_hex(crypto::bytes(p.digest.begin(), p.digest.end()));
    if (p.via != 0)
      r["via"] = names[p.via];
    if (p.undeliverable) {
      r["fate"] = "undeliverable";
      return r;
    }
    r["fate"] = names[p.fate];
    if (p.by != 0)
      r["by"] = names[p.by];
    r["deliver_at"] = p.deliver_at;
    if (p.hold_until)
      r["hold_until"] = *p.hold_until;
    if (!p.releases.empty())
      r["releases"] = p.releases;
    if (!p.rules.empty())
      r["faults"] = p.rules;
    return r;
  }

  trace_record operator()(const trace::release_entry& d) const {
    auto r = base(t, "release");
    r["id"] = d.id;
    r["deliver_at"] = d.deliver_at;
    return r;
  }

  trace_record operator()(const trace::event_entry& ev) const {
    auto r = base(t, "event");
    r["who"] = names[ev.who];
    r["name"] = ev.e.name;
    if (!ev.e.details.empty()) {
      trace_record d;
      for (const auto& [k, v] : ev.e.details)
        d[k] = v;
      r["details"] = std::move(d);
    }
    return r;
  }
};

} // namespace

void trace::append(entry e) { // mutex held
  if (size_ % chunk == 0) {
    chunks_.emplace_back();
    chunks_.back().reserve(chunk);
  }
  chunks_.back().push_back(std::move(e));
  ++size_;
  if (listener_) {
    const auto& last = chunks_.back().back();
    listener_(std::visit(to_json{last.t, names_}, last.what));
  }
}

void trace::set_listener(listener l) {
  std::lock_guard<std::mutex> guard(mutex_);
  listener_ = std::move(l);
}

trace::name_id trace::intern(const std::string& name) { // mutex held
  auto [at, added] = name_ids_.try_emplace(name, static_cast<name_id>(names_.size()));
  if (added)
    names_.push_back(name);
  return at->second;
}

void trace::packet_routed(sim_time t, const route_result& res) {
  packet_entry p;
  p.id = res.p.id;
  p.bytes = res.p.bytes.size();
  p.digest = digest(res.p.bytes);
  for (const auto& d : res.deliveries) {
    if (d.p.id == res.p.id)
      p.deliver_at.push_back(d.at.count());
    else
      p.releases.push_back(d.p.id);
  }
  if (res.hold_until)
    p.hold_until = res.hold_until->count();
  p.rules = res.rules;
  std::lock_guard<std::mutex> guard(mutex_);
  p.from = intern(res.p.from);
  p.to = intern(res.p.to);
  p.kind = intern(res.p.kind);
  p.via = intern(res.p.via);
  p.fate = intern(res.fate);
  if (res.fate == "intercepted")
    p.by = intern(res.deliveries.front().target);
  append(entry{t, std::move(p)});
}

void trace::packet_flushed(sim_time t, const delivery& d) {
  std::lock_guard<std::mutex> guard(mutex_);
  append(entry{t, release_entry{d.p.id, d.at.count()}});
}

void trace::packet_undeliverable(sim_time t, const packet& p) {
  packet_entry e;
  e.id = p.id;
  e.bytes = p.bytes.size();
  e.digest = digest(p.bytes);
  e.undeliverable = true;
  std::lock_guard<std::mutex> guard(mutex_);
  e.from = intern(p.from);
  e.to = intern(p.to);
  e.kind = intern(p.kind);
  e.via = intern(p.via);
  append(entry{t, std::move(e)});
}

std::size_t trace::event_count(const std::string& name) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto i = event_counts_.find(name);
  return i == event_counts_.end() ? 0 : i->second;
}

void trace::event_recorded(sim_time t, const std::string& who, event e) {
  std::lock_guard<std::mutex> guard(mutex_);
  ++event_counts_[e.name];
  append(entry{t, event_entry{intern(who), std::move(e)}});
}

void trace::convert_new() const {
  cache_.reserve(size_);
  for (auto i = cache_.size(); i < size_; ++i)
    cache_.push_back(std::visit(to_json{at(i).t, names_}, at(i).what));
}

std::vector<trace_record> trace::records() const {
  std::lock_guard<std::mutex> guard(mutex_);
  convert_new();
  return cache_;
}

void trace::write_jsonl(std::ostream& out) const {
  std::lock_guard<std::mutex> guard(mutex_);
  convert_new();
  for (const auto& r : cache_)
    out << r.dump() << '\n';
}

std::size_t trace::size() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return size_;
}

} // namespace protobed
