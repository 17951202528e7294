// SPDX-License-Identifier: MIT
#include "core/safetensors.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace symmflow {
namespace {
constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;  // the reference implementation's limit
constexpr std::int64_t kMaxDims = 8;

std::string quoted(const std::string& s) { return "'" + s + "'"; }
}  // namespace

const char* dtypeName(DType t) {
  switch (t) {
    case DType::F32: return "F32";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::F64: return "F64";
    case DType::I64: return "I64";
    case DType::I32: return "I32";
    case DType::I16: return "I16";
    case DType::I8: return "I8";
    case DType::U8: return "U8";
    case DType::Bool: return "BOOL";
  }
  return "?";
}

std::size_t dtypeSize(DType t) {
  switch (t) {
    case DType::F64:
    case DType::I64: return 8;
    case DType::F32:
    case DType::I32: return 4;
    case DType::F16:
    case DType::BF16:
    case DType::I16: return 2;
    case DType::I8:
    case DType::U8:
    case DType::Bool: return 1;
  }
  return 1;
}

Result<DType> parseDType(const std::string& name) {
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I64, DType::I32, DType::I16, DType::I8,
                  DType::U8, DType::Bool})
    if (name == dtypeName(t)) return t;
  return Error{"unsupported tensor dtype " + quoted(name)};
}

std::int64_t TensorEntry::numel() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

const TensorEntry* SafetensorsFile::find(const std::string& name) const {
  for (const auto& t : m_tensors)
    if (t.name == name) return &t;
  return nullptr;
}

std::string SafetensorsFile::metadataOr(const std::string& key, const std::string& fallback) const {
  auto it = m_metadata.find(key);
  return it == m_metadata.end() ? fallback : it->second;
}

namespace {

// Files people pick instead of a model, recognised by their first bytes (at least 8 are
// there): what they are, or "" when unknown.
std::string foreignKind(const std::uint8_t* b, std::size_t n) {
  auto starts = [&](const char* magic, std::size_t len) { return n >= len && std::memcmp(b, magic, len) == 0; };
  if (starts("\x89PNG", 4)) return "a PNG image";
  if (starts("\xFF\xD8\xFF", 3)) return "a JPEG image";
  if (starts("GIF8", 4)) return "a GIF image";
  if (starts("PK\x03\x04", 4)) return "a ZIP archive (a PyTorch .pt/.pth checkpoint is one)";
  if (starts("\x80\x02", 2) || starts("\x80\x03", 2) || starts("\x80\x04", 2))
    return "a Python pickle (an old PyTorch checkpoint)";
  if (starts("\x89HDF", 4)) return "an HDF5 file (Keras .h5)";
  if (starts("GGUF", 4)) return "a GGUF model";
  if (starts("%PDF", 4)) return "a PDF document";
  // A safetensors file starts with a little-endian length: zero bytes, never text.
  const std::size_t look = std::min<std::size_t>(n, 64);
  const bool text = std::all_of(b, b + look, [](std::uint8_t c) {
    const bool ascii = (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r';
    return ascii || (c >= 0x80 && c <= 0xF4 && c != 0xC0 && c != 0xC1);  // bytes UTF-8 uses
  });
  if (text) {
    std::size_t i = 0;
    while (i < look && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == 0xEF || b[i] == 0xBB ||
                        b[i] == 0xBF))
      ++i;  // blanks and a UTF-8 byte-order mark
    if (i < look && (b[i] == '{' || b[i] == '[')) return "a JSON text file (a class list or config is one)";
    return "a text file";
  }
  return "";
}

}  // namespace

