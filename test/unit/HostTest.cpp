// Tests of the dependency-free host header against the protocol's decoding
// rules (shared/protocol.md, "Packed slot"), restated here independently.
#include "vyre/host/host.h"

#include <doctest/doctest.h>
#include <string>

using namespace vyre::host;

namespace {
uint32_t payloadByte(const uint32_t *args, uint32_t k) {
  return (args[k / 4] >> (k % 4 * 8)) & 0xFF;
}
} // namespace

TEST_CASE("encodePacked round-trips through the seed's decoder for 1..MAX ops") {
  Layout l;
  for (uint32_t n = 1; n <= l.packedMaxOps; ++n) {
    // Op i takes (i, i+1, i+2): consecutive triples overlap in two words,
    // so even MAX_OPS (4) ops fit after their 3 metadata words.
    std::vector<InnerOp> ops;
    for (uint32_t i = 0; i < n; ++i)
      ops.push_back({i + 1, {i, i + 1, i + 2}});
    std::vector<uint32_t> args(l.argsPerSlot, 0xDEAD);
    REQUIRE(encodePacked(l, ops.data(), n, args.data()));

    uint32_t count = payloadByte(args.data(), 0);
    CHECK(count == n);
    uint32_t metadataWords = (2 + 2 * count + 3) / 4;
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t opcode = payloadByte(args.data(), 2 + 2 * i);
      uint32_t offset = payloadByte(args.data(), 3 + 2 * i);
      uint32_t base = metadataWords + offset;
      REQUIRE(base + 3 <= l.argsPerSlot); // the arity rule holds
      CHECK(opcode == ops[i].opcode);
      CHECK(args[base] == ops[i].args[0]);
      CHECK(args[base + 1] == ops[i].args[1]);
      CHECK(args[base + 2] == ops[i].args[2]);
    }
  }
}

TEST_CASE("encodePacked refuses what the format cannot hold") {
  Layout l;
  InnerOp ops[5] = {};
  std::vector<uint32_t> args(l.argsPerSlot, 7);
  CHECK_FALSE(encodePacked(l, ops, 0, args.data()));
  CHECK_FALSE(encodePacked(l, ops, 5, args.data())); // > MAX_OPS
  // Four ops with distinct triples need 3 metadata + 12 argument words.
  InnerOp distinct[4] = {{1, {1, 2, 3}}, {1, {4, 5, 6}}, {1, {7, 8, 9}}, {1, {10, 11, 12}}};
  CHECK_FALSE(encodePacked(l, distinct, 4, args.data()));
  CHECK(encodePacked(l, distinct, 3, args.data())); // 2 + 9 words fit
  args.assign(l.argsPerSlot, 7);
  ops[0].opcode = 0x100;                             // not an 8-bit opcode
  CHECK_FALSE(encodePacked(l, ops, 1, args.data()));
  CHECK(args[0] == 7); // nothing written on failure
}

TEST_CASE("publishSlot writes payload and PUBLISHED; recycle empties it") {
  Layout l;
  l.slotCount = 4;
  std::vector<uint32_t> ring(l.slotCount * l.slotWords, 0);
  uint32_t args[3] = {5, 6, 7};
  REQUIRE(publishSlot(l, ring.data(), 2, 42, args, 3));
  const uint32_t *s = ring.data() + 2 * l.slotWords;
  CHECK(s[l.opcodeWord] == 42);
  CHECK(s[l.arg0Word] == 5);
  CHECK(s[l.arg0Word + 2] == 7);
  CHECK(s[l.arg0Word + 3] == 0);
  CHECK(slotStatus(l, ring.data(), 2) == l.statusPublished);
  CHECK(slotStatus(l, ring.data(), 1) == l.statusEmpty);
  recycleSlot(l, ring.data(), 2);
  CHECK(slotStatus(l, ring.data(), 2) == l.statusEmpty);
  CHECK_FALSE(publishSlot(l, ring.data(), 4, 42, args, 3)); // out of range
}

