// SPDX-License-Identifier: MIT
// libFuzzer target: photo loading (imaging::probeImage + imaging::loadImage) on
// arbitrary bytes written to a file, with the default 50 MP limit. An accepted image
// has a positive size within the limit and a pixel buffer of exactly w*h*3 bytes.
// OpenCV and libpng are not instrumented: coverage guidance stops at their API, but
// ASan still sees their heap through malloc and the mem* interceptors.
#include <opencv2/core/utility.hpp>

#include "core/imaging/image_io.h"
#include "tests/fuzz/fuzz_util.h"

using namespace symmflow;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  cv::setNumThreads(0);  // deterministic, and no thread pool for libFuzzer's RSS checks
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::ScratchFile file("image", ".img");
  const std::string& path = file.write(data, size);
  auto header = imaging::probeImage(path);
  SYMMFLOW_FUZZ_CHECK(header.ok() || !header.error().empty());
  auto image = imaging::loadImage(path);
  if (!image) {
    SYMMFLOW_FUZZ_CHECK(!image.error().empty());
    return 0;
  }
  SYMMFLOW_FUZZ_CHECK(image->width > 0 && image->height > 0);
  SYMMFLOW_FUZZ_CHECK(std::int64_t(image->width) * image->height <= imaging::kDefaultMaxPixels);
  SYMMFLOW_FUZZ_CHECK(image->pixels.size() == std::size_t(image->width) * image->height * 3);
  return 0;
}
