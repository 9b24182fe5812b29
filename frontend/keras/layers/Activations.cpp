//===- Activations.cpp - Keras activations as kiln ops --------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/layers/Emit.h"
#include "kiln/keras/Layers.h"

#include <map>
#include <mutex>

using namespace mlir;
using namespace kiln::keras_detail;

namespace kiln {
namespace {

std::mutex &registryMutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, ActivationFn> &registry() {
  static std::map<std::string, ActivationFn> r;
  return r;
}

const char *const kBuiltins[] = {
    "linear",  "relu",     "sigmoid",     "tanh",       "softmax",
    "log_softmax", "elu",  "selu",        "softplus",   "softsign",
    "swish",   "silu",     "gelu",        "hard_sigmoid", "exponential",
    "relu6",   "leaky_relu", "mish",      "hard_silu",  "hard_swish",
    "log_sigmoid"};

Value hardSigmoid(OpBuilder &b, Location loc, Value x, int kerasMajor) {
  // Keras 2: clip(0.2 x + 0.5); Keras 3: relu6(x + 3) / 6.
  double alpha = kerasMajor == 2 ? 0.2 : 1.0 / 6.0;
  return HardSigmoidOp::create(b, loc, x, b.getF64FloatAttr(alpha),
                               b.getF64FloatAttr(0.5));
}

} // namespace

void registerActivation(const std::string &name, ActivationFn fn) {
  std::lock_guard<std::mutex> lock(registryMutex());
  registry()[name] = std::move(fn);
}

bool isKnownActivation(const std::string &name) {
  for (const char *b : kBuiltins)
    if (name == b)
      return true;
  std::lock_guard<std::mutex> lock(registryMutex());
  return registry().count(name) > 0;
}

Value applyActivation(CallContext &ctx, const Activation &act, Value x) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  const std::string &n = act.name;
  int64_t last = tensorType(x).getRank() - 1;
  Type elt = tensorType(x).getElementType();
  if (n == "linear")
    return x;
  if (n == "relu")
    return ReluOp::create(b, loc, x);
  if (n == "sigmoid")
    return SigmoidOp::create(b, loc, x);
  if (n == "tanh")
    return TanhOp::create(b, loc, x);
  if (n == "softmax")
    return SoftmaxOp::create(b, loc, x, b.getI64IntegerAttr(last));
  if (n == "log_softmax")
    return LogSoftmaxOp::create(b, loc, x, b.getI64IntegerAttr(last));
  if (n == "elu")
    return EluOp::create(b, loc, x, b.getF64FloatAttr(1.0));
  if (n == "selu")
    return SeluOp::create(b, loc, x);
  if (n == "softplus")
    return SoftplusOp::create(b, loc, x);
  if (n == "softsign")
    return SoftsignOp::create(b, loc, x);
  if (n == "swish" || n == "silu")
    return SiluOp::create(b, loc, x);
  if (n == "gelu")
    return GeluOp::create(b, loc, x, b.getBoolAttr(false));
  if (n == "hard_sigmoid")
    return hardSigmoid(b, loc, x, act.kerasMajor);
  if (n == "hard_silu" || n == "hard_swish")
    return MulOp::create(b, loc, x, hardSigmoid(b, loc, x, 3));
  if (n == "exponential")
    return ExpOp::create(b, loc, x);
  if (n == "relu6")
    return ClampOp::create(b, loc, x, b.getF64FloatAttr(0.0),
                           b.getF64FloatAttr(6.0));
  if (n == "leaky_relu")
    return LeakyReluOp::create(b, loc, x, b.getF64FloatAttr(0.2));
  if (n == "mish")
    return MulOp::create(b, loc, x,
                         TanhOp::create(b, loc, SoftplusOp::create(b, loc, x)));
  if (n == "log_sigmoid")
    return NegOp::create(
        b, loc, SoftplusOp::create(b, loc, NegOp::create(b, loc, x)));
  ActivationFn fn;
  {
    std::lock_guard<std::mutex> lock(registryMutex());
    auto it = registry().find(n);
    if (it != registry().end())
      fn = it->second;
  }
  (void)elt;
  if (fn)
    return fn(b, loc, x);
  // Unknown names are rejected when the layer is created; reaching here
  // means a registration was removed, so fall back to the identity.
  return x;
}

} // namespace kiln
