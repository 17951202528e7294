// SPDX-License-Identifier: MIT
#pragma once
// The message of an exception as a user reads it: LibTorch's errors without their C++ backtrace.

#include <exception>
#include <string>

#include <c10/util/Exception.h>

namespace symmflow {

inline std::string errorText(const std::exception& e) {
  if (const auto* torchError = dynamic_cast<const c10::Error*>(&e)) return torchError->what_without_backtrace();
  return e.what();
}

}  // namespace symmflow
