#include "actors/runtime/trace.hpp"

#include "crypto/counters.hpp"

#include "actors/runtime/protocol.hpp"
#include "crypto/hash.hpp"

namespace protobed {

namespace {

/// The first 8 bytes of the packet's SHA-256, so traces show byte divergence.
std::string digest(const std::vector<std::uint8_t>& bytes) {
  crypto::detail::uncounted_scope framework; // not the protocol's crypto
  auto h = crypto::sha256(bytes);
  h.resize(8);
  return crypto::to_hex(h);
}

trace_record base(sim_time t, const char* type) {
  trace_record r;
  r["t"] = t.count();
  r["type"] = type;
  return r;
}

} // namespace

void trace::append(trace_record r) {
  std::lock_guard<std::mutex> guard(mutex_);
  records_.push_back(std::move(r));
}

void trace::packet_routed(sim_time t, const route_result& res) {
  auto r = base(t, "packet");
  r["id"] = res.p.id;
  r["from"] = res.p.from;
  r["to"] = res.p.to;
  r["kind"] = res.p.kind;
  r["bytes"] = res.p.bytes.size();
  r["digest"] = digest(res.p.bytes);
  if (!res.p.via.empty())
    r["via"] = res.p.via;
  r["fate"] = res.fate;
  if (res.fate == "intercepted")
    r["by"] = res.deliveries.front().target;
  auto at = trace_record::array();
  auto released = trace_record::array();
  for (const auto& d : res.deliveries) {
    if (d.p.id == res.p.id)
      at.push_back(d.at.count());
    else
      released.push_back(d.p.id);
  }
  r["deliver_at"] = std::move(at);
  if (res.hold_until)
    r["hold_until"] = res.hold_until->count();
  if (!released.empty())
    r["releases"] = std::move(released);
  append(std::move(r));
}

void trace::packet_flushed(sim_time t, const delivery& d) {
  auto r = base(t, "release");
  r["id"] = d.p.id;
  r["deliver_at"] = d.at.count();
  append(std::move(r));
}

void trace::packet_undeliverable(sim_time t, const packet& p) {
  auto r = base(t, "packet");
  r["id"] = p.id;
  r["from"] = p.from;
  r["to"] = p.to;
  r["kind"] = p.kind;
  r["bytes"] = p.bytes.size();
  r["digest"] = digest(p.bytes);
  r["fate"] = "undeliverable";
  append(std::move(r));
}

std::size_t trace::event_count(const std::string& name) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto i = event_counts_.find(name);
  return i == event_counts_.end() ? 0 : i->second;
}

void trace::event_recorded(sim_time t, const std::string& who, const event& e) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    ++event_counts_[e.name];
  }
  auto r = base(t, "event");
  r["who"] = who;
  r["name"] = e.name;
  if (!e.details.empty()) {
    trace_record d;
    for (const auto& [k, v] : e.details)
      d[k] = v;
    r["details"] = std::move(d);
  }
  append(std::move(r));
}

std::vector<trace_record> trace::records() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return records_;
}

void trace::write_jsonl(std::ostream& out) const {
  std::lock_guard<std::mutex> guard(mutex_);
  for (const auto& r : records_)
    out << r.dump() << '\n';
}

std::size_t trace::size() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return records_.size();
}

bool is_event(const trace_record& rec, const char* name) {
  return rec["type"] == "event" && rec["name"] == name;
}

std::string detail_of(const trace_record& rec, const char* key) {
  auto d = rec.find("details");
  if (d == rec.end())
    return {};
  auto v = d->find(key);
  return v == d->end() ? std::string{} : v->get<std::string>();
}

} // namespace protobed
