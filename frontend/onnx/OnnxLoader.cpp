//===- OnnxLoader.cpp - reading, checking and shape-inferring ONNX --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "OnnxLoader.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <fstream>
#include <set>
#include <sstream>

namespace kiln::onnx_detail {
namespace {

bool readFile(const std::string &path, std::string &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return static_cast<bool>(in) || in.eof();
}

std::string directoryOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

/// Moves external data (`data_location: EXTERNAL`, keys location, offset,
/// length) into raw_data, refusing paths that leave the model's directory.
bool loadExternalData(onnx::TensorProto &t, const std::string &dir,
                      std::string &error) {
  if (t.data_location() != onnx::TensorProto::EXTERNAL)
    return true;
  std::string location;
  long long offset = 0, length = -1;
  for (const auto &kv : t.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset")
      offset = std::atoll(kv.value().c_str());
    else if (kv.key() == "length")
      length = std::atoll(kv.value().c_str());
  }
  if (location.empty() || location[0] == '/' ||
      location.find("..") != std::string::npos) {
    error = "initializer '" + t.name() + "': external data location '" +
            location + "' must be a file beside the model";
    return false;
  }
  std::string bytes;
  if (!readFile(dir + "/" + location, bytes)) {
    error = "initializer '" + t.name() + "': cannot read external data '" +
            dir + "/" + location + "'";
    return false;
  }
  if (offset < 0 || static_cast<size_t>(offset) > bytes.size() ||
      (length >= 0 && static_cast<size_t>(offset + length) > bytes.size())) {
    error = "initializer '" + t.name() + "': external data range (offset " +
            std::to_string(offset) + ", length " + std::to_string(length) +
            ") exceeds '" + location + "' (" + std::to_string(bytes.size()) +
            " bytes)";
    return false;
  }
  t.set_raw_data(bytes.substr(offset, length < 0 ? std::string::npos
                                                 : static_cast<size_t>(length)));
  t.clear_external_data();
  t.set_data_location(onnx::TensorProto::DEFAULT);
  return true;
}

/// ONNX's messages span lines; errors here are one line.
std::string oneLine(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      if (!out.empty() && out.back() != ' ')
        out.push_back(' ');
      continue;
    }
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

} // namespace

bool loadOnnxModel(const std::string &path, onnx::ModelProto &model,
                   std::string &error, bool dynamicLeading) {
  std::string bytes;
  if (!readFile(path, bytes)) {
    error = "'" + path + "': cannot read the file";
    return false;
  }
  google::protobuf::io::ArrayInputStream raw(bytes.data(),
                                             static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(INT32_MAX);
  if (bytes.empty() || !model.ParseFromCodedStream(&coded) ||
      !coded.ConsumedEntireMessage()) {
    error = "'" + path + "': not a valid ONNX model (the protobuf does not "
            "parse; is the file truncated?)";
    return false;
  }
  if (!model.has_graph()) {
    error = "'" + path + "': the model has no graph";
    return false;
  }
  std::string dir = directoryOf(path);
  for (onnx::TensorProto &t : *model.mutable_graph()->mutable_initializer())
    if (!loadExternalData(t, dir, error)) {
      error = "'" + path + "': " + error;
      return false;
    }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    error = "'" + path + "': the ONNX checker rejects the model: " + oneLine(e.what());
    return false;
  }
  if (dynamicLeading) {
    onnx::GraphProto &g = *model.mutable_graph();
    std::set<std::string> initialized;
    for (const auto &t : g.initializer())
      initialized.insert(t.name());
    for (onnx::ValueInfoProto &vi : *g.mutable_input()) {
      if (initialized.count(vi.name()) || !vi.type().has_tensor_type() ||
          !vi.type().tensor_type().has_shape() ||
          vi.type().tensor_type().shape().dim_size() == 0)
        continue;
      auto *dim = vi.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0);
      dim->clear_dim_value();
      dim->set_dim_param(vi.name() + ".0");
    }
    g.clear_value_info();
    for (onnx::ValueInfoProto &vi : *g.mutable_output())
      if (vi.type().has_tensor_type())
        vi.mutable_type()->mutable_tensor_type()->clear_shape();
  }
  try {
    onnx::shape_inference::InferShapes(model);
  } catch (const std::exception &e) {
    error = "'" + path + "': ONNX shape inference fails: " + oneLine(e.what());
    return false;
  }
  return true;
}

} // namespace kiln::onnx_detail
