//===- ModelWrapper.cpp - the typed C API of a generated library ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The exported functions are built directly in the LLVM dialect, so that
// the whole library comes out of one in-process code generation; they are
// thin: argument packing, then a call into the runtime.
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/ModelWrapper.h"
#include "compiler/Target/ExternalWeights.h"
#include "compiler/Target/TrainHeader.inc"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {
namespace {

/// Builds the wrapper functions into one module.
class WrapperBuilder {
public:
  WrapperBuilder(ModuleOp module, const ModelSignature &sig)
      : module(module), sig(sig), b(module.getContext()),
        loc(module.getLoc()), ptr(LLVM::LLVMPointerType::get(b.getContext())),
        i32(b.getI32Type()), i64(b.getI64Type()) {
    b.setInsertionPointToEnd(module.getBody());
  }

  LogicalResult build() {
    if (sig.trainable())
      return buildTrainable();
    auto ciface = module.lookupSymbol<LLVM::LLVMFuncOp>("_mlir_ciface_" +
                                                        sig.entry);
    if (!ciface)
      return module.emitError("entry function '")
             << sig.entry << "' has no C interface after lowering";
    LLVM::LLVMFuncOp invoke = buildInvoke(ciface, "");
    LLVM::GlobalOp description = buildDescription();

    // Runtime functions.
    auto create = declare("kiln_model_create", i32, {ptr, ptr, ptr});
    auto destroy = declare("kiln_model_destroy", voidType(), {ptr});
    auto createFromFile =
        declare("kiln_model_create_from_file", i32, {ptr, ptr, ptr, ptr});
    auto lastError = declare("kiln_last_error", ptr, {});
    auto predict =
        declare("kiln_model_predict", i32, {ptr, i64, ptr, ptr, ptr, ptr});

    // NAME_create(model **out)
    {
      auto fn = define(sig.name + "_create", i32, {ptr});
      Value desc = LLVM::AddressOfOp::create(b, loc, description);
      Value inv = LLVM::AddressOfOp::create(b, loc, invoke);
      Value r = LLVM::CallOp::create(
                    b, loc, create,
                    ValueRange{desc, inv, fn.getArgument(0)})
                    .getResult();
      LLVM::ReturnOp::create(b, loc, r);
    }
    // const char *NAME_description(void): for generic tools (kiln run,
    // the e2e tests); the format is documented in runtime/src/model.c.
    {
      define(sig.name + "_description", ptr, {});
      Value desc = LLVM::AddressOfOp::create(b, loc, description);
      LLVM::ReturnOp::create(b, loc, desc);
    }
    // NAME_create_from_file(const char *weights, model **out)
    {
      auto fn = define(sig.name + "_create_from_file", i32, {ptr, ptr});
      Value desc = LLVM::AddressOfOp::create(b, loc, description);
      Value inv = LLVM::AddressOfOp::create(b, loc, invoke);
      Value r = LLVM::CallOp::create(
                    b, loc, createFromFile,
                    ValueRange{desc, inv, fn.getArgument(0), fn.getArgument(1)})
                    .getResult();
      LLVM::ReturnOp::create(b, loc, r);
    }
    buildCommon(lastError, destroy, predict);
    return success();
  }

  /// NAME_destroy, NAME_last_error, NAME_predict and NAME_predict_arrays.
  void buildCommon(LLVM::LLVMFuncOp lastError, LLVM::LLVMFuncOp destroy,
                   LLVM::LLVMFuncOp predict) {
    // NAME_destroy(model *)
    {
      auto fn = define(sig.name + "_destroy", voidType(), {ptr});
      LLVM::CallOp::create(b, loc, destroy, ValueRange{fn.getArgument(0)});
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    }
    // const char *NAME_last_error(void)
    {
      define(sig.name + "_last_error", ptr, {});
      Value r = LLVM::CallOp::create(b, loc, lastError, ValueRange{}).getResult();
      LLVM::ReturnOp::create(b, loc, r);
    }
    // NAME_predict_arrays(model *, batch, inputs[], input_counts[],
    // outputs[], output_counts[]): the same call with arrays, for generic
    // callers (kiln run, bindings).
    forward(sig.name + "_predict_arrays", predict);
    // NAME_run(model *, const kiln_tensor_t *inputs, kiln_tensor_t *outputs):
    // any shape the model admits, outputs allocated for the caller.
    forward(sig.name + "_run", declare("kiln_model_run", i32, {ptr, ptr, ptr}));
    // void NAME_set_num_threads(int): the runtime's thread pool.
    forward(sig.name + "_set_num_threads",
            declare("kiln_set_num_threads", voidType(), {i32}));
    // NAME_predict(model *, int64_t batch, in0, n0, ..., out0, m0, ...)
    buildTyped(sig.name + "_predict", predict, {sig.inputs.size(), sig.outputs.size()}, false);
  }

