//===- KerasJson.h - nlohmann-json for the Keras file reader ----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Private to frontend/keras: includes nlohmann-json inside an inline
// namespace of our own and adds the few lenient helpers the Keras reader
// needs (Python's NaN/Infinity tokens, typed lookups that never throw).
//
// Why the namespace: the project builds with -fno-exceptions, where
// nlohmann's JSON_THROW expands to std::abort(), while this reader is built
// with -fexceptions. The same inline template compiled both ways in one
// program is an ODR violation, and the linker may keep the aborting copy. In
// `nlohmann::kiln_eh` our instantiations cannot mix with anyone else's.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_KERAS_KERASJSON_H
#define KILN_FRONTEND_KERAS_KERASJSON_H

#if !defined(__cpp_exceptions) && !defined(__EXCEPTIONS)
#error "KerasJson.h must be compiled with -fexceptions (see the file comment)"
#endif

#if defined(INCLUDE_NLOHMANN_JSON_HPP_) ||                                     \
    defined(INCLUDE_NLOHMANN_JSON_FWD_HPP_)
#error "include KerasJson.h before any other nlohmann-json header"
#endif

#define NLOHMANN_JSON_NAMESPACE nlohmann::kiln_eh
#define NLOHMANN_JSON_NAMESPACE_BEGIN                                          \
  namespace nlohmann {                                                         \
  inline namespace kiln_eh {
#define NLOHMANN_JSON_NAMESPACE_END                                            \
  }                                                                            \
  }
#include <nlohmann/json.hpp>

#include <string>

namespace kiln::keras::detail {

using Json = nlohmann::json;

/// Rewrites the non-standard tokens Python's json module writes for
/// non-finite floats, outside string literals: `NaN` -> `null`, `Infinity`
/// -> `1.7976931348623157e308` (the largest double, since JSON has no
/// infinity and nlohmann rejects overflowing literals), `-Infinity` -> its
/// negation.
std::string replaceNonFiniteTokens(const std::string &text);

/// Parses `text` (after replaceNonFiniteTokens) into `out`. On failure
/// returns false with nlohmann's description of the error in `error`.
bool parseJson(const std::string &text, Json &out, std::string &error);

/// Serializes without throwing on invalid UTF-8 (replaced by U+FFFD).
std::string dumpJson(const Json &value);

/// `obj[key]` when `obj` is an object holding `key`, else nullptr.
const Json *member(const Json &obj, const char *key);
/// The string at `obj[key]`, or `fallback` when absent or not a string.
std::string stringMember(const Json &obj, const char *key,
                         const std::string &fallback = "");
/// The boolean at `obj[key]`, or `fallback` when absent or not a boolean.
bool boolMember(const Json &obj, const char *key, bool fallback);

} // namespace kiln::keras::detail

#endif // KILN_FRONTEND_KERAS_KERASJSON_H