TEST_CASE("Publisher publishes in ring order and rings the doorbell") {
  Layout l;
  l.slotCount = 3;
  l.doorbell = 1;
  std::vector<uint32_t> ring(l.slotCount * l.slotWords, 0), control(224, 0);
  Publisher pub(l, ring.data(), control.data());
  uint32_t args[1] = {9};
  CHECK(pub.publish(42, args, 1) == 0);
  CHECK(control[l.doorbellWord] == 1);
  // A burst: announced once.
  CHECK(pub.publish(43, args, 1, /*announceNow=*/false) == 1);
  CHECK(pub.publish(44, args, 1, false) == 2);
  CHECK(control[l.doorbellWord] == 1);
  pub.announce();
  CHECK(control[l.doorbellWord] == 3);
  CHECK(slotStatus(l, ring.data(), 2) == l.statusPublished);
  // Slot 0 is next again, and still in flight: refused, nothing written.
  CHECK(pub.nextSlot() == 0);
  CHECK(pub.publish(45, args, 1) == -1);
  CHECK(ring[l.opcodeWord] == 42);
  CHECK_FALSE(waitDone(l, ring.data(), 0, 10));
  ring[l.statusWord] = l.statusDone;
  CHECK(waitDone(l, ring.data(), 0, 1));
  CHECK(pub.publish(45, args, 1) == 0);
  CHECK(ring[l.opcodeWord] == 45);
  CHECK(control[l.doorbellWord] == 4);
}

TEST_CASE("Publisher reads a slot's status only where it does not know it free") {
  Layout l;
  l.slotCount = 2;
  std::vector<uint32_t> ring(l.slotCount * l.slotWords, 0), control(224, 0);
  Publisher pub(l, ring.data(), control.data());
  uint32_t args[1] = {9};
  // Not told the ring is empty: the status is read, and a slot the device
  // (here: the test) left CLAIMED is refused.
  ring[l.statusWord] = l.statusClaimed;
  CHECK(pub.publish(42, args, 1) == -1);
  ring[l.statusWord] = l.statusEmpty;
  pub.ringIsEmpty();
  CHECK(pub.publish(42, args, 1) == 0);
  CHECK(pub.publish(43, args, 1) == 1);
  // Slot 0 is in flight and was published since: read again, refused.
  CHECK(pub.publish(44, args, 1) == -1);
  // Seen DONE through status(): free without another read. (The test
  // then breaks the contract to show no read happens: only the kernel
  // moves a published slot, never back from DONE.)
  ring[l.statusWord] = l.statusDone;
  CHECK(pub.status(0) == l.statusDone);
  ring[l.statusWord] = l.statusClaimed;
  CHECK(pub.publish(44, args, 1) == 0);
  CHECK(ring[l.opcodeWord] == 44);
  CHECK(slotStatus(l, ring.data(), 0) == l.statusPublished);
  // Seen DONE by the plain slotStatus only: the Publisher still reads.
  ring[l.slotWords + l.statusWord] = l.statusDone;
  CHECK(slotStatus(l, ring.data(), 1) == l.statusDone);
  ring[l.slotWords + l.statusWord] = l.statusClaimed;
  CHECK(pub.publish(45, args, 1) == -1);
}

TEST_CASE("Publisher with a completion mirror: completed() reads the mirror") {
  Layout l;
  l.slotCount = 2;
  std::vector<uint32_t> ring(l.slotCount * l.slotWords, 0), control(224, 0),
      mirror(l.slotCount, 0);
  Publisher pub(l, ring.data(), control.data(), mirror.data(), mirror.size());
  CHECK(pub.mirrored(1));
  CHECK_FALSE(pub.mirrored(2));
  uint32_t args[1] = {9};
  pub.ringIsEmpty();
  // A word left DONE by an earlier request: publish() clears it first.
  mirror[0] = l.statusDone;
  CHECK(pub.publish(42, args, 1) == 0);
  CHECK(mirror[0] == 0);
  CHECK_FALSE(pub.completed(0));
  // The ring alone says DONE: not completed (the host waits on the
  // mirror, and never reads the ring for it).
  ring[l.statusWord] = l.statusDone;
  CHECK_FALSE(pub.completed(0));
  // The mirror says DONE: completed, whatever the ring says.
  mirror[0] = l.statusDone;
  ring[l.statusWord] = l.statusClaimed; // (breaks the contract: no read)
  CHECK(pub.completed(0));
  CHECK(pub.publish(43, args, 1) == 1);
  CHECK(pub.publish(44, args, 1) == 0); // known free: completed() saw it
  CHECK(mirror[0] == 0);
  CHECK(ring[l.opcodeWord] == 44);
}