  /// A typed function (model *, int64_t batch, then a (pointer, count) pair
  /// per tensor of each group, then a trailing pointer when `trailing`)
  /// that packs each group into a pointer array and a count array and
  /// calls `target` (model, batch, ptrs0, counts0, ptrs1, counts1, ...
  /// [, trailing]).
  void buildTyped(const std::string &name, LLVM::LLVMFuncOp target,
                  ArrayRef<size_t> groups, bool trailing) {
    SmallVector<Type> params = {ptr, i64};
    size_t tensors = 0;
    for (size_t g : groups)
      tensors += g;
    for (size_t i = 0; i < tensors; ++i)
      params.append({ptr, i64});
    if (trailing)
      params.push_back(ptr);
    auto fn = define(name, i32, params);
    auto packInto = [&](size_t count, size_t firstArg, bool pointers) {
      Value n = LLVM::ConstantOp::create(b, loc, i64,
                                         std::max<size_t>(count, 1));
      Value array = LLVM::AllocaOp::create(b, loc, ptr, pointers ? ptr : i64, n);
      for (size_t i = 0; i < count; ++i) {
        Value slot = LLVM::GEPOp::create(b, loc, ptr, pointers ? ptr : i64,
                                         array,
                                         ArrayRef<LLVM::GEPArg>{(int32_t)i});
        Value v = fn.getArgument(firstArg + 2 * i + (pointers ? 0 : 1));
        LLVM::StoreOp::create(b, loc, v, slot);
      }
      return array;
    };
    SmallVector<Value> args = {fn.getArgument(0), fn.getArgument(1)};
    size_t first = 2;
    for (size_t g : groups) {
      args.push_back(packInto(g, first, true));
      args.push_back(packInto(g, first, false));
      first += 2 * g;
    }
    if (trailing)
      args.push_back(fn.getArguments().back());
    Value r = LLVM::CallOp::create(b, loc, target, args).getResult();
    LLVM::ReturnOp::create(b, loc, r);
  }

  /// An exported NAME_x with the signature of `target`, calling it.
  void forward(const std::string &name, LLVM::LLVMFuncOp target) {
    LLVM::LLVMFunctionType type = target.getFunctionType();
    auto fn = define(name, type.getReturnType(), type.getParams());
    auto call = LLVM::CallOp::create(b, loc, target, fn.getArguments());
    if (isa<LLVM::LLVMVoidType>(type.getReturnType()))
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    else
      LLVM::ReturnOp::create(b, loc, call.getResult());
  }

