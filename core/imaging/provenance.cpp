// SPDX-License-Identifier: MIT
#include "core/imaging/provenance.h"

#include <cstdint>
#include <fstream>
#include <memory>
#include <vector>

#include <openssl/evp.h>

namespace symmflow::imaging {
namespace {

struct DigestDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Digest = std::unique_ptr<EVP_MD_CTX, DigestDeleter>;

Digest newSha256() {
  Digest d(EVP_MD_CTX_new());
  if (!d || EVP_DigestInit_ex(d.get(), EVP_sha256(), nullptr) != 1) return nullptr;
  return d;
}

std::string finish(EVP_MD_CTX* d) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(d, out, &n) != 1) return {};
  static const char* digits = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) {
    hex += digits[out[i] >> 4];
    hex += digits[out[i] & 15];
  }
  return hex;
}

}  // namespace

std::string sha256Hex(const void* data, std::size_t size) {
  auto d = newSha256();
  if (!d || EVP_DigestUpdate(d.get(), data, size) != 1) return {};
  return finish(d.get());
}

Result<std::string> fileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot open '" + path + "' to fingerprint it"};
  auto d = newSha256();
  if (!d) return Error{"SHA-256 is not available (OpenSSL)"};
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.bad()) return Error{"could not read '" + path + "' to fingerprint it"};
    if (EVP_DigestUpdate(d.get(), buf.data(), static_cast<std::size_t>(in.gcount())) != 1)
      return Error{"SHA-256 failed on '" + path + "'"};
  }
  return finish(d.get());
}

std::string labelMapSha256(const LabelMap& labels) {
  auto d = newSha256();
  if (!d) return {};
  unsigned char le[8];
  const std::int32_t dims[2] = {labels.width, labels.height};
  for (int i = 0; i < 2; ++i)
    for (int b = 0; b < 4; ++b)
      le[i * 4 + b] = static_cast<unsigned char>((static_cast<std::uint32_t>(dims[i]) >> (8 * b)) & 0xff);
  if (EVP_DigestUpdate(d.get(), le, sizeof le) != 1 ||
      EVP_DigestUpdate(d.get(), labels.ids.data(), labels.ids.size()) != 1)
    return {};
  return finish(d.get());
}

}  // namespace symmflow::imaging