TEST_CASE("Publisher with a completion mirror: a ring DONE does not free a "
          "slot before its mirror word") {
  Layout l;
  l.slotCount = 1;
  std::vector<uint32_t> ring(l.slotWords, 0), control(224, 0), mirror(1, 0);
  Publisher pub(l, ring.data(), control.data(), mirror.data(), mirror.size());
  uint32_t args[1] = {9};
  CHECK(pub.publish(42, args, 1) == 0); // not known free: EMPTY, read
  // The kernel stored DONE in the ring; its mirror store has not landed.
  // Were the slot free now, that late store would land over the word the
  // next publish clears and answer the next request at once.
  ring[l.statusWord] = l.statusDone;
  CHECK(pub.status(0) == l.statusDone);
  CHECK(pub.publish(43, args, 1) == -1);
  CHECK(ring[l.opcodeWord] == 42);
  mirror[0] = l.statusDone;
  CHECK(pub.publish(43, args, 1) == 0);
  CHECK(mirror[0] == 0);
  // A refused publish (too many args) leaves the mirror word alone.
  mirror[0] = l.statusDone;
  std::vector<uint32_t> many(l.argsPerSlot + 1, 1);
  CHECK(pub.publish(44, many.data(), many.size()) == -1);
  CHECK(mirror[0] == l.statusDone);
}

TEST_CASE("Publisher: slots past the mirror's words wait on the ring") {
  Layout l;
  l.slotCount = 2;
  std::vector<uint32_t> ring(l.slotCount * l.slotWords, 0), control(224, 0),
      mirror(1, 0);
  Publisher pub(l, ring.data(), control.data(), mirror.data(), mirror.size());
  uint32_t args[1] = {9};
  pub.ringIsEmpty();
  CHECK(pub.publish(42, args, 1) == 0);
  CHECK(pub.publish(43, args, 1) == 1);
  CHECK_FALSE(pub.completed(1));
  ring[l.slotWords + l.statusWord] = l.statusDone;
  CHECK(pub.completed(1));
  CHECK(mirror[0] == 0); // slot 1 has no word; slot 0's untouched
}

TEST_CASE("the doorbell wraps at a multiple of slot.COUNT") {
  CHECK(doorbellModulus(256) == 0xFFFFFF00u);
  CHECK(doorbellModulus(3) == 0xFFFFFFFFu);
  CHECK(doorbellModulus(1000) % 1000 == 0);
  CHECK(doorbellModulus(0) == 0xFFFFFFFFu);
  Layout l;
  l.slotCount = 256;
  l.doorbell = 1;
  std::vector<uint32_t> control(224, 0);
  ringDoorbell(l, control.data(), 0xFFFFFF00ull + 5);
  CHECK(control[l.doorbellWord] == 5);
  // publish.SCAN: the word is left alone.
  l.doorbell = 0;
  ringDoorbell(l, control.data(), 7);
  CHECK(control[l.doorbellWord] == 5);
}

TEST_CASE("metrics, done count and printf records read the control words") {
  Layout l;
  std::vector<uint32_t> control(l.observableBase + 64, 0);
  control[l.doneCountWord] = 9;
  control[l.metricsBase + 2] = 3;
  CHECK(doneCount(l, control.data()) == 9);
  CHECK(metric(l, control.data(), 2) == 3);
  CHECK(metric(l, control.data(), l.metricsSlots) == 0);

  std::vector<uint32_t> log(l.debugBufferWords, 0);
  // Three records reserved, but pretend the log holds only two.
  l.debugBufferWords = l.debugRecordsBase + 2 * l.debugRecordWords;
  log[l.debugCursorWord] = 3 * l.debugRecordWords;
  for (uint32_t w = 0; w < 8; ++w)
    log[l.debugRecordsBase + w] = 10 + w;
  auto recs = printfRecords(l, log.data());
  REQUIRE(recs.size() == 2);
  CHECK(recs[1].fmtId == 14);
  CHECK(recs[1].slotBase == 17);
}