  /// A trainable library: three invokes, the initial state, and the
  /// training API forwarding to the runtime.
  LogicalResult buildTrainable() {
    SmallVector<Value> invokes;
    SmallVector<LLVM::LLVMFuncOp> invokeFns;
    for (const EntrySignature &e : sig.entries) {
      auto ciface =
          module.lookupSymbol<LLVM::LLVMFuncOp>("_mlir_ciface_" + e.symbol);
      if (!ciface)
        return module.emitError("function '")
               << e.symbol << "' has no C interface after lowering";
      invokeFns.push_back(buildInvoke(ciface, "_" + e.kind));
    }
    LLVM::GlobalOp description = buildDescription();
    LLVM::GlobalOp initial = buildInitialState();
    auto f64 = b.getF64Type();
    auto create = declare("kiln_model_create_trainable", i32,
                          {ptr, ptr, ptr, ptr, ptr, i64, ptr});
    auto destroy = declare("kiln_model_destroy", voidType(), {ptr});
    auto lastError = declare("kiln_last_error", ptr, {});
    auto predict =
        declare("kiln_model_predict", i32, {ptr, i64, ptr, ptr, ptr, ptr});
    {
      auto fn = define(sig.name + "_create", i32, {ptr});
      SmallVector<Value> args = {LLVM::AddressOfOp::create(b, loc, description)};
      for (LLVM::LLVMFuncOp inv : invokeFns)
        args.push_back(LLVM::AddressOfOp::create(b, loc, inv));
      args.push_back(LLVM::AddressOfOp::create(b, loc, initial));
      args.push_back(LLVM::ConstantOp::create(
          b, loc, i64,
          cast<LLVM::LLVMArrayType>(initial.getType()).getNumElements()));
      args.push_back(fn.getArgument(0));
      Value r = LLVM::CallOp::create(b, loc, create, args).getResult();
      LLVM::ReturnOp::create(b, loc, r);
    }
    {
      define(sig.name + "_description", ptr, {});
      Value desc = LLVM::AddressOfOp::create(b, loc, description);
      LLVM::ReturnOp::create(b, loc, desc);
    }
    buildCommon(lastError, destroy, predict);
    // train/eval: (model, batch, inputs, counts, targets, counts, metrics).
    for (const char *step : {"train_step", "eval_step"}) {
      auto target = declare(std::string("kiln_model_") + step, i32,
                            {ptr, i64, ptr, ptr, ptr, ptr, ptr});
      forward(sig.name + "_" + step + "_arrays", target);
      buildTyped(sig.name + "_" + step, target,
                 {sig.inputs.size(), sig.targets.size()}, true);
    }
    // The rest forwards as is.
    struct Fwd {
      const char *suffix;
      Type result;
      SmallVector<Type> params;
    };
    Type v = voidType();
    SmallVector<Fwd> fwds = {
        {"save", i32, {ptr, ptr}},
        {"load", i32, {ptr, ptr}},
        {"learning_rate", f64, {ptr}},
        {"set_learning_rate", i32, {ptr, f64}},
        {"num_state", i32, {ptr}},
        {"get_state", i32, {ptr, i32, ptr, i64}},
        {"set_state", i32, {ptr, i32, ptr, i64}},
        {"fit", i32, {ptr, ptr, ptr, ptr, ptr}},
        {"evaluate", i32, {ptr, ptr, i64, ptr}},
        {"predict_dataset", i32, {ptr, ptr, i64, ptr, ptr}},
        {"dataset_read", i32, {ptr, ptr, ptr, ptr}},
        {"dataset_from_arrays", i32, {ptr, i64, ptr, ptr, ptr}},
    };
    for (Fwd &f : fwds)
      forward(sig.name + "_" + f.suffix,
              declare(std::string("kiln_model_") + f.suffix, f.result, f.params));
    SmallVector<Fwd> plain = {
        {"dataset_destroy", v, {ptr}},
        {"dataset_count", i64, {ptr}},
        {"fit_options_init", v, {ptr}},
        {"history_epochs", i32, {ptr}},
        {"history_num_keys", i32, {ptr}},
        {"history_key", ptr, {ptr, i32}},
        {"history_values", ptr, {ptr, ptr}},
        {"history_destroy", v, {ptr}},
    };
    for (Fwd &f : plain)
      forward(sig.name + "_" + f.suffix,
              declare(std::string("kiln_") + f.suffix, f.result, f.params));
    return success();
  }

  /// The safetensors bytes of the state's initial values.
  LLVM::GlobalOp buildInitialState() {
    std::vector<ExternalWeight> weights;
    for (const StateSignature &st : sig.state)
      if (!st.initial.empty())
        weights.push_back({st.tensor, st.initial});
    std::string bytes = serializeSafetensors(weights);
    b.setInsertionPointToEnd(module.getBody());
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), bytes.size());
    auto global = LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                         LLVM::Linkage::Internal,
                                         sig.name + "__initial_state",
                                         b.getStringAttr(bytes));
    global.setAlignment(64);
    return global;
  }

