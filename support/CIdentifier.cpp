//===- CIdentifier.cpp - names that cross the C API -----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "support/CIdentifier.h"

namespace kiln {

static bool isDigit(char c) { return c >= '0' && c <= '9'; }
static bool isWordChar(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c == '_';
}

bool isCIdentifier(std::string_view name) {
  if (name.empty() || isDigit(name.front()))
    return false;
  for (char c : name)
    if (!isWordChar(c))
      return false;
  return true;
}

std::string toCIdentifier(std::string_view name, char prefix) {
  std::string s;
  for (char c : name)
    s.push_back(isWordChar(c) ? c : '_');
  if (s.empty() || isDigit(s.front()))
    s.insert(s.begin(), prefix);
  return s;
}

} // namespace kiln
