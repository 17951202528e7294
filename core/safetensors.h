// SPDX-License-Identifier: MIT
#pragma once
// Reading and writing the safetensors format (https://github.com/huggingface/safetensors):
//   8 bytes little-endian header length N, N bytes of JSON, then the raw tensor bytes.
// Torch-free. The reader validates everything before any tensor is used: header length
// within the file, JSON well-formed, known dtypes, non-negative shapes whose element count
// times the dtype size equals the byte range, ranges inside the data section and not
// overlapping. A malformed file gives an Error naming the problem; nothing is allocated
// beyond the file's own size.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace symmflow {

enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool };

const char* dtypeName(DType t);  // "F32", ...
std::size_t dtypeSize(DType t);
Result<DType> parseDType(const std::string& name);

struct TensorEntry {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  std::size_t offset = 0;  // into the data section
  std::size_t bytes = 0;
  std::int64_t numel() const;
};

// A parsed safetensors file held in memory. Tensors are views into the shared buffer.
class SafetensorsFile {
 public:
  const std::map<std::string, std::string>& metadata() const { return m_metadata; }
  const std::vector<TensorEntry>& tensors() const { return m_tensors; }
  const TensorEntry* find(const std::string& name) const;
  // Raw bytes of a tensor (valid while this object lives).
  const std::uint8_t* data(const TensorEntry& e) const { return m_buffer->data() + m_dataStart + e.offset; }
  std::string metadataOr(const std::string& key, const std::string& fallback = {}) const;

  // Parses a complete file image.
  static Result<SafetensorsFile> parse(std::shared_ptr<const std::vector<std::uint8_t>> bytes);
  // Reads only the header (length prefix + JSON) of a file: cheap, for inspecting models.
  static Result<SafetensorsFile> readHeader(const std::string& path);
  static Result<SafetensorsFile> read(const std::string& path);

 private:
  std::shared_ptr<const std::vector<std::uint8_t>> m_buffer;
  std::size_t m_dataStart = 0;
  std::map<std::string, std::string> m_metadata;
  std::vector<TensorEntry> m_tensors;
  static Result<SafetensorsFile> parseHeader(const std::uint8_t* bytes, std::size_t available, std::uint64_t fileSize);
};

// A tensor to write: raw little-endian bytes of the given dtype and shape.
struct TensorBlob {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;
  std::vector<std::uint8_t> bytes;
};

// Serialises to memory (tensors sorted by name, 8-byte aligned header).
std::vector<std::uint8_t> serializeSafetensors(const std::vector<TensorBlob>& tensors,
                                               const std::map<std::string, std::string>& metadata);
// Writes atomically: a temporary file in the same folder, then rename.
Status writeSafetensors(const std::string& path, const std::vector<TensorBlob>& tensors,
                        const std::map<std::string, std::string>& metadata);

// Writes bytes to path atomically (temp file + fsync + rename). Shared by all savers.
Status writeFileAtomic(const std::string& path, const std::uint8_t* data, std::size_t size);

// Reads a whole regular file of at most maxBytes (checked before reading, so a device or
// FIFO is never read). Errors: "no such file", "is not a regular file", "over the limit".
Result<std::vector<std::uint8_t>> readFileBytes(const std::string& path, std::size_t maxBytes);

}  // namespace symmflow