private:
  Type voidType() { return LLVM::LLVMVoidType::get(b.getContext()); }

  LLVM::LLVMFuncOp declare(StringRef name, Type result, ArrayRef<Type> params) {
    if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
      return existing;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    return LLVM::LLVMFuncOp::create(
        b, loc, name, LLVM::LLVMFunctionType::get(result, params));
  }

  /// A new exported function with its entry block as insertion point.
  LLVM::LLVMFuncOp define(const std::string &name, Type result,
                          ArrayRef<Type> params) {
    b.setInsertionPointToEnd(module.getBody());
    auto fn = LLVM::LLVMFuncOp::create(
        b, loc, name, LLVM::LLVMFunctionType::get(result, params));
    b.setInsertionPointToStart(fn.addEntryBlock(b));
    return fn;
  }

  /// NAME__invoke<suffix>(void **args): args[0] = results, args[1 + i] =
  /// argument i.
  LLVM::LLVMFuncOp buildInvoke(LLVM::LLVMFuncOp ciface, StringRef suffix) {
    auto fn = define(sig.name + "__invoke" + suffix.str(), voidType(), {ptr});
    SmallVector<Value> args;
    for (unsigned i = 0; i < ciface.getNumArguments(); ++i) {
      Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, fn.getArgument(0),
                                       ArrayRef<LLVM::GEPArg>{(int32_t)i});
      args.push_back(LLVM::LoadOp::create(b, loc, ptr, slot));
    }
    LLVM::CallOp::create(b, loc, ciface, args);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    fn.setLinkage(LLVM::Linkage::Internal);
    return fn;
  }

  LLVM::GlobalOp buildDescription() {
    std::string text = sig.description();
    text.push_back('\0');
    b.setInsertionPointToEnd(module.getBody());
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
    return LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                  LLVM::Linkage::Internal,
                                  sig.name + "__description",
                                  b.getStringAttr(text));
  }

  ModuleOp module;
  const ModelSignature &sig;
  OpBuilder b;
  Location loc;
  Type ptr, i32, i64;
};

} // namespace

LogicalResult emitModelWrapper(ModuleOp module, const ModelSignature &sig) {
  return WrapperBuilder(module, sig).build();
}

