// SPDX-License-Identifier: MIT
// libFuzzer target: SafetensorsFile::parse on arbitrary bytes (the model and shard
// readers both go through it). Beyond "no crash, no sanitizer report", every
// accepted file must satisfy the contract of core/safetensors.h, and must survive a
// serialize/parse round trip unchanged.
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "core/safetensors.h"
#include "tests/fuzz/fuzz_util.h"

using namespace symmflow;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto bytes = std::make_shared<const std::vector<std::uint8_t>>(data, data + size);
  auto parsed = SafetensorsFile::parse(bytes);
  if (!parsed) {
    SYMMFLOW_FUZZ_CHECK(!parsed.error().empty());
    return 0;
  }
  const SafetensorsFile& f = *parsed;
  SYMMFLOW_FUZZ_CHECK(size >= 8);
  std::uint64_t headerLength = 0;
  for (int i = 7; i >= 0; --i) headerLength = (headerLength << 8) | data[i];
  const std::uint64_t dataBytes = size - 8 - headerLength;

  std::vector<std::pair<std::size_t, std::size_t>> ranges;  // non-empty [begin, end)
  std::vector<TensorBlob> blobs;
  for (const TensorEntry& e : f.tensors()) {
    SYMMFLOW_FUZZ_CHECK(e.shape.size() <= 8);
    SYMMFLOW_FUZZ_CHECK(e.offset <= dataBytes && e.bytes <= dataBytes - e.offset);
    // numel() must be well defined (UBSan watches the multiplication) and agree with
    // the byte range.
    const std::int64_t numel = e.numel();
    SYMMFLOW_FUZZ_CHECK(numel >= 0);
    SYMMFLOW_FUZZ_CHECK(static_cast<std::uint64_t>(numel) * dtypeSize(e.dtype) == e.bytes);
    if (e.bytes > 0) {
      const std::uint8_t* p = f.data(e);
      // Touch the first and last byte: ASan reports any read outside the buffer.
      volatile std::uint8_t sink = p[0];
      sink = p[e.bytes - 1];
      (void)sink;
      ranges.emplace_back(e.offset, e.offset + e.bytes);
    }
    TensorBlob b;
    b.name = e.name;
    b.dtype = e.dtype;
    b.shape = e.shape;
    if (e.bytes > 0) b.bytes.assign(f.data(e), f.data(e) + e.bytes);
    blobs.push_back(std::move(b));
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i)
    SYMMFLOW_FUZZ_CHECK(ranges[i - 1].second <= ranges[i].first);  // no overlap

  // Round trip: what was accepted is written back and read again unchanged.
  std::map<std::string, std::string> metadata = f.metadata();
  auto again =
      SafetensorsFile::parse(std::make_shared<const std::vector<std::uint8_t>>(serializeSafetensors(blobs, metadata)));
  SYMMFLOW_FUZZ_CHECK(again.ok());
  SYMMFLOW_FUZZ_CHECK(again->metadata() == metadata);
  SYMMFLOW_FUZZ_CHECK(again->tensors().size() == blobs.size());
  for (const TensorBlob& b : blobs) {
    const TensorEntry* e = again->find(b.name);
    SYMMFLOW_FUZZ_CHECK(e != nullptr && e->dtype == b.dtype && e->shape == b.shape && e->bytes == b.bytes.size());
    SYMMFLOW_FUZZ_CHECK(e->bytes == 0 || std::memcmp(again->data(*e), b.bytes.data(), e->bytes) == 0);
  }
  return 0;
}