TEST_CASE("errorCounts reads the seven error counters") {
  Layout l;
  // The prelude's defaults (docs/protocol.md, "Robustness"): contiguous
  // after UNKNOWN_OPCODE_COUNT, below OBSERVABLE_BASE.
  CHECK(l.outOfBoundsCountWord == l.unknownOpcodeCountWord + 1);
  CHECK(l.packedClampedCountWord == l.unknownOpcodeCountWord + 2);
  CHECK(l.packedArityCountWord == l.unknownOpcodeCountWord + 3);
  CHECK(l.ioTimeoutCountWord == l.unknownOpcodeCountWord + 4);
  CHECK(l.ioErrorCountWord == l.unknownOpcodeCountWord + 5);
  CHECK(l.cutShortCountWord == l.unknownOpcodeCountWord + 6);
  CHECK(l.cutShortCountWord < l.observableBase);
  std::vector<uint32_t> control(l.observableBase + 64, 0);
  ErrorCounts none = errorCounts(l, control.data());
  CHECK(none.unknownOpcode + none.outOfBounds + none.packedClamped +
            none.packedArity + none.ioTimeout + none.ioError +
            none.cutShort == 0);
  control[l.unknownOpcodeCountWord] = 1;
  control[l.outOfBoundsCountWord] = 2;
  control[l.packedClampedCountWord] = 3;
  control[l.packedArityCountWord] = 4;
  control[l.ioTimeoutCountWord] = 5;
  control[l.ioErrorCountWord] = 6;
  control[l.cutShortCountWord] = 7;
  ErrorCounts e = errorCounts(l, control.data());
  CHECK(e.unknownOpcode == 1);
  CHECK(e.outOfBounds == 2);
  CHECK(e.packedClamped == 3);
  CHECK(e.packedArity == 4);
  CHECK(e.ioTimeout == 5);
  CHECK(e.ioError == 6);
  CHECK(e.cutShort == 7);
}

// vyre's host (protocol_api/publish.rs, publish_packed_slot_from), restated
// by hand: ops (STORE_U32 1: [7, 170]) and (ATOMIC_ADD 2: [1, 171, 9]) ->
// 2 ops, 5 argument words, metadata (2 + 2*2 + 3) / 4 = 2 words:
// bytes 02 05 | 01 00 | 02 02 | 00 00 -> words 0x00010502, 0x00000202;
// arguments 7 170 1 171 9 from word 2; op 1's arg_offset is 2 (the first
// op's two words), so the first op's third argument is the second op's 1.
TEST_CASE("encodePackedAsVyre writes vyre's bytes, byte 1 included") {
  Layout l;
  const uint32_t a0[] = {7, 170}, a1[] = {1, 171, 9};
  const VyreOp ops[] = {{1, a0, 2}, {2, a1, 3}};
  std::vector<uint32_t> args(l.argsPerSlot, 0xDEAD);
  REQUIRE(encodePackedAsVyre(l, ops, 2, args.data()));
  const std::vector<uint32_t> want = {0x00010502, 0x00000202, 7, 170, 1, 171,
                                      9, 0, 0, 0, 0, 0};
  CHECK(args == want);
  // vyre refuses metadata + arguments past 12 words: 1 op with 11 words
  // needs 1 + 11 = 12 (fits), with 12 words 13 (refused).
  std::vector<uint32_t> many(12, 5);
  const VyreOp fits[] = {{3, many.data(), 11}}, over[] = {{3, many.data(), 12}};
  CHECK(encodePackedAsVyre(l, fits, 1, args.data()));
  CHECK(args[0] == (1u | 11u << 8 | 3u << 16));
  CHECK_FALSE(encodePackedAsVyre(l, over, 1, args.data()));
}

