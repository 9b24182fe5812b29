//===- CIdentifier.h - names that cross the C API ---------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Model, tensor and symbol names become C identifiers in generated headers
// and symbols. The frontends (layer and node names), the compiler (symbol
// prefixes) and the tools all apply the same rule, so it lives here, below
// every layer, with no dependency.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_SUPPORT_CIDENTIFIER_H
#define KILN_SUPPORT_CIDENTIFIER_H

#include <string>
#include <string_view>

namespace kiln {

/// Whether `name` is a valid C identifier.
bool isCIdentifier(std::string_view name);

/// `name` made a C identifier: other characters become '_', and `prefix`
/// goes in front of an empty name or a leading digit.
std::string toCIdentifier(std::string_view name, char prefix);

} // namespace kiln

#endif // KILN_SUPPORT_CIDENTIFIER_H
