//===- Latency.cpp - round trips to a resident kernel ---------------------===//
#include "Latency.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace vyre;

namespace {

using Clock = std::chrono::steady_clock;

double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

LatencySeries percentiles(std::vector<double> v) {
  LatencySeries s;
  if (v.empty())
    return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
  };
  s.p50 = at(0.50);
  s.p99 = at(0.99);
  s.max = v.back();
  return s;
}

class Session {
public:
  Session(const host::Layout &l, LatencyDevice &dev,
          const std::vector<uint32_t> &slot, const LatencyOptions &opts)
      : l(l), dev(dev),
        pub(l, dev.ring, dev.control, dev.completions, dev.completionWords),
        opts(opts) {
    r.mirror = dev.completions && pub.mirrored(0);
    opcode = l.opcodeWord < slot.size() ? slot[l.opcodeWord] : 0;
    for (uint32_t a = 0; a < l.argsPerSlot; ++a)
      args.push_back(l.arg0Word + a < slot.size() ? slot[l.arg0Word + a] : 0);
    // vyre-run created the ring zero-filled: EMPTY where status.EMPTY is
    // 0, and then no status read before a publish into a slot the host
    // has not used or has seen DONE.
    if (l.statusEmpty == 0)
      pub.ringIsEmpty();
  }

  LatencyResult run() {
    dev.submit();
    r.residentDispatches = 1;
    // One request first, not measured, with a longer wait: a CPU driver
    // (lavapipe) compiles the kernel at its first dispatch, which on a
    // loaded machine takes seconds.
    if (int64_t slot = publish(true); slot >= 0)
      waitDone({uint32_t(slot)}, true, nullptr, 3 * opts.timeoutMs);
    std::vector<double> done, seen, burst, submit, publishing, poll;
    for (unsigned i = 0; i < opts.requests && r.error.empty(); ++i) {
      auto t0 = Clock::now();
      int64_t slot = publish(true);
      auto published = Clock::now();
      Clock::time_point claimed{};
      uint64_t polls = 0;
      if (slot >= 0 &&
          waitDone({uint32_t(slot)}, /*resident=*/true, &claimed, &polls)) {
        auto end = Clock::now();
        done.push_back(micros(end - t0));
        if (!r.mirror)
          seen.push_back(micros(claimed - t0));
        // Where a request's time goes: the host's publish, and one read of
        // the status word (a bus round trip on a discrete GPU).
        publishing.push_back(micros(published - t0));
        poll.push_back(micros(end - published) / double(polls));
      }
    }
    for (unsigned b = 0; b < opts.bursts && r.error.empty(); ++b) {
      auto t0 = Clock::now();
      std::vector<uint32_t> slots;
      for (unsigned i = 0; i < kBurst && r.error.empty(); ++i)
        if (int64_t slot = publish(false); slot >= 0)
          slots.push_back(uint32_t(slot));
      pub.announce();
      if (r.error.empty() && waitDone(slots, true, nullptr))
        burst.push_back(micros(Clock::now() - t0));
    }
    // The resident kernel drains and leaves; then one dispatch per request.
    host::requestShutdown(l, dev.control);
    dev.waitFinished();
    for (unsigned i = 0; i < opts.requests && r.error.empty(); ++i) {
      auto t0 = Clock::now();
      int64_t slot = publish(true);
      if (slot < 0)
        break;
      dev.submit();
      dev.waitFinished();
      if (!pub.completed(uint32_t(slot))) {
        fail("slot " + std::to_string(slot) +
             " was not DONE after its dispatch finished");
        break;
      }
      submit.push_back(micros(Clock::now() - t0));
    }
    r.resident = percentiles(done);
    r.residentSeen = percentiles(seen);
    r.publish = percentiles(publishing);
    r.statusRead = percentiles(poll);
    r.burst = percentiles(burst);
    r.submit = percentiles(submit);
    r.doneCount = host::doneCount(l, dev.control);
    r.expectedDone = published;
    if (r.error.empty() && r.doneCount != r.expectedDone)
      fail("DONE_COUNT is " + std::to_string(r.doneCount) + " after " +
           std::to_string(r.expectedDone) + " slots");
    return r;
  }

private:
  const host::Layout &l;
  LatencyDevice &dev;
  host::Publisher pub;
  const LatencyOptions &opts;
  uint32_t opcode = 0;
  std::vector<uint32_t> args;
  uint32_t published = 0;
  LatencyResult r;