Result<SafetensorsFile> SafetensorsFile::parseHeader(const std::uint8_t* bytes, std::size_t available,
                                                     std::uint64_t fileSize) {
  if (fileSize < 8 || available < 8)
    return Error{"file is too short to be a safetensors file (" + std::to_string(fileSize) +
                 " bytes; it needs at least an 8-byte header length)"};
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
  if (n > kMaxHeaderBytes || n > fileSize - 8) {
    if (const std::string kind = foreignKind(bytes, available); !kind.empty())
      return Error{"this is " + kind +
                   ", not a .safetensors file (SymmFlow models come from `symmflow "
                   "train`, data shards from `symmflow pack`; `symmflow info` lists the installed models)"};
  }
  if (n > kMaxHeaderBytes)
    return Error{"header length " + std::to_string(n) +
                 " is larger than the 100 MiB limit: not a safetensors file, or corrupt"};
  if (n > fileSize - 8)
    return Error{"header length " + std::to_string(n) + " runs past the end of the file (" + std::to_string(fileSize) +
                 " bytes): the file is truncated or not a safetensors file"};
  if (8 + n > available) return Error{"internal: header not fully read"};
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes + 8, bytes + 8 + n);
  } catch (const nlohmann::json::exception& e) {
    return Error{std::string("header is not valid JSON: ") + e.what()};
  }
  if (!header.is_object()) return Error{"header JSON is not an object"};

  SafetensorsFile f;
  f.m_dataStart = 8 + static_cast<std::size_t>(n);
  const std::uint64_t dataBytes = fileSize - 8 - n;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) return Error{"__metadata__ is not an object of strings"};
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) return Error{"metadata value " + quoted(m.key()) + " is not a string"};
        f.m_metadata[m.key()] = m->get<std::string>();
      }
      continue;
    }
    const auto& v = *it;
    const std::string name = it.key();
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      return Error{"tensor " + quoted(name) + " lacks dtype, shape or data_offsets"};
    if (!v["dtype"].is_string()) return Error{"tensor " + quoted(name) + ": dtype is not a string"};
    auto dt = parseDType(v["dtype"].get<std::string>());
    if (!dt) return Error{"tensor " + quoted(name) + ": " + dt.error()};
    TensorEntry e;
    e.name = name;
    e.dtype = *dt;
    const auto& shape = v["shape"];
    if (!shape.is_array() || static_cast<std::int64_t>(shape.size()) > kMaxDims)
      return Error{"tensor " + quoted(name) + ": shape is not an array of at most 8 sizes"};
    // The product of the sizes must fit in int64 even when another size is 0, as in the
    // reference implementation: TensorEntry::numel() multiplies them (a shape like
    // [2^62, 4, 0] was accepted and overflowed there; found by tests/fuzz/fuzz_safetensors).
    std::uint64_t numel = 1;
    bool anyZero = false;
    for (const auto& d : shape) {
      if (!d.is_number_integer() || d.get<std::int64_t>() < 0)
        return Error{"tensor " + quoted(name) + ": shape holds a negative or non-integer size"};
      const auto dim = static_cast<std::uint64_t>(d.get<std::int64_t>());
      e.shape.push_back(static_cast<std::int64_t>(dim));
      if (dim == 0) {
        anyZero = true;
      } else if (numel > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / dim) {
        return Error{"tensor " + quoted(name) +
                     ": shape and dtype need more bytes than the file holds (the product of its sizes "
                     "overflows 64 bits)"};
      } else {
        numel *= dim;
      }
    }
    if (anyZero) numel = 0;
    const auto& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      return Error{"tensor " + quoted(name) + ": data_offsets is not a pair of non-negative integers"};
    const auto b = off[0].get<std::uint64_t>(), end = off[1].get<std::uint64_t>();
    if (b > end || end > dataBytes)
      return Error{"tensor " + quoted(name) + ": data range [" + std::to_string(b) + ", " + std::to_string(end) +
                   ") lies outside the data section (" + std::to_string(dataBytes) +
                   " bytes): the file is truncated or corrupt"};
    if (numel > dataBytes || numel * dtypeSize(e.dtype) != end - b)
      return Error{"tensor " + quoted(name) + ": shape and dtype need " +
                   (numel > dataBytes ? std::string("more bytes than the file holds")
                                      : std::to_string(numel * dtypeSize(e.dtype)) + " bytes") +
                   " but its data range has " + std::to_string(end - b)};
    e.offset = static_cast<std::size_t>(b);
    e.bytes = static_cast<std::size_t>(end - b);
    f.m_tensors.push_back(std::move(e));
  }
  // Non-empty ranges must not overlap. Compare with the furthest end so far, not just the
  // previous range: an empty tensor between two overlapping ones hid the overlap
  // (found by the invariants of tests/fuzz/fuzz_safetensors).
  std::vector<const TensorEntry*> order;
  for (const auto& t : f.m_tensors)
    if (t.bytes > 0) order.push_back(&t);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
  const TensorEntry* furthest = nullptr;
  for (const TensorEntry* t : order) {
    if (furthest != nullptr && furthest->offset + furthest->bytes > t->offset)
      return Error{"tensors " + quoted(furthest->name) + " and " + quoted(t->name) + " overlap"};
    if (furthest == nullptr || t->offset + t->bytes > furthest->offset + furthest->bytes) furthest = t;
  }
  return f;
}

Result<SafetensorsFile> SafetensorsFile::parse(std::shared_ptr<const std::vector<std::uint8_t>> bytes) {
  if (!bytes) return Error{"no data"};
  auto r = parseHeader(bytes->data(), bytes->size(), bytes->size());
  if (!r) return r;
  r->m_buffer = std::move(bytes);
  return r;
}

