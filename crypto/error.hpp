// Errors as values: every crypto/ operation that can fail returns result<T>.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace protobed::crypto {

enum class errc : std::uint8_t {
  invalid_key,      ///< a key could not be parsed or failed validation
  invalid_argument, ///< a parameter is out of range (size, cost, digits …)
  decrypt_failed,   ///< ciphertext did not decrypt (bad padding, wrong key)
  auth_failed,      ///< a MAC, tag or signature did not verify
  malformed,        ///< encoded input has the wrong structure
  truncated,        ///< encoded input ended early
  oversized,        ///< encoded input or a field exceeds its limit
  trailing_bytes,   ///< encoded input has bytes after the last field
  expired,          ///< a time-limited value is past its lifetime
  exhausted,        ///< no attempts left
  already_used,     ///< a single-use value was used before
  not_issued,       ///< nothing was issued to verify against
};

const char* to_string(errc e) noexcept;

struct error {
  errc code;
  std::string detail;

  std::string message() const;
  friend bool operator==(const error& a, const error& b) {
    return a.code == b.code;
  }
};

inline error make_error(errc code, std::string detail = {}) {
  return error{code, std::move(detail)};
}

/// A value or an error. Deliberately small: has_value / value / error.
template <class T>
class result {
public:
  result(T value)
    : v_(std::move(value)) {}
  result(crypto::error e)
    : v_(std::move(e)) {}

  bool has_value() const noexcept {
    return v_.index() == 0;
  }
  explicit operator bool() const noexcept {
    return has_value();
  }
  T& value() & {
    return std::get<0>(v_);
  }
  const T& value() const& {
    return std::get<0>(v_);
  }
  T&& value() && {
    return std::get<0>(std::move(v_));
  }
  T& operator*() & {
    return value();
  }
  const T& operator*() const& {
    return value();
  }
  T* operator->() {
    return &value();
  }
  const T* operator->() const {
    return &value();
  }
  const crypto::error& error() const {
    return std::get<1>(v_);
  }

private:
  std::variant<T, crypto::error> v_;
};

/// The next step of a decode chain: `f(*x)` if `x` holds a value, else `x`'s
/// error passed on. `and_then(body, decode_signed_blob)` replaces
/// `body ? decode_signed_blob(*body) : result<signed_blob>(body.error())`.
template <class T, class F>
auto and_then(const result<T>& x, F&& f) -> decltype(f(x.value())) {
  if (!x)
    return x.error();
  return f(x.value());
}

/// Result of an operation with no value: success or an error.
class status {
public:
  status() = default;
  status(crypto::error e)
    : err_(std::move(e))
    , ok_(false) {}
  bool ok() const noexcept {
    return ok_;
  }
  explicit operator bool() const noexcept {
    return ok_;
  }
  const crypto::error& error() const {
    return err_;
  }

private:
  crypto::error err_{errc::invalid_argument, {}};
  bool ok_ = true;
};

} // namespace protobed::crypto