namespace {

/// The C identifier form of a state name in macros.
std::string macroName(StringRef name) {
  std::string s;
  for (char c : name)
    s.push_back(llvm::isAlnum(c) ? llvm::toUpper(c) : '_');
  return s;
}

/// The training part of a trainable library's header.
std::string trainingHeader(const ModelSignature &sig) {
  std::string s;
  llvm::raw_string_ostream os(s);
  std::string n = sig.name, upper = llvm::StringRef(n).upper();
  os << "/* ---- Training ---------------------------------------------------"
        "------ */\n\n";
  for (auto [i, t] : llvm::enumerate(sig.targets)) {
    os << "/* target " << i << " '" << t.name << "': " << t.dtype << " [";
    for (auto [j, d] : llvm::enumerate(t.dims))
      os << (j ? ", " : "") << (d < 0 ? std::string("batch") : std::to_string(d));
    os << "], C type " << t.cType << " */\n";
  }
  os << "\n/* The loss and metrics, in the order train/eval steps return them. */\n"
     << "#define " << upper << "_NUM_METRICS " << sig.metrics.size() << "\n";
  for (auto [i, t] : llvm::enumerate(sig.metrics))
    os << "#define " << upper << "_METRIC_" << macroName(t.name) << " " << i
       << "\n";
  os << "\n/* The state an instance owns (weights, optimizer slots, step count,\n"
        " * learning rate), saved and loaded by name as .safetensors. */\n"
     << "#define " << upper << "_NUM_STATE " << sig.state.size() << "\n";
  for (auto [i, st] : llvm::enumerate(sig.state)) {
    int64_t count = 1;
    for (int64_t d : st.tensor.dims)
      count *= d;
    std::string m = upper + "_STATE_" + macroName(st.tensor.name);
    os << "#define " << m << " " << i << " /* '" << st.tensor.name << "' "
       << st.tensor.dtype << " [";
    llvm::interleaveComma(st.tensor.dims, os);
    os << "], " << st.role << " */\n#define " << m << "_ELEMENTS " << count
       << "\n";
  }
  os << "\n" << std::string(kTrainHeader) << "\n";
  auto typed = [&](const char *fn, const char *doc) {
    os << doc << "kiln_status_t " << n << "_" << fn << "(" << n
       << "_model *model, int64_t batch";
    for (const TensorSignature &t : sig.inputs)
      os << ",\n    const " << t.cType << " *" << t.name << ", size_t "
         << t.name << "_count";
    for (const TensorSignature &t : sig.targets)
      os << ",\n    const " << t.cType << " *" << t.name << ", size_t "
         << t.name << "_count";
    os << ",\n    double *metrics);\n";
    os << "kiln_status_t " << n << "_" << fn << "_arrays(" << n
       << "_model *model, int64_t batch,\n    const void *const *inputs, "
          "const size_t *input_counts,\n    const void *const *targets, "
          "const size_t *target_counts, double *metrics);\n\n";
  };
  typed("train_step",
        "/** One training step on `batch` examples: forward, backward and the\n"
        " * optimizer update of the instance's state. `metrics` receives the\n"
        " * NUM_METRICS loss and metric values (may be NULL). */\n");
  typed("eval_step",
        "/** The loss and metrics on `batch` examples, in inference mode; the\n"
        " * state is unchanged. */\n");
  os << "/** Saves the whole state as .safetensors, atomically (a temporary file\n"
        " * renamed over `path`). */\n"
     << "kiln_status_t " << n << "_save(" << n << "_model *model, const char *path);\n"
     << "/** Loads state from a .safetensors file: every weight must be there with\n"
        " * its dtype and shape; optimizer state is loaded when present. Nothing\n"
        " * changes on failure. */\n"
     << "kiln_status_t " << n << "_load(" << n << "_model *model, const char *path);\n"
     << "double " << n << "_learning_rate(const " << n << "_model *model);\n"
     << "kiln_status_t " << n << "_set_learning_rate(" << n
     << "_model *model, double lr);\n"
     << "int32_t " << n << "_num_state(const " << n << "_model *model);\n"
     << "/** Copies state tensor `index` (a *_STATE_* index) out of / into the\n"
        " * instance; `count` must be its *_ELEMENTS. */\n"
     << "kiln_status_t " << n << "_get_state(const " << n
     << "_model *model, int32_t index, void *data, int64_t count);\n"
     << "kiln_status_t " << n << "_set_state(" << n
     << "_model *model, int32_t index, const void *data, int64_t count);\n\n"
     << "/** Reads a dataset for this model (see kiln_dataset_read: .csv,\n"
        " * .csv.gz, .npy with a targets .npy, .npz); examples whose shape does\n"
        " * not match the model's are rejected with both shapes. */\n"
     << "kiln_status_t " << n << "_dataset_read(const " << n
     << "_model *model, const char *path,\n    const char *target_path, "
        "kiln_dataset_t **out);\n"
     << "/** A dataset copied from arrays: inputs[i], targets[j] hold `count`\n"
        " * examples each. */\n"
     << "kiln_status_t " << n << "_dataset_from_arrays(const " << n
     << "_model *model, int64_t count,\n    const void *const *inputs, const "
        "void *const *targets, kiln_dataset_t **out);\n"
     << "void " << n << "_dataset_destroy(kiln_dataset_t *dataset);\n"
     << "int64_t " << n << "_dataset_count(const kiln_dataset_t *dataset);\n"
     << "void " << n << "_fit_options_init(kiln_fit_options_t *options);\n"
     << "/** Keras's fit: `validation` may be NULL (then validation_split\n"
        " * applies). `history` (may be NULL) receives the per-epoch logs. */\n"
     << "kiln_status_t " << n << "_fit(" << n
     << "_model *model, const kiln_dataset_t *train,\n    const kiln_dataset_t "
        "*validation, const kiln_fit_options_t *options,\n    kiln_history_t "
        "**history);\n"
     << "/** The loss and metrics over a dataset (NUM_METRICS values). */\n"
     << "kiln_status_t " << n << "_evaluate(" << n
     << "_model *model, const kiln_dataset_t *data,\n    int64_t batch_size, "
        "double *metrics);\n"
     << "/** Predictions over a dataset: outputs[i] has room for count x\n"
        " * per-example elements of output i. */\n"
     << "kiln_status_t " << n << "_predict_dataset(" << n
     << "_model *model, const kiln_dataset_t *data,\n    int64_t batch_size, "
        "void *const *outputs, const size_t *output_counts);\n"
     << "int32_t " << n << "_history_epochs(const kiln_history_t *history);\n"
     << "int32_t " << n << "_history_num_keys(const kiln_history_t *history);\n"
     << "const char *" << n << "_history_key(const kiln_history_t *history, "
        "int32_t index);\n"
     << "const double *" << n << "_history_values(const kiln_history_t "
        "*history, const char *key);\n"
     << "void " << n << "_history_destroy(kiln_history_t *history);\n\n";
  return s;
}

} // namespace

