//===- OnnxLoader.h - reading, checking and shape-inferring ONNX -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The one place that calls the ONNX library, which reports errors by
// throwing: it is compiled with exceptions and lets none escape.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_ONNX_ONNXLOADER_H
#define KILN_FRONTEND_ONNX_ONNXLOADER_H

#include "onnx/onnx_pb.h"

#include <string>

namespace kiln::onnx_detail {

/// Parses `path`, pulls external tensor data into the initializers, runs
/// the checker and shape inference. With `dynamicLeading`, every graph
/// input's leading dimension becomes a dim_param of its own, and the shapes
/// the model records for outputs and intermediate values are dropped before
/// shape inference, so every shape afterwards holds for any leading size.
/// False with `error` set on failure.
bool loadOnnxModel(const std::string &path, onnx::ModelProto &model,
                   std::string &error, bool dynamicLeading = false);

} // namespace kiln::onnx_detail

#endif // KILN_FRONTEND_ONNX_ONNXLOADER_H
