#include "actors/runtime/directory.hpp"

namespace protobed {

void directory::add_participant(const std::string& name, const std::string& role) {
  roles_[name] = role;
}

void directory::add_public_key(const std::string& name, crypto::rsa_public_key key) {
  verifying_.emplace(name, key); // until a signing key of its own replaces it
  keys_.insert_or_assign(name, std::move(key));
}

void directory::add_verifying_key(const std::string& name, crypto::verifying_key key) {
  verifying_.insert_or_assign(name, std::move(key));
}

const crypto::verifying_key* directory::verifying_key(const std::string& name) const {
  auto i = verifying_.find(name);
  return i == verifying_.end() ? nullptr : &i->second;
}

void directory::add_phone(const std::string& phone, const std::string& owner) {
  phones_[phone] = owner;
}

void directory::add_kind(const std::string& kind) {
  kinds_.insert(kind);
}

bool directory::knows_kind(const std::string& kind) const {
  return kinds_.count(kind) != 0;
}

bool directory::has(const std::string& name) const {
  return roles_.count(name) != 0;
}

std::string directory::role_of(const std::string& name) const {
  auto i = roles_.find(name);
  return i == roles_.end() ? std::string{} : i->second;
}

const crypto::rsa_public_key* directory::public_key(const std::string& name) const {
  auto i = keys_.find(name);
  return i == keys_.end() ? nullptr : &i->second;
}

std::string directory::phone_owner(const std::string& phone) const {
  auto i = phones_.find(phone);
  return i == phones_.end() ? std::string{} : i->second;
}

std::string directory::phone_of(const std::string& name) const {
  for (const auto& [phone, owner] : phones_)
    if (owner == name)
      return phone;
  return {};
}

} // namespace protobed
