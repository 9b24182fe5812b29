//===- KerasJson.cpp - lenient JSON helpers for the Keras reader ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/file/KerasJson.h"

#include <algorithm>

using namespace kiln::keras::detail;

std::string
kiln::keras::detail::replaceNonFiniteTokens(const std::string &text) {
  static const char *const maxDouble = "1.7976931348623157e308";
  std::string result;
  result.reserve(text.size());
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      result += c;
      if (c == '\\' && i + 1 < text.size())
        result += text[++i];
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
      result += c;
      continue;
    }
    // Outside strings JSON has no identifiers besides true/false/null, so
    // these spellings can only be Python's tokens.
    if (text.compare(i, 3, "NaN") == 0) {
      result += "null";
      i += 2;
    } else if (text.compare(i, 8, "Infinity") == 0) {
      result += maxDouble;
      i += 7;
    } else if (text.compare(i, 9, "-Infinity") == 0) {
      result += '-';
      result += maxDouble;
      i += 8;
    } else {
      result += c;
    }
  }
  return result;
}

/// Nesting depth of `text` outside strings. The reader recurses over nested
/// models, and nlohmann's dump recurses too, so absurd depths are refused
/// before they can exhaust the stack.
static size_t nestingDepth(const std::string &text) {
  size_t depth = 0, deepest = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool kiln::keras::detail::parseJson(const std::string &text, Json &out,
                                    std::string &error) {
  if (nestingDepth(text) > 1000) {
    error = "JSON nested more than 1000 levels deep";
    return false;
  }
  try {
    out = Json::parse(text);
  } catch (const Json::exception &e) {
    // Drop nlohmann's "[json.exception.parse_error.101] " tag.
    std::string what = e.what();
    size_t tagEnd = what.find("] ");
    error = tagEnd == std::string::npos ? what : what.substr(tagEnd + 2);
    return false;
  }
  return true;
}

std::string kiln::keras::detail::dumpJson(const Json &value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

const Json *kiln::keras::detail::member(const Json &obj, const char *key) {
  if (!obj.is_object())
    return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::string kiln::keras::detail::stringMember(const Json &obj, const char *key,
                                              const std::string &fallback) {
  const Json *value = member(obj, key);
  return value && value->is_string() ? value->get<std::string>() : fallback;
}

bool kiln::keras::detail::boolMember(const Json &obj, const char *key,
                                     bool fallback) {
  const Json *value = member(obj, key);
  return value && value->is_boolean() ? value->get<bool>() : fallback;
}
