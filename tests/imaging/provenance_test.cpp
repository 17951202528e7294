// SPDX-License-Identifier: MIT
#include "core/imaging/provenance.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/imaging/test_util.h"

namespace symmflow::imaging {
namespace {

// FIPS 180-4 example messages (NIST's published SHA-256 digests).
TEST(Provenance, Sha256MatchesThePublishedDigests) {
  EXPECT_EQ(sha256Hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(sha256Hex(two.data(), two.size()), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

// A file's fingerprint is its bytes' digest, across the 64 KiB reads too.
TEST(Provenance, FileFingerprintIsTheDigestOfItsBytes) {
  test::TempDir dir;
  std::string bytes(200'000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 % 251);
  std::ofstream(dir.file("m.bin"), std::ios::binary) << bytes;
  auto sum = fileSha256(dir.file("m.bin"));
  ASSERT_TRUE(sum.ok()) << sum.error();
  EXPECT_EQ(*sum, sha256Hex(bytes.data(), bytes.size()));
  auto missing = fileSha256(dir.file("none.bin"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("none.bin"), std::string::npos) << missing.error();
}

// Width and height are part of a label map's fingerprint: the same ids in another shape differ.
TEST(Provenance, LabelMapFingerprintCoversItsShape) {
  LabelMap a(4, 2, 1), b(2, 4, 1);
  EXPECT_NE(labelMapSha256(a), labelMapSha256(b));
  const unsigned char expected[] = {4, 0, 0, 0, 2, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_EQ(labelMapSha256(a), sha256Hex(expected, sizeof expected));
  a.at(3, 1) = 2;
  EXPECT_NE(labelMapSha256(a), sha256Hex(expected, sizeof expected));
}

}  // namespace
}  // namespace symmflow::imaging