Result<SafetensorsFile> SafetensorsFile::readHeader(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{"no such file: " + path};
  if (!std::filesystem::is_regular_file(path, ec)) return Error{path + " is not a regular file"};
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error{"cannot read " + path + ": " + ec.message()};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot open " + path};
  std::uint8_t prefix[8] = {};
  in.read(reinterpret_cast<char*>(prefix), 8);
  if (size < 8 || !in) return Error{path + ": file is too short to be a safetensors file"};
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | prefix[i];
  if (n > kMaxHeaderBytes || n > size - 8) {
    auto r = parseHeader(prefix, 8, size);  // produces the right message
    return Error{path + ": " + r.error()};
  }
  std::vector<std::uint8_t> head(8 + n);
  std::memcpy(head.data(), prefix, 8);
  in.read(reinterpret_cast<char*>(head.data() + 8), static_cast<std::streamsize>(n));
  if (!in) return Error{path + ": could not read the header"};
  auto r = parseHeader(head.data(), head.size(), size);
  if (!r) return Error{path + ": " + r.error()};
  return r;
}

Result<SafetensorsFile> SafetensorsFile::read(const std::string& path) {
  auto bytes = readFileBytes(path, std::numeric_limits<std::size_t>::max());
  if (!bytes) return Error{bytes.error()};
  auto r = parse(std::make_shared<const std::vector<std::uint8_t>>(std::move(*bytes)));
  if (!r) return Error{path + ": " + r.error()};
  return r;
}

std::vector<std::uint8_t> serializeSafetensors(const std::vector<TensorBlob>& tensors,
                                               const std::map<std::string, std::string>& metadata) {
  std::vector<const TensorBlob*> sorted;
  for (const auto& t : tensors) sorted.push_back(&t);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (const auto* t : sorted) {
    header[t->name] = {
        {"dtype", dtypeName(t->dtype)}, {"shape", t->shape}, {"data_offsets", {offset, offset + t->bytes.size()}}};
    offset += t->bytes.size();
  }
  std::string text = header.dump();
  while ((text.size() + 8) % 8 != 0) text.push_back(' ');
  std::vector<std::uint8_t> out(8 + text.size() + offset);
  std::uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(n >> (8 * i));
  std::memcpy(out.data() + 8, text.data(), text.size());
  std::size_t pos = 8 + text.size();
  for (const auto* t : sorted) {
    if (!t->bytes.empty()) std::memcpy(out.data() + pos, t->bytes.data(), t->bytes.size());
    pos += t->bytes.size();
  }
  return out;
}

Status writeSafetensors(const std::string& path, const std::vector<TensorBlob>& tensors,
                        const std::map<std::string, std::string>& metadata) {
  for (const auto& t : tensors) {
    std::uint64_t numel = 1;
    for (auto d : t.shape) numel *= static_cast<std::uint64_t>(d);
    if (numel * dtypeSize(t.dtype) != t.bytes.size())
      return Error{"tensor '" + t.name + "' has " + std::to_string(t.bytes.size()) + " bytes for its shape"};
  }
  const auto bytes = serializeSafetensors(tensors, metadata);
  return writeFileAtomic(path, bytes.data(), bytes.size());
}

Status writeFileAtomic(const std::string& path, const std::uint8_t* data, std::size_t size) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Error{"cannot write " + path + ": folder " + dir.string() + " does not exist"};
  std::random_device rd;
  const fs::path tmp = dir / ("." + target.filename().string() + ".tmp" + std::to_string(rd()));
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Error{"cannot write " + path + ": " + std::strerror(errno)};
  const bool wrote = size == 0 || std::fwrite(data, 1, size, f) == size;
  const bool flushed = std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !flushed || !closed) {
    const std::string why = std::strerror(errno);
    fs::remove(tmp, ec);
    return Error{"cannot write " + path + ": " + why + " (the previous file, if any, is unchanged)"};
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Error{"cannot replace " + path + ": " + ec.message()};
  }
  return {};
}

Result<std::vector<std::uint8_t>> readFileBytes(const std::string& path, std::size_t maxBytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Error{"no such file: " + path};
  if (!std::filesystem::is_regular_file(path, ec)) return Error{path + " is not a regular file"};
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error{"cannot read " + path + ": " + ec.message()};
  if (size > maxBytes)
    return Error{path + " is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(maxBytes)};
  std::vector<std::uint8_t> bytes(size);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot open " + path};
  if (size > 0) in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (!in) return Error{"cannot read " + path};
  return bytes;
}

}  // namespace symmflow