TEST_CASE("publishSlotAsVyre writes the tenant and priority.NORMAL") {
  Layout l;
  std::vector<uint32_t> ring(l.slotCount * l.slotWords, 0xAB);
  ring[l.slotWords + l.statusWord] = l.statusDone; // recycled
  const uint32_t args[] = {5, 6};
  REQUIRE(publishSlotAsVyre(l, ring.data(), 1, 9, 2, args, 2));
  const uint32_t *s = ring.data() + l.slotWords;
  CHECK(s[l.statusWord] == l.statusPublished);
  CHECK(s[l.opcodeWord] == 2);
  CHECK(s[l.tenantWord] == 9);
  CHECK(s[l.priorityWord] == 2); // vyre's priority::NORMAL
  CHECK(s[l.arg0Word] == 5);
  CHECK(s[l.arg0Word + 1] == 6);
  CHECK(s[l.arg0Word + 2] == 0);
}

// vyre's encode_control(false, 3, ..): control[2] = 3, masks at 3..5 all
// ones, quotas at 32..34 = 1,000,000; the tables stop at the next region.
TEST_CASE("setTenantTable and setTenantMask follow vyre's control table") {
  Layout l;
  std::vector<uint32_t> control(224, 0);
  setTenantTable(l, control.data(), 3);
  CHECK(control[2] == 3);
  CHECK(control[3] == ~0u);
  CHECK(control[5] == ~0u);
  CHECK(control[6] == 0);
  CHECK(control[32] == 1000000);
  CHECK(control[34] == 1000000);
  CHECK(control[35] == 0);
  CHECK(setTenantMask(l, control.data(), control.size(), 1, 0));
  CHECK(control[4] == 0);
  CHECK_FALSE(setTenantMask(l, control.data(), control.size(), 221, 1));
  std::vector<uint32_t> all(224, 0);
  setTenantTable(l, all.data(), 1000);
  CHECK(all[31] == ~0u);
  CHECK(all[32] == 1000000);
  CHECK(all[63] == 1000000);
  CHECK(all[64] == 0);
}

// vyre's publish_slot refuses what validate_publish_opcode reserves and a
// slot still in flight, and writes nothing then.
TEST_CASE("publishSlotAsVyre refuses what vyre's host refuses") {
  Layout l;
  std::vector<uint32_t> ring(l.slotCount * l.slotWords, 0);
  const uint32_t args[] = {1};
  for (uint32_t reserved : {0xFFFDu /* LOAD_MISS */, 0x80000005u, 0xFFF0u,
                            0xFFFFu})
    CHECK_FALSE(publishSlotAsVyre(l, ring.data(), 0, 0, reserved, args, 1));
  CHECK(ring[l.opcodeWord] == 0);
  CHECK(ring[l.statusWord] == l.statusEmpty);
  for (uint32_t ok : {0u, 7u, 8u, 0xFFEFu, 0x10000u, 0x7FFFFFFFu, 0x80000001u,
                      0xFFFEu, 0xFFFFFFFFu})
    CHECK(vyrePublishesOpcode(ok));
  // Published, then claimed: in flight. DONE may be recycled.
  REQUIRE(publishSlotAsVyre(l, ring.data(), 0, 0, 2, args, 1));
  CHECK_FALSE(publishSlotAsVyre(l, ring.data(), 0, 0, 3, args, 1));
  ring[l.statusWord] = l.statusClaimed;
  CHECK_FALSE(publishSlotAsVyre(l, ring.data(), 0, 0, 3, args, 1));
  CHECK(ring[l.opcodeWord] == 2);
  ring[l.statusWord] = l.statusDone;
  CHECK(publishSlotAsVyre(l, ring.data(), 0, 0, 3, args, 1));
  CHECK(ring[l.opcodeWord] == 3);
}

// encode_control rebuilds the whole table: fewer tenants later disable the
// others, masks and quotas alike.
TEST_CASE("setTenantTable rebuilds the table as encode_control does") {
  Layout l;
  std::vector<uint32_t> control(224, 0);
  setTenantTable(l, control.data(), 3);
  setTenantTable(l, control.data(), 1);
  CHECK(control[3] == ~0u);
  CHECK(control[4] == 0);
  CHECK(control[5] == 0);
  CHECK(control[32] == 1000000);
  CHECK(control[33] == 0);
  CHECK(control[34] == 0);
  control[64] = 5; // a claim counter: not part of the table
  setTenantTable(l, control.data(), 0);
  CHECK(control[2] == 3);
  CHECK(control[3] == 0);
  CHECK(control[32] == 0);
  CHECK(control[64] == 5);
}

