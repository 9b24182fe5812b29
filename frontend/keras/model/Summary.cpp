//===- Summary.cpp - Keras-style model.summary() --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Mirrors Keras 3's table: layer name and type, output shape, parameter
// count, and for functional models the layers each one is connected to;
// then total, trainable and non-trainable parameter counts with sizes.
//
//===----------------------------------------------------------------------===//

#include "kiln/keras/Core.h"
#include "kiln/keras/Layers.h"

#include <iomanip>
#include <set>
#include <sstream>

namespace kiln {
namespace {

std::string withCommas(int64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string bytes(int64_t n) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(2);
  double b = static_cast<double>(n);
  if (b < 1024)
    os << b << " B";
  else if (b < 1024 * 1024)
    os << b / 1024 << " KB";
  else if (b < 1024.0 * 1024 * 1024)
    os << b / (1024 * 1024) << " MB";
  else
    os << b / (1024.0 * 1024 * 1024) << " GB";
  return os.str();
}

/// Pads or truncates `s` to `width` display columns (ASCII content).
std::string cell(const std::string &s, size_t width, bool right = false) {
  std::string t = s.size() > width ? s.substr(0, width - 1) + "~" : s;
  std::string pad(width - t.size(), ' ');
  return right ? pad + t : t + pad;
}

std::string repeat(const char *unit, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i)
    s += unit;
  return s;
}

} // namespace

std::string Model::summary(int lineLength) const {
  bool functional = className() != "Sequential";
  std::vector<size_t> widths = functional ? std::vector<size_t>{31, 22, 11, 24}
                                          : std::vector<size_t>{31, 22, 13};
  if (lineLength > 0) {
    size_t total = 0;
    for (size_t w : widths)
      total += w + 3;
    if (static_cast<size_t>(lineLength) > total)
      widths[0] += lineLength - total;
  }
  std::vector<std::string> headers = {"Layer (type)", "Output Shape", "Param #"};
  if (functional)
    headers.push_back("Connected to");

  auto border = [&](const char *l, const char *m, const char *r,
                    const char *h) {
    std::string s = l;
    for (size_t i = 0; i < widths.size(); ++i) {
      s += repeat(h, widths[i] + 2);
      s += i + 1 < widths.size() ? m : r;
    }
    return s + "\n";
  };
  auto row = [&](const std::vector<std::string> &cols, const char *sep) {
    std::string s = sep;
    for (size_t i = 0; i < widths.size(); ++i)
      s += " " + cell(cols[i], widths[i], i == 2) + " " + sep;
    return s + "\n";
  };

  std::ostringstream os;
  os << "Model: \"" << name() << "\"\n";
  os << border("┏", "┳", "┓", "━");
  os << row(headers, "┃");
  os << border("┡", "╇", "┩", "━");
  bool first = true;
  std::set<const Layer *> listed;
  for (const auto &node : order_) {
    const Layer &layer = *node->layer;
    bool isInput = node->inputs.empty();
    if (isInput && !functional)
      continue; // Keras leaves the InputLayer out of Sequential summaries
    if (!first)
      os << border("├", "┼", "┤", "─");
    first = false;
    std::string shape;
    for (size_t i = 0; i < node->outputShapes.size(); ++i)
      shape += (i ? ", " : "") + formatShape(node->outputShapes[i]);
    // Parameters are counted once per layer, at its first call.
    int64_t params = listed.insert(&layer).second ? layer.countParams() : 0;
    std::vector<std::string> cols = {
        layer.name() + " (" + layer.className() + ")", shape,
        withCommas(params)};
    if (functional) {
      std::string conn = isInput ? "-" : "";
      for (size_t i = 0; i < node->inputs.size(); ++i) {
        const Tensor &t = node->inputs[i];
        conn += (i ? ", " : "") + t.node()->layer->name() + "[0][" +
                std::to_string(t.index()) + "]";
      }
      cols.push_back(conn);
    }
    os << row(cols, "│");
  }
  os << border("└", "┴", "┘", "─");
  int64_t total = 0, trainable = 0;
  for (const auto &layer : layers()) {
    total += layer->countParams();
    trainable += layer->countTrainableParams();
  }
  os << " Total params: " << withCommas(total) << " (" << bytes(total * 4)
     << ")\n";
  os << " Trainable params: " << withCommas(trainable) << " ("
     << bytes(trainable * 4) << ")\n";
  os << " Non-trainable params: " << withCommas(total - trainable) << " ("
     << bytes((total - trainable) * 4) << ")\n";
  return os.str();
}

} // namespace kiln