  void fail(const std::string &msg) {
    if (r.error.empty())
      r.error = msg;
  }

  int64_t publish(bool announce) {
    int64_t slot = pub.publish(opcode, args.data(), args.size(), announce);
    if (slot < 0)
      fail("ring slot " + std::to_string(pub.nextSlot()) +
           " is still in flight: the ring is too small for a burst");
    else
      ++published;
    return slot;
  }

  /// Spins until every slot is DONE; with \p claimed, also records when
  /// the first one left PUBLISHED (the kernel saw it; not on the completion
  /// mirror, where a poll reads the mirror word alone); with \p pollsOut,
  /// how many reads it took. A resident kernel that finished early is
  /// dispatched again.
  bool waitDone(const std::vector<uint32_t> &slots, bool resident,
                Clock::time_point *claimed, uint64_t *pollsOut = nullptr) {
    return waitDone(slots, resident, claimed, opts.timeoutMs, pollsOut);
  }
  bool waitDone(const std::vector<uint32_t> &slots, bool resident,
                Clock::time_point *claimed, uint64_t timeoutMs,
                uint64_t *pollsOut = nullptr) {
    auto start = Clock::now();
    size_t next = 0;
    for (uint64_t polls = 1;; ++polls) {
      bool done;
      if (r.mirror) {
        done = pub.completed(slots[next]);
      } else {
        uint32_t st = pub.status(slots[next]);
        if (claimed && *claimed == Clock::time_point{} &&
            st != l.statusPublished)
          *claimed = Clock::now();
        done = st == l.statusDone;
      }
      if (done && ++next == slots.size()) {
        if (pollsOut)
          *pollsOut = polls;
        return true;
      }
      if (polls % 4096)
        continue;
      if (resident && dev.finished()) {
        dev.submit();
        ++r.residentDispatches;
      }
      if (Clock::now() - start > std::chrono::milliseconds(timeoutMs)) {
        fail("slot " + std::to_string(slots[next]) + " was not DONE within " +
             std::to_string(timeoutMs) + " ms (status " +
             std::to_string(host::slotStatus(l, dev.ring, slots[next])) +
             ", DONE_COUNT " +
             std::to_string(host::doneCount(l, dev.control)) + ")");
        return false;
      }
    }
  }
};

std::string series(const char *name, const LatencySeries &s) {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "\"%s\": {\"p50_us\": %.2f, \"p99_us\": %.2f, \"max_us\": %.2f}",
                name, s.p50, s.p99, s.max);
  return buf;
}

} // namespace

LatencyResult vyre::measureLatency(const host::Layout &l, LatencyDevice &dev,
                                   const std::vector<uint32_t> &slotWords,
                                   const LatencyOptions &opts) {
  return Session(l, dev, slotWords, opts).run();
}

std::string vyre::formatLatency(const LatencyResult &r,
                                const LatencyOptions &opts,
                                const std::string &memory) {
  std::string out = "{\n";
  out += "  \"result\": \"" + std::string(r.error.empty() ? "ok" : "error") + "\",\n";
  if (!r.error.empty())
    out += "  \"error\": \"" + r.error + "\",\n";
  out += "  \"requests\": " + std::to_string(opts.requests) + ",\n";
  out += "  \"bursts\": " + std::to_string(opts.bursts) + ",\n";
  out += "  \"memory\": \"" + memory + "\",\n";
  out += "  \"completion\": \"" +
         std::string(r.mirror ? "mirror" : "status") + "\",\n";
  out += "  " + series("resident", r.resident) + ",\n";
  out += "  " + (r.mirror ? std::string("\"resident_seen\": null")
                          : series("resident_seen", r.residentSeen)) +
         ",\n";
  out += "  " + series("resident_publish", r.publish) + ",\n";
  out += "  " + series("resident_status_read", r.statusRead) + ",\n";
  out += "  " + series("submit", r.submit) + ",\n";
  out += "  " + series("burst64", r.burst) + ",\n";
  out += "  \"resident_dispatches\": " + std::to_string(r.residentDispatches) + ",\n";
  out += "  \"done_count\": " + std::to_string(r.doneCount) + "\n}\n";
  return out;
}