std::string emitModelHeader(const ModelSignature &sig) {
  std::string s;
  llvm::raw_string_ostream os(s);
  std::string upper = llvm::StringRef(sig.name).upper();
  std::string n = sig.name;
  os << "/* " << n << ".h - generated by kiln; do not edit.\n *\n"
     << " * The C API of the model '" << n << "'. Link lib" << n
     << ".so; it depends only on libc and libm.\n"
     << " * Every function that can fail returns a kiln_status_t and, on "
        "failure,\n * leaves a message for " << n << "_last_error() in the "
     << "calling thread.\n"
     << " * Inference on one model instance is thread-safe.\n */\n\n"
     << "#ifndef KILN_MODEL_" << upper << "_H\n#define KILN_MODEL_" << upper
     << "_H\n\n#include <stddef.h>\n#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "#ifndef KILN_STATUS_DEFINED\n#define KILN_STATUS_DEFINED\n"
     << "typedef enum kiln_status_t {\n  KILN_OK = 0,\n"
     << "  KILN_INVALID_ARGUMENT = 1,\n  KILN_OUT_OF_MEMORY = 2,\n"
     << "  KILN_INTERNAL = 3,\n  KILN_IO_ERROR = 4,\n"
     << "  KILN_STOPPED_ON_NAN = 5, /**< fit: TerminateOnNaN stopped training */\n"
     << "} kiln_status_t;\n"
     << "#endif\n\n"
     << "#ifndef KILN_TENSOR_DEFINED\n#define KILN_TENSOR_DEFINED\n"
     << "/** A tensor for " << n << "_run: dtype (0 f32, 1 f64, 2 f16, 3 bf16, "
        "4 i1, 5 i8,\n * 6 i16, 7 i32, 8 i64), every dimension, dense "
        "row-major data. */\n"
     << "typedef struct kiln_tensor_t {\n  int32_t dtype;\n  int32_t rank;\n"
        "  int64_t dims[8];\n  void *data;\n} kiln_tensor_t;\n#endif\n\n"
     << "/** An instance of the model. */\ntypedef struct " << n << "_model "
     << n << "_model;\n\n";

  auto tensorDoc = [&](const char *kind, size_t i, const TensorSignature &t) {
    std::string tu = llvm::StringRef(t.name).upper();
    std::string prefix = upper + "_" + kind + "_" + tu;
    int64_t perExample = 1;
    bool batched = false, open = false;
    os << "/* " << kind << " " << i << " '" << t.name << "': " << t.dtype
       << " [";
    for (auto [j, d] : llvm::enumerate(t.dims)) {
      os << (j ? ", " : "");
      if (d < 0 && j == 0) {
        os << "batch";
        batched = true;
      } else if (d < 0) {
        os << "?";
        open = true;
      } else {
        os << d;
        perExample *= d;
      }
    }
    os << "], C type " << t.cType << " */\n";
    os << "#define " << prefix << "_RANK " << t.dims.size() << "\n";
    if (open) {
      os << "/* A dimension besides the batch is dynamic: run the model with "
         << n << "_run. */\n";
      return;
    }
    os << "#define " << prefix << "_ELEMENTS_PER_EXAMPLE " << perExample
       << "\n";
    os << "#define " << prefix << "_ELEMENTS(batch) ((size_t)"
       << (batched ? "(batch) * " : "") << perExample << ")\n";
  };
  for (auto [i, t] : llvm::enumerate(sig.inputs))
    tensorDoc("INPUT", i, t);
  for (const ModelSignature::SameSize &same : sig.sameSizes)
    os << "/* Dimension " << same.dim << " of input '"
       << sig.inputs[same.input].name << "' and dimension " << same.otherDim
       << " of input '" << sig.inputs[same.otherInput].name
       << "' are both '" << same.symbol << "': they must be equal (" << n
       << "_run checks). */\n";
  for (auto [i, t] : llvm::enumerate(sig.outputs))
    tensorDoc("OUTPUT", i, t);

  bool external = !sig.params.empty();
  os << "\n#define " << upper << "_EXTERNAL_WEIGHTS " << (external ? 1 : 0)
     << "\n\n";
  if (external) {
    os << "/* The weights are external: create instances with "
       << n << "_create_from_file\n * and the " << n
       << ".safetensors file written next to the library\n * (or any file "
          "with the same tensor names, dtypes and shapes): */\n";
    for (const TensorSignature &t : sig.params) {
      os << "/*   " << t.name << ": " << t.dtype << " [";
      llvm::interleaveComma(t.dims, os);
      os << "] */\n";
    }
    os << "\n";
  }
  if (sig.trainable())
    os << "/** Creates a trainable instance with the initial state (the weights\n"
          " * the library was compiled with; load others with " << n
       << "_load). */\n"
       << "kiln_status_t " << n << "_create(" << n << "_model **out_model);\n\n";
  else
    os << "/** Creates an instance of the model"
       << (external ? "; fails: this model's weights are external.\n */\n"
                    : " (weights are embedded). */\n")
       << "kiln_status_t " << n << "_create(" << n << "_model **out_model);\n\n"
       << "/** Creates an instance with the weights of a .safetensors file"
       << (external ? "" : "; fails: this model's weights are embedded")
       << ". */\n"
       << "kiln_status_t " << n << "_create_from_file(const char *weights_path, "
       << n << "_model **out_model);\n\n";
  os
     << "/** Destroys an instance; NULL is ignored. */\n"
     << "void " << n << "_destroy(" << n << "_model *model);\n\n"
     << "/** Runs the model on `batch` examples. Each `*_count` is the number "
        "of\n * elements in the buffer and must equal the matching "
        "*_ELEMENTS(batch). */\n"
     << "kiln_status_t " << n << "_predict(" << n
     << "_model *model, int64_t batch";
  for (const TensorSignature &t : sig.inputs)
    os << ",\n    const " << t.cType << " *" << t.name << ", size_t "
       << t.name << "_count";
  for (const TensorSignature &t : sig.outputs)
    os << ",\n    " << t.cType << " *" << t.name << ", size_t " << t.name
       << "_count";
  os << ");\n\n"
     << "/** As " << n << "_predict, with the buffers and counts in arrays "
        "(inputs, then\n * outputs, in declaration order). */\n"
     << "kiln_status_t " << n << "_predict_arrays(" << n
     << "_model *model, int64_t batch,\n    const void *const *inputs, "
        "const size_t *input_counts,\n    void *const *outputs, const size_t "
        "*output_counts);\n\n"
     << "/** Runs the model on inputs of any shape it admits (dynamic "
        "dimensions from\n * inputs[i].dims). Fills outputs[i] with the "
        "produced shapes and buffers\n * allocated with malloc, which the "
        "caller frees. */\n"
     << "kiln_status_t " << n << "_run(" << n
     << "_model *model, const kiln_tensor_t *inputs,\n    kiln_tensor_t "
        "*outputs);\n\n"
     << (sig.trainable() ? trainingHeader(sig) : std::string())
     << "/** The model's inputs and outputs as text (see the Kiln runtime). */\n"
     << "const char *" << n << "_description(void);\n\n"
     << "/** Sets the threads that calls into this library may use (the "
        "calling\n * thread included; the library has its own pool); 0 "
        "restores the default:\n * the KILN_NUM_THREADS environment "
        "variable, else all cores. */\n"
     << "void " << n << "_set_num_threads(int threads);\n\n"
     << "/** The message of the last failed call in this thread. */\n"
     << "const char *" << n << "_last_error(void);\n\n"
     << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* KILN_MODEL_" << upper
     << "_H */\n";
  return s;
}

} // namespace kiln