// Tenant t's mask is control[3 + t]: from tenant 29 on that is a protocol
// word (quota, claim counter, metric, partition bound, ...).
TEST_CASE("setTenantMask refuses a tenant whose mask word is a protocol word") {
  Layout l;
  std::vector<uint32_t> control(224, 0);
  setTenantTable(l, control.data(), 1);
  CHECK(setTenantMask(l, control.data(), control.size(), 28, 1));
  CHECK(control[31] == 1);
  for (uint32_t tenant : {29u, 60u, 127u, 132u, 156u}) {
    CHECK_FALSE(setTenantMask(l, control.data(), control.size(), tenant, 0));
    CHECK_FALSE(setTenantMask(l, control.data(), control.size(), tenant, 1));
  }
  CHECK(control[32] == 1000000);
  CHECK(control[130] == 0);
  CHECK(control[135] == 0);
  // Wrapping to word 0 (SHUTDOWN) is refused too.
  CHECK_FALSE(setTenantMask(l, control.data(), control.size(), 0xFFFFFFFDu, 1));
  CHECK(control[0] == 0);
  // A table the host moved past the protocol words.
  control[l.tenantBase] = l.observableBase;
  CHECK(setTenantMask(l, control.data(), control.size(), 40, 7));
  CHECK(control[200] == 7);
}

// vyre's default_priority_offsets(256): 51 per level, the remainder 1 to
// NORMAL (2): 0, 51, 102, 154, 205, 256.
TEST_CASE("setDefaultPriorityPartitions matches vyre's default offsets") {
  Layout l;
  std::vector<uint32_t> control(224, 0);
  setDefaultPriorityPartitions(l, control.data(), 256);
  const std::vector<uint32_t> want = {0, 51, 102, 154, 205, 256};
  CHECK(std::vector<uint32_t>(control.begin() + 129, control.begin() + 135) == want);
}

TEST_CASE("serviceIoQueue answers PUBLISHED requests only") {
  Layout l;
  std::vector<uint32_t> io(l.ioSlotCount * l.ioSlotWords, 0);
  io[1 * l.ioSlotWords + l.ioStatusWord] = l.statusPublished;
  io[3 * l.ioSlotWords + l.ioStatusWord] = l.statusPublished;
  io[4 * l.ioSlotWords + l.ioStatusWord] = l.statusClaimed;
  size_t n = serviceIoQueue(l, io.data(), [&](const uint32_t *req) {
    return req != io.data() + 3 * l.ioSlotWords; // fail the second one
  });
  CHECK(n == 2);
  CHECK(io[1 * l.ioSlotWords + l.ioStatusWord] == l.ioStatusOk);
  CHECK(io[3 * l.ioSlotWords + l.ioStatusWord] == l.ioStatusError);
  CHECK(io[4 * l.ioSlotWords + l.ioStatusWord] == l.statusClaimed);
}

// encodePackedRaw: expected words derived by hand from the protocol: byte 0
// = count, byte 1 = 0, (opcode, arg_offset) pairs from byte 2, little-endian
// within words, metadata_words = (2 + 2 * min(count, MAX_OPS) + 3) / 4.
TEST_CASE("encodePackedRaw writes the given metadata and argument words") {
  Layout l; // 12 argument words, MAX_OPS 4
  std::vector<uint32_t> out(l.argsPerSlot, 0xDEAD);
  PackedPair pairs[2] = {{0x11, 0}, {0x22, 3}};
  uint32_t data[6] = {7, 8, 9, 10, 11, 12};
  REQUIRE(encodePackedRaw(l, 2, pairs, 2, data, 6, out.data()));
  // metadata_words = (2 + 4 + 3) / 4 = 2: bytes 02 00 11 00 | 22 03 00 00.
  std::vector<uint32_t> want = {0x00110002, 0x00000322, 7, 8, 9, 10, 11, 12,
                                0, 0, 0, 0};
  CHECK(out == want);
}

