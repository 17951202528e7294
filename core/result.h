// SPDX-License-Identifier: MIT
#pragma once
// Result<T>: a value or an error message a user can act on. The engine's facades
// never throw across their boundary; they return one of these.
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace symmflow {

struct Error {
  std::string message;
};

template <class T>
class Result {
 public:
  Result(T value) : m_value(std::move(value)) {}              // NOLINT: implicit by design
  Result(Error error) : m_error(std::move(error.message)) {}  // NOLINT

  bool ok() const { return m_value.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return m_error; }

  T& value() & {
    if (!m_value) throw std::logic_error("Result::value() on an error: " + m_error);
    return *m_value;
  }
  const T& value() const& {
    if (!m_value) throw std::logic_error("Result::value() on an error: " + m_error);
    return *m_value;
  }
  T&& value() && {
    if (!m_value) throw std::logic_error("Result::value() on an error: " + m_error);
    return std::move(*m_value);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> m_value;
  std::string m_error;
};

// Result<void> equivalent.
class Status {
 public:
  Status() = default;
  Status(Error error) : m_error(std::move(error.message)), m_failed(true) {}  // NOLINT
  static Status success() { return {}; }
  bool ok() const { return !m_failed; }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return m_error; }

 private:
  std::string m_error;
  bool m_failed = false;
};

}  // namespace symmflow
