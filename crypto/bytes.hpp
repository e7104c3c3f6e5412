// Byte strings and their hex form: the currency of every crypto/ function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace protobed::crypto {

using bytes = std::vector<std::uint8_t>;

/// A read-only view of bytes (C++17 has no std::span).
class byte_view {
public:
  constexpr byte_view() noexcept = default;
  constexpr byte_view(const std::uint8_t* data, std::size_t size) noexcept
    : data_(data)
    , size_(size) {}
  byte_view(const bytes& b) noexcept
    : data_(b.data())
    , size_(b.size()) {}
  byte_view(std::string_view s) noexcept
    : data_(reinterpret_cast<const std::uint8_t*>(s.data()))
    , size_(s.size()) {}
  byte_view(const std::string& s) noexcept
    : byte_view(std::string_view{s}) {}
  byte_view(const char* s) noexcept
    : byte_view(std::string_view{s}) {}

  constexpr const std::uint8_t* data() const noexcept {
    return data_;
  }
  constexpr std::size_t size() const noexcept {
    return size_;
  }
  constexpr bool empty() const noexcept {
    return size_ == 0;
  }
  constexpr std::uint8_t operator[](std::size_t i) const noexcept {
    return data_[i];
  }
  constexpr const std::uint8_t* begin() const noexcept {
    return data_;
  }
  constexpr const std::uint8_t* end() const noexcept {
    return data_ + size_;
  }
  /// Bytes [offset, offset + count), clamped to the view.
  byte_view sub(std::size_t offset, std::size_t count = SIZE_MAX) const noexcept;
  bytes to_bytes() const {
    return bytes(begin(), end());
  }

private:
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Hashes a byte string, for unordered containers keyed by ids (token and
/// channel ids are random, so lookups stay O(1) without ordered compares).
struct bytes_hash {
  std::size_t operator()(const bytes& b) const noexcept {
    return std::hash<std::string_view>{}(
      std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  }
};

/// Lower-case hex of `b`.
std::string to_hex(byte_view b);

/// Parses hex (either case, even length); nullopt on any other character.
std::optional<bytes> from_hex(std::string_view hex);

/// Concatenates byte strings.
bytes concat(std::initializer_list<byte_view> parts);

/// Compares in time that depends only on the lengths, never on the contents.
bool constant_time_equal(byte_view a, byte_view b) noexcept;

} // namespace protobed::crypto