TEST_CASE("encodePackedRaw places arguments after the clamped count's metadata") {
  Layout l;
  std::vector<uint32_t> out(l.argsPerSlot, 0xDEAD);
  PackedPair pair = {0x05, 0};
  uint32_t data[3] = {1, 2, 3};
  // count 9 clamps to MAX_OPS 4: metadata_words = (2 + 8 + 3) / 4 = 3, but
  // only the one pair is written (bytes 09 00 05 00).
  REQUIRE(encodePackedRaw(l, 9, &pair, 1, data, 3, out.data()));
  std::vector<uint32_t> want = {0x00050009, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0, 0};
  CHECK(out == want);
}

TEST_CASE("encodePackedRaw encodes an arity-violating op as given") {
  Layout l;
  std::vector<uint32_t> out(l.argsPerSlot, 0xDEAD);
  // arg_offset 10 after 1 metadata word: the triple would need words
  // 11..13 of 12; the one argument that fits lands in word 11.
  PackedPair pair = {0x05, 10};
  std::vector<uint32_t> data(11, 0);
  data[10] = 0xAB;
  REQUIRE(encodePackedRaw(l, 1, &pair, 1, data.data(), data.size(), out.data()));
  std::vector<uint32_t> want(l.argsPerSlot, 0);
  want[0] = 0x0A050001; // 01 00 05 0A
  want[11] = 0xAB;
  CHECK(out == want);
}

TEST_CASE("encodePackedRaw: more pairs than the count, and refusals") {
  Layout l;
  std::vector<uint32_t> out(l.argsPerSlot, 0xDEAD);
  // count 1 (metadata_words 1) but three pairs: the pairs take words 0..1
  // (01 00 01 00 | 02 00 03 00); argument word 0 lands in word 1 and must
  // be 0 there.
  PackedPair pairs[4] = {{1, 0}, {2, 0}, {3, 0}, {4, 0}};
  uint32_t data[2] = {0, 5};
  REQUIRE(encodePackedRaw(l, 1, pairs, 3, data, 2, out.data()));
  std::vector<uint32_t> want = {0x00010001, 0x00030002, 5, 0, 0, 0, 0, 0,
                                0, 0, 0, 0};
  CHECK(out == want);

  out.assign(l.argsPerSlot, 7);
  uint32_t clash[2] = {6, 5}; // a non-zero word under the pairs
  CHECK_FALSE(encodePackedRaw(l, 1, pairs, 3, clash, 2, out.data()));
  std::vector<uint32_t> many(l.argsPerSlot, 1); // 1 + 12 words > 12
  CHECK_FALSE(encodePackedRaw(l, 1, pairs, 1, many.data(), many.size(), out.data()));
  Layout small = l;
  small.argsPerSlot = 2; // 4 pairs need (2 + 8 + 3) / 4 = 3 words
  CHECK_FALSE(encodePackedRaw(small, 4, pairs, 4, nullptr, 0, out.data()));
  CHECK(out == std::vector<uint32_t>(l.argsPerSlot, 7)); // nothing written
}

TEST_CASE("encodePacked is encodePackedRaw with shared argument triples") {
  Layout l;
  InnerOp ops[2] = {{1, {1, 2, 3}}, {2, {2, 3, 4}}};
  std::vector<uint32_t> packed(l.argsPerSlot), raw(l.argsPerSlot);
  REQUIRE(encodePacked(l, ops, 2, packed.data()));
  // The second triple overlaps the first's tail: arg_offset 1.
  PackedPair pairs[2] = {{1, 0}, {2, 1}};
  uint32_t data[4] = {1, 2, 3, 4};
  REQUIRE(encodePackedRaw(l, 2, pairs, 2, data, 4, raw.data()));
  CHECK(packed == raw);
  CHECK(raw[0] == 0x00010002); // 02 00 01 00
  CHECK(raw[1] == 0x00000102); // 02 01 00 00
}

// NVIDIA's memory types with resizable BAR (issue 11): 0 device-local,
// 1 host 0x6, 2 host cached 0xE, 3 device-local host-visible 0x7.
static const uint32_t nvidia[] = {0x1, 0x6, 0xE, 0x7};

