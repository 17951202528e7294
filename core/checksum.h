// SPDX-License-Identifier: MIT
#pragma once
// Content fingerprints for provenance (model file, label map): 64-bit FNV-1a as hex.
// Not cryptographic; they identify inputs, they do not protect them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/result.h"

namespace symmflow {

std::string fnv1a64Hex(const std::uint8_t* data, std::size_t size);
// Fingerprint of a file's bytes (read in chunks).
Result<std::string> fileChecksum(const std::string& path);

}  // namespace symmflow