TEST_CASE("chooseMemoryType: device-local host-visible first, host memory as fallback") {
  Placement p;
  CHECK(chooseMemoryType(0xF, nvidia, 4, p) == 3);
  CHECK(p == Placement::DeviceLocalHostVisible);
  CHECK(std::string(placementName(p)) == "device-local host-visible");
  // Asked for host memory: the first coherent type that is not device-local.
  CHECK(chooseMemoryType(0xF, nvidia, 4, p, false) == 1);
  CHECK(p == Placement::HostVisible);
  // The buffer may not live in type 3: system memory.
  CHECK(chooseMemoryType(0x7, nvidia, 4, p) == 1);
  CHECK(p == Placement::HostVisible);
  // lavapipe: one type, device-local and host-visible (0xF); also for "host".
  const uint32_t lvp[] = {0xF};
  CHECK(chooseMemoryType(0x1, lvp, 1, p, false) == 0);
  CHECK(p == Placement::DeviceLocalHostVisible);
  // Host-visible but not coherent (0x2) never qualifies.
  const uint32_t incoherent[] = {0x1, 0x2};
  CHECK(chooseMemoryType(0x3, incoherent, 2, p) == -1);
  CHECK(p == Placement::None);
}

TEST_CASE("chooseHostCachedMemoryType: cached system memory for the mirror") {
  Placement p;
  CHECK(chooseHostCachedMemoryType(0xF, nvidia, 4, p) == 2);
  CHECK(p == Placement::HostCached);
  CHECK(std::string(placementName(p)) == "host-cached");
  // No cached type allowed: any host-visible coherent one.
  CHECK(chooseHostCachedMemoryType(0xB, nvidia, 4, p) == 1);
  CHECK(p == Placement::HostVisible);
  // lavapipe's one type is device-local (and cached): the fallback.
  const uint32_t lvp[] = {0xF};
  CHECK(chooseHostCachedMemoryType(0x1, lvp, 1, p) == 0);
  CHECK(p == Placement::DeviceLocalHostVisible);
  const uint32_t incoherent[] = {0x1, 0xA};
  CHECK(chooseHostCachedMemoryType(0x3, incoherent, 2, p) == -1);
  CHECK(p == Placement::None);
}

TEST_CASE("seesHostWritesWhileRunning: only device-local host-visible memory") {
  using vyre::host::seesHostWritesWhileRunning;
  CHECK(seesHostWritesWhileRunning(Placement::DeviceLocalHostVisible));
  CHECK_FALSE(seesHostWritesWhileRunning(Placement::HostVisible));
  CHECK_FALSE(seesHostWritesWhileRunning(Placement::HostCached));
  CHECK_FALSE(seesHostWritesWhileRunning(Placement::None));
}

TEST_CASE("fitWorkgroupsToSubgroup: one subgroup per workgroup, as many "
          "invocations") {
  using vyre::host::fitWorkgroupsToSubgroup;
  auto fit = fitWorkgroupsToSubgroup(2, 64, 8); // 128 invocations
  CHECK(fit.workgroupSize == 8);
  CHECK(fit.workgroups == 16);
  fit = fitWorkgroupsToSubgroup(3, 12, 8); // 36 invocations: 5 subgroups
  CHECK(fit.workgroupSize == 8);
  CHECK(fit.workgroups == 5);
  fit = fitWorkgroupsToSubgroup(7, 4, 8); // already within one subgroup
  CHECK(fit.workgroupSize == 4);
  CHECK(fit.workgroups == 7);
  fit = fitWorkgroupsToSubgroup(7, 8, 8);
  CHECK(fit.workgroupSize == 8);
  CHECK(fit.workgroups == 7);
  fit = fitWorkgroupsToSubgroup(65535, 1024, 4); // no 32-bit overflow
  CHECK(fit.workgroups == 65535u * 256u);
}

TEST_CASE("preferPortableLoop: the portable loop on CPU devices only") {
  using vyre::host::preferPortableLoop;
  // VkPhysicalDeviceType: OTHER 0, INTEGRATED_GPU 1, DISCRETE_GPU 2,
  // VIRTUAL_GPU 3, CPU 4 (lavapipe, SwiftShader).
  CHECK(preferPortableLoop(4));
  for (uint32_t gpu : {0u, 1u, 2u, 3u})
    CHECK_FALSE(preferPortableLoop(gpu));
}
